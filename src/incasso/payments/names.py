"""The name rule for a whole import at once: rule (d) of `matching`, a suggestion only, never booked.

One transaction at a time the rule compares a name with every open case. An import asks it only for
the transactions no other rule placed, once, after the rest of the file is booked, and reads the open
cases' names grouped by name (how many open cases share it and their first few case numbers), never a
model instance per case. Candidates are blocked by the first four letters of each name part (not
van/de/der/...): a name misspelt in its first letters finds no suggestion here (the queue's search
still does).

The answer is the one the rule gives at the transaction's place in the file: a case the import closed
with a payment before that place is not open for it, a case closed by a later payment still is
(`MatchCache.closed` keeps the position of the closing payment).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import connection
from rapidfuzz import fuzz, process

from incasso.cases.models import Case, CaseState
from incasso.debtors.models import Debtor
from incasso.payments.matching import (
    NAME_THRESHOLD,
    NOTHING_FOUND,
    Match,
    name_ambiguous,
    name_suggestion,
)
from incasso.payments.models import BankTransaction, TransactionStatus

NAME_PREFIXES = frozenset({"van", "de", "der", "den", "het", "ter", "ten", "te", "la", "le", "op", "in", "t"})
NAME_TOKEN_RE = re.compile(r"[^\w]+")
SHOWN = 6  # case numbers kept per name besides the ones the import closed (a reason names five)
MAX_SQL_KEYS = 1000  # more blocking keys than this: no filter in SQL (read every open case's name)
NAME_FIELDS = ("kind", "first_names", "name_prefix", "last_name", "organisation_name")


def name_keys(name: str) -> set[str]:
    """Blocking keys for the name rule: the first four letters of each name part (not 'van', 'de', ...)."""
    return {t[:4] for t in NAME_TOKEN_RE.split(name.lower()) if len(t) >= 3 and t not in NAME_PREFIXES}


@dataclass(frozen=True)
class NameGroup:
    """The cases whose debtor has one name."""

    name: str  # the debtor's display name
    count: int  # its cases open when the import started
    first: tuple[tuple[str, int], ...]  # (number, id) of its first cases by number: SHOWN + the closed ones
    closed: tuple[int, ...]  # its cases the import closed

    def open_at(self, position: int, closed: Mapping[int, int]) -> int:
        return self.count - sum(1 for pk in self.closed if closed[pk] < position)

    def shown_at(self, position: int, closed: Mapping[int, int]) -> list[tuple[str, int]]:
        """Its first open cases (up to SHOWN) at `position` in the file."""
        gone = {pk for pk in self.closed if closed[pk] < position}
        return [(number, pk) for number, pk in self.first if pk not in gone][:SHOWN]


def _display_name(fields: Iterable[str]) -> str:
    kind, first_names, name_prefix, last_name, organisation_name = fields
    return Debtor(
        kind=kind,
        first_names=first_names,
        name_prefix=name_prefix,
        last_name=last_name,
        organisation_name=organisation_name,
    ).display_name


def _groups_postgresql(keys: set[str], closed: Mapping[int, int]) -> list[NameGroup]:
    """One GROUP BY over the open cases (and the ones this import closed), filtered in SQL by a regular
    expression of the keys (a superset of `name_keys`; the caller checks the keys again)."""
    where = ""
    params: dict[str, list[int] | int | str] = {"closed": list(closed), "shown": SHOWN}
    if len(keys) <= MAX_SQL_KEYS:
        params["pattern"] = r"(^|\W)(" + "|".join(sorted(re.escape(k) for k in keys)) + ")"
        where = " AND (" + " OR ".join(f"d.{f} ~* %(pattern)s" for f in NAME_FIELDS[1:]) + ")"
    in_closed = "c.id = ANY(%(closed)s::bigint[])"
    limit = f"%(shown)s + count(*) FILTER (WHERE {in_closed})"
    sql = (
        "SELECT " + ", ".join(f"d.{f}" for f in NAME_FIELDS) + ", count(*),"
        f' (array_agg(c.number ORDER BY c.number COLLATE "C"))[1:{limit}],'
        f' (array_agg(c.id ORDER BY c.number COLLATE "C"))[1:{limit}],'
        f" coalesce(array_agg(c.id) FILTER (WHERE {in_closed}), '{{}}')"
        f" FROM {Case._meta.db_table} c JOIN {Debtor._meta.db_table} d ON d.id = c.debtor_id"
        f" WHERE (c.state <> %(closed_state)s OR {in_closed}){where}"
        " GROUP BY " + ", ".join(f"d.{f}" for f in NAME_FIELDS)
    )
    params["closed_state"] = CaseState.CLOSED
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        NameGroup(_display_name(row[:5]), row[5], tuple(zip(row[6], row[7], strict=True)), tuple(row[8]))
        for row in rows
    ]


def _groups_python(closed: Mapping[int, int]) -> list[NameGroup]:
    """The same groups on other databases (SQLite in tests and development): every case read, grouped here."""
    by_name: dict[tuple[str, ...], list[tuple[str, int]]] = defaultdict(list)
    rows = Case.objects.values_list("id", "number", "state", *(f"debtor__{f}" for f in NAME_FIELDS))
    for pk, number, state, *name in rows:
        if state != CaseState.CLOSED or pk in closed:
            by_name[tuple(name)].append((number, pk))
    groups = []
    for name, cases in by_name.items():
        cases.sort()
        gone = tuple(pk for _number, pk in cases if pk in closed)
        groups.append(NameGroup(_display_name(name), len(cases), tuple(cases[: SHOWN + len(gone)]), gone))
    return groups


def names_match(pending: list[tuple[int, BankTransaction]], closed: Mapping[int, int]) -> list[Match]:
    """Rule (d) for each (position in the file, transaction): a suggestion when the name is close
    (token_set_ratio >= 90) to exactly one case open at that position; the manual queue with the
    candidates when it is close to several; unmatched when to none."""
    if not pending:
        return []
    keys = set().union(*(name_keys(txn.counterparty_name.strip()) for _pos, txn in pending))
    if not keys:
        groups = []
    elif connection.vendor == "postgresql":
        groups = _groups_postgresql(keys, closed)
    else:
        groups = _groups_python(closed)
    index: dict[str, dict[str, list[NameGroup]]] = defaultdict(lambda: defaultdict(list))
    for group in groups:
        lower = group.name.lower()
        for key in name_keys(lower) & keys:
            index[key][lower].append(group)
    return [_one(txn.counterparty_name.strip(), position, index, closed) for position, txn in pending]


def _one(
    name: str, position: int, index: Mapping[str, Mapping[str, list[NameGroup]]], closed: Mapping[int, int]
) -> Match:
    candidates = {n: groups for key in name_keys(name) for n, groups in index.get(key, {}).items()}
    choices = list(candidates)
    hits = [
        (score, group)
        for _found, score, i in process.extract(
            name.lower(), choices, scorer=fuzz.token_set_ratio, score_cutoff=NAME_THRESHOLD, limit=None
        )
        for group in candidates[choices[i]]
        if group.open_at(position, closed) > 0
    ]
    total = sum(group.open_at(position, closed) for _score, group in hits)
    if total == 0:
        return Match(TransactionStatus.UNMATCHED, reason=NOTHING_FOUND)
    if total > 1:
        return name_ambiguous(name, [n for _s, group in hits for n, _pk in group.shown_at(position, closed)])
    score, group = hits[0]
    number, pk = group.shown_at(position, closed)[0]
    return name_suggestion(name, score, Case(pk=pk, number=number), group.name)
