"""Writes for strategies: building and publishing versions (assigning cases: `assignment`; holds: `holds`).

A published version is frozen: its steps cannot change, so every case on it keeps the route it was
promised. Changing a route means a new version, and moving a case to it is a deliberate, logged act.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from incasso.cases.models import EventKind
from incasso.core.exceptions import DomainError
from incasso.letters.models import TemplateCode
from incasso.strategies.models import (
    Channel,
    Step,
    StepAction,
    Strategy,
    StrategyVersion,
)
from incasso.strategies.rules import StepSpec, validate_strategy

STEP_EVENT = EventKind.STEP


STRATEGY_FIELDS = (
    "name",
    "client",
    "debtor_role",
    "debt_type",
    "min_amount",
    "max_amount",
    "is_active",
    "challenger",
    "challenger_share",
)


def _refuse_strategy_faults(strategy: Strategy) -> None:
    problems = []
    if not strategy.name.strip():
        problems.append(_("A strategy needs a name."))
    band = (strategy.min_amount, strategy.max_amount)
    if band[0] is not None and band[1] is not None and band[0] > band[1]:
        problems.append(_("The amount band's lower bound lies above its upper bound."))
    if not 0 <= strategy.challenger_share <= 100:
        problems.append(_("The challenger share must lie between 0 and 100 %."))
    challenger = strategy.challenger
    if challenger is not None:
        if strategy.pk is not None and challenger.pk == strategy.pk:
            problems.append(_("A strategy cannot challenge itself."))
        elif challenger.debtor_role != strategy.debtor_role:
            problems.append(_("The challenger must be for the same debtor role."))
    elif strategy.challenger_share:
        problems.append(_("A challenger share needs a challenger strategy."))
    if problems:
        raise DomainError(" ".join(problems), field="strategy")


def strategy_create(*, name: str, debtor_role: str, **fields: Any) -> Strategy:
    """A new strategy (without versions yet): for a client or, with client empty, the agency default."""
    unknown = set(fields) - set(STRATEGY_FIELDS)
    if unknown:
        raise TypeError(f"strategy_create() got unknown fields {sorted(unknown)}")
    strategy = Strategy(name=name.strip(), debtor_role=debtor_role, **fields)
    _refuse_strategy_faults(strategy)
    strategy.save()
    return strategy


def strategy_update(*, strategy: Strategy, **fields: Any) -> Strategy:
    """Change who a strategy is for (client, debtor role, debt type, band) or its challenger.

    The debtor role cannot change once a version is published: its cases were validated for that role.
    """
    unknown = set(fields) - set(STRATEGY_FIELDS)
    if unknown:
        raise TypeError(f"strategy_update() got unknown fields {sorted(unknown)}")
    with transaction.atomic():
        locked = Strategy.objects.select_for_update().get(pk=strategy.pk)
        if (
            "debtor_role" in fields
            and fields["debtor_role"] != locked.debtor_role
            and locked.versions.filter(is_published=True).exists()
        ):
            raise DomainError(
                _("The debtor role cannot change once a version is published"), field="debtor_role"
            )
        for name, value in fields.items():
            setattr(locked, name, value.strip() if isinstance(value, str) else value)
        _refuse_strategy_faults(locked)
        locked.save()
        return locked


def version_create(*, strategy: Strategy, copy_from: StrategyVersion | None = None) -> StrategyVersion:
    """A new draft version, optionally with the steps of an earlier one."""
    with transaction.atomic():
        Strategy.objects.select_for_update().filter(pk=strategy.pk).first()
        last = strategy.versions.aggregate(n=Max("number"))["n"] or 0
        version = StrategyVersion.objects.create(strategy=strategy, number=last + 1)
        if copy_from is not None:
            for step in copy_from.steps.all():
                step.pk = None
                step.version = version
                step.save()
        return version


def _refuse_if_frozen(version: StrategyVersion) -> None:
    if version.is_published or version.assignments.exists():
        raise DomainError(
            _("Version %(number)s is published or in use and cannot change; create a new version")
            % {"number": version.number},
            field="version",
        )


def _spec(step: Step) -> StepSpec:
    return StepSpec(
        position=step.position,
        name=step.name,
        action=step.action,
        offset_days=step.offset_days,
        template_code=step.template_code,
        next_position=step.next_position,
    )


def version_problems(*, version: StrategyVersion, extra: Step | None = None) -> list[str]:
    steps = [s for s in version.steps.all() if extra is None or s.position != extra.position]
    if extra is not None:
        steps.append(extra)
    return validate_strategy([_spec(s) for s in steps], debtor_role=version.strategy.debtor_role)


def step_add(
    *,
    version: StrategyVersion,
    position: int,
    name: str,
    action: str,
    offset_days: int,
    offset_from: str = "previous_step",
    channel: str = "",
    template_code: str = "",
    task_kind: str = "",
    target_state: str = "",
    min_balance: Decimal | None = None,
    debtor_condition: str = "",
    next_position: int | None = None,
) -> Step:
    """Add a step to a draft. Refused with every problem named; nothing is saved on refusal.

    Only step-local faults refuse here (offset, template, loops); whole-strategy rules such as the
    14-day letter before costs are checked at publish, since a supervisor may add steps in any order.
    """
    if action not in StepAction.values:
        raise DomainError(_("Unknown action %(action)r") % {"action": action}, field="action")
    with transaction.atomic():
        StrategyVersion.objects.select_for_update().filter(pk=version.pk).first()
        _refuse_if_frozen(version)
        if version.steps.filter(position=position).exists():
            raise DomainError(
                _("There already is a step at position %(position)s") % {"position": position},
                field="position",
            )
        step = Step(
            version=version,
            position=position,
            name=name.strip() or str(StepAction(action).label),
            action=action,
            offset_days=offset_days,
            offset_from=offset_from,
            channel=channel,
            template_code=template_code.strip(),
            task_kind=task_kind,
            target_state=target_state,
            min_balance=min_balance,
            debtor_condition=debtor_condition,
            next_position=next_position,
        )
        _clear_unused_fields(step)
        _refuse_step_faults(step)
        step.save()
        return step


# What a message step can send: nothing sends a "phone" message (a call is an officer's task).
MESSAGE_CHANNELS = frozenset({Channel.LETTER, Channel.EMAIL, Channel.SMS})


def step_template_choices() -> list[tuple[str, str]]:
    """The letter templates a message step can send: every debtor letter of `letters` (the client's
    progress report goes to the client, not the debtor)."""
    return [(c.value, str(c.label)) for c in TemplateCode if c != TemplateCode.CLIENT_PROGRESS_REPORT]


# The step fields only some actions use; for any other action they are emptied on save (a form may
# send what the supervisor filled in before choosing another action). The step form shows them by this.
ACTION_FIELDS: dict[str, tuple[str, ...]] = {
    "channel": (StepAction.SEND_MESSAGE,),
    "template_code": (StepAction.SEND_MESSAGE,),
    "task_kind": (StepAction.CREATE_TASK,),
    "target_state": (StepAction.CHANGE_STATE, StepAction.HAND_OVER),
}


def _clear_unused_fields(step: Step) -> None:
    for name, actions in ACTION_FIELDS.items():
        if step.action not in actions:
            setattr(step, name, "")


def _refuse_step_faults(step: Step) -> None:
    local = validate_strategy([_spec(step)], debtor_role="business", check_jump_targets=False)
    label = {"position": step.position, "name": step.name}
    if step.action == StepAction.SEND_MESSAGE and not step.channel:
        local.append(_("Step %(position)s (%(name)s): a message step needs a channel.") % label)
    if step.action == StepAction.SEND_MESSAGE and step.channel not in MESSAGE_CHANNELS | {""}:
        local.append(
            _(
                "Step %(position)s (%(name)s): a message goes by letter, e-mail or SMS; a telephone call is a "
                'task for an officer (action "create a task", kind "call").'
            )
            % label
        )
    codes = {code for code, _label in step_template_choices()}
    if step.action == StepAction.SEND_MESSAGE and step.template_code and step.template_code not in codes:
        local.append(
            _(
                "Step %(position)s (%(name)s): there is no letter template %(code)r; choose one of the templates."
            )
            % {**label, "code": step.template_code}
        )
    if local:
        raise DomainError(" ".join(local), field="step")


STEP_FIELDS = (
    "name",
    "action",
    "offset_days",
    "offset_from",
    "channel",
    "template_code",
    "task_kind",
    "target_state",
    "min_balance",
    "debtor_condition",
    "next_position",
)


def step_update(*, step: Step, **fields: Any) -> Step:
    """Change a draft's step (not its position: see `step_move`). Refused like `step_add`."""
    unknown = set(fields) - set(STEP_FIELDS)
    if unknown:
        raise TypeError(f"step_update() got unknown fields {sorted(unknown)}")
    if "action" in fields and fields["action"] not in StepAction.values:
        raise DomainError(_("Unknown action %(action)r") % {"action": fields["action"]}, field="action")
    with transaction.atomic():
        StrategyVersion.objects.select_for_update().filter(pk=step.version_id).first()
        locked = Step.objects.select_related("version").get(pk=step.pk)
        _refuse_if_frozen(locked.version)
        for name, value in fields.items():
            setattr(locked, name, value.strip() if isinstance(value, str) else value)
        locked.name = locked.name or str(StepAction(locked.action).label)
        _clear_unused_fields(locked)
        _refuse_step_faults(locked)
        locked.save()
        return locked


def step_remove(*, step: Step) -> None:
    """Delete a step from a draft. A jump that pointed at it is refused at publish."""
    with transaction.atomic():
        StrategyVersion.objects.select_for_update().filter(pk=step.version_id).first()
        locked = Step.objects.select_related("version").get(pk=step.pk)
        _refuse_if_frozen(locked.version)
        locked.delete()


def step_move(*, step: Step, up: bool) -> Step:
    """Swap a draft's step with its neighbour above (up) or below; the ends stay put."""
    with transaction.atomic():
        StrategyVersion.objects.select_for_update().filter(pk=step.version_id).first()
        locked = Step.objects.select_related("version").get(pk=step.pk)
        _refuse_if_frozen(locked.version)
        siblings = Step.objects.filter(version_id=locked.version_id)
        other = (
            siblings.filter(position__lt=locked.position).order_by("-position").first()
            if up
            else siblings.filter(position__gt=locked.position).order_by("position").first()
        )
        if other is None:
            return locked
        if locked.next_position is not None or other.next_position is not None:
            raise DomainError(
                _("A step with a jump cannot be moved; remove the jump ('then continue at') first"),
                field="step",
            )
        mine, theirs = locked.position, other.position
        locked.position = 0  # free the unique (version, position) slot while swapping
        locked.save(update_fields=["position"])
        other.position = mine
        other.save(update_fields=["position"])
        locked.position = theirs
        locked.save(update_fields=["position"])
        return locked


def step_next_position(*, version: StrategyVersion) -> int:
    return (version.steps.aggregate(n=Max("position"))["n"] or 0) + 1


def version_publish(*, version: StrategyVersion) -> StrategyVersion:
    """Validate the whole route and freeze it."""
    with transaction.atomic():
        locked = StrategyVersion.objects.select_for_update().get(pk=version.pk)
        if locked.is_published:
            return locked
        problems = version_problems(version=locked)
        if problems:
            raise DomainError(" ".join(problems), field="version")
        locked.is_published = True
        locked.published_at = timezone.now()
        locked.save(update_fields=["is_published", "published_at"])
        return locked
