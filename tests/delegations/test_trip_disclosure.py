"""The pre-trip disclosure gate: up for 5 official working days before the day of approval."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.delegations.trip_support import disclose, english  # noqa: F401
from waishi.core.models import AuditEvent
from waishi.delegations.models_trip import PreTripDisclosure
from waishi.delegations.rules_trip import disclosure_problem, transition_problem, working_days
from waishi.delegations.services_trip import ConflictError, disclosure_record

D = dt.date


def posted(delegation, on, *, down=None):
    return PreTripDisclosure.objects.create(
        delegation=delegation,
        where="公示栏",
        posted_on=on,
        taken_down_on=down,
        recorded_at=timezone.now(),
    )


def test_a_sunday_made_a_working_day_for_national_day_2025_counts(make_delegation):
    # 1–8 Oct 2025 off; Sunday 28 Sep and Saturday 11 Oct are working days (调休).
    delegation = make_delegation()
    posted(delegation, D(2025, 9, 28))
    assert working_days(D(2025, 9, 28), D(2025, 10, 10)) == 5
    assert disclosure_problem(delegation, D(2025, 10, 11)) is None
    problem = disclosure_problem(delegation, D(2025, 10, 10))
    assert "4 of 5 working days" in problem and "from 2025-10-11" in problem


def test_the_spring_festival_2025_holiday_does_not_count_and_its_working_sunday_does(
    make_delegation,
):
    # 28 Jan – 4 Feb 2025 off; Sunday 26 Jan is a working day.
    delegation = make_delegation()
    posted(delegation, D(2025, 1, 24))  # Friday: 24, 26, 27 Jan, then 5 and 6 Feb
    assert "3 of 5" in disclosure_problem(delegation, D(2025, 2, 5))
    assert "from 2025-02-07" in disclosure_problem(delegation, D(2025, 2, 6))
    assert disclosure_problem(delegation, D(2025, 2, 7)) is None


def test_without_a_disclosure_approval_is_refused_with_the_reason(make_delegation):
    delegation = make_delegation()
    assert "No pre-trip disclosure" in transition_problem(delegation, "approve", D(2025, 6, 1))
    assert transition_problem(delegation, "review_pass", D(2025, 6, 1)) is None


def test_a_disclosure_taken_down_too_early_must_be_posted_again(make_delegation):
    delegation = make_delegation()
    posted(delegation, D(2025, 6, 2), down=D(2025, 6, 4))  # Mon–Wed: 3 working days
    assert "post it again" in disclosure_problem(delegation, D(2025, 6, 20))


def test_outside_the_calendar_s_years_monday_to_friday_count_and_the_page_says_so(
    make_delegation,
):
    delegation = make_delegation()
    posted(delegation, D(2027, 1, 4))  # a Monday of a year chinese_calendar does not know
    assert disclosure_problem(delegation, D(2027, 1, 9)) is None  # Mon–Fri up
    problem = disclosure_problem(delegation, D(2027, 1, 8))
    assert "Monday to Friday" in problem and "2027" in problem


def test_the_liaison_records_and_corrects_the_disclosure_with_an_audit_trail(
    make_delegation, liaison
):
    delegation = make_delegation()
    record = disclose(delegation, liaison, days_ago=3)
    corrected = disclosure_record(
        actor=liaison,
        delegation=delegation,
        where="门户网站",
        posted_on=record.posted_on,
        expected_version=record.version,
    )
    assert corrected.where == "门户网站" and corrected.version == 2
    assert AuditEvent.objects.filter(action="delegation.disclosure").count() == 2


def test_a_correction_based_on_a_stale_read_is_refused(make_delegation, liaison):
    delegation = make_delegation()
    record = disclose(delegation, liaison)
    disclose(delegation, liaison, days_ago=10)
    with pytest.raises(ConflictError):
        disclosure_record(
            actor=liaison,
            delegation=delegation,
            where="x",
            posted_on=record.posted_on,
            expected_version=record.version,
        )


def test_another_unit_s_liaison_cannot_record_a_disclosure(make_delegation, outsider):
    with pytest.raises(PermissionDenied):
        disclose(make_delegation(), outsider)


def test_a_disclosure_posted_in_the_future_or_taken_down_before_posting_is_refused(
    make_delegation, liaison
):
    delegation = make_delegation()
    with pytest.raises(ValidationError) as future:
        disclose(delegation, liaison, days_ago=-1)
    assert "future" in str(future.value)
    with pytest.raises(ValidationError):
        disclosure_record(
            actor=liaison,
            delegation=delegation,
            where="x",
            posted_on=D(2025, 6, 5),
            taken_down_on=D(2025, 6, 4),
        )
