"""Writes of the follow-ups at 6 and 12 months (re-exported by services.py).

    create_rounds       the two rounds of a completed evaluation, one result per reported
                        objective, agreement, project, partner and follow-up plan, with reminders
    follow_up_submit    the unit's update of each result; follow-through, total, grade recomputed

Both are atomic and audited like every write of services.py, whose helpers they use.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from waishi.delegations.models_trip import TripReport
from waishi.delegations.rules_trip import add_months
from waishi.evaluation import jobs, selectors
from waishi.evaluation.models import (
    Evaluation,
    EvaluationStatus,
    FollowUpResult,
    FollowUpRound,
    FollowUpStatus,
    Realisation,
    ResultKind,
)
from waishi.evaluation.scoring import follow_through_points
from waishi.evaluation.services import (
    _audit,
    _check_version,
    _locked,
    _recompute,
    _require_status,
    _result,
    _rubric,
)

FOLLOW_UP_MONTHS = (6, 12)
LABEL_MAX = 300
MAX_AMOUNT = Decimal("1e14")


def _label(main: str, *extra: str) -> str:
    """The result's label: "title（partner，organisation）", cut to the column's length."""
    details = "，".join(part for part in extra if part)
    return (f"{main}（{details}）" if details else main)[:LABEL_MAX]


def reported_results(report: TripReport | None) -> list[dict]:
    """One row per result the trip report states, in the report's order."""
    if report is None:
        return []
    K = ResultKind
    rows = [
        {"kind": K.OBJECTIVE, "ref_id": r.pk, "label": _label(r.objective_text)}
        for r in report.results.all()
    ]
    rows += [
        {"kind": K.AGREEMENT, "ref_id": a.pk, "label": _label(a.title, a.partner)}
        for a in report.agreements.all()
    ]
    rows += [
        {
            "kind": K.PROJECT,
            "ref_id": p.pk,
            "label": _label(p.name, p.partner),
            "currency": p.currency,
        }
        for p in report.projects.all()
    ]
    rows += [
        {"kind": K.PARTNER, "ref_id": p.pk, "label": _label(p.name, p.organisation)}
        for p in report.partners.all()
    ]
    rows += [
        {"kind": K.PLAN, "ref_id": f.pk, "label": _label(f.plan, f.responsible)}
        for f in report.follow_ups.all()
    ]
    return rows


def create_rounds(evaluation: Evaluation) -> list[FollowUpRound]:
    """The 6- and 12-month rounds (months after the actual return), each with its results and
    its reminders. Safe to repeat: a round that exists is kept as it is."""
    delegation = evaluation.delegation
    returned = delegation.returned_at or delegation.return_china
    results = reported_results(TripReport.objects.filter(delegation=delegation).first())
    rounds = []
    for months in FOLLOW_UP_MONTHS:
        round_, created = FollowUpRound.objects.get_or_create(
            evaluation=evaluation,
            months=months,
            defaults={"due_on": add_months(returned, months), "result_count": len(results)},
        )
        if created:
            FollowUpResult.objects.bulk_create(
                FollowUpResult(round=round_, **row) for row in results
            )
        jobs.enqueue_round_reminders(round_)
        rounds.append(round_)
    return rounds


def _clean_results(round_: FollowUpRound, results: dict) -> tuple[list, list[str]]:
    rows = {row.pk: row for row in round_.results.all()}
    problems: list[str] = []
    changed = []
    for key, data in (results or {}).items():
        try:
            row = rows.get(int(key))
        except (TypeError, ValueError):
            row = None
        if row is None or not isinstance(data, dict):
            problems.append(_("“%(key)s” is not a result of this follow-up.") % {"key": key})
            continue
        status = data.get("status") or ""
        if status not in Realisation.values:
            problems.append(
                _("“%(label)s”: choose realised, in progress or not realised.")
                % {"label": row.label}
            )
            continue
        amount = data.get("amount_realised")
        if amount not in (None, ""):
            try:
                amount = Decimal(str(amount).strip())
            except (InvalidOperation, ValueError):
                amount = Decimal("NaN")
            if not amount.is_finite() or amount < 0 or amount >= MAX_AMOUNT:
                problems.append(
                    _("“%(label)s”: the amount realised must be a number, not negative.")
                    % {"label": row.label}
                )
                continue
            amount = amount.quantize(Decimal("0.01"))
        else:
            amount = None
        row.status, row.amount_realised = status, amount
        row.note = str(data.get("note") or "").strip()
        changed.append(row)
    for row in rows.values():
        if not row.status:
            problems.append(_("“%(label)s”: say what became of it.") % {"label": row.label})
    return changed, problems


@transaction.atomic
def follow_up_submit(
    *, actor, round: FollowUpRound, expected_version: int, results: dict, note: str
) -> FollowUpRound:
    """The unit's update on what each reported result became (`results`: FollowUpResult pk →
    {"status", "amount_realised", "note"}); every result needs a status. A submitted round may
    be corrected the same way.

    Side effects: realised/result counts; the follow-through group recomputed from the latest
    submitted round, and with it total and grade; audit events `follow_up.submit` and
    `evaluation.follow_through`."""
    round_ = FollowUpRound.objects.select_for_update().get(pk=round.pk)
    evaluation = _locked(Evaluation(pk=round_.evaluation_id))
    if not selectors.is_follow_up_writer(actor, evaluation):
        raise PermissionDenied(_("Only the unit's liaison updates its follow-ups."))
    _check_version(round_, expected_version)
    _require_status(
        evaluation,
        (EvaluationStatus.COMPLETED,),
        _("Follow-ups come after the evaluation is completed, not while it is “%(status)s”."),
    )
    changed, problems = _clean_results(round_, results)
    if problems:
        raise ValidationError({"results": problems})
    FollowUpResult.objects.bulk_update(changed, ["status", "amount_realised", "note"])
    statuses = list(round_.results.values_list("status", flat=True))
    before = round_.status
    round_.status = FollowUpStatus.SUBMITTED
    round_.note = (note or "").strip()
    round_.submitted_by, round_.submitted_at = actor, timezone.now()
    round_.realised_count = statuses.count(Realisation.REALISED)
    round_.result_count = len(statuses)
    round_.version += 1
    round_.save()
    _audit(
        actor,
        "follow_up.submit",
        round_,
        evaluation,
        {
            "months": round_.months,
            "status": [before, round_.status],
            "results": {str(row.pk): row.status for row in changed},
            "realised": round_.realised_count,
            "of": round_.result_count,
        },
    )
    _apply_follow_through(actor, evaluation)
    return round_


def _apply_follow_through(actor, evaluation: Evaluation) -> None:
    """Follow-through from the latest submitted round (no results: the provisional points stay);
    total and grade recomputed and audited."""
    rubric = _rubric(evaluation)
    latest = (
        evaluation.follow_up_rounds.filter(status=FollowUpStatus.SUBMITTED)
        .order_by("-months")
        .first()
    )
    statuses = list(latest.results.values_list("status", flat=True)) if latest else []
    before = {
        "follow_through": str(evaluation.follow_through_points),
        **_result(evaluation),
    }
    evaluation.follow_through_points = follow_through_points(rubric, statuses)
    _recompute(evaluation, rubric)
    evaluation.version += 1
    evaluation.save()
    _audit(
        actor,
        "evaluation.follow_through",
        evaluation,
        evaluation,
        {
            "round": latest.months if latest else None,
            "before": before,
            "after": {
                "follow_through": str(evaluation.follow_through_points),
                **_result(evaluation),
            },
        },
    )
