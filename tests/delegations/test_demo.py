"""The demo delegations: every state, a history that holds together, and the right people see them.

Loaded once for the module (about ten seconds through the real services) and rolled back at the
end; each test only reads.
"""

import datetime as dt
import random

import pytest
from django.db import transaction
from django.utils import timezone

from waishi.core.audit import audit_verify
from waishi.core.demo import load_demo
from waishi.core.models import AuditEvent, Unit, User
from waishi.delegations import checks
from waishi.delegations.demo import load_demo_delegations
from waishi.delegations.models import Delegation, PolicyJustification, Status
from waishi.delegations.models_trip import PassportCheckout, ReturnRegistration, TripReport
from waishi.delegations.rules_trip import overdue_items, unit_blocked
from waishi.delegations.selectors import delegations_for_user

APPROVED_AND_AFTER = (
    Status.APPROVED,
    Status.ABROAD,
    Status.RETURNED_HOME,
    Status.REPORT_FILED,
    Status.EVALUATED,
    Status.ARCHIVED,
)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo(people=60)  # may already load the delegations (the demo's own hook)
        units = {unit.code: unit for unit in Unit.objects.all()}
        admin = User.objects.get(username="admin")
        load_demo_delegations(actor=admin, units=units, rng=random.Random(2026))
        yield units
        transaction.set_rollback(True)


@pytest.fixture
def delegations(demo, db):
    return list(Delegation.objects.select_related("organising_unit"))


def in_subtree(delegation, unit):
    return delegation.organising_unit.path.startswith(unit.path)


def test_the_demo_shows_about_forty_delegations_in_every_workflow_state(demo, delegations):
    assert 38 <= len(delegations) <= 50
    assert {d.status for d in delegations} == set(Status.values)
    commerce = [d for d in delegations if in_subtree(d, demo["SWJ"])]
    assert {d.status for d in commerce} == set(Status.values), "the demo liaison sees each state"


def test_the_trips_span_three_years_back_and_the_coming_months_on_five_continents(delegations):
    today = timezone.localdate()
    leaves = [d.leave_china for d in delegations]
    assert min(leaves) < today - dt.timedelta(days=900)
    assert max(leaves) > today + dt.timedelta(days=90)
    countries = {str(stop.country) for d in delegations for stop in d.stops.all()}
    for region in ({"DE", "NL", "FR"}, {"KZ", "UZ"}, {"JP", "KR"}, {"KE", "ET"}, {"BR", "CL"}):
        assert region <= countries


def test_the_audit_chain_verifies_after_the_demo_delegations_are_written(delegations):
    result = audit_verify()
    assert result.ok, result.problem
    written = AuditEvent.objects.filter(action__startswith="delegation.")
    assert written.count() > 500 and result.checked == AuditEvent.objects.count()


def test_no_delegation_that_passed_submission_stands_on_a_blocking_finding(delegations):
    for delegation in delegations:
        for event in delegation.events.exclude(findings=None):
            blocks = [f for f in event.findings["findings"] if f["severity"] == "block"]
            assert not blocks, (delegation.title, event.action, blocks)
        if delegation.status in APPROVED_AND_AFTER:
            now = checks.policy_check(delegation, submitted_on=delegation.submitted_at.date())
            assert not checks.blocking(now), (delegation.title, checks.blocking(now))


def test_every_warning_at_submission_has_a_written_justification(delegations):
    justified = 0
    for delegation in delegations:
        submitted = delegation.events.filter(action="submit").last()
        if submitted is None:
            continue
        warned = {f["rule"] for f in submitted.findings["findings"] if f["severity"] == "warn"}
        rules = set(delegation.justifications.values_list("rule", flat=True))
        assert warned <= rules, (delegation.title, warned - rules)
        justified += len(warned)
    assert justified >= 3
    assert PolicyJustification.objects.filter(rule="lead_time").exists()


def test_a_draft_shows_its_blocking_finding_live(delegations):
    drafts = [d for d in delegations if d.status == Status.DRAFT]
    findings = [f.rule for d in drafts for f in checks.blocking(checks.policy_check(d))]
    assert "countries" in findings


def test_the_history_reads_like_real_time(delegations):
    for d in delegations:
        if d.status not in APPROVED_AND_AFTER:
            continue
        assert d.submitted_at < d.approved_at
        assert d.approved_at.date() < d.leave_china
        assert str(timezone.localtime(d.approved_at).year) in d.approval_number
        lead = (d.leave_china - timezone.localdate(d.submitted_at)).days
        justified = d.justifications.filter(rule="lead_time").exists()
        assert lead >= 60 or justified, d.title
        if d.status not in (Status.APPROVED, Status.ABROAD):
            assert d.returned_at is not None and d.returned_at >= d.return_china


def test_trips_that_came_home_have_their_return_and_filed_trips_a_complete_report(delegations):
    home = [d for d in delegations if d.returned_at is not None]
    assert home and all(ReturnRegistration.objects.filter(delegation=d).exists() for d in home)
    assert any(r.deviations for r in ReturnRegistration.objects.all()), "a late return is flagged"
    for d in delegations:
        if d.status in (Status.REPORT_FILED, Status.EVALUATED, Status.ARCHIVED):
            report = TripReport.objects.get(delegation=d)
            assert report.compliance_declared
            assert report.results.count() == d.objectives.count()


def test_overdue_items_show_a_passport_not_back_and_a_late_report_and_block_one_unit(demo, db):
    today = timezone.localdate()
    kinds = {item.kind for item in overdue_items(today, grace=0)}
    assert {"passport_return", "trip_report"} <= kinds
    assert PassportCheckout.objects.filter(checked_in_at=None).exists()
    assert unit_blocked(demo["LJX"], today), "临江县's report is over a month late"
    assert not unit_blocked(demo["SWJ"], today)


def test_the_liaison_sees_the_commerce_bureau_delegations_and_no_others(demo, delegations):
    liaison = User.objects.get(username="liaison")
    seen = set(delegations_for_user(liaison).values_list("pk", flat=True))
    commerce = {d.pk for d in delegations if in_subtree(d, demo["SWJ"])}
    assert seen == commerce
    education = User.objects.get(username="jyj-liaison")
    theirs = set(delegations_for_user(education).values_list("pk", flat=True))
    assert theirs and not theirs & commerce
    inspector = User.objects.get(username="inspector")
    assert delegations_for_user(inspector).count() == len(delegations)


def test_loading_the_demo_delegations_again_adds_nothing(demo, delegations):
    admin = User.objects.get(username="admin")
    assert load_demo_delegations(actor=admin, units=demo, rng=random.Random(1)) == 0
    assert Delegation.objects.count() == len(delegations)


def test_the_demo_traveller_sees_a_trip_of_their_own(demo, db):
    from waishi.delegations.selectors import delegations_for_user

    traveller = User.objects.get(username="traveller")
    own = Delegation.objects.filter(members__person__user=traveller)
    assert own.exists()
    assert set(own) <= set(delegations_for_user(traveller))
