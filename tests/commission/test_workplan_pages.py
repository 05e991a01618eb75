"""Work plan pages: the plans, a year's plan with filters and export, an item, the forms, the
dashboard and the overdue list; who sees what; strict CSP; bounded queries."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.commission.workplan_support import (
    TODAY,
    YEAR,
    disguised,
    english,  # noqa: F401
    item,
    make_plan,
    many_items,
    png,
    report,
    xlsx_rows,
)
from tests.conftest import client_for
from tests.core.test_ui_shell import inline_code_in
from waishi.commission.models_workplan import WorkItem, WorkItemLink, WorkItemProgress, WorkPlan

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def plan(secretariat, commerce, education):
    return make_plan(secretariat, commerce, education)


def get(user, name, *args, **params):
    response = client_for(user).get(reverse(name, args=args), params, **EN)
    return response, response.content.decode()


def post(user, name, *args, data=None):
    return client_for(user).post(reverse(name, args=args), data or {}, **EN)


# --- who sees what ----------------------------------------------------------------------------


def test_the_secretariat_sees_every_item_grouped_under_its_sections(secretariat, plan):
    response, html = get(secretariat, "commission:workplan_year", YEAR)
    assert response.status_code == 200
    for task in ("推动与友城的经贸合作", "组织教育国际交流项目", "梳理境外投资安全风险台账"):
        assert task in html
    assert html.index("一、服务高水平对外开放") < html.index("二、深化国际友城交流合作")
    assert 'id="stat-total">3<' in html and 'id="stat-overdue">1<' in html
    assert "Add an item" in html and inline_code_in(html) == []


def test_a_unit_sees_the_items_it_leads_or_supports_and_nothing_else(liaison, outsider, plan):
    _, html = get(liaison, "commission:workplan_year", YEAR)
    assert "推动与友城的经贸合作" in html and "梳理境外投资安全风险台账" in html
    assert "组织教育国际交流项目" not in html and "Add an item" not in html
    _, html = get(outsider, "commission:workplan_year", YEAR)  # education supports item 1
    assert "推动与友城的经贸合作" in html and "组织教育国际交流项目" in html
    assert "梳理境外投资安全风险台账" not in html
    response, _ = get(outsider, "commission:workplan_item", item(plan, 3).pk)
    assert response.status_code == 404


def test_a_draft_plan_is_the_secretariats_until_it_is_adopted(
    secretariat, inspector, liaison, roleless, commerce, education
):
    make_plan(secretariat, commerce, education, adopt=False)
    assert get(inspector, "commission:workplan_year", YEAR)[0].status_code == 200
    for user in (liaison, roleless):
        assert get(user, "commission:workplan_year", YEAR)[0].status_code == 404
        _, html = get(user, "commission:workplan")
        assert str(YEAR) not in html


def test_the_plans_page_counts_items_and_offers_a_new_plan_to_the_secretariat(
    secretariat, liaison, plan
):
    _, html = get(secretariat, "commission:workplan")
    assert plan.title in html and "New work plan" in html and "33%" not in html
    _, html = get(liaison, "commission:workplan")
    assert plan.title in html and "New work plan" not in html


def test_the_meetings_page_has_tabs_to_the_work_plan(secretariat):
    _, html = get(secretariat, "commission:meetings")
    assert f'href="{reverse("commission:workplan")}"' in html and "commission-tabs" in html


# --- filters, export, dashboard, overdue -------------------------------------------------------


def test_the_plan_filters_by_unit_status_overdue_and_search(secretariat, liaison, plan, education):
    report(liaison, item(plan, 1))
    _, html = get(secretariat, "commission:workplan_year", YEAR, unit=education.pk)
    assert "推动与友城的经贸合作" in html and "组织教育国际交流项目" in html
    assert "梳理境外投资安全风险台账" not in html
    _, html = get(secretariat, "commission:workplan_year", YEAR, status="in_progress")
    assert "推动与友城的经贸合作" in html and "组织教育国际交流项目" not in html
    _, html = get(secretariat, "commission:workplan_year", YEAR, overdue="on")
    assert "梳理境外投资安全风险台账" in html and "组织教育国际交流项目" not in html
    _, html = get(secretariat, "commission:workplan_year", YEAR, q="教育")
    assert "1 item shown" in html


def test_the_excel_export_holds_the_filtered_items(secretariat, plan, commerce):
    response = client_for(secretariat).get(
        reverse("commission:workplan_export", args=[YEAR]), {"unit": commerce.pk}, **EN
    )
    header, *rows = xlsx_rows(response)
    assert header[:5] == ("Year", "Section", "Number", "Task", "Lead unit")
    assert [(row[2], row[4], row[5]) for row in rows] == [
        (1, "市商务局", "市教育局"),
        (3, "市商务局", None),
    ]
    assert rows[1][9] == "Yes"  # item 3 is overdue


def test_the_dashboard_counts_by_unit_and_status_with_csp_safe_charts(secretariat, liaison, plan):
    report(liaison, item(plan, 1), status="done", evidence=png())
    response, html = get(secretariat, "commission:workplan_dashboard", YEAR)
    assert response.status_code == 200
    assert 'id="stat-done">1<' in html and 'id="stat-overdue">1<' in html
    assert html.count('class="chart-bar"') >= 5 and "<svg" in html
    assert inline_code_in(html) == []
    table = html[html.index('id="unit-table"') :]
    commerce_row = table[table.index("市商务局") : table.index("</tr>", table.index("市商务局"))]
    assert ">2<" in commerce_row and "50%" in commerce_row  # 1 of 2 done


def test_the_overdue_list_shows_how_late_each_item_is(secretariat, outsider, plan):
    _, html = get(secretariat, "commission:workplan_overdue")
    assert "梳理境外投资安全风险台账" in html and "10 days overdue" in html
    assert "推动与友城的经贸合作" not in html
    _, html = get(outsider, "commission:workplan_overdue")
    assert "No item is overdue" in html


@pytest.mark.parametrize("name", ["commission:workplan_year", "commission:workplan_dashboard"])
def test_plan_pages_read_a_bounded_number_of_queries(
    secretariat, liaison, plan, commerce, django_assert_max_num_queries, name
):
    url = reverse(name, args=[YEAR])
    clients = [client_for(secretariat), client_for(liaison)]  # citywide, and scoped to a unit
    for client in clients:
        client.get(url)  # warm the session and the grants
        with django_assert_max_num_queries(14):
            assert client.get(url).status_code == 200
    many_items(secretariat, plan, commerce, 40)
    for client in clients:
        with django_assert_max_num_queries(14):
            assert "批量任务39" in client.get(url, **EN).content.decode() or "dashboard" in url


def test_the_overdue_list_and_the_plans_page_read_a_bounded_number_of_queries(
    secretariat, plan, commerce, django_assert_max_num_queries
):
    client = client_for(secretariat)
    for name in ("commission:workplan_overdue", "commission:workplan"):
        client.get(reverse(name))
        with django_assert_max_num_queries(12):
            client.get(reverse(name))
    many_items(secretariat, plan, commerce, 40)
    for name in ("commission:workplan_overdue", "commission:workplan"):
        with django_assert_max_num_queries(12):
            client.get(reverse(name))


# --- forms ------------------------------------------------------------------------------------


def test_the_secretariat_creates_a_plan_adds_items_and_adopts_it(
    secretariat, commerce, education, confirmed_meeting
):
    assert post(secretariat, "commission:workplan_create", data={
        "year": YEAR, "title": "2099工作要点"}).status_code == 302  # fmt: skip
    response = post(secretariat, "commission:workplan_item_add", YEAR, data={
        "section": "一、开放", "task": "新任务", "lead_unit": commerce.pk,
        "supporting_units": [education.pk], "deadline": TODAY.isoformat(), "another": "1",
    })  # fmt: skip
    assert response.url == reverse("commission:workplan_item_add", args=[YEAR])
    new = WorkItem.objects.get()
    assert (new.number, list(new.supporting_units.all())) == (1, [education])
    post(secretariat, "commission:workplan_adopt", YEAR, data={
        "version": 1, "meeting": confirmed_meeting.pk})  # fmt: skip
    plan = WorkPlan.objects.get()
    assert plan.status == "adopted" and plan.meeting == confirmed_meeting
    _, html = get(secretariat, "commission:workplan_year", YEAR)
    assert confirmed_meeting.title in html and "Adopt the plan" not in html


def test_a_bad_item_form_is_shown_back_with_the_error_at_the_field(secretariat, plan, commerce):
    response = post(secretariat, "commission:workplan_item_add", YEAR, data={
        "task": "任务", "lead_unit": commerce.pk, "supporting_units": [commerce.pk],
        "deadline": dt.date(YEAR + 3, 1, 1).isoformat(),
    })  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200
    assert "cannot also be a supporting unit" in html and "WorkItem" not in html
    assert WorkItem.objects.count() == 3


def test_editing_an_item_with_a_stale_form_is_refused(secretariat, plan, commerce):
    first = item(plan, 1)
    form = {
        "version": 1, "task": "改过的任务", "lead_unit": commerce.pk,
        "deadline": first.deadline.isoformat(), "number": 1,
    }  # fmt: skip
    edit = "commission:workplan_item_edit"
    assert post(secretariat, edit, first.pk, data=form).status_code == 302
    stale = post(secretariat, edit, first.pk, data={**form, "task": "x"})
    assert "Someone else changed this work item" in stale.content.decode()
    assert WorkItem.objects.get(pk=first.pk).task == "改过的任务"


def test_a_liaison_reports_done_with_evidence_that_readers_can_download(
    liaison, secretariat, outsider, plan
):
    first = item(plan, 1)
    _, html = get(liaison, "commission:workplan_item", first.pk)
    assert "Report progress" in html
    url = reverse("commission:workplan_item_report", args=[first.pk])
    missing = client_for(liaison).post(url, {"version": 1, "status": "done", "note": "完成"}, **EN)
    assert missing.status_code == 400 and "Attach the evidence" in missing.content.decode()
    fake = client_for(liaison).post(
        url, {"version": 1, "status": "done", "note": "完成", "evidence": disguised()}, **EN
    )
    assert fake.status_code == 400 and "whatever its name says" in fake.content.decode()
    assert not WorkItemProgress.objects.exists()
    done = client_for(liaison).post(
        url, {"version": 1, "status": "done", "note": "签署备忘录2份", "evidence": png()}
    )
    assert done.status_code == 302
    first.refresh_from_db()
    assert (first.status, first.progress) == ("done", 100)
    progress = WorkItemProgress.objects.get()
    for reader in (secretariat, outsider):  # outsider: education supports the item
        download = client_for(reader).get(
            reverse("commission:workplan_evidence", args=[progress.pk])
        )
        assert download["Content-Type"] == "image/png"
    _, html = get(secretariat, "commission:workplan_item", first.pk)
    assert "签署备忘录2份" in html and "badge-done" in html


def test_the_report_form_is_refused_to_those_who_may_not_report(
    secretariat, outsider, liaison, plan
):
    second = item(plan, 2)  # education's alone
    assert get(liaison, "commission:workplan_item_report", second.pk)[0].status_code == 404
    assert get(secretariat, "commission:workplan_item_report", second.pk)[0].status_code == 403
    assert get(outsider, "commission:workplan_item_report", second.pk)[0].status_code == 200


def test_linking_a_meeting_from_the_item_page_and_the_meeting_lists_the_item(
    secretariat, plan, confirmed_meeting
):
    first = item(plan, 1)
    response = post(secretariat, "commission:workplan_item_link", first.pk, data={
        "meeting": confirmed_meeting.pk, "note": "会议部署"})  # fmt: skip
    assert response.status_code == 302
    _, html = get(secretariat, "commission:workplan_item", first.pk)
    assert confirmed_meeting.title in html and "会议部署" in html
    _, html = get(secretariat, "commission:detail", confirmed_meeting.pk)
    served = html[html.index('id="work-items"') :]
    assert "推动与友城的经贸合作" in served
    link = WorkItemLink.objects.get()
    post(secretariat, "commission:workplan_link_remove", link.pk)
    assert not WorkItemLink.objects.exists()


def test_a_link_to_nothing_or_to_a_hidden_record_is_refused(outsider, plan, draft_meeting):
    first = item(plan, 1)
    response = post(outsider, "commission:workplan_item_link", first.pk, data={})
    assert response.status_code == 400 and "one delegation or one meeting" in (
        response.content.decode()
    )
    hidden = post(outsider, "commission:workplan_item_link", first.pk, data={
        "meeting": draft_meeting.pk})  # fmt: skip
    assert hidden.status_code == 400 and not WorkItemLink.objects.exists()


def test_cancelling_needs_a_reason_and_moves_the_item_out_of_the_counts(secretariat, plan):
    third = item(plan, 3)
    refused = post(secretariat, "commission:workplan_item_cancel", third.pk, data={"version": 1})
    assert refused.status_code == 400
    post(secretariat, "commission:workplan_item_cancel", third.pk, data={
        "version": 1, "reason": "并入第1项"})  # fmt: skip
    assert WorkItem.objects.get(pk=third.pk).status == "cancelled"
    _, html = get(secretariat, "commission:workplan_year", YEAR)
    assert 'id="stat-total">2<' in html and 'id="stat-overdue">0<' in html


def test_an_item_entered_by_mistake_is_removed_from_its_page(secretariat, plan):
    second = item(plan, 2)
    response = post(secretariat, "commission:workplan_item_remove", second.pk, data={"version": 1})
    assert response.url == reverse("commission:workplan_year", args=[YEAR])
    assert not WorkItem.objects.filter(pk=second.pk).exists()


def test_a_liaison_may_not_use_the_secretariats_forms(liaison, plan):
    first = item(plan, 1)
    for name, args in (
        ("commission:workplan_create", ()),
        ("commission:workplan_item_edit", (first.pk,)),
        ("commission:workplan_adopt", (YEAR,)),
    ):
        assert post(liaison, name, *args, data={"version": 1}).status_code == 403
