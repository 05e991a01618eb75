"""What a caller sees when something is wrong: a 4xx JSON `{"detail": "..."}` naming the problem,
404 for what is unknown or outside their units, and for a bug a 500 JSON with a reference."""

import logging
import re

import pytest
from django.conf import settings
from django.test import Client, RequestFactory, override_settings
from ninja.errors import HttpError
from ninja.security import APIKeyCookie

from tests.conftest import client_for
from waishi.config.api import api
from waishi.core.api_auth import SessionAuth

PEOPLE = "/api/v1/people/"
UNITS = "/api/v1/units/"


def detail_of(response, status: int) -> str:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    detail = response.json()["detail"]
    assert isinstance(detail, str) and detail
    return detail


@pytest.mark.parametrize("url", [PEOPLE, UNITS])
@pytest.mark.parametrize(
    ("params", "named"),
    [({"limit": -1}, "limit"), ({"limit": 100_000}, "limit"), ({"offset": "abc"}, "offset")],
)
def test_bad_pagination_is_refused_with_a_message_naming_the_parameter(
    liaison_client, url, params, named
):
    detail = detail_of(liaison_client.get(url, params), 422)
    assert detail.startswith(f"{named}: ")


def test_each_invalid_parameter_is_named_in_one_message(liaison_client):
    detail = detail_of(liaison_client.get(PEOPLE, {"limit": 0, "rank": "emperor"}), 422)
    assert "limit: " in detail and "rank: " in detail


def test_a_nul_character_in_a_parameter_is_refused_not_sent_to_the_database(liaison_client):
    detail = detail_of(liaison_client.get(PEOPLE, {"q": "张\x00伟"}), 400)
    assert detail == "q: must not contain NUL characters"


def test_a_json_body_carrying_a_nul_character_is_refused(liaison_client):
    body = '{"name": "\\u0000"}'
    response = liaison_client.post(UNITS, body, content_type="application/json")
    assert detail_of(response, 400) == "body: must not contain NUL characters"


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=100)
def test_a_json_body_over_the_size_limit_is_refused_as_too_large(liaison_client):
    body = '{"name": "%s"}' % ("x" * 200)
    response = liaison_client.post(UNITS, body, content_type="application/json")
    assert detail_of(response, 413) == "The request is too large."


def test_more_query_fields_than_django_accepts_is_a_bad_request(liaison_client):
    many = "&".join(f"f{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    assert detail_of(liaison_client.get(UNITS, QUERY_STRING=many), 400) == "Bad request."


@pytest.mark.parametrize("url", [f"{PEOPLE}999999999/", f"{UNITS}999999999/"])
def test_an_unknown_id_is_not_found_as_json(liaison_client, url):
    assert detail_of(liaison_client.get(url), 404) == "Not Found"


def test_a_person_outside_the_token_users_units_is_not_found(client, teacher, bearer):
    response = client.get(f"{PEOPLE}{teacher.pk}/", HTTP_AUTHORIZATION=bearer)
    assert detail_of(response, 404) == "Not Found"


def test_a_unit_outside_the_callers_units_is_not_found(outsider, commerce):
    assert detail_of(client_for(outsider).get(f"{UNITS}{commerce.pk}/"), 404) == "Not Found"


def test_every_operation_refuses_an_anonymous_caller_with_json(client, openapi, commerce):
    for path in openapi["paths"]:
        url = re.sub(r"\{[^}]+\}", str(commerce.pk), path)
        assert detail_of(client.get(url), 401) == "Unauthorized", url


def test_a_garbage_bearer_token_is_refused_with_json(client, db):
    response = client.get(UNITS, HTTP_AUTHORIZATION="Bearer ' OR 1=1 --")
    assert detail_of(response, 401) == "Unauthorized"


@pytest.mark.parametrize("url", ["/api/v1/", "/api/v1/nothing-here/", "/api/v1/people/abc/"])
def test_an_unknown_api_path_is_not_found_as_json(liaison_client, url):
    assert detail_of(liaison_client.get(url), 404) == "Not Found"


def test_an_unknown_api_path_is_json_for_a_post_without_csrf_token(liaison):
    client = Client(enforce_csrf_checks=True)
    client.force_login(liaison)
    assert detail_of(client.post("/api/v1/nothing-here/"), 404) == "Not Found"


def test_a_path_without_its_trailing_slash_redirects_to_it(liaison_client):
    response = liaison_client.get("/api/v1/units", {"limit": 5})
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/units/?limit=5"


def test_a_method_the_path_does_not_offer_is_refused_with_json(liaison_client):
    response = liaison_client.delete(UNITS)
    assert detail_of(response, 405) == "Method DELETE is not allowed here."
    assert response["Allow"] == "GET"


def test_session_authentication_checks_the_csrf_token_on_writes(liaison):
    session_auth = next(a for a in api.auth if isinstance(a, SessionAuth))
    assert session_auth.csrf is True
    request = RequestFactory().post(UNITS)
    request.user = liaison
    with pytest.raises(HttpError) as refused:
        session_auth(request)
    assert refused.value.status_code == 403


def test_session_authentication_accepts_a_write_carrying_the_csrf_token(liaison):
    session_auth = next(a for a in api.auth if isinstance(a, SessionAuth))
    token = "k" * 32
    request = RequestFactory().post(UNITS, HTTP_X_CSRFTOKEN=token)
    request.COOKIES[settings.CSRF_COOKIE_NAME] = token
    request.user = liaison
    assert session_auth(request) == liaison


def test_no_operation_accepts_the_session_cookie_without_a_csrf_check():
    operations = [
        op
        for bound in api._get_bound_routers()
        for view in bound.path_operations.values()
        for op in view.operations
    ]
    assert operations
    for op in operations:
        assert not op.csrf_exempt, op.view_func.__name__
        cookie_auths = [a for a in op.auth_callbacks if isinstance(a, APIKeyCookie)]
        assert all(a.csrf for a in cookie_auths), op.view_func.__name__


@pytest.fixture
def broken_units_list(monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("waishi.people.selectors.visible_units", explode)


def test_a_bug_in_an_api_view_fails_a_test_loudly(liaison_client, broken_units_list):
    with pytest.raises(RuntimeError, match="secret internals"):
        liaison_client.get(UNITS)


@pytest.mark.parametrize("debug", [False, True])
def test_a_bug_answers_500_json_with_a_reference_that_is_in_the_log(
    liaison, broken_units_list, caplog, debug
):
    client = Client(raise_request_exception=False)
    client.force_login(liaison)
    with override_settings(DEBUG=debug), caplog.at_level(logging.ERROR, "django.request"):
        response = client.get(UNITS)
    detail = detail_of(response, 500)
    reference = re.fullmatch(r"internal error, reference ([0-9a-f]{12})", detail).group(1)
    assert "secret internals" not in response.content.decode()
    [record] = [r for r in caplog.records if reference in r.getMessage()]
    assert record.exc_info[1].args == ("secret internals",)
