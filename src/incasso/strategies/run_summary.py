"""The summary of a daily run (or of one part of a split run): what `incasso run daily --json` prints,
what a DailyRun row keeps in `counts`, and the sum of a split run's parts."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class RunSummary:
    run_date: dt.date
    dry_run: bool
    due: int = 0
    executed: int = 0
    assigned: int = 0  # new cases put on their strategy by this run
    skipped: Counter[str] = field(default_factory=Counter)
    by_action: Counter[str] = field(default_factory=Counter)  # executed steps per Step.action
    errors: list[dict[str, str]] = field(default_factory=list)
    run_id: int | None = None
    follow_ups: dict[str, Any] = field(default_factory=dict)  # see `daily_follow_ups`
    run_complete: bool = True  # False for a part of a split run that other parts still run

    @classmethod
    def merged(cls, parts: Iterable[dict[str, Any]]) -> RunSummary:
        """The summary of a run split in parts: the sum of the parts' summaries (`as_dict` form)."""
        total: RunSummary | None = None
        for data in parts:
            one = cls.from_dict(data)
            if total is None:
                total = one
                continue
            total.due += one.due
            total.executed += one.executed
            total.assigned += one.assigned
            total.skipped.update(one.skipped)
            total.by_action.update(one.by_action)
            total.errors.extend(one.errors)
        if total is None:
            raise ValueError("a run without parts")
        return total

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunSummary:
        """A summary back from a DailyRun's `counts` (for the page that shows a finished run)."""
        keys: tuple[str, ...] = ("arrangements", "promises", "messages_task", "access_log")
        follow_ups = {k: data[k] for k in keys if k in data}
        return cls(
            run_date=dt.date.fromisoformat(data["run_date"]),
            dry_run=bool(data.get("dry_run")),
            due=int(data.get("due", 0)),
            executed=int(data.get("executed", 0)),
            assigned=int(data.get("assigned", 0)),
            skipped=Counter(data.get("skipped", {})),
            by_action=Counter(data.get("by_action", {})),
            errors=list(data.get("errors", [])),
            run_id=data.get("run_id"),
            follow_ups=follow_ups,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_date": self.run_date.isoformat(),
            "dry_run": self.dry_run,
            "run_id": self.run_id,
            "due": self.due,
            "executed": self.executed,
            "assigned": self.assigned,
            "skipped": dict(sorted(self.skipped.items())),
            "by_action": dict(sorted(self.by_action.items())),
            "errors": self.errors,
            **self.follow_ups,
        }
