"""The delegations list as an .xlsx workbook (the list's columns and filters), and the audit
record of who exported what (an inspector will ask)."""

from __future__ import annotations

import io

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook

from waishi.core.audit import audit_record
from waishi.delegations.selectors_browse import countries_of

EXPORT_LIMIT = 10_000


def _headers() -> list[str]:
    return [
        _("Approval number"),
        _("Title"),
        _("Organising unit"),
        _("Delegation leader"),
        _("Members"),
        _("Highest rank"),
        _("Countries"),
        _("Leaves China on"),
        _("Returns to China on"),
        _("Status"),
        _("Overdue"),
    ]


def _row(delegation) -> list:
    return [
        delegation.approval_number or "",
        delegation.title,
        delegation.organising_unit.name,
        delegation.leader.name if delegation.leader else "",
        delegation.member_count,
        str(delegation.get_top_rank_display()) if delegation.top_rank else "",
        "、".join(str(country.name) for country in countries_of(delegation)),
        delegation.leave_china,
        delegation.return_china,
        str(delegation.get_status_display()),
        "；".join(str(label) for label in getattr(delegation, "overdue", [])),
    ]


def delegations_workbook(rows, *, total: int) -> io.BytesIO:
    """Write `rows` (at most EXPORT_LIMIT) to an in-memory file, rewound. A write-only workbook
    keeps no cell objects, so 10,000 rows stay a few megabytes."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Delegations"))
    sheet.append(_headers())
    written = 0
    for delegation in rows:
        sheet.append(_row(delegation))
        written += 1
    if total > written:
        sheet.append([])
        sheet.append(
            [
                _(
                    "Only the first %(shown)d of %(total)d delegations are included; narrow the "
                    "filters to export the rest."
                )
                % {"shown": written, "total": total}
            ]
        )
    handle = io.BytesIO()
    book.save(handle)
    handle.seek(0)
    return handle


@transaction.atomic
def delegation_list_export(*, actor, filters: dict, rows: int) -> None:
    """Record that `actor` exported the delegations list with these filters (audit event)."""
    shown = {
        key: getattr(value, "pk", value)
        for key, value in filters.items()
        if value not in ("", None)
    }
    audit_record(
        actor=actor,
        action="delegation.export",
        object_type="delegations.delegation",
        object_id="*",
        changes={"filters": shown, "rows": rows},
    )
