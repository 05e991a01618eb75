"""Reads behind the evaluation analytics page and its export: grades by unit and by year,
results per yuan spent by destination country and by trip type, and the follow-through rate of
the 6- and 12-month follow-ups over time, with headline numbers.

Each chart is one aggregate query (GROUP BY) on the columns an evaluation copies from its
delegation (unit, year, trip type, main country, spending, amounts) or on the follow-up rounds
(both results-per-yuan charts share one), so the page costs the same few queries over ten rows
or 200,000; partial indexes over the completed evaluations answer them without reading the
table. Only completed evaluations count: until then a total and a grade may still change.

Who sees what: the FAO roles (evaluator, reviewer, approver, secretariat) see the units their
grants cover, which for grants on the city is the whole city; inspectors and administrators see
every unit; a unit's liaison and head see their own units. Everyone else is refused by the view.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _
from django_countries import countries

from waishi.core.access import grants_of, unit_scope_q, user_is_active
from waishi.core.models import Unit
from waishi.core.roles import Role
from waishi.delegations.models import TripType
from waishi.evaluation.models import (
    Evaluation,
    EvaluationStatus,
    FollowUpRound,
    FollowUpStatus,
    Grade,
)

ANALYTICS_ROLES = frozenset(
    {
        Role.EVALUATOR,
        Role.REVIEWER,
        Role.APPROVER,
        Role.SECRETARIAT,
        Role.INSPECTOR,
        Role.ADMINISTRATOR,
        Role.LIAISON,
        Role.UNIT_HEAD,
    }
)
GRADES = (Grade.EXCELLENT, Grade.GOOD, Grade.PASS, Grade.FAIL)  # best first, as stacked
PER_100K = Decimal(100_000)
# Quarters read well up to three years; a longer span is shown by year.
MAX_QUARTERS = 12
ROUND_MONTHS = (6, 12)


# --- scope and filters ------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitRow:
    pk: int
    name: str
    path: str
    depth: int
    parent_id: int | None


@dataclass
class Scope:
    """The units the user may analyse, read once (tree order); `citywide` when every unit."""

    units: list[UnitRow]
    citywide: bool

    @cached_property
    def by_id(self) -> dict[int, UnitRow]:
        return {unit.pk: unit for unit in self.units}

    def subtree_ids(self, unit: UnitRow) -> list[int]:
        return [row.pk for row in self.units if row.path.startswith(unit.path)]

    def roots(self) -> list[UnitRow]:
        ids = {unit.pk for unit in self.units}
        return [unit for unit in self.units if unit.parent_id not in ids]


def analytics_scope(user) -> Scope:
    """The units `user` may analyse: one query (none at all for a user without a grant)."""
    if not user_is_active(user) or not grants_of(user).roles & ANALYTICS_ROLES:
        return Scope(units=[], citywide=False)
    rows = (
        Unit.objects.filter(unit_scope_q(user, field="", roles=ANALYTICS_ROLES))
        .order_by("path")
        .values_list("pk", "name", "path", "depth", "parent_id")
    )
    return Scope(
        units=[UnitRow(*row) for row in rows],
        citywide=grants_of(user).citywide(ANALYTICS_ROLES),
    )


@dataclass(frozen=True)
class Filters:
    year_from: int | None = None
    year_to: int | None = None
    unit_id: int | None = None  # a unit of the scope: its whole subtree
    trip_type: str = ""
    country: str = ""
    grade: str = ""

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v not in (None, "")}


def evaluations_q(scope: Scope, filters: Filters, prefix: str = "") -> Q:
    """Completed evaluations in the scope that match the filters (`prefix` reaches them from a
    related model, e.g. "evaluation__"). Units are matched by id lists, not path joins.

    From a follow-up round the status is not asked: rounds are only made when an evaluation is
    completed, and a citywide view without filters then reads the rounds without a join."""
    conditions = {} if prefix else {"status": EvaluationStatus.COMPLETED}
    unit = scope.by_id.get(filters.unit_id) if filters.unit_id else None
    if unit is not None:
        conditions[f"{prefix}organising_unit_id__in"] = scope.subtree_ids(unit)
    elif not scope.citywide:
        conditions[f"{prefix}organising_unit_id__in"] = [row.pk for row in scope.units]
    if filters.year_from:
        conditions[f"{prefix}year__gte"] = filters.year_from
    if filters.year_to:
        conditions[f"{prefix}year__lte"] = filters.year_to
    for name in ("trip_type", "grade"):
        if getattr(filters, name):
            conditions[f"{prefix}{name}"] = getattr(filters, name)
    if filters.country:
        conditions[f"{prefix}main_country"] = filters.country.upper()
    return Q(**conditions)


def evaluations(scope: Scope, filters: Filters):
    return Evaluation.objects.filter(evaluations_q(scope, filters)).order_by()


# --- grades -----------------------------------------------------------------------------------


@dataclass
class GradeRow:
    """Counts by grade for one bar (a unit's subtree or a year)."""

    key: object
    label: str
    counts: dict[str, int] = field(default_factory=dict)
    points: Decimal = Decimal(0)  # sum of totals, for the average
    unit_id: int | None = None  # a unit bar's unit, for drilling down

    @property
    def evaluated(self) -> int:
        return sum(self.counts.values())

    @property
    def average(self) -> Decimal | None:
        return (self.points / self.evaluated).quantize(Decimal("0.1")) if self.evaluated else None

    def count(self, grade: str) -> int:
        return self.counts.get(grade, 0)

    def share(self, grade: str) -> Decimal | None:
        if not self.evaluated:
            return None
        return (Decimal(100) * self.count(grade) / self.evaluated).quantize(Decimal("0.1"))

    def add(self, grade: str, n: int, points) -> None:
        self.counts[grade] = self.counts.get(grade, 0) + n
        self.points += points or 0


# Counts name an indexed column rather than the id: the partial indexes of Evaluation.Meta then
# answer each query by themselves (index-only scans over the completed evaluations).


def _grade_rows(scope: Scope, filters: Filters, column: str):
    return (
        evaluations(scope, filters)
        .values(column, "grade")
        .annotate(n=Count("grade"), points=Sum("total"))
        .values_list(column, "grade", "n", "points")
    )


def grades_by_year(scope: Scope, filters: Filters) -> list[GradeRow]:
    """One row per year from the first to the last with evaluations (empty years included)."""
    years: dict[int, GradeRow] = {}
    for year, grade, n, points in _grade_rows(scope, filters, "year"):
        years.setdefault(year, GradeRow(key=year, label=str(year))).add(grade, n, points)
    if not years:
        return []
    return [
        years.get(year) or GradeRow(key=year, label=str(year))
        for year in range(min(years), max(years) + 1)
    ]


def unit_bars(scope: Scope, filters: Filters) -> tuple[UnitRow | None, list[UnitRow]]:
    """(focus, bars): the units the unit chart has a bar for. Under a focus unit (the filter's,
    or the one root of the user's units) each child's subtree is one bar and the focus's own
    delegations another; users whose units have several roots get one bar per root."""
    focus = scope.by_id.get(filters.unit_id) if filters.unit_id else None
    roots = scope.roots()
    if focus is None and len(roots) == 1:
        focus = roots[0]
    if focus is None:
        return None, roots
    children = [unit for unit in scope.units if unit.parent_id == focus.pk]
    return focus, [focus, *children]


def grades_by_unit(scope: Scope, filters: Filters) -> list[GradeRow]:
    """Counts by grade per unit bar (see unit_bars), most evaluations first; bars without any
    evaluation are left out."""
    focus, bars = unit_bars(scope, filters)
    bar_ids = {unit.pk for unit in bars}
    by_id = scope.by_id
    result: dict[int, GradeRow] = {}
    bar_of = {}  # unit id → its bar, walked once per unit
    for unit_id, grade, n, points in _grade_rows(scope, filters, "organising_unit_id"):
        if unit_id not in bar_of:
            bar_of[unit_id] = _bar_of(by_id.get(unit_id), focus, bar_ids, by_id)
        bar = bar_of[unit_id]
        if bar is None:
            continue
        row = result.get(bar.pk)
        if row is None:
            label = bar.name
            if focus is not None and bar.pk == focus.pk and len(bars) > 1:
                label = _("%(unit)s (itself)") % {"unit": bar.name}
            row = result[bar.pk] = GradeRow(key=bar.pk, label=label, unit_id=bar.pk)
        row.add(grade, n, points)
    return sorted(result.values(), key=lambda row: (-row.evaluated, row.label))


def _bar_of(unit, focus, bar_ids: set[int], by_id: dict[int, UnitRow]) -> UnitRow | None:
    """The bar a unit's evaluations count in: the focus itself for its own, else the first unit
    below the focus on the unit's path that has a bar."""
    if unit is None:
        return None
    if focus is not None and unit.pk == focus.pk:
        return unit
    for part in unit.path.strip("/").split("/"):
        pk = int(part)
        if pk in bar_ids and (focus is None or pk != focus.pk):
            return by_id[pk]
    return None


# --- results per yuan -------------------------------------------------------------------------

# Ratios count only evaluations with a spending in CNY above zero: a trip whose spending is not
# on record (or not in CNY) would otherwise look infinitely productive. Those rows are counted
# apart and shown as such.
WITH_SPENDING = Q(spent_cny__gt=0)


@dataclass
class ResultRow:
    key: str
    label: str
    evaluations: int = 0
    counted: int = 0  # evaluations with a spending in CNY, the ones the ratios cover
    spent: Decimal = Decimal(0)
    amount: Decimal = Decimal(0)
    agreements: int = 0
    rank: int | None = None

    @property
    def without_spending(self) -> int:
        return self.evaluations - self.counted

    @property
    def amount_per_yuan(self) -> Decimal | None:
        return (self.amount / self.spent).quantize(Decimal("0.01")) if self.spent else None

    @property
    def agreements_per_100k(self) -> Decimal | None:
        if not self.spent:
            return None
        return (self.agreements * PER_100K / self.spent).quantize(Decimal("0.01"))


def result_cells(scope: Scope, filters: Filters) -> list[tuple]:
    """(country, trip type, evaluations, with spending, spending, amounts, agreements): one
    GROUP BY feeding both results-per-yuan charts (at most countries × trip types rows)."""
    return list(
        evaluations(scope, filters)
        .values("main_country", "trip_type")
        .annotate(
            n=Count("trip_type"),
            counted=Count("trip_type", filter=WITH_SPENDING),
            spent=Sum("spent_cny", filter=WITH_SPENDING),
            amount=Sum("amount_cny", filter=WITH_SPENDING),
            agreements=Sum("agreements_count", filter=WITH_SPENDING),
        )
        .values_list("main_country", "trip_type", "n", "counted", "spent", "amount", "agreements")
    )


def _results(cells: list[tuple], position: int, label_of) -> list[ResultRow]:
    """Result rows keyed by the cell's column at `position` (0 country, 1 trip type)."""
    rows: dict[str, ResultRow] = {}
    for cell in cells:
        key = cell[position] or ""
        n, counted, spent, amount, agreements = cell[2:]
        row = rows.get(key)
        if row is None:
            row = rows[key] = ResultRow(key=key, label=label_of(key))
        row.evaluations += n
        row.counted += counted
        row.spent += spent or 0
        row.amount += amount or 0
        row.agreements += agreements or 0
    return ranked(list(rows.values()))


def ranked(rows: list[ResultRow]) -> list[ResultRow]:
    """Best results per yuan first (then agreements per 100,000 CNY); rows without any
    spending on record last, unranked."""
    with_ratio = [row for row in rows if row.spent]
    with_ratio.sort(key=lambda r: (-r.amount_per_yuan, -r.agreements_per_100k, -r.evaluations))
    for rank, row in enumerate(with_ratio, start=1):
        row.rank = rank
    rest = sorted((row for row in rows if not row.spent), key=lambda r: (-r.evaluations, r.label))
    return with_ratio + rest


def country_label(code: str) -> str:
    return str(countries.name(code)) if code else _("Not recorded")


def trip_type_label(code: str) -> str:
    return str(dict(TripType.choices).get(code, code or _("Not recorded")))


def results_by_country(cells: list[tuple]) -> list[ResultRow]:
    return _results(cells, 0, country_label)


def results_by_trip_type(cells: list[tuple]) -> list[ResultRow]:
    return _results(cells, 1, trip_type_label)


# --- follow-through ---------------------------------------------------------------------------


@dataclass
class RoundCounts:
    submitted: int = 0
    results: int = 0
    realised: int = 0
    overdue: int = 0

    def add(self, other: RoundCounts) -> None:
        self.submitted += other.submitted
        self.results += other.results
        self.realised += other.realised
        self.overdue += other.overdue

    @property
    def rate(self) -> Decimal | None:
        """Results realised per result reported, in per cent, over submitted rounds."""
        if not self.results:
            return None
        return (Decimal(100) * self.realised / self.results).quantize(Decimal("0.1"))


@dataclass
class Period:
    year: int
    quarter: int | None  # None when the chart is by year
    by_months: dict[int, RoundCounts] = field(default_factory=dict)

    @property
    def label(self) -> str:
        if self.quarter is None:
            return str(self.year)
        return _("%(year)s Q%(quarter)s") % {"year": self.year, "quarter": self.quarter}

    @property
    def all(self) -> RoundCounts:
        total = RoundCounts()
        for counts in self.by_months.values():
            total.add(counts)
        return total

    def months(self, months: int) -> RoundCounts:
        return self.by_months.get(months) or RoundCounts()


@dataclass
class FollowThrough:
    periods: list[Period]
    by_quarter: bool
    months: list[int]  # the kinds of round present (6, 12)

    @property
    def total(self) -> RoundCounts:
        total = RoundCounts()
        for period in self.periods:
            total.add(period.all)
        return total


def _rounds(scope: Scope, filters: Filters, **conditions):
    """Rounds in the scope, matching the filters, grouped by the day they were due and kind
    (6 or 12 months). Days, not quarters: DATE_TRUNC on every row cost more than folding the
    few thousand days into quarters in Python."""
    return (
        FollowUpRound.objects.filter(evaluations_q(scope, filters, prefix="evaluation__"))
        .filter(**conditions)
        .order_by()
        .values("due_on", "months")
    )


def follow_through(scope: Scope, filters: Filters, today: dt.date) -> FollowThrough:
    """Follow-up rounds by the quarter (or, over more than three years, the year) they were due:
    results realised per result reported in the rounds submitted (one query), and the rounds
    past due and not submitted (another). Rounds not yet due and not submitted are left out.

    Each query matches a partial index of FollowUpRound (counts name an indexed column), so a
    citywide view reads those indexes alone; a unit's view reaches its rounds through
    round_figures."""
    # (year, quarter, months) → [submitted, results, realised, overdue]; plain lists: this loop
    # folds some ten thousand days of rounds into quarters on every request.
    sums: dict[tuple, list[int]] = {}
    submitted = _rounds(scope, filters, status=FollowUpStatus.SUBMITTED).annotate(
        n=Count("months"), results=Sum("result_count"), realised=Sum("realised_count")
    )
    for day, months, n, results, realised in submitted.values_list(
        "due_on", "months", "n", "results", "realised"
    ):
        key = (day.year, (day.month + 2) // 3, months)
        row = sums.get(key)
        if row is None:
            sums[key] = [n, results or 0, realised or 0, 0]
        else:
            row[0] += n
            row[1] += results or 0
            row[2] += realised or 0
    overdue = _rounds(scope, filters, status=FollowUpStatus.SCHEDULED, due_on__lt=today)
    for day, months, n in overdue.annotate(n=Count("months")).values_list("due_on", "months", "n"):
        key = (day.year, (day.month + 2) // 3, months)
        sums.setdefault(key, [0, 0, 0, 0])[3] += n
    cells = {key: RoundCounts(*row) for key, row in sums.items()}
    months = sorted({key[2] for key in cells}, key=lambda m: (m not in ROUND_MONTHS, m))
    if not cells:
        return FollowThrough(periods=[], by_quarter=True, months=[])
    first = min((y, q) for y, q, _m in cells)
    last = max((y, q) for y, q, _m in cells)
    quarters = (last[0] - first[0]) * 4 + last[1] - first[1] + 1
    by_quarter = quarters <= MAX_QUARTERS
    periods: dict[tuple, Period] = {}
    if by_quarter:
        for i in range(quarters):
            year, quarter = first[0] + (first[1] - 1 + i) // 4, (first[1] - 1 + i) % 4 + 1
            periods[(year, quarter)] = Period(year, quarter)
    else:
        for year in range(first[0], last[0] + 1):
            periods[(year, None)] = Period(year, None)
    for (y, q, m), counts in cells.items():
        period = periods[(y, q if by_quarter else None)]
        period.by_months.setdefault(m, RoundCounts()).add(counts)
    return FollowThrough(periods=list(periods.values()), by_quarter=by_quarter, months=months)


# --- the page ---------------------------------------------------------------------------------


@dataclass
class Headline:
    evaluated: int
    average: Decimal | None
    fail: int
    fail_share: Decimal | None
    follow_through_rate: Decimal | None
    overdue: int


def headline(by_year: list[GradeRow], follow: FollowThrough) -> Headline:
    """The headline numbers, from the figures already read (no query of its own)."""
    evaluated = sum(row.evaluated for row in by_year)
    points = sum((row.points for row in by_year), Decimal(0))
    fail = sum(row.count(Grade.FAIL) for row in by_year)
    total = follow.total
    return Headline(
        evaluated=evaluated,
        average=(points / evaluated).quantize(Decimal("0.1")) if evaluated else None,
        fail=fail,
        fail_share=(Decimal(100) * fail / evaluated).quantize(Decimal("0.1"))
        if evaluated
        else None,
        follow_through_rate=total.rate,
        overdue=total.overdue,
    )


@dataclass
class Analytics:
    scope: Scope
    filters: Filters
    by_year: list[GradeRow]
    by_unit: list[GradeRow]
    focus: UnitRow | None
    by_country: list[ResultRow]
    by_trip_type: list[ResultRow]
    follow: FollowThrough
    headline: Headline


def analytics_for(user, filters: Filters, *, today: dt.date, scope: Scope | None = None):
    """Everything the page and the export show: one query for the scope's units, one per grade
    chart (the headline comes from the yearly one), one for both results-per-yuan charts, one
    for follow-through."""
    scope = scope if scope is not None else analytics_scope(user)
    results = result_cells(scope, filters)
    by_year = grades_by_year(scope, filters)
    follow = follow_through(scope, filters, today)
    return Analytics(
        scope=scope,
        filters=filters,
        by_year=by_year,
        by_unit=grades_by_unit(scope, filters),
        focus=unit_bars(scope, filters)[0],
        by_country=results_by_country(results),
        by_trip_type=results_by_trip_type(results),
        follow=follow,
        headline=headline(by_year, follow),
    )
