"""Benchmark: statements for 1,000,000 synthetic claims as of one date (run by hand, not a test).

    .venv/bin/python bench/bench_statements.py [--claims 1000000] [--plain 20000]

Random principal (1-100,000 euro), first interest day 2003-2026, 0-3 payments each, consumer and
commercial tables. Times the vectorised numpy path (`calculations.batch`) on all claims and the plain
Python path (`calculations.statement.build_statement`, full lines) on a sample, then checks that both
agree on the sample to the cent.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

import numpy as np

from incasso.calculations.batch import BatchResult, batch_statements
from incasso.calculations.interest import InterestBasis
from incasso.calculations.money import from_cents, to_cents
from incasso.calculations.rate_table import RateTable, packaged_table
from incasso.calculations.statement import ClaimFacts, PaymentFact, Statement, build_statement

AS_OF = dt.date(2026, 11, 22)


def synthetic(n: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    start = np.datetime64("2003-01-01")
    span = (np.datetime64(AS_OF) - start).astype(int)
    first = start + rng.integers(0, span + 1, n).astype("timedelta64[D]")
    principal = rng.integers(100, 10_000_000, n)
    count = rng.integers(0, 4, n)
    days_left = (np.datetime64(AS_OF) - first).astype(int) + 1
    offsets = (rng.random((n, 3)) * days_left[:, None]).astype(int)
    pay_days = first[:, None] + offsets.astype("timedelta64[D]")
    pay_amounts = (rng.random((n, 3)) * principal[:, None] * 0.5).astype(np.int64) + 1
    pay_amounts[np.arange(3)[None, :] >= count[:, None]] = 0
    return {"principal": principal, "first": first, "pay_amounts": pay_amounts, "pay_days": pay_days}


def run_batch(data: dict[str, np.ndarray], basis: str) -> tuple[float, BatchResult]:
    t0 = time.perf_counter()
    result = batch_statements(
        data["principal"],
        data["first"],
        AS_OF,
        packaged_table(basis),
        payment_cents=data["pay_amounts"],
        payment_days=data["pay_days"],
    )
    return time.perf_counter() - t0, result


def plain_statement(
    data: dict[str, np.ndarray], i: int, basis: str, tables: dict[str, RateTable]
) -> Statement:
    first = data["first"][i].astype(dt.date)
    pays = [
        PaymentFact(from_cents(int(a)), d.astype(dt.date))
        for a, d in zip(data["pay_amounts"][i], data["pay_days"][i], strict=True)
        if a > 0
    ]
    claim = ClaimFacts("c", from_cents(int(data["principal"][i])), first, InterestBasis(basis))
    return build_statement([claim], (), pays, as_of=AS_OF, tables=tables)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--plain", type=int, default=20_000)
    args = parser.parse_args()
    tables = {b: packaged_table(b) for b in ("consumer", "commercial")}
    for basis in ("consumer", "commercial"):
        data = synthetic(args.claims, seed=42)
        seconds, result = run_batch(data, basis)
        rate = args.claims / seconds
        print(f"{basis:10s} numpy batch: {args.claims:,} claims in {seconds:.2f} s = {rate:,.0f}/s")
        t0 = time.perf_counter()
        sample = [plain_statement(data, i, basis, tables) for i in range(args.plain)]
        plain = time.perf_counter() - t0
        rate = args.plain / plain
        print(f"{basis:10s} plain Python: {args.plain:,} claims in {plain:.2f} s = {rate:,.0f}/s")
        bad = sum(
            to_cents(s.interest.charged) != result.interest[i]
            or to_cents(s.principal.outstanding) != result.principal_outstanding[i]
            for i, s in enumerate(sample)
        )
        print(f"{basis:10s} sample mismatches: {bad}")


if __name__ == "__main__":
    main()
