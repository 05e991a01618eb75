"""The trip hub, the report page, document downloads and the blocked units page, per role."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import client_for as signed_in
from tests.delegations.trip_support import TripKit, english, shift_into_past  # noqa: F401
from waishi.delegations.models import Status
from waishi.delegations.models_trip import UnitBlockLift
from waishi.people.models import Passport

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def kit(make_delegation, act, liaison, city):
    return TripKit(make_delegation, act, liaison, city)


def client_for(user):
    """A signed-in client whose pages come in English."""
    client = signed_in(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def hub(delegation):
    return reverse("delegations:trip", args=[delegation.pk])


def url(name, delegation, *args):
    return reverse(f"delegations:{name}", args=[delegation.pk, *args])


def test_the_liaison_sees_the_hub_with_its_forms_and_the_disclosure_gate(kit, liaison):
    delegation = kit.make_delegation()
    page = client_for(liaison).get(hub(delegation)).content.decode()
    assert "Pre-trip disclosure" in page and "Save the disclosure" in page
    assert "No pre-trip disclosure is recorded" in page


def test_another_unit_gets_404_and_the_inspector_reads_without_forms(kit, outsider, inspector):
    delegation = kit.make_delegation()
    assert client_for(outsider).get(hub(delegation)).status_code == 404
    page = client_for(inspector).get(hub(delegation))
    assert page.status_code == 200 and "Save the disclosure" not in page.content.decode()


def test_a_disclosure_in_the_future_is_shown_next_to_its_field(kit, liaison):
    delegation = kit.make_delegation()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client_for(liaison).post(
        url("trip_disclosure", delegation), {"where": "公示栏", "posted_on": tomorrow}
    )
    assert response.status_code == 400
    assert "The date cannot be in the future." in response.content.decode()


def test_the_passport_officer_issues_a_passport_from_the_hub_and_the_liaison_cannot(kit, liaison):
    delegation = kit.approved()
    member = delegation.members.first()
    passport = member.person.passports.get()
    body = {"person": member.person_id, "passport": passport.pk}
    assert client_for(liaison).post(url("trip_checkout", delegation), body).status_code == 403
    officer = client_for(kit.officer)
    assert f"Issue {passport.number_masked}" in officer.get(hub(delegation)).content.decode()
    response = officer.post(url("trip_checkout", delegation), body, follow=True)
    passport.refresh_from_db()
    assert passport.custody == Passport.Custody.CHECKED_OUT
    assert "Take back into custody" in response.content.decode()


def test_a_return_with_an_extra_country_is_highlighted_on_the_hub(kit, liaison):
    delegation = kit.approved()
    delegation = shift_into_past(
        delegation, (delegation.leave_china - timezone.localdate()).days + 20
    )
    left, back = delegation.leave_china.isoformat(), delegation.return_china.isoformat()
    body = {
        "version": delegation.version,
        "left_china_on": left,
        "returned_on": back,
        "stops-TOTAL_FORMS": "2",
        "stops-INITIAL_FORMS": "0",
        "stops-0-country": "DE",
        "stops-0-arrive": left,
        "stops-0-depart": back,
        "stops-1-country": "FR",
        "stops-1-arrive": back,
        "stops-1-depart": back,
    }
    response = client_for(liaison).post(url("trip_return", delegation), body, follow=True)
    page = response.content.decode()
    assert "Differences from the approved itinerary" in page
    assert "Visited France, which was not approved." in page
    delegation.refresh_from_db()
    assert delegation.status == Status.RETURNED_HOME


def report_body(delegation, **extra):
    objectives = list(delegation.objectives.all())
    body = {"version": "", "summary": "顺利", "compliance_declared": "on"}
    body.update({"results-TOTAL_FORMS": len(objectives), "results-INITIAL_FORMS": 0})
    for i, objective in enumerate(objectives):
        body.update(
            {
                f"results-{i}-objective": objective.pk,
                f"results-{i}-status": "met",
                f"results-{i}-result": "完成",
            }
        )
    for name in ("agreements", "projects", "partners", "follow_ups", "spending"):
        body.update({f"{name}-TOTAL_FORMS": 0, f"{name}-INITIAL_FORMS": 0})
    body.update(extra)
    return body


def test_the_liaison_files_the_structured_report_and_downloads_it(kit, liaison):
    delegation = kit.returned()
    client = client_for(liaison)
    page = client.get(url("trip_report", delegation)).content.decode()
    assert "签署港口合作备忘录" in page and "Save and file" in page
    response = client.post(url("trip_report", delegation), report_body(delegation, file="1"))
    assert response.status_code == 302
    delegation.refresh_from_db()
    assert delegation.status == Status.REPORT_FILED
    download = client.get(url("document", delegation, "report"))
    assert download["Content-Type"] == DOCX and download.content[:2] == b"PK"


def test_an_unticked_declaration_keeps_the_report_unfiled_and_says_why(kit, liaison):
    delegation = kit.returned()
    body = report_body(delegation, file="1")
    del body["compliance_declared"]
    response = client_for(liaison).post(url("trip_report", delegation), body)
    assert response.status_code == 400
    assert "Tick the compliance declaration." in response.content.decode()
    delegation.refresh_from_db()
    assert delegation.status == Status.RETURNED_HOME


def test_the_application_document_is_refused_outside_the_unit(kit, liaison, outsider):
    delegation = kit.make_delegation()
    assert (
        client_for(liaison).get(url("document", delegation, "application"))["Content-Type"] == DOCX
    )
    assert client_for(outsider).get(url("document", delegation, "application")).status_code == 404


def test_the_approver_sees_blocked_units_and_lifts_a_block_with_a_reason(
    kit, approver, liaison, commerce
):
    delegation = kit.returned(days_ago=80)
    blocked = reverse("delegations:blocked_units")
    assert (
        "cannot submit new applications"
        in client_for(liaison).get(hub(delegation)).content.decode()
    )
    assert client_for(liaison).get(blocked).status_code == 403
    client = client_for(approver)
    page = client.get(blocked).content.decode()
    assert commerce.name in page and delegation.title in page and "Lift the block" in page
    lift = reverse("delegations:blocked_unit_lift", args=[commerce.pk])
    until = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    refused = client.post(lift, {"reason": "", "until": until})
    assert refused.status_code == 400 and not UnitBlockLift.objects.exists()
    assert client.post(lift, {"reason": "补报中", "until": until}).status_code == 302
    assert UnitBlockLift.objects.get().lifted_by == approver
    assert "block is lifted until" in client_for(liaison).get(hub(delegation)).content.decode()
