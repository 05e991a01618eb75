"""Compliance deductions pre-filled from real lifecycle events (passports, report, disclosures,
itinerary, spending, warnings at approval), each with its source; and the evaluator's own
deductions and waivers."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.delegations.conftest import valid_application
from tests.delegations.trip_support import disclose, register_as_planned, shift_into_past
from tests.evaluation.conftest import file_report, open_evaluation, score, self_assess
from waishi.core.models import AuditEvent
from waishi.delegations.rules_trip import trip_deadlines
from waishi.delegations.services_trip import (
    disclosure_record,
    passport_checkin,
    passport_checkout,
    post_disclosure_record,
)
from waishi.evaluation import services
from waishi.evaluation.models import Deduction, EvaluationStatus
from waishi.evaluation.services import InvalidTransition

pytestmark = pytest.mark.usefixtures("english")


def into_the_past(delegation, days_ago: int):
    """Move an approved trip so it came back `days_ago` days ago."""
    return shift_into_past(
        delegation, (delegation.return_china - timezone.localdate()).days + days_ago
    )


def prefilled(evaluation) -> dict[str, Deduction]:
    return {d.source: d for d in evaluation.deductions.filter(prefilled=True)}


def test_a_trip_that_kept_every_rule_has_no_deduction(evaluated_trip):
    evaluation = evaluated_trip(days_ago=2)
    assert not evaluation.deductions.exists()


def test_late_passport_late_report_and_missing_post_trip_disclosure(kit, liaison):
    delegation = kit.approved()
    person = delegation.leader
    checkout = passport_checkout(
        actor=kit.officer, delegation=delegation, person=person, passport=person.passports.get()
    )
    delegation = into_the_past(delegation, 40)
    register_as_planned(delegation, liaison)
    passport_checkin(actor=kit.officer, checkout=checkout)  # today: 33 days after its due day
    file_report(delegation, liaison)
    evaluation = open_evaluation(delegation)

    today, returned = timezone.localdate(), delegation.return_china
    due = trip_deadlines(returned)
    found = prefilled(evaluation)
    assert set(found) == {"passport_late", "report_late", "disclosure_late"}
    passport = found["passport_late"]
    assert passport.points == 3 and passport.prefilled and not passport.waived
    assert passport.source_detail == (
        f"{person.name}: back in custody on {today}, due {due['passport_return']} (33 days late)"
    )
    assert passport.reason == "Passports go back into custody within 7 days of the return."
    assert passport.source_url == reverse("delegations:trip", args=[delegation.pk])
    late = (today - due["trip_report"]).days
    assert found["report_late"].points == 4
    assert found["report_late"].source_detail == (
        f"Trip report filed on {today}, due {due['trip_report']} ({late} days late)"
    )
    report_page = reverse("delegations:trip_report", args=[delegation.pk])
    assert found["report_late"].source_url == report_page
    disclosure_late = (today - due["post_trip_disclosure"]).days
    assert found["disclosure_late"].source_detail == (
        f"Post-trip disclosure still not published, due {due['post_trip_disclosure']} "
        f"({disclosure_late} days late)"
    )
    event = AuditEvent.objects.get(action="evaluation.open")
    assert sorted(event.changes["prefilled"]) == [
        ["disclosure_late", "3.0"],
        ["passport_late", "3.0"],
        ["report_late", "4.0"],
    ]


def test_a_pre_trip_disclosure_moved_after_approval_and_a_late_post_trip_one(kit, liaison):
    delegation = kit.approved()
    record = delegation.pre_trip_disclosure
    today = timezone.localdate()
    disclosure_record(  # corrected after approval: posted the day the trip was approved
        actor=liaison,
        delegation=delegation,
        where="单位公示栏",
        posted_on=today,
        expected_version=record.version,
    )
    delegation = into_the_past(delegation, 40)
    register_as_planned(delegation, liaison)
    post_disclosure_record(actor=liaison, delegation=delegation, where="门户网站", posted_on=today)
    file_report(delegation, liaison)
    evaluation = open_evaluation(delegation)
    due = trip_deadlines(delegation.return_china)["post_trip_disclosure"]
    detail = prefilled(evaluation)["disclosure_late"].source_detail
    assert detail == (
        f"Pre-trip disclosure posted on {today} was up for 0 of 5 working days before the "
        f"approval on {today}；Post-trip disclosure published on {today}, due {due} "
        f"({(today - due).days} days late)"
    )


def test_itinerary_deviations_and_spending_over_budget_and_standard(kit, liaison):
    delegation = into_the_past(kit.approved(), 10)
    back = delegation.return_china + dt.timedelta(days=2)
    stops = [
        {"country": "DE", "city": "Hamburg", "arrive": delegation.leave_china, "depart": back},
        {"country": "FR", "city": "Paris", "arrive": back, "depart": back},
    ]
    register_as_planned(delegation, liaison, returned_on=back, stops=stops)
    spending = [{"kind": "lodging", "amount": "2000", "currency": "EUR"}]
    file_report(delegation, liaison, spending=spending)
    evaluation = open_evaluation(delegation)
    found = prefilled(evaluation)
    assert set(found) == {"itinerary_deviation", "over_standard"}
    deviation = found["itinerary_deviation"]
    assert deviation.points == 5
    assert "Visited France, which was not approved." in deviation.source_detail
    assert "Returned on" in deviation.source_detail
    over = found["over_standard"]
    assert over.points == 5
    lines = over.source_detail.split("；")
    assert lines[0] == "Lodging: spent 2,000.00 EUR against an approved 500.00"
    assert lines[1].startswith("Lodging: 2,000.00 EUR spent against a standard of ")
    assert lines[1].endswith(" over)")
    assert evaluation.main_country.code == "DE"  # the most nights, as travelled


def test_a_warning_overridden_at_approval_is_deducted_with_its_justification(
    make_delegation, act, liaison, commerce
):
    soon = valid_application(commerce, [], leave=timezone.localdate() + dt.timedelta(days=20))
    delegation = make_delegation(
        **{key: soon[key] for key in ("leave_china", "return_china", "stops", "schedule")}
    )
    disclose(delegation, liaison)
    act(delegation, "submit", justifications={"lead_time": "对方会期临时提前"})
    for action in ("head_sign", "review_pass", "approve"):
        act(delegation, action)
    delegation.refresh_from_db()
    delegation = into_the_past(delegation, 3)
    register_as_planned(delegation, liaison)
    file_report(delegation, liaison)
    evaluation = open_evaluation(delegation)
    (deduction,) = evaluation.deductions.all()
    finding = delegation.justifications.get(rule="lead_time").finding
    assert deduction.source == "warning_overridden" and deduction.points == 2
    assert deduction.source_detail == f"{finding} (justified: 对方会期临时提前)"
    assert deduction.source_url == reverse("delegations:detail", args=[delegation.pk])


# --- the evaluator's own deductions --------------------------------------------------------------


@pytest.fixture
def late_trip(kit, liaison):
    """An evaluation with one pre-filled deduction: the trip report filed late (4 points)."""
    delegation = into_the_past(kit.approved(), 40)
    register_as_planned(delegation, liaison)
    post_disclosure_record(
        actor=liaison,
        delegation=delegation,
        where="门户网站",
        posted_on=delegation.return_china + dt.timedelta(days=3),
    )
    file_report(delegation, liaison)
    return open_evaluation(delegation)


def test_the_evaluator_adds_and_waives_deductions_with_reasons(
    late_trip, liaison, evaluator, second_evaluator
):
    evaluation = late_trip
    self_assess(evaluation, liaison)
    added = services.deduction_add(
        actor=evaluator,
        evaluation=evaluation,
        source="discipline",
        points=Decimal("1.5"),
        reason="在外期间未按规定报告行程变化",
    )
    assert not added.prefilled and added.created_by == evaluator
    report_late = evaluation.deductions.get(source="report_late")
    services.deduction_waive(actor=evaluator, deduction=report_late, reason="系统故障导致延误")
    report_late.refresh_from_db()
    assert report_late.waived and report_late.waived_reason == "系统故障导致延误"
    with pytest.raises(InvalidTransition):
        services.deduction_waive(actor=evaluator, deduction=report_late, reason="再次")
    evaluation = score(evaluation, evaluator, objectives_met=Decimal(0), partners=Decimal(0))
    assert evaluation.group_points["compliance"] == "18.5"  # 20 − 1.5; the waived 4 not taken
    assert (evaluation.total, evaluation.status) == (Decimal("70.5"), "completed")
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert "evaluation.deduction_add" in actions and "evaluation.deduction_waive" in actions


def test_a_deduction_while_a_second_evaluator_looks_recomputes_the_total(
    late_trip, liaison, evaluator, second_evaluator
):
    evaluation = late_trip
    self_assess(evaluation, liaison)
    evaluation = score(evaluation, evaluator, objectives_met=0, projects_amounts=0, partners=2)
    assert (evaluation.status, evaluation.total) == (
        EvaluationStatus.AWAITING_SECOND,
        Decimal(100 - 20 - 12 - 6 - 4),
    )
    with pytest.raises(PermissionDenied):  # the first evaluator's part is done
        services.deduction_add(
            actor=evaluator, evaluation=evaluation, source="other", points=1, reason="x"
        )
    services.deduction_add(
        actor=second_evaluator,
        evaluation=evaluation,
        source="other",
        points=Decimal(2),
        reason="未按时提交费用单据",
    )
    evaluation.refresh_from_db()
    assert evaluation.total == Decimal(56) and evaluation.group_points["compliance"] == "14.0"


def test_bad_deductions_are_refused_and_nothing_is_saved(late_trip, liaison, evaluator):
    evaluation = late_trip
    before = evaluation.deductions.count()
    for points in (0, -1, 25, Decimal("1.25"), "abc"):
        with pytest.raises(ValidationError) as refused:
            services.deduction_add(
                actor=evaluator, evaluation=evaluation, source="other", points=points, reason="r"
            )
        assert set(refused.value.message_dict) == {"points"}
    with pytest.raises(ValidationError) as refused:
        services.deduction_add(
            actor=evaluator, evaluation=evaluation, source="bribery", points=1, reason=""
        )
    assert set(refused.value.message_dict) == {"source", "reason"}
    with pytest.raises(PermissionDenied):
        services.deduction_add(
            actor=liaison, evaluation=evaluation, source="other", points=1, reason="r"
        )
    with pytest.raises(ValidationError):
        services.deduction_waive(
            actor=evaluator, deduction=evaluation.deductions.first(), reason=" "
        )
    assert evaluation.deductions.count() == before
    assert not evaluation.deductions.filter(waived=True).exists()


def test_deductions_are_closed_once_the_evaluation_is_completed(late_trip, liaison, evaluator):
    evaluation = late_trip
    self_assess(evaluation, liaison)
    score(evaluation, evaluator)
    with pytest.raises(InvalidTransition):
        services.deduction_add(
            actor=evaluator, evaluation=evaluation, source="other", points=1, reason="r"
        )
