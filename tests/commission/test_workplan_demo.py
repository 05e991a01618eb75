"""The demo work plans: this year's and last year's, every state, linked, reported by liaisons.

Loaded once for the module on top of the whole demo (the delegations are what the items link
to) and rolled back at the end; each test only reads.
"""

import time

import pytest
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from waishi.commission.demo import load_demo_work_plans
from waishi.commission.demo_workplan import LAST_YEAR, THIS_YEAR
from waishi.commission.models_workplan import WorkItem, WorkItemLink, WorkItemProgress, WorkPlan
from waishi.commission.selectors_workplan import plan_completion, work_items_for_user
from waishi.core.audit import audit_verify
from waishi.core.demo import load_demo
from waishi.core.models import Unit, User
from waishi.core.roles import Role


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo(people=40)  # may already load the work plans (once core/demo.py calls them)
        units = {unit.code: unit for unit in Unit.objects.all()}
        admin = User.objects.get(username="admin")
        started = time.perf_counter()
        load_demo_work_plans(actor=admin, units=units)
        print(f"work plans loaded in {time.perf_counter() - started:.1f} s")
        yield units
        transaction.set_rollback(True)


@pytest.fixture
def items(demo, db):
    return list(WorkItem.objects.select_related("plan", "lead_unit"))


def test_this_years_and_last_years_plans_are_adopted_with_their_items(demo, items):
    year = timezone.localdate().year
    plans = {plan.year: plan for plan in WorkPlan.objects.all()}
    assert set(plans) == {year - 1, year}
    assert all(plan.status == WorkPlan.Status.ADOPTED for plan in plans.values())
    assert len(items) == len(THIS_YEAR) + len(LAST_YEAR) and len(THIS_YEAR) >= 20
    sections = {item.section for item in items if item.plan.year == year}
    assert "一、服务高水平对外开放" in sections and len(sections) == 5


def test_the_demo_shows_done_in_progress_and_overdue_items(demo, items):
    states = {item.state() for item in items}
    assert {"done", "overdue"} <= states
    assert states & {"in_progress", "not_started"}
    last = plan_completion(timezone.localdate().year - 1)
    assert last["done"] >= 10 and last["overdue"] == 2 and last["completion_rate"] > 0.8


def test_done_items_carry_a_completion_report_as_evidence_filed_by_a_liaison(demo, items):
    done = [item for item in items if item.status == WorkItem.Status.DONE]
    assert done
    for item in done:
        report = item.reports.get(status="done")
        assert report.evidence.name.endswith(".docx") and report.size > 0
        assert Role.LIAISON in {a.role for a in report.reported_by.role_assignments.all()}
        assert report.reported_at.date() <= item.deadline
    assert WorkItemProgress.objects.exclude(unit=F("item__lead_unit")).exists(), "supporting"


def test_items_link_to_demo_delegations_and_meetings(demo, items):
    kinds = set(WorkItemLink.objects.values_list("kind", flat=True))
    assert kinds == {"delegation", "meeting"}
    assert WorkItemLink.objects.filter(kind="delegation").count() >= 8


def test_the_demo_liaison_sees_only_the_items_of_its_unit(demo, items):
    liaison = User.objects.get(username="liaison")
    seen = list(work_items_for_user(liaison))
    assert seen and len(seen) < len(items)
    commerce = demo["SWJ"]
    for item in seen:
        units = [item.lead_unit, *item.supporting_units.all()]
        assert any(unit.path.startswith(commerce.path) for unit in units)


def test_the_demo_keeps_the_audit_chain_intact(demo, items):
    assert audit_verify().ok


def test_loading_again_changes_nothing(demo, items):
    admin = User.objects.get(username="admin")
    assert load_demo_work_plans(actor=admin, units=demo) == 0
    assert WorkItem.objects.count() == len(items)
