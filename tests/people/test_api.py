"""The JSON API, mounted by waishi.config.api at /api/v1/people/ and /api/v1/units/."""

from tests.conftest import client_for
from tests.people.conftest import ZHANG_ID
from waishi.core.api_auth import hash_token
from waishi.core.models import ApiToken

PEOPLE = "/api/v1/people/"
UNITS = "/api/v1/units/"


def api_get(user, url, **params):
    return client_for(user).get(url, params)


def test_the_people_list_is_paginated_as_items_and_count(inspector, zhang, teacher):
    body = api_get(inspector, PEOPLE, limit=1).json()
    assert body["count"] == 2
    assert [p["name"] for p in body["items"]] == ["张伟"]
    second = api_get(inspector, PEOPLE, limit=1, offset=1).json()
    assert [p["name"] for p in second["items"]] == ["王芳"]


def test_the_people_list_shows_masked_numbers_and_the_official_passport_expiry(
    liaison, zhang, zhang_passport
):
    response = api_get(liaison, PEOPLE)
    [item] = response.json()["items"]
    assert item["id_number_masked"] == "110***********002X"
    assert item["official_passport_expires_on"] == zhang_passport.expires_on.isoformat()
    assert ZHANG_ID not in response.content.decode()


def test_the_api_list_is_scoped_like_the_pages(liaison, zhang, teacher):
    body = api_get(liaison, PEOPLE).json()
    assert body["count"] == 1 and body["items"][0]["name"] == "张伟"


def test_the_api_filters_by_search_rank_and_unit(inspector, zhang, teacher, education):
    assert api_get(inspector, PEOPLE, q="ZHANG").json()["count"] == 1
    assert api_get(inspector, PEOPLE, rank="section").json()["items"][0]["name"] == "王芳"
    assert api_get(inspector, PEOPLE, unit=education.pk).json()["count"] == 1


def test_a_person_in_detail_lists_passports_masked(liaison, zhang, zhang_passport):
    response = api_get(liaison, f"{PEOPLE}{zhang.pk}/")
    body = response.json()
    assert response.status_code == 200
    assert body["passports"][0]["number_masked"] == "S*****567"
    assert "SE1234567" not in response.content.decode()


def test_a_person_outside_the_callers_units_is_not_found(outsider, zhang):
    response = api_get(outsider, f"{PEOPLE}{zhang.pk}/")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_filtering_on_a_unit_the_caller_cannot_see_is_not_found(outsider, commerce):
    response = api_get(outsider, PEOPLE, unit=commerce.pk)
    assert response.status_code == 404
    assert response.json() == {"detail": "Unit not found."}


def test_bad_parameters_are_refused_with_a_client_error(inspector):
    for params in (
        {"limit": 0},
        {"limit": 5000},
        {"offset": -1},
        {"rank": "emperor"},
        {"limit": "many"},
        {"sort": "salary"},
    ):
        response = api_get(inspector, PEOPLE, **params)
        assert 400 <= response.status_code < 500, params
        assert "detail" in response.json()


def test_an_anonymous_caller_is_refused(client, zhang):
    assert client.get(PEOPLE).status_code == 401


def test_a_bearer_token_reads_the_same_scoped_list(liaison, zhang, teacher, client):
    ApiToken.objects.create(
        user=liaison, name="script", prefix="abc", key_hash=hash_token("s3cret")
    )
    response = client.get(PEOPLE, HTTP_AUTHORIZATION="Bearer s3cret")
    assert [p["name"] for p in response.json()["items"]] == ["张伟"]


def test_units_lists_only_the_callers_units(liaison, commerce_office, education):
    body = api_get(liaison, UNITS).json()
    assert {u["name"] for u in body["items"]} == {"市商务局", "市商务局外事处"}
    assert body["count"] == 2


def test_a_unit_outside_the_callers_units_is_not_found(liaison, education, commerce):
    assert api_get(liaison, f"{UNITS}{education.pk}/").status_code == 404
    assert api_get(liaison, f"{UNITS}{commerce.pk}/").json()["code"] == commerce.code
