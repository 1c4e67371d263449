"""Technical labels on the record shown in words: who did something on the timeline, and the source
a case was opened from in its "Dossier aangemaakt" summary."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from incasso.cases import services
from incasso.cases.labels import actor_display, source_word
from incasso.cases.models import DebtType, Event, EventKind
from incasso.cases.tests.factories import DebtorFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("stored", "dutch"),
    [
        ("system", "systeem"),
        ("import", "import"),
        ("manual", "handmatig"),
        ("import claims-2026.csv", "import claims-2026.csv"),
        ("dispute:3", "betwisting"),
        ("bailiff:4", "gerechtsdeurwaarder"),
        ("something-else", "something-else"),
    ],
)
def test_a_technical_label_is_shown_in_words_and_an_unknown_one_as_it_is(stored, dutch):
    with translation.override("nl"):
        assert actor_display(stored) == dutch


def test_every_label_the_code_writes_has_a_word():
    with translation.override("en"):
        shown = {label: actor_display(label) for label in ("bank", "payments", "bank:50", "api")}
    assert shown == {"bank": "bank", "payments": "payments", "bank:50": "bank statement", "api": "API"}


def test_a_user_name_is_shown_as_it_is_even_when_it_reads_like_a_code():
    assert actor_display("system", by_user=True) == "system"


def test_the_timeline_shows_the_words_and_keeps_the_stored_keys(client, officer, zorg_case):
    for label in ("system", "import"):
        Event.objects.create(
            case=zorg_case,
            kind=EventKind.LETTER,
            occurred_at=dt.datetime(2026, 1, 20, 9, tzinfo=dt.UTC),
            actor_label=label,
            summary=f"door {label}",
        )
    Event.objects.create(
        case=zorg_case,
        kind=EventKind.NOTE,
        occurred_at=dt.datetime(2026, 1, 21, 9, tzinfo=dt.UTC),
        actor=officer,
        actor_label=officer.username,
        summary="notitie",
    )
    client.force_login(officer)
    html = client.get(reverse("cases:detail", args=[zorg_case.number])).content.decode()
    by = re.findall(r'<span class="by">([^<]*)</span>', html)
    assert "systeem" in by and "import" in by and "olga" in by
    assert "system" not in by
    assert set(Event.objects.filter(case=zorg_case).values_list("actor_label", flat=True)) >= {
        "system",
        "import",
    }


def _open(zorg, source: str):
    return services.case_open(
        client=zorg,
        debtor=DebtorFactory(),
        debtor_role="consumer",
        debt_type=DebtType.objects.get(code="healthcare"),
        claims=(
            services.ClaimInput(
                invoice_number=f"INV-{source}",
                invoice_date=dt.date(2026, 1, 1),
                due_date=dt.date(2026, 1, 31),
                principal=Decimal("100.00"),
            ),
        ),
        opened_on=dt.date(2026, 3, 1),
        source=source,
    )


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_new_case_is_logged_in_dutch_whatever_the_users_language(zorg, language):
    with translation.override(language):
        case = _open(zorg, "manual")
    created = case.events.get(kind=EventKind.CREATED)
    assert created.summary == "Dossier aangemaakt (handmatig)"
    assert created.details["source"] == "manual"
    assert created.actor_label == "manual"  # the key stays; the screen shows it in words


def test_an_imported_case_names_its_file(zorg):
    case = _open(zorg, "import claims.csv")
    assert case.events.get(kind=EventKind.CREATED).summary == "Dossier aangemaakt (import claims.csv)"


def test_source_word_leaves_an_unknown_source_as_it_is():
    assert source_word("test") == "test"
