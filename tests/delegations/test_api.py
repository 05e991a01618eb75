"""/api/v1/delegations: list, detail, create, update and transition, scoped like the pages,
refusing bad input with a 4xx {"detail": ...}."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from tests.conftest import client_for
from tests.delegations.conftest import traveller_of
from waishi.core.sudo import SESSION_KEY
from waishi.core.tokens import api_token_create
from waishi.delegations.models import Delegation, Status

API = "/api/v1/delegations/"


def detail_of(response, status) -> str:
    assert response.status_code == status, response.content[:300]
    return response.json()["detail"]


def send(client, method, url, body, **extra):
    return getattr(client, method)(
        url,
        data=json.dumps(body, default=str),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **extra,
    )


def application(people, **overrides) -> dict:
    leave = timezone.localdate() + dt.timedelta(days=90)
    back = leave + dt.timedelta(days=3)
    return {
        "title": "大阪经贸交流",
        "organising_unit": people[0].unit_id,
        "trip_type": "visit",
        "purpose": "经贸合作",
        "leave_china": leave.isoformat(),
        "return_china": back.isoformat(),
        "invitation_from": "大阪商工会议所",
        "invitation_kind": "counterpart",
        "objectives": ["洽谈合作项目"],
        "members": [
            {"person": person.pk, "role_in_delegation": "leader" if i == 0 else "member"}
            for i, person in enumerate(people)
        ],
        "stops": [{"country": "JP", "city": "Osaka", "arrive": leave, "depart": back}],
        "schedule": [
            {"date": leave + dt.timedelta(days=i), "activity": "会谈", "kind": "official"}
            for i in range(4)
        ],
        "budget": [{"kind": "lodging", "amount": "1000", "currency": "CNY"}],
        **overrides,
    }


@pytest.fixture
def cadres(commerce):
    return [
        traveller_of(commerce, name="韩局长", position="局长"),
        traveller_of(commerce, name="杨科长"),
    ]


@pytest.fixture
def api_client(liaison):
    return client_for(liaison)


def test_the_list_is_paginated_and_filtered_like_the_page(api_client, make_delegation, act):
    submitted = make_delegation(title="已报团组")
    act(submitted, "submit")
    for n in range(3):
        make_delegation(title=f"草稿{n}")
    page = api_client.get(API, {"limit": 2, "offset": 1, "sort": "title"}).json()
    assert page["count"] == 4 and len(page["items"]) == 2
    only = api_client.get(API, {"status": "submitted"}).json()
    assert [item["title"] for item in only["items"]] == ["已报团组"]
    assert only["items"][0]["countries"] == ["DE"]
    assert api_client.get(API, {"country": "JP"}).json()["count"] == 0
    leader = submitted.leader.name
    assert api_client.get(API, {"q": leader}).json()["count"] == 1


def test_the_list_and_detail_are_scoped_to_the_callers_units(make_delegation, outsider, commerce):
    delegation = make_delegation()
    client = client_for(outsider)
    assert client.get(API).json() == {"items": [], "count": 0}
    assert detail_of(client.get(f"{API}{delegation.pk}/"), 404) == "Not Found"
    assert detail_of(client.get(API, {"unit": commerce.pk}), 404) == "Unit not found."


def test_the_detail_carries_the_application_and_its_events(api_client, make_delegation, act):
    delegation = make_delegation()
    act(delegation, "submit", comment="请审核")
    body = api_client.get(f"{API}{delegation.pk}/").json()
    assert body["status"] == "submitted"
    assert [m["name"] for m in body["members"]] == [m.person.name for m in delegation.members.all()]
    assert body["stops"][0]["country"] == "DE"
    assert body["objectives"] == ["签署港口合作备忘录", "考察物流园区"]
    (event,) = body["events"]
    assert (event["action"], event["comment"], event["to_status"]) == (
        "submit",
        "请审核",
        "submitted",
    )
    assert event["findings"]["compliant"] is True


def test_a_liaison_creates_a_draft(api_client, cadres, liaison):
    response = send(api_client, "post", API, application(cadres))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["version"], body["leader_name"]) == ("draft", 1, "韩局长")
    assert Delegation.objects.get(pk=body["id"]).created_by == liaison


def test_impossible_input_is_refused_with_a_message_and_nothing_is_saved(api_client, cadres):
    bad = application(cadres)
    bad["return_china"] = "2020-01-01"
    message = detail_of(send(api_client, "post", API, bad), 400)
    assert "is before leaving China" in message
    assert Delegation.objects.count() == 0
    unknown_field = detail_of(send(api_client, "post", API, {"title": "x"}), 422)
    assert "trip_type" in unknown_field


def test_people_outside_the_callers_units_cannot_be_added(api_client, cadres, education):
    stranger = traveller_of(education, name="外单位人员")
    body = application(cadres)
    body["members"].append({"person": stranger.pk})
    detail_of(send(api_client, "post", API, body), 400)
    assert Delegation.objects.count() == 0


def test_creating_for_a_unit_one_may_not_write_for_is_refused(cadres, reviewer, outsider):
    assert detail_of(send(client_for(outsider), "post", API, application(cadres)), 404)
    detail_of(send(client_for(reviewer), "post", API, application(cadres)), 403)


def test_a_draft_is_updated_with_the_version_seen(api_client, make_delegation):
    delegation = make_delegation()
    url = f"{API}{delegation.pk}/"
    response = send(api_client, "patch", url, {"expected_version": 1, "title": "改名后的团组"})
    assert response.status_code == 200, response.content
    assert (response.json()["title"], response.json()["version"]) == ("改名后的团组", 2)
    stale = send(api_client, "patch", url, {"expected_version": 1, "title": "又改"})
    assert "Someone else" in detail_of(stale, 409)
    assert Delegation.objects.get(pk=delegation.pk).title == "改名后的团组"


def test_a_submitted_application_can_no_longer_be_updated(api_client, make_delegation, act):
    delegation = make_delegation()
    act(delegation, "submit")
    delegation.refresh_from_db()
    body = {"expected_version": delegation.version, "title": "改"}
    assert "can no longer be changed" in detail_of(
        send(api_client, "patch", f"{API}{delegation.pk}/", body), 409
    )


def test_transitions_go_through_the_workflow(api_client, make_delegation, head):
    delegation = make_delegation()
    url = f"{API}{delegation.pk}/transition/"
    actions = api_client.get(url).json()
    assert actions == {"version": 1, "actions": ["submit", "withdraw"], "needs_reason": []}
    response = send(api_client, "post", url, {"action": "submit", "expected_version": 1})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"

    stale = send(client_for(head), "post", url, {"action": "head_sign", "expected_version": 1})
    assert "Someone else" in detail_of(stale, 409)
    no_reason = send(
        client_for(head), "post", url, {"action": "head_return", "expected_version": 2}
    )
    assert "Give a reason" in detail_of(no_reason, 400)
    wrong_role = send(api_client, "post", url, {"action": "head_sign", "expected_version": 2})
    detail_of(wrong_role, 403)
    wrong_state = send(api_client, "post", url, {"action": "depart", "expected_version": 2})
    assert "cannot be given the action" in detail_of(wrong_state, 409)
    unknown = send(api_client, "post", url, {"action": "teleport", "expected_version": 2})
    assert "not a workflow action" in detail_of(unknown, 400)
    assert Delegation.objects.get(pk=delegation.pk).status == Status.SUBMITTED


def approvable(make_delegation, act):
    delegation = make_delegation()
    for action in ("submit", "head_sign", "review_pass"):
        act(delegation, action)
    delegation.refresh_from_db()
    return delegation


def test_approving_needs_a_recent_password_and_a_token_alone_cannot(make_delegation, act, approver):
    delegation = approvable(make_delegation, act)
    url = f"{API}{delegation.pk}/transition/"
    body = {"action": "approve", "expected_version": delegation.version, "comment": "同意"}
    _token, raw = api_token_create(actor=approver, user=approver, name="script")
    by_token = send(client_for(approver), "post", url, body, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert "password" in detail_of(by_token, 403)
    session_client = client_for(approver)
    assert "password" in detail_of(send(session_client, "post", url, body), 403)
    assert Delegation.objects.get(pk=delegation.pk).status == Status.HEAD_SIGNED

    session = session_client.session
    session[SESSION_KEY] = timezone.now().timestamp()
    session.save()
    approved = send(session_client, "post", url, body)
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved"
    assert approved.json()["approval_number"]


def test_a_missing_delegation_is_not_found(api_client, db):
    assert detail_of(api_client.get(f"{API}999999/"), 404) == "Not Found"
    body = {"action": "submit", "expected_version": 1}
    assert detail_of(send(api_client, "post", f"{API}999999/transition/", body), 404)


def test_the_endpoints_are_in_the_openapi_schema(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/delegations/"])
    assert {"get", "patch"} <= set(paths["/api/v1/delegations/{delegation_id}/"])
    assert {"get", "post"} <= set(paths["/api/v1/delegations/{delegation_id}/transition/"])
