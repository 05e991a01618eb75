"""The evaluations list as an .xlsx workbook (the list's filters and order, one evaluation a
row), and the audit record of who exported what."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _

from waishi.reports.xlsx import capped_workbook, export_audited

EXPORT_LIMIT = 10_000


def _headers() -> list[str]:
    return [
        _("Delegation"),
        _("Approval number"),
        _("Organising unit"),
        _("Year"),
        _("Trip type"),
        _("Main destination"),
        _("Status"),
        _("Total"),
        _("Grade"),
        _("Vetoed"),
        _("Follow-through points"),
        _("Rubric version"),
        _("Evaluator"),
        _("Completed at"),
    ]


def _row(evaluation) -> list:
    delegation = evaluation.delegation
    completed = evaluation.completed_at
    return [
        delegation.title,
        delegation.approval_number or "",
        evaluation.organising_unit.name,
        evaluation.year,
        str(evaluation.get_trip_type_display()),
        str(evaluation.main_country.name) if evaluation.main_country else "",
        str(evaluation.get_status_display()),
        evaluation.total,
        str(evaluation.get_grade_display()) if evaluation.grade else "",
        _("Yes") if evaluation.vetoed else "",
        evaluation.follow_through_points,
        evaluation.rubric.number,
        str(evaluation.evaluator) if evaluation.evaluator else "",
        timezone.localtime(completed).replace(tzinfo=None) if completed else None,
    ]


def evaluations_workbook(rows, *, total: int) -> io.BytesIO:
    """`rows` (at most EXPORT_LIMIT) in an in-memory workbook, rewound."""
    return capped_workbook(
        title=_("Evaluations"),
        headers=_headers(),
        rows=rows,
        to_row=_row,
        total=total,
        more=lambda shown, total: (
            _(
                "Only the first %(shown)d of %(total)d evaluations are included; narrow the "
                "filters to export the rest."
            )
            % {"shown": shown, "total": total}
        ),
    )


def evaluation_list_export(*, actor, filters: dict, rows: int) -> None:
    """Record that `actor` exported the evaluations list with these filters (audit event)."""
    export_audited(
        actor=actor,
        action="evaluation.export",
        object_type="evaluation.evaluation",
        filters=filters,
        rows=rows,
    )
