"""The API's shapes. Amounts are decimal strings ("1234.56"), never JSON numbers: no float anywhere."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from incasso.cases.models import ContactOutcome


class Error(Schema):
    detail: str


class CaseSummary(Schema):
    number: str
    client: str = Field(description="The client's code")
    debtor: str = Field(description="The debtor's display name")
    debtor_role: str = Field(description="consumer or business")
    state: str
    opened_on: dt.date
    closed_on: dt.date | None
    next_action_on: dt.date | None
    client_reference: str
    payment_reference: str = Field(description="The case's betalingskenmerk (16 digits)")
    balance: Decimal = Field(description="What the ledger says is owed now (principal + interest + costs)")


class CaseList(Schema):
    count: int
    limit: int
    offset: int
    items: list[CaseSummary]


class ClaimOut(Schema):
    invoice_number: str
    invoice_date: dt.date
    due_date: dt.date
    principal: Decimal
    description: str
    interest_basis: str
    contractual_rate: Decimal | None


class BalanceOut(Schema):
    principal: Decimal
    interest: Decimal
    costs: Decimal
    total: Decimal


class CaseDetail(CaseSummary):
    debt_type: str
    officer: str | None
    balance_by_bucket: BalanceOut = Field(description="The ledger per bucket (booked amounts only)")
    claims: list[ClaimOut]


class BucketOut(Schema):
    charged: Decimal
    paid: Decimal
    outstanding: Decimal


class StatementLineOut(Schema):
    on: dt.date
    kind: str
    claim: str
    amount: Decimal
    bucket: str | None
    description: str


class StatementOut(Schema):
    case: str
    as_of: dt.date
    day_basis: str
    principal: BucketOut
    interest: BucketOut
    costs: BucketOut
    payments: Decimal
    unallocated: Decimal
    outstanding: Decimal = Field(description="Owed on as_of, interest up to and including that day")
    unverified_rates: list[str]
    lines: list[StatementLineOut]


class EventOut(Schema):
    occurred_at: dt.datetime
    kind: str
    by: str
    summary: str


class NoteIn(Schema):
    text: str = Field(min_length=1, max_length=10_000)


class InterestFreezeIn(Schema):
    starts_on: dt.date = Field(description="First frozen day; today at the latest")
    reason: str = Field(min_length=1, max_length=200)
    ends_on: dt.date | None = Field(None, description="Last frozen day, if agreed; empty: until ended")


class InterestFreezeEndIn(Schema):
    ends_on: dt.date = Field(description="Last frozen day; interest runs again from the next day")


class InterestFreezeOut(Schema):
    id: int
    case: str
    starts_on: dt.date
    ends_on: dt.date | None
    reason: str
    source: str = Field(description="manual, or arrangement:<id> for a payment arrangement's freeze")
    created_by: str | None


class ContactCheckOut(Schema):
    allowed_now: bool = Field(description="A call or home visit may happen now (Wki contact window)")
    why_not_now: str | None = Field(description="sunday, public_holiday or outside_hours; null when allowed")
    window_start: str = Field(description="Contact from (HH:MM, local time)")
    window_end: str = Field(description="Contact until, exclusive (HH:MM)")
    calls_this_week: int = Field(
        description="Call attempts to the debtor in the last 7 days, all their cases"
    )
    call_limit: int | None = Field(description="Call attempts allowed per debtor in 7 days; null: no limit")
    call_limit_reached: bool
    phone_refused: bool = Field(description="The debtor asked not to be called: a dialler must not call")


class ContactIn(Schema):
    kind: Literal["call", "visit"]
    outcome: ContactOutcome
    note: str = Field("", max_length=2000)


class ContactOut(Schema):
    id: int
    case: str
    kind: str
    outcome: str
    occurred_at: dt.datetime
    summary: str
    outside_contact_window: str | None = Field(description="Logged against the contact window: why")
    over_call_limit: int | None = Field(
        description="Logged above the week's call limit: the attempt's number"
    )


class NoteOut(Schema):
    id: int
    case: str
    author: str
    text: str
    created_at: dt.datetime


class ClaimsIn(Schema):
    client: str = Field(description="The client's code")
    reference: str = Field("", max_length=60, description="Your batch reference, kept as the source")
    dry_run: bool = Field(False, description="Check everything and report, write nothing")
    rows: list[dict[str, str]] = Field(
        min_length=1,
        max_length=5_000,
        description="One object per invoice, with the claims-import columns as keys and text values "
        "(amounts with a decimal point, dates as YYYY-MM-DD); see docs/claims-import.md",
    )


class RowErrorOut(Schema):
    row: int | None = Field(description="1-based index into rows; null for an error about the request")
    column: str
    message: str


class CaseLineOut(Schema):
    case: str
    debtor: str
    rows: list[int]
    invoice_numbers: list[str]
    principal: Decimal
    existing: bool


class SkippedOut(Schema):
    row: int
    invoice_number: str
    case: str


class ClaimsReport(Schema):
    dry_run: bool
    ok: bool
    claims_created: int
    principal: Decimal
    opened: list[CaseLineOut]
    extended: list[CaseLineOut]
    skipped: list[SkippedOut]
    errors: list[RowErrorOut]
    warnings: list[str]


class BucketsOut(Schema):
    principal: Decimal
    interest: Decimal
    costs: Decimal
    total: Decimal


class FiguresOut(Schema):
    received: int = Field(description="Cases opened in the period")
    received_principal: Decimal = Field(description="The principal of their claims")
    recovered_principal: Decimal = Field(description="Of that principal, paid so far")
    recovery_rate: Decimal | None = Field(description="recovered ÷ received principal, in %, one decimal")
    collected: BucketsOut = Field(description="Payments with a value date in the period, net of reversals")
    paying_cases: int
    closed: dict[str, int] = Field(description="Cases closed in the period, by closing reason")
    success_rate: Decimal | None = Field(description="Closed paid or settled ÷ all closed, in %")
    days_to_payment_mean: Decimal | None = Field(description="Opening to closing, cases closed paid")
    days_to_payment_median: Decimal | None
    open_cases: int = Field(description="Open on the period's last day")
    open_balance: BucketsOut = Field(description="Their balance booked up to that day")
    arrangements_active: int
    arrangements_completed: int
    arrangements_broken: int
    promises_made: int = Field(description="Promises to pay made in the period")
    promises_kept: int = Field(description="Promises to pay kept, decided in the period")
    promises_broken: int = Field(description="Promises to pay broken, decided in the period")
    promise_keep_rate: Decimal | None = Field(description="kept ÷ (kept + broken), in %, one decimal")


class ClientFiguresOut(FiguresOut):
    client: str = Field(description="The client's code")
    name: str


class MonthOut(Schema):
    month: dt.date = Field(description="The month's first day")
    received: int
    collected: BucketsOut


class PortfolioReportOut(Schema):
    start: dt.date
    end: dt.date
    clients: list[ClientFiguresOut]
    total: FiguresOut
    months: list[MonthOut] = Field(description="The twelve months up to the period's end")


class QuestionIn(Schema):
    question: str = Field(min_length=1, max_length=2000)
    topic: str = Field("other", description="dispute, goods, details or other")
    answer_by: dt.date | None = Field(None, description="Answer wanted by; empty: in 5 days (a setting)")


class AnswerIn(Schema):
    answer: str = Field(min_length=1, max_length=4000)
    via: str = Field(
        "", max_length=200, description="Agency staff recording the client's answer: how it came in"
    )


class QuestionOut(Schema):
    id: int
    case: str
    client_reference: str
    topic: str
    question: str
    asked_by: str
    asked_at: dt.datetime
    answer_by: dt.date
    status: str = Field(description="open, answered or withdrawn")
    answer: str
    answered_by: str | None
    answered_at: dt.datetime | None
    answer_via: str
    documents: list[str] = Field(description="File names of the documents sent with the answer")


class InstalmentOut(Schema):
    number: int
    due_on: dt.date
    amount: Decimal
    paid: Decimal
    status: str = Field(description="open, paid, missed")
    payment_reference: str = Field(description="This instalment's own betalingskenmerk")


class ArrangementOut(Schema):
    id: int
    status: str = Field(description="pending (waiting for a supervisor), active, rejected, broken, completed")
    frequency: str
    balance: Decimal = Field(description="The balance the arrangement covers")
    interest_frozen: bool
    proposed_at: dt.datetime
    accepted_at: dt.datetime | None = Field(description="When the debtor accepted the agreement")
    acceptance_method: str = Field(description="online, signed_upload, or empty")
    ended_on: dt.date | None
    instalments: list[InstalmentOut]


class PromiseOut(Schema):
    id: int
    amount: Decimal
    due_on: dt.date
    made_on: dt.date
    status: str = Field(description="open, kept, broken")
    evaluated_on: dt.date | None


class DisputeOut(Schema):
    id: int
    reason: str
    description: str
    opened_at: dt.datetime
    resolution: str = Field(
        description="Empty while open: continue, partial_write_off, credit_note, withdrawn"
    )
    resolution_amount: Decimal | None
    resolved_at: dt.datetime | None


class SettlementOut(Schema):
    id: int
    kind: str = Field(description="lump_sum (finale kwijting) or goods_return")
    status: str
    amount: Decimal = Field(description="To pay in one go, or the agreed value of the goods")
    deadline: dt.date
    balance: Decimal = Field(description="The balance on the day of the offer")
    let_go: Decimal = Field(description="What the creditor writes off if the offer is kept")
    settles_in_full: bool
    proposed_at: dt.datetime
    ended_on: dt.date | None


class SolutionsOut(Schema):
    arrangements: list[ArrangementOut]
    promises: list[PromiseOut]
    disputes: list[DisputeOut]
    settlements: list[SettlementOut]


class PromiseIn(Schema):
    amount: Decimal = Field(
        gt=0, max_digits=12, decimal_places=2, description='A decimal string, e.g. "150.00"'
    )
    due_on: dt.date = Field(description="Today or later; no automated step until the day after")
    note: str = Field("", max_length=300)


class LetterOut(Schema):
    id: int
    template: str = Field(description="The kind of letter: reminder, fourteen_day_letter, summons, …")
    channel: str = Field(description="letter (by post), email or sms")
    status: str = Field(description="queued, sent, delivered, failed, cancelled")
    queued_on: dt.date
    sent_on: dt.date | None
    delivered_on: dt.date | None = Field(description="Proven delivery (an SMS delivery report)")
    failure_reason: str = Field(description="Why it failed, bounced or came back; empty otherwise")
    returned_on: dt.date | None = Field(description="A letter by post that came back: the day it did")
    return_reason: str = Field(
        description="moved, unknown, incomplete, deceased, refused, not_collected or empty"
    )


class LetterReturnIn(Schema):
    reason: Literal["moved", "unknown", "incomplete", "deceased", "refused", "not_collected"] = Field(
        description="The reason on the post's return sticker; refused and not_collected count as received"
    )
    returned_on: dt.date = Field(
        description="The day it came back: not before it was sent, not in the future"
    )
    note: str = Field("", max_length=300)


class LetterReturnOut(Schema):
    letter: LetterOut
    counts_as_received: bool = Field(description="Refused or not collected: it took effect (3:37 lid 3 BW)")
    address_invalidated: bool = Field(description="The address it went to is now marked invalid")
    summary: str = Field(description="What the case's timeline says happened")
