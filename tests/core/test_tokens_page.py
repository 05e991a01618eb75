"""Every signed-in user manages their own API tokens; a secret is shown once and never stored."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from waishi.core.api_auth import hash_token
from waishi.core.models import ApiToken, AuditEvent
from waishi.core.tokens import api_token_create

URL = reverse("core:tokens")


@pytest.fixture(autouse=True)
def _language_restored():
    # A request in English leaves English active in this thread; later tests expect the default.
    yield
    translation.deactivate()


def english_client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def create(client, name="统计表", days=90):
    response = client.post(URL, {"name": name, "days": days})
    secret = re.search(r'value="(wsk_[^"]+)"', response.content.decode())
    return response, secret.group(1) if secret else None


def test_a_new_tokens_secret_is_shown_once_and_works_as_a_bearer_token(liaison):
    client = english_client(liaison)
    response, secret = create(client)
    assert secret and "shown only this once" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert secret not in client.get(URL).content.decode()
    api = Client().get("/api/v1/units/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.status_code == 200


def test_the_secret_is_stored_nowhere_only_its_hash(liaison):
    _response, secret = create(english_client(liaison))
    token = ApiToken.objects.get(user=liaison)
    assert token.key_hash == hash_token(secret)
    stored = json.dumps(list(ApiToken.objects.values()), default=str)
    stored += json.dumps(list(AuditEvent.objects.values()), default=str, ensure_ascii=False)
    assert secret not in stored


def test_a_token_expires_after_the_chosen_number_of_days(liaison):
    create(english_client(liaison), days=30)
    token = ApiToken.objects.get(user=liaison)
    assert (token.expires_at - token.created_at).days in (29, 30)


def test_a_token_without_a_name_is_refused_beside_the_field(liaison):
    response, secret = create(english_client(liaison), name="")
    assert secret is None
    assert 'class="errorlist' in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_page_lists_only_the_users_own_tokens(liaison, outsider):
    api_token_create(actor=liaison, user=liaison, name="mine")
    api_token_create(actor=outsider, user=outsider, name="someone-elses")
    html = english_client(liaison).get(URL).content.decode()
    assert "mine" in html and "someone-elses" not in html


def test_a_user_revokes_their_own_token_and_it_stops_working(liaison):
    token, secret = api_token_create(actor=liaison, user=liaison, name="old laptop")
    response = english_client(liaison).post(reverse("core:token_revoke", args=[token.pk]))
    assert response["Location"] == URL
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="api_token.revoke", actor_name="liaison").exists()
    api = Client().get("/api/v1/units/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.status_code == 401


def test_nobody_revokes_another_users_token_from_their_own_page(liaison, outsider):
    token, _secret = api_token_create(actor=outsider, user=outsider, name="theirs")
    response = english_client(liaison).post(reverse("core:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_revoking_is_post_only(liaison):
    token, _secret = api_token_create(actor=liaison, user=liaison, name="laptop")
    response = english_client(liaison).get(reverse("core:token_revoke", args=[token.pk]))
    assert response.status_code == 405
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
