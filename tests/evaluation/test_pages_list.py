"""The evaluations list: scoped to the user's units, filtered, searched, sorted, paged, exported
to Excel, with "my work" views — and a constant number of queries whatever the number of rows."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import client_for
from tests.evaluation.record_support import evaluated, follow_up
from waishi.core.models import AuditEvent
from waishi.evaluation.models import Evaluation, EvaluationStatus

pytestmark = pytest.mark.django_db
LIST = reverse("evaluation:list")
EXPORT = reverse("evaluation:export")
S = EvaluationStatus


def titles(response) -> list[str]:
    return [row.delegation.title for row in response.context["page"].object_list]


@pytest.fixture
def spread(commerce, education):
    """Three of 市商务局 (2025 excellent, 2026 fail, 2026 awaiting the evaluator) and one of
    市教育局 (2026 good)."""
    return {
        "excellent": evaluated(
            commerce, returned=dt.date(2025, 5, 1), grade="excellent", total="93", title="汉堡港口"
        ),
        "fail": evaluated(
            commerce, returned=dt.date(2026, 3, 1), grade="fail", total="52.5", title="大阪经贸"
        ),
        "open": evaluated(
            commerce,
            returned=dt.date(2026, 4, 1),
            status=S.AWAITING_EVALUATOR,
            title="悉尼教育展",
        ),
        "education": evaluated(
            education, returned=dt.date(2026, 2, 1), grade="good", total="80", title="东京交流"
        ),
    }


def test_each_user_sees_the_evaluations_of_their_units(
    spread, liaison, outsider, inspector, evaluator
):
    assert sorted(titles(client_for(liaison).get(LIST))) == ["大阪经贸", "悉尼教育展", "汉堡港口"]
    assert titles(client_for(outsider).get(LIST)) == ["东京交流"]
    assert len(titles(client_for(inspector).get(LIST))) == 4
    assert len(titles(client_for(evaluator).get(LIST))) == 4


def test_a_user_without_a_reading_role_sees_none(spread, reviewer):
    response = client_for(reviewer).get(LIST)
    assert response.status_code == 200 and titles(response) == []


def test_the_list_filters_by_year_unit_grade_status_and_title(spread, inspector, education):
    client = client_for(inspector)

    def found(**query):
        return sorted(titles(client.get(LIST, query)))

    assert found(year=2025) == ["汉堡港口"]
    assert found(unit=education.pk) == ["东京交流"]
    assert found(grade="fail") == ["大阪经贸"]
    assert found(status=S.AWAITING_EVALUATOR) == ["悉尼教育展"]
    assert found(q="港口") == ["汉堡港口"]
    assert found(year=2026, grade="excellent") == []
    assert found(year="abc") == sorted(t.delegation.title for t in spread.values())


def test_the_list_sorts_by_total_title_and_year(spread, inspector):
    client = client_for(inspector)
    assert titles(client.get(LIST, {"sort": "-total"})) == [
        "汉堡港口",
        "东京交流",
        "大阪经贸",
        "悉尼教育展",
    ]
    assert titles(client.get(LIST, {"sort": "total"}))[1:] == ["大阪经贸", "东京交流", "汉堡港口"]
    assert titles(client.get(LIST, {"sort": "year"}))[0] == "汉堡港口"
    html = client.get(LIST, {"sort": "-total"}).content.decode()
    assert 'aria-sort="descending"' in html


def test_the_list_pages_through_many_evaluations(commerce, inspector):
    for n in range(30):
        evaluated(
            commerce, returned=dt.date(2026, 1, 1), title=f"团组{n:02d}", total="70", grade="pass"
        )
    client = client_for(inspector)
    first = client.get(LIST, {"sort": "title"})
    assert len(titles(first)) == 25 and first.context["page"].has_next()
    assert titles(client.get(LIST, {"sort": "title", "page": 2})) == [
        f"团组{n}" for n in range(25, 30)
    ]
    assert 'class="pagination"' in first.content.decode()


def test_my_work_shows_what_waits_for_each_user(
    spread, commerce, liaison, evaluator, second_evaluator
):
    waiting_self = evaluated(
        commerce, returned=dt.date(2026, 5, 1), status=S.AWAITING_SELF, title="首尔自评"
    )
    waiting_second = evaluated(
        commerce, returned=dt.date(2026, 5, 2), status=S.AWAITING_SECOND, title="巴黎复核"
    )
    Evaluation.objects.filter(pk=waiting_second.pk).update(evaluator=evaluator)
    follow_up(spread["fail"], due_on=dt.date.today() + dt.timedelta(days=10))
    follow_up(spread["excellent"], due_on=dt.date.today() + dt.timedelta(days=200), months=12)

    def mine(user, view):
        return titles(client_for(user).get(LIST, {"mine": view}))

    assert mine(liaison, "self") == [waiting_self.delegation.title]
    assert mine(evaluator, "self") == []
    assert mine(evaluator, "score") == ["悉尼教育展"]
    assert mine(liaison, "score") == []
    assert mine(evaluator, "second") == []  # not the first evaluator's own
    assert mine(second_evaluator, "second") == ["巴黎复核"]
    assert mine(liaison, "follow_up") == ["大阪经贸"]  # the far one is not due yet
    tabs = {tab["value"]: tab["count"] for tab in client_for(evaluator).get(LIST).context["tabs"]}
    assert tabs["score"] == 1 and tabs["second"] == 0


@pytest.mark.parametrize("rows", [3, 30])
def test_the_list_costs_the_same_queries_for_3_or_30_rows(
    commerce, inspector, liaison, django_assert_max_num_queries, rows
):
    for n in range(rows):
        evaluated(
            commerce, returned=dt.date(2026, 1, 1), title=f"团组{n:02d}", total="70", grade="pass"
        )
    for user, most in ((inspector, 9), (liaison, 13)):  # a unit's scope reads its units first
        client = client_for(user)
        client.get(LIST)  # warm the session
        with django_assert_max_num_queries(most):
            client.get(LIST, {"mine": "follow_up", "sort": "-total"})
        with django_assert_max_num_queries(most):
            response = client.get(LIST, {"sort": "-total", "year": 2026})
        assert response.status_code == 200
        assert len(titles(response)) == min(rows, 25)


def test_the_excel_export_has_the_filtered_rows_and_is_audited(spread, inspector):
    response = client_for(inspector).get(EXPORT, {"year": 2026, "sort": "-total"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.values)
    assert len(rows) == 4  # the headers and three 2026 evaluations
    assert [row[0] for row in rows[1:]] == ["东京交流", "大阪经贸", "悉尼教育展"]
    assert rows[1][7] == 80 and rows[2][7] == 52.5
    event = AuditEvent.objects.get(action="evaluation.export")
    assert event.changes == {"filters": {"year": 2026}, "rows": 3}


def test_the_export_is_scoped_like_the_list(spread, outsider):
    response = client_for(outsider).get(EXPORT)
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert [row[0] for row in rows[1:]] == ["东京交流"]
