"""Outbox jobs of the trip part (registered by the import at the end of jobs.py).

jobs.py already reminds before and after the passport (7 days) and trip report (15 working
days) deadlines when a return is registered. This module adds what it lacks:

  * the post-trip disclosure reminders (before and after one month from the return);
  * an escalation per item once it is more than WAISHI_OVERDUE_BLOCK_DAYS late: the unit can
    no longer submit (rules_trip.unit_blocked), and its liaison and the FAO approvers are told;
  * a daily sweep that schedules both for every recent return, however it was registered (the
    plain workflow button does not call this module). Dedupe keys make repeats harmless.

Handlers re-read the state: a reminder for an item already done, or for a due date that a
corrected return registration moved, logs nothing.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone

from waishi.core.outbox import outbox_enqueue, outbox_handler
from waishi.core.roles import Role
from waishi.delegations.jobs import REMIND_BEFORE_DAYS, _at, outstanding, recipients
from waishi.delegations.models import Delegation
from waishi.delegations.models_trip import PostTripDisclosure
from waishi.delegations.rules_trip import RETURNED_STATES, block_after_days, trip_deadlines

logger = logging.getLogger("waishi.delegations")

REMIND_TRIP = "delegations.remind_trip"
SWEEP = "delegations.trip_sweep"


def schedule(returned: dt.date) -> list[tuple[str, str, dt.date, dt.date]]:
    """(item, when, due, run on) of every trip job for a return on `returned`."""
    due = trip_deadlines(returned)
    grace = dt.timedelta(days=block_after_days() + 1)
    disclosure = due["post_trip_disclosure"]
    rows = [
        (
            "post_trip_disclosure",
            "before",
            disclosure,
            disclosure - dt.timedelta(REMIND_BEFORE_DAYS),
        ),
        ("post_trip_disclosure", "after", disclosure, disclosure + dt.timedelta(days=1)),
    ]
    rows += [(item, "escalate", day, day + grace) for item, day in due.items()]
    return rows


def enqueue_trip_reminders(delegation: Delegation) -> None:
    """Schedule the trip jobs of a returned delegation; call inside the caller's transaction."""
    for item, when, due, run_on in schedule(delegation.returned_at):
        outbox_enqueue(
            kind=REMIND_TRIP,
            payload={
                "delegation_id": delegation.pk,
                "item": item,
                "due": due.isoformat(),
                "when": when,
            },
            run_after=_at(run_on),
            dedupe_key=f"delegation-trip:{delegation.pk}:{item}:{when}:{due.isoformat()}",
        )


def still_outstanding(delegation: Delegation, item: str) -> bool:
    if item == "post_trip_disclosure":
        return not PostTripDisclosure.objects.filter(delegation=delegation).exists()
    return outstanding(delegation, item)


@outbox_handler(REMIND_TRIP)
def remind_trip(payload: dict) -> None:
    delegation = (
        Delegation.objects.select_related("organising_unit")
        .filter(pk=payload["delegation_id"], status__in=RETURNED_STATES)
        .first()
    )
    if delegation is None or delegation.returned_at is None:
        return
    due = trip_deadlines(delegation.returned_at)[payload["item"]]
    if due.isoformat() != payload["due"] or not still_outstanding(delegation, payload["item"]):
        return
    when = payload["when"]
    roles = [Role.LIAISON.value] + ([Role.APPROVER.value] if when == "escalate" else [])
    to = ", ".join(recipients(delegation.organising_unit, roles)) or "nobody"
    if when == "escalate":
        logger.warning(
            "delegation %s: %s due %s is more than %s days overdue: %s blocked; tell %s",
            delegation.pk,
            payload["item"],
            payload["due"],
            block_after_days(),
            delegation.organising_unit.name,
            to,
        )
        return
    level = logging.WARNING if when == "after" else logging.INFO
    logger.log(
        level,
        "delegation %s: %s due %s (%s the deadline): remind %s",
        delegation.pk,
        payload["item"],
        payload["due"],
        when,
        to,
    )


@outbox_handler(SWEEP, daily_at=dt.time(6, 30))
def sweep(payload: dict) -> None:
    """Schedule the trip jobs of every delegation returned recently enough to still need them."""
    horizon = timezone.localdate() - dt.timedelta(days=31 + block_after_days() + 40)
    returned = Delegation.objects.filter(status__in=RETURNED_STATES, returned_at__gte=horizon).only(
        "pk", "returned_at"
    )
    for delegation in returned.iterator():
        enqueue_trip_reminders(delegation)
