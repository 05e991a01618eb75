"""GET /healthz: what a load balancer or monitor polls, signed in or not."""

from unittest import mock

from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import override_settings


def test_health_check_answers_ok_to_an_anonymous_monitor(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-store" in response["Cache-Control"]  # a proxy must not serve a stale "ok"


def test_health_check_answers_503_in_json_when_the_database_is_down(client, db):
    with mock.patch.object(
        BaseDatabaseWrapper, "cursor", side_effect=OperationalError("server closed the connection")
    ):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json()["status"] == "error"
    assert response.json()["database"] != "ok"


@override_settings(SECURE_SSL_REDIRECT=True)
def test_health_check_over_plain_http_is_not_redirected_to_https(client, db):
    # Monitors on the server itself poll http://127.0.0.1/healthz behind the TLS proxy.
    assert client.get("/pages-need-https").status_code == 301
    assert client.get("/healthz").status_code == 200
