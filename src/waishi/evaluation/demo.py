"""Demo evaluations: the demo delegations are evaluated through the real services, on the demo's
simulated clock (waishi.delegations.demo), so the evaluation pages, the analytics and the
feedback rule have a history to show on first open.

Each filed trip report opens its evaluation at once (in production the outbox job does it); the
unit's liaison writes the self-assessment, the evaluator scores towards the trip's demo grade
from what the report states, a second evaluator reviews a total under the threshold, and the
unit answers the 6- and 12-month follow-ups that have come due.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum

from waishi.core.models import Unit, User
from waishi.core.roles import Role
from waishi.core.services import role_grant, user_create
from waishi.delegations.models import TripReport
from waishi.evaluation import services
from waishi.evaluation.models import (
    Deduction,
    Evaluation,
    EvaluationStatus,
    FollowUpRound,
    Realisation,
    ResultKind,
)
from waishi.evaluation.scoring import parse_rubric

# The demo's grade names → the total aimed at (low, high).
TARGETS = {
    "优秀": (91, 97),
    "良好": (77, 88),
    "合格": (61, 72),
    "不合格": (44, 55),
}
# How likely a reported result is realised / still in progress at a follow-up, by grade.
REALISED = {"优秀": (0.7, 0.2), "良好": (0.5, 0.3), "合格": (0.35, 0.3), "不合格": (0.1, 0.3)}
SECOND_EVALUATOR = "evaluator-2"


def open_evaluation(delegation) -> Evaluation:
    """What the outbox job does when a report is filed (the demo's worker is not running yet)."""
    return services.evaluation_open(delegation=delegation)


def self_assess(delegation, liaison, rng, grade: str) -> Evaluation:
    evaluation = Evaluation.objects.get(delegation=delegation)
    low, high = TARGETS.get(grade, TARGETS["良好"])
    # Units rate themselves a little better than the evaluator will.
    points = _points(evaluation, rng.uniform(low, high) + 6, rng)
    return services.evaluation_self_assess(
        actor=liaison,
        evaluation=evaluation,
        expected_version=evaluation.version,
        text=_self_text(delegation),
        scores={code: (value, "") for code, value in points.items()},
    )


def score(delegation, evaluator, rng, grade: str) -> Evaluation:
    """Score towards the grade; a second evaluator confirms when the rubric asks for one."""
    evaluation = Evaluation.objects.get(delegation=delegation)
    low, high = TARGETS.get(grade, TARGETS["良好"])
    points = _points(evaluation, rng.uniform(low, high), rng)
    evidence = _evidence(delegation)
    evaluation = services.evaluation_score(
        actor=evaluator,
        evaluation=evaluation,
        expected_version=evaluation.version,
        scores={
            code: (value, evidence.get(code, "见出访报告。")) for code, value in points.items()
        },
        comment=_comment(grade),
    )
    if evaluation.status == EvaluationStatus.AWAITING_SECOND:
        evaluation = services.evaluation_second(
            actor=second_evaluator(evaluator),
            evaluation=evaluation,
            expected_version=evaluation.version,
            scores=None,
            comment="经复核，同意初评意见。成果与出访目标差距较大，请组团单位认真整改。",
        )
    return evaluation


def follow_up(delegation, liaison, rng, grade: str, months: int) -> None:
    round_ = FollowUpRound.objects.filter(evaluation__delegation=delegation, months=months).first()
    if round_ is None:
        return
    realised, in_progress = REALISED.get(grade, REALISED["良好"])
    results = {}
    for row in round_.results.all():
        draw = rng.random()
        if months == 12:  # half a year on, more has landed
            draw *= 0.8
        if draw < realised:
            status, note = Realisation.REALISED, "已落实。"
        elif draw < realised + in_progress:
            status, note = Realisation.IN_PROGRESS, "正在推进，已与外方保持联系。"
        else:
            status, note = Realisation.NOT_REALISED, "外方情况变化，暂未落实。"
        amount = None
        if row.kind == ResultKind.PROJECT and status != Realisation.NOT_REALISED:
            amount = Decimal(rng.randrange(50, 2000) * 10000)
        results[row.pk] = {"status": status, "amount_realised": amount, "note": note}
    services.follow_up_submit(
        actor=liaison,
        round=round_,
        expected_version=round_.version,
        results=results,
        note=f"出访归来{months}个月成果落实情况。",
    )


def second_evaluator(evaluator) -> User:
    """A second evaluator of the city (an actor of record, not one of the demo logins)."""
    user = User.objects.filter(username=SECOND_EVALUATOR).first()
    if user is None:
        city = Unit.objects.filter(parent__isnull=True).order_by("pk").first()
        user = user_create(
            actor=evaluator,
            username=SECOND_EVALUATOR,
            password=None,
            full_name="市外办绩效评估复核员",
            unit=city,
        )
        admin = User.objects.filter(username="admin").first() or evaluator
        role_grant(actor=admin, user=user, role=Role.EVALUATOR, unit=city)
    return user


# --- the numbers and the words -------------------------------------------------------------


def _points(evaluation: Evaluation, target: float, rng) -> dict[str, Decimal]:
    """Points per scored indicator so that, with the deductions already on record, the total
    comes near `target`: every indicator gets the same share of its maximum, give or take."""
    rubric = parse_rubric(evaluation.rubric.body)
    compliance = rubric.compliance
    deducted = Deduction.objects.filter(evaluation=evaluation, waived=False).aggregate(
        total=Sum("points")
    )["total"] or Decimal(0)
    kept = max(Decimal(0), compliance.weight - deducted) if compliance else Decimal(0)
    maxima = {code: rubric.indicators[code].max for code in rubric.scored_codes}
    share = (Decimal(str(target)) - kept) / sum(maxima.values())
    points = {}
    for code, top in maxima.items():
        wobble = Decimal(str(rng.uniform(-0.06, 0.06)))
        value = top * min(Decimal(1), max(Decimal(0), share + wobble))
        points[code] = _to_step(value, rubric.step)
    return points


def _to_step(value: Decimal, step: Decimal) -> Decimal:
    return ((value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step).normalize()


def _evidence(delegation) -> dict[str, str]:
    report = TripReport.objects.filter(delegation=delegation).first()
    if report is None:
        return {}
    results = list(report.results.all())
    met = sum(1 for r in results if r.status == "met")
    agreements = list(report.agreements.all())
    projects = list(report.projects.all())
    partners = report.partners.count()
    plans = report.follow_ups.count()
    titles = "、".join(f"《{a.title}》" for a in agreements[:3])
    return {
        "objectives_met": f"出访报告所列{len(results)}项目标中{met}项完成。",
        "schedule_executed": "实际行程与批准日程基本一致，公务活动均已按计划开展。",
        "agreements": f"签署协议和备忘录{len(agreements)}项{('：' + titles) if titles else ''}。",
        "projects_amounts": f"形成项目和合作意向{len(projects)}个。",
        "partners": f"新建联系的机构和人员{partners}个。",
        "follow_up_plan": f"出访报告列出后续工作计划{plans}项，责任单位明确。",
    }


def _self_text(delegation) -> str:
    return (
        f"{delegation.title}按批准的日程完成了出访任务，达成了主要出访目标，"
        "后续将抓紧推动成果落实。"
    )


def _comment(grade: str) -> str:
    return {
        "优秀": "出访目标全部实现，成果丰硕，后续工作计划具体。",
        "良好": "出访目标基本实现，取得了一定成果，建议加快成果转化。",
        "合格": "出访目标部分实现，量化成果偏少，请加强成果跟踪。",
        "不合格": "出访目标大部分未实现，量化成果不足，合规方面存在问题。",
    }.get(grade, "")
