"""Allocation of a payment (toerekening), art. 6:43 and 6:44 BW.

Over claims (6:43): the debtor's designation decides (lid 1); without one (lid 2) the payment goes first
to claims that are due (opeisbaar), then to the most onerous (here: the higher interest rate on the
payment date), then to the oldest (earliest due date), and between claims equal on all three pro rata
to what is owed on each. What is left after a designated claim is paid in full follows the same order.

Within a claim (6:44 lid 1): costs first (collection costs count as costs, HR 10-07-2015,
ECLI:NL:HR:2015:1868), then interest, then principal. Interest is computed up to and including the
payment date before allocating (the caller does that). Anything left over is reported as unallocated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from incasso.calculations.errors import CalculationError
from incasso.calculations.money import from_cents, money, round_cents, split_cents, to_cents


@dataclass(frozen=True, slots=True)
class OpenClaim:
    """What one claim owes at the moment of payment, in cents, plus the 6:43 ordering facts."""

    id: str
    costs: int
    interest: int
    principal: int
    is_due: bool = True
    rate: Decimal = Decimal(0)
    due_date: dt.date = dt.date.min

    @property
    def owed(self) -> int:
        return self.costs + self.interest + self.principal


@dataclass(frozen=True, slots=True)
class ClaimAllocation:
    claim_id: str
    costs: Decimal
    interest: Decimal
    principal: Decimal

    @property
    def total(self) -> Decimal:
        return self.costs + self.interest + self.principal


@dataclass(frozen=True, slots=True)
class Allocation:
    parts: tuple[ClaimAllocation, ...]
    unallocated: Decimal

    def for_claim(self, claim_id: str) -> ClaimAllocation | None:
        return next((p for p in self.parts if p.claim_id == claim_id), None)


def split_within_claim(amount: int, claim: OpenClaim) -> tuple[int, int, int]:
    """6:44 lid 1 on integer cents: (to costs, to interest, to principal)."""
    to_costs = min(amount, claim.costs)
    to_interest = min(amount - to_costs, claim.interest)
    to_principal = min(amount - to_costs - to_interest, claim.principal)
    return to_costs, to_interest, to_principal


def allocate_within_claim(
    payment: Decimal, *, costs: Decimal, interest: Decimal, principal: Decimal, claim_id: str = "claim"
) -> Allocation:
    """One claim: costs, then interest, then principal; the excess is unallocated."""
    amounts = [round_cents(money(v, name=n)) for v, n in ((payment, "payment"), (costs, "costs"))]
    amounts += [
        round_cents(money(interest, name="interest")),
        round_cents(money(principal, name="principal")),
    ]
    if amounts[0] <= 0:
        raise CalculationError(f"payment must be positive, got {amounts[0]}")
    if any(a < 0 for a in amounts[1:]):
        raise CalculationError("costs, interest and principal must not be negative")
    cents = [to_cents(a) for a in amounts]
    return allocate_payment(cents[0], [OpenClaim(claim_id, cents[1], cents[2], cents[3])])


def order_key(claim: OpenClaim) -> tuple[bool, Decimal, dt.date]:
    """6:43 lid 2: due claims first, then the most onerous, then the oldest."""
    return (not claim.is_due, -claim.rate, claim.due_date)


def allocate_payment(
    payment_cents: int, claims: Sequence[OpenClaim], designation: str | None = None
) -> Allocation:
    """Allocate a payment (in cents) over open claims per art. 6:43 and 6:44 BW."""
    if payment_cents <= 0:
        raise CalculationError("payment must be positive")
    ids = [c.id for c in claims]
    if designation is not None and designation not in ids:
        raise CalculationError(f"designated claim {designation!r} is not among the open claims")
    paid: dict[str, tuple[int, int, int]] = {}
    rest = payment_cents
    remaining = list(claims)
    if designation is not None:
        chosen = next(c for c in claims if c.id == designation)
        paid[chosen.id] = split_within_claim(rest, chosen)
        rest -= sum(paid[chosen.id])
        remaining = [c for c in claims if c.id != designation]
    for group in _groups(remaining):
        if rest <= 0:
            break
        rest = _allocate_group(rest, group, paid)
    parts = tuple(
        ClaimAllocation(cid, *(from_cents(v) for v in paid[cid]))
        for cid in ids
        if cid in paid and any(paid[cid])
    )
    return Allocation(parts, from_cents(rest))


def _groups(claims: Sequence[OpenClaim]) -> list[list[OpenClaim]]:
    """Claims with something owed, in 6:43 order; claims equal on every criterion share a group."""
    groups: dict[tuple[bool, Decimal, dt.date], list[OpenClaim]] = {}
    for claim in sorted((c for c in claims if c.owed > 0), key=order_key):
        groups.setdefault(order_key(claim), []).append(claim)
    return list(groups.values())


def _allocate_group(rest: int, group: list[OpenClaim], paid: dict[str, tuple[int, int, int]]) -> int:
    owed = sum(c.owed for c in group)
    shares = [c.owed for c in group] if rest >= owed else _pro_rata(rest, [c.owed for c in group])
    for claim, share in zip(group, shares, strict=True):
        paid[claim.id] = split_within_claim(share, claim)
        rest -= sum(paid[claim.id])
    return rest


def _pro_rata(amount: int, owed: list[int]) -> list[int]:
    """Split `amount` (< sum of owed) pro rata; the last takes the remainder, no share above its debt."""
    shares = split_cents(amount, owed)
    overflow = 0
    for i, (share, cap) in enumerate(zip(shares, owed, strict=True)):
        if share > cap:
            overflow += share - cap
            shares[i] = cap
    for i, cap in enumerate(owed):
        extra = min(overflow, cap - shares[i])
        shares[i] += extra
        overflow -= extra
    return shares
