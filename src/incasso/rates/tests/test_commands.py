"""`incasso calc ...` and `incasso rates ...` through call_command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from incasso.rates.models import RateChange


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def run_json(*args: str) -> dict:
    return json.loads(run(*args, "--json"))


INTEREST = ("calc", "interest", "--principal", "1000.00", "--from", "2023-03-15", "--to", "2025-06-30")


def test_calc_interest_json_has_interest_and_lines() -> None:
    data = run_json(*INTEREST, "--basis", "consumer", "--packaged-rates")
    assert data["interest"] == "148.13"
    assert data["days"] == 839 and data["rate_table"] == "packaged"
    kinds = [line["type"] for line in data["lines"]]
    assert kinds.count("segment") == 6 and kinds.count("capitalisation") == 2
    assert data["lines"][3] == {
        "type": "capitalisation",
        "date": "2024-03-15",
        "amount": "56.27",
        "new_base": "1056.27",
    }


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (("--day-basis", "actact"), "147.92"),
        (("--no-compound",), "142.03"),
        (("--per-segment-rounding",), "148.14"),
    ],
)
def test_calc_interest_options(extra: tuple[str, ...], expected: str) -> None:
    assert run_json(*INTEREST, "--basis", "consumer", "--packaged-rates", *extra)["interest"] == expected


def test_calc_interest_sheet_is_readable_and_prints_the_convention() -> None:
    text = run(*INTEREST, "--basis", "consumer", "--packaged-rates")
    assert "€ 148,13" in text and "15-03-2023" in text and "Rekenwijze" in text


def test_calc_interest_warns_about_unverified_rates() -> None:
    args = ("calc", "interest", "--principal", "100", "--from", "2026-06-01", "--to", "2026-08-01")
    data = run_json(*args, "--basis", "commercial", "--packaged-rates")
    assert data["warnings"] == ["unverified rate: commercial 2026-07-01 10.40%"]


def test_calc_costs_allocate_reference() -> None:
    costs = run_json("calc", "costs", "--principal", "2500", "--vat-percent", "21")
    assert (costs["costs"], costs["vat"], costs["total"], costs["vat_percent"]) == (
        "375.00",
        "78.75",
        "453.75",
        "21",
    )
    assert costs["minimum_applied"] is False and costs["maximum_applied"] is False
    alloc = run_json(
        "calc", "allocate", "--payment", "500", "--costs", "375", "--interest", "23.97", "--principal", "2500"
    )
    assert alloc == {
        "payment": "500.00",
        "costs": "375.00",
        "interest": "23.97",
        "principal": "101.03",
        "unallocated": "0.00",
    }
    excess = run_json("calc", "allocate", "--payment", "100", "--principal", "60")
    assert excess["unallocated"] == "40.00"
    assert run_json("calc", "reference", "4711")["payment_reference"] == "6000000000004711"
    assert "geldig" in run("calc", "reference", "--check", "5000056789012345")


def test_calc_reference_check_exits_1_when_invalid() -> None:
    with pytest.raises(CommandError) as info:
        run("calc", "reference", "--check", "5000056789012346")
    assert info.value.returncode == 1


def interest(principal: str, first: str, last: str, basis: str, *extra: str) -> tuple[str, ...]:
    return ("interest", "--principal", principal, "--from", first, "--to", last, "--basis", basis, *extra)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (interest("-5", "2023-01-01", "2023-02-01", "consumer"), "positive"),
        (interest("0", "2023-01-01", "2023-02-01", "consumer"), "positive"),
        (interest("5", "2023-03-01", "2023-02-01", "consumer"), "before"),
        (interest("5", "1999-01-01", "2023-02-01", "commercial"), "first row"),
        (interest("5", "2023-01-01", "2023-02-01", "foo"), "unknown --basis"),
        (interest("5", "2023-13-01", "2023-02-01", "consumer"), "not a date"),
        (interest("abc", "2023-01-01", "2023-02-01", "consumer"), "decimal"),
        (interest("5", "2023-01-01", "2023-02-01", "consumer", "--day-basis", "30/360"), "day-basis"),
        (("costs", "--principal", "-1"), "positive"),
        (("allocate", "--payment", "0", "--principal", "5"), "positive"),
        (("reference", "12a"), "whole number"),
        (("reference", "1234567890123456"), "15 digits"),
        (("reference",), "give a number"),
    ],
)
def test_calc_bad_input_is_a_one_line_command_error(args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError, match=message) as info:
        run("calc", *args, "--packaged-rates") if args[0] == "interest" else run("calc", *args)
    assert "\n" not in str(info.value)


def test_calc_works_without_a_database(tmp_path: Path) -> None:
    env = {**os.environ, "INCASSO_VAR_DIR": str(tmp_path / "missing" / "dir")}
    bin_dir = Path(sys.executable).parent
    done = subprocess.run(
        [str(bin_dir / "incasso"), *INTEREST, "--basis", "commercial", "--json"],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    data = json.loads(done.stdout)
    assert data["rate_table"] == "packaged" and data["interest"]


@pytest.mark.django_db
def test_rates_add_merges_a_future_change_over_the_packaged_table() -> None:
    out = run(
        "rates",
        "add",
        "--basis",
        "consumer",
        "--from",
        "2027-01-01",
        "--percent",
        "3",
        "--source",
        "Stb. 2026, 1",
    )
    assert "consumer 2027-01-01" in out
    assert RateChange.objects.get().percent == 3
    listing = run_json("rates", "list", "--basis", "consumer")["consumer"]
    assert listing[-1] == {
        "effective_from": "2027-01-01",
        "percent": "3",
        "verified": True,
        "origin": "database",
        "source": "Stb. 2026, 1",
    }
    data = run_json(
        "calc",
        "interest",
        "--principal",
        "36500",
        "--from",
        "2027-01-01",
        "--to",
        "2027-01-01",
        "--basis",
        "consumer",
    )
    assert data["interest"] == "3.00" and data["rate_table"] == "packaged+database"


@pytest.mark.django_db
def test_rates_list_flags_unverified_rows() -> None:
    text = run("rates", "list")
    assert "consumer (art. 6:119 BW)" in text and "commercial (art. 6:119a BW)" in text
    flagged = [line for line in text.splitlines() if "niet geverifieerd" in line]
    assert any("2026-07-01" in line for line in flagged) and any("2026-01-01" in line for line in flagged)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--basis", "consumer", "--from", "2025-01-01", "--percent", "4", "--source", "x"),
            "after the last packaged",
        ),
        (("--basis", "mortgage", "--from", "2027-01-01", "--percent", "4", "--source", "x"), "unknown basis"),
        (
            ("--basis", "consumer", "--from", "2027-01-01", "--percent", "-1", "--source", "x"),
            "between 0 and 100",
        ),
        (
            ("--basis", "consumer", "--from", "2027-01-01", "--percent", "four", "--source", "x"),
            "not a number",
        ),
        (("--basis", "consumer", "--from", "soon", "--percent", "4", "--source", "x"), "not a date"),
        (("--basis", "consumer", "--from", "2027-01-01", "--percent", "4", "--source", " "), "source"),
    ],
)
def test_rates_add_refuses_bad_input(args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run("rates", "add", *args)
    assert not RateChange.objects.exists()


@pytest.mark.django_db
def test_rates_add_refuses_a_duplicate() -> None:
    args = (
        "rates",
        "add",
        "--basis",
        "commercial",
        "--from",
        "2027-01-01",
        "--percent",
        "10",
        "--source",
        "x",
    )
    run(*args)
    with pytest.raises(CommandError, match="already stored"):
        run(*args)
