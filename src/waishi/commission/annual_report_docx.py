"""The annual report (全市外事工作情况) as a .docx in the official layout (GB/T 9704).

    data = annual_report_data(2025)
    payload = annual_report_docx(data)      # bytes of the Word document
    annual_report_filename(2025)            # "全市外事工作情况-2025.docx"

An official document is written in Chinese whatever language the reader's pages use, so the text
here is Chinese, not translatable UI strings. Every number comes from `data`; a section of a
module that has no records for the year says so in a sentence instead of showing an empty chart
or table. "下一步工作" cannot come from data: it is a highlighted placeholder paragraph that the
office replaces in Word before the report goes out.

Charts are PNG images (reports.charts) in paragraphs of their own: the body's fixed 28.95 pt line
would crop a picture, so those paragraphs keep single spacing.
"""

from __future__ import annotations

import io
from decimal import Decimal

from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.shared import Mm

from waishi.commission.annual_report import AnnualReport, DelegationSection
from waishi.commission.minutes import chinese_date
from waishi.commission.report_cli import default_filename
from waishi.delegations.documents import RANKS, TRIP_TYPES
from waishi.policy.names import CURRENCIES, country_name_zh
from waishi.reports.charts import bar_chart
from waishi.reports.docx_official import OfficialDocument

ISSUER = "市委外事工作委员会办公室"
CHART_WIDTH = Mm(150)  # the type area is 156 mm wide
TOP = 10
GRADES = {"excellent": "优秀", "good": "良好", "pass": "合格", "fail": "不合格"}
CURRENCY_NAMES: dict[str, str] = {}
for _name, _code in CURRENCIES.items():
    CURRENCY_NAMES.setdefault(_code, _name)
PLACEHOLDER = (
    "【待撰写】请根据以上情况，写明下一年度全市外事工作的主要安排和措施。"
    "（此段为系统生成的占位文字，定稿前请替换。）"
)


def annual_report_title(year: int) -> str:
    return f"{year}年全市外事工作情况"


def annual_report_filename(year: int) -> str:
    return default_filename(year)


# --- numbers as an official document writes them ---------------------------------------------


def plain(value) -> str:
    """A decimal without trailing zeros: 500.00 → 500, 12.50 → 12.5."""
    text = f"{Decimal(value):.2f}".rstrip("0").rstrip(".")
    return text or "0"


def wan(amount, currency: str = "CNY") -> str:
    """An amount in ten-thousands (万): 5,000,000 EUR → 500万欧元; CNY → 万元."""
    figure = plain(Decimal(amount) / 10000)
    if currency == "CNY":
        return f"{figure}万元"
    return f"{figure}万{CURRENCY_NAMES.get(currency, currency)}"


def percent(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.1f}%" if whole else "—"


def country(code: str) -> str:
    return country_name_zh(code) or code


def joined(parts) -> str:
    return "、".join(part for part in parts if part)


# --- the document ------------------------------------------------------------------------------


class AnnualReportDocument:
    """Builds the report section by section on an OfficialDocument."""

    def __init__(self, data: AnnualReport):
        self.data = data
        self.doc = OfficialDocument(annual_report_title(data.year))
        self.figures = 0

    def build(self) -> OfficialDocument:
        self.overview()
        if self.data.has_data:
            self.delegations()
            self.evaluations()
            self.meetings()
            if self.data.work_plan is not None:
                self.work_plan()
        self.next_steps()
        self.note()
        self.doc.signature(ISSUER, chinese_date(self.data.today))
        return self.doc

    # --- helpers ---

    def heading(self, text: str, level: int = 1) -> None:
        """A numbered heading that stays on the page of the text under it."""
        self.doc.heading(text, level)
        self.doc.document.paragraphs[-1].paragraph_format.keep_with_next = True

    def say(self, text: str) -> None:
        self.doc.paragraph(text)

    def figure(self, caption: str, labels: list[str], values: list[int], **options) -> None:
        """A chart and its numbered caption (图N), centred, kept together on one page."""
        png = bar_chart(labels, values, **options)
        self.figures += 1
        paragraph = self.doc.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt = paragraph.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        fmt.keep_with_next = True
        paragraph.add_run().add_picture(io.BytesIO(png), width=CHART_WIDTH)
        self.doc.paragraph(f"图{self.figures}　{caption}", align="center", indent=False)

    def table(self, header: list[str], rows: list[list], widths: list[int]) -> None:
        numbered = [[str(i), *map(str, row)] for i, row in enumerate(rows, start=1)]
        self.doc.table([["序号", *header], *numbered], widths_mm=widths)

    # --- sections ---

    def overview(self) -> None:
        data, year = self.data, self.data.year
        self.doc.paragraph(f"现将{year}年全市外事工作情况报告如下。")
        self.heading("总体情况")
        if not data.has_data:
            self.say(
                f"系统中没有{year}年的因公出访、绩效评估、外事工作委员会会议和年度工作要点记录，"
                "本报告暂无统计内容。"
            )
            return
        d, e, m = data.delegations, data.evaluations, data.meetings
        parts = []
        if d.count:
            parts.append(
                f"全市共派出因公临时出国（境）团组{d.count}批{d.person_trips}人次（涉及{d.persons}人），"
                f"赴{len(d.countries)}个国家和地区"
            )
        else:
            parts.append("全市没有因公临时出国（境）团组出访")
        if e.completed:
            parts.append(
                f"完成团组绩效评估{e.completed}个，其中优秀{e.grades.get('excellent', 0)}个"
            )
        if m.meetings:
            parts.append(f"市委外事工作委员会召开会议{len(m.meetings)}次，作出决定{m.decisions}项")
        plan = data.work_plan
        if plan and plan.get("total"):
            parts.append(
                f"年度工作要点{plan['total']}项已完成{plan['done']}项，"
                f"完成率{plan['completion_rate'] * 100:.1f}%"
            )
        self.say(f"{year}年，" + "；".join(parts) + "。")

    def delegations(self) -> None:
        d = self.data.delegations
        self.heading("因公出访")
        if not d.count:
            self.say(f"{self.data.year}年没有因公临时出国（境）团组出境。")
            self.approvals(d)
            return
        self.heading("出访总体情况", level=2)
        self.say(
            f"全年出访团组{d.count}批{d.person_trips}人次，涉及{d.persons}人，"
            f"平均每团{d.person_trips / d.count:.1f}人。"
        )
        months = [f"{i}月" for i in range(1, 13)]
        self.figure(f"{self.data.year}年各月出访团组数（批）", months, d.months)
        by_type = joined(f"{TRIP_TYPES.get(r.key, r.key)}{r.delegations}批" for r in d.trip_types)
        self.say(f"按出访任务分：{by_type}。")
        ranks = {row.key: row.delegations for row in d.ranks}
        by_rank = joined(f"{label}{ranks[key]}批" for key, label in RANKS.items() if key in ranks)
        self.say(f"按团组最高级别分：{by_rank}。")

        self.heading("出访国家和地区", level=2)
        top = d.countries[:TOP]
        listed = joined(f"{country(r.key)}（{r.delegations}批）" for r in top)
        self.say(
            f"出访足迹遍及{len(d.countries)}个国家和地区。"
            f"出访团组数居前{len(top)}位的依次是：{listed}。"
        )
        self.figure(
            f"出访团组数居前{len(top)}位的国家和地区（批）",
            [country(r.key) for r in top],
            [r.delegations for r in top],
            horizontal=True,
        )

        self.heading("组团单位", level=2)
        units = d.units[:TOP]
        self.say(
            f"共有{len(d.units)}个单位（含下属单位）组团出访，"
            f"出访团组数居前{len(units)}位的单位如下。"
        )
        rows = [[r.key, r.delegations, r.people] for r in units]
        self.table(["组团单位", "团组数（批）", "人次"], rows, [16, 80, 30, 30])
        self.results(d)
        self.approvals(d)
        self.compliance(d)

    def results(self, d: DelegationSection) -> None:
        r = d.results
        self.heading("出访成果", level=2)
        if not r.reports_filed:
            self.say("本年度出访团组尚未提交出访报告，暂无成果统计。")
            return
        objectives = sum(r.objectives.values())
        text = f"已提交出访报告{r.reports_filed}份。"
        if objectives:
            text += (
                f"报告所列出访任务{objectives}项，已完成{r.objectives.get('met', 0)}项、"
                f"部分完成{r.objectives.get('partly', 0)}项、未完成{r.objectives.get('not', 0)}项。"
            )
        text += (
            f"签署协议和备忘录{r.agreements}份，达成合作项目{r.projects}个、"
            f"合作意向{r.intentions}个"
        )
        if r.amounts:
            text += "，涉及金额" + joined(wan(amount, code) for code, amount in r.amounts)
        text += f"；新建立联系的合作伙伴{r.partners}个。"
        self.say(text)

    def approvals(self, d: DelegationSection) -> None:
        w = d.workflow
        if not (w.submitted or w.approved or w.rejected or w.returns):
            return
        self.heading("审批管理", level=2)
        self.say(
            f"全年受理出访申请{w.submitted}件，批准{w.approved}件，不予批准{w.rejected}件；"
            f"退回修改{w.returns}次，涉及申请{w.returned_applications}件；"
            f"申请单位撤回{w.withdrawn}件，批准后取消出访{w.cancelled}件。"
        )

    def compliance(self, d: DelegationSection) -> None:
        c = d.compliance
        self.heading("出访纪律和后续管理", level=2)
        if not c.returned:
            self.say("本年度出访团组尚未回国，暂无后续管理统计。")
            return
        r, s, p = c.reports, c.disclosures, c.passports
        self.say(
            f"已回国团组{c.returned}批。出访报告到期应交{r.due}份，按时提交{r.on_time}份，"
            f"逾期提交{r.late}份，逾期未交{r.outstanding}份；出访后公开到期应公开{s.due}批，"
            f"按时公开{s.on_time}批，逾期公开{s.late}批，逾期未公开{s.outstanding}批；"
            f"因公护照到期应交回{p.due}本，按时交回{p.on_time}本，逾期交回{p.late}本，"
            f"逾期未交回{p.outstanding}本。"
        )
        if c.deviations:
            self.say(f"{c.deviations}批团组的实际行程与批准行程不一致，已在回国登记中记录。")
        else:
            self.say("回国登记显示，各团组均按批准的行程执行。")

    def evaluations(self) -> None:
        e = self.data.evaluations
        self.heading("绩效评估")
        if not e.opened:
            self.say(f"{self.data.year}年尚无团组绩效评估记录。")
            return
        text = (
            f"全年纳入绩效评估的团组{e.opened}个，已完成评估{e.completed}个，"
            f"尚在评估中{e.in_progress}个。"
        )
        if e.completed:
            grades = joined(f"{label}{e.grades.get(key, 0)}个" for key, label in GRADES.items())
            average = f"平均得分{e.average}分，" if e.average is not None else ""
            text += f"已完成评估的团组{average}其中{grades}"
            text += f"（含因严重违纪一票否决{e.vetoed}个）。" if e.vetoed else "。"
        self.say(text)
        if e.completed:
            self.figure(
                "绩效评估等次分布（个）",
                list(GRADES.values()),
                [e.grades.get(key, 0) for key in GRADES],
            )
        if e.amount_cny or e.spent_cny:
            self.say(
                f"已完成评估的团组实际支出{wan(e.spent_cny)}，带来投资和贸易额{wan(e.amount_cny)}。"
            )
        if e.failed:
            self.say(f"评估不合格的团组如下（按得分排列，列出前{len(e.failed)}个）。")
            rows = [
                [
                    f.title,
                    f.unit,
                    plain(f.total) if f.total is not None else "—",
                    "一票否决" if f.vetoed else "",
                ]
                for f in e.failed
            ]
            self.table(["团组", "组团单位", "得分", "说明"], rows, [14, 66, 36, 18, 22])
        for round_ in e.follow_ups:
            text = f"{round_.months}个月跟踪回访提交{round_.submitted}次"
            if round_.results:
                text += (
                    f"，所报成果{round_.results}项中已落实{round_.realised}项，"
                    f"落实率{percent(round_.realised, round_.results)}"
                )
            if round_.overdue:
                text += f"；{round_.overdue}次回访逾期未报"
            self.say(text + "。")

    def meetings(self) -> None:
        m = self.data.meetings
        self.heading("外事工作委员会会议")
        if not m.meetings:
            self.say(f"{self.data.year}年没有已确认的市委外事工作委员会会议记录。")
        else:
            self.say(
                f"全年召开市委外事工作委员会会议{len(m.meetings)}次，审议文件{m.documents}份，"
                f"作出决定{m.decisions}项，部署督办事项{m.tasks}项；已办结{m.tasks_done}项，"
                f"正在办理{m.tasks_open}项（其中逾期{m.tasks_overdue}项），"
                f"办结率{percent(m.tasks_done, m.tasks)}。"
            )
            rows = [
                [chinese_date(row.date), row.title, row.documents, row.decisions]
                for row in m.meetings
            ]
            self.table(["时间", "会议", "审议文件", "决定事项"], rows, [14, 34, 68, 20, 20])
            if m.overdue_tasks:
                self.say(f"逾期未办结的督办事项（列出前{len(m.overdue_tasks)}项）：")
                rows = [[t.text, t.unit, chinese_date(t.deadline)] for t in m.overdue_tasks]
                self.table(["督办事项", "责任单位", "完成时限"], rows, [14, 76, 36, 30])
        if m.drafts:
            self.say(f"另有{m.drafts}次会议的记录尚未确认，未计入以上统计。")

    def work_plan(self) -> None:
        plan = self.data.work_plan
        self.heading("年度工作要点完成情况")
        if not plan.get("total"):
            self.say(f"系统中没有{self.data.year}年度工作要点的任务。")
            return
        title = f"《{plan['plan_title']}》" if plan.get("plan_title") else "年度工作要点"
        text = (
            f"{title}确定工作任务{plan['total']}项，已完成{plan['done']}项，"
            f"正在推进{plan['in_progress']}项，尚未启动{plan['not_started']}项，"
            f"完成率{plan['completion_rate'] * 100:.1f}%"
        )
        # Overdue items are open ones past their deadline: part of the two counts before.
        text += f"；未完成的任务中已逾期{plan['overdue']}项。" if plan["overdue"] else "。"
        self.say(text)
        self.figure(
            "年度工作要点任务进展（项）",
            ["已完成", "正在推进", "尚未启动"],
            [plan["done"], plan["in_progress"], plan["not_started"]],
        )
        units = plan.get("by_unit") or []  # in the unit tree's order
        if units:
            rows = [[u["unit"], u["total"], u["done"], u["overdue"]] for u in units]
            self.table(["责任单位", "任务数", "已完成", "逾期"], rows, [14, 70, 24, 24, 24])

    def next_steps(self) -> None:
        self.heading("下一步工作")
        self.doc.paragraph(PLACEHOLDER)
        for run in self.doc.document.paragraphs[-1].runs:
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW

    def note(self) -> None:
        self.doc.paragraph(
            f"说明：本报告由外事工作管理系统根据截至{chinese_date(self.data.today)}的数据生成。"
            "因公出访按实际出境日期计入年度，人次按团组成员计（同一人多次出访分别计算），"
            "“涉及人数”为不重复的人数；出访国家和地区按批准的行程统计，不含不出机场的转机地；"
            "绩效评估按团组所属年度统计；会议仅统计已确认的会议记录；"
            "逾期情况按报告生成之日计算。"
        )


def annual_report_document(data: AnnualReport) -> OfficialDocument:
    return AnnualReportDocument(data).build()


def annual_report_docx(data: AnnualReport) -> bytes:
    return annual_report_document(data).to_bytes()
