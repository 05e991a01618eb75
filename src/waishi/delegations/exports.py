"""The delegations list as an .xlsx workbook (the list's columns and filters), and the audit
record of who exported what (an inspector will ask)."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from waishi.delegations.selectors_browse import countries_of
from waishi.reports.xlsx import capped_workbook, export_audited

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
    """`rows` (at most EXPORT_LIMIT) in an in-memory workbook, rewound."""
    return capped_workbook(
        title=_("Delegations"),
        headers=_headers(),
        rows=rows,
        to_row=_row,
        total=total,
        more=lambda shown, total: (
            _(
                "Only the first %(shown)d of %(total)d delegations are included; narrow the "
                "filters to export the rest."
            )
            % {"shown": shown, "total": total}
        ),
    )


def delegation_list_export(*, actor, filters: dict, rows: int) -> None:
    """Record that `actor` exported the delegations list with these filters (audit event)."""
    export_audited(
        actor=actor,
        action="delegation.export",
        object_type="delegations.delegation",
        filters=filters,
        rows=rows,
    )
