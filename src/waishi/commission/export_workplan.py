"""The work plan as an .xlsx workbook (the plan page's filters, one item a row) and the geometry
of the dashboard's bar charts (drawn as inline SVG with presentation attributes only: the strict
CSP forbids style attributes)."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

EXPORT_LIMIT = 10_000

# The app's palette (app.css): done, in progress, not started, overdue, cancelled.
COLOURS = {
    "done": "#1f7a4a",
    "in_progress": "#1b57a6",
    "not_started": "#c4ccd7",
    "overdue": "#b3261e",
    "cancelled": "#8a94a3",
}


def _headers() -> list[str]:
    return [
        _("Year"),
        _("Section"),
        _("Number"),
        _("Task"),
        _("Lead unit"),
        _("Supporting units"),
        _("Deadline"),
        _("Measure of done"),
        _("Status"),
        _("Overdue"),
        _("Progress (%)"),
        _("Completed on"),
        _("Last reported"),
    ]


def _row(item, today) -> list:
    reported = item.last_reported_at
    return [
        item.plan.year,
        item.section,
        item.number,
        item.task,
        item.lead_unit.name,
        "、".join(unit.name for unit in item.supporting_units.all()),
        item.deadline,
        item.measure,
        str(item.get_status_display()),
        _("Yes") if item.is_overdue(today) else "",
        item.progress,
        item.completed_on,
        timezone.localtime(reported).replace(tzinfo=None) if reported else None,
    ]


def items_workbook(items) -> io.BytesIO:
    """`items` (with plan, lead unit and supporting units loaded) in an in-memory file, rewound."""
    today = timezone.localdate()
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Work plan"))
    sheet.append(_headers())
    for item in items:
        sheet.append(_row(item, today))
    handle = io.BytesIO()
    book.save(handle)
    handle.seek(0)
    return handle


# --- charts -----------------------------------------------------------------------------------

LABEL_WIDTH = 190
BAR_WIDTH = 380
ROW_HEIGHT = 28
BAR_HEIGHT = 18
CHART_WIDTH = LABEL_WIDTH + BAR_WIDTH + 130  # room for "4/10 · 1 overdue" after a full bar


def _segments(parts, scale: float, x0: float) -> list[dict]:
    segments, x = [], x0
    for key, label, count in parts:
        if not count:
            continue
        width = round(count * scale, 1)
        segments.append(
            {"x": round(x, 1), "width": width, "fill": COLOURS[key], "title": f"{label}: {count}"}
        )
        x += width
    return segments


def unit_chart(rows: list[dict]) -> dict:
    """Stacked bars, one per lead unit: done, in progress, not started (out of its total), with
    "done/total" and the overdue count written after the bar."""
    biggest = max((row["total"] for row in rows), default=0) or 1
    scale = BAR_WIDTH / biggest
    bars = []
    for index, row in enumerate(rows):
        y = index * ROW_HEIGHT + 4
        parts = [
            ("done", _("Done"), row["done"]),
            ("in_progress", _("In progress"), row["in_progress"]),
            ("not_started", _("Not started"), row["not_started"]),
        ]
        segments = _segments(parts, scale, LABEL_WIDTH)
        end = LABEL_WIDTH + row["total"] * scale
        bars.append(
            {
                "label": row["unit"],
                "y": y,
                "text_y": y + BAR_HEIGHT - 4,
                "segments": [{**s, "y": y} for s in segments],
                "value_x": round(end + 6, 1),
                "value": f"{row['done']}/{row['total']}",
                "overdue": row["overdue"],
            }
        )
    return {
        "width": CHART_WIDTH,
        "height": max(len(rows), 1) * ROW_HEIGHT + 8,
        "label_x": LABEL_WIDTH - 8,
        "bar_x": LABEL_WIDTH,
        "bar_width": BAR_WIDTH,
        "bar_height": BAR_HEIGHT,
        "bars": bars,
    }


def status_chart(counts: dict) -> dict:
    """One bar per status (overdue items are also counted under their stored status)."""
    parts = [
        ("not_started", _("Not started")),
        ("in_progress", _("In progress")),
        ("done", _("Done")),
        ("overdue", _("Overdue")),
        ("cancelled", _("Cancelled")),
    ]
    rows = [{"unit": label, "key": key, "count": counts.get(key, 0)} for key, label in parts]
    biggest = max(row["count"] for row in rows) or 1
    scale = BAR_WIDTH / biggest
    bars = []
    for index, row in enumerate(rows):
        y = index * ROW_HEIGHT + 4
        width = round(row["count"] * scale, 1)
        bars.append(
            {
                "label": row["unit"],
                "key": row["key"],
                "y": y,
                "text_y": y + BAR_HEIGHT - 4,
                "segments": [
                    {
                        "x": LABEL_WIDTH,
                        "y": y,
                        "width": width,
                        "fill": COLOURS[row["key"]],
                        "title": f"{row['unit']}: {row['count']}",
                    }
                ]
                if row["count"]
                else [],
                "value_x": round(LABEL_WIDTH + width + 6, 1),
                "value": str(row["count"]),
                "overdue": 0,
            }
        )
    return {
        "width": CHART_WIDTH,
        "height": len(rows) * ROW_HEIGHT + 8,
        "label_x": LABEL_WIDTH - 8,
        "bar_x": LABEL_WIDTH,
        "bar_width": BAR_WIDTH,
        "bar_height": BAR_HEIGHT,
        "bars": bars,
    }
