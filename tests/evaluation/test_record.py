"""A unit's evaluation record, as the approval rule and the reviewer's panel read it: completed
evaluations of the unit's own delegations that returned within the window, the failed ones
named, and follow-ups still not sent in after their due date."""

import datetime as dt
from decimal import Decimal

import pytest

from tests.evaluation.record_support import evaluated, follow_up, months_ago
from tests.factories import UnitFactory
from waishi.evaluation.models import EvaluationStatus
from waishi.evaluation.record import unit_record

TODAY = dt.date(2026, 6, 15)


def record(unit, months=24):
    return unit_record(unit, today=TODAY, window_months=months)


def test_a_failed_evaluation_in_the_window_is_listed_with_its_delegation(commerce):
    failed = evaluated(commerce, returned=months_ago(3, TODAY), title="大阪经贸考察", total="52.5")
    evaluated(commerce, returned=months_ago(5, TODAY), grade="good", total="80")
    result = record(commerce)
    assert [(r.delegation_id, r.title, r.total) for r in result.failed] == [
        (failed.delegation_id, "大阪经贸考察", Decimal("52.5"))
    ]
    assert result.failed[0].evaluation_id == failed.pk
    assert result.failed[0].returned_on == months_ago(3, TODAY)
    assert result.evaluated == 2
    assert result.grades == {"excellent": 0, "good": 1, "pass": 0, "fail": 1}


def test_the_window_counts_back_from_today_by_calendar_months(commerce):
    evaluated(commerce, returned=months_ago(24, TODAY), title="刚好在窗口内")
    evaluated(commerce, returned=months_ago(24, TODAY) - dt.timedelta(days=1), title="窗口外")
    assert [r.title for r in record(commerce).failed] == ["刚好在窗口内"]
    assert record(commerce, months=12).failed == []
    assert record(commerce).since == dt.date(2024, 6, 15)


def test_failures_are_listed_latest_return_first(commerce):
    for months, title in ((10, "早"), (2, "晚"), (6, "中")):
        evaluated(commerce, returned=months_ago(months, TODAY), title=title)
    assert [r.title for r in record(commerce).failed] == ["晚", "中", "早"]


def test_an_evaluation_still_in_progress_counts_for_nothing(commerce):
    evaluated(
        commerce,
        returned=months_ago(2, TODAY),
        status=EvaluationStatus.AWAITING_SECOND,
    )
    result = record(commerce)
    assert (result.failed, result.evaluated) == ([], 0)


def test_only_the_organising_unit_itself_answers_for_its_record(commerce, commerce_office, city):
    """Neither a sub-unit's failures nor the parent's count: each unit organises its trips."""
    evaluated(commerce_office, returned=months_ago(2, TODAY), title="外事处团组")
    evaluated(city, returned=months_ago(2, TODAY), title="市级团组")
    other = UnitFactory(code="OTHER", name="市文旅局", parent=city)
    evaluated(other, returned=months_ago(2, TODAY), title="文旅团组")
    result = record(commerce)
    assert (result.failed, result.evaluated) == ([], 0)
    assert [r.title for r in record(commerce_office).failed] == ["外事处团组"]


def test_a_follow_up_still_scheduled_after_its_due_date_is_overdue(commerce):
    good = evaluated(commerce, returned=months_ago(40, TODAY), grade="good", total="82")
    late = follow_up(good, due_on=TODAY - dt.timedelta(days=1), months=12)
    follow_up(good, due_on=TODAY - dt.timedelta(days=200), months=6, submitted=True)
    other = evaluated(commerce, returned=months_ago(1, TODAY), grade="pass", total="65")
    follow_up(other, due_on=TODAY)  # due today: not late yet
    result = record(commerce)
    assert [(r.round_id, r.delegation_id, r.months) for r in result.overdue_follow_ups] == [
        (late.pk, good.delegation_id, 12)
    ]
    assert result.overdue_follow_ups[0].due_on == TODAY - dt.timedelta(days=1)
    # Overdue whenever the trip was: the old trip is outside the window but still chased.
    assert result.evaluated == 1


def test_the_policy_engine_reads_the_record_with_return_and_due_dates(commerce):
    failed = evaluated(commerce, returned=months_ago(3, TODAY), title="大阪经贸考察")
    follow_up(failed, due_on=TODAY - dt.timedelta(days=10))
    engine = record(commerce).for_policy()
    assert [(t.title, t.returned, t.total) for t in engine.failed] == [
        ("大阪经贸考察", months_ago(3, TODAY), Decimal("52.5"))
    ]
    assert [(f.title, f.due_on) for f in engine.overdue_follow_ups] == [
        ("大阪经贸考察", TODAY - dt.timedelta(days=10))
    ]


@pytest.mark.parametrize("size", [1, 12])
def test_three_queries_whatever_the_size_of_the_record(commerce, django_assert_num_queries, size):
    for n in range(size):
        ev = evaluated(commerce, returned=months_ago(n + 1, TODAY), title=f"团组{n}")
        follow_up(ev, due_on=TODAY - dt.timedelta(days=n + 1))
    with django_assert_num_queries(3):
        result = record(commerce)
    assert (len(result.failed), len(result.overdue_follow_ups)) == (size, size)
