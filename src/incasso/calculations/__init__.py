"""The pure calculation core: Dutch debt-collection law as functions of their arguments.

No Django, no clock, no I/O beyond the packaged rate tables. Money is `Decimal` (integer cents inside),
`float` is refused. Modules, each citing its articles:

* `money`             Decimal helpers, the one rounding function, exact splits
* `rate_table`        6:119 / 6:119a rate tables as data (`RateTable`, `packaged_table`)
* `interest`          statutory/contractual interest with lines; THE CONVENTION (6:119, 6:119a, 6:120)
* `accrual`           the exact per-claim interest engine behind `interest` and `statement`
* `costs`             collection costs, WIK scale (6:96; Besluit BIK)
* `allocation`        payment allocation (6:43, 6:44)
* `statement`         the calculation sheet: replay a case up to `as_of` (`build_statement`)
* `sheet`             plain-text rendering in Dutch notation
* `batch`             vectorised (numpy) statements for many claims, equal to `statement`
* `deadlines`         14-day letter term (6:96 lid 6), commercial default date (6:119a lid 2)
* `limitation`        limitation terms, interruption and renewal (3:306-3:325, 7:28)
* `payment_reference` betalingskenmerk generation and validation (mod 11)
"""

from __future__ import annotations

from incasso.calculations.accrual import Capitalisation, DayBasis, Segment
from incasso.calculations.allocation import (
    Allocation,
    ClaimAllocation,
    allocate_payment,
    allocate_within_claim,
)
from incasso.calculations.costs import CollectionCosts, collection_costs, collection_costs_for_letter
from incasso.calculations.errors import (
    CalculationError,
    DateOutOfRangeError,
    PaymentReferenceError,
    RateTableError,
)
from incasso.calculations.interest import (
    InterestBasis,
    InterestResult,
    RatePeriod,
    contractual_interest,
    no_interest,
    statutory_interest,
)
from incasso.calculations.money import money, round_cents, split
from incasso.calculations.payment_reference import (
    generate_payment_reference,
    is_valid_payment_reference,
    validate_payment_reference,
)
from incasso.calculations.rate_table import RateBasis, RateRow, RateTable, packaged_table
from incasso.calculations.statement import (
    BucketTotals,
    ClaimFacts,
    CostsFact,
    PaymentFact,
    Statement,
    StatementLine,
    build_statement,
)

__all__ = [
    "Allocation",
    "BucketTotals",
    "CalculationError",
    "Capitalisation",
    "ClaimAllocation",
    "ClaimFacts",
    "CollectionCosts",
    "CostsFact",
    "DateOutOfRangeError",
    "DayBasis",
    "InterestBasis",
    "InterestResult",
    "PaymentFact",
    "PaymentReferenceError",
    "RateBasis",
    "RatePeriod",
    "RateRow",
    "RateTable",
    "RateTableError",
    "Segment",
    "Statement",
    "StatementLine",
    "allocate_payment",
    "allocate_within_claim",
    "build_statement",
    "collection_costs",
    "collection_costs_for_letter",
    "contractual_interest",
    "generate_payment_reference",
    "is_valid_payment_reference",
    "money",
    "no_interest",
    "packaged_table",
    "round_cents",
    "split",
    "statutory_interest",
    "validate_payment_reference",
]
