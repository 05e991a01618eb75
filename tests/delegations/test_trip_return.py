"""回国登记: actual dates, deviations from the approved itinerary, and the reminders after it."""

import datetime as dt
import logging

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tests.delegations.trip_support import (  # noqa: F401
    TripKit,
    english,
    planned_stops,
    register_as_planned,
    shift_into_past,
)
from waishi.core.models import OutboxJob
from waishi.core.outbox import run_job
from waishi.delegations.jobs_trip import enqueue_trip_reminders, sweep
from waishi.delegations.models import Status
from waishi.delegations.rules_trip import add_months, block_after_days
from waishi.delegations.selectors_trip import deviation_text
from waishi.delegations.services_trip import post_disclosure_record


@pytest.fixture
def kit(make_delegation, act, liaison, city):
    return TripKit(make_delegation, act, liaison, city)


def in_the_past(kit, days=20):
    delegation = kit.approved()
    return shift_into_past(delegation, (delegation.leave_china - timezone.localdate()).days + days)


def test_registering_the_return_of_an_approved_trip_records_departure_and_return(kit):
    delegation = in_the_past(kit)
    registration = register_as_planned(delegation, kit.liaison)
    delegation.refresh_from_db()
    assert delegation.status == Status.RETURNED_HOME
    assert delegation.departed_on == delegation.leave_china
    assert delegation.returned_at == delegation.return_china
    assert registration.deviations == []
    assert list(delegation.events.values_list("action", flat=True))[-2:] == [
        "depart",
        "register_return",
    ]


def test_an_extra_country_a_missing_one_and_more_days_are_flagged(kit):
    delegation = in_the_past(kit)
    left, back = delegation.leave_china, delegation.return_china + dt.timedelta(days=2)
    stops = [{"country": "FR", "city": "Paris", "arrive": left, "depart": back}]
    registration = register_as_planned(delegation, kit.liaison, returned_on=back, stops=stops)
    kinds = {d["kind"]: d for d in registration.deviations}
    assert set(kinds) == {"extra_country", "missing_country", "more_days", "returned_late"}
    assert kinds["extra_country"]["country"] == "FR" and kinds["missing_country"]["country"] == "DE"
    assert kinds["more_days"] == {"kind": "more_days", "approved": 4, "actual": 6}
    assert deviation_text(kinds["extra_country"]) == "Visited France, which was not approved."


def test_a_longer_stay_in_an_approved_country_is_flagged(kit):
    delegation = in_the_past(kit)
    stops = planned_stops(delegation)
    stops[0]["arrive"] = delegation.leave_china  # one more night in Germany, same dates
    registration = register_as_planned(delegation, kit.liaison, stops=stops)
    assert [d["kind"] for d in registration.deviations] == ["longer_stay"]


def test_impossible_return_dates_are_refused_and_nothing_is_saved(kit):
    delegation = in_the_past(kit)
    future = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError):
        register_as_planned(delegation, kit.liaison, returned_on=future)
    outside = [
        {
            "country": "DE",
            "arrive": delegation.leave_china - dt.timedelta(days=5),
            "depart": delegation.leave_china,
        }
    ]
    with pytest.raises(ValidationError) as refused:
        register_as_planned(delegation, kit.liaison, stops=outside)
    assert "outside the dates abroad" in str(refused.value)
    delegation.refresh_from_db()
    assert delegation.status == Status.APPROVED and delegation.departed_on is None


def test_reminders_are_enqueued_before_and_after_each_deadline(kit):
    delegation = kit.returned(days_ago=1)
    back = delegation.returned_at
    due = add_months(back, 1)
    jobs = {
        (j.payload["item"], j.payload["when"]): timezone.localdate(j.run_after)
        for j in OutboxJob.objects.filter(payload__delegation_id=delegation.pk).exclude(
            kind="delegations.notify"
        )
    }
    assert jobs[("post_trip_disclosure", "before")] == due - dt.timedelta(days=3)
    assert jobs[("post_trip_disclosure", "after")] == due + dt.timedelta(days=1)
    grace = dt.timedelta(days=block_after_days() + 1)
    assert jobs[("post_trip_disclosure", "escalate")] == due + grace
    assert jobs[("passport_return", "after")] == back + dt.timedelta(days=8)
    assert jobs[("passport_return", "escalate")] == back + dt.timedelta(days=7) + grace
    assert ("trip_report", "before") in jobs and ("trip_report", "escalate") in jobs


def run(job, caplog):
    OutboxJob.objects.filter(pk=job.pk).update(status="running", locked_by="test", attempts=1)
    job.refresh_from_db()
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="waishi.delegations"):
        assert run_job(job) == "done"
    return [record.getMessage() for record in caplog.records]


def test_the_post_trip_disclosure_reminder_is_logged_only_while_it_is_outstanding(kit, caplog):
    delegation = kit.returned(days_ago=1)
    job = OutboxJob.objects.get(
        kind="delegations.remind_trip", payload__item="post_trip_disclosure", payload__when="after"
    )
    (line,) = run(job, caplog)
    assert "post_trip_disclosure" in line and "remind liaison" in line
    post_disclosure_record(
        actor=kit.liaison, delegation=delegation, where="门户网站", posted_on=timezone.localdate()
    )
    OutboxJob.objects.filter(pk=job.pk).update(status="pending")
    assert run(job, caplog) == []


def test_an_escalation_tells_the_approvers_the_unit_is_blocked(kit, caplog, approver):
    delegation = kit.returned(days_ago=1)
    job = OutboxJob.objects.get(
        kind="delegations.remind_trip", payload__item="trip_report", payload__when="escalate"
    )
    (line,) = run(job, caplog)
    assert f"{delegation.organising_unit.name} blocked" in line and "approver" in line


def test_the_daily_sweep_schedules_reminders_for_a_return_taken_with_the_plain_button(kit):
    delegation = in_the_past(kit)
    kit.act(delegation, "depart", on=delegation.leave_china)
    kit.act(delegation, "register_return", on=delegation.return_china)
    assert not OutboxJob.objects.filter(kind="delegations.remind_trip").exists()
    with transaction.atomic():
        sweep({})
        sweep({})  # a repeated run adds nothing
    assert OutboxJob.objects.filter(kind="delegations.remind_trip").count() == 5


def test_enqueueing_twice_keeps_one_job_per_item_and_moment(kit):
    delegation = kit.returned(days_ago=1)
    before = OutboxJob.objects.count()
    with transaction.atomic():
        enqueue_trip_reminders(delegation)
    assert OutboxJob.objects.count() == before
