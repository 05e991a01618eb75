"""Reads of the evaluation app, scoped to the user.

Who reads an evaluation: the liaisons and head of the organising unit (its subtree), the
evaluators of the units they are granted, the inspector and the administrator citywide, and the
delegation leader's own account. Everyone else gets 404.

Who may act (the services ask the same questions):
    self-assessment   the delegation leader's account, or a liaison of the organising unit
    scores            an evaluator covering the organising unit
    second scores     such an evaluator other than the first
    follow-ups        a liaison of the organising unit
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from waishi.core.access import unit_scope_q, user_is_active
from waishi.core.models import Unit
from waishi.core.roles import Role
from waishi.delegations.models_trip import ReturnRegistration, TripReport
from waishi.delegations.selectors_trip import deviation_text, spending_rows
from waishi.delegations.workflow import covers
from waishi.evaluation.models import (
    Deduction,
    Evaluation,
    EvaluationStatus,
    FollowUpRound,
    FollowUpStatus,
    IndicatorScore,
    RubricVersion,
)
from waishi.people.models import Person

READER_ROLES = frozenset(
    {Role.LIAISON, Role.UNIT_HEAD, Role.EVALUATOR, Role.INSPECTOR, Role.ADMINISTRATOR}
)
E = EvaluationStatus


# --- rubric ------------------------------------------------------------------------------------


def active_rubric() -> RubricVersion:
    """The rubric version in force (the shipped default is put in force on first use)."""
    active = RubricVersion.objects.filter(is_active=True).first()
    if active is not None:
        return active
    from waishi.evaluation.services import rubric_ensure_default  # services read these selectors

    return rubric_ensure_default()


def rubric_versions() -> QuerySet:
    """Every rubric version, newest first (the rubric is public to every signed-in user)."""
    return RubricVersion.objects.select_related("created_by").order_by("-number")


# --- scope -------------------------------------------------------------------------------------


def scope_q(user) -> Q:
    """The evaluations `user` may read; Q() when the user reads every one."""
    if not user_is_active(user):
        return Q(pk__in=[])
    units_q = unit_scope_q(user, field="", roles=READER_ROLES)
    if not units_q:
        return Q()  # citywide: an empty Q (OR-ing would narrow it)
    # Unit ids read first: an IN list keeps the list on its (unit, year) index.
    units = list(Unit.objects.filter(units_q).values_list("pk", flat=True))
    q = Q(organising_unit_id__in=units)
    led = list(Person.objects.filter(user=user).values_list("pk", flat=True))
    return q | Q(delegation__leader_id__in=led) if led else q


def evaluations_for(user) -> QuerySet:
    """The evaluations `user` may read, newest first, with delegation, unit and rubric."""
    return (
        Evaluation.objects.filter(scope_q(user))
        .select_related("delegation", "organising_unit", "rubric")
        .order_by("-opened_at", "-pk")
    )


def evaluations_filtered(
    user, *, year=None, grade=None, unit: Unit | None = None, status=None
) -> QuerySet:
    """evaluations_for with the list's filters; `unit` includes its sub-units."""
    qs = evaluations_for(user)
    if year:
        qs = qs.filter(year=year)
    if grade:
        qs = qs.filter(grade=grade)
    if status:
        qs = qs.filter(status=status)
    if unit is not None:
        qs = qs.filter(organising_unit__path__startswith=unit.path)
    return qs


def evaluation_for(user, pk) -> Evaluation:
    """One evaluation with what its page shows; 404 outside the user's scope."""
    qs = evaluations_for(user).select_related(
        "delegation__leader",
        "self_assessed_by",
        "evaluator",
        "second_evaluator",
    )
    qs = qs.prefetch_related(
        Prefetch("scores", queryset=IndicatorScore.objects.order_by("stage", "pk")),
        Prefetch("deductions", queryset=Deduction.objects.select_related("created_by")),
        Prefetch(
            "follow_up_rounds",
            queryset=FollowUpRound.objects.select_related("submitted_by")
            .prefetch_related("results")
            .order_by("months"),
        ),
    )
    return get_object_or_404(qs, pk=pk)


def scores_by_stage(evaluation: Evaluation) -> dict[str, dict[str, IndicatorScore]]:
    """{stage: {indicator code: score}} for the stages that have scores."""
    stages: dict[str, dict[str, IndicatorScore]] = {}
    for score in evaluation.scores.all():
        stages.setdefault(score.stage, {})[score.indicator] = score
    return stages


def report_evidence(evaluation: Evaluation) -> dict:
    """The trip report's parts an evaluator cites: objectives and their results, agreements,
    projects and amounts, partners, follow-up plans, spending against the budget, deviations."""
    delegation = evaluation.delegation
    report = (
        TripReport.objects.filter(delegation=delegation)
        .prefetch_related("results", "agreements", "projects", "partners", "follow_ups")
        .first()
    )
    registration = ReturnRegistration.objects.filter(delegation=delegation).first()
    return {
        "report": report,
        "summary": report.summary if report else "",
        "results": list(report.results.all()) if report else [],
        "agreements": list(report.agreements.all()) if report else [],
        "projects": list(report.projects.all()) if report else [],
        "partners": list(report.partners.all()) if report else [],
        "follow_ups": list(report.follow_ups.all()) if report else [],
        "spending": spending_rows(delegation, report),
        "deviations": [deviation_text(d) for d in registration.deviations] if registration else [],
    }


# --- who may act -------------------------------------------------------------------------------


def is_self_assessor(user, evaluation: Evaluation) -> bool:
    """The delegation leader's own account, or a liaison of the organising unit."""
    if not user_is_active(user):
        return False
    leader = evaluation.delegation.leader
    if leader is not None and leader.user_id is not None and leader.user_id == user.pk:
        return True
    return covers(user, evaluation.organising_unit, (Role.LIAISON,))


def is_evaluator(user, evaluation: Evaluation) -> bool:
    return covers(user, evaluation.organising_unit, (Role.EVALUATOR,))


def is_follow_up_writer(user, evaluation: Evaluation) -> bool:
    return covers(user, evaluation.organising_unit, (Role.LIAISON,))


def can_self_assess(user, evaluation: Evaluation) -> bool:
    return evaluation.status == E.AWAITING_SELF and is_self_assessor(user, evaluation)


def can_score(user, evaluation: Evaluation) -> bool:
    return evaluation.status == E.AWAITING_EVALUATOR and is_evaluator(user, evaluation)


def can_second(user, evaluation: Evaluation) -> bool:
    return (
        evaluation.status == E.AWAITING_SECOND
        and is_evaluator(user, evaluation)
        and user.pk != evaluation.evaluator_id
    )


def can_change_deductions(user, evaluation: Evaluation) -> bool:
    """While open: any evaluator of the unit; awaiting the second evaluator, only such a one."""
    if evaluation.status == E.AWAITING_SECOND:
        return can_second(user, evaluation)
    return evaluation.status in (E.AWAITING_SELF, E.AWAITING_EVALUATOR) and is_evaluator(
        user, evaluation
    )


def can_follow_up(user, round: FollowUpRound) -> bool:
    evaluation = round.evaluation
    return evaluation.status == E.COMPLETED and is_follow_up_writer(user, evaluation)


def follow_ups_due(user) -> QuerySet:
    """Scheduled follow-up rounds of the evaluations the user reads, soonest due first."""
    return (
        FollowUpRound.objects.filter(
            status=FollowUpStatus.SCHEDULED,
            evaluation__in=Evaluation.objects.filter(scope_q(user)).values("pk"),
        )
        .select_related("evaluation__delegation", "evaluation__organising_unit")
        .order_by("due_on", "pk")
    )
