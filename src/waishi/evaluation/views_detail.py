"""One evaluation's page, assembled: the delegation, the trip report's evidence (beside the
forms, for citing), the points of every stage, the deductions with their sources, the outcome,
the follow-up rounds, and the forms of what this user may do now (selectors.can_*).

`detail_page(request, evaluation, forms=..., conflict=...)` is also how the posting views show a
form again with the user's input and its errors, or after a conflict, so nothing typed is lost.
"""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from waishi.evaluation import presentation, selectors
from waishi.evaluation.forms import (
    DeductionAddForm,
    DeductionWaiveForm,
    EvaluatorForm,
    SecondEvaluatorForm,
    SelfAssessmentForm,
)
from waishi.evaluation.models import EvaluationStatus, FollowUpStatus, ScoreStage
from waishi.evaluation.report_docx import final_scores

FORM_STAGES = {"self": ScoreStage.SELF, "score": ScoreStage.FIRST, "second": ScoreStage.SECOND}


def _initial(scores: dict) -> dict:
    return {code: (score.points, score.evidence) for code, score in scores.items()}


def _score_rows(body: dict, stages: dict) -> list[dict]:
    """One row per scored indicator: its maximum and the points of each stage."""
    counted = final_scores(stages)
    rows = []
    for group, indicator in presentation.scored_indicators(body):
        code = indicator["code"]
        rows.append(
            {
                "group": presentation.localized(group, "title"),
                "code": code,
                "title": presentation.localized(indicator, "title"),
                "max": presentation.number(indicator.get("max", 0)),
                "self": stages.get(ScoreStage.SELF, {}).get(code),
                "first": stages.get(ScoreStage.FIRST, {}).get(code),
                "second": stages.get(ScoreStage.SECOND, {}).get(code),
                "counted": counted.get(code),
            }
        )
    return rows


def _group_rows(evaluation, body: dict) -> list[dict]:
    points = evaluation.group_points or {}
    return [
        {
            "code": group["code"],
            "kind": group.get("kind"),
            "title": presentation.localized(group, "title"),
            "weight": presentation.number(group.get("weight", 0)),
            "points": presentation.number(points[group["code"]])
            if points.get(group["code"]) is not None
            else None,
        }
        for group in presentation.groups(body)
    ]


def _may(user, evaluation) -> dict[str, bool]:
    return {
        "self": selectors.can_self_assess(user, evaluation),
        "score": selectors.can_score(user, evaluation),
        "second": selectors.can_second(user, evaluation),
        "deductions": selectors.can_change_deductions(user, evaluation),
    }


def _forms(evaluation, body, stages, may, given: dict) -> dict:
    """The forms of what the user may do, unless the posting view passes one in (`given`):
    a form passed in is shown even when the user may no longer submit it (after a conflict),
    so what they typed stays on the screen."""
    version = {"expected_version": evaluation.version}
    forms = {}
    if "self" in given or may["self"]:
        forms["self"] = given.get("self") or SelfAssessmentForm(
            rubric=body,
            initial_scores=_initial(stages.get(ScoreStage.SELF, {})),
            initial={**version, "text": evaluation.self_assessment},
        )
    if "score" in given or may["score"]:
        forms["score"] = given.get("score") or EvaluatorForm(
            rubric=body,
            initial_scores=_initial(stages.get(ScoreStage.FIRST, {})),
            initial={
                **version,
                "comment": evaluation.evaluator_comment,
                "veto_code": evaluation.veto_code,
                "veto_reason": evaluation.veto_reason,
            },
        )
    if "second" in given or may["second"]:
        forms["second"] = given.get("second") or SecondEvaluatorForm(
            rubric=body,
            initial_scores=_initial(stages.get(ScoreStage.FIRST, {})),
            initial=version,
        )
    if may["deductions"]:
        forms["deduction_add"] = given.get("deduction_add") or DeductionAddForm(rubric=body)
    return forms


def _deduction_rows(evaluation, may_review: bool, given: dict) -> list[dict]:
    failed = given.get("waive")  # (deduction pk, bound form) after a refused waive
    rows = []
    for deduction in evaluation.deductions.all():
        form = None
        if may_review and not deduction.waived:
            form = (
                failed[1]
                if failed and failed[0] == deduction.pk
                else DeductionWaiveForm(auto_id=f"id_waive_{deduction.pk}_%s")
            )
        rows.append({"deduction": deduction, "waive_form": form})
    return rows


def _rounds(user, evaluation) -> list[dict]:
    rows = []
    for follow_up in evaluation.follow_up_rounds.all():  # prefetched with their results
        follow_up.evaluation = evaluation
        rows.append(
            {
                "round": follow_up,
                "results": list(follow_up.results.all()),
                "submitted": follow_up.status == FollowUpStatus.SUBMITTED,
                "may_submit": selectors.can_follow_up(user, follow_up),
            }
        )
    return rows


def detail_context(request, evaluation, *, forms=None, conflict: str = "") -> dict:
    user = request.user
    body = evaluation.rubric.body
    stages = selectors.scores_by_stage(evaluation)
    may = _may(user, evaluation)
    given = forms or {}
    delegation = evaluation.delegation
    return {
        "evaluation": evaluation,
        "delegation": delegation,
        "countries": [s.country for s in delegation.stops.all() if not s.airside_transit],
        "rubric": presentation.rubric_view(body),
        "evidence": selectors.report_evidence(evaluation),
        "score_rows": _score_rows(body, stages),
        "group_rows": _group_rows(evaluation, body),
        "band": presentation.band_of(body, evaluation.grade) if evaluation.grade else None,
        "veto_title": presentation.veto_title(body, evaluation.veto_code)
        if evaluation.vetoed
        else "",
        "deductions": _deduction_rows(evaluation, may["deductions"], given),
        "forms": _forms(evaluation, body, stages, may, given),
        "may": may,
        "rounds": _rounds(user, evaluation),
        "conflict": conflict,
        "completed": evaluation.status == EvaluationStatus.COMPLETED,
        "today": timezone.localdate(),
    }


def detail_page(request, evaluation, *, forms=None, conflict: str = "", status: int = 200):
    context = detail_context(request, evaluation, forms=forms, conflict=conflict)
    return render(request, "evaluation/detail.html", context, status=status)
