"""The evaluation report of one delegation (因公出访团组绩效评估报告) as a .docx in the official
layout (reports.docx_official, GB/T 9704).

Official documents are written in Chinese whatever the reader's language, so the labels here are
Chinese text, not translatable UI strings; indicator and veto titles are the rubric's own
Chinese titles (the version the evaluation was scored with).

    evaluation_report_docx(evaluation) -> io.BytesIO   rewound, for a FileResponse
"""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils import timezone

from waishi.core.context import city_name
from waishi.delegations.documents import TRIP_TYPES, cn_date, country_names
from waishi.evaluation import presentation, selectors
from waishi.evaluation.models import Evaluation, FollowUpStatus, ScoreStage
from waishi.reports.docx_official import OfficialDocument

NONE = "无"
GRADES = {"excellent": "优秀", "good": "良好", "pass": "合格", "fail": "不合格"}
STATUSES = {
    "awaiting_self": "待自评",
    "awaiting_evaluator": "待评估",
    "awaiting_second": "待复核",
    "completed": "已完成",
}
DEDUCTIONS = {
    "passport_late": "护照逾期交回",
    "report_late": "出访报告逾期提交",
    "disclosure_late": "公示逾期或缺失",
    "itinerary_deviation": "擅自变更行程、国家或天数",
    "over_standard": "超标准开支",
    "warning_overridden": "审批时坚持预警事项",
    "discipline": "违反纪律",
    "other": "其他",
}
RESULT_KINDS = {
    "objective": "出访目标",
    "agreement": "协议或备忘录",
    "project": "项目或意向",
    "partner": "合作关系",
    "plan": "后续工作计划",
}
REALISATIONS = {"realised": "已落实", "in_progress": "推进中", "not_realised": "未落实"}


def points(value) -> str:
    """27.5 → "27.5", 30.0 → "30"; None → "—"."""
    if value is None:
        return "—"
    number = Decimal(str(value)).normalize()
    return f"{number:f}" if number != number.to_integral_value() else f"{int(number)}"


def _zh(item: dict, key: str = "title") -> str:
    return item.get(f"{key}_zh") or item.get(f"{key}_en") or item.get("code", "")


def _person(user) -> str:
    return str(user) if user else ""


def _when(moment) -> str:
    return cn_date(timezone.localtime(moment).date()) if moment else ""


def report_filename(evaluation: Evaluation) -> str:
    return f"evaluation-{evaluation.delegation_id}-{evaluation.pk}.docx"


def evaluation_report_docx(evaluation: Evaluation) -> io.BytesIO:
    handle = io.BytesIO()
    evaluation_document(evaluation).save(handle)
    handle.seek(0)
    return handle


def evaluation_document(evaluation: Evaluation) -> OfficialDocument:
    """Title, the delegation's facts, the scores per group and indicator, the deductions with
    their sources, the veto, the grade, who evaluated, and the follow-ups."""
    delegation = evaluation.delegation
    body = evaluation.rubric.body
    doc = OfficialDocument("因公出访团组绩效评估报告")
    doc.paragraph(delegation.title, align="center", indent=False)
    _facts(doc, evaluation)
    _scores(doc, evaluation, body)
    _deductions(doc, evaluation)
    doc.heading("一票否决事项")
    if evaluation.vetoed:
        title = _zh(
            next(
                (v for v in body.get("veto") or [] if v.get("code") == evaluation.veto_code),
                {"code": evaluation.veto_code},
            )
        )
        doc.paragraph(f"{title}：{evaluation.veto_reason}")
    else:
        doc.paragraph(NONE)
    _conclusion(doc, evaluation, body)
    _evaluators(doc, evaluation)
    _follow_ups(doc, evaluation)
    issuer = (
        evaluation.evaluator.unit.name
        if evaluation.evaluator and evaluation.evaluator.unit
        else city_name()
    )
    dated = evaluation.completed_at or evaluation.scored_at or timezone.now()
    doc.signature(issuer or delegation.organising_unit.name, _when(dated))
    return doc


def _facts(doc: OfficialDocument, evaluation: Evaluation) -> None:
    delegation = evaluation.delegation
    doc.heading("团组基本情况")
    doc.labelled("团组名称", delegation.title)
    if delegation.approval_number:
        doc.labelled("批件文号", delegation.approval_number)
    doc.labelled("组团单位", evaluation.organising_unit.name)
    doc.labelled("团长", delegation.leader.name if delegation.leader else NONE)
    doc.labelled("出访类型", TRIP_TYPES.get(evaluation.trip_type, evaluation.trip_type))
    stops = [s.country for s in delegation.stops.all() if not s.airside_transit]
    doc.labelled("出访国家（地区）", country_names(stops) or NONE)
    left = delegation.departed_on or delegation.leave_china
    back = delegation.returned_at or delegation.return_china
    doc.labelled("出访时间", f"{cn_date(left)}至{cn_date(back)}")
    rubric = evaluation.rubric
    doc.labelled("评估指标", f"{_zh(rubric.body)}（第{rubric.number}版：{rubric.label}）")
    doc.labelled("评估状态", STATUSES.get(evaluation.status, evaluation.status))


def final_scores(stages: dict) -> dict:
    """indicator code → the score that counts: the second evaluator's where given, else the
    evaluator's."""
    return {**stages.get(ScoreStage.FIRST, {}), **stages.get(ScoreStage.SECOND, {})}


def _scores(doc: OfficialDocument, evaluation: Evaluation, body: dict) -> None:
    stages = selectors.scores_by_stage(evaluation)
    own, counted = stages.get(ScoreStage.SELF, {}), final_scores(stages)
    doc.heading("评分情况")
    rows = [["指标组", "指标", "满分", "自评", "评分", "评分依据"]]
    for group, indicator in presentation.scored_indicators(body):
        code = indicator["code"]
        score = counted.get(code)
        rows.append(
            [
                _zh(group),
                _zh(indicator),
                points(indicator.get("max")),
                points(own[code].points) if code in own else "—",
                points(score.points) if score else "—",
                score.evidence if score else "",
            ]
        )
    doc.table(rows, widths_mm=[24, 34, 14, 14, 14, 56])
    doc.heading("各指标组得分", level=2)
    rows = [["指标组", "权重", "得分"]]
    group_points = evaluation.group_points or {}
    for group in presentation.groups(body):
        got = group_points.get(group["code"])
        rows.append([_zh(group), points(group.get("weight")), points(got)])
    rows.append(["合计", "100", points(evaluation.total)])
    doc.table(rows, widths_mm=[76, 40, 40])


def _deductions(doc: OfficialDocument, evaluation: Evaluation) -> None:
    doc.heading("合规扣分")
    deductions = list(evaluation.deductions.all())
    if not deductions:
        doc.paragraph(NONE)
        return
    rows = [["序号", "扣分事项", "扣分", "事实依据", "处理"]]
    for n, deduction in enumerate(deductions, start=1):
        basis = "；".join(x for x in (deduction.source_detail, deduction.reason) if x)
        state = f"免于扣分：{deduction.waived_reason}" if deduction.waived else "扣分"
        if deduction.prefilled and not deduction.waived:
            state = "扣分（系统记录）"
        rows.append(
            [
                str(n),
                DEDUCTIONS.get(deduction.source, deduction.source),
                f"−{points(deduction.points)}",
                basis,
                state,
            ]
        )
    doc.table(rows, widths_mm=[14, 34, 16, 62, 30])


def _conclusion(doc: OfficialDocument, evaluation: Evaluation, body: dict) -> None:
    doc.heading("评估结论")
    doc.labelled(
        "总分", f"{points(evaluation.total)}分" if evaluation.total is not None else "尚未评分"
    )
    grade = GRADES.get(evaluation.grade, "尚未评定")
    band = presentation.band_of(body, evaluation.grade) if evaluation.grade else None
    if band and evaluation.grade != "fail":
        grade += f"（{points(band['from'])}分及以上）"
    if evaluation.vetoed:
        grade += "（一票否决）"
    doc.labelled("等级", grade)
    if evaluation.evaluator_comment:
        doc.labelled("评估意见", evaluation.evaluator_comment)
    if evaluation.second_comment:
        doc.labelled("复核意见", evaluation.second_comment)
    if evaluation.self_assessment:
        doc.heading("团组自评", level=2)
        for block in evaluation.self_assessment.splitlines():
            if block.strip():
                doc.paragraph(block.strip())


def _evaluators(doc: OfficialDocument, evaluation: Evaluation) -> None:
    doc.heading("评估人员")
    rows = [
        ("自评", evaluation.self_assessed_by, evaluation.self_assessed_at),
        ("评估", evaluation.evaluator, evaluation.scored_at),
        ("复核", evaluation.second_evaluator, evaluation.second_scored_at),
    ]
    for label, user, moment in rows:
        if user:
            doc.labelled(label, f"{_person(user)}，{_when(moment)}")
    if not any(user for _label, user, _moment in rows):
        doc.paragraph(NONE)


def _follow_ups(doc: OfficialDocument, evaluation: Evaluation) -> None:
    doc.heading("成果落实回访")
    rounds = list(evaluation.follow_up_rounds.all())
    if not rounds:
        doc.paragraph("评估完成后，于团组回国后6个月和12个月各回访一次。")
        return
    for follow_up in rounds:
        doc.heading(f"{follow_up.months}个月回访", level=2)
        submitted = follow_up.status == FollowUpStatus.SUBMITTED
        state = f"已提交（{_person(follow_up.submitted_by)}，{_when(follow_up.submitted_at)}）"
        doc.labelled("应完成日期", cn_date(follow_up.due_on))
        doc.labelled("状态", state if submitted else "待提交")
        if submitted and follow_up.result_count:
            doc.labelled("落实情况", f"{follow_up.realised_count}/{follow_up.result_count}项已落实")
        results = list(follow_up.results.all())
        if results:
            rows = [["序号", "类别", "成果", "落实情况", "已落实金额", "说明"]]
            for n, result in enumerate(results, start=1):
                amount = (
                    f"{result.amount_realised:,.2f} {result.currency}"
                    if result.amount_realised is not None
                    else ""
                )
                rows.append(
                    [
                        str(n),
                        RESULT_KINDS.get(result.kind, result.kind),
                        result.label,
                        REALISATIONS.get(result.status, "—"),
                        amount,
                        result.note,
                    ]
                )
            doc.table(rows, widths_mm=[12, 24, 44, 20, 26, 30])
        if follow_up.note:
            doc.paragraph(follow_up.note)
