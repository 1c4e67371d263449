"""The name rule for a whole import (`names.names_match`) answers as the rule one transaction at a time
(`matching._by_name`, every open case compared), also with more blocking keys than any SQL filter of
old took (no limit now: on PostgreSQL the keys are an index lookup) and for names whose words are split
by hyphens, apostrophes, dots or underscores, or have accents."""

from __future__ import annotations

import datetime as dt
import itertools
import string

import pytest
from django.db import connection

from incasso.cases.models import Case, CaseState
from incasso.cases.tests.factories import CaseFactory
from incasso.payments import names
from incasso.payments.matching import NOTHING_FOUND, Match, _by_name, _unmatched
from incasso.payments.models import BankTransaction, TransactionStatus

pytestmark = pytest.mark.django_db

DEBTORS = [  # (kind, first names, prefix, last name, organisation name)
    ("person", "Jan", "van der", "Berg-Pietersen", ""),
    ("person", "Jan", "van der", "Berg-Pietersen", ""),  # the same name: two open cases
    ("person", "Anna", "", "O'Neil", ""),
    ("person", "Ümit", "", "Özdemir", ""),
    ("person", "A.B.", "de", "Vries", ""),
    ("person", "Kees", "", "Kok", ""),
    ("person", "kees", "", "KOK", ""),  # another name by its fields, the same in lower case
    ("organisation", "", "", "", "Jansen_Bouw B.V."),
    ("organisation", "", "", "", "Bakkerij 't Stoepje"),
    ("person", "Noor", "", "Hoekstra", ""),  # its only case is closed
    ("person", "Piet", "", "Zonneveld", ""),  # its case is closed by the import at position 50
]
TRANSACTIONS = [
    "JAN VAN DER BERG PIETERSEN",  # two open cases: the manual queue
    "Anna ONeil",
    "A O'Neil",
    "Ümit Özdemir",
    "UMIT OZDEMIR",
    "AB de Vries",
    "K. Kok",
    "Kees Kok",
    "Jansen_Bouw",
    "Jansen Bouw BV",
    "Bakkerij t Stoepje",
    "N Hoekstra",
    "P. Zonneveld",
    "Nobody Known",
]


def _case(kind: str, first_names: str, name_prefix: str, last_name: str, organisation_name: str) -> Case:
    return CaseFactory(
        state=CaseState.AMICABLE,
        debtor__kind=kind,
        debtor__first_names=first_names,
        debtor__name_prefix=name_prefix,
        debtor__last_name=last_name,
        debtor__organisation_name=organisation_name,
    )


def _close(case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(
        state=CaseState.CLOSED, closed_on=dt.date(2026, 3, 1), closing_reason="paid"
    )


def _reopen(case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(state=CaseState.AMICABLE, closed_on=None, closing_reason="")


def _answer(match: Match) -> tuple[object, ...]:
    return (match.status, match.rule, match.confidence, match.reason, match.case.pk if match.case else None)


def _one_by_one(txn: BankTransaction) -> tuple[object, ...]:
    return _answer(_by_name(txn) or _unmatched(NOTHING_FOUND))


@pytest.mark.parametrize("names_first", [False, True])
def test_import_name_rule_answers_as_the_rule_one_by_one_with_over_a_thousand_keys(
    names_first: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both ways of finding the names on PostgreSQL: by the index, and grouped first (names shared by many debtors)."""
    monkeypatch.setattr(names, "_names_first", lambda keys: names_first)
    cases = [_case(*debtor) for debtor in DEBTORS]
    hoekstra, zonneveld = cases[-2], cases[-1]
    _close(hoekstra)
    _close(zonneveld)
    # 1,300 names nobody has, each with its own blocking keys: more than the 1,000 keys the SQL filter
    # used to take (beyond them it read every open case's name)
    letters = string.ascii_lowercase
    unknown = [
        f"Q{a}{b}{c}xx Y{c}{b}{a}yy"
        for a, b, c in itertools.islice(itertools.product(letters, repeat=3), 650)
    ]
    pending = [
        (i, BankTransaction(counterparty_name=name)) for i, name in enumerate([*TRANSACTIONS, *unknown], 100)
    ]
    pending += [
        (49, BankTransaction(counterparty_name="Piet Zonneveld")),
        (51, BankTransaction(counterparty_name="Piet Zonneveld")),
    ]
    keys = set().union(*(names.name_keys(txn.counterparty_name) for _position, txn in pending))
    assert len(keys) > 1300

    got = [_answer(match) for match in names.names_match(pending, {zonneveld.pk: 50})]

    before = {i for i, (position, _txn) in enumerate(pending) if position < 50}
    _reopen(zonneveld)  # before position 50 the import had not closed it yet
    expected = {i: _one_by_one(txn) for i, (_position, txn) in enumerate(pending) if i in before}
    _close(zonneveld)
    expected |= {i: _one_by_one(txn) for i, (_position, txn) in enumerate(pending) if i not in before}
    assert got == [expected[i] for i in range(len(pending))]
    statuses = [answer[0] for answer in got]
    assert (
        statuses.count(TransactionStatus.SUGGESTED) == 6
    )  # O'Neil, Ümit, De Vries, Jansen_Bouw, Bakkerij, Piet
    assert (
        sum("meerdere open dossiers" in answer[3] for answer in got) == 2
    )  # Berg-Pietersen; Kees Kok and KOK
    assert "meerdere open dossiers" in got[0][3] and got[0][4] is None  # Berg-Pietersen: two open cases
    assert got[-2][4] == zonneveld.pk and got[-1][0] == TransactionStatus.UNMATCHED
    assert got[TRANSACTIONS.index("N Hoekstra")][0] == TransactionStatus.UNMATCHED  # closed before the import


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the index exists on PostgreSQL only")
def test_debtor_keys_of_the_name_rule_are_the_indexed_expression() -> None:
    """`names.DEBTOR_KEYS_SQL` and the index of debtors migration 0002 must stay one expression, or
    the name rule reads every debtor."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            f"EXPLAIN SELECT d.id FROM debtors_debtor d WHERE {names.DEBTOR_KEYS_SQL} && %s::text[]",
            [["jans"]],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "debtor_name_keys_idx" in plan
