"""Outbox jobs of the work plan (imported in CommissionConfig.ready so they register).

Each open item of an adopted plan gets two reminders to its lead unit's liaisons: some days
before its deadline ("before") and the day after it ("after"). Overdue items are then chased
once a week by the daily sweep ("chase"), which tells the commission secretariat too; the sweep
also schedules the before/after reminders of any open item that lacks them.

There is no notification inbox yet: a reminder logs one line naming whom it is for (the place a
mail or in-app message will be sent from) and is counted on the item (`reminders_sent`,
`last_reminded_at`), so the pages show who was chased and when. Dedupe keys carry the item, the
deadline and the occasion, so a repeated sweep or a retried job does nothing twice; handlers
re-read the item, so a reminder for an item since done, cancelled or given a new deadline is
dropped.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from waishi.commission.models_workplan import WorkItem, WorkPlan
from waishi.core.outbox import outbox_enqueue, outbox_handler
from waishi.core.roles import Role
from waishi.delegations.jobs import recipients

logger = logging.getLogger("waishi.commission")

REMIND = "commission.workplan_remind"
SWEEP = "commission.workplan_sweep"
CHASE_EVERY_DAYS = 7


def remind_before_days() -> int:
    return int(getattr(settings, "WAISHI_WORKPLAN_REMIND_BEFORE_DAYS", 14))


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))


def _enqueue(item: WorkItem, when: str, run_on: dt.date, key_suffix: str = "") -> None:
    due = item.deadline.isoformat()
    outbox_enqueue(
        kind=REMIND,
        payload={"item_id": item.pk, "due": due, "when": when},
        run_after=_at(run_on),
        dedupe_key=f"workplan-remind:{item.pk}:{due}:{when}{key_suffix}",
    )


def schedule_reminders(item: WorkItem) -> None:
    """The before/after reminders of an open item; call inside the caller's transaction."""
    _enqueue(item, "before", item.deadline - dt.timedelta(days=remind_before_days()))
    _enqueue(item, "after", item.deadline + dt.timedelta(days=1))


def chase_round(item: WorkItem, today: dt.date) -> int:
    """Which weekly chase `today` falls in (1 in the first week after the "after" reminder)."""
    return max((today - item.deadline).days - 1, 0) // CHASE_EVERY_DAYS + 1


def _open_items():
    return WorkItem.objects.filter(plan__status=WorkPlan.Status.ADOPTED, status__in=WorkItem.OPEN)


@outbox_handler(SWEEP, daily_at=dt.time(7, 0))
def sweep(payload: dict) -> None:
    """Schedule missing reminders, and chase each overdue item once a week."""
    today = timezone.localdate()
    for item in _open_items().only("pk", "deadline").iterator():
        schedule_reminders(item)
        if item.deadline < today - dt.timedelta(days=1):
            _enqueue(item, "chase", today, key_suffix=f":{chase_round(item, today)}")


@outbox_handler(REMIND)
def remind(payload: dict) -> None:
    item = _open_items().select_related("lead_unit", "plan").filter(pk=payload["item_id"]).first()
    if item is None or item.deadline.isoformat() != payload["due"]:
        return  # done, cancelled, removed or given a new deadline since
    when = payload["when"]
    roles = [Role.LIAISON.value]
    if when == "chase":
        roles.append(Role.SECRETARIAT.value)
    to = ", ".join(recipients(item.lead_unit, roles)) or "nobody (no liaison)"
    level = logging.INFO if when == "before" else logging.WARNING
    logger.log(
        level,
        "work plan %s item %s (%s) due %s, %s: remind %s",
        item.plan.year,
        item.number,
        item.lead_unit.name,
        payload["due"],
        f"{item.days_overdue()} days overdue" if when != "before" else "coming up",
        to,
    )
    WorkItem.objects.filter(pk=item.pk).update(
        reminders_sent=F("reminders_sent") + 1, last_reminded_at=timezone.now()
    )
