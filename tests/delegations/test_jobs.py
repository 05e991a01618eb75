"""The outbox jobs a delegation leaves behind, run as the worker runs them."""

import datetime as dt
import logging

from django.utils import timezone

from waishi.core.models import OutboxJob
from waishi.core.outbox import run_job
from waishi.delegations.jobs import add_working_days, deadlines
from waishi.people.models import Passport

APPROVE = ["submit", "head_sign", "review_pass", "approve"]


def run(kind, caplog, **payload_filter):
    job = OutboxJob.objects.filter(kind=kind, **payload_filter).order_by("pk").last()
    OutboxJob.objects.filter(pk=job.pk).update(status="running", locked_by="test", attempts=1)
    job.refresh_from_db()
    with caplog.at_level(logging.INFO, logger="waishi.delegations"):
        assert run_job(job) == "done"
    return [record.getMessage() for record in caplog.records]


def test_the_notification_after_submission_names_the_unit_head(make_delegation, act, caplog):
    delegation = make_delegation()
    act(delegation, "submit")
    (line,) = run("delegations.notify", caplog)
    assert line == f"delegation {delegation.pk} submit → submitted: notify head"


def test_the_notification_after_the_head_signs_names_the_fao_reviewer(make_delegation, act, caplog):
    delegation = make_delegation()
    act(delegation, "submit")
    act(delegation, "head_sign")
    (line,) = run("delegations.notify", caplog, payload__action="head_sign")
    assert line.endswith("head_sign → head_signed: notify reviewer")


def test_a_trip_report_reminder_is_logged_only_while_the_report_is_outstanding(
    make_delegation, act, caplog
):
    delegation = make_delegation()
    for action in [*APPROVE, "depart", "register_return"]:
        act(delegation, action)
    lines = run("delegations.remind", caplog, payload__item="trip_report", payload__when="after")
    assert len(lines) == 1 and "trip_report due" in lines[0] and "remind liaison" in lines[0]
    caplog.clear()
    act(delegation, "file_report")
    assert run("delegations.remind", caplog, payload__item="trip_report") == []


def test_a_passport_reminder_is_logged_only_while_a_passport_is_still_out(
    make_delegation, act, caplog
):
    delegation = make_delegation()
    for action in [*APPROVE, "depart", "register_return"]:
        act(delegation, action)
    people = delegation.members.values("person")
    assert run("delegations.remind", caplog, payload__item="passport_return") == []
    Passport.objects.filter(person__in=people).update(custody=Passport.Custody.CHECKED_OUT)
    lines = run("delegations.remind", caplog, payload__item="passport_return")
    assert len(lines) == 1 and "passport_return" in lines[0]


def test_reminders_are_scheduled_before_and_after_each_deadline(make_delegation, act):
    delegation = make_delegation()
    for action in [*APPROVE, "depart", "register_return"]:
        act(delegation, action)
    due = deadlines(timezone.localdate())["passport_return"]
    before = OutboxJob.objects.get(payload__item="passport_return", payload__when="before")
    after = OutboxJob.objects.get(payload__item="passport_return", payload__when="after")
    assert timezone.localdate(before.run_after) == due - dt.timedelta(days=3)
    assert timezone.localdate(after.run_after) == due + dt.timedelta(days=1)


def test_the_report_deadline_counts_official_working_days_with_swapped_weekends():
    # Spring Festival 2026: 15–23 Feb off; Saturdays 14 and 28 Feb are working days.
    assert add_working_days(dt.date(2026, 2, 13), 15) == dt.date(2026, 3, 12)


def test_beyond_the_calendars_years_working_days_are_monday_to_friday():
    # 2099 is not in the calendar package: Friday + 5 working days = the next Friday.
    assert add_working_days(dt.date(2099, 1, 2), 5) == dt.date(2099, 1, 9)
