"""A stored delegation as the policy engine's plan (the `waishi policy check` JSON of
ARCHITECTURE.md), checked with what only the database knows: each member's earlier trips, unit
leaders' trips for the 6-month same-country rule, passports, the organising unit's evaluation
record (failed evaluations, overdue follow-ups), the active rule set and tables.

The rule set and exchange rates in force come from waishi.policy.selectors when it offers
`active_ruleset()` / `active_exchange_rates()`; until then the shipped defaults are used.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from waishi.delegations.models import (
    Delegation,
    DelegationMember,
    InvitationKind,
    ItineraryStop,
    Status,
)
from waishi.evaluation.record import unit_record
from waishi.people.models import Passport
from waishi.policy import selectors as policy_selectors
from waishi.policy.engine import (
    CheckResult,
    EvaluationRecord,
    LeaderTrip,
    PlanError,
    RuleSet,
    check,
    parse_plan,
)
from waishi.policy.engine.ruleset import default_ruleset

# Trips that happened or are approved to happen: they count for frequency and leader rules.
TRAVEL_STATUSES = (
    Status.APPROVED,
    Status.ABROAD,
    Status.RETURNED_HOME,
    Status.REPORT_FILED,
    Status.EVALUATED,
    Status.ARCHIVED,
)
PASSPORT_KINDS = {
    Passport.Kind.DIPLOMATIC: "diplomatic",
    Passport.Kind.SERVICE: "service",
    Passport.Kind.OFFICIAL_ORDINARY: "official",
    Passport.Kind.PRIVATE: "private",
}
# The engine judges frequency within its window (two years by default); a longer look back
# changes nothing but costs rows.
TRIPS_LOOKBACK_DAYS = 3 * 366
LEADER_WINDOW_DAYS = 366
RECORD_KIND = "evaluation_record"


def active_ruleset():
    provider = getattr(policy_selectors, "active_ruleset", None)
    return provider() if provider else default_ruleset()


def active_rates():
    provider = getattr(policy_selectors, "active_exchange_rates", None)
    return provider() if provider else None


def _members(delegation: Delegation) -> list[DelegationMember]:
    return list(
        delegation.members.select_related("person", "unit")
        .prefetch_related("person__passports")
        .order_by("order", "id")
    )


def _passport(member: DelegationMember) -> dict | None:
    """The passport the member would travel on: an official one if any, the latest expiring."""
    usable = [
        p
        for p in member.person.passports.all()
        if p.custody not in (Passport.Custody.LOST, Passport.Custody.CANCELLED)
    ]
    if not usable:
        return None
    best = max(usable, key=lambda p: (p.is_official, p.expires_on))
    return {"kind": PASSPORT_KINDS[best.kind], "expires": best.expires_on.isoformat()}


def _earlier_trips(delegation: Delegation, person_ids: list[int]) -> dict[int, list[str]]:
    since = delegation.leave_china - dt.timedelta(days=TRIPS_LOOKBACK_DAYS)
    rows = (
        DelegationMember.objects.filter(
            person_id__in=person_ids,
            delegation__status__in=TRAVEL_STATUSES,
            delegation__leave_china__gte=since,
            delegation__leave_china__lt=delegation.leave_china,
        )
        .exclude(delegation_id=delegation.pk)
        .values_list("person_id", "delegation__leave_china")
    )
    trips: dict[int, list[str]] = {}
    for person_id, leave in rows:
        trips.setdefault(person_id, []).append(leave.isoformat())
    return trips


def _leader_trips(delegation: Delegation, members) -> list[LeaderTrip]:
    unit_ids = {m.unit_id for m in members if m.unit_leader}
    if not unit_ids:
        return []
    window = dt.timedelta(days=LEADER_WINDOW_DAYS)
    rows = list(
        DelegationMember.objects.filter(
            unit_leader=True,
            unit_id__in=unit_ids,
            delegation__status__in=TRAVEL_STATUSES,
            delegation__leave_china__range=(
                delegation.leave_china - window,
                delegation.leave_china + window,
            ),
        )
        .exclude(delegation_id=delegation.pk)
        .values_list("delegation_id", "unit__name", "person__name", "delegation__leave_china")
    )
    countries: dict[int, set[str]] = {}
    stops = ItineraryStop.objects.filter(
        delegation_id__in={row[0] for row in rows}, airside_transit=False
    )
    for delegation_id, country in stops.values_list("delegation_id", "country"):
        countries.setdefault(delegation_id, set()).add(str(country))
    return [
        LeaderTrip(unit=unit, name=name, country=country, leave_china=leave)
        for delegation_id, unit, name, leave in rows
        for country in sorted(countries.get(delegation_id, ()))
    ]


def evaluation_record(unit, ruleset: RuleSet, on: dt.date) -> EvaluationRecord | None:
    """The organising unit's evaluation record as of `on` (the application's date), over the
    longest window of the rule set's evaluation record rules; None, with no query, when the rule
    set has no such rule or the unit is not chosen yet."""
    windows = [rule.parameters["window_months"] for rule in ruleset.by_kind.get(RECORD_KIND, ())]
    if unit is None or not windows:
        return None
    return unit_record(unit, today=on, window_months=max(windows)).for_policy()


def plan_for(delegation: Delegation, members=None, submitted_on: dt.date | None = None) -> dict:
    """The delegation in the plan format of `waishi policy check`."""
    members = _members(delegation) if members is None else members
    trips = _earlier_trips(delegation, [m.person_id for m in members])
    budget = list(delegation.budget_items.order_by("order", "id"))
    schedule = list(delegation.schedule.order_by("date", "order", "id"))
    invitation = None
    if delegation.invitation_kind != InvitationKind.NONE:
        invitation = {"from": delegation.invitation_from, "kind": delegation.invitation_kind}
    return {
        "title": delegation.title,
        "organising_unit": delegation.organising_unit.name,
        "trip_type": delegation.trip_type,
        "submitted_on": (submitted_on or timezone.localdate()).isoformat(),
        "stops": [
            {
                "country": str(stop.country),
                "city": stop.city,
                "arrive": stop.arrive.isoformat(),
                "depart": stop.depart.isoformat(),
                "airside_transit": stop.airside_transit,
            }
            for stop in delegation.stops.order_by("order")
        ],
        "leave_china": delegation.leave_china.isoformat(),
        "return_china": delegation.return_china.isoformat(),
        "members": [_member(member, trips.get(member.person_id, [])) for member in members],
        "invitation": invitation,
        "host_provides": list(delegation.host_provides),
        "schedule": [
            {"date": e.date.isoformat(), "activity": e.activity, "kind": e.kind} for e in schedule
        ]
        or None,
        "budget": {
            "items": [
                {"kind": item.kind, "amount": str(item.amount), "currency": item.currency}
                for item in budget
            ]
        }
        if budget
        else None,
    }


def _member(member: DelegationMember, trips: list[str]) -> dict:
    return {
        "name": member.person.name,
        "unit": member.unit.name,
        "position": member.position,
        "rank": member.rank,
        "unit_leader": member.unit_leader,
        "retired": member.retired,
        "academic": member.academic,
        "trips": sorted(trips),
        "passport": _passport(member),
    }


def policy_check(delegation: Delegation, *, submitted_on: dt.date | None = None) -> CheckResult:
    """The delegation checked against the active rule set, priced with the active table."""
    members = _members(delegation)
    on = submitted_on or timezone.localdate()
    plan_dict = plan_for(delegation, members, on)
    try:
        plan = parse_plan(plan_dict)
    except PlanError as exc:  # validation keeps stored applications parseable; say so if not
        raise ValidationError(str(exc)) from exc
    ruleset = active_ruleset()
    return check(
        plan,
        ruleset,
        table=policy_selectors.active_per_diem_table(),
        rates=active_rates(),
        leader_trips=_leader_trips(delegation, members),
        unit_record=evaluation_record(delegation.organising_unit, ruleset, on),
    )


def findings_snapshot(result: CheckResult) -> dict:
    """What an event keeps of a check: the findings, what was not checked, and the budget."""
    data = result.as_dict()
    return {key: data[key] for key in ("compliant", "findings", "not_checked", "budget")}


def unjustified_warnings(result: CheckResult, justified: set[str]) -> list:
    return [f for f in result.findings if f.severity == "warn" and f.rule not in justified]


def blocking(result: CheckResult) -> list:
    return [f for f in result.findings if f.severity == "block"]
