"""The meetings list as an .xlsx workbook: the list's filters, one meeting a row."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

EXPORT_LIMIT = 10_000


def _headers() -> list[str]:
    return [
        _("Number"),
        _("Title"),
        _("Date"),
        _("Status"),
        _("Chairs"),
        _("Attendees"),
        _("Open tasks"),
        _("Overdue tasks"),
        _("Source"),
    ]


def _row(meeting) -> list:
    return [
        meeting.number,
        meeting.title,
        meeting.date,
        str(meeting.get_status_display()),
        "、".join(meeting.chairs),
        "、".join(meeting.attendee_names),
        meeting.open_tasks,
        meeting.overdue_tasks,
        meeting.source,
    ]


def meetings_workbook(rows) -> io.BytesIO:
    """`rows` (annotated with open_tasks and overdue_tasks) in an in-memory file, rewound."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Meetings"))
    sheet.append(_headers())
    for meeting in rows:
        sheet.append(_row(meeting))
    handle = io.BytesIO()
    book.save(handle)
    handle.seek(0)
    return handle
