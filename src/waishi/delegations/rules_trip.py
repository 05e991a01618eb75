"""The trip's rules, read-only: working days, the pre-trip disclosure gate, passport validity,
deviations from the approved itinerary, deadlines after the return, and the unit block.

    disclosure_problem(delegation, on_date)   why approval must wait, or None
    unit_blocked(unit, today)                 items overdue beyond the grace, [] if lifted
    transition_problem(delegation, action, today)   the gate services.delegation_transition asks

Working days follow the official calendar (chinese_calendar, 调休 weekends included). For a
year the package does not know yet, Monday to Friday count, and `calendar_note` says so.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import chinese_calendar
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from waishi.delegations.jobs import add_working_days, passport_return_days, report_working_days
from waishi.delegations.models import Delegation, Status, TripReport
from waishi.delegations.models_trip import (
    PassportCheckout,
    PostTripDisclosure,
    PreTripDisclosure,
    UnitBlockLift,
)

ONE_DAY = dt.timedelta(days=1)
RETURNED_STATES = (Status.RETURNED_HOME, Status.REPORT_FILED, Status.EVALUATED, Status.ARCHIVED)
ITEM_LABELS = {
    "passport_return": gettext_lazy("Passport not back in custody"),
    "trip_report": gettext_lazy("Trip report not filed"),
    "post_trip_disclosure": gettext_lazy("Post-trip disclosure not published"),
}


def disclosure_working_days() -> int:
    return int(getattr(settings, "WAISHI_PRE_TRIP_DISCLOSURE_WORKING_DAYS", 5))


def block_after_days() -> int:
    """Days past a deadline after which the unit may not submit new applications."""
    return int(getattr(settings, "WAISHI_OVERDUE_BLOCK_DAYS", 30))


def passport_validity_months() -> int:
    return int(getattr(settings, "WAISHI_PASSPORT_VALID_MONTHS_AFTER_RETURN", 6))


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or that month's last day (31 Jan + 1 month → 28/29 Feb)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- working days ------------------------------------------------------------------------------


def calendar_known(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def is_working_day(day: dt.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def working_days(first: dt.date, last: dt.date) -> int:
    """Official working days from `first` to `last`, both counted (0 when last < first)."""
    count, day = 0, first
    while day <= last:
        count += is_working_day(day)
        day += ONE_DAY
    return count


def nth_working_day(first: dt.date, n: int) -> dt.date:
    """The day on which the n-th working day counted from `first` (inclusive) falls."""
    day = first
    while True:
        if is_working_day(day):
            n -= 1
            if n <= 0:
                return day
        day += ONE_DAY


def calendar_note(first: dt.date, last: dt.date) -> str | None:
    unknown = [y for y in range(first.year, last.year + 1) if not calendar_known(y)]
    if not unknown:
        return None
    return _(
        "The official calendar for %(years)s is not known yet: working days are counted "
        "Monday to Friday there, without holidays or swapped weekends."
    ) % {"years": ", ".join(str(y) for y in unknown)}


# --- the pre-trip disclosure gate --------------------------------------------------------------


def disclosure_problem(delegation: Delegation, on_date: dt.date) -> str | None:
    """Why `delegation` may not be approved on `on_date` for want of its pre-trip disclosure
    (出访前公示, up for the required working days before the day of approval), or None."""
    required = disclosure_working_days()
    disclosure = PreTripDisclosure.objects.filter(delegation_id=delegation.pk).first()
    if disclosure is None:
        return _(
            "No pre-trip disclosure is recorded; approval waits until one has been up for "
            "%(days)s working days."
        ) % {"days": required}
    last = on_date - ONE_DAY
    if disclosure.taken_down_on is not None:
        last = min(last, disclosure.taken_down_on)
    up = working_days(disclosure.posted_on, last)
    if up >= required:
        return None
    note = calendar_note(disclosure.posted_on, max(on_date, disclosure.posted_on)) or ""
    if disclosure.taken_down_on is not None and disclosure.taken_down_on < on_date - ONE_DAY:
        message = _(
            "The pre-trip disclosure was up for only %(up)s of %(days)s working days before it "
            "was taken down; post it again."
        ) % {"up": up, "days": required}
    else:
        earliest = nth_working_day(disclosure.posted_on, required) + ONE_DAY
        message = _(
            "The pre-trip disclosure has been up for %(up)s of %(days)s working days; the "
            "delegation can be approved from %(earliest)s."
        ) % {"up": up, "days": required, "earliest": earliest.isoformat()}
    return f"{message} {note}".strip()


# --- passports ---------------------------------------------------------------------------------


def passport_due(delegation: Delegation) -> dt.date:
    """The day checked-out passports are due back: the (actual, else planned) return + 7 days."""
    returned = delegation.returned_at or delegation.return_china
    return returned + dt.timedelta(days=passport_return_days())


def passport_problem(passport, delegation: Delegation) -> str | None:
    """Why `passport` may not be issued for `delegation`, or None."""
    if not passport.is_official:
        return _("A private passport may not be used for an official trip; issue an official one.")
    if passport.custody != passport.Custody.IN_CUSTODY:
        return _("This passport is not in custody (it is “%(state)s”).") % {
            "state": passport.get_custody_display()
        }
    valid_until = add_months(delegation.return_china, passport_validity_months())
    if passport.expires_on < valid_until:
        return _(
            "This passport expires on %(expires)s: it must be valid until at least %(until)s, "
            "%(months)s months after the return."
        ) % {
            "expires": passport.expires_on.isoformat(),
            "until": valid_until.isoformat(),
            "months": passport_validity_months(),
        }
    return None


# --- deviations from the approved itinerary ----------------------------------------------------


def _nights_by_country(stops) -> dict[str, int]:
    nights: dict[str, int] = {}
    for stop in stops:
        code = str(stop["country"])
        nights[code] = nights.get(code, 0) + (stop["depart"] - stop["arrive"]).days
    return nights


def deviations(delegation: Delegation, left: dt.date, returned: dt.date, stops) -> list[dict]:
    """The differences between the trip as travelled (`stops`: dicts of country, arrive,
    depart) and as approved: extra or missing countries, more days abroad, leaving earlier or
    returning later, a longer stay in a country. Airside transits count as not visited."""
    approved = [
        {"country": str(s.country), "arrive": s.arrive, "depart": s.depart}
        for s in delegation.stops.all()
        if not s.airside_transit
    ]
    found: list[dict] = []
    planned_countries = {s["country"] for s in approved}
    actual_countries = {str(s["country"]) for s in stops}
    for code in sorted(actual_countries - planned_countries):
        found.append({"kind": "extra_country", "country": code})
    for code in sorted(planned_countries - actual_countries):
        found.append({"kind": "missing_country", "country": code})
    planned_days = (delegation.return_china - delegation.leave_china).days + 1
    actual_days = (returned - left).days + 1
    if actual_days > planned_days:
        found.append({"kind": "more_days", "approved": planned_days, "actual": actual_days})
    if left < delegation.leave_china:
        found.append(
            {"kind": "left_early", "approved": str(delegation.leave_china), "actual": str(left)}
        )
    if returned > delegation.return_china:
        found.append(
            {
                "kind": "returned_late",
                "approved": str(delegation.return_china),
                "actual": str(returned),
            }
        )
    planned_nights, actual_nights = _nights_by_country(approved), _nights_by_country(stops)
    for code in sorted(planned_countries & actual_countries):
        if actual_nights[code] > planned_nights[code]:
            found.append(
                {
                    "kind": "longer_stay",
                    "country": code,
                    "approved": planned_nights[code],
                    "actual": actual_nights[code],
                }
            )
    return found


# --- deadlines after the return, and the unit block --------------------------------------------


def trip_deadlines(returned: dt.date) -> dict[str, dt.date]:
    return {
        "passport_return": returned + dt.timedelta(days=passport_return_days()),
        "trip_report": add_working_days(returned, report_working_days()),
        "post_trip_disclosure": add_months(returned, 1),
    }


@dataclass(frozen=True)
class OverdueItem:
    kind: str
    unit_id: int
    delegation_id: int
    delegation_title: str
    due: dt.date
    days_overdue: int
    person: str = ""

    @property
    def label(self) -> str:
        return str(ITEM_LABELS[self.kind])

    def as_json(self) -> dict:
        return {
            "kind": self.kind,
            "delegation": self.delegation_id,
            "title": self.delegation_title,
            "due": self.due.isoformat(),
            "days_overdue": self.days_overdue,
            "person": self.person,
        }


def overdue_items(today: dt.date, *, unit=None, grace: int | None = None) -> list[OverdueItem]:
    """Items more than `grace` days (default: the block setting) past their deadline, of one
    unit's delegations or of every unit's. Three queries whatever the number of delegations."""
    grace = block_after_days() if grace is None else grace
    found: list[OverdueItem] = []

    def late(kind, delegation, due, person=""):
        days = (today - due).days
        if days > grace:
            found.append(
                OverdueItem(
                    kind,
                    delegation.organising_unit_id,
                    delegation.pk,
                    delegation.title,
                    due,
                    days,
                    person,
                )
            )

    returned = Delegation.objects.filter(status__in=RETURNED_STATES, returned_at__isnull=False)
    outs = PassportCheckout.objects.filter(checked_in_at__isnull=True)
    if unit is not None:
        returned = returned.filter(organising_unit=unit)
        outs = outs.filter(delegation__organising_unit=unit)
    disclosed = set(
        PostTripDisclosure.objects.filter(delegation__in=returned).values_list(
            "delegation_id", flat=True
        )
    )
    for delegation in returned.only("pk", "title", "organising_unit", "status", "returned_at"):
        due = trip_deadlines(delegation.returned_at)
        if delegation.status == Status.RETURNED_HOME:
            late("trip_report", delegation, due["trip_report"])
        if delegation.pk not in disclosed:
            late("post_trip_disclosure", delegation, due["post_trip_disclosure"])
    for checkout in outs.select_related("delegation", "person"):
        late(
            "passport_return",
            checkout.delegation,
            passport_due(checkout.delegation),
            str(checkout.person),
        )
    return sorted(found, key=lambda item: (item.unit_id, item.due, item.delegation_id, item.kind))


def active_lift(unit, today: dt.date) -> UnitBlockLift | None:
    return UnitBlockLift.objects.filter(unit=unit, until__gte=today).order_by("-until").first()


def unit_blocked(unit, today: dt.date) -> list[OverdueItem]:
    """The items that stop `unit` submitting new applications today; [] when none is overdue
    beyond the grace, or while an FAO approver's lift is in force."""
    if active_lift(unit, today) is not None:
        return []
    return overdue_items(today, unit=unit)


def unit_block_problem(unit, today: dt.date) -> str | None:
    items = unit_blocked(unit, today)
    if not items:
        return None
    listed = "；".join(f"{item.delegation_title}: {item.label}" for item in items)
    return _(
        "%(unit)s cannot submit new applications while items are more than %(days)s days "
        "overdue: %(items)s. Resolve them, or ask the FAO approver to lift the block."
    ) % {"unit": unit.name, "days": block_after_days(), "items": listed}


def transition_problem(delegation: Delegation, action: str, today: dt.date) -> str | None:
    """The trip part's gate on a workflow action: approval waits for the pre-trip disclosure;
    a blocked unit cannot submit; a report is filed only when it is complete; a delegation is
    evaluated only by completing its performance evaluation (the evaluation app takes the
    action then), never by a bare button that would leave no scores behind."""
    if action == "approve":
        return disclosure_problem(delegation, today)
    if action == "submit":
        return unit_block_problem(delegation.organising_unit, today)
    if action == "file_report":
        from waishi.delegations.services_report import report_gaps  # it imports this module

        report = TripReport.objects.filter(delegation=delegation).first()
        return " ".join(str(gap) for gap in report_gaps(delegation, report)) or None
    if action == "evaluate":
        from waishi.evaluation.models import Evaluation, EvaluationStatus  # it imports this app

        done = Evaluation.objects.filter(delegation=delegation, status=EvaluationStatus.COMPLETED)
        if not done.exists():
            return _(
                "A delegation is evaluated by completing its performance evaluation "
                "(self-assessment, then the evaluator's scores) on the evaluation page."
            )
    return None
