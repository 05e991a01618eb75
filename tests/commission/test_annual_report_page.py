"""The annual report page: who opens it, the year's numbers, the button and the download."""

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document

from tests.commission.annual_report_support import *  # noqa: F403
from tests.commission.annual_report_support import YEAR, day
from tests.conftest import client_for
from tests.factories import UserFactory, grant
from waishi.core.roles import Role

pytestmark = pytest.mark.django_db
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PAGE = reverse("commission:annual_report")
GENERATE = reverse("commission:annual_report_generate")
HTMX = {"HTTP_HX_REQUEST": "true"}


def stat(response, name: str) -> str:
    match = re.search(rf'id="stat-{name}">([^<]*)<', response.content.decode())
    return match.group(1) if match else ""


def docx_of(response) -> Document:
    return Document(io.BytesIO(b"".join(response.streaming_content)))


@pytest.mark.parametrize("persona", ["secretariat", "inspector", "admin_user", "approver"])
def test_the_citywide_readers_open_the_page(request, persona):
    response = client_for(request.getfixturevalue(persona)).get(PAGE)
    assert response.status_code == 200
    assert 'id="annual-report-button"' in response.content.decode()


def test_the_button_shows_it_is_busy_while_the_report_is_made(secretariat):
    """htmx disables the button and shows the indicator during the request; without
    JavaScript the same form posts and answers the file."""
    html = client_for(secretariat).get(PAGE).content.decode()
    form = re.search(r"<form method=\"post\"[^>]*>", html).group(0)
    assert f'action="{GENERATE}"' in form and f'hx-post="{GENERATE}"' in form
    assert 'hx-indicator="#annual-report-busy"' in form
    assert 'hx-disabled-elt="find button"' in form
    assert 'class="htmx-indicator" id="annual-report-busy" role="status"' in html


@pytest.mark.parametrize("persona", ["liaison", "head", "reviewer", "evaluator"])
def test_unit_staff_may_neither_open_the_page_nor_generate(request, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(PAGE).status_code == 403
    assert client.post(GENERATE, {"year": YEAR}).status_code == 403


def test_signed_out_visitors_are_sent_to_the_login_page(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_page_shows_the_headline_numbers_of_the_chosen_year(year_of_work, secretariat):
    response = client_for(secretariat).get(PAGE, {"year": YEAR})
    assert response.status_code == 200
    assert [stat(response, n) for n in ("delegations", "countries", "evaluations", "meetings")] == [
        "3",
        "2",
        "2",
        "2",
    ]
    options = re.findall(r'<option value="(\d+)"', response.content.decode())
    assert str(YEAR) in options and str(YEAR - 1) in options


def test_without_a_year_the_page_shows_last_year(secretariat):
    response = client_for(secretariat).get(PAGE)
    assert response.context["year"] == YEAR
    assert f'<option value="{YEAR}" selected>' in response.content.decode()


@pytest.mark.parametrize("year", ["abc", "1800", "3000", ""])
def test_a_bad_year_is_refused_with_a_message_and_no_numbers(secretariat, year):
    response = client_for(secretariat).get(PAGE, {"year": year})
    assert response.status_code == 400
    assert response.context["form"].errors["year"]
    assert 'id="annual-report-numbers"' not in response.content.decode()


def test_the_button_without_javascript_answers_the_document_itself(year_of_work, inspector):
    response = client_for(inspector).post(GENERATE, {"year": YEAR})
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    assert "attachment;" in response["Content-Disposition"]
    assert docx_of(response).paragraphs[0].text == f"{YEAR}年全市外事工作情况"


def test_with_htmx_the_button_answers_a_download_link_for_its_user_only(secretariat, approver):
    client = client_for(secretariat)
    response = client.post(GENERATE, {"year": YEAR}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html  # a fragment for the result area
    link = re.search(r'id="annual-report-download" href="([^"]+)"', html).group(1)
    download = client.get(link)
    assert download.status_code == 200 and download["Content-Type"] == DOCX
    assert docx_of(download).paragraphs[0].text == f"{YEAR}年全市外事工作情况"
    assert client_for(approver).get(link).status_code == 404  # someone else's document
    # A new document of the year replaces the old one.
    client.post(GENERATE, {"year": YEAR}, **HTMX)
    assert client.get(link).status_code == 404


def test_a_made_up_download_token_finds_nothing(secretariat):
    client = client_for(secretariat)
    for token in ("..", "secret_key", "0" * 32, "..%2F..%2Fsecret_key"):
        url = f"/commission/annual-report/{YEAR}/{token}/"
        assert client.get(url).status_code == 404, token


@pytest.mark.parametrize("year", ["abc", "1800", ""])
def test_generating_a_bad_year_makes_no_document(secretariat, year):
    client = client_for(secretariat)
    response = client.post(GENERATE, {"year": year}, **HTMX)
    assert response.status_code == 200  # htmx swaps the message in
    assert 'class="errorlist"' in response.content.decode()
    assert "annual-report-download" not in response.content.decode()
    assert client.post(GENERATE, {"year": year}).status_code == 400


def test_the_generate_button_is_post_only(secretariat):
    assert client_for(secretariat).get(GENERATE).status_code == 405


def test_the_page_costs_the_same_queries_whatever_the_number_of_delegations(
    trips, secretariat, django_assert_max_num_queries
):
    client = client_for(secretariat)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(PAGE, {"year": YEAR}).status_code == 200
        return len(captured)

    first, *others = (trips.approved() for _ in range(3))
    trips.travel(first, day(2, 1))
    one = queries()
    for month, trip in zip((3, 4), others, strict=True):
        trips.travel(trip, day(month, 1))
    assert queries() == one
    with django_assert_max_num_queries(one):
        client.get(PAGE, {"year": YEAR})


def test_a_plain_signed_in_user_without_a_role_is_refused(commerce):
    user = UserFactory(username="nobody", unit=commerce)
    assert client_for(user).get(PAGE).status_code == 403
    assert client_for(grant(user, Role.SECRETARIAT, commerce)).get(PAGE).status_code == 200


def test_without_a_chinese_font_the_page_says_so_and_makes_no_document(
    secretariat, make_delegation, monkeypatch
):
    from tests.commission.annual_report_support import evaluation
    from waishi.reports import charts

    evaluation(make_delegation(), grade="good", total=80)  # the report draws the grades chart
    monkeypatch.setattr(charts, "CJK_FAMILIES", ("A Font Nobody Has",))
    monkeypatch.setattr(charts, "CJK_FILE_HINTS", ("a-font-nobody-has",))
    charts.cjk_font.cache_clear()
    try:
        client = client_for(secretariat)
        response = client.post(GENERATE, {"year": YEAR}, **HTMX)
        assert 'class="errorlist"' in response.content.decode()
        assert "annual-report-download" not in response.content.decode()
        assert client.post(GENERATE, {"year": YEAR}).status_code == 503
    finally:
        charts.cjk_font.cache_clear()
