"""plan_completion(year): how the city's work plan stands, for the annual report (citywide)."""

import pytest

from tests.commission.workplan_support import (
    YEAR,
    english,  # noqa: F401
    item,
    make_plan,
    many_items,
    png,
    report,
)
from waishi.commission import services_workplan as services
from waishi.commission.selectors_workplan import plan_completion

pytestmark = pytest.mark.django_db
KEYS = {
    "year", "plan_title", "total", "done", "in_progress", "not_started", "overdue",
    "completion_rate", "by_unit", "items",
}  # fmt: skip


def test_a_year_without_a_plan_has_nothing_to_report(db):
    result = plan_completion(YEAR)
    assert set(result) == KEYS
    assert (result["year"], result["plan_title"], result["total"]) == (YEAR, None, 0)
    assert result["completion_rate"] == 0.0 and result["by_unit"] == result["items"] == []


def test_the_plan_counts_by_status_and_by_lead_unit(secretariat, liaison, commerce, education):
    plan = make_plan(secretariat, commerce, education)
    report(liaison, item(plan, 1), status="done", evidence=png())
    result = plan_completion(YEAR)
    assert result["plan_title"] == plan.title
    counts = {k: result[k] for k in ("total", "done", "in_progress", "not_started", "overdue")}
    assert counts == {"total": 3, "done": 1, "in_progress": 0, "not_started": 2, "overdue": 1}
    assert result["completion_rate"] == pytest.approx(1 / 3, abs=1e-3)
    assert result["by_unit"] == [
        {"unit": "市商务局", "total": 2, "done": 1, "overdue": 1},
        {"unit": "市教育局", "total": 1, "done": 0, "overdue": 0},
    ]
    first, _, third = result["items"]
    assert first["status"] == "done" and first["progress"] == 100
    assert (third["number"], third["status"], third["lead_unit"]) == (3, "overdue", "市商务局")
    assert third["section"] == "一、服务高水平对外开放"
    assert third["deadline"] == item(plan, 3).deadline


def test_cancelled_items_are_left_out_and_a_draft_plan_still_reports(
    secretariat, commerce, education
):
    plan = make_plan(secretariat, commerce, education, adopt=False)
    third = item(plan, 3)
    services.work_item_cancel(actor=secretariat, item=third, expected_version=1, reason="并项")
    result = plan_completion(YEAR)
    assert result["total"] == 2 and result["overdue"] == 0
    assert [i["number"] for i in result["items"]] == [1, 2]


def test_the_report_reads_a_fixed_number_of_queries(
    secretariat, commerce, education, django_assert_num_queries
):
    plan = make_plan(secretariat, commerce, education)
    with django_assert_num_queries(4):
        plan_completion(YEAR)
    many_items(secretariat, plan, commerce, 50)
    with django_assert_num_queries(4):
        assert plan_completion(YEAR)["total"] == 53
