"""Word documents of a delegation in the official layout (reports.docx_official):

    application_docx(delegation) -> bytes   出访请示: the request for approval
    trip_report_docx(delegation) -> bytes   出访报告: the report after the return

Official documents are written in Chinese whatever the reader's language, so the labels here are
Chinese text, not translatable UI strings; country names come from django-countries in zh-Hans.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone, translation
from django_countries import countries
from docx.image.exceptions import (
    InvalidImageStreamError,
    UnexpectedEndOfFileError,
    UnrecognizedImageError,
)
from docx.shared import Mm

from waishi.delegations.models import Delegation
from waishi.delegations.models_trip import AttachmentKind, ReturnRegistration, TripReport
from waishi.delegations.selectors_trip import deviation_text, spending_rows
from waishi.reports.docx_official import OfficialDocument

logger = logging.getLogger("waishi.delegations")

RANKS = {
    "provincial": "省部级",
    "bureau": "厅局级",
    "county": "县处级",
    "section": "乡科级",
    "other": "其他",
}
ROLES = {"leader": "团长", "member": "团员", "interpreter": "翻译", "other": "其他"}
TRIP_TYPES = {
    "visit": "考察访问",
    "investment": "招商引资",
    "conference": "出席会议",
    "training": "培训",
    "academic_exchange": "学术交流",
    "other": "其他",
}
INVITERS = {
    "counterpart": "对口单位",
    "intermediary": "中介机构",
    "foreign_mission_in_china": "外国驻华机构",
    "overseas_chinese_body": "海外华人团体",
    "none": "无邀请",
}
BUDGET = {
    "international_travel": "国际旅费",
    "intercity_travel": "国外城市间交通费",
    "lodging": "住宿费",
    "meals": "伙食费",
    "incidentals": "公杂费",
    "other": "其他费用",
}
RESULTS = {"met": "已完成", "partly": "部分完成", "not": "未完成"}
PROJECT_KINDS = {"project": "项目", "intention": "意向"}


def cn_date(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def country_names(codes) -> str:
    with translation.override("zh-hans"):
        names = dict(countries)
        return "、".join(str(names.get(str(c), str(c))) for c in dict.fromkeys(codes))


def _countries_of(delegation: Delegation) -> str:
    return country_names(s.country for s in delegation.stops.all() if not s.airside_transit)


def _leader(delegation: Delegation) -> str:
    leader = delegation.members.filter(role_in_delegation="leader").select_related("person")
    member = leader.first()
    return f"{member.position}{member.person.name}" if member else ""


def _amount(value) -> str:
    return "" if value is None else f"{value:,.2f}"


def application_docx(delegation: Delegation) -> bytes:
    """出访请示 of `delegation` as it stands (draft or approved)."""
    unit = delegation.organising_unit
    members = list(delegation.members.select_related("person", "unit"))
    doc = OfficialDocument(f"关于{delegation.title}的请示")
    doc.paragraph("市人民政府外事办公室：", indent=False)
    doc.paragraph(
        f"为{delegation.purpose or delegation.title}，经研究，拟由{_leader(delegation)}率团一行"
        f"{len(members)}人，于{cn_date(delegation.leave_china)}至{cn_date(delegation.return_china)}"
        f"赴{_countries_of(delegation)}开展{TRIP_TYPES.get(delegation.trip_type, '')}活动。"
        "现将有关情况请示如下："
    )
    doc.heading("出访任务")
    for n, objective in enumerate(delegation.objectives.all(), start=1):
        doc.paragraph(f"{n}. {objective.text}")
    doc.heading("团组人员")
    rows = [["序号", "姓名", "单位", "职务", "级别", "团内身份"]]
    for n, m in enumerate(members, start=1):
        rows.append(
            [
                n,
                m.person.name,
                m.unit.name,
                m.position,
                RANKS.get(m.rank, ""),
                ROLES.get(m.role_in_delegation, ""),
            ]
        )
    doc.table(rows)
    doc.heading("行程安排")
    rows = [["序号", "国家（地区）", "城市", "抵达", "离开"]]
    for n, stop in enumerate(delegation.stops.all(), start=1):
        transit = "（机场中转）" if stop.airside_transit else ""
        rows.append(
            [
                n,
                country_names([stop.country]) + transit,
                stop.city,
                cn_date(stop.arrive),
                cn_date(stop.depart),
            ]
        )
    doc.table(rows)
    doc.heading("邀请情况")
    inviter = delegation.invitation_from or "无"
    doc.paragraph(f"邀请单位：{inviter}（{INVITERS.get(delegation.invitation_kind, '')}）。")
    doc.heading("经费预算")
    rows = [["项目", "金额", "币种", "经费来源"]]
    for item in delegation.budget_items.all():
        rows.append(
            [
                BUDGET.get(item.kind, item.kind),
                _amount(item.amount),
                item.currency,
                item.funding_source,
            ]
        )
    doc.table(rows)
    doc.paragraph("妥否，请批示。")
    doc.signature(unit.name, cn_date(timezone.localdate()))
    return doc.to_bytes()


def trip_report_docx(delegation: Delegation) -> bytes:
    """出访报告 of a returned delegation, from its report, return registration and photos."""
    report = TripReport.objects.filter(delegation=delegation).first()
    registration = ReturnRegistration.objects.filter(delegation=delegation).first()
    members = delegation.members.count()
    left = registration.left_china_on if registration else delegation.departed_on
    back = registration.returned_on if registration else delegation.returned_at
    doc = OfficialDocument(f"{delegation.title}出访报告")
    approval = f"经{delegation.approval_number}批准，" if delegation.approval_number else ""
    doc.paragraph(
        f"{approval}{_leader(delegation)}率团一行{members}人，于{cn_date(left)}至{cn_date(back)}"
        f"赴{_countries_of(delegation)}进行访问。现将出访情况报告如下："
    )
    doc.heading("任务完成情况")
    for result in report.results.all() if report else []:
        doc.heading(result.objective_text, level=2)
        doc.paragraph(f"完成情况：{RESULTS.get(result.status, '')}。{result.result}")
    _results(doc, report)
    _itinerary(doc, delegation, registration)
    doc.heading("经费使用情况")
    rows = [["项目", "币种", "预算", "实际支出", "差额"]]
    for row in spending_rows(delegation, report):
        rows.append(
            [
                BUDGET.get(row["code"], row["code"]),
                row["currency"],
                _amount(row["budget"]),
                _amount(row["actual"]),
                _amount(row["difference"]),
            ]
        )
    doc.table(rows)
    doc.heading("后续工作计划")
    plans = list(report.follow_ups.all()) if report else []
    for n, plan in enumerate(plans, start=1):
        extra = "，".join(x for x in (plan.responsible, cn_date(plan.due_on)) if x)
        doc.paragraph(f"{n}. {plan.plan}" + (f"（{extra}）" if extra else ""))
    if not plans:
        doc.paragraph("无。")
    doc.heading("遵守外事纪律情况")
    declared = report is not None and report.compliance_declared
    doc.paragraph(
        ("团组成员遵守外事纪律和各项规定，按批准的计划执行出访任务。" if declared else "未作声明。")
        + (report.compliance_note if report else "")
    )
    if report and report.summary:
        doc.heading("其他情况")
        for block in report.summary.splitlines():
            if block.strip():
                doc.paragraph(block.strip())
    _photos(doc, delegation)
    doc.signature(delegation.organising_unit.name, cn_date(timezone.localdate()))
    return doc.to_bytes()


def _results(doc: OfficialDocument, report: TripReport | None) -> None:
    doc.heading("主要成果")
    agreements = list(report.agreements.all()) if report else []
    projects = list(report.projects.all()) if report else []
    partners = list(report.partners.all()) if report else []
    if not (agreements or projects or partners):
        doc.paragraph("无。")
    if agreements:
        doc.heading("签署协议", level=2)
        rows = [["协议或备忘录", "签署方", "签署日期"]]
        rows += [[a.title, a.partner, cn_date(a.signed_on)] for a in agreements]
        doc.table(rows)
    if projects:
        doc.heading("项目及意向", level=2)
        rows = [["类别", "名称", "金额", "币种", "合作方"]]
        rows += [
            [PROJECT_KINDS.get(p.kind, ""), p.name, _amount(p.amount), p.currency, p.partner]
            for p in projects
        ]
        doc.table(rows)
    if partners:
        doc.heading("会见人士", level=2)
        rows = [["姓名", "机构", "国家（地区）"]]
        rows += [
            [p.name, p.organisation, country_names([p.country]) if p.country else ""]
            for p in partners
        ]
        doc.table(rows)


def _itinerary(doc: OfficialDocument, delegation, registration) -> None:
    doc.heading("行程执行情况")
    if registration is None:
        doc.paragraph("尚未办理回国登记。")
        return
    rows = [["国家（地区）", "城市", "抵达", "离开"]]
    rows += [
        [country_names([s.country]), s.city, cn_date(s.arrive), cn_date(s.depart)]
        for s in registration.stops.all()
    ]
    doc.table(rows)
    if not registration.deviations:
        doc.paragraph("行程按批准的计划执行，无变更。")
        return
    with translation.override("zh-hans"):
        for item in registration.deviations:
            doc.paragraph(f"与批准行程不一致：{deviation_text(item)}")


def _photos(doc: OfficialDocument, delegation) -> None:
    photos = list(delegation.attachments.filter(kind=AttachmentKind.PHOTO))
    if not photos:
        return
    doc.heading("出访照片")
    for photo in photos:
        try:
            with photo.file.open("rb") as handle:
                doc.document.add_picture(handle, width=Mm(120))
        except (
            OSError,
            ValueError,
            UnrecognizedImageError,
            InvalidImageStreamError,
            UnexpectedEndOfFileError,
        ) as exc:  # a missing or unreadable file
            logger.warning("photo %s left out of the report: %s", photo.pk, exc)
            continue
        doc.paragraph(photo.caption or photo.original_name, align="center", indent=False)
