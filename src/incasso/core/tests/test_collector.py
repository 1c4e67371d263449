"""`collector_paused`: the cyclic collector is off inside and as it was after, also after an error;
the statement import runs with it off."""

from __future__ import annotations

import gc
from decimal import Decimal
from typing import Any

import pytest

from incasso.core.collector import collector_paused
from incasso.payments import services
from incasso.payments.tests.builders import Line, camt


def test_the_collector_is_off_inside_and_restored_after_even_on_error() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("boom")
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # left off when it was off before
    finally:
        gc.enable()


@pytest.mark.django_db
def test_the_statement_import_runs_with_the_collector_paused(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    real = services._import_parsed

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "_import_parsed", spy)
    summary = services.statement_import(data=camt([Line(Decimal("12.50"), name="X")]), name="gc.xml")
    assert summary.read == 1 and seen == [False]
    assert gc.isenabled()
