"""The work plan's outbox jobs: reminders before and after a deadline to the lead unit's liaison,
and the daily sweep that chases overdue items once a week without repeating itself."""

import datetime as dt
import logging

import pytest
from django.utils import timezone

from tests.commission.workplan_support import TODAY, english, item, make_plan, png, report  # noqa: F401
from waishi.commission import jobs_workplan, services_workplan
from waishi.core.models import OutboxJob
from waishi.core.outbox import HANDLERS, run_job, schedule_daily

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(secretariat, commerce, education, liaison):
    return make_plan(secretariat, commerce, education)


def run(job, caplog) -> list[str]:
    OutboxJob.objects.filter(pk=job.pk).update(status="running", locked_by="test", attempts=1)
    job.refresh_from_db()
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="waishi.commission"):
        assert run_job(job) == "done"
    return [record.getMessage() for record in caplog.records]


def reminder(work_item, when):
    key = f"workplan-remind:{work_item.pk}:{work_item.deadline}:{when}"
    return OutboxJob.objects.get(dedupe_key=key)


def test_the_reminders_run_the_morning_before_and_after_the_deadline(plan):
    first = item(plan, 1)
    before, after = reminder(first, "before"), reminder(first, "after")
    local = timezone.localtime
    assert local(before.run_after).date() == first.deadline - dt.timedelta(days=14)
    assert local(after.run_after).date() == first.deadline + dt.timedelta(days=1)
    assert local(after.run_after).hour == 9


def test_an_overdue_reminder_names_the_lead_units_liaison_and_is_counted_on_the_item(plan, caplog):
    overdue = item(plan, 3)
    (line,) = run(reminder(overdue, "after"), caplog)
    assert "item 3 (市商务局)" in line and "10 days overdue" in line
    assert line.endswith("remind liaison")
    overdue.refresh_from_db()
    assert overdue.reminders_sent == 1 and overdue.last_reminded_at is not None


def test_a_reminder_for_an_item_done_since_or_given_a_new_deadline_says_nothing(
    plan, secretariat, liaison, caplog
):
    first, overdue = item(plan, 1), item(plan, 3)
    report(liaison, first, status="done", evidence=png())
    assert run(reminder(first, "after"), caplog) == []
    old = reminder(overdue, "after")
    services_workplan.work_item_update(
        actor=secretariat, item=overdue, expected_version=1,
        deadline=TODAY + dt.timedelta(days=20),
    )  # fmt: skip
    assert run(old, caplog) == []
    overdue.refresh_from_db()
    assert overdue.reminders_sent == 0


def test_the_daily_sweep_is_registered_and_chases_overdue_items_once_a_week(plan, caplog):
    assert HANDLERS[jobs_workplan.SWEEP].daily_at == dt.time(7, 0)
    schedule_daily()
    sweep = OutboxJob.objects.get(kind=jobs_workplan.SWEEP)
    run(sweep, caplog)
    chases = OutboxJob.objects.filter(dedupe_key__contains=":chase:")
    assert chases.count() == 1  # only item 3 is overdue
    (line,) = run(chases.get(), caplog)
    assert "10 days overdue" in line and "secretariat" in line
    jobs_before = OutboxJob.objects.count()
    jobs_workplan.sweep({})  # the same day again: nothing new
    assert OutboxJob.objects.count() == jobs_before


def test_a_chase_a_week_later_is_a_new_job(plan):
    overdue = item(plan, 3)
    assert jobs_workplan.chase_round(overdue, TODAY) == 2  # 10 days late: the second week
    assert jobs_workplan.chase_round(overdue, TODAY + dt.timedelta(days=7)) == 3


def test_the_sweep_leaves_draft_plans_and_closed_items_alone(
    secretariat, commerce, education, liaison, caplog
):
    draft = make_plan(secretariat, commerce, education, adopt=False)
    jobs_workplan.sweep({})
    assert not OutboxJob.objects.filter(payload__item_id__in=list(
        draft.items.values_list("pk", flat=True)
    )).exists()  # fmt: skip
