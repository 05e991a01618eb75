"""services_workplan: the secretariat makes and adopts the plan, units report progress with
evidence and link what served an item; bad input and stale versions save nothing."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.commission.workplan_support import (
    TODAY,
    YEAR,
    disguised,
    english,  # noqa: F401
    item,
    make_plan,
    png,
    report,
)
from tests.delegations.conftest import traveller_of, valid_application
from waishi.commission import services_workplan as services
from waishi.commission.models_workplan import WorkItem, WorkItemLink, WorkItemProgress, WorkPlan
from waishi.core.audit import audit_verify
from waishi.core.models import AuditEvent, OutboxJob
from waishi.delegations.services import delegation_create
from waishi.delegations.workflow import ConflictError

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(secretariat, commerce, education):
    return make_plan(secretariat, commerce, education)


@pytest.fixture
def draft(secretariat, commerce, education):
    return make_plan(secretariat, commerce, education, adopt=False)


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


# --- the plan ---------------------------------------------------------------------------------


def test_the_secretariat_drafts_a_plan_and_every_step_is_in_the_audit_chain(draft):
    assert draft.status == WorkPlan.Status.DRAFT and draft.items.count() == 3
    assert [i.number for i in draft.items.order_by("number")] == [1, 2, 3]
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions == ["workplan.create"] + ["work_item.add"] * 3
    assert audit_verify().ok


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"year": 1999, "title": "工作要点"}, "year"),
        ({"year": YEAR, "title": "   "}, "title"),
    ],
)
def test_a_plan_with_a_bad_year_or_no_title_is_refused(secretariat, fields, field):
    with pytest.raises(ValidationError) as excinfo:
        services.work_plan_create(actor=secretariat, **fields)
    assert field in errors_of(excinfo) and not WorkPlan.objects.exists()


def test_a_second_plan_for_the_same_year_is_refused(secretariat, draft):
    with pytest.raises(ValidationError) as excinfo:
        services.work_plan_create(actor=secretariat, year=YEAR, title="另一份")
    assert "already a work plan" in errors_of(excinfo)["year"][0]
    assert WorkPlan.objects.count() == 1


def test_a_liaison_or_an_inspector_may_not_make_a_plan(liaison, inspector):
    for user in (liaison, inspector):
        with pytest.raises(PermissionDenied):
            services.work_plan_create(actor=user, year=YEAR, title="越权")
    assert not WorkPlan.objects.exists()


def test_adopting_needs_items_and_schedules_the_deadline_reminders(secretariat, draft):
    empty = services.work_plan_create(actor=secretariat, year=YEAR + 1, title="空计划")
    with pytest.raises(ValidationError, match="Add the plan's items"):
        services.work_plan_adopt(actor=secretariat, plan=empty, expected_version=1)
    plan = services.work_plan_adopt(
        actor=secretariat, plan=draft, expected_version=1, adopted_on=TODAY
    )
    assert plan.status == WorkPlan.Status.ADOPTED and plan.adopted_on == TODAY
    keys = set(OutboxJob.objects.values_list("dedupe_key", flat=True))
    first = item(plan, 1)
    assert f"workplan-remind:{first.pk}:{first.deadline}:before" in keys
    assert len(keys) == 6  # before and after, for each of the three items
    with pytest.raises(ConflictError):
        services.work_plan_adopt(actor=secretariat, plan=plan, expected_version=1)


def test_a_plan_is_adopted_at_a_meeting_and_takes_its_date(secretariat, draft, draft_meeting):
    plan = services.work_plan_adopt(
        actor=secretariat, plan=draft, expected_version=1, meeting=draft_meeting
    )
    assert plan.meeting == draft_meeting and plan.adopted_on == draft_meeting.date


def test_a_stale_plan_edit_is_refused_and_keeps_the_first_editors_title(secretariat, draft):
    services.work_plan_update(actor=secretariat, plan=draft, expected_version=1, title="新标题")
    with pytest.raises(ConflictError):
        services.work_plan_update(actor=secretariat, plan=draft, expected_version=1, title="旧")
    assert WorkPlan.objects.get().title == "新标题"


# --- items ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"task": "  "}, "task"),
        ({"deadline": dt.date(YEAR - 1, 12, 31)}, "deadline"),
        ({"deadline": dt.date(YEAR + 2, 1, 1)}, "deadline"),
        ({"deadline": None}, "deadline"),
        ({"number": 2}, "number"),
        ({"number": 0}, "number"),
        ({"lead_unit": None}, "lead_unit"),
        ({"supporting_units": "lead"}, "supporting_units"),
    ],
)
def test_a_bad_item_is_refused_with_the_field_named_and_nothing_saved(
    secretariat, draft, commerce, overrides, field
):
    fields = {"task": "新任务", "lead_unit": commerce, "deadline": TODAY, **overrides}
    if fields.get("supporting_units") == "lead":
        fields["supporting_units"] = [commerce]
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        services.work_item_add(actor=secretariat, plan=draft, **fields)
    assert field in errors_of(excinfo)
    assert draft.items.count() == 3 and AuditEvent.objects.count() == before


def test_an_inactive_unit_cannot_lead_an_item(secretariat, draft, commerce):
    commerce.is_active = False
    commerce.save()
    with pytest.raises(ValidationError) as excinfo:
        services.work_item_add(
            actor=secretariat, plan=draft, task="任务", lead_unit=commerce, deadline=TODAY
        )
    assert "no longer active" in errors_of(excinfo)["lead_unit"][0]


def test_editing_an_item_records_what_changed_and_a_new_deadline_gets_new_reminders(
    secretariat, plan, education
):
    first = item(plan, 1)
    new_deadline = first.deadline + dt.timedelta(days=5)
    services.work_item_update(
        actor=secretariat, item=first, expected_version=1, deadline=new_deadline,
        supporting_units=[],
    )  # fmt: skip
    first.refresh_from_db()
    assert first.version == 2 and not first.supporting_units.exists()
    event = AuditEvent.objects.filter(action="work_item.update").get()
    assert set(event.changes) == {"deadline", "supporting_units"}
    assert event.unit_id == first.lead_unit_id
    assert OutboxJob.objects.filter(dedupe_key__contains=f":{new_deadline}:").count() == 2
    with pytest.raises(ConflictError):
        services.work_item_update(actor=secretariat, item=first, expected_version=1, task="旧")


def test_an_item_someone_reported_on_is_cancelled_not_removed(secretariat, plan, liaison):
    first = item(plan, 1)
    report(liaison, first)
    first.refresh_from_db()
    with pytest.raises(ValidationError, match="cancel it instead"):
        services.work_item_remove(actor=secretariat, item=first, expected_version=first.version)
    with pytest.raises(ValidationError) as excinfo:
        services.work_item_cancel(
            actor=secretariat, item=first, expected_version=first.version, reason=" "
        )
    assert "reason" in errors_of(excinfo)
    services.work_item_cancel(
        actor=secretariat, item=first, expected_version=first.version, reason="任务调整"
    )
    first.refresh_from_db()
    assert first.status == WorkItem.Status.CANCELLED and first.cancel_reason == "任务调整"
    reopened = services.work_item_reopen(
        actor=secretariat, item=first, expected_version=first.version, reason="恢复"
    )
    assert reopened.status == WorkItem.Status.IN_PROGRESS and reopened.cancel_reason == ""


def test_an_item_nobody_touched_is_removed_with_an_audit_event(secretariat, plan):
    second = item(plan, 2)
    services.work_item_remove(actor=secretariat, item=second, expected_version=1)
    assert not WorkItem.objects.filter(pk=second.pk).exists()
    event = AuditEvent.objects.get(action="work_item.remove")
    assert event.changes["task"] == "组织教育国际交流项目"


# --- progress ---------------------------------------------------------------------------------


def test_the_lead_units_liaison_reports_progress_and_moves_the_item(liaison, plan):
    first = item(plan, 1)
    progress = report(liaison, first, percent=40, note="已与两个友城商定合作意向")
    first.refresh_from_db()
    assert (first.status, first.progress, first.version) == ("in_progress", 40, 2)
    assert progress.unit == first.lead_unit and progress.reported_by == liaison
    assert AuditEvent.objects.filter(action="work_item.report").get().changes["percent"] == 40


def test_a_supporting_units_report_is_recorded_and_starts_the_item_but_keeps_its_percent(
    outsider, plan, education
):
    first = item(plan, 1)  # led by commerce, supported by education (the outsider's unit)
    progress = report(outsider, first, percent=90)
    first.refresh_from_db()
    assert progress.unit == education
    assert (first.status, first.progress) == ("in_progress", 0)


def test_only_the_lead_unit_reports_done_and_only_with_genuine_evidence(liaison, outsider, plan):
    first = item(plan, 1)
    with pytest.raises(ValidationError) as excinfo:
        report(outsider, first, status="done", evidence=png())
    assert "Only the lead unit" in errors_of(excinfo)["status"][0]
    with pytest.raises(ValidationError) as excinfo:
        report(liaison, first, status="done")
    assert "evidence" in errors_of(excinfo)
    with pytest.raises(ValidationError, match="whatever its name says"):
        report(liaison, first, status="done", evidence=disguised())
    assert not WorkItemProgress.objects.exists()
    done = report(liaison, first, status="done", percent=70, evidence=png("合影.exe"))
    first.refresh_from_db()
    assert (first.status, first.progress, first.completed_on) == ("done", 100, TODAY)
    stored = done.evidence.name.rsplit("/", 1)[-1]  # storage may add a suffix to keep it unique
    assert stored.startswith("合影") and stored.endswith(".png")
    assert done.content_type == "image/png"
    with pytest.raises(ValidationError, match="no more progress"):
        report(liaison, first)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"percent": 101}, "percent"),
        ({"percent": -1}, "percent"),
        ({"percent": None}, "percent"),
        ({"percent": 100}, "percent"),  # 100 % in progress: report it done instead
        ({"note": "  "}, "note"),
        ({"status": "finished"}, "status"),
    ],
)
def test_a_bad_report_is_refused_and_nothing_is_saved(liaison, plan, fields, field):
    first = item(plan, 1)
    with pytest.raises(ValidationError) as excinfo:
        report(liaison, first, **fields)
    assert field in errors_of(excinfo)
    first.refresh_from_db()
    assert first.version == 1 and not WorkItemProgress.objects.exists()


def test_units_outside_an_item_and_reports_on_a_draft_plan_are_refused(
    liaison, outsider, inspector, plan, draft_plan_of_next_year
):
    second = item(plan, 2)  # led by education: nothing of commerce's
    for user in (liaison, inspector):
        with pytest.raises(PermissionDenied):
            report(user, second)
    with pytest.raises(ValidationError, match="not adopted"):
        report(outsider, item(draft_plan_of_next_year, 2))


@pytest.fixture
def draft_plan_of_next_year(secretariat, commerce, education):
    plan = services.work_plan_create(actor=secretariat, year=YEAR + 1, title="下年度")
    for number in (1, 2):
        services.work_item_add(
            actor=secretariat, plan=plan, task=f"任务{number}", lead_unit=education,
            deadline=dt.date(YEAR + 1, 6, 30),
        )  # fmt: skip
    return plan


def test_a_report_on_a_stale_version_is_refused(liaison, plan):
    first = item(plan, 1)
    report(liaison, first)
    with pytest.raises(ConflictError):
        services.work_item_report(
            actor=liaison, item=first, expected_version=1, percent=60, status="in_progress",
            note="晚到的报告",
        )  # fmt: skip
    assert WorkItemProgress.objects.count() == 1


# --- links ------------------------------------------------------------------------------------


@pytest.fixture
def commerce_trip(commerce, liaison):
    people = [traveller_of(commerce, name="张伟", position="局长")]
    data = valid_application(commerce, people, leave=TODAY + dt.timedelta(days=5))
    return delegation_create(actor=liaison, organising_unit=commerce, **data)


def test_a_liaison_links_its_units_delegation_and_a_meeting_once_each(
    liaison, plan, commerce_trip, confirmed_meeting
):
    first = item(plan, 1)
    link = services.work_item_link(actor=liaison, item=first, delegation=commerce_trip)
    services.work_item_link(actor=liaison, item=first, meeting=confirmed_meeting, note="审议")
    assert link.kind == WorkItemLink.Kind.DELEGATION
    with pytest.raises(ValidationError, match="already linked"):
        services.work_item_link(actor=liaison, item=first, delegation=commerce_trip)
    with pytest.raises(ValidationError, match="one delegation or one meeting"):
        services.work_item_link(
            actor=liaison, item=first, delegation=commerce_trip, meeting=confirmed_meeting
        )
    services.work_item_unlink(actor=liaison, link=link)
    assert list(first.links.values_list("kind", flat=True)) == ["meeting"]
    linking = AuditEvent.objects.filter(action__in=["work_item.link", "work_item.unlink"])
    assert linking.count() == 3


def test_nobody_links_a_record_they_may_not_see(outsider, plan, commerce_trip, draft_meeting):
    first = item(plan, 1)  # education supports it, so its liaison may link …
    with pytest.raises(ValidationError) as excinfo:
        services.work_item_link(actor=outsider, item=first, delegation=commerce_trip)
    assert "delegation" in errors_of(excinfo)  # … but not commerce's delegation
    with pytest.raises(ValidationError) as excinfo:
        services.work_item_link(actor=outsider, item=first, meeting=draft_meeting)
    assert "meeting" in errors_of(excinfo)
    with pytest.raises(PermissionDenied):  # item 3 is commerce's alone
        services.work_item_link(actor=outsider, item=item(plan, 3), meeting=draft_meeting)
    assert not WorkItemLink.objects.exists()
