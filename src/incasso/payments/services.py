"""Writes for payments: importing a bank statement (match, allocate, book) and matching by hand.

Exactly once and all or nothing:
* every transaction has a natural key (account, the parser's entry key) held by a unique constraint;
  entries already in the database are skipped, so the same or an overlapping file books each one once;
* one import is one database transaction: parse first (a bad file writes nothing), then insert, match,
  allocate and book inside `transaction.atomic()`. A crash or kill half-way leaves nothing behind and
  the rerun starts from scratch. Two imports of the same file at once: the second waits on the unique
  index and fails; its rerun skips everything.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from incasso.bankfiles import ParseResult, StatementEntry, StatementFileError, parse_statement_bytes
from incasso.cases.models import CaseState, LedgerEntry
from incasso.cases.selectors import case_get_for_user
from incasso.core.bulk import copy_rows, instance_like, reserve_ids, text_in
from incasso.core.collector import collector_paused
from incasso.core.copy_behind import copy_behind
from incasso.core.exceptions import DomainError
from incasso.core.formatting import record_text
from incasso.payments.booking import mark_booked, mark_returned, transaction_book
from incasso.payments.chunked_booking import BookRequest, transactions_book
from incasso.payments.match_cache import MatchCache
from incasso.payments.matching import NAME_LATER, Match, match_transaction
from incasso.payments.models import BankStatementImport, BankTransaction, MatchRule, TransactionStatus
from incasso.payments.names import names_match
from incasso.payments.notices import notice_text, notice_text_lazy
from incasso.payments.returns import transactions_return

LOOKUP_CHUNK = 20_000  # entry keys per lookup of what is already imported (one array parameter)
BOOK_CHUNK = 500  # matched credits booked together (`chunked_booking.transactions_book`)
SLOW_ENV = "INCASSO_TEST_SLOW_IMPORT"  # seconds to sleep after each transaction (tests only)
SLOW_MARK_ENV = "INCASSO_TEST_SLOW_IMPORT_MARK"  # file touched after the first transaction (tests only)


@dataclass
class ImportSummary:
    file_name: str
    format: str
    import_id: int | None = None
    read: int = 0
    already_booked: int = 0
    booked: int = 0
    matched_automatically: int = 0
    returned: int = 0
    suggested: int = 0
    unmatched: int = 0
    ignored: int = 0
    booked_amount: Decimal = Decimal("0.00")
    warnings: list[str] = field(default_factory=list)

    @property
    def new(self) -> int:
        return self.read - self.already_booked

    @property
    def to_manual_queue(self) -> int:
        return self.suggested + self.unmatched


def _actor_label(actor: Any) -> str:
    return getattr(actor, "username", None) or "system"


def _clip(value: str | None, length: int) -> str:
    return (value or "")[:length]


def _account(entry: StatementEntry) -> str:
    return _clip((entry.account_iban or "").replace(" ", "").upper(), 34)


def _slow_hook(index: int) -> None:
    """Lets the kill-and-rerun test stop the process in the middle of an import."""
    delay = os.environ.get(SLOW_ENV)
    if not delay:
        return
    mark = os.environ.get(SLOW_MARK_ENV)
    if mark and index == 0:
        Path(mark).touch()
    time.sleep(float(delay))


def statement_import(
    *, path: Path | None = None, data: bytes | None = None, name: str | None = None, actor: Any = None
) -> ImportSummary:
    """Read a CAMT.053/.054 or MT940 file and book what it pays. Raises StatementFileError (nothing written)."""
    if (path is None) == (data is None):
        raise TypeError("give either path or data")
    if path is not None:
        name = name or str(path)
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise StatementFileError(name, None, f"cannot read file: {exc.strerror or exc}") from None
    assert data is not None
    name = name or "statement"
    with collector_paused():  # a large file makes millions of objects that live until the end
        result = parse_statement_bytes(data, name)
        return _import_parsed(result, data=data, name=name, actor=actor)


@transaction.atomic
def _import_parsed(result: ParseResult, *, data: bytes, name: str, actor: Any) -> ImportSummary:
    # The summary in the user's language, the stored import in the record's (Dutch), as the timeline.
    summary = ImportSummary(
        file_name=name, format=result.format, warnings=[notice_text(w) for w in result.warnings]
    )
    entries = result.entries
    summary.read = len(entries)
    record = BankStatementImport.objects.create(
        file_name=_clip(Path(name).name, 255),
        sha256=hashlib.sha256(data).hexdigest(),
        format=result.format,
        imported_at=timezone.now(),
        by=actor if getattr(actor, "pk", None) else None,
        by_label=_actor_label(actor),
        warnings=[record_text(notice_text_lazy(w)) for w in result.warnings],
        entries_read=len(entries),
    )
    summary.import_id = record.pk
    seen = _already_imported(entries)
    template = _template(record)
    todo: list[BankTransaction] = []
    for entry in entries:
        natural_key = (_account(entry), entry.key)
        if natural_key in seen:
            summary.already_booked += 1
            continue
        seen.add(natural_key)
        todo.append(_transaction_new(template, entry))
    created = _reserve(todo)
    cache = MatchCache.build(created)
    batch = _Batch(summary=summary, actor=actor, cache=cache)
    _keys_checked_as_written()
    with copy_behind():
        for new, txn in enumerate(created):
            batch.process(txn)
            _slow_hook(new)
        batch.finish()
    record.entries_new = len(created)
    record.save(update_fields=["entries_new"])
    return summary


def _keys_checked_as_written() -> None:
    """PostgreSQL: check the import's foreign keys with each write instead of all at commit, so that
    the checks overlap the Python of the next chunk too (`copy_behind`); ~800,000 checks per 100,000
    entries, which at commit ran alone. The two keys into tables the import itself grows from what may
    be nothing (a return's original, a reversal's entry) stay checked at commit: a check planned while
    such a table is nearly empty keeps a sequential scan for the rest of the session."""
    if connection.vendor != "postgresql":
        return
    deferred = []
    with connection.cursor() as cursor:
        for model, column in ((BankTransaction, "returns_id"), (LedgerEntry, "reverses_id")):
            table = model._meta.db_table
            for name, info in connection.introspection.get_constraints(cursor, table).items():
                if info["foreign_key"] and info["columns"] == [column]:
                    deferred.append(connection.ops.quote_name(name))
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        if deferred:
            cursor.execute(f"SET CONSTRAINTS {', '.join(deferred)} DEFERRED")


def _already_imported(entries: list[StatementEntry]) -> set[tuple[str, str]]:
    """The natural keys (account, entry key) of the file's entries that are already in the database:
    per account (a file usually holds one), by the unique index on (account, key)."""
    keys: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        keys[_account(entry)].add(entry.key)
    seen: set[tuple[str, str]] = set()
    for account, account_keys in keys.items():
        ordered = sorted(account_keys)
        for start in range(0, len(ordered), LOOKUP_CHUNK):
            chunk = ordered[start : start + LOOKUP_CHUNK]
            seen.update(
                BankTransaction.objects.filter(account_iban=account, key__in=text_in(chunk)).values_list(
                    "account_iban", "key"
                )
            )
    return seen


def _reserve(txns: list[BankTransaction]) -> list[BankTransaction]:
    """Give the new transactions their ids now; each is written once, when its match and booking are
    known (`_Batch.flush`), so none is inserted and then updated."""
    for txn, pk in zip(txns, reserve_ids(BankTransaction, len(txns)), strict=True):
        txn.pk = pk
        txn._state.adding = False
        txn._state.db = "default"
    return txns


def _template(record: BankStatementImport) -> BankTransaction:
    """What every new transaction of the import starts from: its import, every other field's default
    and the timestamps (`auto_now`/`auto_now_add`, as `bulk_create` sets them), for `_transaction_new`."""
    template = BankTransaction(statement_import_id=record.pk)
    for f in BankTransaction._meta.concrete_fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            f.pre_save(template, True)
    return template


def _write(txns: list[BankTransaction]) -> None:
    """Insert transactions as they are in memory (ids from `_reserve`): one COPY on PostgreSQL,
    not waited for (`copy_behind`). The unique natural key still guards a concurrent import of the
    same entries: it waits and fails."""
    if txns:
        fields = BankTransaction._meta.concrete_fields
        copy_rows(
            BankTransaction, {f.attname: [getattr(t, f.attname) for t in txns] for f in fields}, wait=False
        )


def _transaction_new(template: BankTransaction, entry: StatementEntry) -> BankTransaction:
    """The entry as a new transaction (built from `template` without `Model.__init__`: 100,000 of
    them per large statement)."""
    return instance_like(
        template,
        account_iban=_account(entry),
        key=entry.key,
        statement_id=_clip(entry.statement_id, 100),
        booking_date=entry.booking_date,
        value_date=entry.value_date,
        amount=entry.amount,
        currency=_clip(entry.currency, 3) or "EUR",
        counterparty_iban=_clip((entry.counterparty_iban or "").replace(" ", "").upper(), 34),
        counterparty_name=_clip(entry.counterparty_name, 200),
        remittance_text=entry.remittance_text or "",
        structured_reference=_clip(entry.structured_reference, 64),
        return_reason=_clip(entry.return_reason, 35),
        is_reversal=entry.is_reversal,
        end_to_end_id=_clip(entry.end_to_end_id, 64),
        mandate_id=_clip(entry.mandate_id, 64),
        position=_clip(entry.position, 200),
    )


@dataclass
class _Batch:
    """Matches the file's transactions one by one, in file order, and books the matched ones (and the
    returns) in chunks (`chunked_booking.transactions_book`, `returns.transactions_return`). The answers are
    those of matching and booking one by one: before a transaction is matched against a case with a
    payment or return still waiting in the chunk (its balance, or whether it is closed, would differ),
    and before a return takes back a payment still waiting (the cache knows every payment booked so
    far, `MatchCache.payment_booked`), the chunk is booked first and the transaction matched again. Each case is in a chunk at most once. The name rule (suggestions only) is asked at
    the end for all the transactions nothing else placed (`names.names_match`), each answered as at
    its place in the file."""

    summary: ImportSummary
    actor: Any
    cache: MatchCache
    position: int = 0  # of the transaction being matched, in file order
    pending: list[tuple[int, BookRequest]] = field(default_factory=list)
    returns: list[tuple[BankTransaction, BankTransaction]] = field(default_factory=list)
    pending_cases: set[int] = field(default_factory=set)
    unwritten: list[BankTransaction] = field(default_factory=list)  # decided, not yet in the database
    names_later: list[tuple[int, BankTransaction]] = field(default_factory=list)

    def _match(self, txn: BankTransaction) -> Match:
        self.cache.touched.clear()
        match = match_transaction(txn, self.cache)
        waiting = self.cache.touched & self.pending_cases
        if match.case is not None and match.case.pk in self.pending_cases:
            waiting = {match.case.pk}
        if match.original is not None and match.original.case_id in self.pending_cases:
            waiting = {match.original.case_id}
        if waiting:
            self.flush()
            self.cache.touched.clear()
            match = match_transaction(txn, self.cache)
        return match

    def process(self, txn: BankTransaction) -> None:
        self.position += 1
        match = self._match(txn)
        summary = self.summary
        if match.status == TransactionStatus.MATCHED and match.case is not None:
            assert match.confidence is not None
            request = BookRequest(
                txn, match.case, match.rule, match.confidence, match.reason, match.instalment
            )
            mark_booked(
                txn,
                case=match.case,
                rule=match.rule,
                confidence=match.confidence,
                reason=match.reason,
                actor=self.actor,
            )
            self.cache.payment_booked(txn)  # a later return in the file may take it back
            self.unwritten.append(txn)
            self.pending.append((self.position, request))
            self.pending_cases.add(match.case.pk)
            summary.booked += 1
            summary.matched_automatically += 1
            summary.booked_amount += txn.amount
        elif match.status == TransactionStatus.RETURNED and match.original is not None:
            assert match.original.case_id is not None
            mark_returned(txn, original=match.original)
            self.unwritten.append(txn)
            self.returns.append((txn, match.original))
            self.pending_cases.add(match.original.case_id)
            summary.returned += 1
        elif match.status == NAME_LATER:
            self.names_later.append((self.position, txn))
        else:
            self._queue(txn, match)
        if len(self.pending) + len(self.returns) >= BOOK_CHUNK:
            self.flush()

    def _queue(self, txn: BankTransaction, match: Match) -> None:
        txn.status = match.status
        txn.match_rule = match.rule
        txn.confidence = match.confidence
        txn.reason = match.reason[:500]
        txn.case = match.case if match.status == TransactionStatus.SUGGESTED else None
        self.unwritten.append(txn)
        if match.status == TransactionStatus.SUGGESTED:
            self.summary.suggested += 1
        elif match.status == TransactionStatus.IGNORED:
            self.summary.ignored += 1
        else:
            self.summary.unmatched += 1

    def flush(self) -> None:
        """Write the transactions decided since the last flush (once the chunk's reads are done, so
        PostgreSQL writes them while the chunk is computed), then book its payments and returns."""
        unwritten, self.unwritten = self.unwritten, []
        if self.pending:
            requests = [request for _position, request in self.pending]
            booked = transactions_book(
                requests, actor=self.actor, written=True, after_reads=lambda: _write(unwritten)
            )
            for (position, _request), txn in zip(self.pending, booked, strict=True):
                if txn.case is not None and txn.case.state == CaseState.CLOSED:
                    self.cache.case_closed(txn.case.pk, position)
        else:
            _write(unwritten)
        if self.returns:
            transactions_return(self.returns, actor=self.actor, written=True)
        self.cache.changed |= self.pending_cases
        self.pending, self.returns, self.pending_cases = [], [], set()

    def finish(self) -> None:
        """Book what is waiting, then the name rule for the transactions nothing else placed."""
        self.flush()
        for (_position, txn), match in zip(
            self.names_later, names_match(self.names_later, self.cache.closed), strict=True
        ):
            self._queue(txn, match)
        self.names_later = []
        self.flush()


@transaction.atomic
def transaction_match_manual(*, transaction_id: int, case_number: str, actor: Any) -> BankTransaction:
    """An officer links a queued transaction to a case; it is allocated and booked like an automatic match."""
    txn = BankTransaction.objects.select_for_update().filter(pk=transaction_id).first()
    if txn is None:
        raise DomainError(_("No such transaction"), field="transaction")
    if txn.status not in (TransactionStatus.UNMATCHED, TransactionStatus.SUGGESTED):
        raise DomainError(
            _("This transaction is %(status)s and cannot be matched again")
            % {"status": TransactionStatus(txn.status).label},
            field="transaction",
        )
    if txn.amount <= 0:
        raise DomainError(_("Only money received can be booked on a case"), field="transaction")
    try:
        case = case_get_for_user(user=actor, number=case_number.strip())
    except Http404:
        raise DomainError(
            _("Case %(number)s not found") % {"number": case_number.strip()}, field="case_number"
        ) from None
    if case.state == CaseState.CLOSED:
        raise DomainError(_("Case %(number)s is closed") % {"number": case.number}, field="case_number")
    who = getattr(actor, "get_full_name", lambda: "")() or _actor_label(actor)
    return transaction_book(
        txn=txn,
        case=case,
        rule=MatchRule.MANUAL,
        confidence=Decimal("1.00"),
        reason=f"handmatig gekoppeld aan dossier {case.number} door {who}",
        actor=actor,
    )
