"""JSON API: /api/v1/evaluations — list and detail, scoped exactly as the pages
(waishi.evaluation.selectors): the organising unit's liaisons and head, the evaluators of their
units, the inspector and administrator citywide, and the delegation leader's own account.

Registered in waishi.config.api:
    from waishi.evaluation.api import evaluations_router
    api.add_router("/evaluations", evaluations_router)

Points are JSON numbers with one decimal; `total` and `grade` are empty until scored.
"""

from __future__ import annotations

from datetime import date, datetime

from ninja import Path, Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from waishi.core.access import unit_scope_q
from waishi.core.api_paging import MAX_LIMIT, MAX_OFFSET
from waishi.core.models import Unit
from waishi.evaluation import selectors
from waishi.evaluation.models import EvaluationStatus, Grade

evaluations_router = Router(tags=["evaluations"])
MAX_ID = 2**63 - 1


def _number(value) -> float | None:
    return None if value is None else float(value)


def _user_name(user) -> str | None:
    return str(user) if user is not None else None


class Detail(Schema):
    detail: str


class EvaluationOut(Schema):
    id: int
    delegation_id: int
    delegation_title: str
    unit_id: int
    unit_name: str
    year: int
    trip_type: str
    main_country: str
    status: str
    grade: str
    total: float | None
    vetoed: bool
    rubric_version: str = Field(
        description="The rubric version scored with, e.g. waishi-default-v1"
    )
    rubric_label: str
    opened_at: datetime
    completed_at: datetime | None
    version: int

    @staticmethod
    def resolve_delegation_title(obj) -> str:
        return obj.delegation.title

    @staticmethod
    def resolve_unit_id(obj) -> int:
        return obj.organising_unit_id

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.organising_unit.name

    @staticmethod
    def resolve_main_country(obj) -> str:
        return str(obj.main_country or "")

    @staticmethod
    def resolve_total(obj) -> float | None:
        return _number(obj.total)

    @staticmethod
    def resolve_rubric_version(obj) -> str:
        return str(obj.rubric)

    @staticmethod
    def resolve_rubric_label(obj) -> str:
        return obj.rubric.label


class ScoreOut(Schema):
    indicator: str
    points: float
    evidence: str


class DeductionOut(Schema):
    id: int
    source: str
    points: float
    reason: str
    source_detail: str
    source_url: str
    prefilled: bool
    waived: bool
    waived_reason: str


class ResultOut(Schema):
    id: int
    kind: str
    label: str
    status: str
    amount_realised: float | None
    currency: str
    note: str

    @staticmethod
    def resolve_amount_realised(obj) -> float | None:
        return _number(obj.amount_realised)


class FollowUpOut(Schema):
    id: int
    months: int
    due_on: date
    status: str
    realised_count: int
    result_count: int
    submitted_at: datetime | None
    note: str
    version: int
    results: list[ResultOut]

    @staticmethod
    def resolve_results(obj):
        return list(obj.results.all())


class EvaluationDetailOut(EvaluationOut):
    group_points: dict[str, float]
    follow_through_points: float | None
    spent_cny: float | None
    agreements_count: int
    amount_cny: float
    self_assessment: str
    self_assessed_at: datetime | None
    evaluator: str | None
    scored_at: datetime | None
    evaluator_comment: str
    second_evaluator: str | None
    second_scored_at: datetime | None
    second_comment: str
    veto_code: str
    veto_reason: str
    scores: dict[str, list[ScoreOut]] = Field(description="Points per stage: self, first, second")
    deductions: list[DeductionOut]
    follow_ups: list[FollowUpOut]

    @staticmethod
    def resolve_group_points(obj) -> dict[str, float]:
        return {code: float(points) for code, points in (obj.group_points or {}).items()}

    @staticmethod
    def resolve_follow_through_points(obj) -> float | None:
        return _number(obj.follow_through_points)

    @staticmethod
    def resolve_spent_cny(obj) -> float | None:
        return _number(obj.spent_cny)

    @staticmethod
    def resolve_amount_cny(obj) -> float:
        return float(obj.amount_cny)

    @staticmethod
    def resolve_evaluator(obj) -> str | None:
        return _user_name(obj.evaluator)

    @staticmethod
    def resolve_second_evaluator(obj) -> str | None:
        return _user_name(obj.second_evaluator)

    @staticmethod
    def resolve_scores(obj) -> dict[str, list]:
        return {
            stage: list(by_code.values())
            for stage, by_code in selectors.scores_by_stage(obj).items()
        }

    @staticmethod
    def resolve_deductions(obj):
        return list(obj.deductions.all())

    @staticmethod
    def resolve_follow_ups(obj):
        return list(obj.follow_up_rounds.all())


class EvaluationList(Schema):
    items: list[EvaluationOut]
    count: int


def _visible_unit(user, unit_id: int) -> Unit:
    unit = Unit.objects.filter(unit_scope_q(user, field=""), pk=unit_id).first()
    if unit is None:
        raise HttpError(404, "Unit not found.")
    return unit


@evaluations_router.get(
    "/", response={200: EvaluationList, 404: Detail}, summary="List evaluations"
)
def list_evaluations(
    request,
    year: int | None = Query(None, ge=1949, le=2100, description="Year of the return"),
    grade: Grade | None = None,
    unit: int | None = Query(None, ge=1, le=MAX_ID, description="Organising unit and sub-units"),
    status: EvaluationStatus | None = None,
    limit: int = Query(50, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    """Evaluations the caller may read, newest first."""
    rows = selectors.evaluations_filtered(
        request.auth,
        year=year,
        grade=grade,
        status=status,
        unit=_visible_unit(request.auth, unit) if unit is not None else None,
    )
    return {"items": list(rows[offset : offset + limit]), "count": rows.count()}


@evaluations_router.get(
    "/{int:evaluation_id}/",
    response={200: EvaluationDetailOut, 404: Detail},
    summary="One evaluation",
)
def get_evaluation(request, evaluation_id: int = Path(..., ge=1, le=MAX_ID)):
    """An evaluation with its group points, the scores of each stage, the deductions with
    their sources, and the follow-up rounds with their results."""
    return selectors.evaluation_for(request.auth, evaluation_id)
