"""The analytics page: who may open it, what it shows them, that it stays CSP-safe, and that it
costs the same few queries over few or many evaluations."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from tests.conftest import client_for
from tests.evaluation.analytics_support import SVG, evaluations, follow_up, parse_svg, persona
from tests.factories import UnitFactory
from waishi.core.roles import Role

URL = "evaluation:analytics"


@pytest.fixture
def evaluator(city):
    return persona(Role.EVALUATOR, city, "evaluator")


@pytest.fixture
def story(commerce, education):
    """A few years of evaluations in two departments, with follow-ups."""
    rows = evaluations(
        commerce,
        {
            "year": 2023,
            "grade": "excellent",
            "total": Decimal("93"),
            "main_country": "DE",
            "spent_cny": Decimal("80000"),
            "amount_cny": Decimal("2400000"),
            "agreements_count": 2,
        },
        {
            "year": 2024,
            "grade": "fail",
            "total": Decimal("48"),
            "main_country": "JP",
            "spent_cny": None,
            "amount_cny": Decimal("0"),
        },
        {
            "year": 2024,
            "grade": "good",
            "total": Decimal("81"),
            "main_country": "JP",
            "trip_type": "investment",
            "spent_cny": Decimal("60000"),
            "amount_cny": Decimal("9000000"),
            "agreements_count": 1,
        },
    )
    evaluations(education, {"year": 2024, "grade": "pass", "total": Decimal("66")})
    follow_up(rows[0], due_on=dt.date(2024, 11, 6), submitted=True, realised=2, results=3)
    follow_up(rows[0], months=12, due_on=dt.date(2025, 5, 6))  # overdue
    return rows


def page(user, **params):
    return client_for(user).get(reverse(URL), params)


def headline(html: str) -> dict:
    pattern = (
        r'id="stat-([a-z-]+)">\s*<span class="stat-label">[^<]*</span>\s*'
        r'<span class="stat-value">([^<]*)</span>'
    )
    return dict(re.findall(pattern, html))


@pytest.mark.parametrize(
    "role",
    [
        Role.EVALUATOR,
        Role.REVIEWER,
        Role.APPROVER,
        Role.SECRETARIAT,
        Role.INSPECTOR,
        Role.ADMINISTRATOR,
    ],
)
def test_fao_roles_open_the_citywide_page(role, city, story):
    response = page(persona(role, city))
    assert response.status_code == 200
    assert headline(response.content.decode())["evaluated"] == "4"


@pytest.mark.parametrize("role", [Role.PASSPORT_OFFICER, Role.SAFETY_OFFICER, Role.TRAVELLER])
def test_other_roles_are_refused(role, city):
    assert page(persona(role, city)).status_code == 403


def test_signed_out_visitors_are_sent_to_the_login(client):
    response = client.get(reverse(URL))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_units_liaison_and_head_see_only_their_units(liaison, commerce, story):
    head = persona(Role.UNIT_HEAD, commerce)
    for user in (liaison, head):
        html = page(user).content.decode()
        assert headline(html) == {
            "evaluated": "3",
            "average": "74.0",
            "fail": "1",
            "follow-through": "66.7%",
            "overdue": "1",
        }
        assert "市教育局" not in html


def test_the_unit_select_offers_only_the_users_units(liaison, commerce, education):
    html = page(liaison).content.decode()
    options = re.findall(
        r'<option value="(\d+)"', html.split('name="unit"')[1].split("</select>")[0]
    )
    assert options == [str(commerce.pk)]


def test_the_page_draws_every_chart_with_its_table(evaluator, story):
    html = page(evaluator).content.decode()
    for figure in ("by-year", "by-unit", "by-country", "by-trip-type"):
        assert f'id="chart-{figure}"' in html
    for table in ("by_year", "by_unit", "by_country", "by_trip_type", "follow_through"):
        assert f'id="table-{table}"' in html
    assert 'id="chart-follow-rate"' in html and 'id="chart-follow-overdue"' in html


def test_charts_and_page_are_csp_safe(evaluator, story):
    html = page(evaluator).content.decode()
    assert "style=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # scripts only from files
    assert "<style" not in html
    for svg in re.findall(r'<svg class="chart".*?</svg>', html, re.S):
        root = parse_svg(svg)
        assert root.find(f"{SVG}title").text
        assert all("style" not in element.attrib for element in root.iter())


def test_every_bar_has_a_tooltip(evaluator, story):
    html = page(evaluator).content.decode()
    svg = re.search(r'<svg class="chart" id="chart-by-year".*?</svg>', html, re.S).group(0)
    root = parse_svg(svg)
    bars = list(root.iter(f"{SVG}rect"))
    assert len(bars) == 4  # 2023: excellent; 2024: good, pass, fail
    assert all(bar.find(f"{SVG}title") is not None for bar in bars)


def test_filters_narrow_the_page(evaluator, story, commerce):
    assert headline(page(evaluator, grade="fail").content.decode())["evaluated"] == "1"
    assert headline(page(evaluator, year_from=2024).content.decode())["evaluated"] == "3"
    assert headline(page(evaluator, country="DE").content.decode())["evaluated"] == "2"
    assert headline(page(evaluator, trip_type="investment").content.decode())["evaluated"] == "1"
    assert headline(page(evaluator, unit=commerce.pk).content.decode())["evaluated"] == "3"


def test_a_year_range_backwards_is_refused_with_a_message(evaluator, story):
    with translation.override("en"):
        response = client_for(evaluator).get(
            reverse(URL), {"year_from": 2025, "year_to": 2023}, HTTP_ACCEPT_LANGUAGE="en"
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="errorlist"' in html
    assert headline(html)["evaluated"] == "0"  # from 2025 on: the last year is ignored


def test_a_unit_outside_the_scope_is_ignored(liaison, education, story):
    response = page(liaison, unit=education.pk)
    assert response.status_code == 200
    assert headline(response.content.decode())["evaluated"] == "3"


def test_unit_rows_link_to_the_units_own_analytics(evaluator, story, commerce):
    html = page(evaluator).content.decode()
    assert f"unit={commerce.pk}" in html


def test_no_evaluation_shows_an_empty_state(evaluator):
    html = page(evaluator).content.decode()
    assert 'id="analytics-empty"' in html
    assert headline(html)["evaluated"] == "0"


def test_htmx_filters_swap_only_the_results(evaluator, story):
    response = client_for(evaluator).get(
        reverse(URL),
        {"grade": "excellent"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="analytics-results",
    )
    html = response.content.decode()
    assert "<html" not in html and 'id="chart-by-year"' in html
    assert headline(html)["evaluated"] == "1"
    assert "grade=excellent" in html  # the export link follows the filters


def test_results_per_yuan_table_ranks_and_counts_the_rows_without_spending(evaluator, story):
    html = page(evaluator).content.decode()
    table = html.split('id="table-by_country"')[1].split("</table>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S)
    cells = [re.findall(r">([^<>]*)</t[hd]>", row) for row in rows]
    # Japan: 9,000,000 / 60,000 = 150 per yuan (one trip without spending not counted).
    assert cells[0][0] == "1" and cells[0][6] == "150.00" and cells[0][9] == "1"
    assert cells[1][0] == "2" and cells[1][6] == "30.00"


def test_queries_stay_bounded_whatever_the_number_of_evaluations(
    evaluator, liaison, commerce, education, django_assert_max_num_queries
):
    units = [commerce, education, UnitFactory(parent=commerce)]

    def add(count):
        for i in range(count):
            [evaluation] = evaluations(
                units[i % 3],
                {
                    "year": 2018 + i % 8,
                    "grade": ["excellent", "good", "pass", "fail"][i % 4],
                    "main_country": ["DE", "JP", "KE", "BR"][i % 4],
                    "spent_cny": Decimal(50000),
                },
            )
            follow_up(
                evaluation,
                due_on=dt.date(2019 + i % 6, 1 + i % 12, 1),
                submitted=i % 2 == 0,
                realised=1,
                results=2,
            )

    clients = [client_for(user) for user in (evaluator, liaison)]
    for count in (4, 60):
        add(count)
        for client in clients:
            # session, user, grants, the scope's units, five aggregates, the city's name
            with django_assert_max_num_queries(10):
                response = client.get(reverse(URL), {"year_from": 2018})
            assert response.status_code == 200
