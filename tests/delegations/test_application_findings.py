"""Live findings: the page posts the unsaved form and gets the policy check back; submitting is
refused while a blocking finding stands, and a warning needs a justification reviewers see."""

import pytest
from django.urls import reverse

from tests.conftest import client_for
from tests.delegations.application_support import (
    application_of,
    as_post,
    create_url,
    edit_url,
    staff,
)
from tests.delegations.conftest import traveller_of
from waishi.delegations.models import Delegation, PolicyJustification, Status

FINDINGS = "delegations:findings_new"


@pytest.fixture
def client(liaison):
    client = client_for(liaison)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def findings(client, body, delegation=None) -> str:
    url = reverse("delegations:findings", args=[delegation.pk]) if delegation else reverse(FINDINGS)
    response = client.post(url, body, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html, "a fragment for the panel, not a page"
    return html


def test_seven_members_block_and_removing_one_lifts_the_block(client, commerce):
    application = application_of(commerce, staff(commerce, 7))
    html = findings(client, as_post(application, commerce))
    assert "Blocked: cannot be submitted" in html
    assert "Delegation size" in html and "团组共7人，超过6人的上限" in html

    application["members"].pop()
    html = findings(client, as_post(application, commerce))
    assert "Delegation size" not in html and "No blocking finding" in html
    assert Delegation.objects.count() == 0, "the live check saves nothing"


def test_the_panel_shows_the_budget_standard_against_the_claim(client, commerce):
    application = application_of(commerce, staff(commerce, 2))
    application["budget"][0]["amount"] = "9000"  # lodging far above 2 nights × 2 × EUR 150
    html = findings(client, as_post(application, commerce))
    assert 'class="table budget-standard"' in html
    assert "<td>Lodging" in html and "over the standard" in html and "<td>9000</td>" in html
    assert "Spending standards" in html  # the warning, with a justification box
    assert 'name="justification-budget_standard"' in html


def test_rows_with_errors_are_listed_and_the_rest_is_still_checked(client, commerce):
    application = application_of(commerce, staff(commerce, 7))
    application["stops"].append(
        {"country": "FR", "city": "Paris", "arrive": application["return_china"], "depart": ""}
    )
    html = findings(client, as_post(application, commerce))
    assert "Delegation size" in html
    assert "Itinerary, Row 2, Departs: This field is required." in html


def test_without_dates_the_panel_says_what_it_waits_for(client, commerce):
    application = application_of(commerce, staff(commerce, 1))
    body = as_post(application, commerce, leave_china="")
    html = findings(client, body)
    assert "runs once the application has its dates" in html


def test_people_outside_the_users_units_are_not_checked_or_named(client, commerce, education):
    stranger = traveller_of(education, name="赵外单位")
    application = application_of(commerce, [*staff(commerce, 1), stranger])
    html = findings(client, as_post(application, commerce))
    assert "赵外单位" not in html
    assert "Choose a person from the list." in html


def test_a_blocked_application_is_saved_but_not_submitted(client, commerce):
    application = application_of(commerce, staff(commerce, 7))
    response = client.post(create_url(), as_post(application, commerce, intent="submit"))
    delegation = Delegation.objects.get()
    assert response["Location"] == edit_url(delegation)
    assert delegation.status == Status.DRAFT and delegation.member_count == 7
    page = client.get(edit_url(delegation)).content.decode()
    assert "The draft was saved but not submitted" in page
    assert "团组共7人，超过6人的上限" in page


def test_a_warning_needs_a_justification_before_submitting(client, commerce, reviewer):
    application = application_of(
        commerce, staff(commerce, 2), invitation_kind="intermediary", invitation_from="某中介"
    )
    html = findings(client, as_post(application, commerce))
    assert "Invitation" in html and 'name="justification-invitation"' in html

    client.post(create_url(), as_post(application, commerce, intent="submit"))
    delegation = Delegation.objects.get()
    assert delegation.status == Status.DRAFT
    page = client.get(edit_url(delegation)).content.decode()
    assert "Explain why the trip should go ahead despite each warning" in page

    body = as_post(
        application,
        commerce,
        version=delegation.version,
        intent="submit",
        **{"justification-invitation": "对口单位委托该机构代为邀请，附委托函"},
    )
    response = client.post(edit_url(delegation), body)
    delegation.refresh_from_db()
    assert delegation.status == Status.SUBMITTED
    assert response["Location"] == reverse("delegations:detail", args=[delegation.pk])
    kept = PolicyJustification.objects.get(delegation=delegation)
    assert (kept.rule, kept.justification) == ("invitation", "对口单位委托该机构代为邀请，附委托函")
    detail = client_for(reviewer).get(reverse("delegations:detail", args=[delegation.pk]))
    assert "对口单位委托该机构代为邀请，附委托函" in detail.content.decode()


def test_a_justification_typed_before_a_refusal_is_kept_on_the_page(client, commerce):
    application = application_of(
        commerce, staff(commerce, 7), invitation_kind="intermediary", invitation_from="某中介"
    )
    body = as_post(application, commerce, intent="submit", **{"justification-invitation": "理由甲"})
    client.post(create_url(), body)
    page = client.get(edit_url(Delegation.objects.get())).content.decode()
    assert 'name="justification-invitation"' in page and ">理由甲</textarea>" in page


def test_a_compliant_application_is_submitted_from_the_page(client, commerce):
    application = application_of(commerce, staff(commerce, 2))
    response = client.post(create_url(), as_post(application, commerce, intent="submit"))
    delegation = Delegation.objects.get()
    assert delegation.status == Status.SUBMITTED
    assert response["Location"] == reverse("delegations:detail", args=[delegation.pk])


def test_the_edit_page_checks_against_earlier_trips_without_counting_itself(
    client, commerce, make_delegation
):
    delegation = make_delegation()
    body = as_post(application_of(commerce, [m.person for m in delegation.members.all()]), commerce)
    html = findings(client, body, delegation)
    assert "No blocking finding" in html and "Trips per person" not in html


def test_a_refused_save_shows_the_findings_of_what_was_posted(client, commerce):
    application = application_of(commerce, staff(commerce, 7), title="")
    response = client.post(create_url(), as_post(application, commerce, intent="save"))
    html = response.content.decode()
    assert "This field is required." in html and "团组共7人，超过6人的上限" in html
    assert Delegation.objects.count() == 0
