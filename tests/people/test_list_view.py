from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import client_for
from tests.factories import UnitFactory
from tests.people.conftest import WANG_ID, ZHANG_ID, fill_unit
from waishi.people.models import Rank

LIST = reverse("people:list")


def page_text(user, **params):
    response = client_for(user).get(LIST, params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def test_the_list_shows_id_numbers_masked_never_in_clear(liaison, zhang):
    html = page_text(liaison)
    assert "张伟" in html and "ZHANG WEI" in html
    assert "110***********002X" in html
    assert ZHANG_ID not in html


def test_the_list_shows_the_official_passport_expiry(liaison, zhang, zhang_passport):
    assert zhang_passport.expires_on.isoformat() in page_text(liaison)


def test_a_liaison_sees_only_the_people_of_their_own_units(liaison, zhang, teacher):
    html = page_text(liaison)
    assert "张伟" in html
    assert "王芳" not in html


def test_an_inspector_sees_the_people_of_every_unit(inspector, zhang, teacher):
    html = page_text(inspector)
    assert "张伟" in html and "王芳" in html


def test_the_unit_filter_offers_only_units_the_user_can_see(liaison, zhang, commerce_office):
    html = page_text(liaison)
    assert "市商务局外事处" in html
    assert "市教育局" not in html


def test_searching_by_passport_spelling_finds_the_person(inspector, zhang, teacher):
    html = page_text(inspector, q="zhang w")
    assert "张伟" in html and "王芳" not in html


def test_searching_by_a_full_id_number_finds_its_owner(inspector, zhang, teacher):
    html = page_text(inspector, q=WANG_ID)
    assert "王芳" in html and "张伟" not in html


def test_searching_by_a_passport_number_finds_its_holder(inspector, zhang_passport, teacher):
    html = page_text(inspector, q="se1234567")
    assert "张伟" in html and "王芳" not in html


def test_filtering_by_rank_and_unit_narrows_the_list(inspector, zhang, teacher, education):
    assert "张伟" not in page_text(inspector, rank=Rank.SECTION)
    html = page_text(inspector, unit=education.pk, subunits="on")
    assert "王芳" in html and "张伟" not in html


def test_a_unit_filter_without_sub_units_leaves_out_the_sub_units_people(
    inspector, commerce, commerce_office
):
    fill_unit(commerce_office, 1)
    assert "测试00000" in page_text(inspector, unit=commerce.pk, subunits="on")
    assert "测试00000" not in page_text(inspector, unit=commerce.pk)


def test_the_list_sorts_by_rank_from_most_senior(inspector, zhang, teacher):
    html = page_text(inspector, sort="rank")
    assert html.index("张伟") < html.index("王芳")  # county before section
    html = page_text(inspector, sort="-rank")
    assert html.index("王芳") < html.index("张伟")


def test_the_list_is_paginated_by_fifty_and_page_links_keep_the_filters(inspector, commerce):
    fill_unit(commerce, 120)
    html = page_text(inspector, page=3, rank=Rank.SECTION)
    assert "测试00100" in html and "测试00099" not in html
    assert "Page 3 of 3" in html
    assert "rank=section" in html and "page=2" in html


def test_htmx_filtering_returns_only_the_results_fragment(inspector, zhang):
    response = client_for(inspector).get(
        LIST, {"q": "张"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="people-results"
    )
    html = response.content.decode()
    assert "张伟" in html
    assert "<html" not in html and "<form" not in html


def list_queries(user, **params) -> int:
    client = client_for(user)
    client.get(LIST, params)  # warm the session
    with CaptureQueriesContext(connection) as captured:
        assert client.get(LIST, params).status_code == 200
    return len(captured.captured_queries)


def test_the_list_uses_the_same_number_of_queries_for_10_and_1000_people(inspector, liaison):
    small, large = UnitFactory(parent=liaison.unit), UnitFactory(parent=liaison.unit)
    fill_unit(small, 10)
    counts_small = [list_queries(u, unit=small.pk) for u in (inspector, liaison)]
    fill_unit(large, 1000, start=10)
    counts_large = [list_queries(u, unit=large.pk) for u in (inspector, liaison)]
    assert counts_small == counts_large
    assert list_queries(inspector) == list_queries(inspector, page=20)
