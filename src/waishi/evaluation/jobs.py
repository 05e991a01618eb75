"""Outbox jobs of the evaluation app: opening evaluations, follow-ups, chasing.

    evaluation.open               a trip report was filed (delegations.jobs.enqueue_after): open
                                  its evaluation (idempotent: an open one is left as it is)
    evaluation.notify             who should act next after a step; logs one line, the place a
                                  mail or in-app message will be sent from (as delegations.notify)
    evaluation.follow_up_remind   before and after a follow-up round's due day, while the round
                                  is still outstanding
    evaluation.follow_up_chase    one unit's overdue follow-up rounds, once a day
    evaluation.follow_up_sweep    daily: schedules the chases, and the reminders of rounds due
                                  soon however they were made

Handlers re-read the state, so a repeated job does no harm; dedupe keys keep one job per round
and moment (and per unit and day for the chase).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone

from waishi.core.outbox import outbox_enqueue, outbox_handler
from waishi.core.roles import Role
from waishi.delegations.jobs import _at, recipients
from waishi.delegations.models import Delegation, Status
from waishi.evaluation import services
from waishi.evaluation.models import (
    Evaluation,
    EvaluationStatus,
    FollowUpRound,
    FollowUpStatus,
)

logger = logging.getLogger("waishi.evaluation")

OPEN = "evaluation.open"
NOTIFY = "evaluation.notify"
REMIND = "evaluation.follow_up_remind"
CHASE = "evaluation.follow_up_chase"
SWEEP = "evaluation.follow_up_sweep"
REMIND_BEFORE_DAYS = 14  # looking back over six months of results takes a unit some time
FILED = (Status.REPORT_FILED, Status.EVALUATED, Status.ARCHIVED)
NOTIFY_ROLES = {
    "open": [Role.LIAISON.value],  # and the leader's own account: the self-assessment
    "self_assessed": [Role.EVALUATOR.value],
    "awaiting_second": [Role.EVALUATOR.value],  # but not the first evaluator
    "completed": [Role.LIAISON.value, Role.UNIT_HEAD.value],
}


# --- enqueueing (called inside the caller's transaction) ---------------------------------------


def enqueue_open(delegation: Delegation) -> None:
    outbox_enqueue(
        kind=OPEN,
        payload={"delegation_id": delegation.pk},
        dedupe_key=f"evaluation-open:{delegation.pk}",
    )


def enqueue_notify(evaluation: Evaluation, event: str) -> None:
    outbox_enqueue(
        kind=NOTIFY,
        payload={"evaluation_id": evaluation.pk, "event": event, "status": evaluation.status},
        dedupe_key=f"evaluation-notify:{evaluation.pk}:{event}:{evaluation.version}",
    )


def round_schedule(round_: FollowUpRound) -> list[tuple[str, dt.date]]:
    due = round_.due_on
    return [
        ("before", due - dt.timedelta(days=REMIND_BEFORE_DAYS)),
        ("after", due + dt.timedelta(days=1)),
    ]


def enqueue_round_reminders(round_: FollowUpRound) -> None:
    for when, day in round_schedule(round_):
        outbox_enqueue(
            kind=REMIND,
            payload={
                "round_id": round_.pk,
                "months": round_.months,
                "due": round_.due_on.isoformat(),
                "when": when,
            },
            run_after=_at(day),
            dedupe_key=f"evaluation-follow-up:{round_.pk}:{when}:{round_.due_on.isoformat()}",
        )


# --- handlers ---------------------------------------------------------------------------------


@outbox_handler(OPEN)
def open_evaluation(payload: dict) -> None:
    delegation = Delegation.objects.filter(pk=payload["delegation_id"]).first()
    if delegation is None or delegation.status not in FILED or not delegation.report_filed_at:
        return
    evaluation = services.evaluation_open(delegation=delegation, actor=None)
    logger.info("delegation %s: evaluation %s open", delegation.pk, evaluation.pk)


@outbox_handler(NOTIFY)
def notify(payload: dict) -> None:
    evaluation = (
        Evaluation.objects.select_related("organising_unit", "delegation__leader__user")
        .filter(pk=payload["evaluation_id"])
        .first()
    )
    if evaluation is None:
        return
    event = payload["event"]
    to = recipients(evaluation.organising_unit, NOTIFY_ROLES.get(event, []))
    if event == "awaiting_second" and evaluation.evaluator is not None:
        to = [name for name in to if name != evaluation.evaluator.get_username()]
    leader = evaluation.delegation.leader
    if event == "open" and leader is not None and leader.user is not None:
        to = sorted({*to, leader.user.get_username()})
    logger.info(
        "evaluation %s (delegation %s) %s: notify %s",
        evaluation.pk,
        evaluation.delegation_id,
        event,
        ", ".join(to) or "nobody (no holder of the role)",
    )


def _outstanding_round(round_id) -> FollowUpRound | None:
    return (
        FollowUpRound.objects.select_related(
            "evaluation__organising_unit", "evaluation__delegation"
        )
        .filter(
            pk=round_id,
            status=FollowUpStatus.SCHEDULED,
            evaluation__status=EvaluationStatus.COMPLETED,
        )
        .first()
    )


@outbox_handler(REMIND)
def remind(payload: dict) -> None:
    round_ = _outstanding_round(payload["round_id"])
    if round_ is None or round_.due_on.isoformat() != payload["due"]:
        return
    unit = round_.evaluation.organising_unit
    to = recipients(unit, [Role.LIAISON.value])
    level = logging.WARNING if payload["when"] == "after" else logging.INFO
    logger.log(
        level,
        "evaluation %s: %s-month follow-up of delegation %s due %s (%s the deadline): remind %s",
        round_.evaluation_id,
        round_.months,
        round_.evaluation.delegation_id,
        payload["due"],
        payload["when"],
        ", ".join(to) or "nobody",
    )


def overdue_rounds(today: dt.date, unit_id: int | None = None):
    rounds = FollowUpRound.objects.filter(
        status=FollowUpStatus.SCHEDULED,
        due_on__lt=today,
        evaluation__status=EvaluationStatus.COMPLETED,
    )
    if unit_id is not None:
        rounds = rounds.filter(evaluation__organising_unit_id=unit_id)
    return rounds


@outbox_handler(CHASE)
def chase(payload: dict) -> None:
    """One line per unit and day naming its overdue rounds, to its liaisons and head."""
    today = timezone.localdate()
    rounds = list(
        overdue_rounds(today, payload["unit_id"])
        .select_related("evaluation__delegation", "evaluation__organising_unit")
        .order_by("due_on", "pk")
    )
    if not rounds:
        return
    unit = rounds[0].evaluation.organising_unit
    to = recipients(unit, [Role.LIAISON.value, Role.UNIT_HEAD.value])
    listed = "; ".join(
        f"{r.evaluation.delegation.title} {r.months}-month due {r.due_on.isoformat()} "
        f"({(today - r.due_on).days} days overdue)"
        for r in rounds
    )
    logger.warning(
        "unit %s %s: %s follow-ups overdue: %s: chase %s",
        unit.pk,
        unit.name,
        len(rounds),
        listed,
        ", ".join(to) or "nobody",
    )


@outbox_handler(SWEEP, daily_at=dt.time(6, 45))
def sweep(payload: dict) -> None:
    """A chase per unit with overdue rounds (once a day), and the reminders of the rounds due
    in the coming weeks (rounds made without create_rounds, e.g. imported, get theirs too)."""
    today = timezone.localdate()
    units = overdue_rounds(today).values_list("evaluation__organising_unit_id", flat=True)
    for unit_id in sorted(set(units)):
        outbox_enqueue(
            kind=CHASE,
            payload={"unit_id": unit_id, "day": today.isoformat()},
            dedupe_key=f"evaluation-chase:{unit_id}:{today.isoformat()}",
        )
    soon = FollowUpRound.objects.filter(
        status=FollowUpStatus.SCHEDULED,
        due_on__gte=today - dt.timedelta(days=1),
        due_on__lte=today + dt.timedelta(days=REMIND_BEFORE_DAYS + 1),
    )
    for round_ in soon.only("pk", "months", "due_on").iterator():
        enqueue_round_reminders(round_)
