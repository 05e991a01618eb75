"""The minutes (会议纪要) of a meeting as a .docx in the official layout (GB/T 9704).

The minutes are an official Chinese document whose wording is fixed by the genre, so their
headings are written in Chinese here whatever language the reader's pages are shown in.
"""

from waishi.commission.models import FollowUpTask, Meeting
from waishi.reports.docx_official import OfficialDocument

NONE = "无"
TASK_STATES = {
    FollowUpTask.Status.OPEN: "进行中",
    FollowUpTask.Status.DONE: "已完成",
    FollowUpTask.Status.OVERDUE: "已逾期",
}


def chinese_date(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def minutes_title(meeting: Meeting) -> str:
    title = meeting.title.strip()
    return title if title.endswith("纪要") else f"{title}纪要"


def _when(meeting: Meeting) -> str:
    if meeting.date:
        return chinese_date(meeting.date)
    if meeting.month_day:
        month, day = meeting.month_day.split("-")
        return f"{int(month)}月{int(day)}日"
    return "待定"


def minutes_document(meeting: Meeting, tasks) -> OfficialDocument:
    """Title, the meeting's particulars, agenda, documents, decisions and the follow-up table."""
    doc = OfficialDocument(minutes_title(meeting))
    if meeting.number:
        doc.paragraph(f"（{meeting.number}）", align="center", indent=False)
    doc.labelled("时间", _when(meeting))
    if meeting.place:
        doc.labelled("地点", meeting.place)
    doc.labelled("主持", "、".join(meeting.chairs) or NONE)
    doc.labelled("出席", "、".join(meeting.attendee_names) or NONE)

    doc.heading("会议议程")
    for i, item in enumerate(meeting.agenda, 1):
        doc.paragraph(f"{i}. {item}")
    if not meeting.agenda:
        doc.paragraph(NONE)

    doc.heading("审议文件")
    documents = list(meeting.documents.all())
    for i, document in enumerate(documents, 1):
        doc.paragraph(f"{i}. 《{document.title}》")
    if not documents:
        doc.paragraph(NONE)

    doc.heading("会议决定")
    decisions = list(meeting.decisions.all())
    for i, decision in enumerate(decisions, 1):
        doc.paragraph(f"{i}. {decision.text}")
    if not decisions:
        doc.paragraph(NONE)

    doc.heading("督办事项")
    rows = [["序号", "事项", "责任单位", "完成时限", "状态"]]
    for i, task in enumerate(tasks, 1):
        rows.append([
            str(i), task.text, task.owner_unit.name, chinese_date(task.deadline) or "—",
            TASK_STATES[task.state()],
        ])  # fmt: skip
    if len(rows) > 1:
        doc.table(rows, widths_mm=[14, 62, 34, 26, 20])
    else:
        doc.paragraph(NONE)
    return doc


def minutes_filename(meeting: Meeting) -> str:
    stamp = meeting.date.isoformat() if meeting.date else f"draft-{meeting.pk}"
    return f"minutes-{stamp}-{meeting.pk}.docx"
