"""/api/v1/work-items: paged list with filters and detail, scoped like the pages, 4xx on bad
parameters."""

import pytest

from tests.commission.workplan_support import (
    YEAR,
    english,  # noqa: F401
    item,
    make_plan,
    many_items,
    png,
    report,
)
from tests.conftest import client_for
from tests.factories import Role, UserFactory, grant
from waishi.core.api_auth import hash_token
from waishi.core.models import ApiToken

pytestmark = pytest.mark.django_db
ITEMS = "/api/v1/work-items/"


@pytest.fixture
def plan(secretariat, commerce, education):
    return make_plan(secretariat, commerce, education)


def api_get(user, url, **params):
    return client_for(user).get(url, params)


def test_the_list_is_paged_as_items_and_count_in_plan_order(secretariat, plan):
    body = api_get(secretariat, ITEMS, limit=2).json()
    assert body["count"] == 3 and [i["number"] for i in body["items"]] == [1, 2]
    first = body["items"][0]
    assert first["lead_unit"]["name"] == "市商务局"
    assert [u["name"] for u in first["supporting_units"]] == ["市教育局"]
    assert (first["year"], first["status"], first["state"], first["progress"]) == (
        YEAR, "not_started", "not_started", 0)  # fmt: skip
    last = api_get(secretariat, ITEMS, limit=2, offset=2).json()["items"]
    assert [(i["number"], i["state"], i["overdue"]) for i in last] == [(3, "overdue", True)]


def test_the_list_is_scoped_like_the_pages(liaison, outsider, roleless, plan, commerce):
    assert [i["number"] for i in api_get(liaison, ITEMS).json()["items"]] == [1, 3]
    assert [i["number"] for i in api_get(outsider, ITEMS).json()["items"]] == [1, 2]
    assert api_get(roleless, ITEMS).json() == {"items": [], "count": 0}
    traveller = grant(UserFactory(username="traveller", unit=commerce), Role.TRAVELLER, commerce)
    assert api_get(traveller, ITEMS).json()["count"] == 0  # a trip member, not the unit's staff


def test_the_list_filters_by_year_unit_status_and_overdue(inspector, liaison, plan, education):
    report(liaison, item(plan, 1))
    assert api_get(inspector, ITEMS, year=YEAR + 1).json()["count"] == 0
    assert api_get(inspector, ITEMS, unit=education.pk).json()["count"] == 2
    body = api_get(inspector, ITEMS, status="in_progress").json()
    assert [i["number"] for i in body["items"]] == [1]
    assert [i["number"] for i in api_get(inspector, ITEMS, overdue="true").json()["items"]] == [3]
    assert api_get(inspector, ITEMS, overdue="false").json()["count"] == 2


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"year": "last"}, "year"),
        ({"year": 1900}, "year"),
        ({"status": "overdue"}, "status"),
        ({"status": "finished"}, "status"),
        ({"overdue": "maybe"}, "overdue"),
        ({"unit": "市商务局"}, "unit"),
        ({"limit": 0}, "limit"),
        ({"offset": -1}, "offset"),
    ],
)
def test_bad_parameters_answer_422_naming_the_parameter(inspector, plan, params, name):
    response = api_get(inspector, ITEMS, **params)
    assert response.status_code == 422 and name in response.json()["detail"]


def test_the_detail_holds_reports_and_the_links_the_caller_may_see(
    secretariat, liaison, outsider, plan, confirmed_meeting, draft_meeting
):
    from waishi.commission.services_workplan import work_item_link

    first = item(plan, 1)
    report(liaison, first, status="done", evidence=png(), note="签署备忘录")
    work_item_link(actor=secretariat, item=first, meeting=confirmed_meeting)
    work_item_link(actor=secretariat, item=first, meeting=draft_meeting)
    body = api_get(secretariat, f"{ITEMS}{first.pk}/").json()
    assert (body["status"], body["progress"]) == ("done", 100)
    [progress] = body["reports"]
    assert progress["note"] == "签署备忘录" and progress["has_evidence"] is True
    assert len(body["links"]) == 2 and body["hidden_links"] == 0
    seen = api_get(outsider, f"{ITEMS}{first.pk}/").json()  # education supports item 1
    assert [link["meeting_id"] for link in seen["links"]] == [confirmed_meeting.pk]
    assert seen["hidden_links"] == 1


def test_an_unknown_unit_is_not_found(inspector, plan):
    response = api_get(inspector, ITEMS, unit=999999)
    assert response.status_code == 404 and response.json() == {"detail": "Unit not found."}


def test_an_item_outside_the_callers_units_or_unknown_is_not_found_as_json(outsider, plan):
    for pk in (item(plan, 3).pk, 999999):
        response = api_get(outsider, f"{ITEMS}{pk}/")
        assert response.status_code == 404 and response.json()["detail"]


def test_a_personal_token_reads_the_same_items_and_anonymous_callers_are_refused(liaison, plan):
    ApiToken.objects.create(user=liaison, name="script", key_hash=hash_token("s3cret"))
    client = client_for(liaison)
    client.logout()
    assert client.get(ITEMS).status_code == 401
    assert client.get(ITEMS, HTTP_AUTHORIZATION="Bearer s3cret").json()["count"] == 2


def test_the_list_reads_a_bounded_number_of_queries(
    secretariat, plan, commerce, django_assert_max_num_queries
):
    client = client_for(secretariat)
    client.get(ITEMS)
    with django_assert_max_num_queries(8):
        assert client.get(ITEMS, limit=200).json()["count"] == 3
    many_items(secretariat, plan, commerce, 40)
    with django_assert_max_num_queries(8):
        assert client.get(ITEMS, limit=200).json()["count"] == 43
