"""Escalation: a unit with an item overdue beyond the grace cannot submit; the approver lifts it."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.delegations.trip_support import TripKit, english  # noqa: F401
from waishi.core.models import AuditEvent
from waishi.delegations.rules_trip import transition_problem, unit_blocked
from waishi.delegations.services_trip import post_disclosure_record, unit_block_lift


@pytest.fixture
def kit(make_delegation, act, liaison, city):
    return TripKit(make_delegation, act, liaison, city)


def kinds(items):
    return sorted(item.kind for item in items)


def test_a_unit_is_not_blocked_while_items_are_within_the_grace(kit, commerce):
    kit.returned(days_ago=35)  # disclosure due after a month: 4 or 5 days late, within 30
    assert unit_blocked(commerce, timezone.localdate()) == []


def test_a_report_and_disclosure_long_overdue_block_the_unit_from_submitting(
    kit, commerce, education
):
    delegation = kit.returned(days_ago=80)
    today = timezone.localdate()
    assert kinds(unit_blocked(commerce, today)) == ["post_trip_disclosure", "trip_report"]
    assert unit_blocked(education, today) == []  # another unit is not touched
    draft = kit.make_delegation()
    problem = transition_problem(draft, "submit", today)
    assert "cannot submit new applications" in problem and delegation.title in problem


def test_resolving_an_item_removes_it_from_the_block(kit, commerce):
    delegation = kit.returned(days_ago=80)
    post_disclosure_record(
        actor=kit.liaison, delegation=delegation, where="门户网站", posted_on=timezone.localdate()
    )
    assert kinds(unit_blocked(commerce, timezone.localdate())) == ["trip_report"]


def test_the_approver_lifts_the_block_until_a_day_with_a_recorded_reason(kit, commerce, approver):
    kit.returned(days_ago=80)
    today = timezone.localdate()
    lift = unit_block_lift(
        actor=approver, unit=commerce, reason="报告已提交待补录", until=today + dt.timedelta(days=7)
    )
    assert unit_blocked(commerce, today) == []
    assert kinds(unit_blocked(commerce, today + dt.timedelta(days=8))) == [
        "post_trip_disclosure",
        "trip_report",
    ]
    assert {item["kind"] for item in lift.items} == {"post_trip_disclosure", "trip_report"}
    event = AuditEvent.objects.get(action="unit.block_lift")
    assert event.reason == "报告已提交待补录"


def test_only_an_approver_may_lift_and_only_with_a_reason(kit, commerce, approver, reviewer):
    until = timezone.localdate() + dt.timedelta(days=3)
    with pytest.raises(PermissionDenied):
        unit_block_lift(actor=reviewer, unit=commerce, reason="x", until=until)
    with pytest.raises(ValidationError) as refused:
        unit_block_lift(actor=approver, unit=commerce, reason="  ", until=until)
    assert "reason" in str(refused.value)
    with pytest.raises(ValidationError):
        unit_block_lift(
            actor=approver, unit=commerce, reason="x", until=until + dt.timedelta(days=365)
        )
