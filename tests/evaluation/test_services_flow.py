"""The evaluation's flow: opened by the filed report, self-assessed, scored, perhaps seen by a
second evaluator, completed with the delegation's `evaluate` action and two follow-up rounds."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.evaluation.conftest import (
    file_report,
    link_leader,
    returned_trip,
    score,
    scores,
    self_assess,
)
from waishi.core.models import AuditEvent, OutboxJob
from waishi.delegations.models import Status
from waishi.delegations.rules_trip import add_months
from waishi.evaluation import services
from waishi.evaluation.models import (
    Evaluation,
    EvaluationStatus,
    FollowUpRound,
    IndicatorScore,
    ResultKind,
)
from waishi.evaluation.services import ConflictError, InvalidTransition

pytestmark = pytest.mark.usefixtures("english")
E = EvaluationStatus


def test_filing_the_report_opens_the_evaluation_with_the_trip_s_figures(evaluated_trip):
    evaluation = evaluated_trip()
    delegation = evaluation.delegation
    assert evaluation.status == E.AWAITING_SELF and evaluation.rubric.number == 1
    assert evaluation.organising_unit == delegation.organising_unit
    assert evaluation.year == delegation.returned_at.year
    assert evaluation.trip_type == "visit" and evaluation.main_country.code == "DE"
    # 450 EUR lodging and a 1,000,000 EUR project, at the demo rate of the day they left.
    rate = {2024: Decimal("7.80"), 2025: Decimal("7.50"), 2026: Decimal("8.20")}
    day_rate = rate[max(y for y in rate if dt.date(y, 1, 1) <= delegation.departed_on)]
    assert evaluation.spent_cny == Decimal(450) * day_rate
    assert evaluation.amount_cny == Decimal(1_000_000) * day_rate
    assert evaluation.agreements_count == 1
    assert AuditEvent.objects.filter(action="evaluation.open", actor_name="system").exists()
    assert OutboxJob.objects.filter(kind="evaluation.notify", payload__event="open").exists()


def test_opening_twice_keeps_the_one_evaluation(evaluated_trip, evaluator):
    evaluation = evaluated_trip()
    again = services.evaluation_open(delegation=evaluation.delegation, actor=evaluator)
    assert again == evaluation and Evaluation.objects.count() == 1


def test_a_delegation_without_a_filed_report_is_not_evaluated(kit, evaluator):
    delegation = returned_trip(kit)
    with pytest.raises(ValidationError) as refused:
        services.evaluation_open(delegation=delegation, actor=evaluator)
    assert "has no filed trip report" in refused.value.messages[0]
    assert not Evaluation.objects.exists()


def test_only_an_evaluator_or_administrator_opens_an_evaluation_by_hand(kit, liaison, outsider):
    delegation = file_report(returned_trip(kit), liaison)
    for actor in (liaison, outsider):
        with pytest.raises(PermissionDenied):
            services.evaluation_open(delegation=delegation, actor=actor)


def test_the_whole_way_with_full_marks_completes_and_schedules_follow_ups(
    evaluated_trip, liaison, evaluator
):
    evaluation = evaluated_trip()
    evaluation = self_assess(evaluation, liaison, objectives_met=Decimal(18))
    assert evaluation.status == E.AWAITING_EVALUATOR and evaluation.self_assessed_by == liaison
    evaluation = score(evaluation, evaluator)
    assert evaluation.status == E.COMPLETED and evaluation.completed_at
    assert (evaluation.total, evaluation.grade) == (Decimal(100), "excellent")
    assert evaluation.group_points == {
        "objectives": "30.0",
        "results": "30.0",
        "compliance": "20.0",
        "follow_through": "20.0",
    }
    delegation = evaluation.delegation
    delegation.refresh_from_db()
    assert delegation.status == Status.EVALUATED and delegation.evaluated_at
    assert delegation.events.filter(action="evaluate").exists()
    rounds = list(FollowUpRound.objects.filter(evaluation=evaluation).order_by("months"))
    assert [(r.months, r.due_on) for r in rounds] == [
        (6, add_months(delegation.returned_at, 6)),
        (12, add_months(delegation.returned_at, 12)),
    ]
    kinds = sorted(rounds[0].results.values_list("kind", flat=True))
    assert kinds == sorted(
        [ResultKind.OBJECTIVE] * 2
        + [ResultKind.AGREEMENT, ResultKind.PROJECT, ResultKind.PARTNER, ResultKind.PLAN]
    )
    assert rounds[0].result_count == 6
    stages = set(evaluation.scores.values_list("stage", flat=True))
    assert stages == {"self", "first"}
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"evaluation.self_assess", "evaluation.score", "evaluation.complete"} <= actions


def test_the_leader_s_own_account_writes_the_self_assessment(evaluated_trip, admin_user, commerce):
    evaluation = evaluated_trip()
    leader = link_leader(evaluation, admin_user)
    evaluation = self_assess(evaluation, leader)
    assert evaluation.self_assessed_by == leader


def test_someone_else_may_not_self_assess_or_score(evaluated_trip, outsider, head, evaluator):
    evaluation = evaluated_trip()
    for actor in (outsider, head, evaluator):
        with pytest.raises(PermissionDenied):
            self_assess(evaluation, actor)
    with pytest.raises(InvalidTransition):
        score(evaluation, evaluator)  # the self-assessment comes first
    self_assess(evaluation, evaluation.delegation.created_by)
    for actor in (outsider, head, evaluation.delegation.created_by):
        with pytest.raises(PermissionDenied):
            score(evaluation, actor)


def test_a_stale_version_is_a_conflict(evaluated_trip, liaison, evaluator):
    evaluation = evaluated_trip()
    stale = evaluation.version
    self_assess(evaluation, liaison)
    with pytest.raises(ConflictError):
        services.evaluation_score(
            actor=evaluator,
            evaluation=evaluation,
            expected_version=stale,
            scores=scores(evaluation),
            comment="",
        )


def test_bad_scores_are_refused_naming_the_indicator_and_nothing_is_saved(
    evaluated_trip, liaison, evaluator
):
    evaluation = evaluated_trip()
    self_assess(evaluation, liaison)
    evaluation.refresh_from_db()
    bad = scores(evaluation, objectives_met=Decimal(25), partners=Decimal("3.3"))
    bad.pop("agreements")
    bad["schedule_executed"] = (Decimal(10), "")
    bad["invented"] = (Decimal(1), "x")
    with pytest.raises(ValidationError) as refused:
        services.evaluation_score(
            actor=evaluator,
            evaluation=evaluation,
            expected_version=evaluation.version,
            scores=bad,
            comment="",
        )
    errors = refused.value.message_dict
    named = {"objectives_met", "partners", "agreements", "schedule_executed", "invented"}
    assert set(errors) == named
    assert "between 0 and 20" in errors["objectives_met"][0]
    assert "cite the evidence" in errors["schedule_executed"][0]
    evaluation.refresh_from_db()
    assert evaluation.status == E.AWAITING_EVALUATOR and evaluation.total is None
    assert not IndicatorScore.objects.filter(evaluation=evaluation, stage="first").exists()


def test_a_self_assessment_without_text_is_refused(evaluated_trip, liaison):
    evaluation = evaluated_trip()
    with pytest.raises(ValidationError) as refused:
        services.evaluation_self_assess(
            actor=liaison,
            evaluation=evaluation,
            expected_version=evaluation.version,
            text="  ",
            scores=scores(evaluation),
        )
    assert "text" in refused.value.message_dict
    evaluation.refresh_from_db()
    assert evaluation.status == E.AWAITING_SELF and not evaluation.scores.exists()


def test_a_low_total_needs_a_different_second_evaluator(
    evaluated_trip, liaison, evaluator, second_evaluator
):
    evaluation = evaluated_trip()
    self_assess(evaluation, liaison)
    low = {"objectives_met": 0, "agreements": 0, "projects_amounts": 2, "partners": 3}
    evaluation = score(evaluation, evaluator, **low)
    assert (evaluation.status, evaluation.total, evaluation.grade) == (
        E.AWAITING_SECOND,
        Decimal(55),
        "fail",
    )
    assert evaluation.delegation.status == Status.REPORT_FILED
    with pytest.raises(PermissionDenied):
        services.evaluation_second(
            actor=evaluator,
            evaluation=evaluation,
            expected_version=evaluation.version,
            scores=None,
            comment="同意",
        )
    with pytest.raises(ValidationError) as refused:
        services.evaluation_second(
            actor=second_evaluator,
            evaluation=evaluation,
            expected_version=evaluation.version,
            scores=None,
            comment="",
        )
    assert "comment" in refused.value.message_dict
    evaluation = services.evaluation_second(
        actor=second_evaluator,
        evaluation=evaluation,
        expected_version=evaluation.version,
        scores={"agreements": (Decimal(8), "报告列有备忘录一份")},
        comment="协议成果被低估，调整。",
    )
    assert (evaluation.status, evaluation.total, evaluation.grade) == (
        E.COMPLETED,
        Decimal(63),
        "pass",
    )
    assert evaluation.second_evaluator == second_evaluator
    evaluation.delegation.refresh_from_db()
    assert evaluation.delegation.status == Status.EVALUATED
    event = AuditEvent.objects.get(action="evaluation.second")
    assert event.changes["before"]["total"] == "55.0" and event.changes["after"]["total"] == "63.0"


def test_a_second_evaluator_may_just_confirm(evaluated_trip, liaison, evaluator, second_evaluator):
    evaluation = evaluated_trip()
    self_assess(evaluation, liaison)
    low = {"objectives_met": 0, "projects_amounts": 0, "schedule_executed": 0}
    evaluation = score(evaluation, evaluator, **low)
    assert evaluation.status == E.AWAITING_SECOND
    evaluation = services.evaluation_second(
        actor=second_evaluator,
        evaluation=evaluation,
        expected_version=evaluation.version,
        scores=None,
        comment="同意初评。",
    )
    assert (evaluation.status, evaluation.total, evaluation.grade) == (E.COMPLETED, 58, "fail")


def test_a_veto_fails_whatever_the_total_and_needs_a_second_look(
    evaluated_trip, liaison, evaluator, second_evaluator
):
    evaluation = evaluated_trip()
    self_assess(evaluation, liaison)
    with pytest.raises(ValidationError) as refused:
        score(evaluation, evaluator, veto_code="serious_discipline")
    assert "veto_reason" in refused.value.message_dict
    with pytest.raises(ValidationError):
        score(evaluation, evaluator, veto_code="made_up", veto_reason="x")
    evaluation = score(
        evaluation, evaluator, veto_code="serious_discipline", veto_reason="擅自延长行程并游览"
    )
    assert (evaluation.status, evaluation.total, evaluation.grade) == (
        E.AWAITING_SECOND,
        Decimal(100),
        "fail",
    )
    evaluation = services.evaluation_second(
        actor=second_evaluator,
        evaluation=evaluation,
        expected_version=evaluation.version,
        scores=None,
        comment="同意否决。",
    )
    assert evaluation.grade == "fail" and evaluation.vetoed


def test_a_completed_evaluation_takes_no_more_scores(completed, evaluator, second_evaluator):
    evaluation = completed()
    with pytest.raises(InvalidTransition):
        score(evaluation, evaluator)
    with pytest.raises(InvalidTransition):
        services.evaluation_second(
            actor=second_evaluator,
            evaluation=evaluation,
            expected_version=evaluation.version,
            scores=None,
            comment="x",
        )
