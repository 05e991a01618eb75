"""What the list exports share: a write-only workbook of at most the export limit's rows, closed
by a line saying when the filters matched more, and the audit event that records the export."""

import io
from collections.abc import Callable, Iterable

from django.db import transaction

from waishi.core.audit import audit_record


def capped_workbook(
    *, title: str, headers: list, rows: Iterable, to_row: Callable, total: int, more: Callable
) -> io.BytesIO:
    """`rows` (already cut at the export limit) as one sheet, in memory and rewound. A
    write-only workbook keeps no cell objects, so 10,000 rows stay a few megabytes. When `total`
    is larger than what was written, `more(written, total)` is the closing line."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    sheet.append(headers)
    written = 0
    for row in rows:
        sheet.append(to_row(row))
        written += 1
    if total > written:
        sheet.append([])
        sheet.append([more(written, total)])
    handle = io.BytesIO()
    book.save(handle)
    handle.seek(0)
    return handle


@transaction.atomic
def export_audited(*, actor, action: str, object_type: str, filters: dict, rows: int) -> None:
    """Record that `actor` exported a list with these filters (the filters a user set only)."""
    shown = {
        key: getattr(value, "pk", value)
        for key, value in filters.items()
        if value not in ("", None)
    }
    audit_record(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id="*",
        changes={"filters": shown, "rows": rows},
    )
