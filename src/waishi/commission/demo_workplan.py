"""Demo work plans (工作要点) of the 江海市 commission: this year's and last year's.

Written through the real services by the people whose job it is: the secretariat drafts and
adopts each plan, the lead and supporting units' liaisons report progress (with a completion
report in the official layout as evidence when an item is done), and the items are linked to
the demo delegations and meetings that served them. Report dates are replayed on the simulated
clock of the delegations demo, so a report of last May reads as filed last May.

Deadlines are fixed days of the plan's year; what became of an item depends on whether its
deadline has passed on the day the demo is loaded ("past" and "future" outcomes), so the demo
always shows done, in-progress, not-started and overdue items. Last year's plan is mostly done,
with two items still open (overdue).

Runs after the demo delegations (core/demo.py): it links to them and reports through the unit
liaisons the delegations demo creates, adding a liaison for a lead unit that has none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.utils import timezone

from waishi.commission.models import Meeting, MeetingDocument
from waishi.commission.models_workplan import WorkItem, WorkPlan
from waishi.commission.services_workplan import (
    work_item_add,
    work_item_link,
    work_item_report,
    work_plan_adopt,
    work_plan_create,
)
from waishi.core.models import RoleAssignment, User
from waishi.core.roles import Role
from waishi.core.services import role_grant, user_create
from waishi.delegations.demo import simulated_clock
from waishi.delegations.models import Delegation
from waishi.reports.docx_official import OfficialDocument


@dataclass(frozen=True)
class Item:
    section: str
    task: str
    lead: str
    support: tuple = ()
    due: tuple = (12, 31)  # month, day of the plan's year
    measure: str = ""
    past: str = "done"  # when the deadline has passed: "done" or "late" (still open)
    future: str = "progress"  # before it: "progress", "none" (not started) or "done" (early)
    delegations: tuple = ()  # titles of demo delegations that served the item
    meetings: tuple = ()  # titles of demo meetings that served it


OPEN = "一、服务高水平对外开放"
FRIENDS = "二、深化国际友城交流合作"
MANAGE = "三、加强外事管理和服务"
SAFETY = "四、统筹发展和安全，加强海外利益保护"
STORY = "五、讲好江海故事，提升城市国际影响力"

FIRST_MEETING = "市委外事工作委员会2025年第二次会议"

T = Item
THIS_YEAR = [
    T(OPEN, "办好江海国际投资贸易洽谈会，组织新能源、高端装备等重点产业专题推介活动",
      "SWJ", ("SWJ-TC", "FGW", "WB"), (6, 30), "洽谈会如期举办，签约外资项目不少于30个",
      delegations=("赴韩国参加首尔国际投资促进活动",)),
    T(OPEN, "推动江海港与汉堡港、鹿特丹港建立友好港口合作机制", "GWJT", ("JTJ", "WB"), (9, 30),
      "与至少一个欧洲港口签署友好港合作备忘录", past="late",
      delegations=("赴德国、荷兰开展港口合作交流",)),
    T(OPEN, "深化中欧班列（江海）国际物流通道建设，开通至中亚地区新线路", "JTJ", ("SWJ", "GZW"),
      (10, 31), "新线路开行并实现常态化运营",
      delegations=("赴哈萨克斯坦、乌兹别克斯坦推介中欧班列",)),
    T(OPEN, "组织企业赴东盟、中东欧国家开展经贸对接，拓展多元化国际市场", "SWJ", ("DHQ", "BHXQ"),
      (11, 30), "组织经贸对接活动不少于6场，参展企业不少于80家",
      delegations=("赴匈牙利参加中国—中东欧国家博览会", "赴新加坡、马来西亚开展经贸交流")),
    T(OPEN, "完善外商投资企业服务专员制度，协调解决外资企业经营诉求", "SWJ-TC", ("FGW",),
      (12, 31), "重点外资企业诉求办结率达到95%以上"),
    T(FRIENDS, "实施国际友好城市交流合作三年行动计划，制定年度友城交流项目清单", "WB",
      ("WGLJ", "JYJ"), (3, 31), "项目清单经委员会办公室审定并印发", future="done",
      meetings=(FIRST_MEETING,)),
    T(FRIENDS, "新缔结国际友好城市或友好交流城市1至2对", "WB", (), (12, 31),
      "完成缔结协议签署", future="progress",
      delegations=("赴新西兰、澳大利亚开展友城交流", "赴日本、韩国开展友城交流")),
    T(FRIENDS, "举办“江海国际友城周”系列活动，邀请友城代表团来访", "WB", ("WGLJ", "JYJ"), (9, 30),
      "邀请不少于8个友城代表团参加"),
    T(FRIENDS, "推动江海大学与友城高校开展联合培养、学分互认等合作", "JHDX", ("JYJ",), (8, 31),
      "新签校际合作协议不少于3项", delegations=("赴日本参加国际学术会议",)),
    T(FRIENDS, "开展友城医疗卫生交流，选派医务人员赴友城进修", "WJW", (), (10, 31),
      "选派医务人员不少于10人次", past="late", delegations=("赴匈牙利、捷克开展卫生健康交流",)),
    T(MANAGE, "修订《江海市因公临时出国（境）管理办法》，从严规范出访审批", "WB", ("FGW",), (6, 30),
      "修订稿经委员会审议通过并印发", meetings=(FIRST_MEETING,)),
    T(MANAGE, "开展因公出国（境）团组绩效评估，形成年度评估报告", "WB", (), (12, 31),
      "年度评估报告报委员会", future="progress"),
    T(MANAGE, "加强因公护照集中统一管理，实现证照借用归还全流程电子台账", "WB", (), (5, 31),
      "全市因公护照100%纳入电子台账"),
    T(MANAGE, "组织全市外事专办员业务培训，提升外事管理服务水平", "WB", ("JYJ",), (11, 30),
      "举办培训不少于2期，覆盖全部市直单位", future="none"),
    T(SAFETY, "健全境外企业和人员安全风险防范工作机制，梳理在外企业和项目安全风险台账", "SWJ",
      ("GZW", "WB"), (4, 30), "形成风险台账并建立季度更新机制", meetings=(FIRST_MEETING,)),
    T(SAFETY, "组织开展海外安全突发事件应急演练", "WB", ("GZW", "CTJT"), (10, 31),
      "完成桌面推演和实战演练各1次", past="late", future="none"),
    T(SAFETY, "加强重大涉外活动风险评估，落实“一活动一方案”", "WB", (), (12, 31),
      "重大涉外活动风险评估覆盖率100%"),
    T(STORY, "办好江海国际文化旅游节，邀请友城艺术团体参演", "WGLJ", ("WB",), (10, 31),
      "邀请境外艺术团体不少于5个"),
    T(STORY, "开展“外国友人看江海”活动，邀请驻华使领馆和外国媒体来访", "WB", ("WGLJ",), (11, 30),
      "组织来访活动不少于3批次", future="none"),
    T(STORY, "推进国际学校和国际医疗服务配套建设，优化国际化营商环境", "FGW", ("JYJ", "WJW"),
      (12, 31), "新增国际化服务配套项目2个"),
    T(STORY, "推动农业国际合作，办好援外农业技术培训班", "NYJ", ("LJX",), (9, 30),
      "举办培训班2期，培训学员不少于60人",
      delegations=("赴肯尼亚、坦桑尼亚开展农业技术合作",)),
]  # fmt: skip

LAST_YEAR = [
    T(OPEN, "办好江海国际投资贸易洽谈会，扩大利用外资规模", "SWJ", ("SWJ-TC", "FGW"), (6, 30),
      "签约外资项目不少于25个", delegations=("赴意大利、西班牙开展投资促进",)),
    T(OPEN, "推进智慧港口建设国际合作，学习借鉴先进港口经验", "GWJT", ("JTJ",), (9, 30),
      "形成智慧港口合作方案", delegations=("赴新加坡考察智慧港口",)),
    T(OPEN, "推动滨海新区临港产业园外资项目落地", "BHXQ", ("SWJ-TC",), (11, 30),
      "新落地外资项目不少于5个", past="late"),
    T(OPEN, "组织企业参加中国—中东欧国家博览会等重点展会", "SWJ", ("SWJ-WM",), (6, 30),
      "组织参展企业不少于50家"),
    T(FRIENDS, "筹办与法国友城缔结周年纪念活动", "WB", ("WGLJ",), (5, 31),
      "纪念活动如期举办", delegations=("赴法国参加友城缔结周年活动",)),
    T(FRIENDS, "编制国际友好城市交流合作三年行动计划（2026—2028年）", "WB", (), (12, 20),
      "行动计划经委员会审议通过", meetings=(FIRST_MEETING,)),
    T(FRIENDS, "推动中小学与友城学校结对交流", "JYJ", ("JHDX",), (10, 31), "新增结对学校10对"),
    T(MANAGE, "开展因公出国（境）管理专项检查", "WB", (), (8, 31), "形成专项检查报告"),
    T(MANAGE, "建设外事综合管理信息系统", "WB", ("GXJ",), (12, 31),
      "系统上线运行，覆盖出访审批、护照管理", past="late"),
    T(SAFETY, "开展境外中资企业安全培训", "SWJ", ("GZW",), (9, 30), "培训企业负责人不少于100人次"),
    T(SAFETY, "完善海外安全保护联席会议制度", "WB", ("GZW", "SWJ"), (4, 30), "制度印发实施"),
    T(STORY, "举办江海国际马拉松，邀请友城选手参赛", "WGLJ", ("WB",), (11, 30),
      "邀请友城选手不少于100人"),
    T(STORY, "组织媒体赴友城开展联合采访", "WGLJ", (), (10, 31), "刊发报道不少于20篇"),
]  # fmt: skip

PROGRESS_NOTES = [
    (30, "已制定工作方案，明确责任分工和时间节点，相关准备工作正在推进。"),
    (60, "按计划推进，阶段性任务已完成，正在协调解决推进中遇到的问题。"),
    (85, "主体工作基本完成，正在做好收尾和总结工作。"),
]
LATE_NOTE = "受外方日程调整影响，进度滞后，已与相关方协商新的时间安排。"
SUPPORT_NOTE = "配合牵头单位完成相关工作，提供资料和人员支持。"


def load_demo_workplan(*, actor, units) -> int:
    """This year's and last year's plans (once; nothing happens when a plan exists).

    `actor` adopts and links (the demo passes the administrator); the secretariat login drafts.
    Returns the number of items."""
    if WorkPlan.objects.exists():
        return 0
    today = timezone.localdate()
    secretariat = User.objects.filter(username="secretariat").first() or actor
    reports = []
    with simulated_clock() as clock:
        for year, rows in ((today.year - 1, LAST_YEAR), (today.year, THIS_YEAR)):
            adopted = min(dt.date(year, 3, 15), today - dt.timedelta(days=1))
            clock.at = _moment(adopted - dt.timedelta(days=10), 10)
            plan = work_plan_create(
                actor=secretariat, year=year, title=f"市委外事工作委员会{year}年工作要点"
            )
            items = [_add(secretariat, plan, row, units) for row in rows]
            clock.at = _moment(adopted, 16)
            meeting = _meeting_reviewing(year)
            plan = work_plan_adopt(
                actor=secretariat,
                plan=plan,
                expected_version=plan.version,
                meeting=meeting,
                adopted_on=meeting.date if meeting and meeting.date else adopted,
            )
            for item in items:
                item.plan = plan
            for work_item, row in zip(items, rows, strict=True):
                reports += _plan_reports(work_item, row, today)
        liaisons = {}
        for when, item, unit, percent, status, note in sorted(reports, key=lambda r: r[0]):
            clock.at = when
            _report(actor, item, unit, percent, status, note, units, liaisons)
    _link_all(actor)
    return WorkItem.objects.count()


def _moment(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _add(actor, plan, row: Item, units) -> WorkItem:
    return work_item_add(
        actor=actor,
        plan=plan,
        section=row.section,
        task=row.task,
        lead_unit=units[row.lead],
        supporting_units=[units[code] for code in row.support],
        deadline=dt.date(plan.year, *row.due),
        measure=row.measure,
    )


def _meeting_reviewing(year: int) -> Meeting | None:
    """The demo meeting that reviewed this year's work plan, when there is one."""
    document = MeetingDocument.objects.filter(title__contains=f"{year}年工作要点").first()
    return document.meeting if document else None


def _plan_reports(item: WorkItem, row: Item, today: dt.date) -> list[tuple]:
    """(when, item, unit code or None for the lead, percent, status, note) of each report."""
    start = item.plan.adopted_on + dt.timedelta(days=7)
    passed = item.deadline < today
    outcome = row.past if passed else row.future
    end = min(item.deadline, today - dt.timedelta(days=1))
    if outcome == "none" or end <= start:
        return []
    span = (end - start).days

    def on(fraction: float, hour: int = 10) -> dt.datetime:
        return _moment(start + dt.timedelta(days=int(span * fraction)), hour)

    steps = PROGRESS_NOTES[:2] if outcome != "progress" else PROGRESS_NOTES[:1]
    if outcome == "progress" and span > 60:
        steps = PROGRESS_NOTES[:2]
    rows = [(on(0.25 + 0.35 * i), item, None, pct, "in_progress", note)
            for i, (pct, note) in enumerate(steps)]  # fmt: skip
    if row.support:
        rows.append((on(0.5, 15), item, row.support[0], 50, "in_progress", SUPPORT_NOTE))
    if outcome == "done":
        note = f"已按要求完成：{row.measure or row.task}。"
        rows.append((on(0.95, 11), item, None, 100, "done", note))
    elif outcome == "late":
        rows.append((on(0.9, 11), item, None, 60, "in_progress", LATE_NOTE))
    return rows


def _report(actor, item, unit_code, percent, status, note, units, liaisons) -> None:
    item.refresh_from_db(fields=["version"])
    unit = item.lead_unit if unit_code is None else units[unit_code]
    if unit.pk not in liaisons:
        liaisons[unit.pk] = _liaison_of(actor, unit)
    evidence = _completion_report(item, note) if status == "done" else None
    work_item_report(
        actor=liaisons[unit.pk],
        item=item,
        expected_version=item.version,
        percent=percent,
        status=status,
        note=note,
        evidence=evidence,
    )


def _liaison_of(actor, unit) -> User:
    """A liaison whose grant covers `unit` (the unit's, or one above it with its subtree); a
    liaison for the unit is created when there is none."""
    above = [int(part) for part in unit.path.strip("/").split("/") if part]
    covering = RoleAssignment.objects.filter(role=Role.LIAISON, user__is_active=True).filter(
        Q(unit=unit) | Q(unit_id__in=above, include_subtree=True)
    )
    found = covering.select_related("user", "unit").order_by("-unit__depth", "user__username")
    grant = found.first()
    if grant is not None:
        return grant.user
    user = user_create(
        actor=actor,
        username=f"{unit.code.lower()}-liaison",
        password=None,  # an actor of record only: the documented demo logins stay the set
        full_name=f"{unit.name}外事专办员",
        unit=unit,
    )
    role_grant(actor=actor, user=user, role=Role.LIAISON, unit=unit)
    return user


def _completion_report(item: WorkItem, note: str) -> SimpleUploadedFile:
    """The unit's completion report (完成情况报告) in the official layout, as the evidence."""
    doc = OfficialDocument(f"关于{item.plan.year}年工作要点第{item.number}项完成情况的报告")
    doc.paragraph("市委外事工作委员会办公室：")
    doc.paragraph(f"根据《{item.plan.title}》分工，我单位牵头负责“{item.task}”。")
    doc.paragraph(note)
    doc.paragraph("特此报告。")
    today = timezone.localdate()
    doc.signature(item.lead_unit.name, f"{today.year}年{today.month}月{today.day}日")
    name = f"{item.lead_unit.name}完成情况报告.docx"
    content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return SimpleUploadedFile(name, doc.to_bytes(), content_type=content_type)


def _link_all(actor) -> None:
    delegations = {d.title: d for d in Delegation.objects.order_by("-leave_china")}
    meetings = {m.title: m for m in Meeting.objects.all()}
    rows = dict(zip((r.task for r in THIS_YEAR + LAST_YEAR), THIS_YEAR + LAST_YEAR, strict=True))
    for item in WorkItem.objects.select_related("plan").order_by("plan__year", "number"):
        row = rows[item.task]
        for title in row.delegations:
            if title in delegations:
                work_item_link(actor=actor, item=item, delegation=delegations[title])
        for title in row.meetings:
            if title in meetings:
                work_item_link(actor=actor, item=item, meeting=meetings[title])
