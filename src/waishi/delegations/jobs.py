"""Outbox jobs of the delegations app (imported in DelegationsConfig.ready so they register).

There is no notification inbox yet: "delegations.notify" works out who should act next and logs
one line per job — the place a mail or in-app message will be sent from. "delegations.remind"
runs before and after each post-trip deadline and logs the reminder while the item is still
outstanding (handlers re-read the state, so a repeated job does no harm).
"""

from __future__ import annotations

import datetime as dt
import logging

import chinese_calendar
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from waishi.core.models import User
from waishi.core.outbox import outbox_enqueue, outbox_handler
from waishi.core.roles import Role
from waishi.delegations.models import Delegation, DelegationEvent, Status
from waishi.delegations.workflow import step_role
from waishi.people.models import Passport

logger = logging.getLogger("waishi.delegations")

NOTIFY = "delegations.notify"
REMIND = "delegations.remind"
REMIND_BEFORE_DAYS = 3


def passport_return_days() -> int:
    return int(getattr(settings, "WAISHI_PASSPORT_RETURN_DAYS", 7))


def report_working_days() -> int:
    return int(getattr(settings, "WAISHI_TRIP_REPORT_WORKING_DAYS", 15))


def add_working_days(start: dt.date, count: int) -> dt.date:
    """`count` official working days after `start` (调休 weekends included); Monday to Friday
    for the years the calendar package does not know yet."""
    try:
        return chinese_calendar.find_workday(count, start)
    except NotImplementedError:
        day = start
        while count:
            day += dt.timedelta(days=1)
            count -= day.weekday() < 5
        return day


def deadlines(returned: dt.date) -> dict[str, dt.date]:
    return {
        "passport_return": returned + dt.timedelta(days=passport_return_days()),
        "trip_report": add_working_days(returned, report_working_days()),
    }


def _notify_roles(delegation: Delegation) -> list[str]:
    if delegation.status in (Status.SUBMITTED, Status.HEAD_SIGNED):
        role = step_role(delegation.pending_step)
        return [role.value] if role else []
    if delegation.status == Status.APPROVED:
        return [Role.LIAISON.value, Role.PASSPORT_OFFICER.value]
    return [Role.LIAISON.value]


def enqueue_after(delegation: Delegation, event: DelegationEvent) -> None:
    """The jobs a transition leaves behind; called inside its transaction."""
    outbox_enqueue(
        kind=NOTIFY,
        payload={
            "delegation_id": delegation.pk,
            "event_id": event.pk,
            "action": event.action,
            "to_status": event.to_status,
            "pending_step": delegation.pending_step,
            "roles": _notify_roles(delegation),
        },
        dedupe_key=f"delegation-event:{event.pk}",
    )
    if event.action == "register_return" and delegation.returned_at:
        _enqueue_reminders(delegation)
    if event.action == "file_report":
        # The filed report opens the delegation's performance evaluation (evaluation app).
        from waishi.evaluation.jobs import enqueue_open  # the evaluation app builds on this one

        enqueue_open(delegation)


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))


def _enqueue_reminders(delegation: Delegation) -> None:
    for item, due in deadlines(delegation.returned_at).items():
        for when, day in (
            ("before", due - dt.timedelta(days=REMIND_BEFORE_DAYS)),
            ("after", due + dt.timedelta(days=1)),
        ):
            outbox_enqueue(
                kind=REMIND,
                payload={
                    "delegation_id": delegation.pk,
                    "item": item,
                    "due": due.isoformat(),
                    "when": when,
                },
                run_after=_at(day),
                dedupe_key=f"delegation-remind:{delegation.pk}:{item}:{when}",
            )


def recipients(unit, roles) -> list[str]:
    """Usernames holding one of `roles` on a subtree containing `unit`."""
    above = [int(part) for part in unit.path.strip("/").split("/") if part and int(part) != unit.pk]
    covering = Q(role_assignments__unit_id=unit.pk) | Q(
        role_assignments__unit_id__in=above, role_assignments__include_subtree=True
    )
    users = User.objects.filter(covering, is_active=True, role_assignments__role__in=roles)
    return sorted(set(users.values_list("username", flat=True)))


@outbox_handler(NOTIFY)
def notify(payload: dict) -> None:
    delegation = Delegation.objects.select_related("organising_unit").filter(
        pk=payload["delegation_id"]
    )
    delegation = delegation.first()
    if delegation is None:
        return
    to = recipients(delegation.organising_unit, payload.get("roles", []))
    logger.info(
        "delegation %s %s → %s: notify %s",
        delegation.pk,
        payload["action"],
        payload["to_status"],
        ", ".join(to) or "nobody (no holder of the role)",
    )


def outstanding(delegation: Delegation, item: str) -> bool:
    if item == "trip_report":
        return delegation.status == Status.RETURNED_HOME
    if item == "passport_return":
        return Passport.objects.filter(
            person__memberships__delegation=delegation, custody=Passport.Custody.CHECKED_OUT
        ).exists()
    return False


@outbox_handler(REMIND)
def remind(payload: dict) -> None:
    delegation = Delegation.objects.select_related("organising_unit").filter(
        pk=payload["delegation_id"]
    )
    delegation = delegation.first()
    if delegation is None or not outstanding(delegation, payload["item"]):
        return
    to = recipients(delegation.organising_unit, [Role.LIAISON.value])
    level = logging.WARNING if payload["when"] == "after" else logging.INFO
    logger.log(
        level,
        "delegation %s: %s due %s (%s the deadline): remind %s",
        delegation.pk,
        payload["item"],
        payload["due"],
        payload["when"],
        ", ".join(to) or "nobody",
    )


# The trip part's jobs (post-trip disclosure reminders, escalation, daily sweep) register here.
from waishi.delegations import jobs_trip  # noqa: E402, F401
