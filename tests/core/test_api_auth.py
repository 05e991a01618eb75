"""The API accepts a personal bearer token or the browser session, and nothing else."""

from datetime import timedelta

from django.utils import timezone

from tests.conftest import client_for
from waishi.core.models import ApiToken, AuditEvent
from waishi.core.tokens import api_token_create, api_token_revoke

OPENAPI = "/api/v1/openapi.json"


def test_openapi_schema_is_published(client, db):
    response = client.get(OPENAPI)
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "waishi API"


def test_token_is_stored_only_as_a_hash_and_its_creation_audited(liaison):
    token, raw = api_token_create(actor=liaison, user=liaison, name="laptop")
    assert raw.startswith("wsk_")
    assert raw not in ApiToken.objects.values_list("key_hash", flat=True)
    assert AuditEvent.objects.filter(action="api_token.create", object_id=str(token.pk)).exists()


def test_units_api_refuses_a_request_without_credentials(client, db):
    response = client.get("/api/v1/units/")
    assert response.status_code == 401


def test_units_api_answers_a_valid_bearer_token(client, liaison):
    _token, raw = api_token_create(actor=liaison, user=liaison, name="script")
    response = client.get("/api/v1/units/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert "items" in response.json()


def test_revoked_and_expired_tokens_are_refused(client, liaison):
    token, raw = api_token_create(actor=liaison, user=liaison, name="old")
    api_token_revoke(actor=liaison, token=token)
    assert client.get("/api/v1/units/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    token2, raw2 = api_token_create(actor=liaison, user=liaison, name="short")
    ApiToken.objects.filter(pk=token2.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/units/", HTTP_AUTHORIZATION=f"Bearer {raw2}").status_code == 401


def test_a_made_up_token_is_refused(client, db):
    response = client.get("/api/v1/units/", HTTP_AUTHORIZATION="Bearer wsk_not-a-real-token")
    assert response.status_code == 401


def test_session_of_a_signed_in_user_is_accepted(liaison):
    assert client_for(liaison).get("/api/v1/units/").status_code == 200
