"""Writes of the trip itself. Each is atomic, locks the delegation (or the record two people
could touch at once), checks the actor's role on the organising unit, and writes its audit event
in the same transaction.

    disclosure_record        pre-trip disclosure (liaison)
    passport_checkout        issue an official passport from custody (passport officer)
    passport_checkin         take it back into custody (passport officer)
    visa_record / visa_delete, briefing_record   (liaison)
    return_register          回国登记 with actual dates; flags deviations; schedules reminders
    post_disclosure_record   post-trip disclosure (liaison)
    unit_block_lift          let a blocked unit submit again, with a reason (FAO approver)

The trip report's writes are in services_report.py. The gates on workflow actions
(`disclosure_problem`, `unit_blocked`, `transition_problem`) live in rules_trip.py and are
re-exported here.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from waishi.core.audit import audit_record
from waishi.core.roles import Role
from waishi.delegations import jobs_trip, workflow
from waishi.delegations.models import Delegation, Status
from waishi.delegations.models_trip import (
    PostTripDisclosure,
    PreTripDisclosure,
    ReturnRegistration,
    ReturnStop,
    UnitBlockLift,
)
from waishi.delegations.rules_trip import (
    RETURNED_STATES,
    deviations,
    disclosure_problem,
    overdue_items,
    transition_problem,
    unit_block_problem,
    unit_blocked,
)
from waishi.delegations.workflow import Action, ConflictError, InvalidTransition

__all__ = [
    "ConflictError",
    "briefing_record",
    "disclosure_problem",
    "disclosure_record",
    "passport_checkin",
    "passport_checkout",
    "post_disclosure_record",
    "return_register",
    "transition_problem",
    "unit_block_lift",
    "unit_block_problem",
    "unit_blocked",
    "visa_delete",
    "visa_record",
]

S = Status
LIAISONS = (Role.LIAISON,)
LIFTERS = (Role.APPROVER,)
BEFORE_DEPARTURE = (S.DRAFT, S.SUBMITTED, S.HEAD_SIGNED, S.RETURNED, S.APPROVED)
MAX_LIFT_DAYS = 90


# --- shared checks -----------------------------------------------------------------------------


def locked(delegation: Delegation) -> Delegation:
    return (
        Delegation.objects.select_for_update()
        .select_related("organising_unit")
        .get(pk=delegation.pk)
    )


def require_role(actor, delegation: Delegation, roles, message: str) -> None:
    if not workflow.covers(actor, delegation.organising_unit, roles):
        raise PermissionDenied(message)


def require_status(delegation: Delegation, statuses, message: str) -> None:
    if delegation.status not in statuses:
        raise InvalidTransition(message % {"status": delegation.get_status_display()})


def require_member(delegation: Delegation, person) -> None:
    if not delegation.members.filter(person=person).exists():
        raise ValidationError(
            {"person": _("%(person)s is not a member of this delegation.") % {"person": person}}
        )


def not_in_future(day: dt.date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})


def audit_trip(actor, action: str, obj, delegation: Delegation, changes: dict, reason: str = ""):
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        unit_id=delegation.organising_unit_id,
        changes={"delegation": delegation.pk, **changes},
        reason=reason,
    )


# --- before the trip ---------------------------------------------------------------------------


@transaction.atomic
def disclosure_record(
    *,
    actor,
    delegation: Delegation,
    where: str,
    posted_on: dt.date,
    taken_down_on: dt.date | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> PreTripDisclosure:
    """Record (or correct) where and when the pre-trip disclosure was posted. Correcting needs
    the version the user read (ConflictError otherwise)."""
    delegation = locked(delegation)
    require_role(actor, delegation, LIAISONS, _("Only the unit's liaison records disclosures."))
    require_status(
        delegation,
        BEFORE_DEPARTURE,
        _("A delegation that is “%(status)s” no longer takes a pre-trip disclosure."),
    )
    where = (where or "").strip()
    if not where:
        raise ValidationError({"where": _("Say where the disclosure was posted.")})
    not_in_future(posted_on, "posted_on")
    if taken_down_on is not None and taken_down_on < posted_on:
        raise ValidationError(
            {"taken_down_on": _("It cannot have been taken down before it was posted.")}
        )
    record = PreTripDisclosure.objects.filter(delegation=delegation).first()
    if record is not None and expected_version not in (None, record.version):
        raise ConflictError
    before = _disclosure_view(record) if record else {}
    record = record or PreTripDisclosure(delegation=delegation, version=0)
    record.where, record.posted_on, record.taken_down_on = where, posted_on, taken_down_on
    record.note = (note or "").strip()
    record.recorded_by, record.recorded_at = actor, timezone.now()
    record.version += 1
    record.save()
    audit_trip(
        actor,
        "delegation.disclosure",
        record,
        delegation,
        {"before": before, "after": _disclosure_view(record)},
    )
    return record


def _disclosure_view(record: PreTripDisclosure) -> dict:
    return {
        "where": record.where,
        "posted_on": str(record.posted_on),
        "taken_down_on": str(record.taken_down_on or ""),
    }


# --- after the trip ----------------------------------------------------------------------------


def _clean_stops(stops, left: dt.date, returned: dt.date) -> list[dict]:
    if not stops:
        raise ValidationError({"stops": _("List at least one stop as travelled.")})
    cleaned = []
    for number, stop in enumerate(stops, start=1):
        code = str(stop.get("country") or "").upper()
        arrive, depart = stop.get("arrive"), stop.get("depart")
        problem = None
        if code not in dict(countries):
            problem = _("Stop %(n)s: choose a country or region from the list.")
        elif not arrive or not depart or depart < arrive:
            problem = _(
                "Stop %(n)s: give arrival and departure dates, departure not before arrival."
            )
        elif arrive < left or depart > returned:
            problem = _("Stop %(n)s lies outside the dates abroad.")
        if problem:
            raise ValidationError({"stops": problem % {"n": number}})
        cleaned.append(
            {
                "country": code,
                "city": (stop.get("city") or "").strip()[:100],
                "arrive": arrive,
                "depart": depart,
            }
        )
    return cleaned


@transaction.atomic
def return_register(
    *,
    actor,
    delegation: Delegation,
    expected_version: int,
    left_china_on: dt.date,
    returned_on: dt.date,
    stops: list[dict],
    note: str = "",
) -> ReturnRegistration:
    """回国登记: the trip as travelled. On an approved or abroad delegation this also takes the
    workflow's depart / register_return actions; on a returned one it corrects the record.

    Side effects: deviations from the approved itinerary are worked out and stored, the
    delegation's actual dates are set, the post-trip reminders are enqueued."""
    from waishi.delegations.services import delegation_transition  # services import this module

    delegation = locked(delegation)
    if delegation.version != expected_version:
        raise ConflictError
    require_role(actor, delegation, LIAISONS, _("Only the unit's liaison registers the return."))
    require_status(
        delegation,
        (S.APPROVED, S.ABROAD, S.RETURNED_HOME),
        _("A delegation that is “%(status)s” cannot register a return."),
    )
    not_in_future(returned_on, "returned_on")
    if returned_on < left_china_on:
        raise ValidationError({"returned_on": _("The return cannot be before the departure.")})
    cleaned = _clean_stops(stops, left_china_on, returned_on)
    for action, day in ((Action.DEPART, left_china_on), (Action.REGISTER_RETURN, returned_on)):
        if delegation.status in workflow.TRANSITIONS[action].sources:
            delegation = delegation_transition(
                actor=actor,
                delegation=delegation,
                action=action,
                expected_version=delegation.version,
                on=day,
            )
    delegation.departed_on, delegation.returned_at = left_china_on, returned_on
    delegation.version += 1
    delegation.save()
    registration = _write_registration(actor, delegation, left_china_on, returned_on, cleaned, note)
    jobs_trip.enqueue_trip_reminders(delegation)
    return registration


def _write_registration(actor, delegation, left, returned, stops, note) -> ReturnRegistration:
    registration, _created = ReturnRegistration.objects.get_or_create(
        delegation=delegation,
        defaults={
            "left_china_on": left,
            "returned_on": returned,
            "registered_at": timezone.now(),
            "version": 0,
        },
    )
    registration.left_china_on, registration.returned_on = left, returned
    registration.note = (note or "").strip()
    registration.deviations = deviations(delegation, left, returned, stops)
    registration.registered_by, registration.registered_at = actor, timezone.now()
    registration.version += 1
    registration.save()
    registration.stops.all().delete()
    ReturnStop.objects.bulk_create(
        ReturnStop(registration=registration, order=i, **stop) for i, stop in enumerate(stops)
    )
    audit_trip(
        actor,
        "delegation.return_registration",
        registration,
        delegation,
        {
            "left_china_on": str(left),
            "returned_on": str(returned),
            "stops": [[s["country"], str(s["arrive"]), str(s["depart"])] for s in stops],
            "deviations": [d["kind"] for d in registration.deviations],
        },
    )
    return registration


@transaction.atomic
def post_disclosure_record(
    *, actor, delegation: Delegation, where: str, posted_on: dt.date, note: str = ""
) -> PostTripDisclosure:
    """Record the post-trip disclosure (出访后公开); due within a month of the return."""
    delegation = locked(delegation)
    require_role(actor, delegation, LIAISONS, _("Only the unit's liaison records disclosures."))
    require_status(
        delegation, RETURNED_STATES, _("A delegation that is “%(status)s” has not returned yet.")
    )
    where = (where or "").strip()
    if not where:
        raise ValidationError({"where": _("Say where the disclosure was published.")})
    not_in_future(posted_on, "posted_on")
    if delegation.returned_at and posted_on < delegation.returned_at:
        raise ValidationError(
            {"posted_on": _("A post-trip disclosure cannot be published before the return.")}
        )
    record, created = PostTripDisclosure.objects.update_or_create(
        delegation=delegation,
        defaults={
            "where": where,
            "posted_on": posted_on,
            "note": (note or "").strip(),
            "recorded_by": actor,
            "recorded_at": timezone.now(),
        },
    )
    audit_trip(
        actor,
        "delegation.post_disclosure",
        record,
        delegation,
        {"where": where, "posted_on": str(posted_on), "created": created},
    )
    return record


# --- escalation ------------------------------------------------------------------------------


@transaction.atomic
def unit_block_lift(*, actor, unit, reason: str, until: dt.date) -> UnitBlockLift:
    """Let a unit with overdue items submit again until `until` (FAO approver, with a reason).
    The items overdue at that moment are kept with the lift."""
    if not workflow.covers(actor, unit, LIFTERS):
        raise PermissionDenied(_("Only an FAO approver may lift a unit's block."))
    reason = (reason or "").strip()
    today = timezone.localdate()
    errors = {}
    if not reason:
        errors["reason"] = _("Give the reason for lifting the block.")
    if until < today or until > today + dt.timedelta(days=MAX_LIFT_DAYS):
        errors["until"] = _("Lift the block until a day from today to %(days)s days ahead.") % {
            "days": MAX_LIFT_DAYS
        }
    if errors:
        raise ValidationError(errors)
    items = [item.as_json() for item in overdue_items(today, unit=unit)]
    lift = UnitBlockLift.objects.create(
        unit=unit,
        lifted_by=actor,
        reason=reason,
        items=items,
        lifted_at=timezone.now(),
        until=until,
    )
    audit_record(
        actor=actor,
        action="unit.block_lift",
        obj=lift,
        unit_id=unit.pk,
        changes={"until": str(until), "items": items},
        reason=reason,
    )
    return lift


# The pre-trip writes live in their own module; they use the helpers above.
from waishi.delegations.services_pretrip import (  # noqa: E402
    briefing_record,
    passport_checkin,
    passport_checkout,
    visa_delete,
    visa_record,
)
