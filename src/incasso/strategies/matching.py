"""Which strategy a new case follows: the candidates read once, the choice per case in memory.

`match_candidates()` reads the active strategies that take new cases, each with its newest published
version (and its challenger's), most specific first; `choose_version()` applies the rule to one case's
facts without a query. `assignment.strategy_for_case` (one case) and the daily run (a chunk of new cases)
both go through here, so the rule exists once.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from incasso.strategies.models import Strategy, StrategyVersion
from incasso.strategies.rules import in_challenger


@dataclass(frozen=True)
class Candidate:
    strategy: Strategy
    version: StrategyVersion  # the newest published version
    challenger_version: StrategyVersion | None  # of an active challenger for the same debtor role


def _specificity(candidate: Candidate) -> tuple[bool, bool, bool, int]:
    s = candidate.strategy
    band = s.min_amount is not None or s.max_amount is not None
    return (s.client_id is not None, s.debt_type_id is not None, band, s.pk)


def match_candidates() -> list[Candidate]:
    """Active strategies with a published version, most specific first: own client over the agency
    default, then a debt type over none, then an amount band over none; ties go to the newest strategy.
    A strategy that is the active challenger of another gets cases only through its champion."""
    newest: dict[int, StrategyVersion] = {}
    for published in (
        StrategyVersion.objects.filter(is_published=True)
        .select_related("strategy")
        .order_by("strategy_id", "number")
    ):
        newest[published.strategy_id] = published  # the last one per strategy is its newest
    candidates = []
    for strategy in (
        Strategy.objects.filter(is_active=True)
        .exclude(champions__is_active=True)
        .select_related("challenger")
    ):
        current = newest.get(strategy.pk)
        if current is None:
            continue
        challenger = strategy.challenger
        usable = (
            challenger is not None and challenger.is_active and challenger.debtor_role == strategy.debtor_role
        )
        candidates.append(
            Candidate(strategy, current, newest.get(challenger.pk) if usable and challenger else None)
        )
    return sorted(candidates, key=_specificity, reverse=True)


def choose_version(
    candidates: list[Candidate],
    *,
    number: str,
    client_id: int,
    debtor_role: str,
    debt_type_id: int | None,
    principal: Decimal,
) -> StrategyVersion | None:
    """The version a new case starts in: the first (most specific) candidate that matches its debtor
    role and, where the strategy sets them, its client, debt type and amount band (on the principal
    owed); its challenger's instead for `challenger_share` % of the case numbers (by hash, reproducibly)."""
    for candidate in candidates:
        s = candidate.strategy
        if s.debtor_role != debtor_role:
            continue
        if (s.client_id is not None and s.client_id != client_id) or (
            s.debt_type_id is not None and s.debt_type_id != debt_type_id
        ):
            continue
        if (s.min_amount is not None and principal < s.min_amount) or (
            s.max_amount is not None and principal > s.max_amount
        ):
            continue
        if candidate.challenger_version is not None and in_challenger(number, share_pct=s.challenger_share):
            return candidate.challenger_version
        return candidate.version
    return None
