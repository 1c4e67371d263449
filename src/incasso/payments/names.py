"""The name rule for a whole import at once: rule (d) of `matching`, a suggestion only, never booked.

One transaction at a time the rule compares a name with every open case. An import asks it only for
the transactions no other rule placed, once, after the rest of the file is booked. Candidates are
blocked by the first four letters of each name part (not van/de/der/...): a name misspelt in its
first letters finds no suggestion here (the queue's search still does). The work follows the
candidates, not the open cases, in three steps:

1. the distinct debtor names that share a blocking key with one of the transactions and have a case
   open (on PostgreSQL an index lookup, whatever the number of keys: the GIN index
   `debtor_name_keys_idx` on each debtor's keys, debtors migration 0002; or, when a few names are
   shared by very many debtors, the names grouped first and their keys computed once per name);
2. each transaction's name scored against those names, here;
3. only for the names that scored: their cases grouped per name (how many are open and the first few
   case numbers), never a model instance per case.

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
NAME_FIELDS = ("kind", "first_names", "name_prefix", "last_name", "organisation_name")
# A debtor's blocking keys in SQL: the first four letters of every word of its name fields, lowercased
# (a superset of `name_keys` of its display name; the rule checks the keys again). Exactly the
# expression of the index `debtor_name_keys_idx` (debtors migration 0002): `&&` on it is an index lookup.
DEBTOR_KEYS_SQL = (
    r"regexp_split_to_array(regexp_replace(lower(d.first_names || ' ' || d.name_prefix || ' ' || d.last_name"
    r" || ' ' || d.organisation_name), '(\w{4})\w*', '\1', 'g'), '\W+')"
)

type Name = tuple[str, ...]  # a debtor's NAME_FIELDS, in that order


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


def _int_array(values: Iterable[int]) -> str:
    """An array literal for `%s::bigint[]`: psycopg's quoting of a list takes 1.4 s for 873,000 ids
    (measured), this 0.1 s."""
    return "{" + ",".join(map(str, values)) + "}"


def _relevant(alias: str) -> str:
    """SQL: case `alias` counts for the rule (open, or closed by this import)."""
    return f"({alias}.state <> %(closed_state)s OR {alias}.id = ANY(%(closed)s::bigint[]))"


def _names_postgresql(keys: set[str], closed: Mapping[int, int]) -> dict[Name, list[int]]:
    """Step 1 on PostgreSQL: the names with one of `keys` among their blocking keys and a case that
    counts, each with its debtors. Usually the index finds the debtors with those keys. When far more
    debtors have them than there are names (a few names shared by many debtors, as in the benchmark:
    329 keys, 900,000 debtors of 600 names) every debtor is read anyway, so the names are grouped first
    and their keys computed once per name instead of once per debtor (1.3 s instead of 8 s, measured)."""
    fields = ", ".join(f"d.{f}" for f in NAME_FIELDS)
    has_key = f"{DEBTOR_KEYS_SQL} && %(keys)s::text[]"
    named = (
        f"SELECT {fields}, array_agg(d.id) AS ids FROM {Debtor._meta.db_table} d"
        f" WHERE EXISTS (SELECT FROM {Case._meta.db_table} c WHERE c.debtor_id = d.id AND {_relevant('c')})"
    )
    if _names_first(keys):  # MATERIALIZED: else the key test is pushed down to every debtor
        sql = f"WITH d AS MATERIALIZED ({named} GROUP BY {fields}) SELECT {fields}, d.ids FROM d WHERE {has_key}"
    else:
        sql = f"{named} AND {has_key} GROUP BY {fields}"
    params: dict[str, list[str] | str] = {
        "keys": sorted(keys),
        "closed": _int_array(closed),
        "closed_state": CaseState.CLOSED,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {tuple(row[:-1]): row[-1] for row in cursor.fetchall()}


def _names_first(keys: set[str]) -> bool:
    """Whether the planner expects ten times more debtors with one of `keys` than names in all (from
    the statistics of the index's expression and of the name columns)."""
    fields = ", ".join(f"d.{f}" for f in NAME_FIELDS)
    rows = []
    with connection.cursor() as cursor:
        for sql, params in (
            (f"SELECT FROM {Debtor._meta.db_table} d WHERE {DEBTOR_KEYS_SQL} && %s::text[]", [sorted(keys)]),
            (f"SELECT FROM {Debtor._meta.db_table} d GROUP BY {fields}", []),
        ):
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            rows.append(cursor.fetchone()[0][0]["Plan"]["Plan Rows"])
    with_key, names = rows
    return bool(with_key > 10 * names)


def _groups_postgresql(debtors: Mapping[Name, list[int]], closed: Mapping[int, int]) -> dict[Name, NameGroup]:
    """Step 3 on PostgreSQL: the cases that count of `debtors` (by name), grouped per name."""
    if not debtors:
        return {}
    names = list(debtors)
    in_closed = "c.id = ANY(%(closed)s::bigint[])"
    limit = f"%(shown)s + count(*) FILTER (WHERE {in_closed})"
    sql = (
        "SELECT n.i, count(*),"
        f' (array_agg(c.number ORDER BY c.number COLLATE "C"))[1:{limit}],'
        f' (array_agg(c.id ORDER BY c.number COLLATE "C"))[1:{limit}],'
        f" coalesce(array_agg(c.id) FILTER (WHERE {in_closed}), '{{}}')"
        " FROM unnest(%(debtors)s::bigint[], %(names)s::int[]) AS n(debtor_id, i)"
        f" JOIN {Case._meta.db_table} c ON c.debtor_id = n.debtor_id WHERE {_relevant('c')} GROUP BY n.i"
    )
    params: dict[str, str | int] = {
        "debtors": _int_array(pk for name in names for pk in debtors[name]),
        "names": _int_array(i for i, name in enumerate(names) for _pk in debtors[name]),
        "closed": _int_array(closed),
        "closed_state": CaseState.CLOSED,
        "shown": SHOWN,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    groups = {}
    for i, count, numbers, ids, gone in rows:
        name = names[i]
        groups[name] = NameGroup(
            _display_name(name), count, tuple(zip(numbers, ids, strict=True)), tuple(gone)
        )
    return groups


def _groups_python(closed: Mapping[int, int]) -> dict[Name, NameGroup]:
    """Steps 1 and 3 on other databases (SQLite in tests and development): every case read, grouped here."""
    by_name: dict[Name, list[tuple[str, int]]] = defaultdict(list)
    rows = Case.objects.values_list("id", "number", "state", *(f"debtor__{f}" for f in NAME_FIELDS))
    for pk, number, state, *name in rows:
        if state != CaseState.CLOSED or pk in closed:
            by_name[tuple(name)].append((number, pk))
    groups = {}
    for name, cases in by_name.items():
        cases.sort()
        gone = tuple(pk for _number, pk in cases if pk in closed)
        groups[name] = NameGroup(_display_name(name), len(cases), tuple(cases[: SHOWN + len(gone)]), gone)
    return groups


def names_match(pending: list[tuple[int, BankTransaction]], closed: Mapping[int, int]) -> list[Match]:
    """Rule (d) for each (position in the file, transaction): a suggestion when the name is close
    (token_set_ratio >= 90) to exactly one case open at that position; the manual queue with the
    candidates when it is close to several; unmatched when to none."""
    if not pending:
        return []
    names = [txn.counterparty_name.strip() for _position, txn in pending]
    keys = set().union(*(name_keys(name) for name in names))
    groups: dict[Name, NameGroup] | None = None
    debtors: dict[Name, list[int]] = {}
    if not keys:
        candidates: list[Name] = []
    elif connection.vendor == "postgresql":
        debtors = _names_postgresql(keys, closed)
        candidates = list(debtors)
    else:
        groups = _groups_python(closed)
        candidates = list(groups)
    index: dict[str, dict[str, list[Name]]] = defaultdict(lambda: defaultdict(list))
    for candidate in candidates:
        lower = _display_name(candidate).lower()
        for key in name_keys(lower) & keys:
            index[key][lower].append(candidate)
    scored = [_scored(name, index) for name in names]
    if groups is None:
        hit = {found for hits in scored for _score, found in hits}
        groups = _groups_postgresql({name: debtors[name] for name in sorted(hit)}, closed)
    return [
        _one(name, position, hits, groups, closed)
        for name, (position, _txn), hits in zip(names, pending, scored, strict=True)
    ]


def _scored(name: str, index: Mapping[str, Mapping[str, list[Name]]]) -> list[tuple[float, Name]]:
    """The candidate names close to `name`, best first, with their score."""
    candidates = {n: found for key in name_keys(name) for n, found in index.get(key, {}).items()}
    choices = list(candidates)
    return [
        (score, found)
        for _found, score, i in process.extract(
            name.lower(), choices, scorer=fuzz.token_set_ratio, score_cutoff=NAME_THRESHOLD, limit=None
        )
        for found in candidates[choices[i]]
    ]


def _one(
    name: str,
    position: int,
    scored: list[tuple[float, Name]],
    groups: Mapping[Name, NameGroup],
    closed: Mapping[int, int],
) -> Match:
    hits = [
        (score, group)
        for score, found in scored
        if (group := groups.get(found)) is not None and group.open_at(position, closed) > 0
    ]
    total = sum(group.open_at(position, closed) for _score, group in hits)
    if total == 0:
        return Match(TransactionStatus.UNMATCHED, reason=NOTHING_FOUND)
    if total > 1:
        return name_ambiguous(name, [n for _s, group in hits for n, _pk in group.shown_at(position, closed)])
    score, group = hits[0]
    number, pk = group.shown_at(position, closed)[0]
    return name_suggestion(name, score, Case(pk=pk, number=number), group.name)
