"""The analytics export: one sheet per chart's table, the page's filters and scope, audited."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import client_for
from tests.evaluation.analytics_support import evaluations, follow_up, persona
from waishi.core.audit import AuditEvent
from waishi.core.roles import Role

URL = "evaluation:analytics_export"


@pytest.fixture
def story(commerce, education):
    rows = evaluations(
        commerce,
        {
            "year": 2024,
            "grade": "excellent",
            "total": Decimal("91"),
            "main_country": "DE",
            "spent_cny": Decimal("100000"),
            "amount_cny": Decimal("3000000"),
            "agreements_count": 3,
        },
        {"year": 2025, "grade": "fail", "total": Decimal("45"), "main_country": "JP"},
    )
    evaluations(education, {"year": 2025, "grade": "good", "main_country": "JP"})
    follow_up(rows[0], due_on=dt.date(2025, 1, 10), submitted=True, realised=1, results=2)
    return rows


def workbook(user, language=None, **params):
    client = client_for(user)
    if language:
        client.cookies["django_language"] = language
    response = client.get(reverse(URL), params)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)


def rows_of(sheet) -> list[tuple]:
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_one_sheet_per_table_after_the_overview(city, story):
    book = workbook(persona(Role.INSPECTOR, city), language="en")
    assert book.sheetnames == [
        "Overview",
        "Grades by year",
        "Grades by unit",
        "Per yuan, by destination",
        "Per yuan, by trip type",
        "Follow-through",
    ]


def test_headers_follow_the_users_language(city, story):
    """Chinese users get the headers in Chinese (the catalogue's translations)."""
    inspector = persona(Role.INSPECTOR, city)
    english = rows_of(workbook(inspector, language="en").worksheets[1])[0]
    assert english[:2] == ("Year", "Evaluated")
    chinese = rows_of(workbook(inspector).worksheets[1])[0]
    assert chinese[0] == "年份"  # already in the catalogue


def test_the_numbers_match_the_page(city, story):
    book = workbook(persona(Role.EVALUATOR, city))
    by_year = rows_of(book.worksheets[1])
    assert by_year[1][:6] == (2024, 1, 1, 0, 0, 0)
    assert by_year[2][:6] == (2025, 2, 0, 1, 0, 1)
    by_country = rows_of(book.worksheets[3])
    first = next(row for row in by_country if row[0] == 1)  # the only one with a spending
    assert (first[2], first[3], first[6], first[8]) == (1, 1, 30, 3)  # per yuan; per 100,000
    follow = rows_of(book.worksheets[5])
    assert follow[1][1:5] == (1, 2, 1, 50)
    overview = dict(row for row in rows_of(book.worksheets[0]) if len(row) == 2 and row[0])
    assert 3 in overview.values()


def test_filters_and_scope_apply_to_the_export(liaison, story):
    book = workbook(liaison, grade="fail")
    by_year = rows_of(book.worksheets[1])
    assert [row[:2] for row in by_year[1:] if isinstance(row[0], int)] == [(2025, 1)]
    by_unit = rows_of(book.worksheets[2])
    assert [row[:3] for row in by_unit[1:3]] == [("市商务局", 1, 0), ()]  # then the note


def test_the_export_is_audited_with_its_filters(liaison, commerce, story):
    workbook(liaison, year_from=2024, unit=commerce.pk)
    event = AuditEvent.objects.get(action="evaluation.analytics_export")
    assert event.actor_id == liaison.pk
    assert event.changes["filters"] == {"year_from": 2024, "unit_id": commerce.pk}


def test_roles_outside_analytics_cannot_export(city, story):
    response = client_for(persona(Role.PASSPORT_OFFICER, city)).get(reverse(URL))
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="evaluation.analytics_export").exists()
