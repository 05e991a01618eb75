"""The analytics figures: what each aggregate counts, for whom, under which filters."""

import datetime as dt
from decimal import Decimal

import pytest

from tests.evaluation.analytics_support import evaluations, follow_up, persona
from tests.factories import UnitFactory, grant
from waishi.core.roles import Role
from waishi.evaluation.analytics import Filters, analytics_for, analytics_scope, follow_through

TODAY = dt.date(2026, 6, 30)


@pytest.fixture
def evaluator(city):
    return persona(Role.EVALUATOR, city, "evaluator")


def test_grades_by_year_count_each_grade_and_fill_empty_years(evaluator, commerce):
    evaluations(
        commerce,
        {"year": 2022, "grade": "excellent", "total": Decimal("92")},
        {"year": 2022, "grade": "fail", "total": Decimal("50")},
        {"year": 2024, "grade": "good", "total": Decimal("80")},
    )
    rows = analytics_for(evaluator, Filters(), today=TODAY).by_year
    assert [row.key for row in rows] == [2022, 2023, 2024]
    assert rows[0].counts == {"excellent": 1, "fail": 1}
    assert rows[0].average == Decimal("71.0")
    assert rows[1].evaluated == 0
    assert rows[2].count("good") == 1


def test_evaluations_not_completed_are_not_counted(evaluator, commerce):
    evaluations(commerce, {"grade": "good"}, {"status": "awaiting_second", "grade": "fail"})
    data = analytics_for(evaluator, Filters(), today=TODAY)
    assert data.headline.evaluated == 1
    assert data.headline.fail == 0


def test_units_are_rolled_up_to_the_children_of_the_city(evaluator, city, commerce, education):
    office = UnitFactory(name="市商务局外事处", parent=commerce)
    evaluations(office, {"grade": "fail"}, {"grade": "good"})
    evaluations(commerce, {"grade": "good"})
    evaluations(education, {"grade": "excellent"})
    evaluations(city, {"grade": "pass"})
    by_unit = analytics_for(evaluator, Filters(), today=TODAY).by_unit
    rows = {row.label: row for row in by_unit}
    assert rows["市商务局"].counts == {"fail": 1, "good": 2}
    assert rows["市教育局"].counts == {"excellent": 1}
    own = next(row for label, row in rows.items() if label.startswith("江海市"))
    assert own.counts == {"pass": 1}
    assert next(iter(rows)) == "市商务局"  # most evaluations first


def test_a_unit_filter_shows_that_units_subtree_bar_by_bar(evaluator, commerce, education):
    office = UnitFactory(name="市商务局外事处", parent=commerce)
    evaluations(office, {"grade": "fail"})
    evaluations(education, {"grade": "good"})
    data = analytics_for(evaluator, Filters(unit_id=commerce.pk), today=TODAY)
    assert [(row.label, row.evaluated) for row in data.by_unit] == [("市商务局外事处", 1)]
    assert data.focus.name == "市商务局"
    assert data.by_year[0].counts == {"fail": 1}


def test_a_liaison_sees_only_the_own_units(liaison, outsider, commerce, education):
    evaluations(commerce, {"grade": "good"}, {"grade": "fail"})
    evaluations(education, {"grade": "excellent"})
    assert analytics_for(liaison, Filters(), today=TODAY).headline.evaluated == 2
    assert analytics_for(outsider, Filters(), today=TODAY).headline.evaluated == 1
    # Another unit's id in the filter does not widen the scope.
    assert analytics_for(liaison, Filters(unit_id=education.pk), today=TODAY).headline.fail == 1


def test_inspector_and_fao_roles_see_the_whole_city(inspector, city, commerce, education):
    evaluations(commerce, {"grade": "good"})
    evaluations(education, {"grade": "good"})
    for user in (inspector, persona(Role.SECRETARIAT, city), persona(Role.APPROVER, city)):
        assert analytics_for(user, Filters(), today=TODAY).headline.evaluated == 2


def test_a_role_outside_analytics_sees_nothing(city, commerce):
    evaluations(commerce, {"grade": "good"})
    officer = persona(Role.PASSPORT_OFFICER, city)
    assert analytics_for(officer, Filters(), today=TODAY).headline.evaluated == 0


def test_filters_narrow_every_figure(evaluator, commerce):
    evaluations(
        commerce,
        {"year": 2021, "trip_type": "investment", "main_country": "JP", "grade": "fail"},
        {"year": 2023, "trip_type": "visit", "main_country": "DE", "grade": "good"},
        {"year": 2025, "trip_type": "visit", "main_country": "JP", "grade": "good"},
    )

    def evaluated(**filters):
        return analytics_for(evaluator, Filters(**filters), today=TODAY).headline.evaluated

    assert evaluated() == 3
    assert evaluated(year_from=2022) == 2
    assert evaluated(year_from=2022, year_to=2024) == 1
    assert evaluated(trip_type="visit") == 2
    assert evaluated(country="jp") == 2
    assert evaluated(grade="fail") == 1
    assert evaluated(country="JP", grade="good", year_to=2025) == 1


def test_results_per_yuan_leave_out_trips_without_spending_in_cny(evaluator, commerce):
    evaluations(
        commerce,
        {
            "main_country": "DE",
            "spent_cny": Decimal("100000"),
            "amount_cny": Decimal("5000000"),
            "agreements_count": 2,
        },
        {
            "main_country": "DE",
            "spent_cny": Decimal("100000"),
            "amount_cny": Decimal("1000000"),
            "agreements_count": 1,
        },
        # No spending on record: counted apart, not in any ratio.
        {
            "main_country": "DE",
            "spent_cny": None,
            "amount_cny": Decimal("90000000"),
            "agreements_count": 9,
        },
        {"main_country": "JP", "spent_cny": Decimal("50000"), "amount_cny": Decimal("4000000")},
        {"main_country": "KE", "spent_cny": Decimal("0"), "amount_cny": Decimal("10")},
    )
    data = analytics_for(evaluator, Filters(), today=TODAY)
    rows = data.by_country
    assert [(row.key, row.rank) for row in rows] == [("JP", 1), ("DE", 2), ("KE", None)]
    germany = rows[1]
    assert germany.evaluations == 3 and germany.without_spending == 1
    assert germany.amount_per_yuan == Decimal("30.00")  # 6,000,000 / 200,000
    assert germany.agreements_per_100k == Decimal("1.50")  # 3 per 200,000 CNY
    assert rows[2].amount_per_yuan is None and rows[2].without_spending == 1
    [visits] = data.by_trip_type  # the same rows, by trip type
    assert visits.evaluations == 5 and visits.counted == 3
    assert visits.amount_per_yuan == Decimal("40.00")  # 10,000,000 / 250,000


def test_follow_through_rate_by_quarter_with_overdue_rounds(evaluator, commerce):
    first, second = evaluations(commerce, {"grade": "good"}, {"grade": "pass"})
    follow_up(first, due_on=dt.date(2026, 1, 15), submitted=True, realised=3, results=4)
    follow_up(second, due_on=dt.date(2026, 2, 1), submitted=True, realised=1, results=4)
    follow_up(first, months=12, due_on=dt.date(2026, 5, 2), submitted=True, realised=4, results=4)
    follow_up(second, months=12, due_on=dt.date(2026, 5, 20))  # overdue
    follow_up(commerce_eval := evaluations(commerce, {})[0], due_on=dt.date(2026, 9, 1))
    follow = follow_through(analytics_scope(evaluator), Filters(), TODAY)
    assert follow.by_quarter and follow.months == [6, 12]
    # Not due yet: left out.
    assert [str(p.label) for p in follow.periods] == ["2026年第1季度", "2026年第2季度"]
    q1, q2 = follow.periods
    assert q1.all.rate == Decimal("50.0")  # 4 of 8 results realised
    assert q2.months(12).rate == Decimal("100.0") and q2.all.overdue == 1
    assert follow.total.overdue == 1 and follow.total.rate == Decimal("66.7")
    assert commerce_eval.pk  # its round is not due: counted nowhere


def test_follow_through_over_many_years_is_shown_by_year(evaluator, commerce):
    [evaluation] = evaluations(commerce, {})
    follow_up(evaluation, due_on=dt.date(2020, 3, 1), submitted=True, realised=1, results=2)
    follow_up(
        evaluation, months=12, due_on=dt.date(2025, 3, 1), submitted=True, realised=2, results=2
    )
    follow = follow_through(analytics_scope(evaluator), Filters(), TODAY)
    assert not follow.by_quarter
    assert [p.label for p in follow.periods] == [str(y) for y in range(2020, 2026)]
    assert follow.periods[0].all.rate == Decimal("50.0")


def test_headline_numbers(evaluator, commerce):
    first, *_rest = evaluations(
        commerce,
        {"grade": "fail", "total": Decimal("55")},
        {"grade": "excellent", "total": Decimal("95")},
        {"grade": "good", "total": Decimal("80")},
        {"grade": "fail", "total": Decimal("40")},
    )
    follow_up(first, due_on=dt.date(2026, 1, 1), submitted=True, realised=1, results=4)
    head = analytics_for(evaluator, Filters(), today=TODAY).headline
    assert (head.evaluated, head.fail, head.fail_share) == (4, 2, Decimal("50.0"))
    assert head.average == Decimal("67.5")
    assert head.follow_through_rate == Decimal("25.0") and head.overdue == 0


def test_a_user_of_two_departments_gets_one_bar_per_department(commerce, education):
    both = persona(Role.UNIT_HEAD, commerce)
    grant(both, Role.LIAISON, education)
    education_only = persona(Role.LIAISON, education)
    evaluations(commerce, {"grade": "good"}, {"grade": "fail"})
    evaluations(education, {"grade": "pass"})
    data = analytics_for(both, Filters(), today=TODAY)
    assert data.focus is None
    assert [(row.label, row.evaluated) for row in data.by_unit] == [
        ("市商务局", 2),
        ("市教育局", 1),
    ]
    assert analytics_for(education_only, Filters(), today=TODAY).headline.evaluated == 1


def test_a_units_own_delegations_have_a_bar_of_their_own(evaluator, commerce):
    office = UnitFactory(name="外事处", parent=commerce)
    evaluations(commerce, {"grade": "good"})
    evaluations(office, {"grade": "pass"})
    data = analytics_for(evaluator, Filters(unit_id=commerce.pk), today=TODAY)
    labels = {row.unit_id: row.label for row in data.by_unit}
    assert labels[office.pk] == "外事处"
    assert labels[commerce.pk] != "市商务局" and "市商务局" in labels[commerce.pk]  # "(itself)"
