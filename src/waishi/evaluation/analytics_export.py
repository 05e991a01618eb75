"""The analytics page's numbers as tables: the same rows under each chart on the page and on
one sheet each of the .xlsx export, and the audit record of who exported what."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook

from waishi.core.audit import audit_record
from waishi.evaluation.analytics import GRADES, Analytics, GradeRow, ResultRow
from waishi.evaluation.models import Grade


@dataclass(frozen=True)
class Cell:
    value: object  # what the workbook stores (numbers stay numbers)
    text: str = ""  # what the page shows
    num: bool = False
    drill: int | None = None  # a unit id the page links to (its own analytics)

    def __str__(self):
        return self.text


@dataclass
class Table:
    key: str
    title: str
    sheet: str  # the export's sheet name (Excel allows 31 characters)
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    note: str = ""
    header_col: int = 0  # the column that names the row (a <th scope="row"> on the page)


def number(value, places: int = 0) -> Cell:
    if value is None:
        return Cell(None, "—", num=True)
    if isinstance(value, Decimal | float):
        value = Decimal(value).quantize(Decimal(1).scaleb(-places)) if places else value
        return Cell(value, f"{value:,.{places}f}", num=True)
    return Cell(value, f"{value:,}", num=True)


def text(value: str, drill: int | None = None) -> Cell:
    return Cell(value, value, drill=drill)


def _grade_headers(first: str) -> list[str]:
    return [
        first,
        _("Evaluated"),
        *(str(Grade(g).label) for g in GRADES),
        _("Fail share (%)"),
        _("Average total"),
    ]


def _grade_row(row: GradeRow, first: Cell) -> list[Cell]:
    return [
        first,
        number(row.evaluated),
        *(number(row.count(g)) for g in GRADES),
        number(row.share(Grade.FAIL), 1),
        number(row.average, 1),
    ]


def grades_by_year_table(data: Analytics) -> Table:
    return Table(
        key="by_year",
        sheet=_("Grades by year"),
        title=_("Grades by year"),
        headers=_grade_headers(_("Year")),
        rows=[_grade_row(row, Cell(row.key, row.label)) for row in data.by_year],
    )


def grades_by_unit_table(data: Analytics) -> Table:
    focus = data.focus.pk if data.focus else None
    return Table(
        key="by_unit",
        sheet=_("Grades by unit"),
        title=_("Grades by unit"),
        headers=_grade_headers(_("Unit")),
        rows=[
            _grade_row(row, text(row.label, None if row.unit_id == focus else row.unit_id))
            for row in data.by_unit
        ],
        note=_("Each unit counts the evaluations of its whole subtree."),
    )


def _result_headers(first: str) -> list[str]:
    return [
        _("Rank"),
        first,
        _("Evaluated"),
        _("With spending in CNY"),
        _("Spending (CNY)"),
        _("Investment and trade amounts (CNY)"),
        _("Amounts per yuan spent"),
        _("Agreements signed"),
        _("Agreements per 100,000 CNY"),
        _("Without spending in CNY (not counted)"),
    ]


def _result_row(row: ResultRow) -> list[Cell]:
    return [
        number(row.rank),
        text(row.label),
        number(row.evaluations),
        number(row.counted),
        number(row.spent, 2),
        number(row.amount, 2),
        number(row.amount_per_yuan, 2),
        number(row.agreements),
        number(row.agreements_per_100k, 2),
        number(row.without_spending),
    ]


def spending_note() -> str:
    return _(
        "Ratios count only evaluations with a spending in CNY on record; the others are listed "
        "in the last column and left out of every ratio."
    )


def by_country_table(data: Analytics) -> Table:
    return Table(
        key="by_country",
        sheet=_("Per yuan, by destination"),
        title=_("Results per yuan spent, by main destination"),
        headers=_result_headers(_("Country or region")),
        rows=[_result_row(row) for row in data.by_country],
        note=spending_note(),
        header_col=1,
    )


def by_trip_type_table(data: Analytics) -> Table:
    return Table(
        key="by_trip_type",
        sheet=_("Per yuan, by trip type"),
        title=_("Results per yuan spent, by trip type"),
        headers=_result_headers(_("Trip type")),
        rows=[_result_row(row) for row in data.by_trip_type],
        note=spending_note(),
        header_col=1,
    )


def months_label(months: int) -> str:
    return _("%(months)s-month follow-ups") % {"months": months}


def follow_through_table(data: Analytics) -> Table:
    follow = data.follow
    headers = [
        _("Due in"),
        _("Follow-ups submitted"),
        _("Results reported"),
        _("Results realised"),
        _("Follow-through rate (%)"),
        *(f"{months_label(m)} · {_('rate (%)')}" for m in follow.months),
        _("Overdue follow-ups"),
    ]
    rows = []
    for period in follow.periods:
        counts = period.all
        rows.append(
            [
                Cell(period.label, period.label),
                number(counts.submitted),
                number(counts.results),
                number(counts.realised),
                number(counts.rate, 1),
                *(number(period.months(m).rate, 1) for m in follow.months),
                number(counts.overdue),
            ]
        )
    return Table(
        key="follow_through",
        sheet=_("Follow-through"),
        title=_("Follow-through rate over time"),
        headers=headers,
        rows=rows,
        note=_(
            "Results realised per result reported in the submitted follow-ups, by when the "
            "follow-up was due; overdue: past due and not submitted."
        ),
    )


def tables(data: Analytics) -> dict[str, Table]:
    return {
        table.key: table
        for table in (
            grades_by_year_table(data),
            grades_by_unit_table(data),
            by_country_table(data),
            by_trip_type_table(data),
            follow_through_table(data),
        )
    }


def overview_rows(data: Analytics, filters_shown: list[tuple[str, str]]) -> list[list]:
    head = data.headline
    return [
        [_("Evaluated"), head.evaluated],
        [_("Average total"), head.average],
        [_("Graded fail"), head.fail],
        [_("Fail share (%)"), head.fail_share],
        [_("Follow-through rate (%)"), head.follow_through_rate],
        [_("Overdue follow-ups"), head.overdue],
        [],
        [_("Filters")],
        *([label, value] for label, value in filters_shown),
    ]


def analytics_workbook(data: Analytics, filters_shown: list[tuple[str, str]]) -> io.BytesIO:
    """An overview sheet (headline numbers and the filters applied), then one sheet per
    chart's table; in-memory and rewound."""
    book = Workbook(write_only=True)
    overview = book.create_sheet(_("Overview"))
    for row in overview_rows(data, filters_shown):
        overview.append(row)
    for table in tables(data).values():
        sheet = book.create_sheet(sheet_title(table.sheet))
        sheet.append(table.headers)
        for row in table.rows:
            sheet.append([cell.value for cell in row])
        if table.note:
            sheet.append([])
            sheet.append([table.note])
    handle = io.BytesIO()
    book.save(handle)
    handle.seek(0)
    return handle


def sheet_title(title: str) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\."""
    for ch in "[]:*?/\\":
        title = title.replace(ch, " ")
    return title[:31]


@transaction.atomic
def evaluation_analytics_export(*, actor, filters: dict) -> None:
    """Record that `actor` exported the evaluation analytics with these filters (audit event)."""
    audit_record(
        actor=actor,
        action="evaluation.analytics_export",
        object_type="evaluation.evaluation",
        object_id="*",
        changes={"filters": filters},
    )
