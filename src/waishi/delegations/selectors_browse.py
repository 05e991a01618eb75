"""Reads behind the browse pages and the API: the list (search, sort, pages), overdue markers,
the reviewer's side panel (members' earlier trips, the unit's record), the calendar and the
traveller's own trips. Every read is scoped with selectors.scope_q; each page costs a constant
number of queries whatever the number of rows.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from waishi.delegations import checks, rules_trip
from waishi.delegations.checks import TRAVEL_STATUSES
from waishi.delegations.models import Delegation, DelegationMember, ItineraryStop, Status
from waishi.delegations.models_trip import PassportCheckout, PostTripDisclosure
from waishi.delegations.selectors import delegations_for_user, scope_q
from waishi.evaluation import record as evaluation_records

PER_PAGE = 25
DEFAULT_SORT = "-leave"
EARLIER_TRIPS_YEARS = 5
# The look back of the evaluation record panel when the rule set in force has no such rule.
RECORD_MONTHS = 24
CALENDAR_LIMIT = 500
STATUS_ORDER = Case(
    *(When(status=value, then=Value(i)) for i, value in enumerate(Status.values)),
    output_field=IntegerField(),
)
SORTS = {
    "leave": ["leave_china", "id"],
    "title": ["title", "id"],
    "status": [STATUS_ORDER, "leave_china", "id"],
    "unit": ["organising_unit__name", "leave_china", "id"],
}
SORT_KEYS = tuple(SORTS)


def ordering_for(sort: str) -> list:
    """ORDER BY terms for a sort key ("leave", "-title", …); unknown keys: newest departure."""
    sort = sort if sort.lstrip("-") in SORTS else DEFAULT_SORT
    terms = SORTS[sort.lstrip("-")]
    if not sort.startswith("-"):
        return list(terms)
    return [t.desc() if hasattr(t, "desc") else f"-{t}" for t in terms]


def browse(user, *, search: str = "", **filters) -> QuerySet:
    """The list's rows: delegations_for_user's filters, and a search that also finds members."""
    qs = delegations_for_user(user, **filters)
    search = " ".join((search or "").split())
    if search:
        members = DelegationMember.objects.filter(
            delegation=OuterRef("pk"), person__name__icontains=search
        )
        qs = qs.filter(
            Q(title__icontains=search) | Q(approval_number__icontains=search) | Exists(members)
        )
    return qs


def with_overdue_facts(qs: QuerySet) -> QuerySet:
    """Rows annotated with what their overdue markers need: a passport still out of custody,
    and whether the post-trip disclosure is published (two EXISTS, no query per row)."""
    out = PassportCheckout.objects.filter(delegation=OuterRef("pk"), checked_in_at__isnull=True)
    disclosed = PostTripDisclosure.objects.filter(delegation=OuterRef("pk"))
    return qs.annotate(passport_out=Exists(out), post_disclosed=Exists(disclosed))


def attach_overdue_facts(rows: list) -> list:
    """The facts of with_overdue_facts for rows read without them, in one query."""
    facts = with_overdue_facts(Delegation.objects.filter(pk__in=[row.pk for row in rows]))
    known = {
        pk: (out, disclosed)
        for pk, out, disclosed in facts.values_list("pk", "passport_out", "post_disclosed")
    }
    for row in rows:
        row.passport_out, row.post_disclosed = known.get(row.pk, (False, True))
    return rows


def page_of(qs: QuerySet, *, page_number, sort: str, per_page: int = PER_PAGE) -> Page:
    """One page of rows, each marked with its overdue items (no query per row)."""
    # Count and pick the page's ids on the bare query, then read only those rows with their
    # overdue facts: the annotations then run for one page, not for every row skipped.
    ordering = ordering_for(sort)
    paginator = Paginator(qs.order_by(*ordering).values_list("pk", flat=True), per_page)
    page = paginator.get_page(page_number)
    rows = with_overdue_facts(qs.filter(pk__in=list(page.object_list))).order_by(*ordering)
    page.object_list = mark_overdue(list(rows))
    return page


def rows_for_export(qs: QuerySet, *, sort: str, limit: int) -> list:
    return mark_overdue(list(with_overdue_facts(qs).order_by(*ordering_for(sort))[:limit]))


def overdue_items(delegation: Delegation, today: dt.date) -> list[str]:
    """The post-trip items past their deadline (the trip part's rules), from columns already
    read; a row read without its overdue facts is not marked for what they would tell."""
    items = []
    if getattr(delegation, "passport_out", False) and rules_trip.passport_due(delegation) < today:
        items.append("passport_return")
    if not delegation.returned_at or delegation.status not in rules_trip.RETURNED_STATES:
        return items
    due = rules_trip.trip_deadlines(delegation.returned_at)
    if delegation.status == Status.RETURNED_HOME and due["trip_report"] < today:
        items.append("trip_report")
    if not getattr(delegation, "post_disclosed", True) and due["post_trip_disclosure"] < today:
        items.append("post_trip_disclosure")
    return items


def mark_overdue(rows: list, today: dt.date | None = None) -> list:
    today = today or timezone.localdate()
    for row in rows:
        row.overdue = [rules_trip.ITEM_LABELS[item] for item in overdue_items(row, today)]
    return rows


def countries_of(delegation: Delegation) -> list:
    """The countries stayed in, in itinerary order (prefetched stops; airside transits left out)."""
    seen = []
    for stop in delegation.stops.all():
        if not stop.airside_transit and stop.country not in seen:
            seen.append(stop.country)
    return seen


# --- the detail page ------------------------------------------------------------------------


def last_check(delegation: Delegation):
    """The latest recorded event that carries the policy findings (from the prefetched events)."""
    checked = [event for event in delegation.events.all() if event.findings is not None]
    return checked[-1] if checked else None


@dataclass
class UnitRecord:
    unit: object
    by_status: list = field(default_factory=list)  # (label, count), workflow order
    overdue: list = field(default_factory=list)  # rules_trip.OverdueItem, any day past due
    blocked: bool = False  # overdue beyond the grace: the unit cannot submit new applications


def unit_record(unit, today: dt.date) -> UnitRecord:
    """How the unit's delegations stand, which post-trip items are overdue, and whether that
    blocks its new applications."""
    counts = dict(
        Delegation.objects.filter(organising_unit=unit)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return UnitRecord(
        unit=unit,
        by_status=[(Status(s).label, counts[s]) for s in Status.values if counts.get(s)],
        overdue=rules_trip.overdue_items(today, unit=unit, grace=0),
        blocked=bool(rules_trip.unit_blocked(unit, today)),
    )


def evaluation_record(unit, today: dt.date) -> evaluation_records.UnitRecord:
    """The unit's performance evaluation record over the window the rule set in force warns
    on (the longest of its evaluation record rules; RECORD_MONTHS when it has none)."""
    rules = checks.active_ruleset().by_kind.get(checks.RECORD_KIND, ())
    months = max((rule.parameters["window_months"] for rule in rules), default=RECORD_MONTHS)
    return evaluation_records.unit_record(unit, today=today, window_months=months)


def earlier_trips(user, delegation: Delegation, today: dt.date) -> dict[int, list]:
    """person id → the member's other trips (approved or taken) of the last five years that the
    user may see, newest first, each with its stops."""
    person_ids = [member.person_id for member in delegation.members.all()]
    since = today.replace(year=today.year - EARLIER_TRIPS_YEARS, day=min(today.day, 28))
    visible = Delegation.objects.filter(scope_q(user)).values("pk")
    rows = (
        DelegationMember.objects.filter(
            person_id__in=person_ids,
            delegation__status__in=TRAVEL_STATUSES,
            delegation__leave_china__gte=since,
            delegation__in=visible,
        )
        .exclude(delegation_id=delegation.pk)
        .select_related("delegation", "delegation__organising_unit")
        .prefetch_related(
            Prefetch("delegation__stops", queryset=ItineraryStop.objects.order_by("order"))
        )
        .order_by("-delegation__leave_china", "-delegation_id")
    )
    trips: dict[int, list] = {pk: [] for pk in person_ids}
    for row in rows:
        trips[row.person_id].append(row)
    return trips


# --- calendar and the traveller's page ---------------------------------------------------------


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def span_of(delegation: Delegation) -> tuple[dt.date, dt.date]:
    """Days abroad: the recorded departure and return where known, else the approved dates."""
    start = delegation.departed_on or delegation.leave_china
    return start, max(start, delegation.returned_at or delegation.return_china)


def trips_in_month(user, year: int, month: int) -> list:
    first, last = month_bounds(year, month)
    planned = Q(leave_china__lte=last, return_china__gte=first)
    actual = Q(departed_on__lte=last, returned_at__gte=first)
    qs = (
        Delegation.objects.filter(scope_q(user), planned | actual, status__in=TRAVEL_STATUSES)
        .select_related("organising_unit", "leader")
        .order_by("leave_china", "id")
    )
    return list(qs[:CALENDAR_LIMIT])


def month_grid(trips: list, year: int, month: int) -> list[list[dict]]:
    """Weeks (Monday first) of days, each day with the trips abroad on it."""
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    spans = [(trip, *span_of(trip)) for trip in trips]
    return [
        [
            {
                "date": day,
                "in_month": day.month == month,
                "trips": [trip for trip, start, end in spans if start <= day <= end],
            }
            for day in week
        ]
        for week in weeks
    ]


def memberships_of(user) -> list:
    """The user's own places in delegations (through Person.user), newest departure first."""
    if not user.is_authenticated:
        return []
    rows = (
        DelegationMember.objects.filter(person__user=user)
        .select_related("delegation", "delegation__organising_unit", "delegation__leader")
        .prefetch_related(
            Prefetch("delegation__stops", queryset=ItineraryStop.objects.order_by("order"))
        )
        .order_by("-delegation__leave_china", "-delegation_id")
    )
    rows = list(rows)
    mark_overdue(attach_overdue_facts([row.delegation for row in rows]))
    return rows
