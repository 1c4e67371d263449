"""The daily run's guards for one message queued outside the run (by hand on the case screen, or on an
event: an arrangement made, an instalment missed, an arrangement broken, a dispute opened).

The facts are read as the run reads a chunk's (`run_facts.chunk_facts`, for a chunk of one case), and
the decision is the run's own (`run_plan.message_guard`): a debtor who refused the channel, no valid
address, e-mail address or phone number (with the find-contact task the run would make), the contact
limit per channel in any 7 days (which counts these messages as it counts the run's). Besides, a hold
placed by hand (debt counselling, insolvency, deceased) stops every letter, as it stops the run; the
holds of an arrangement, a promise or a dispute do not, since those letters are about them. The Wki
contact window is the sender's business: a message queued at night is sent in the morning.
"""

from __future__ import annotations

import datetime as dt

from incasso.cases.models import Case
from incasso.cases.timeline import TaskValues
from incasso.core.contact import configured_contact_limits, configured_contact_window
from incasso.strategies.models import HoldReason, SkipReason, Step, StepAction
from incasso.strategies.run_facts import DueAssignment, DueCase, RunContext, active_holds, chunk_facts
from incasso.strategies.run_plan import message_guard

# Holds that stop a letter outside the run too: the debtor may not (or cannot) be pursued at all.
STOPPING_HOLDS = (HoldReason.DEBT_COUNSELLING, HoldReason.INSOLVENCY, HoldReason.DECEASED)


def message_check(
    *, case: Case, channel: str, template_code: str, on: dt.date, now: dt.datetime
) -> tuple[str, TaskValues | None]:
    """("", None) when a message may be queued for `case` on `on`; else (a `SkipReason`, the
    find-contact task to make or None). Reads; writes nothing. The caller holds the case's lock."""
    if active_holds(on).filter(case_id=case.pk, reason__in=STOPPING_HOLDS).exists():
        return SkipReason.ON_HOLD, None
    due = DueCase(
        pk=case.pk,
        number=case.number,
        debtor_id=case.debtor_id,
        debtor_role=case.debtor_role,
        officer_id=case.officer_id,
        next_action_on=case.next_action_on,
    )
    step = Step(action=StepAction.SEND_MESSAGE, channel=channel, template_code=template_code)
    ctx = RunContext(
        run_date=on,
        now=now,
        window=configured_contact_window(),
        limits=configured_contact_limits(),
        run=None,
    )
    assignment = DueAssignment(pk=0, version_id=0, started_on=on, next_step=step)
    facts = chunk_facts([due], {case.pk: assignment}, ctx)
    return message_guard(due, step, ctx, facts)
