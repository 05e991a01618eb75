"""The evaluation analytics page and its .xlsx export: grades by unit and by year, results per
yuan spent by destination and trip type, the follow-through rate over time, headline numbers;
filters drive both. The views only read (analytics.py) and draw (charts.py)."""

from __future__ import annotations

from html import escape

from django import forms
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from django_countries import countries

from waishi.core.access import access
from waishi.delegations.models import TripType
from waishi.evaluation import charts
from waishi.evaluation.analytics import (
    ANALYTICS_ROLES,
    GRADES,
    Analytics,
    Filters,
    GradeRow,
    ResultRow,
    analytics_for,
    analytics_scope,
)
from waishi.evaluation.analytics_export import (
    Cell,
    Table,
    analytics_workbook,
    evaluation_analytics_export,
    months_label,
    tables,
)
from waishi.evaluation.models import Grade
from waishi.people.forms import FastSelect

MAX_UNIT_BARS = 20
MAX_COUNTRY_BARS = 15
GRADE_COLOURS = {  # fill, text on the fill: dark and light blue, amber, red
    Grade.EXCELLENT: ("#1b4f8f", "#ffffff"),
    Grade.GOOD: ("#74a9dc", "#1d2630"),
    Grade.PASS: ("#f0b429", "#1d2630"),
    Grade.FAIL: ("#b3261e", "#ffffff"),
}
ROUND_STYLES = {6: ("#1b57a6", "", "circle"), 12: ("#c25e00", "5 3", "square")}
OTHER_ROUND_STYLE = ("#5d6877", "2 2", "diamond")


class AnalyticsFilterForm(forms.Form):
    year_from = forms.IntegerField(
        label=gettext_lazy("From year"), required=False, min_value=1949, max_value=2100
    )
    year_to = forms.IntegerField(
        label=gettext_lazy("To year"), required=False, min_value=1949, max_value=2100
    )
    unit = forms.TypedChoiceField(
        label=gettext_lazy("Unit"), required=False, coerce=int, empty_value=None, widget=FastSelect
    )
    trip_type = forms.ChoiceField(
        label=gettext_lazy("Trip type"), required=False, widget=FastSelect
    )
    country = forms.ChoiceField(
        label=gettext_lazy("Main destination"), required=False, widget=FastSelect
    )
    grade = forms.ChoiceField(label=gettext_lazy("Grade"), required=False, widget=FastSelect)

    def __init__(self, data, *, scope):
        super().__init__(data)
        # The scope's units, read once: validating and drawing the <select> costs no query.
        self.fields["unit"].choices = [
            ("", _("All units")),
            *((unit.pk, "\u3000" * unit.depth + unit.name) for unit in scope.units),
        ]
        self.fields["trip_type"].choices = [("", _("All trip types")), *TripType.choices]
        self.fields["country"].choices = [
            ("", _("All countries")),
            *((code, name) for code, name in countries if code != "CN"),
        ]
        self.fields["grade"].choices = [("", _("All grades")), *Grade.choices]

    def clean(self):
        data = super().clean()
        first, last = data.get("year_from"), data.get("year_to")
        if first and last and first > last:
            self.add_error("year_to", _("The last year comes before the first."))
        return data

    def filters(self) -> Filters:
        """The valid part of the input; an invalid field is ignored, not fatal."""
        self.is_valid()
        data = self.cleaned_data
        return Filters(
            year_from=data.get("year_from"),
            year_to=data.get("year_to"),
            unit_id=data.get("unit"),
            trip_type=data.get("trip_type") or "",
            country=data.get("country") or "",
            grade=data.get("grade") or "",
        )

    def shown(self) -> list[tuple[str, str]]:
        """The filters applied, as (label, value) for the export's overview."""
        self.is_valid()
        shown = []
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if value in (None, ""):
                continue
            if isinstance(field, forms.ChoiceField):
                value = dict(field.choices).get(value, value)
            shown.append((str(field.label), str(value).strip("\u3000")))
        return shown or [(_("Filters"), _("None: every evaluation you may see"))]


# --- the charts -------------------------------------------------------------------------------


def grade_series() -> list[charts.Series]:
    return [charts.Series(g.value, str(g.label), *GRADE_COLOURS[g]) for g in GRADES]


def grade_bars(rows: list[GradeRow], series: list[charts.Series]) -> list[charts.Bar]:
    """A stacked bar per row; each part's tooltip says the grade, count and share."""
    tip = _("%(what)s · %(grade)s: %(n)s (%(share)s%%)")  # translated once, not per part
    return [
        charts.Bar(
            label=row.label,
            values={s.key: row.count(s.key) for s in series},
            value_text=f"{row.evaluated:,}",
            tooltips={
                s.key: tip
                % {
                    "what": row.label,
                    "grade": s.label,
                    "n": row.count(s.key),
                    "share": row.share(s.key),
                }
                for s in series
            },
        )
        for row in rows
    ]


def merged_units(rows: list[GradeRow]) -> list[GradeRow]:
    """At most MAX_UNIT_BARS bars: the rest merged into one "other units" bar."""
    if len(rows) <= MAX_UNIT_BARS:
        return rows
    merged = len(rows) - (MAX_UNIT_BARS - 1)
    rest = GradeRow(key="rest", label=_("Other units (%(n)s)") % {"n": merged})
    for row in rows[MAX_UNIT_BARS - 1 :]:
        for grade, n in row.counts.items():
            rest.add(grade, n, 0)
        rest.points += row.points
    return [*rows[: MAX_UNIT_BARS - 1], rest]


def _result_bars(rows: list[ResultRow], limit: int | None = None) -> list[charts.Bar]:
    shown = [row for row in rows if row.amount_per_yuan is not None][:limit]
    return [
        charts.Bar(
            label=row.label,
            values={None: row.amount_per_yuan},
            value_text=f"{row.amount_per_yuan:,.2f}",
            tooltips={
                None: _(
                    "%(what)s: %(ratio)s yuan of results per yuan spent; %(agreements)s "
                    "agreements per 100,000 CNY (%(n)s evaluations with spending in CNY)"
                )
                % {
                    "what": row.label,
                    "ratio": f"{row.amount_per_yuan:,.2f}",
                    "agreements": f"{row.agreements_per_100k:,.2f}",
                    "n": row.counted,
                }
            },
        )
        for row in shown
    ]


def round_series(months: list[int]) -> list[charts.Series]:
    """One series per kind of round (6, 12 months): colour, dash and marker all differ."""
    series = []
    for m in months:
        fill, dash, marker = ROUND_STYLES.get(m, OTHER_ROUND_STYLE)
        series.append(charts.Series(f"m{m}", months_label(m), fill, dash=dash, marker=marker))
    return series


def follow_slots(data: Analytics, *, overdue: bool) -> list[charts.Slot]:
    """The x positions of the follow-through charts: quarters (the year under each first
    quarter shown) or years."""
    quarter, slots = _("Q%(quarter)s"), []
    for period in data.follow.periods:
        slot = charts.Slot(
            label=quarter % {"quarter": period.quarter} if period.quarter else str(period.year),
            sublabel=str(period.year) if period.quarter else "",
        )
        for m in data.follow.months:
            counts = period.months(m)
            key = f"m{m}"
            if overdue:
                slot.values[key] = counts.overdue
                slot.tooltips[key] = _("%(period)s · %(kind)s: %(n)s overdue") % {
                    "period": period.label,
                    "kind": months_label(m),
                    "n": counts.overdue,
                }
            else:
                slot.values[key] = counts.rate
                slot.tooltips[key] = _(
                    "%(period)s · %(kind)s: %(rate)s%% (%(realised)s of %(results)s results)"
                ) % {
                    "period": period.label,
                    "kind": months_label(m),
                    "rate": counts.rate if counts.rate is not None else "—",
                    "realised": counts.realised,
                    "results": counts.results,
                }
        slots.append(slot)
    return slots


def figures(data: Analytics) -> dict:
    """Every chart of the page (SVG markup) with its legend."""
    grades = grade_series()
    rounds = round_series(data.follow.months)
    unit_rows = merged_units(data.by_unit)
    return {
        "by_year": charts.bars(
            "chart-by-year",
            title=_("Grades by year"),
            desc=_(
                "Evaluations completed per year of the trip, split by grade; the number at "
                "the right of each bar is the year's total."
            ),
            rows=grade_bars(data.by_year, grades),
            series=grades,
        ),
        "by_unit": charts.bars(
            "chart-by-unit",
            title=_("Grades by unit"),
            desc=_(
                "Share of each grade per unit (its whole subtree); the number at the right "
                "of each bar is the unit's evaluations."
            ),
            rows=grade_bars(unit_rows, grades),
            series=grades,
            percent=True,
        ),
        "grade_legend": charts.legend(grades),
        "by_country": charts.bars(
            "chart-by-country",
            title=_("Results per yuan spent, by main destination"),
            desc=_(
                "Investment and trade amounts (CNY) per yuan spent, best first, for the "
                "destinations with a spending in CNY on record."
            ),
            rows=_result_bars(data.by_country, MAX_COUNTRY_BARS),
        ),
        "by_trip_type": charts.bars(
            "chart-by-trip-type",
            title=_("Results per yuan spent, by trip type"),
            desc=_("Investment and trade amounts (CNY) per yuan spent, best first."),
            rows=_result_bars(data.by_trip_type),
        ),
        "follow_rate": charts.lines(
            "chart-follow-rate",
            title=_("Follow-through rate over time"),
            desc=_(
                "Results realised per result reported in the submitted follow-ups, in per "
                "cent, by when the follow-up was due."
            ),
            slots=follow_slots(data, overdue=False),
            series=rounds,
        ),
        "follow_overdue": charts.columns(
            "chart-follow-overdue",
            title=_("Overdue follow-ups"),
            desc=_("Follow-ups past their due date and not submitted, by when they were due."),
            slots=follow_slots(data, overdue=True),
            series=rounds,
        ),
        "round_legend": charts.legend(rounds),
        "countries_shown": min(MAX_COUNTRY_BARS, sum(1 for row in data.by_country if row.spent)),
    }


def headline_text(head) -> dict[str, str]:
    """The headline numbers as the cards print them (thousands separated, one decimal)."""
    return {
        "evaluated": f"{head.evaluated:,}",
        "average": charts.decimal_text(head.average),
        "fail": f"{head.fail:,}",
        "fail_share": charts.decimal_text(head.fail_share),
        "rate": charts.decimal_text(head.follow_through_rate),
        "overdue": f"{head.overdue:,}",
    }


def table_html(table: Table, query) -> SafeString:
    """One chart's numbers as an HTML table, written here rather than by template loops (a
    thousand cells took ~60 ms a page through the template engine). Unit rows link to that
    unit's own analytics with the other filters kept."""
    head = "".join(
        f'<th scope="col"{"" if i == table.header_col else NUM}>{escape(h)}</th>'
        for i, h in enumerate(table.headers)
    )
    body = "".join(
        f"<tr>{''.join(_cell(table, i, c, query) for i, c in enumerate(row))}</tr>"
        for row in table.rows
    )
    markup = (
        f'<table class="table analytics-table" id="table-{table.key}">'
        f'<caption class="visually-hidden">{escape(table.title)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )
    return mark_safe(markup)  # noqa: S308 — every header and cell text goes through escape()


NUM = ' class="num"'


def _cell(table: Table, index: int, cell: Cell, query) -> str:
    if index != table.header_col:
        return f"<td{NUM if cell.num else ''}>{escape(cell.text)}</td>"
    text = escape(cell.text)
    if cell.drill:
        params = query.copy()
        params["unit"] = str(cell.drill)
        text = f'<a href="?{escape(params.urlencode())}">{text}</a>'
    return f'<th scope="row">{text}</th>'


def table_views(data: Analytics, query) -> dict[str, dict]:
    return {
        key: {
            "title": table.title,
            "note": table.note,
            "rows": bool(table.rows),
            "html": table_html(table, query),
        }
        for key, table in tables(data).items()
    }


# --- the views --------------------------------------------------------------------------------


def _read(request):
    scope = analytics_scope(request.user)
    form = AnalyticsFilterForm(request.GET, scope=scope)
    data = analytics_for(request.user, form.filters(), today=timezone.localdate(), scope=scope)
    return form, data


@access(*ANALYTICS_ROLES)
@require_GET
def analytics_page(request):
    form, data = _read(request)
    context = {
        "form": form,
        "data": data,
        "head": data.headline,
        "shown": headline_text(data.headline),
        "charts": figures(data) if data.headline.evaluated else None,
        "tables": table_views(data, request.GET),
    }
    template = "evaluation/analytics.html"
    if request.htmx and request.htmx.target == "analytics-results":
        template += "#results"
    return render(request, template, context)


@access(*ANALYTICS_ROLES)
@require_GET
def analytics_export(request):
    form, data = _read(request)
    handle = analytics_workbook(data, form.shown())
    evaluation_analytics_export(actor=request.user, filters=data.filters.as_dict())
    stamp = timezone.localdate().isoformat()
    return FileResponse(handle, as_attachment=True, filename=f"evaluation-analytics-{stamp}.xlsx")
