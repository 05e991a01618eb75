"""The data of the annual report on the city's foreign affairs work (全市外事工作情况).

    report = annual_report_data(2025)     # every section of the modules that exist
    numbers = headline(2025)               # the few numbers the report page shows

Each section is a handful of aggregate queries (GROUP BY in the database), whatever the number
of records: a year of 20,000 delegations costs the same queries as a year of 20. The delegations
section is in annual_report_delegations.py.

The report is citywide: it reads every unit's records, so only citywide readers open it
(views_report.READERS). Its year of a delegation is the year it actually left China
(`departed_on`); evaluations count by their own `year` (the delegation's, copied when the
evaluation opened); meetings by their date (confirmed meetings only: drafts are working copies);
the work plan by its year, through selectors_workplan when that module is installed.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, Min, Q, Sum
from django.utils import timezone

from waishi.commission.annual_report_delegations import (
    DEPARTED,
    DelegationSection,
    Row,
    countries_of,
    delegation_section,
    departed_in,
    persons_of,
    totals_of,
    year_days,
)
from waishi.commission.models import Decision, FollowUpTask, Meeting, MeetingDocument
from waishi.delegations.models import Delegation
from waishi.evaluation.models import Evaluation, EvaluationStatus, FollowUpRound, FollowUpStatus

__all__ = [
    "DEPARTED",
    "AnnualReport",
    "DelegationSection",
    "EvaluationSection",
    "MeetingSection",
    "Row",
    "annual_report_data",
    "delegation_section",
    "departed_in",
    "evaluation_section",
    "headline",
    "meeting_section",
    "work_plan_installed",
    "work_plan_section",
    "years_with_data",
]

WORK_PLAN_MODULE = "waishi.commission.selectors_workplan"
LIST_LIMIT = 10  # rows of the "failed evaluations" and "overdue tasks" lists


@dataclass
class FailedEvaluation:
    title: str
    unit: str
    total: Decimal | None
    vetoed: bool


@dataclass
class FollowUps:
    months: int
    submitted: int = 0
    overdue: int = 0  # scheduled rounds past their due date
    realised: int = 0  # results realised / results reported, over the submitted rounds
    results: int = 0


@dataclass
class EvaluationSection:
    opened: int = 0
    completed: int = 0
    grades: dict[str, int] = field(default_factory=dict)
    average: Decimal | None = None
    vetoed: int = 0
    failed: list[FailedEvaluation] = field(default_factory=list)
    follow_ups: list[FollowUps] = field(default_factory=list)
    spent_cny: Decimal = Decimal(0)
    amount_cny: Decimal = Decimal(0)

    @property
    def in_progress(self) -> int:
        return self.opened - self.completed


@dataclass
class MeetingRow:
    number: str
    date: dt.date
    title: str
    documents: int = 0
    decisions: int = 0
    tasks: int = 0


@dataclass
class OverdueTask:
    text: str
    unit: str
    deadline: dt.date


@dataclass
class MeetingSection:
    meetings: list[MeetingRow] = field(default_factory=list)
    drafts: int = 0  # meeting records of the year not confirmed yet (not counted above)
    tasks_done: int = 0
    tasks_open: int = 0
    tasks_overdue: int = 0  # open and past the deadline (part of tasks_open)
    overdue_tasks: list[OverdueTask] = field(default_factory=list)

    @property
    def documents(self) -> int:
        return sum(m.documents for m in self.meetings)

    @property
    def decisions(self) -> int:
        return sum(m.decisions for m in self.meetings)

    @property
    def tasks(self) -> int:
        return self.tasks_done + self.tasks_open


@dataclass
class AnnualReport:
    year: int
    today: dt.date
    delegations: DelegationSection
    evaluations: EvaluationSection
    meetings: MeetingSection
    work_plan: dict | None  # plan_completion(year); None when the work plan is not installed

    @property
    def has_data(self) -> bool:
        plan_items = (self.work_plan or {}).get("total", 0)
        return bool(
            self.delegations.count
            or self.evaluations.opened
            or self.meetings.meetings
            or plan_items
        )


# --- evaluations -----------------------------------------------------------------------------


def evaluation_section(year: int, today: dt.date) -> EvaluationSection:
    section = EvaluationSection()
    evaluations = Evaluation.objects.filter(year=year)
    rows = (
        evaluations.values("status", "grade")
        .annotate(
            n=Count("id"),
            scored=Count("total"),
            points=Sum("total"),
            vetoed=Count("id", filter=Q(vetoed=True)),
            spent=Sum("spent_cny"),
            amount=Sum("amount_cny"),
        )
        .order_by()
    )
    scored, points = 0, Decimal(0)
    for row in rows:
        section.opened += row["n"]
        if row["status"] != EvaluationStatus.COMPLETED:
            continue
        section.completed += row["n"]
        if row["grade"]:
            section.grades[row["grade"]] = section.grades.get(row["grade"], 0) + row["n"]
        scored += row["scored"]
        points += row["points"] or 0
        section.vetoed += row["vetoed"]
        section.spent_cny += row["spent"] or 0
        section.amount_cny += row["amount"] or 0
    if scored:
        section.average = (points / scored).quantize(Decimal("0.1"))
    failed = (
        evaluations.filter(status=EvaluationStatus.COMPLETED, grade="fail")
        .order_by("total", "pk")
        .values_list("delegation__title", "organising_unit__name", "total", "vetoed")
    )
    section.failed = [FailedEvaluation(*row) for row in failed[:LIST_LIMIT]]
    section.follow_ups = _follow_ups(year, today)
    return section


def _follow_ups(year: int, today: dt.date) -> list[FollowUps]:
    submitted = Q(status=FollowUpStatus.SUBMITTED)
    rows = (
        FollowUpRound.objects.filter(evaluation__year=year)
        .values("months")
        .annotate(
            submitted=Count("id", filter=submitted),
            overdue=Count("id", filter=Q(status=FollowUpStatus.SCHEDULED, due_on__lt=today)),
            realised=Sum("realised_count", filter=submitted),
            results=Sum("result_count", filter=submitted),
        )
        .order_by("months")
    )
    return [
        FollowUps(
            months=row["months"],
            submitted=row["submitted"],
            overdue=row["overdue"],
            realised=row["realised"] or 0,
            results=row["results"] or 0,
        )
        for row in rows
    ]


# --- the commission's meetings ---------------------------------------------------------------


def meeting_section(year: int, today: dt.date) -> MeetingSection:
    in_year = Meeting.objects.filter(date__range=year_days(year))
    section = MeetingSection(drafts=in_year.filter(status=Meeting.Status.DRAFT).count())
    meetings = in_year.filter(status=Meeting.Status.CONFIRMED).order_by("date", "id")
    rows = {
        pk: MeetingRow(number, date, title)
        for pk, number, date, title in meetings.values_list("pk", "number", "date", "title")
    }
    section.meetings = list(rows.values())
    if not rows:
        return section
    for model, attribute in ((MeetingDocument, "documents"), (Decision, "decisions")):
        counts = model.objects.filter(meeting_id__in=rows).values("meeting_id")
        for pk, n in counts.annotate(n=Count("id")).values_list("meeting_id", "n"):
            setattr(rows[pk], attribute, n)
    tasks = FollowUpTask.objects.filter(meeting_id__in=rows)
    is_open = Q(status=FollowUpTask.Status.OPEN)
    late = is_open & Q(deadline__lt=today)
    counts = tasks.values("meeting_id").annotate(
        n=Count("id"),
        done=Count("id", filter=Q(status=FollowUpTask.Status.DONE)),
        open=Count("id", filter=is_open),
        overdue=Count("id", filter=late),
    )
    for row in counts.order_by():
        rows[row["meeting_id"]].tasks = row["n"]
        section.tasks_done += row["done"]
        section.tasks_open += row["open"]
        section.tasks_overdue += row["overdue"]
    overdue = tasks.filter(late).order_by("deadline", "id")
    section.overdue_tasks = [
        OverdueTask(*row)
        for row in overdue.values_list("text", "owner_unit__name", "deadline")[:LIST_LIMIT]
    ]
    return section


# --- the work plan ---------------------------------------------------------------------------


def work_plan_installed() -> bool:
    return importlib.util.find_spec(WORK_PLAN_MODULE) is not None


def work_plan_section(year: int) -> dict | None:
    """plan_completion(year) of the work plan module, or None when it is not installed."""
    if not work_plan_installed():
        return None
    return importlib.import_module(WORK_PLAN_MODULE).plan_completion(year)


# --- the whole report, and its headline --------------------------------------------------------


def annual_report_data(year: int, *, today: dt.date | None = None) -> AnnualReport:
    today = today or timezone.localdate()
    return AnnualReport(
        year=year,
        today=today,
        delegations=delegation_section(year, today),
        evaluations=evaluation_section(year, today),
        meetings=meeting_section(year, today),
        work_plan=work_plan_section(year),
    )


def headline(year: int) -> dict:
    """The numbers the report page shows before anyone generates the document."""
    count, person_trips = totals_of(year)
    meetings = Meeting.objects.filter(date__range=year_days(year), status=Meeting.Status.CONFIRMED)
    evaluations = Evaluation.objects.filter(year=year, status=EvaluationStatus.COMPLETED)
    return {
        "year": year,
        "delegations": count,
        "person_trips": person_trips,
        "persons": persons_of(year) if count else 0,
        "countries": len(countries_of(year)) if count else 0,
        "evaluations": evaluations.count(),
        "excellent": evaluations.filter(grade="excellent").count(),
        "meetings": meetings.count(),
        "decisions": Decision.objects.filter(meeting__in=meetings).count(),
        "work_plan": work_plan_section(year),
    }


def years_with_data() -> list[int]:
    """The years of the records, latest first: from the first departure to the last, and the
    years of evaluations and meetings (min and max, not DISTINCT over every delegation)."""
    span = Delegation.objects.aggregate(first=Min("departed_on"), last=Max("departed_on"))
    years = set(range(span["first"].year, span["last"].year + 1)) if span["first"] else set()
    years |= set(Evaluation.objects.order_by().values_list("year", flat=True).distinct())
    years |= {d.year for d in Meeting.objects.filter(date__isnull=False).dates("date", "year")}
    return sorted(years, reverse=True)
