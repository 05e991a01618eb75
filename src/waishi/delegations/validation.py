"""Input checks of an application, before anything is written.

`clean_application(data)` takes the fields of delegation_create/update (Python values, or the
strings a form or the API sends) and returns them cleaned, or raises one ValidationError that
lists every problem by field, in the user's language. It judges whether the application makes
sense (dates, countries, duplicates); whether it complies with policy is the policy engine's job.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from waishi.delegations.models import (
    BudgetKind,
    HostProvides,
    InvitationKind,
    MemberRole,
    ScheduleKind,
    TripType,
)
from waishi.people.models import Person
from waishi.policy.engine.plan import country_codes

# ISO 4217 currencies in circulation (the codes an invoice can carry).
_ISO_4217_CODES = """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP
    BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL
    GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW
    KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN
    NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK
    SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS
    VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWG"""
ISO_4217 = frozenset(_ISO_4217_CODES.split())
MAX_AMOUNT = Decimal("999999999999.99")


@dataclass
class Cleaned:
    fields: dict = field(default_factory=dict)  # plain columns of Delegation
    objectives: list[str] | None = None
    members: list[dict] | None = None
    stops: list[dict] | None = None
    budget: list[dict] | None = None
    schedule: list[dict] | None = None


class Errors:
    def __init__(self):
        self.by_field: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.by_field.setdefault(name, []).append(message)

    def raise_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


def _date(value, name: str, errors: Errors, label: str) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    errors.add(name, _("%(label)s is not a valid date (YYYY-MM-DD).") % {"label": label})
    return None


def _choice(value, choices, name: str, errors: Errors, label: str):
    if value in choices.values:
        return value
    errors.add(name, _("Choose a valid %(label)s.") % {"label": label})
    return None


def clean_application(data: dict) -> Cleaned:
    """Clean a complete application (create, or an update merged onto the stored one)."""
    errors, cleaned = Errors(), Cleaned()
    _clean_fields(data, cleaned, errors)
    leave, back = cleaned.fields.get("leave_china"), cleaned.fields.get("return_china")
    cleaned.objectives = [str(text).strip() for text in data["objectives"] if str(text).strip()]
    cleaned.members = _members(data["members"], errors)
    cleaned.stops = _stops(data["stops"], leave, back, errors)
    cleaned.budget = _budget(data["budget"], errors)
    cleaned.schedule = _schedule(data["schedule"], leave, back, errors)
    errors.raise_any()
    return cleaned


def _clean_fields(data: dict, cleaned: Cleaned, errors: Errors) -> None:
    out = cleaned.fields
    out["title"] = str(data.get("title") or "").strip()
    if not out["title"]:
        errors.add("title", _("Enter a title for the delegation."))
    elif len(out["title"]) > 200:
        errors.add("title", _("The title is too long (200 characters at most)."))
    out["purpose"] = str(data.get("purpose") or "").strip()
    out["trip_type"] = _choice(data.get("trip_type"), TripType, "trip_type", errors, _("trip type"))
    out["invitation_kind"] = _choice(
        data.get("invitation_kind") or InvitationKind.NONE,
        InvitationKind,
        "invitation_kind",
        errors,
        _("kind of inviter"),
    )
    out["invitation_from"] = str(data.get("invitation_from") or "").strip()[:200]
    out["host_provides"] = _host_provides(data.get("host_provides") or [], errors)
    leave = _date(data.get("leave_china"), "leave_china", errors, _("The day of leaving China"))
    back = _date(data.get("return_china"), "return_china", errors, _("The day of returning"))
    if leave and back and back < leave:
        errors.add(
            "return_china",
            _("The return to China (%(back)s) is before leaving China (%(leave)s).")
            % {"back": back, "leave": leave},
        )
        back = None
    out["leave_china"], out["return_china"] = leave, back


def _host_provides(values, errors: Errors) -> list[str]:
    if not isinstance(values, list | tuple | set | frozenset):
        values = [values]
    chosen = []
    for value in values:
        if value not in HostProvides.values:
            errors.add("host_provides", _("Choose what the host provides from the list."))
        elif value not in chosen:
            chosen.append(value)
    return chosen


def _members(items, errors: Errors) -> list[dict]:
    items = list(items or [])
    if not items:
        errors.add("members", _("A delegation needs at least one member."))
        return []
    people = _people(items)
    members, seen, leaders = [], set(), 0
    for number, item in enumerate(items, start=1):
        person = people.get(_person_key(item.get("person")))
        if person is None:
            errors.add("members", _("Member %(n)s: choose a person.") % {"n": number})
            continue
        if person.pk in seen:
            errors.add(
                "members",
                _("%(name)s is listed twice; each person can be in a delegation once.")
                % {"name": person.name},
            )
            continue
        seen.add(person.pk)
        role = item.get("role_in_delegation") or MemberRole.MEMBER
        if role not in MemberRole.values:
            errors.add("members", _("Member %(n)s: choose a valid role.") % {"n": number})
            continue
        leaders += role == MemberRole.LEADER
        members.append(
            {
                "person": person,
                "role_in_delegation": role,
                "unit_leader": bool(item.get("unit_leader", False)),
                "academic": bool(item.get("academic", False)),
            }
        )
    if leaders > 1:
        errors.add("members", _("A delegation has one leader; %(n)s are marked.") % {"n": leaders})
    return members


def _person_key(value):
    if isinstance(value, Person):
        return value.pk
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _people(items) -> dict[int, Person]:
    given = {item.get("person") for item in items if isinstance(item.get("person"), Person)}
    known = {person.pk: person for person in given}
    ids = {_person_key(item.get("person")) for item in items} - set(known) - {None}
    known.update(Person.objects.select_related("unit").in_bulk(ids))
    return known


def _stops(items, leave, back, errors: Errors) -> list[dict]:
    items = list(items or [])
    if not items:
        errors.add("stops", _("The itinerary needs at least one stop abroad."))
        return []
    stops = []
    for number, item in enumerate(items, start=1):
        stop = _stop(item, number, errors)
        if stop is None:
            continue
        if leave and back and (stop["arrive"] < leave or stop["depart"] > back):
            errors.add(
                "stops",
                _("Stop %(n)s (%(city)s) lies outside the trip, %(leave)s to %(back)s.")
                % {
                    "n": number,
                    "city": stop["city"] or stop["country"],
                    "leave": leave,
                    "back": back,
                },
            )
        if stops and stop["arrive"] < stops[-1]["depart"]:
            errors.add(
                "stops",
                _("Stop %(n)s arrives %(arrive)s, before the stop before it departs (%(depart)s):")
                % {"n": number, "arrive": stop["arrive"], "depart": stops[-1]["depart"]}
                + " "
                + _("stops overlap or are out of order."),
            )
        stops.append(stop)
    return stops


def _stop(item: dict, number: int, errors: Errors) -> dict | None:
    code = str(item.get("country") or "").strip().upper()
    city = str(item.get("city") or "").strip()[:100]
    where = {"n": number, "city": city or code}
    problems = len(errors.by_field.get("stops", []))
    if code == "CN" or code not in country_codes():
        errors.add(
            "stops", _("Stop %(n)s: “%(code)s” is not a country abroad.") % {**where, "code": code}
        )
    label = _("Stop %(n)s (%(city)s)") % where
    arrive = _date(item.get("arrive"), "stops", errors, label + " " + _("arrival"))
    depart = _date(item.get("depart"), "stops", errors, label + " " + _("departure"))
    if arrive and depart and depart < arrive:
        errors.add(
            "stops",
            _("Stop %(n)s (%(city)s) departs %(depart)s, before it arrives %(arrive)s.")
            % {**where, "depart": depart, "arrive": arrive},
        )
    if len(errors.by_field.get("stops", [])) > problems:
        return None
    return {
        "country": code,
        "city": city,
        "arrive": arrive,
        "depart": depart,
        "airside_transit": bool(item.get("airside_transit", False)),
    }


def _budget(items, errors: Errors) -> list[dict]:
    budget = []
    for number, item in enumerate(items or [], start=1):
        kind = item.get("kind")
        if kind not in BudgetKind.values:
            errors.add("budget", _("Budget item %(n)s: choose a valid item.") % {"n": number})
            continue
        try:
            amount = Decimal(str(item.get("amount"))).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            amount = None
        if amount is None or not amount.is_finite() or not 0 <= amount <= MAX_AMOUNT:
            errors.add(
                "budget", _("Budget item %(n)s: enter an amount of 0 or more.") % {"n": number}
            )
            continue
        currency = str(item.get("currency") or "CNY").strip().upper()
        if currency not in ISO_4217:
            errors.add(
                "budget",
                _("Budget item %(n)s: “%(code)s” is not a currency code such as CNY or EUR.")
                % {"n": number, "code": currency},
            )
            continue
        source = str(item.get("funding_source") or "").strip()[:200]
        budget.append(
            {"kind": kind, "amount": amount, "currency": currency, "funding_source": source}
        )
    return budget


def _schedule(items, leave, back, errors: Errors) -> list[dict]:
    schedule = []
    for number, item in enumerate(items or [], start=1):
        label = _("Schedule entry %(n)s") % {"n": number}
        day = _date(item.get("date"), "schedule", errors, label)
        kind = item.get("kind")
        if kind not in ScheduleKind.values:
            errors.add("schedule", _("%(label)s: choose a valid kind.") % {"label": label})
            continue
        if day is None:
            continue
        if leave and back and not leave <= day <= back:
            errors.add(
                "schedule",
                _("%(label)s (%(day)s) lies outside the trip.") % {"label": label, "day": day},
            )
            continue
        activity = str(item.get("activity") or "").strip()[:300]
        schedule.append({"date": day, "activity": activity, "kind": kind})
    return schedule
