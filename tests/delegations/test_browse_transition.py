"""Workflow actions taken from the delegation's page: the version seen, reasons, conflicts,
refusals, and the password asked again before approving."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from tests.conftest import client_for
from waishi.core.sudo import SESSION_KEY
from waishi.delegations.models import DelegationEvent, Status

PASSWORD = "correct-horse-battery"  # tests/factories.UserFactory


def url_for(delegation, action):
    return reverse("delegations:transition", args=[delegation.pk, action])


def english(user):
    client = client_for(user)
    client.cookies["django_language"] = "en"
    return client


def post(client, delegation, action, **data):
    data.setdefault("expected_version", delegation.version)
    return client.post(url_for(delegation, action), data)


@pytest.fixture
def at_approval(make_delegation, act):
    """Signed by the head and passed by the reviewer: waiting for the approver."""
    delegation = make_delegation()
    for action in ("submit", "head_sign", "review_pass"):
        act(delegation, action)
    delegation.refresh_from_db()
    return delegation


def test_the_liaison_submits_from_the_page_and_lands_back_on_it(make_delegation, liaison):
    delegation = make_delegation()
    response = post(english(liaison), delegation, "submit", comment="请审核")
    assert response.status_code == 302
    assert response["Location"] == reverse("delegations:detail", args=[delegation.pk])
    delegation.refresh_from_db()
    assert delegation.status == Status.SUBMITTED
    event = DelegationEvent.objects.get(delegation=delegation)
    assert (event.action, event.comment, event.actor) == ("submit", "请审核", liaison)


def test_returning_without_a_reason_is_refused_next_to_the_field(make_delegation, act, head):
    delegation = make_delegation()
    act(delegation, "submit")
    delegation.refresh_from_db()
    response = post(english(head), delegation, "head_return", comment="  ")
    assert response.status_code == 200
    assert "Give a reason" in response.content.decode()
    assert response.context["form"].errors["comment"]
    delegation.refresh_from_db()
    assert delegation.status == Status.SUBMITTED


def test_a_submission_with_an_unjustified_warning_asks_for_the_justification(
    make_delegation, liaison
):
    leave = timezone.localdate() + dt.timedelta(days=30)  # the lead-time rule warns
    back = leave + dt.timedelta(days=3)
    delegation = make_delegation(
        leave_china=leave,
        return_china=back,
        stops=[{"country": "DE", "city": "Hamburg", "arrive": leave, "depart": back}],
        schedule=[],
    )
    client = english(liaison)
    form_page = client.get(url_for(delegation, "submit")).content.decode()
    assert 'name="justification_lead_time"' in form_page
    refused = post(client, delegation, "submit")
    assert refused.status_code == 200
    assert "Explain why the trip should go ahead" in refused.content.decode()
    accepted = post(client, delegation, "submit", justification_lead_time="会期提前")
    assert accepted.status_code == 302
    assert delegation.justifications.get().justification == "会期提前"


def test_of_two_stale_posts_the_second_gets_the_conflict_message_and_changes_nothing(
    make_delegation, act, head, personas
):
    delegation = make_delegation()
    act(delegation, "submit")
    delegation.refresh_from_db()
    seen = delegation.version
    first = post(english(head), delegation, "head_sign", expected_version=seen, comment="同意")
    assert first.status_code == 302
    events = DelegationEvent.objects.count()

    second = post(english(head), delegation, "head_return", expected_version=seen, comment="退回")
    assert second.status_code == 409
    html = second.content.decode()
    assert "Someone else acted on this delegation first" in html
    assert "Reload the delegation" in html
    delegation.refresh_from_db()
    assert delegation.status == Status.HEAD_SIGNED
    assert DelegationEvent.objects.count() == events


def test_an_action_the_state_does_not_allow_is_refused_plainly(make_delegation, liaison):
    delegation = make_delegation()
    response = post(english(liaison), delegation, "file_report")
    assert response.status_code == 409
    assert "cannot be given the action" in response.content.decode()


def test_an_action_the_role_does_not_allow_is_refused_plainly(make_delegation, act, reviewer):
    delegation = make_delegation()
    act(delegation, "submit")
    delegation.refresh_from_db()
    response = post(english(reviewer), delegation, "head_sign")
    assert response.status_code == 403
    assert "your role does not allow it" in response.content.decode()
    delegation.refresh_from_db()
    assert delegation.status == Status.SUBMITTED


def test_an_unknown_action_or_someone_elses_delegation_is_not_found(
    make_delegation, liaison, outsider
):
    delegation = make_delegation()
    assert post(client_for(liaison), delegation, "fly_away").status_code == 404
    assert post(client_for(outsider), delegation, "submit").status_code == 404


def test_approving_without_a_recent_password_goes_to_the_sudo_page_first(at_approval, approver):
    response = post(client_for(approver), at_approval, "approve", comment="同意出访")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:sudo") + "?next=")
    at_approval.refresh_from_db()
    assert at_approval.status == Status.HEAD_SIGNED


def test_a_wrong_password_is_refused_and_counted(at_approval, approver):
    client = english(approver)
    post(client, at_approval, "approve", comment="同意出访")
    response = client.post(reverse("core:sudo"), {"password": "wrong", "next": "/"})
    assert response.status_code == 200
    assert "The password is not correct." in response.content.decode()
    assert AccessAttempt.objects.get(username=approver.username).failures_since_start == 1
    assert SESSION_KEY not in client.session
    at_approval.refresh_from_db()
    assert at_approval.status == Status.HEAD_SIGNED


def test_the_right_password_returns_to_the_filled_in_form_and_the_approval_goes_through(
    at_approval, approver
):
    client = english(approver)
    action_url = url_for(at_approval, "approve")
    sent = post(client, at_approval, "approve", comment="同意出访")
    confirmed = client.post(reverse("core:sudo"), {"password": PASSWORD, "next": action_url})
    assert confirmed["Location"] == action_url

    form_page = client.get(action_url)
    assert form_page.status_code == 200
    assert "同意出访" in form_page.content.decode()  # the comment typed before the detour
    assert sent["Location"].endswith(action_url.replace("/", "%2F"))

    done = post(client, at_approval, "approve", comment="同意出访")
    assert done.status_code == 302
    at_approval.refresh_from_db()
    assert at_approval.status == Status.APPROVED
    assert at_approval.approval_number
    assert at_approval.events.last().comment == "同意出访"


def test_the_password_window_closes_after_the_configured_time(at_approval, approver, settings):
    settings.WAISHI_SUDO_SECONDS = 60
    client = client_for(approver)
    session = client.session
    session[SESSION_KEY] = timezone.now().timestamp() - 61
    session.save()
    response = post(client, at_approval, "approve")
    assert response["Location"].startswith(reverse("core:sudo"))


def test_other_actions_need_no_password_again(make_delegation, act, head):
    delegation = make_delegation()
    act(delegation, "submit")
    delegation.refresh_from_db()
    assert post(client_for(head), delegation, "head_sign").status_code == 302
