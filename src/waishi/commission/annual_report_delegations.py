"""The delegations part of the annual report (二、因公出访): the year's delegations abroad.

    section = delegation_section(2025, today)

A delegation belongs to the year it actually left China (`departed_on`). Each figure is one
aggregate query (GROUP BY in the database), whatever the number of delegations: a year of 20,000
delegations costs the same queries as a year of 20. The only per-delegation loop is in Python
over one query's rows: the deadlines after the return, whose working days (the official calendar,
调休 included) the database cannot count; they are worked out once per return day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractMonth, TruncDate
from django.utils import timezone

from waishi.core.models import Unit
from waishi.delegations import rules_trip
from waishi.delegations.jobs import passport_return_days
from waishi.delegations.models import (
    Delegation,
    DelegationEvent,
    Status,
)
from waishi.delegations.models_trip import (
    ReportProject,
)

DEPARTED = (
    Status.ABROAD,
    Status.RETURNED_HOME,
    Status.REPORT_FILED,
    Status.EVALUATED,
    Status.ARCHIVED,
)
FILED = (Status.REPORT_FILED, Status.EVALUATED, Status.ARCHIVED)
RETURN_ACTIONS = ("head_return", "review_return")
OUTCOME_ACTIONS = ("submit", "approve", "reject", "withdraw", "cancel")


@dataclass
class Row:
    """One line of a "by …" table: a label, its delegations and person-trips (人次)."""

    key: str
    delegations: int
    people: int = 0


@dataclass
class Results:
    reports_filed: int = 0
    objectives: dict[str, int] = field(default_factory=dict)  # met / partly / not
    agreements: int = 0
    projects: int = 0
    intentions: int = 0
    amounts: list[tuple[str, Decimal]] = field(default_factory=list)  # by currency, CNY first
    partners: int = 0


@dataclass
class Workflow:
    """What the approval work did in the year (by the date of each step)."""

    submitted: int = 0  # applications submitted (first or again), counted once each
    returns: int = 0  # times an application was sent back (退件)
    returned_applications: int = 0
    approved: int = 0
    rejected: int = 0
    withdrawn: int = 0
    cancelled: int = 0


@dataclass
class Deadline:
    """A post-trip duty: done on time, done late, or still outstanding past its deadline."""

    on_time: int = 0
    late: int = 0
    outstanding: int = 0

    @property
    def due(self) -> int:
        return self.on_time + self.late + self.outstanding

    @property
    def overdue(self) -> int:
        return self.late + self.outstanding


@dataclass
class Compliance:
    returned: int = 0
    reports: Deadline = field(default_factory=Deadline)
    disclosures: Deadline = field(default_factory=Deadline)
    passports: Deadline = field(default_factory=Deadline)
    deviations: int = 0  # returns whose itinerary differed from the approved one


@dataclass
class DelegationSection:
    count: int = 0
    person_trips: int = 0
    persons: int = 0
    countries: list[Row] = field(default_factory=list)  # every country, busiest first
    units: list[Row] = field(default_factory=list)  # by top-level unit, busiest first
    trip_types: list[Row] = field(default_factory=list)
    ranks: list[Row] = field(default_factory=list)
    months: list[int] = field(default_factory=lambda: [0] * 12)
    results: Results = field(default_factory=Results)
    workflow: Workflow = field(default_factory=Workflow)
    compliance: Compliance = field(default_factory=Compliance)


# --- the year --------------------------------------------------------------------------------


def year_days(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def year_moments(year: int) -> tuple[dt.datetime, dt.datetime]:
    """The year as [start, end) in the installation's time zone."""
    zone = timezone.get_current_timezone()
    return (
        dt.datetime(year, 1, 1, tzinfo=zone),
        dt.datetime(year + 1, 1, 1, tzinfo=zone),
    )


class Month(ExtractMonth):
    """The month of a date, computed by SQLite itself: Django's SQLite date functions are
    Python callbacks, called once per row (20,000 rows here)."""

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.lhs)
        return f"CAST(substr({sql}, 6, 2) AS INTEGER)", params  # stored as YYYY-MM-DD


class LocalDate(TruncDate):
    """The local day of a moment (TruncDate), computed by SQLite itself when the time zone keeps
    one offset through `year` and the next (China has had no daylight saving time since 1991):
    Django's SQLite date functions are Python callbacks, called once per row (100,000 here)."""

    def __init__(self, expression, *, year: int, **extra):
        super().__init__(expression, **extra)
        self.year = year

    def as_sqlite(self, compiler, connection, **extra_context):
        offset = fixed_offset_minutes(self.year)
        if offset is None:
            return super().as_sqlite(compiler, connection, **extra_context)
        sql, params = compiler.compile(self.lhs)  # stored as UTC "YYYY-MM-DD HH:MM:SS[.ffffff]"
        return f"date({sql}, %s)", (*params, f"{offset:+d} minutes")


def fixed_offset_minutes(year: int) -> int | None:
    """The current time zone's UTC offset in minutes if it is the same all through `year` and
    the year after (when a year's trips are followed up), else None."""
    zone = timezone.get_current_timezone()
    offsets = {
        dt.datetime(y, month, 1, 12, tzinfo=zone).utcoffset()
        for y in (year, year + 1)
        for month in (1, 4, 7, 10)
    }
    if len(offsets) != 1:
        return None
    return int(offsets.pop().total_seconds() // 60)


def departed_in(year: int):
    """The delegations that left China in `year`.

    `departed_on` is set by the departure (the workflow's depart action, or the return
    registration) and by nothing else, so it alone says a delegation left. No status test:
    SQLite would answer one through the status index, row by row for most of the table. Every
    figure starts from these delegations and joins outwards (members, stops, reports,
    passports): one pass over the delegations, then index look-ups, on both databases."""
    return Delegation.objects.filter(departed_on__range=year_days(year))


# --- the figures ---------------------------------------------------------------------------


def totals_of(year: int) -> tuple[int, int]:
    totals = departed_in(year).aggregate(count=Count("id"), people=Sum("member_count"))
    return totals["count"], totals["people"] or 0


def persons_of(year: int) -> int:
    members = departed_in(year).aggregate(n=Count("members__person", distinct=True))
    return members["n"]


def countries_of(year: int) -> list[Row]:
    """Countries and regions visited (airside transits are not visits), busiest first."""
    rows = (
        departed_in(year)
        .filter(stops__airside_transit=False)
        .values("stops__country")
        .annotate(n=Count("id", distinct=True))
        .order_by("-n", "stops__country")
    )
    return [Row(str(row["stops__country"]), row["n"]) for row in rows]


def _units(year: int) -> list[Row]:
    """Delegations by top-level unit (a department with its sub-units), busiest first."""
    by_unit = {
        row["organising_unit"]: (row["n"], row["people"] or 0)
        for row in departed_in(year)
        .values("organising_unit")
        .annotate(n=Count("id"), people=Sum("member_count"))
    }
    paths = dict(Unit.objects.filter(pk__in=by_unit).values_list("pk", "path"))
    top_of = {pk: _top_unit_id(path, pk) for pk, path in paths.items()}
    names = dict(Unit.objects.filter(pk__in=set(top_of.values())).values_list("pk", "name"))
    rolled: dict[str, list[int]] = {}
    for pk, (n, people) in by_unit.items():
        totals = rolled.setdefault(names[top_of[pk]], [0, 0])
        totals[0] += n
        totals[1] += people
    rows = [Row(name, n, people) for name, (n, people) in rolled.items()]
    return sorted(rows, key=lambda row: (-row.delegations, row.key))


def _top_unit_id(path: str, pk: int) -> int:
    """The unit just below the root on `path` ("/1/7/42/" → 7); a root stands for itself."""
    ids = [int(part) for part in path.strip("/").split("/") if part]
    return ids[1] if len(ids) > 1 else pk


def _breakdowns(year: int, section: DelegationSection) -> None:
    """Totals, trip types, highest ranks, months and reports filed from one GROUP BY."""
    types: dict[str, list[int]] = {}
    ranks: dict[str, list[int]] = {}
    rows = (
        departed_in(year)
        .annotate(month=Month("departed_on"))
        .values("trip_type", "top_rank", "month")
        .annotate(
            n=Count("id"),
            people=Sum("member_count"),
            filed=Count("id", filter=Q(status__in=FILED)),
        )
        .order_by()
    )
    for row in rows:
        n, people = row["n"], row["people"] or 0
        section.count += n
        section.person_trips += people
        section.results.reports_filed += row["filed"]
        for table, key in ((types, row["trip_type"]), (ranks, row["top_rank"] or "other")):
            totals = table.setdefault(key, [0, 0])
            totals[0] += n
            totals[1] += people
        section.months[row["month"] - 1] += n
    section.trip_types = sorted(
        (Row(k, n, p) for k, (n, p) in types.items()), key=lambda r: (-r.delegations, r.key)
    )
    section.ranks = [Row(k, n, p) for k, (n, p) in ranks.items()]


def _results(year: int, results: Results) -> None:
    """What the filed trip reports of the year's delegations record."""
    filed = departed_in(year).filter(status__in=FILED)
    objectives = (
        filed.values_list("trip_report__results__status")
        .annotate(n=Count("trip_report__results"))
        .order_by()
    )
    results.objectives = {status: n for status, n in objectives if status}
    results.agreements = filed.aggregate(n=Count("trip_report__agreements"))["n"]
    results.partners = filed.aggregate(n=Count("trip_report__partners"))["n"]
    amounts: dict[str, Decimal] = {}
    projects = (
        filed.values_list("trip_report__projects__kind", "trip_report__projects__currency")
        .annotate(n=Count("trip_report__projects"), amount=Sum("trip_report__projects__amount"))
        .order_by()
    )
    for kind, currency, n, amount in projects:
        if kind == ReportProject.Kind.INTENTION:
            results.intentions += n
        elif kind:
            results.projects += n
        if amount:
            amounts[currency] = amounts.get(currency, Decimal(0)) + amount
    results.amounts = sorted(amounts.items(), key=lambda item: (item[0] != "CNY", -item[1]))


def _workflow(year: int) -> Workflow:
    """The approval steps taken in the year, from their events (one scan of the events)."""
    start, end = year_moments(year)
    events = DelegationEvent.objects.filter(at__gte=start, at__lt=end)

    def applications(*actions):
        return Count("delegation", distinct=True, filter=Q(action__in=actions))

    counts = events.filter(action__in=OUTCOME_ACTIONS + RETURN_ACTIONS).aggregate(
        submitted=applications("submit"),
        returns=Count("id", filter=Q(action__in=RETURN_ACTIONS)),
        returned_applications=applications(*RETURN_ACTIONS),
        approved=applications("approve"),
        rejected=applications("reject"),
        withdrawn=applications("withdraw"),
        cancelled=applications("cancel"),
    )
    return Workflow(**counts)


def _tally(deadline: Deadline, done_on: dt.date | None, due: dt.date, today: dt.date, n=1):
    if done_on is not None:
        if done_on > due:
            deadline.late += n
        else:
            deadline.on_time += n
    elif today > due:
        deadline.outstanding += n


def _compliance(year: int, today: dt.date) -> Compliance:
    """Trip reports, post-trip disclosures and passports against their deadlines."""
    compliance = Compliance()
    due_by_day: dict[dt.date, dict[str, dt.date]] = {}
    rows = (
        departed_in(year)
        .filter(returned_at__isnull=False)
        .annotate(filed_on=LocalDate("report_filed_at", year=year))
        .values_list("returned_at", "status", "filed_on", "post_trip_disclosure__posted_on")
        .order_by()
    )
    for back, status, filed_on, disclosed_on in rows:
        due = due_by_day.get(back)
        if due is None:
            due = due_by_day[back] = rules_trip.trip_deadlines(back)
        compliance.returned += 1
        # A report recorded as filed without a time (imported records) counts as on time.
        if filed_on is None and status in FILED:
            filed_on = due["trip_report"]
        _tally(compliance.reports, filed_on, due["trip_report"], today)
        _tally(compliance.disclosures, disclosed_on, due["post_trip_disclosure"], today)
    compliance.passports = _passports(year, today)
    changed = ~Q(return_registration__deviations=[])
    compliance.deviations = departed_in(year).aggregate(
        n=Count("return_registration", filter=changed)
    )["n"]
    return compliance


def _passports(year: int, today: dt.date) -> Deadline:
    """Passports back in custody within the days allowed after the return.

    Grouped by return day and day back in the database (a few thousand groups for the 100,000
    checkouts of a busy year); the comparison is made here, as SQLite would otherwise call its
    date functions (Python callbacks) several times for every checkout."""
    passports = Deadline()
    grace = dt.timedelta(days=passport_return_days())
    groups = (
        departed_in(year)
        .filter(returned_at__isnull=False)
        .annotate(back=LocalDate("passport_checkouts__checked_in_at", year=year))
        .values_list("returned_at", "back")
        .annotate(n=Count("passport_checkouts"))
        .order_by()
    )
    for returned, back, n in groups:
        _tally(passports, back, returned + grace, today, n)
    return passports


def delegation_section(year: int, today: dt.date) -> DelegationSection:
    section = DelegationSection()
    section.workflow = _workflow(year)
    _breakdowns(year, section)
    if not section.count:
        return section
    section.persons = persons_of(year)
    section.countries = countries_of(year)
    section.units = _units(year)
    _results(year, section.results)
    section.compliance = _compliance(year, today)
    return section
