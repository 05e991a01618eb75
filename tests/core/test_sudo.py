"""The sudo window: the password asked again before high-stakes actions."""

from axes.models import AccessAttempt
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from tests.conftest import client_for
from waishi.core import sudo

SUDO = reverse("core:sudo")
PASSWORD = "correct-horse-battery"  # tests/factories.UserFactory


def request_with_session(method="get", path="/delegations/1/act/approve/", data=None):
    request = getattr(RequestFactory(), method)(path, data or {})
    request.session = SessionStore()
    return request


def english(user):
    client = client_for(user)
    client.cookies["django_language"] = "en"
    return client


def test_signing_in_alone_does_not_open_the_window(liaison):
    client = client_for(liaison)
    assert sudo.SESSION_KEY not in client.session


def test_a_guarded_request_is_sent_to_the_sudo_page_and_told_where_to_come_back():
    request = request_with_session(path="/delegations/7/act/approve/")
    response = sudo.require_recent_auth(request)
    assert response.status_code == 302
    assert response["Location"] == f"{SUDO}?next=%2Fdelegations%2F7%2Fact%2Fapprove%2F"


def test_a_guarded_post_is_kept_and_handed_back_once_to_the_same_path():
    post = request_with_session(
        "post", data={"comment": "同意", "expected_version": "4", "csrfmiddlewaretoken": "x"}
    )
    sudo.require_recent_auth(post)
    elsewhere = request_with_session(path="/somewhere/else/")
    elsewhere.session = post.session
    assert sudo.pop_pending_post(elsewhere) is None
    back = request_with_session()
    back.session = post.session
    assert sudo.pop_pending_post(back) == {"comment": ["同意"], "expected_version": ["4"]}
    assert sudo.pop_pending_post(back) is None


def test_the_window_is_open_for_the_configured_seconds_only(settings):
    settings.WAISHI_SUDO_SECONDS = 120
    request = request_with_session()
    sudo.grant_recent_auth(request)
    assert sudo.require_recent_auth(request) is None
    request.session[sudo.SESSION_KEY] = timezone.now().timestamp() - 121
    assert not sudo.has_recent_auth(request)
    assert sudo.require_recent_auth(request).status_code == 302


def test_the_right_password_opens_the_window_and_returns_to_the_page(liaison):
    client = english(liaison)
    page = client.get(SUDO, {"next": "/people/"})
    assert "Confirm your password" in page.content.decode()
    response = client.post(SUDO, {"password": PASSWORD, "next": "/people/"})
    assert response.status_code == 302
    assert response["Location"] == "/people/"
    assert sudo.SESSION_KEY in client.session


def test_a_wrong_password_is_refused_and_counted_by_the_lockout(liaison):
    client = english(liaison)
    response = client.post(SUDO, {"password": "not-it", "next": "/people/"})
    assert response.status_code == 200
    assert "The password is not correct." in response.content.decode()
    assert sudo.SESSION_KEY not in client.session
    assert AccessAttempt.objects.get(username="liaison").failures_since_start == 1


def test_repeated_wrong_passwords_lock_the_account(liaison, settings):
    client = english(liaison)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(SUDO, {"password": "not-it"})
    assert response.status_code == 429
    assert "Account locked" in response.content.decode()
    client.post(SUDO, {"password": PASSWORD})  # even the right one, while locked
    assert sudo.SESSION_KEY not in client.session


def test_a_next_address_on_another_site_is_ignored(liaison):
    client = client_for(liaison)
    response = client.post(SUDO, {"password": PASSWORD, "next": "https://evil.example/"})
    assert response["Location"] == reverse("core:dashboard")


def test_the_sudo_page_needs_a_signed_in_user(client, db):
    response = client.get(SUDO)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
