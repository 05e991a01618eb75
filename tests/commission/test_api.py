"""/api/v1/meetings: paginated list and detail, scoped like the pages, JSON errors."""

import pytest

from tests.commission.conftest import COMMISSION_URLS
from tests.conftest import client_for
from waishi.commission import services
from waishi.core.api_auth import hash_token
from waishi.core.models import ApiToken

pytestmark = [pytest.mark.django_db, pytest.mark.urls(COMMISSION_URLS)]
MEETINGS = "/api/v1/meetings/"


def api_get(user, url, **params):
    return client_for(user).get(url, params)


def test_the_list_is_paginated_as_items_and_count(secretariat, draft_meeting, confirmed_meeting):
    body = api_get(secretariat, MEETINGS, limit=1).json()
    assert body["count"] == 2 and len(body["items"]) == 1
    first = body["items"][0]
    assert first["title"] == draft_meeting.title  # latest first
    assert first["attendees"][0] == {"name": "周明远", "person_id": None}
    second = api_get(secretariat, MEETINGS, limit=1, offset=1).json()["items"][0]
    assert (second["id"], second["overdue_tasks"]) == (confirmed_meeting.pk, 1)


def test_the_list_is_scoped_like_the_pages(liaison, roleless, draft_meeting, confirmed_meeting):
    body = api_get(liaison, MEETINGS).json()
    assert [m["id"] for m in body["items"]] == [confirmed_meeting.pk] and body["count"] == 1
    assert api_get(roleless, MEETINGS).json() == {"items": [], "count": 0}


def test_the_list_filters_by_year_status_and_search(inspector, draft_meeting, confirmed_meeting):
    assert api_get(inspector, MEETINGS, year=2025).json()["count"] == 1
    assert api_get(inspector, MEETINGS, status="draft").json()["items"][0]["id"] == draft_meeting.pk
    assert api_get(inspector, MEETINGS, q="第三次").json()["count"] == 1
    bad = api_get(inspector, MEETINGS, status="archived")
    assert bad.status_code == 422 and "status" in bad.json()["detail"]


def test_the_detail_holds_agenda_documents_decisions_and_tasks_with_their_state(
    liaison, confirmed_meeting, commerce
):
    response = api_get(liaison, f"{MEETINGS}{confirmed_meeting.pk}/")
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "confirmed" and body["confirmed_at"]
    assert body["decisions"][0]["text"] == "修订因公临时出国管理办法。"
    [task] = body["tasks"]
    assert (task["owner_unit_name"], task["status"]) == ("市商务局", "overdue")
    assert task["decision_id"] == body["decisions"][0]["id"]


def test_a_draft_is_not_found_for_a_reader_of_confirmed_meetings_only(liaison, draft_meeting):
    response = api_get(liaison, f"{MEETINGS}{draft_meeting.pk}/")
    assert response.status_code == 404 and "detail" in response.json()


def test_an_unknown_meeting_is_not_found_as_json(secretariat):
    response = api_get(secretariat, f"{MEETINGS}999999/")
    assert response.status_code == 404 and response.json()["detail"]


def test_a_personal_token_reads_the_same_meetings_and_anonymous_callers_are_refused(
    secretariat, confirmed_meeting
):
    ApiToken.objects.create(user=secretariat, name="script", key_hash=hash_token("s3cret"))
    client = client_for(secretariat)
    client.logout()
    assert client.get(MEETINGS).status_code == 401
    authorised = client.get(MEETINGS, HTTP_AUTHORIZATION="Bearer s3cret")
    assert authorised.json()["count"] == 1


def test_a_task_completed_shows_as_done_in_the_api(secretariat, confirmed_meeting):
    task = confirmed_meeting.tasks.get()
    services.task_complete(actor=secretariat, task=task, expected_version=task.version)
    body = api_get(secretariat, f"{MEETINGS}{confirmed_meeting.pk}/").json()
    assert body["tasks"][0]["status"] == "done" and body["open_tasks"] == 0
