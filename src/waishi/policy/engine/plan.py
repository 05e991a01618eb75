"""A planned delegation: the JSON of `waishi policy check` parsed and validated into dataclasses.

Validation refuses what no rule could sensibly judge (impossible dates, unknown codes, duplicate
members); it never judges policy — that is the rules' job. Every refusal is one `PlanError` whose
message names the offending field, so the CLI can print it as one line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

RANKS = ("provincial", "bureau", "county", "section", "other")
TRIP_TYPES = ("visit", "investment", "conference", "training", "academic_exchange", "other")
HOST_PROVIDES = ("meals", "transport", "lodging")
INVITATION_KINDS = (
    "counterpart",
    "intermediary",
    "foreign_mission_in_china",
    "overseas_chinese_body",
)
SCHEDULE_KINDS = ("official", "transit", "rest", "sightseeing")
# 外交护照, 公务护照, 因公普通护照, 因私普通护照.
PASSPORT_KINDS = ("diplomatic", "service", "official", "private")
# More overdue follow-ups than any unit could have: a typing slip, not a record.
MAX_OVERDUE_COUNT = 10_000
BUDGET_KINDS = (
    "international_travel",
    "intercity_travel",
    "lodging",
    "meals",
    "incidentals",
    "other",
)


class PlanError(ValueError):
    """The plan cannot be checked; the message is one line for the user."""


@dataclass(frozen=True, slots=True)
class Stop:
    country: str
    city: str
    arrive: dt.date
    depart: dt.date
    airside_transit: bool

    @property
    def nights(self) -> int:
        return (self.depart - self.arrive).days


@dataclass(frozen=True, slots=True)
class Passport:
    kind: str
    expires: dt.date


@dataclass(frozen=True, slots=True)
class Member:
    name: str
    unit: str
    position: str
    rank: str
    unit_leader: bool
    retired: bool
    academic: bool
    trips: tuple[dt.date, ...]
    passport: Passport | None


@dataclass(frozen=True, slots=True)
class Invitation:
    sender: str
    kind: str


@dataclass(frozen=True, slots=True)
class ScheduleEntry:
    date: dt.date
    activity: str
    kind: str


@dataclass(frozen=True, slots=True)
class BudgetItem:
    kind: str
    amount: Decimal
    currency: str


@dataclass(frozen=True, slots=True)
class FailedTrip:
    """A delegation of the organising unit whose performance evaluation graded it fail."""

    title: str
    year: int | None = None
    total: Decimal | None = None
    returned: dt.date | None = None  # None: the caller has already applied the rule's window


@dataclass(frozen=True, slots=True)
class OverdueFollowUp:
    """A 6- or 12-month follow-up of an evaluated delegation that the unit has not sent in."""

    title: str = ""
    due_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class EvaluationRecord:
    """The organising unit's evaluation record (DOMAIN.md §2): what the feedback rule reads."""

    failed: tuple[FailedTrip, ...] = ()
    overdue_follow_ups: tuple[OverdueFollowUp, ...] = ()


@dataclass(frozen=True, slots=True)
class Plan:
    title: str
    organising_unit: str
    trip_type: str
    submitted_on: dt.date | None
    stops: tuple[Stop, ...]
    leave_china: dt.date
    return_china: dt.date
    members: tuple[Member, ...]
    invitation: Invitation | None
    host_provides: frozenset[str]
    schedule: tuple[ScheduleEntry, ...] | None
    budget: tuple[BudgetItem, ...] | None
    unit_record: EvaluationRecord | None = None  # None: no evaluation record is known

    @property
    def days(self) -> int:
        """Days abroad: the days of leaving and of re-entering China both count."""
        return (self.return_china - self.leave_china).days + 1


@lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes. django-countries' data module is a plain dict whose keys need no
    Django settings (only its lazily translated names would); imported here, not at module load."""
    from django_countries.data import COUNTRIES

    return frozenset(COUNTRIES)


def parse_plan(data: object) -> Plan:
    if not isinstance(data, dict):
        raise PlanError("the plan must be a JSON object")
    for key in ("members", "stops", "leave_china", "return_china"):
        if key not in data:
            raise PlanError(f"required field {key!r} is missing")
    leave = _date(data["leave_china"], "leave_china")
    back = _date(data["return_china"], "return_china")
    if back < leave:
        raise PlanError(f"return_china {back} is before leave_china {leave}")
    organising_unit = _text(data.get("organising_unit"), "organising_unit")
    stops = _stops(data["stops"], leave, back)
    schedule = data.get("schedule")
    budget = data.get("budget")
    unit_record = data.get("unit_record")
    return Plan(
        title=_text(data.get("title"), "title"),
        organising_unit=organising_unit,
        trip_type=_choice(data.get("trip_type", "other"), TRIP_TYPES, "trip_type"),
        submitted_on=_optional_date(data.get("submitted_on"), "submitted_on"),
        stops=stops,
        leave_china=leave,
        return_china=back,
        members=_members(data["members"], organising_unit),
        invitation=_invitation(data.get("invitation")),
        host_provides=_host_provides(data.get("host_provides", [])),
        schedule=None if schedule is None else _schedule(schedule, leave, back),
        budget=None if budget is None else _budget(budget),
        unit_record=None if unit_record is None else _unit_record(unit_record),
    )


def _stops(value: object, leave: dt.date, back: dt.date) -> tuple[Stop, ...]:
    items = _list(value, "stops")
    if not items:
        raise PlanError("stops is empty: a trip needs at least one stop")
    stops = tuple(_stop(item, f"stops[{i}]") for i, item in enumerate(items))
    for i, stop in enumerate(stops):
        where = f"stops[{i}]"
        if stop.arrive < leave or stop.depart > back:
            raise PlanError(
                f"{where} ({stop.arrive} to {stop.depart}) lies outside leave_china {leave} "
                f"to return_china {back}"
            )
        if i and stop.arrive < stops[i - 1].depart:
            raise PlanError(
                f"{where} arrives {stop.arrive}, before stops[{i - 1}] departs "
                f"{stops[i - 1].depart}: stops overlap or are out of order"
            )
    return stops


def _stop(value: object, where: str) -> Stop:
    item = _object(value, where)
    for key in ("country", "arrive", "depart"):
        if key not in item:
            raise PlanError(f"{where}.{key} is missing")
    arrive = _date(item["arrive"], f"{where}.arrive")
    depart = _date(item["depart"], f"{where}.depart")
    if depart < arrive:
        raise PlanError(f"{where} departs {depart} before it arrives {arrive}")
    return Stop(
        country=_country(item["country"], f"{where}.country"),
        city=_text(item.get("city"), f"{where}.city"),
        arrive=arrive,
        depart=depart,
        airside_transit=_bool(item.get("airside_transit", False), f"{where}.airside_transit"),
    )


def _country(value: object, where: str) -> str:
    code = value.strip().upper() if isinstance(value, str) else None
    if code == "CN":
        raise PlanError(f"{where} is CN: stops are abroad, China itself is not a stop")
    if code not in country_codes():
        raise PlanError(f"{where} {value!r} is not an ISO 3166-1 alpha-2 country code")
    return code


def _members(value: object, organising_unit: str) -> tuple[Member, ...]:
    items = _list(value, "members")
    if not items:
        raise PlanError("members is empty: a delegation needs at least one member")
    members = tuple(_member(item, f"members[{i}]", organising_unit) for i, item in enumerate(items))
    seen: dict[tuple[str, str], int] = {}
    for i, member in enumerate(members):
        key = (member.name, member.unit)
        if key in seen:
            raise PlanError(
                f"members[{i}] {member.name} ({member.unit or 'no unit'}) is listed twice "
                f"(also members[{seen[key]}])"
            )
        seen[key] = i
    return members


def _member(value: object, where: str, organising_unit: str) -> Member:
    item = _object(value, where)
    name = _text(item.get("name"), f"{where}.name")
    if not name:
        raise PlanError(f"{where}.name is missing")
    if "rank" not in item:
        raise PlanError(f"{where}.rank is missing (one of {', '.join(RANKS)})")
    passport = item.get("passport")
    return Member(
        name=name,
        unit=_text(item.get("unit"), f"{where}.unit") or organising_unit,
        position=_text(item.get("position"), f"{where}.position"),
        rank=_choice(item["rank"], RANKS, f"{where}.rank"),
        unit_leader=_bool(item.get("unit_leader", False), f"{where}.unit_leader"),
        retired=_bool(item.get("retired", False), f"{where}.retired"),
        academic=_bool(item.get("academic", False), f"{where}.academic"),
        trips=tuple(
            _date(trip, f"{where}.trips[{i}]")
            for i, trip in enumerate(_list(item.get("trips", []), f"{where}.trips"))
        ),
        passport=None if passport is None else _passport(passport, f"{where}.passport"),
    )


def _passport(value: object, where: str) -> Passport:
    item = _object(value, where)
    for key in ("kind", "expires"):
        if key not in item:
            raise PlanError(f"{where}.{key} is missing")
    return Passport(
        kind=_choice(item["kind"], PASSPORT_KINDS, f"{where}.kind"),
        expires=_date(item["expires"], f"{where}.expires"),
    )


def _invitation(value: object) -> Invitation | None:
    if value is None:
        return None
    item = _object(value, "invitation")
    if "kind" not in item:
        raise PlanError(f"invitation.kind is missing (one of {', '.join(INVITATION_KINDS)})")
    return Invitation(
        sender=_text(item.get("from"), "invitation.from"),
        kind=_choice(item["kind"], INVITATION_KINDS, "invitation.kind"),
    )


def _host_provides(value: object) -> frozenset[str]:
    items = _list(value, "host_provides")
    return frozenset(
        _choice(item, HOST_PROVIDES, f"host_provides[{i}]") for i, item in enumerate(items)
    )


def _schedule(value: object, leave: dt.date, back: dt.date) -> tuple[ScheduleEntry, ...]:
    entries = []
    for i, raw in enumerate(_list(value, "schedule")):
        where = f"schedule[{i}]"
        item = _object(raw, where)
        if "date" not in item or "kind" not in item:
            raise PlanError(f"{where} needs a date and a kind")
        day = _date(item["date"], f"{where}.date")
        if not leave <= day <= back:
            raise PlanError(f"{where}.date {day} lies outside leave_china to return_china")
        kind = _choice(item["kind"], SCHEDULE_KINDS, f"{where}.kind")
        entries.append(ScheduleEntry(day, _text(item.get("activity"), f"{where}.activity"), kind))
    return tuple(entries)


def _budget(value: object) -> tuple[BudgetItem, ...]:
    budget = _object(value, "budget")
    default_currency = budget.get("currency")
    items = []
    for i, raw in enumerate(_list(budget.get("items", []), "budget.items")):
        where = f"budget.items[{i}]"
        item = _object(raw, where)
        if "kind" not in item or "amount" not in item:
            raise PlanError(f"{where} needs a kind and an amount")
        currency = item.get("currency", default_currency)
        if currency is None:
            raise PlanError(f"{where} has no currency and budget.currency is missing")
        items.append(
            BudgetItem(
                kind=_choice(item["kind"], BUDGET_KINDS, f"{where}.kind"),
                amount=_amount(item["amount"], f"{where}.amount"),
                currency=_currency(currency, f"{where}.currency"),
            )
        )
    return tuple(items)


def _unit_record(value: object) -> EvaluationRecord:
    """{"failed": [{"title", "year", "total", "returned"}], "overdue_follow_ups": n or
    [{"title", "due_on"}]}: the organising unit's delegations graded fail and its follow-ups
    overdue, as an installation's database knows them."""
    record = _object(value, "unit_record")
    failed = []
    for i, raw in enumerate(_list(record.get("failed", []), "unit_record.failed")):
        where = f"unit_record.failed[{i}]"
        item = _object(raw, where)
        year, total = item.get("year"), item.get("total")
        if year is not None and not (_is_int(year) and 1949 <= year <= 2100):
            raise PlanError(f"{where}.year {year!r} is not a year")
        failed.append(
            FailedTrip(
                title=_text(item.get("title"), f"{where}.title"),
                year=year,
                total=None if total is None else _points(total, f"{where}.total"),
                returned=_optional_date(item.get("returned"), f"{where}.returned"),
            )
        )
    return EvaluationRecord(
        failed=tuple(failed), overdue_follow_ups=_overdue(record.get("overdue_follow_ups", []))
    )


def _overdue(value: object) -> tuple[OverdueFollowUp, ...]:
    where = "unit_record.overdue_follow_ups"
    if _is_int(value):  # a count, the rounds unnamed
        if not 0 <= value <= MAX_OVERDUE_COUNT:
            raise PlanError(f"{where} {value} is not a number of follow-ups")
        return (OverdueFollowUp(),) * value
    if not isinstance(value, list):
        raise PlanError(f"{where} must be a number or a list")
    overdue = []
    for i, raw in enumerate(value):
        item = _object(raw, f"{where}[{i}]")
        overdue.append(
            OverdueFollowUp(
                title=_text(item.get("title"), f"{where}[{i}].title"),
                due_on=_optional_date(item.get("due_on"), f"{where}[{i}].due_on"),
            )
        )
    return tuple(overdue)


def _points(value: object, where: str) -> Decimal:
    points = _amount(value, where)
    if points > 100:
        raise PlanError(f"{where} {value!r} is not a total of 0 to 100 points")
    return points


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _amount(value: object, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise PlanError(f"{where} must be a number")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise PlanError(f"{where} {value!r} is not a number") from None
    if not amount.is_finite() or amount < 0:
        raise PlanError(f"{where} must be a non-negative number")
    return amount


def _currency(value: object, where: str) -> str:
    if not (isinstance(value, str) and len(value) == 3 and value.isascii() and value.isalpha()):
        raise PlanError(f"{where} {value!r} is not an ISO 4217 currency code such as CNY or EUR")
    return value.upper()


def _date(value: object, where: str) -> dt.date:
    # fromisoformat alone would also take "20260301"; the plan format is YYYY-MM-DD.
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise PlanError(f"{where} {value!r} is not a date (YYYY-MM-DD)")


def _optional_date(value: object, where: str) -> dt.date | None:
    return None if value is None else _date(value, where)


def _choice(value: object, allowed: tuple[str, ...], where: str) -> str:
    if value not in allowed:
        raise PlanError(f"{where} {value!r} is not one of: {', '.join(allowed)}")
    return value  # type: ignore[return-value]


def _bool(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise PlanError(f"{where} must be true or false")
    return value


def _text(value: object, where: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise PlanError(f"{where} must be text")
    return value.strip()


def _list(value: object, where: str) -> list:
    if not isinstance(value, list):
        raise PlanError(f"{where} must be a list")
    return value


def _object(value: object, where: str) -> dict:
    if not isinstance(value, dict):
        raise PlanError(f"{where} must be an object")
    return value
