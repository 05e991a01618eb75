"""The application page: a liaison creates and edits a delegation through it, rows come and go
without a reload, people are found by search, and only the right people reach it."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.conftest import client_for
from tests.delegations.application_support import (
    application_of,
    as_post,
    create_url,
    edit_url,
    errors_of,
    staff,
)
from tests.delegations.conftest import traveller_of
from waishi.delegations.models import Delegation, Status


@pytest.fixture
def client(liaison):
    client = client_for(liaison)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_a_liaison_creates_a_whole_delegation_through_the_page(client, commerce):
    people = staff(commerce, 2)
    application = application_of(commerce, people)
    response = client.post(create_url(), as_post(application, commerce, intent="save"))
    delegation = Delegation.objects.get()
    assert response.status_code == 302 and response["Location"] == edit_url(delegation)
    assert delegation.status == Status.DRAFT and delegation.leader == people[0]
    assert delegation.member_count == 2 and delegation.stops.get().city == "Hamburg"
    assert list(delegation.objectives.values_list("text", flat=True)) == application["objectives"]
    assert delegation.schedule.count() == 4 and delegation.budget_items.get().currency == "EUR"


def test_the_edit_page_shows_the_stored_application_and_saves_a_change(
    client, commerce, make_delegation
):
    delegation = make_delegation()
    page = client.get(edit_url(delegation)).content.decode()
    assert "汉堡港口合作考察" in page and "Hamburg" in page
    assert delegation.members.first().person.name in page

    application = application_of(commerce, [m.person for m in delegation.members.all()])
    application["stops"][0]["city"] = "Bremen"
    body = as_post(application, commerce, version=delegation.version, intent="save")
    response = client.post(edit_url(delegation), body)
    assert response.status_code == 302
    delegation.refresh_from_db()
    assert delegation.stops.get().city == "Bremen" and delegation.version == 2


def test_a_stale_edit_is_refused_with_a_way_to_reload(client, commerce, make_delegation):
    delegation = make_delegation()
    application = application_of(commerce, [m.person for m in delegation.members.all()])
    body = as_post(application, commerce, version=delegation.version - 1 or 99, intent="save")
    response = client.post(edit_url(delegation), body)
    assert response.status_code == 200
    assert "Someone else acted on this delegation first" in response.content.decode()
    assert Delegation.objects.get().version == delegation.version


def test_adding_a_row_returns_the_list_with_one_more_blank_row(client, commerce):
    people = staff(commerce, 1)
    body = as_post(application_of(commerce, people), commerce, add="stops")
    response = client.post(reverse("delegations:rows_new"), body, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and 'id="section-stops"' in html
    assert 'name="stops-TOTAL_FORMS" value="3"' in html  # the stop, a blank row, the new one
    assert "Hamburg" in html and "<html" not in html
    assert response["HX-Trigger"] == "application-changed"


def test_removing_a_row_drops_it_and_keeps_the_others(client, commerce):
    people = staff(commerce, 3)
    body = as_post(application_of(commerce, people), commerce, remove="members-1")
    response = client.post(reverse("delegations:rows_new"), body, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert people[0].name in html and people[2].name in html
    assert f'value="{people[1].pk}" selected' not in html


def test_without_htmx_adding_a_row_shows_the_whole_page_again(client, commerce):
    body = as_post(application_of(commerce, staff(commerce, 1)), commerce, add="budget")
    response = client.post(create_url(), body)
    html = response.content.decode()
    assert response.status_code == 200 and 'name="budget-TOTAL_FORMS" value="3"' in html
    assert Delegation.objects.count() == 0


def test_people_are_found_by_search_and_only_in_the_users_units(client, commerce, education):
    for i in range(120):
        traveller_of(commerce, name=f"李{i:03d}")
    stranger = traveller_of(education, name="李外人")
    url = reverse("delegations:people_search")
    response = client.get(url, {"q": "李01", "field": "members-3-person"})
    html = response.content.decode()
    assert html.startswith('<select name="members-3-person" id="id_members-3-person"')
    assert "李010" in html and "李019" in html and "李020" not in html
    assert (
        stranger.name
        not in client.get(url, {"q": "李外", "field": "members-0-person"}).content.decode()
    )


def test_the_page_lists_only_a_short_choice_of_people_however_large_the_unit(client, commerce):
    for i in range(120):
        traveller_of(commerce, name=f"王{i:03d}")
    html = client.get(create_url()).content.decode()
    assert html.count("王0") + html.count("王1") <= 2 * 30  # two blank member rows, 30 each


def test_an_outsider_gets_404_for_another_units_application(outsider, make_delegation):
    delegation = make_delegation()
    assert client_for(outsider).get(edit_url(delegation)).status_code == 404
    findings = reverse("delegations:findings", args=[delegation.pk])
    assert client_for(outsider).post(findings, {}).status_code == 404


def test_a_reviewer_may_read_but_not_edit_a_draft_of_another_unit(reviewer, make_delegation):
    delegation = make_delegation()
    assert client_for(reviewer).get(edit_url(delegation)).status_code == 403
    assert client_for(reviewer).get(create_url()).status_code == 403


def test_after_submission_the_liaison_cannot_edit_until_it_is_returned(
    client, commerce, make_delegation, act
):
    delegation = make_delegation()
    act(delegation, "submit")
    response = client.get(edit_url(delegation))
    assert response.status_code == 302
    assert response["Location"] == reverse("delegations:detail", args=[delegation.pk])
    application = application_of(commerce, [m.person for m in delegation.members.all()])
    delegation.refresh_from_db()
    body = as_post(application, commerce, version=delegation.version, title="改了")
    client.post(edit_url(delegation), body)
    assert Delegation.objects.get().title == "汉堡港口合作考察"

    act(delegation, "head_return")
    delegation.refresh_from_db()
    body = as_post(application, commerce, version=delegation.version, title="改了")
    assert client.post(edit_url(delegation), body).status_code == 302
    assert Delegation.objects.get().title == "改了"


def test_the_edit_page_reads_a_fixed_number_of_queries(
    client, commerce, make_delegation, django_assert_max_num_queries
):
    small = make_delegation(people=staff(commerce, 2, prefix="甲"))
    large = make_delegation(people=staff(commerce, 6, prefix="乙"))
    client.get(edit_url(small))  # warm the per-request caches of the first request
    with django_assert_max_num_queries(40) as counted:
        client.get(edit_url(small))
    small_count = len(counted.captured_queries)
    with django_assert_max_num_queries(small_count) as counted:
        assert client.get(edit_url(large)).status_code == 200


def test_errors_are_shown_in_the_users_language(liaison, commerce):
    client = client_for(liaison)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    application = application_of(commerce, staff(commerce, 1), title="")
    response = client.post(create_url(), as_post(application, commerce))
    with translation.override("zh-hans"):
        assert "这个字段是必填项。" in errors_of(response)
