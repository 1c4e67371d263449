"""Demo disputes and questions to the clients, through the real services: the Questions page of the
client users (klant-zorg, klant-energie) and of the staff has something to answer, and one answer
already came in. Chosen by position, not by the demo's random draws, so the rest of the demo stays
the same."""

from __future__ import annotations

import contextlib
import datetime as dt

from incasso.accounts.models import User
from incasso.arrangements.disputes import dispute_ask_client, dispute_open
from incasso.cases.models import Case, CaseState
from incasso.cases.questions import question_answer, question_ask
from incasso.clients.models import Client, ClientContact
from incasso.core.exceptions import DomainError
from incasso.intake.demo.people import Builder
from incasso.strategies.models import Hold


def _pick(cases: list[Case], position: int) -> Case:
    """The case at `position`, wrapping round in a small demo (IndexError when there is none)."""
    if not cases:
        raise IndexError("no case to put a demo question on")
    return cases[position % len(cases)]


def _candidates(code: str) -> list[Case]:
    held = Hold.objects.filter(released_at__isnull=True).values_list("case_id", flat=True)
    return list(
        Case.objects.filter(client__code=code, state=CaseState.AMICABLE, debtor__kind="person")
        .exclude(pk__in=held)
        .order_by("number")[:30]
    )


def questions_demo(builder: Builder, officer: User) -> int:
    """Returns the number of questions made."""
    made = 0
    zorg = Client.objects.filter(code="DEMO-ZORG").first()
    if zorg is not None:
        ClientContact.objects.get_or_create(
            client=zorg,
            name="Afdeling Debiteurenadministratie",
            defaults={"role": "debiteurenbeheer", "email": "debiteuren@zorggroep-rijnland.example"},
        )
    cases = _candidates("DEMO-ZORG")
    with contextlib.suppress(DomainError, IndexError):
        disputed = _pick(cases, 3)
        dispute = dispute_open(
            case=disputed,
            reason="not_received",
            description="Debiteur belt: zegt nooit op de polikliniek te zijn geweest op de datum van de factuur.",
            officer=officer,
            today=builder.today,
        )
        dispute_ask_client(
            dispute=dispute,
            question="Kunt u het afsprakenoverzicht en het behandelverslag van deze datum sturen? "
            "De debiteur zegt niet te zijn verschenen.",
            officer=officer,
            today=builder.today,
        )
        made += 1
    with contextlib.suppress(DomainError, IndexError):
        question_ask(
            case=_pick(cases, 7),
            question="PostNL meldt dat de debiteur onbekend is op het adres uit de opdracht. "
            "Heeft u een nieuwer adres of telefoonnummer van deze patiënt?",
            topic="details",
            officer=officer,
            answer_by=builder.today + dt.timedelta(days=2),
            today=builder.today,
        )
        made += 1
    client_user = User.objects.filter(role="client_user", client__code="DEMO-ZORG").first()
    with contextlib.suppress(DomainError, IndexError):
        answered = question_ask(
            case=_pick(cases, 11),
            question="Is deze factuur al eens (gedeeltelijk) gecrediteerd? De debiteur noemt een creditnota.",
            topic="details",
            officer=officer,
            today=builder.today,
        )
        if client_user is not None:
            question_answer(
                question=answered,
                answer="Nee, er is geen creditnota gemaakt. De factuur staat nog volledig open.",
                user=client_user,
                today=builder.today,
            )
        made += 1
    with contextlib.suppress(DomainError, IndexError):
        question_ask(
            case=_pick(_candidates("DEMO-ENERGIE"), 5),
            question="De debiteur zegt op 1 maart te zijn verhuisd. Heeft u de eindmeterstanden en de "
            "datum van de eindafrekening?",
            topic="details",
            officer=officer,
            today=builder.today,
        )
        made += 1
    return made
