"""Render supervisor-edited letter texts safely.

A template is compiled by its own `Engine` that has no loaders and only the tags and filters of
`sandbox_library` (if, for, a few text filters), with autoescaping off (the output is plain text
that goes into the PDF, the e-mail and the SMS, never into HTML unescaped). The context is a plain
dict of strings (and lists of dicts of strings for the claims and the instalments) built by
`selectors.letter_fields` from one case, so a template can read this case's figures and nothing else:
there is no model object to walk from, and no function to call.

Before saving, `template_check` parses the text and walks every variable: the name must be one of
`FIELDS` (or a loop variable over `claims` or `instalments` with one of their fields). The error names the line and the
field. At render time `string_if_invalid` is a marker, so anything unknown that slipped through
still refuses the letter instead of printing an empty gap.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.template import Context, Engine, Template, TemplateSyntaxError
from django.template.base import FilterExpression, Node, Variable
from django.template.defaulttags import ForNode

from incasso.core.exceptions import DomainError

INVALID = "\x00UNKNOWN-FIELD\x00"

# Field name -> what it holds (shown to the template editor).
FIELDS: dict[str, str] = {
    "debtor_name": "naam van de schuldenaar",
    "salutation": "aanhef, bijv. 'Geachte heer Jansen,'",
    "case_number": "ons dossiernummer",
    "client_name": "naam van de opdrachtgever",
    "client_reference": "kenmerk van de opdrachtgever",
    "letter_date": "datum van de brief",
    "pay_by": "uiterste betaaldatum",
    "payment_term": "de betaaltermijn in woorden (14-dagenbrief: 14 dagen na ontvangst)",
    "amount_owed": "totaal te betalen",
    "principal": "hoofdsom",
    "interest": "rente",
    "collection_costs": "incassokosten die nu al gerekend zijn",
    "collection_costs_if_unpaid": "incassokosten die wij rekenen als u niet op tijd betaalt",
    "paid": "al betaald",
    "payment_amount": "het bedrag in het betaalvak en de QR-code (regeling: de termijn of wat vervallen is)",
    "payment_reference": "betalingskenmerk in het betaalvak (regeling: dat van de termijn)",
    "case_payment_reference": "betalingskenmerk van het dossier",
    "iban": "IBAN om naar te betalen",
    "account_holder": "ten name van",
    "agency_name": "naam van het incassobureau",
    "agency_phone": "telefoonnummer van het incassobureau",
    "agency_email": "e-mailadres van het incassobureau",
    "agency_website": "website van het incassobureau",
    "wki_registration": "Wki-registratienummer",
    "portal_url": "adres van het debiteurenportaal (leeg als het niet is ingesteld: gebruik {% if portal_url %})",
    "claim_count": "aantal facturen",
    "claims": "lijst van facturen (gebruik in {% for claim in claims %})",
    # Betalingsregeling (leeg als het dossier geen regeling heeft): zie arrangement_facts.arrangement_fields.
    "instalment_count": "aantal termijnen van de regeling",
    "instalment_amount": "het gewone termijnbedrag",
    "last_instalment_amount": "het bedrag van de laatste termijn (kan afwijken door afronding)",
    "instalment_frequency": "hoe vaak: 'per maand', 'elke vier weken' of 'per week'",
    "first_instalment_due": "vervaldatum van de eerste termijn",
    "last_instalment_due": "vervaldatum van de laatste termijn",
    "next_instalment_number": "nummer van de eerstvolgende termijn (op of na de briefdatum)",
    "next_instalment_amount": "bedrag dat nog open staat van de eerstvolgende termijn",
    "next_instalment_due": "vervaldatum van de eerstvolgende termijn",
    "amount_overdue": "wat van de vervallen termijnen nog open staat (leeg als niets)",
    "instalments_overdue": "aantal vervallen termijnen die nog open staan",
    "instalments": "lijst van termijnen (gebruik in {% for termijn in instalments %})",
}
INSTALMENT_FIELDS: dict[str, str] = {
    "number": "nummer",
    "due_on": "vervaldatum",
    "amount": "bedrag",
    "paid": "al betaald",
    "open": "nog te betalen",
    "payment_reference": "betalingskenmerk van de termijn",
}

CLAIM_FIELDS: dict[str, str] = {
    "invoice_number": "factuurnummer",
    "invoice_date": "factuurdatum",
    "description": "omschrijving",
    "principal": "hoofdsom",
    "interest": "rente",
    "costs": "kosten",
    "total": "totaal",
}
LIST_FIELDS: dict[str, dict[str, str]] = {"claims": CLAIM_FIELDS, "instalments": INSTALMENT_FIELDS}
LOOP_FIELDS = frozenset({"counter", "counter0", "first", "last", "revcounter", "revcounter0"})


class _SandboxEngine(Engine):
    default_builtins: list[str] = []  # type: ignore[misc]  # not even Django's default tags (load, include, url, ...)


ENGINE = _SandboxEngine(
    dirs=[],
    app_dirs=False,
    loaders=[],
    libraries={},
    builtins=["incasso.letters.sandbox_library"],
    autoescape=False,
    debug=True,  # keeps line numbers on tokens and errors
    string_if_invalid=INVALID,
)


class TemplateRefused(DomainError):
    """A letter text that may not be saved or sent; the message names the line and the field."""


@dataclass(frozen=True)
class _Use:
    lookups: tuple[str, ...]
    line: int


def _line(node: Node) -> int:
    token = getattr(node, "token", None)
    return int(getattr(token, "lineno", 0) or 0)


def _expressions(node: Node) -> Iterator[FilterExpression]:
    for value in vars(node).values():
        items = value if isinstance(value, list | tuple) else [value]
        for item in items:
            if isinstance(item, FilterExpression):
                yield item
    condition_holders = getattr(node, "conditions_nodelists", None)
    if condition_holders:
        for condition, _nodelist in condition_holders:
            yield from _condition_expressions(condition)


def _condition_expressions(condition: Any) -> Iterator[FilterExpression]:
    if condition is None:
        return
    value = getattr(condition, "value", None)
    if isinstance(value, FilterExpression):
        yield value
    for side in ("first", "second"):
        part = getattr(condition, side, None)
        if part is not None:
            yield from _condition_expressions(part)


def _refuse_use(use: _Use) -> None:
    root, *rest = use.lookups
    where = f"regel {use.line}: " if use.line else ""
    name = ".".join(use.lookups)
    if root == "forloop" and len(rest) == 1 and rest[0] in LOOP_FIELDS:
        return
    if root in FIELDS and not rest:
        return
    raise TemplateRefused(f"{where}onbekend veld '{name}'", field=name)


def _check_uses(template: Template) -> None:
    nodelist = template.nodelist

    def check(nodes: Any, loops: dict[str, str]) -> None:
        for node in nodes:
            line = _line(node)
            for expr in _expressions(node):
                uses = []
                var = expr.var
                if isinstance(var, Variable) and var.lookups is not None:
                    uses.append(_Use(tuple(var.lookups), line))
                for _func, args in expr.filters:
                    for is_var, arg in args:
                        if is_var and isinstance(arg, Variable) and arg.lookups is not None:
                            uses.append(_Use(tuple(arg.lookups), line))
                for use in uses:
                    root, *rest = use.lookups
                    if root in loops:
                        if len(rest) == 1 and rest[0] in LIST_FIELDS[loops[root]]:
                            continue
                        where = f"regel {use.line}: " if use.line else ""
                        raise TemplateRefused(
                            f"{where}onbekend veld '{'.'.join(use.lookups)}'", field=".".join(use.lookups)
                        )
                    _refuse_use(use)
            inner = dict(loops)
            if isinstance(node, ForNode):
                seq = node.sequence.var  # type: ignore[union-attr]
                source = ".".join(seq.lookups) if isinstance(seq, Variable) and seq.lookups else ""
                if source not in LIST_FIELDS:
                    raise TemplateRefused(
                        f"regel {line}: 'for' kan alleen over 'claims' of 'instalments' lopen, "
                        f"niet over '{source}'",
                        field=source,
                    )
                for name in node.loopvars:
                    inner[name] = source
            for attr in getattr(node, "child_nodelists", ()):
                check(getattr(node, attr, None) or [], inner)
            for _condition, nodes_in in getattr(node, "conditions_nodelists", None) or []:
                check(nodes_in, inner)

    check(nodelist, {})


def template_compile(text: str, *, label: str = "tekst") -> Template:
    """Parse a letter text in the sandbox; refuse syntax errors and unknown fields, naming the line."""
    try:
        template = ENGINE.from_string(text)
    except TemplateSyntaxError as exc:
        info = getattr(exc, "template_debug", None) or {}
        line = info.get("line")
        where = f"regel {line}: " if line else ""
        raise TemplateRefused(f"{label}, {where}{_dutch_syntax_error(str(exc))}", field=label) from exc
    try:
        _check_uses(template)
    except TemplateRefused as exc:
        raise TemplateRefused(f"{label}, {exc.message}", field=exc.field) from exc
    return template


def _dutch_syntax_error(message: str) -> str:
    match = re.search(r"Invalid block tag on line \d+: '([^']+)'", message)
    if match:
        return f"'{{% {match.group(1)} %}}' is niet toegestaan in een brieftekst"
    return f"fout in de opmaak ({message})"


def template_render(text: str, fields: Mapping[str, Any], *, label: str = "tekst") -> str:
    """Render a checked text with a case's fields; refuse when anything unknown is left."""
    unknown = set(fields) - set(FIELDS)
    if unknown:  # a programming error, not a user error: the context may only hold known fields
        raise ValueError(f"fields outside the sandbox: {sorted(unknown)}")
    template = template_compile(text, label=label)
    out = template.render(Context(dict(fields), autoescape=False))
    if INVALID in out:
        line = out[: out.index(INVALID)].count("\n") + 1
        raise TemplateRefused(f"{label}, regel {line}: een veld heeft geen waarde", field=label)
    return out
