"""The annual report's numbers, computed from records made through the services."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.commission.annual_report_support import *  # noqa: F403
from tests.commission.annual_report_support import YEAR, day
from waishi.commission.annual_report import Row, annual_report_data, headline, years_with_data
from waishi.delegations.models_trip import PassportCheckout
from waishi.delegations.services_pretrip import passport_checkin

pytestmark = pytest.mark.django_db


def test_delegations_count_trips_people_countries_and_units_of_the_year(year_of_work):
    d = annual_report_data(YEAR).delegations
    assert (d.count, d.person_trips, d.persons) == (3, 5, 4)
    # The approved itinerary: b's unplanned stop in Korea is a deviation, not a country visited.
    assert d.countries == [Row("DE", 2), Row("JP", 1)]
    # The sub-unit's delegation counts for its department.
    assert d.units == [Row("市商务局", 3, 5)]
    assert d.trip_types == [Row("visit", 3, 5)]
    assert d.ranks == [Row("county", 3, 5)]
    assert d.months == [0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0]


def test_results_come_from_the_filed_trip_reports(year_of_work):
    r = annual_report_data(YEAR).delegations.results
    assert r.reports_filed == 2
    assert r.objectives == {"met": 2, "partly": 1, "not": 1}
    assert (r.agreements, r.projects, r.intentions, r.partners) == (1, 2, 1, 1)
    assert r.amounts == [("CNY", Decimal("10000000.00")), ("EUR", Decimal("5000000.00"))]


def test_post_trip_duties_are_checked_against_their_deadlines(year_of_work):
    c = annual_report_data(YEAR).delegations.compliance
    assert c.returned == 3
    assert (c.reports.on_time, c.reports.late, c.reports.outstanding) == (1, 1, 1)
    assert (c.disclosures.on_time, c.disclosures.late, c.disclosures.outstanding) == (1, 1, 1)
    assert (c.passports.on_time, c.passports.late, c.passports.outstanding) == (1, 1, 0)
    assert c.deviations == 1


def test_a_passport_still_out_past_its_deadline_is_outstanding(trips):
    trip = trips.departed(day(4, 1), passports=True)
    trips.passports_back(trip, day(4, 6))  # the first back in time, the second still out
    passports = annual_report_data(YEAR).delegations.compliance.passports
    assert (passports.on_time, passports.late, passports.outstanding) == (1, 0, 1)


def test_evaluations_count_by_grade_with_the_average_vetoes_and_follow_through(year_of_work):
    e = annual_report_data(YEAR).evaluations
    assert (e.opened, e.completed, e.in_progress) == (3, 2, 1)
    assert e.grades == {"excellent": 1, "fail": 1}
    assert e.average == Decimal("73.8")  # (92.5 + 55) / 2
    assert e.vetoed == 1
    assert [(f.title, f.unit, f.total, f.vetoed) for f in e.failed] == [
        (year_of_work["b"].title, "市商务局", Decimal("55.0"), True)
    ]
    assert (e.spent_cny, e.amount_cny) == (Decimal("80000.00"), Decimal("1000000.00"))
    six, twelve = e.follow_ups
    assert (six.months, six.submitted, six.realised, six.results, six.overdue) == (6, 1, 2, 3, 0)
    assert (twelve.months, twelve.submitted, twelve.overdue) == (12, 0, 1)


def test_meetings_count_confirmed_meetings_decisions_and_follow_up_tasks(year_of_work):
    m = annual_report_data(YEAR).meetings
    assert [row.title for row in m.meetings] == [
        "市委外事工作委员会第一次会议",
        "市委外事工作委员会第二次会议",
    ]
    assert (m.documents, m.decisions, m.drafts) == (1, 3, 1)
    assert (m.tasks, m.tasks_done, m.tasks_open, m.tasks_overdue) == (2, 1, 1, 1)
    assert [(t.text, t.unit, t.deadline) for t in m.overdue_tasks] == [
        ("修订出访管理办法", "市商务局", day(10, 31))
    ]


def test_the_approval_work_counts_what_happened_in_the_year(trips, make_delegation, act):
    this_year = timezone.localdate().year  # the steps below are taken today
    trips.approved()  # submitted and approved
    sent_back = make_delegation()
    act(sent_back, "submit")
    act(sent_back, "head_sign")
    act(sent_back, "review_return")
    act(sent_back, "submit")
    act(sent_back, "review_return")
    refused = make_delegation()
    for action in ("submit", "head_sign", "review_pass"):
        act(refused, action)
    act(refused, "reject")
    w = annual_report_data(this_year).delegations.workflow
    assert (w.submitted, w.approved, w.rejected) == (3, 1, 1)
    assert (w.returns, w.returned_applications) == (2, 1)
    assert annual_report_data(YEAR).delegations.workflow.submitted == 0


def test_a_year_without_records_has_no_data():
    report = annual_report_data(1990)
    assert not report.has_data
    assert report.delegations.count == 0 and report.meetings.meetings == []


def test_the_headline_matches_the_report(year_of_work):
    numbers = headline(YEAR)
    assert {k: numbers[k] for k in ("delegations", "person_trips", "persons", "countries")} == {
        "delegations": 3,
        "person_trips": 5,
        "persons": 4,
        "countries": 2,
    }
    assert (numbers["evaluations"], numbers["excellent"]) == (2, 1)
    assert (numbers["meetings"], numbers["decisions"]) == (2, 3)
    assert YEAR in years_with_data() and YEAR - 1 in years_with_data()


def test_the_number_of_queries_does_not_grow_with_the_delegations(trips, secretariat):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            annual_report_data(YEAR)
        return len(captured)

    first = trips.report(trips.departed(day(2, 1), passports=True), filed_on=day(2, 10))
    trips.disclose_after(first, day(2, 12))
    trips.passports_back(first, day(2, 8), day(2, 9))
    one = queries()
    for month in (3, 4, 5):
        trip = trips.departed(day(month, 1), passports=True)
        trips.report(trip, filed_on=day(month, 10))
        trips.disclose_after(trip, day(month, 12))
        trips.passports_back(trip, day(month, 8), None)
    assert queries() == one


def test_a_passport_counts_by_the_local_day_it_came_back(trips):
    """Back at 23:30 on the last allowed day is on time; at 00:30 the day after, late (Beijing
    time, eight hours ahead of the UTC the database stores)."""
    trip = trips.departed(day(4, 1), passports=True)  # back on 4 April: due by 11 April
    first, second = PassportCheckout.objects.filter(delegation=trip).order_by("pk")
    for checkout, moment in ((first, (11, 23, 30)), (second, (12, 0, 30))):
        passport_checkin(actor=trips.officer, checkout=checkout)
        local = dt.datetime(YEAR, 4, *moment)
        PassportCheckout.objects.filter(pk=checkout.pk).update(
            checked_in_at=timezone.make_aware(local)
        )
    passports = annual_report_data(YEAR).delegations.compliance.passports
    assert (passports.on_time, passports.late, passports.outstanding) == (1, 1, 0)
