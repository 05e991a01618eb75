"""Writes of the evaluation app. Each is atomic, locks the row it changes, checks the actor's
role on the organising unit, writes its audit event in the same transaction and leaves its
notifications to the outbox (waishi.evaluation.jobs).

    rubric_ensure_default     the shipped rubric (rubrics/default-v1.json) in force if none is
    rubric_create_version     a new rubric version (administrator); versions are never edited
    rubric_activate           put a version in force (administrator)
    evaluation_open           open the evaluation of a delegation whose report is filed
    evaluation_self_assess    the leader's self-assessment (or the liaison on their behalf)
    evaluation_score          the evaluator's scores, deductions reviewed, perhaps a veto
    evaluation_second         a different evaluator confirms or adjusts
    deduction_add / deduction_waive    the evaluator's changes to the compliance deductions
    follow_up_submit          the unit's 6- or 12-month update of its reported results

Refusals: PermissionDenied (role), ValidationError (bad input, naming the indicator or field),
InvalidTransition (the evaluation's state does not allow it), ConflictError (a stale
`expected_version`). Deductions take no version: they lock the evaluation and recompute its
total, so a scorer's pending submission still meets the deductions that stand.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from waishi.core.access import has_role
from waishi.core.audit import audit_record
from waishi.core.roles import Role
from waishi.delegations.models import Delegation, Status
from waishi.delegations.services_trip import locked as locked_delegation
from waishi.delegations.workflow import Action, ConflictError, InvalidTransition, covers
from waishi.evaluation import jobs, selectors
from waishi.evaluation.deductions import prefill, trip_figures
from waishi.evaluation.models import (
    Deduction,
    DeductionSource,
    Evaluation,
    EvaluationStatus,
    IndicatorScore,
    ScoreStage,
)
from waishi.evaluation.scoring import Rubric, check_points, compute, parse_rubric
from waishi.evaluation.services_rubric import (
    rubric_activate,
    rubric_create_version,
    rubric_ensure_default,
)

E = EvaluationStatus
FILED = (Status.REPORT_FILED, Status.EVALUATED, Status.ARCHIVED)
OPEN_STATES = (E.AWAITING_SELF, E.AWAITING_EVALUATOR, E.AWAITING_SECOND)
ONE_DECIMAL = Decimal("0.1")

__all__ = [
    "ConflictError",
    "InvalidTransition",
    "deduction_add",
    "deduction_waive",
    "evaluation_open",
    "evaluation_score",
    "evaluation_second",
    "evaluation_self_assess",
    "follow_up_submit",
    "rubric_activate",
    "rubric_create_version",
    "rubric_ensure_default",
]

# The rubric's writes are in services_rubric.py, the follow-ups' in services_follow_up.py
# (imported at the end of this module, which they build on).


def _user_or_none(actor):
    return actor if actor is not None and actor.is_authenticated else None


def _conflict() -> ConflictError:
    return ConflictError(_("Someone else changed this evaluation first; reload it and try again."))


# --- shared checks -----------------------------------------------------------------------------


def _locked(evaluation: Evaluation) -> Evaluation:
    return (
        Evaluation.objects.select_for_update(of=("self",))
        .select_related("delegation__leader", "organising_unit", "rubric")
        .get(pk=evaluation.pk)
    )


def _check_version(row, expected_version: int) -> None:
    if row.version != expected_version:
        raise _conflict()


def _require_status(evaluation: Evaluation, statuses, message: str) -> None:
    if evaluation.status not in statuses:
        raise InvalidTransition(message % {"status": evaluation.get_status_display()})


def _rubric(evaluation: Evaluation) -> Rubric:
    return parse_rubric(evaluation.rubric.body)


def _audit(actor, action: str, obj, evaluation: Evaluation, changes: dict, reason: str = ""):
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        unit_id=evaluation.organising_unit_id,
        changes={"evaluation": evaluation.pk, "delegation": evaluation.delegation_id, **changes},
        reason=reason,
    )


def _pair(value) -> tuple[object, str]:
    if isinstance(value, tuple | list) and len(value) == 2:
        return value[0], str(value[1] or "").strip()
    return value, ""


def _clean_scores(
    rubric: Rubric, scores: dict, *, codes, require_evidence: bool
) -> tuple[dict[str, tuple[Decimal, str]], dict[str, str]]:
    """(code → (points, evidence), code → error) for scores given as code → (points, evidence)."""
    pairs = {str(code): _pair(value) for code, value in (scores or {}).items()}
    errors = check_points(rubric, {code: p for code, (p, _e) in pairs.items()}, codes=codes)
    if require_evidence:
        for code, (_p, evidence) in pairs.items():
            if code not in errors and not evidence:
                title = rubric.indicators[code].title
                errors[code] = _("“%(title)s”: cite the evidence for the points.") % {
                    "title": title
                }
    cleaned = {
        code: (Decimal(str(p).strip()).quantize(ONE_DECIMAL), evidence)
        for code, (p, evidence) in pairs.items()
        if code not in errors
    }
    return cleaned, errors


def _write_scores(evaluation: Evaluation, stage: str, cleaned: dict) -> None:
    IndicatorScore.objects.filter(evaluation=evaluation, stage=stage).delete()
    IndicatorScore.objects.bulk_create(
        IndicatorScore(
            evaluation=evaluation, stage=stage, indicator=code, points=points, evidence=evidence
        )
        for code, (points, evidence) in cleaned.items()
    )


def final_points(evaluation: Evaluation) -> dict[str, Decimal]:
    """The points that count: the evaluator's, with the second evaluator's adjustments over them."""
    points: dict[str, Decimal] = {}
    rows = evaluation.scores.filter(stage__in=(ScoreStage.FIRST, ScoreStage.SECOND))
    for stage in (ScoreStage.FIRST, ScoreStage.SECOND):
        for row in rows:
            if row.stage == stage:
                points[row.indicator] = row.points
    return points


def _recompute(evaluation: Evaluation, rubric: Rubric):
    """Group points, total and grade from what is on record now (the caller saves)."""
    standing = evaluation.deductions.filter(waived=False).values_list("points", flat=True)
    outcome = compute(
        rubric,
        points=final_points(evaluation),
        deductions=list(standing),
        follow_through=evaluation.follow_through_points,
        vetoed=evaluation.vetoed,
    )
    evaluation.group_points = {code: str(value) for code, value in outcome.group_points.items()}
    evaluation.total, evaluation.grade = outcome.total, outcome.grade
    return outcome


def _result(evaluation: Evaluation) -> dict:
    return {"total": str(evaluation.total), "grade": evaluation.grade}


# --- opening -----------------------------------------------------------------------------------


@transaction.atomic
def evaluation_open(*, delegation: Delegation, actor=None) -> Evaluation:
    """Open the evaluation of `delegation` once its trip report is filed; the existing one when
    it is open already. `actor` None is the system (the outbox job after a report is filed);
    a person must be an evaluator of the unit or an administrator.

    Side effects: the rubric in force is recorded, the trip's figures copied for the analytics,
    compliance deductions pre-filled from the facts on record (deductions.prefill), audit event
    `evaluation.open`, a notification job."""
    delegation = locked_delegation(delegation)
    if actor is not None and not (
        covers(actor, delegation.organising_unit, (Role.EVALUATOR,))
        or has_role(actor, Role.ADMINISTRATOR)
    ):
        raise PermissionDenied(_("Only an evaluator of the unit may open its evaluation."))
    existing = Evaluation.objects.filter(delegation=delegation).first()
    if existing is not None:
        return existing
    if delegation.status not in FILED or delegation.report_filed_at is None:
        raise ValidationError(
            _(
                "“%(title)s” has no filed trip report: a delegation is evaluated after its "
                "report is filed."
            )
            % {"title": delegation.title}
        )
    version = rubric_ensure_default()
    rubric = parse_rubric(version.body)
    evaluation = Evaluation.objects.create(
        delegation=delegation,
        rubric=version,
        organising_unit=delegation.organising_unit,
        **trip_figures(delegation),
    )
    found = _add_prefilled(evaluation, rubric, actor)
    _audit(
        actor,
        "evaluation.open",
        evaluation,
        evaluation,
        {
            "rubric": str(version),
            "year": evaluation.year,
            "main_country": str(evaluation.main_country),
            "spent_cny": str(evaluation.spent_cny) if evaluation.spent_cny is not None else None,
            "prefilled": found,
        },
    )
    jobs.enqueue_notify(evaluation, "open")
    return evaluation


def _add_prefilled(evaluation: Evaluation, rubric: Rubric, actor, *, only_new=False) -> list:
    """Store the deductions the facts call for; with `only_new`, only sources not pre-filled
    yet (a fact that appeared since the evaluation opened). Returns [[source, points]]."""
    known = set()
    if only_new:
        known = set(evaluation.deductions.filter(prefilled=True).values_list("source", flat=True))
    rows = [
        Deduction(
            evaluation=evaluation,
            prefilled=True,
            created_by=_user_or_none(actor),
            **{**entry, "points": entry["points"].quantize(ONE_DECIMAL)},
        )
        for entry in prefill(evaluation.delegation, rubric)
        if entry["source"] not in known
    ]
    Deduction.objects.bulk_create(rows)
    return [[row.source, str(row.points)] for row in rows]


# --- the three stages ----------------------------------------------------------------------------


@transaction.atomic
def evaluation_self_assess(
    *, actor, evaluation: Evaluation, expected_version: int, text: str, scores: dict
) -> Evaluation:
    """The self-assessment: a text and points (with optional evidence) for every scored
    indicator, by the delegation leader's account or the unit's liaison on their behalf.

    Side effects: compliance facts that appeared since opening are pre-filled too, the status
    becomes awaiting_evaluator, audit event `evaluation.self_assess`, a notification job."""
    evaluation = _locked(evaluation)
    _check_version(evaluation, expected_version)
    if not selectors.is_self_assessor(actor, evaluation):
        raise PermissionDenied(
            _(
                "Only the delegation leader, or the unit's liaison on the leader's behalf, "
                "writes the self-assessment."
            )
        )
    _require_status(
        evaluation,
        (E.AWAITING_SELF,),
        _("The self-assessment is written first, not while the evaluation is “%(status)s”."),
    )
    rubric = _rubric(evaluation)
    cleaned, errors = _clean_scores(
        rubric, scores, codes=rubric.scored_codes, require_evidence=False
    )
    text = (text or "").strip()
    if not text:
        errors = {"text": _("Write the self-assessment."), **errors}
    if errors:
        raise ValidationError(errors)
    _write_scores(evaluation, ScoreStage.SELF, cleaned)
    added = _add_prefilled(evaluation, rubric, None, only_new=True)
    evaluation.self_assessment = text
    evaluation.self_assessed_by, evaluation.self_assessed_at = actor, timezone.now()
    evaluation.status = E.AWAITING_EVALUATOR
    evaluation.version += 1
    evaluation.save()
    _audit(
        actor,
        "evaluation.self_assess",
        evaluation,
        evaluation,
        {
            "status": [E.AWAITING_SELF, E.AWAITING_EVALUATOR],
            "scores": {code: str(points) for code, (points, _e) in cleaned.items()},
            "prefilled_since_opening": added,
        },
    )
    jobs.enqueue_notify(evaluation, "self_assessed")
    return evaluation


def _clean_veto(rubric: Rubric, veto_code: str, veto_reason: str) -> dict[str, str]:
    errors = {}
    if veto_code and veto_code not in rubric.veto_codes:
        errors["veto_code"] = _("Choose a veto item of the rubric.")
    elif veto_code and not veto_reason:
        errors["veto_reason"] = _("Give the reason for the veto.")
    elif veto_reason and not veto_code:
        errors["veto_code"] = _("Choose the veto item the reason is for.")
    return errors


@transaction.atomic
def evaluation_score(
    *,
    actor,
    evaluation: Evaluation,
    expected_version: int,
    scores: dict,
    comment: str,
    veto_code: str = "",
    veto_reason: str = "",
) -> Evaluation:
    """The evaluator's points, with the evidence for each, for every scored indicator; perhaps
    a veto item with its reason. The deductions on record at this moment count.

    Side effects: total and grade computed; a total below the rubric's threshold or a veto
    sends it to a second evaluator, otherwise it completes (the delegation takes the workflow
    action `evaluate`; follow-up rounds at 6 and 12 months are scheduled). Audit events
    `evaluation.score` (and `evaluation.complete`), notification jobs."""
    evaluation = _locked(evaluation)
    _check_version(evaluation, expected_version)
    if not selectors.is_evaluator(actor, evaluation):
        raise PermissionDenied(_("Only an evaluator of the organising unit scores it."))
    _require_status(
        evaluation,
        (E.AWAITING_EVALUATOR,),
        _("The evaluator scores after the self-assessment, not while it is “%(status)s”."),
    )
    rubric = _rubric(evaluation)
    cleaned, errors = _clean_scores(
        rubric, scores, codes=rubric.scored_codes, require_evidence=True
    )
    veto_code, veto_reason = (veto_code or "").strip(), (veto_reason or "").strip()
    errors.update(_clean_veto(rubric, veto_code, veto_reason))
    if errors:
        raise ValidationError(errors)
    _write_scores(evaluation, ScoreStage.FIRST, cleaned)
    evaluation.evaluator, evaluation.scored_at = actor, timezone.now()
    evaluation.evaluator_comment = (comment or "").strip()
    evaluation.vetoed, evaluation.veto_code, evaluation.veto_reason = (
        bool(veto_code),
        veto_code,
        veto_reason,
    )
    outcome = _recompute(evaluation, rubric)
    evaluation.status = E.AWAITING_SECOND if outcome.needs_second else E.COMPLETED
    evaluation.version += 1
    evaluation.save()
    _audit(
        actor,
        "evaluation.score",
        evaluation,
        evaluation,
        {
            "status": [E.AWAITING_EVALUATOR, evaluation.status],
            "scores": {code: str(points) for code, (points, _e) in cleaned.items()},
            "group_points": evaluation.group_points,
            **_result(evaluation),
            "veto": veto_code,
        },
        reason=veto_reason,
    )
    if evaluation.status == E.COMPLETED:
        _complete(actor, evaluation)
    else:
        jobs.enqueue_notify(evaluation, "awaiting_second")
    return evaluation


@transaction.atomic
def evaluation_second(
    *, actor, evaluation: Evaluation, expected_version: int, scores: dict | None, comment: str
) -> Evaluation:
    """A second evaluator, not the first, confirms the scores (`scores` None or empty) or adjusts
    some of them (each with its evidence), with a comment either way. The evaluation completes.
    Side effects: audit events `evaluation.second` and `evaluation.complete`, the delegation's
    `evaluate` action, the follow-up rounds, notification jobs."""
    evaluation = _locked(evaluation)
    _check_version(evaluation, expected_version)
    if not selectors.is_evaluator(actor, evaluation):
        raise PermissionDenied(_("Only an evaluator of the organising unit evaluates it."))
    if actor.pk == evaluation.evaluator_id:
        raise PermissionDenied(
            _("The second evaluation must be made by an evaluator other than the first.")
        )
    _require_status(
        evaluation,
        (E.AWAITING_SECOND,),
        _("A second evaluation is not asked for while the evaluation is “%(status)s”."),
    )
    rubric = _rubric(evaluation)
    given = {str(code): value for code, value in (scores or {}).items()}
    codes = [code for code in given if code in rubric.scored_codes]
    cleaned, errors = _clean_scores(rubric, given, codes=codes, require_evidence=True)
    comment = (comment or "").strip()
    if not comment:
        errors = {"comment": _("Say why you confirm or adjust the scores."), **errors}
    if errors:
        raise ValidationError(errors)
    before = _result(evaluation)
    _write_scores(evaluation, ScoreStage.SECOND, cleaned)
    evaluation.second_evaluator, evaluation.second_scored_at = actor, timezone.now()
    evaluation.second_comment = comment
    _recompute(evaluation, rubric)
    evaluation.status = E.COMPLETED
    evaluation.version += 1
    evaluation.save()
    _audit(
        actor,
        "evaluation.second",
        evaluation,
        evaluation,
        {
            "status": [E.AWAITING_SECOND, E.COMPLETED],
            "adjusted": {code: str(points) for code, (points, _e) in cleaned.items()},
            "before": before,
            "after": _result(evaluation),
        },
    )
    _complete(actor, evaluation)
    return evaluation


def _complete(actor, evaluation: Evaluation) -> None:
    """What completion leaves behind: the delegation's `evaluate` action (unless the plain
    workflow button took it already), the follow-up rounds and their reminders."""
    from waishi.delegations.services import delegation_transition  # it imports the trip apps

    evaluation.completed_at = timezone.now()
    evaluation.save(update_fields=["completed_at"])
    delegation = Delegation.objects.get(pk=evaluation.delegation_id)
    if delegation.status == Status.REPORT_FILED:
        delegation_transition(
            actor=actor,
            delegation=delegation,
            action=Action.EVALUATE,
            expected_version=delegation.version,
            comment=_("Evaluation completed: %(total)s points, %(grade)s")
            % {"total": evaluation.total, "grade": evaluation.get_grade_display()},
        )
    rounds = create_rounds(evaluation)
    _audit(
        actor,
        "evaluation.complete",
        evaluation,
        evaluation,
        {
            **_result(evaluation),
            "vetoed": evaluation.vetoed,
            "follow_ups": [[r.months, r.due_on.isoformat(), r.result_count] for r in rounds],
        },
    )
    jobs.enqueue_notify(evaluation, "completed")


# --- deductions ------------------------------------------------------------------------------


def _require_deduction_writer(actor, evaluation: Evaluation) -> None:
    if not selectors.is_evaluator(actor, evaluation):
        raise PermissionDenied(_("Only an evaluator of the organising unit changes deductions."))
    _require_status(
        evaluation,
        OPEN_STATES,
        _("Deductions are changed while the evaluation is open, not when it is “%(status)s”."),
    )
    if evaluation.status == E.AWAITING_SECOND and actor.pk == evaluation.evaluator_id:
        raise PermissionDenied(
            _("The evaluation waits for a second evaluator: only they may change deductions now.")
        )


def _after_deduction(evaluation: Evaluation) -> None:
    """A scored evaluation shows the total with the deductions that stand now."""
    if evaluation.total is not None:
        _recompute(evaluation, _rubric(evaluation))
        evaluation.save(update_fields=["group_points", "total", "grade"])


def _deduction_points(value, rubric: Rubric) -> Decimal | None:
    try:
        points = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    compliance = rubric.compliance
    if not points.is_finite() or points <= 0 or compliance is None:
        return None
    if points > compliance.weight or points % ONE_DECIMAL:
        return None
    return points


@transaction.atomic
def deduction_add(
    *, actor, evaluation: Evaluation, source: str, points: Decimal, reason: str
) -> Deduction:
    """A deduction the evaluator enters (not pre-filled), with its reason.
    Side effects: the total is recomputed if scored; audit event `evaluation.deduction_add`."""
    evaluation = _locked(evaluation)
    _require_deduction_writer(actor, evaluation)
    rubric = _rubric(evaluation)
    errors = {}
    if source not in DeductionSource.values:
        errors["source"] = _("Choose where the deduction comes from.")
    amount = _deduction_points(points, rubric)
    if amount is None:
        top = rubric.compliance.weight if rubric.compliance else 0
        errors["points"] = _(
            "Deduct more than 0 and at most %(max)s points, with at most one decimal."
        ) % {"max": top}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("Give the reason for the deduction.")
    if errors:
        raise ValidationError(errors)
    deduction = Deduction.objects.create(
        evaluation=evaluation,
        source=source,
        points=amount,
        reason=reason,
        created_by=actor,
    )
    _after_deduction(evaluation)
    _audit(
        actor,
        "evaluation.deduction_add",
        deduction,
        evaluation,
        {"source": source, "points": str(amount), **_result(evaluation)},
        reason=reason,
    )
    return deduction


@transaction.atomic
def deduction_waive(*, actor, deduction: Deduction, reason: str) -> Deduction:
    """Waive a deduction with a reason (it stays on record, crossed out).
    Side effects: the total is recomputed if scored; audit event `evaluation.deduction_waive`."""
    evaluation = _locked(Evaluation(pk=deduction.evaluation_id))
    _require_deduction_writer(actor, evaluation)
    deduction = Deduction.objects.select_for_update().get(pk=deduction.pk)
    if deduction.waived:
        raise InvalidTransition(_("This deduction is waived already."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for waiving the deduction.")})
    deduction.waived, deduction.waived_reason = True, reason
    deduction.save(update_fields=["waived", "waived_reason"])
    _after_deduction(evaluation)
    _audit(
        actor,
        "evaluation.deduction_waive",
        deduction,
        evaluation,
        {"source": deduction.source, "points": str(deduction.points), **_result(evaluation)},
        reason=reason,
    )
    return deduction


# The follow-ups' writes use the helpers above; re-exported so callers import every write here.
from waishi.evaluation.services_follow_up import create_rounds, follow_up_submit  # noqa: E402
