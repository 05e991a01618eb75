"""Reads of the trip pages: what the hub page shows for one delegation, the spending against
the budget, deviations in words, and the units blocked for overdue items."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django_countries import countries

from waishi.core.models import Unit
from waishi.core.roles import Role
from waishi.delegations import rules_trip, workflow
from waishi.delegations.models import Delegation, Status
from waishi.delegations.models_trip import (
    AttachmentKind,
    PassportCheckout,
    PostTripDisclosure,
    PreTripDisclosure,
    ReturnRegistration,
    TripReport,
    UnitBlockLift,
)
from waishi.people.models import Passport

S = Status


def _country(code: str) -> str:
    return str(dict(countries).get(code, code))


def deviation_text(item: dict) -> str:
    kind = item["kind"]
    values = {**item, "country": _country(item.get("country", ""))}
    texts = {
        "extra_country": _("Visited %(country)s, which was not approved."),
        "missing_country": _("Did not visit %(country)s, which was approved."),
        "more_days": _("%(actual)s days abroad; %(approved)s were approved."),
        "left_early": _("Left China on %(actual)s; the approved day was %(approved)s."),
        "returned_late": _("Returned on %(actual)s; the approved day was %(approved)s."),
        "longer_stay": _("%(actual)s nights in %(country)s; %(approved)s were approved."),
    }
    return texts.get(kind, kind) % values


@dataclass
class MemberRow:
    member: object
    passports: list = field(default_factory=list)
    open_checkout: PassportCheckout | None = None
    checkouts: list = field(default_factory=list)
    visas: list = field(default_factory=list)
    briefed_on: dt.date | None = None


def member_rows(delegation: Delegation) -> list[MemberRow]:
    """One row per member: their passports (official first), checkouts, visas, briefing."""
    members = list(delegation.members.all())
    people = [m.person_id for m in members]
    rows = {m.person_id: MemberRow(member=m) for m in members}
    for passport in Passport.objects.filter(person_id__in=people).order_by("-expires_on"):
        rows[passport.person_id].passports.append(passport)
    for row in rows.values():
        row.passports.sort(key=lambda p: not p.is_official)
    checkouts = delegation.passport_checkouts.select_related(
        "passport", "checked_out_by", "checked_in_by"
    )
    for checkout in checkouts:
        row = rows.get(checkout.person_id)
        if row is None:
            continue
        row.checkouts.append(checkout)
        if checkout.is_out:
            row.open_checkout = checkout
    for visa in delegation.visas.all():
        if visa.person_id in rows:
            rows[visa.person_id].visas.append(visa)
    for attendance in delegation.briefing_attendance.all():
        if attendance.person_id in rows:
            rows[attendance.person_id].briefed_on = attendance.attended_on
    return list(rows.values())


def spending_rows(delegation: Delegation, report: TripReport | None) -> list[dict]:
    """Budget against actual spending per item and currency, with the difference."""
    budget: dict[tuple, Decimal] = defaultdict(Decimal)
    actual: dict[tuple, Decimal] = defaultdict(Decimal)
    for item in delegation.budget_items.all():
        budget[(item.kind, item.currency)] += item.amount
    if report is not None:
        for item in report.spending.all():
            actual[(item.kind, item.currency)] += item.amount
    labels = dict(delegation.budget_items.model._meta.get_field("kind").choices)
    rows = []
    for key in sorted(set(budget) | set(actual)):
        planned, spent = budget.get(key), actual.get(key)
        rows.append(
            {
                "code": key[0],
                "kind": labels.get(key[0], key[0]),
                "currency": key[1],
                "budget": planned,
                "actual": spent,
                "difference": (spent or 0) - (planned or 0) if spent is not None else None,
                "over": spent is not None and spent > (planned or 0),
            }
        )
    return rows


def deadline_rows(delegation: Delegation, today: dt.date, *, disclosed: bool) -> list[dict]:
    if delegation.returned_at is None or delegation.status not in rules_trip.RETURNED_STATES:
        return []
    due = rules_trip.trip_deadlines(delegation.returned_at)
    still_out = delegation.passport_checkouts.filter(checked_in_at__isnull=True).exists()
    done = {
        "passport_return": not still_out,
        "trip_report": delegation.status != S.RETURNED_HOME,
        "post_trip_disclosure": disclosed,
    }
    return [
        {
            "kind": kind,
            "label": rules_trip.ITEM_LABELS[kind],
            "due": day,
            "done": done[kind],
            "overdue": not done[kind] and today > day,
        }
        for kind, day in due.items()
    ]


def hub(delegation: Delegation, user, today: dt.date) -> dict:
    """Everything the trip page shows for `delegation` (already scoped to `user`)."""
    unit = delegation.organising_unit
    disclosure = PreTripDisclosure.objects.filter(delegation=delegation).first()
    registration = ReturnRegistration.objects.filter(delegation=delegation).first()
    post = PostTripDisclosure.objects.filter(delegation=delegation).first()
    report = TripReport.objects.filter(delegation=delegation).first()
    before_approval = delegation.status in (S.DRAFT, S.SUBMITTED, S.HEAD_SIGNED, S.RETURNED)
    return {
        "delegation": delegation,
        "today": today,
        "disclosure": disclosure,
        "disclosure_problem": rules_trip.disclosure_problem(delegation, today)
        if before_approval
        else None,
        "members": member_rows(delegation),
        "passport_due": rules_trip.passport_due(delegation),
        "registration": registration,
        "return_stops": list(registration.stops.all()) if registration else [],
        "deviations": [deviation_text(d) for d in registration.deviations] if registration else [],
        "post_disclosure": post,
        "report": report,
        "spending": spending_rows(delegation, report),
        "photos": delegation.attachments.filter(kind=AttachmentKind.PHOTO),
        "deadlines": deadline_rows(delegation, today, disclosed=post is not None),
        "blocked_items": rules_trip.unit_blocked(unit, today),
        "lift": rules_trip.active_lift(unit, today),
        "stage": {
            "disclose": before_approval or delegation.status == S.APPROVED,
            "register_return": delegation.status in (S.APPROVED, S.ABROAD, S.RETURNED_HOME),
            "photos": delegation.status in (S.ABROAD, S.RETURNED_HOME),
            "visas": delegation.status in (S.APPROVED, S.ABROAD),
        },
        "may_liaise": workflow.covers(user, unit, (Role.LIAISON,)),
        "may_keep_passports": workflow.covers(user, unit, (Role.PASSPORT_OFFICER,)),
        "may_record_visas": workflow.covers(user, unit, (Role.LIAISON, Role.PASSPORT_OFFICER)),
    }


def blocked_units(today: dt.date) -> list[dict]:
    """Units with items overdue beyond the grace, each with its items and any lift in force."""
    by_unit: dict[int, list] = defaultdict(list)
    for item in rules_trip.overdue_items(today):
        by_unit[item.unit_id].append(item)
    units = Unit.objects.in_bulk(list(by_unit))
    lifts = {}
    for lift in UnitBlockLift.objects.filter(unit_id__in=list(by_unit), until__gte=today).order_by(
        "until"
    ):
        lifts[lift.unit_id] = lift
    rows = [
        {"unit": units[unit_id], "items": items, "lift": lifts.get(unit_id)}
        for unit_id, items in by_unit.items()
    ]
    return sorted(rows, key=lambda row: row["unit"].path)


def recent_lifts(limit: int = 20):
    return UnitBlockLift.objects.select_related("unit", "lifted_by").order_by("-lifted_at")[:limit]
