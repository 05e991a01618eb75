"""/api/v1/evaluations: the list with its filters and pages, and the detail, scoped exactly as
the selectors (404 outside the caller's units)."""

from decimal import Decimal

import pytest
from django.test import Client

from tests.conftest import client_for
from tests.evaluation.conftest import link_leader, self_assess, stored
from waishi.evaluation.models import EvaluationStatus

pytestmark = pytest.mark.usefixtures("english")
URL = "/api/v1/evaluations/"


def get(user, url=URL, **params):
    return client_for(user).get(url, params)


def test_the_list_shows_the_caller_s_units_only(liaison, outsider, inspector, commerce, education):
    stored(commerce, 2)
    stored(education, 1)
    assert get(liaison).json()["count"] == 2
    assert get(outsider).json()["count"] == 1
    assert get(inspector).json()["count"] == 3
    item = get(liaison).json()["items"][0]
    assert item["unit_name"] == commerce.name and item["rubric_version"] == "waishi-default-v1"
    assert (item["grade"], item["total"], item["status"], item["year"]) == (
        "good",
        80.0,
        "completed",
        2025,
    )
    assert item["delegation_title"].startswith("考察团")


def test_an_evaluation_outside_the_caller_s_units_answers_404(
    liaison, outsider, education_evaluator, head, evaluator, commerce
):
    (evaluation,) = stored(commerce)
    url = f"{URL}{evaluation.pk}/"
    for user in (liaison, head, evaluator):
        assert get(user, url).status_code == 200
    for user in (outsider, education_evaluator):
        response = get(user, url)
        assert response.status_code == 404 and response.json() == {"detail": "Not Found"}
    assert get(education_evaluator).json() == {"items": [], "count": 0}
    assert Client().get(url).status_code == 401


def test_the_detail_has_points_scores_by_stage_deductions_and_follow_ups(
    completed, liaison, evaluator
):
    evaluation = completed(days_ago=40, partners=Decimal(4))  # the report is late: 4 points
    body = get(liaison, f"{URL}{evaluation.pk}/").json()
    assert body["group_points"] == {
        "objectives": 30.0,
        "results": 26.0,
        "compliance": 13.0,
        "follow_through": 20.0,
    }
    assert body["total"] == 89.0 and body["grade"] == "good"
    assert set(body["scores"]) == {"self", "first"}
    first = {s["indicator"]: s for s in body["scores"]["first"]}
    assert first["partners"]["points"] == 4.0 and first["partners"]["evidence"]
    sources = {d["source"]: d for d in body["deductions"]}
    assert set(sources) == {"report_late", "disclosure_late"}
    assert sources["report_late"]["source_detail"].startswith("Trip report filed on")
    assert sources["report_late"]["source_url"].endswith("/trip/report/")
    assert [f["months"] for f in body["follow_ups"]] == [6, 12]
    assert len(body["follow_ups"][0]["results"]) == 6
    assert body["evaluator"] == str(evaluator) and body["second_evaluator"] is None


def test_the_delegation_leader_reads_their_own_evaluation(evaluated_trip, admin_user):
    evaluation = evaluated_trip()
    leader = link_leader(evaluation, admin_user)
    assert get(leader).json()["count"] == 1
    assert get(leader, f"{URL}{evaluation.pk}/").json()["status"] == "awaiting_self"


def test_filters_by_year_grade_status_and_unit(
    liaison, inspector, commerce, commerce_office, education
):
    stored(commerce, 2, year=2024, grade="excellent", total=Decimal(95))
    stored(commerce_office, 1, year=2025, grade="fail", total=Decimal(40))
    stored(commerce, 1, year=2025, status=EvaluationStatus.AWAITING_SELF, grade="", total=None)
    stored(education, 1, year=2024)
    assert get(liaison, year=2024).json()["count"] == 2
    assert get(liaison, grade="fail").json()["count"] == 1
    assert get(liaison, status="awaiting_self").json()["count"] == 1
    assert get(liaison, unit=commerce_office.pk).json()["count"] == 1
    assert get(liaison, unit=commerce.pk).json()["count"] == 4  # sub-units included
    assert get(inspector, year=2024).json()["count"] == 3
    unseen = get(liaison, unit=education.pk)
    assert unseen.status_code == 404 and unseen.json() == {"detail": "Unit not found."}


@pytest.mark.parametrize(
    "params",
    [
        {"grade": "superb"},
        {"status": "lost"},
        {"year": 1800},
        {"year": "last"},
        {"limit": 0},
        {"limit": 10_000},
        {"offset": -1},
        {"unit": "x"},
    ],
)
def test_bad_parameters_are_refused_with_a_detail(liaison, params):
    response = get(liaison, **params)
    assert response.status_code == 422 and response.json()["detail"]


def test_pages_of_the_list_newest_first(liaison, commerce):
    rows = stored(commerce, 7)
    page = get(liaison, limit=3, offset=3).json()
    assert page["count"] == 7
    newest_first = sorted(rows, key=lambda e: (e.opened_at, e.pk), reverse=True)
    assert [item["id"] for item in page["items"]] == [e.pk for e in newest_first[3:6]]


def test_the_list_costs_the_same_queries_for_3_or_30_rows(
    liaison, commerce, django_assert_max_num_queries
):
    client = client_for(liaison)
    for count in (3, 27):
        stored(commerce, count)
        with django_assert_max_num_queries(8):
            assert len(client.get(URL, {"limit": 50}).json()["items"]) in (3, 30)


def test_the_detail_costs_a_bounded_number_of_queries(
    evaluated_trip, liaison, django_assert_max_num_queries
):
    evaluation = evaluated_trip(days_ago=40)
    self_assess(evaluation, liaison)
    client = client_for(liaison)
    with django_assert_max_num_queries(12):
        assert client.get(f"{URL}{evaluation.pk}/").status_code == 200
