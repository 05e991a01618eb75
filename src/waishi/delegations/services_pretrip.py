"""Writes about passports, visas and the briefing before the trip (re-exported by
services_trip). Passports go out and back through people.services.passport_set_custody, so
the passport's custody state and its audit trail stay the people app's.

    passport_checkout   issue an official passport from custody (passport officer)
    passport_checkin    take it back into custody (passport officer)
    visa_record / visa_delete   (liaison or passport officer)
    briefing_record     pre-departure briefing attendance (liaison)
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from waishi.core.roles import Role
from waishi.delegations.models import Delegation, Status
from waishi.delegations.models_trip import (
    BriefingAttendance,
    PassportCheckout,
    Visa,
    VisaEntries,
    VisaKind,
)
from waishi.delegations.rules_trip import passport_problem
from waishi.delegations.services_trip import (
    LIAISONS,
    audit_trip,
    locked,
    not_in_future,
    require_member,
    require_role,
    require_status,
)
from waishi.delegations.workflow import ConflictError
from waishi.people.models import Passport
from waishi.people.services import passport_set_custody

S = Status
PASSPORT_KEEPERS = (Role.PASSPORT_OFFICER,)
VISA_WRITERS = (Role.LIAISON, Role.PASSPORT_OFFICER)


@transaction.atomic
def passport_checkout(*, actor, delegation: Delegation, person, passport: Passport):
    """Issue `passport` from custody to member `person` for this approved trip.

    Refused: a private passport, one not in custody, one expiring less than 6 months after the
    planned return, a member who already has a passport out for this trip. Side effect: the
    passport's custody becomes "checked out" (people.services.passport_set_custody)."""
    delegation = locked(delegation)
    require_role(
        actor, delegation, PASSPORT_KEEPERS, _("Only a passport officer issues passports.")
    )
    require_status(
        delegation, (S.APPROVED,), _("Passports are issued for approved trips, not “%(status)s”.")
    )
    require_member(delegation, person)
    passport = Passport.objects.select_for_update().get(pk=passport.pk)
    if passport.person_id != person.pk:
        raise ValidationError({"passport": _("This passport belongs to someone else.")})
    out = PassportCheckout.objects.filter(
        delegation=delegation, person=person, checked_in_at__isnull=True
    )
    if out.exists():
        raise ValidationError(
            {
                "passport": _("%(person)s already has a passport out for this trip.")
                % {"person": person}
            }
        )
    problem = passport_problem(passport, delegation)
    if problem:
        raise ValidationError({"passport": problem})
    reason = delegation.approval_number or delegation.title
    passport_set_custody(
        actor=actor, passport=passport, custody=Passport.Custody.CHECKED_OUT, reason=reason
    )
    try:
        with transaction.atomic():
            checkout = PassportCheckout.objects.create(
                delegation=delegation,
                person=person,
                passport=passport,
                checked_out_at=timezone.now(),
                checked_out_by=actor,
            )
    except IntegrityError as exc:  # another officer won the race
        raise ConflictError(_("This passport was just issued by someone else.")) from exc
    audit_trip(
        actor,
        "delegation.passport_out",
        checkout,
        delegation,
        {"person": person.pk, "passport": passport.number_masked},
    )
    return checkout


@transaction.atomic
def passport_checkin(*, actor, checkout: PassportCheckout) -> PassportCheckout:
    """Take a checked-out passport back into custody."""
    checkout = (
        PassportCheckout.objects.select_for_update()
        .select_related("delegation__organising_unit", "passport")
        .get(pk=checkout.pk)
    )
    delegation = checkout.delegation
    require_role(
        actor, delegation, PASSPORT_KEEPERS, _("Only a passport officer takes passports in.")
    )
    if checkout.checked_in_at is not None:
        raise ConflictError(_("This passport is already back in custody."))
    passport_set_custody(
        actor=actor,
        passport=checkout.passport,
        custody=Passport.Custody.IN_CUSTODY,
        reason=delegation.approval_number or delegation.title,
    )
    checkout.checked_in_at, checkout.checked_in_by = timezone.now(), actor
    checkout.save(update_fields=["checked_in_at", "checked_in_by"])
    audit_trip(
        actor,
        "delegation.passport_in",
        checkout,
        delegation,
        {"person": checkout.person_id, "passport": checkout.passport.number_masked},
    )
    return checkout


@transaction.atomic
def visa_record(
    *,
    actor,
    delegation: Delegation,
    person,
    country: str,
    kind: str,
    number: str = "",
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    entries: str = VisaEntries.SINGLE,
) -> Visa:
    delegation = locked(delegation)
    require_role(actor, delegation, VISA_WRITERS, _("You may not record visas of this unit."))
    require_status(
        delegation,
        (S.APPROVED, S.ABROAD),
        _("Visas are recorded for approved trips, not “%(status)s”."),
    )
    require_member(delegation, person)
    errors = {}
    if str(country).upper() not in dict(countries):
        errors["country"] = _("Choose a country or region from the list.")
    if kind not in VisaKind.values:
        errors["kind"] = _("Choose a kind of visa from the list.")
    if entries not in VisaEntries.values:
        errors["entries"] = _("Choose the number of entries from the list.")
    if valid_from and valid_to and valid_to < valid_from:
        errors["valid_to"] = _("A visa cannot end before it starts.")
    if errors:
        raise ValidationError(errors)
    visa = Visa.objects.create(
        delegation=delegation,
        person=person,
        country=str(country).upper(),
        kind=kind,
        number=(number or "").strip(),
        valid_from=valid_from,
        valid_to=valid_to,
        entries=entries,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    audit_trip(
        actor,
        "delegation.visa",
        visa,
        delegation,
        {
            "person": person.pk,
            "country": visa.country.code,
            "kind": kind,
            "number": visa.number,
            "valid_from": str(valid_from or ""),
            "valid_to": str(valid_to or ""),
        },
    )
    return visa


@transaction.atomic
def visa_delete(*, actor, visa: Visa) -> None:
    visa = Visa.objects.select_related("delegation__organising_unit").get(pk=visa.pk)
    delegation = locked(visa.delegation)
    require_role(actor, delegation, VISA_WRITERS, _("You may not change visas of this unit."))
    audit_trip(
        actor,
        "delegation.visa_delete",
        visa,
        delegation,
        {"person": visa.person_id, "country": visa.country.code, "number": visa.number},
    )
    visa.delete()


@transaction.atomic
def briefing_record(*, actor, delegation: Delegation, person, attended_on: dt.date):
    """Record that `person` attended the pre-departure briefing (once per person and trip)."""
    delegation = locked(delegation)
    require_role(actor, delegation, LIAISONS, _("Only the unit's liaison records the briefing."))
    require_status(
        delegation,
        (S.APPROVED,),
        _("The briefing is recorded for approved trips, not “%(status)s”."),
    )
    require_member(delegation, person)
    not_in_future(attended_on, "attended_on")
    attendance, created = BriefingAttendance.objects.update_or_create(
        delegation=delegation,
        person=person,
        defaults={"attended_on": attended_on, "recorded_by": actor, "recorded_at": timezone.now()},
    )
    audit_trip(
        actor,
        "delegation.briefing",
        attendance,
        delegation,
        {"person": person.pk, "attended_on": str(attended_on), "created": created},
    )
    return attendance
