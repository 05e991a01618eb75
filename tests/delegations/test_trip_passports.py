"""Passports out of custody for an approved trip and back within 7 days."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.delegations.trip_support import TripKit, english  # noqa: F401
from tests.factories import PassportFactory, PersonFactory
from waishi.core.models import AuditEvent
from waishi.delegations.models_trip import PassportCheckout
from waishi.delegations.rules_trip import overdue_items, passport_due
from waishi.delegations.services_trip import (
    ConflictError,
    InvalidTransition,
    passport_checkin,
    passport_checkout,
)
from waishi.people.models import Passport


@pytest.fixture
def kit(make_delegation, act, liaison, city):
    return TripKit(make_delegation, act, liaison, city)


def first_member(delegation):
    person = delegation.members.select_related("person").first().person
    return person, person.passports.get()


def refusal(delegation, officer, person, passport) -> str:
    with pytest.raises(ValidationError) as refused:
        passport_checkout(actor=officer, delegation=delegation, person=person, passport=passport)
    return " ".join(refused.value.messages)


def test_the_officer_issues_an_official_passport_and_its_custody_follows(kit):
    delegation = kit.approved()
    person, passport = first_member(delegation)
    checkout = passport_checkout(
        actor=kit.officer, delegation=delegation, person=person, passport=passport
    )
    passport.refresh_from_db()
    assert passport.custody == Passport.Custody.CHECKED_OUT
    assert checkout.checked_out_by == kit.officer and checkout.is_out
    assert AuditEvent.objects.filter(action="delegation.passport_out").exists()
    assert AuditEvent.objects.filter(action="passport.custody").exists()


def test_a_private_passport_is_refused(kit):
    delegation = kit.approved()
    person, _official = first_member(delegation)
    private = PassportFactory(person=person, kind=Passport.Kind.PRIVATE)
    assert "private passport" in refusal(delegation, kit.officer, person, private)


def test_a_passport_expiring_within_six_months_of_the_return_is_refused(kit):
    delegation = kit.approved()
    person, passport = first_member(delegation)
    Passport.objects.filter(pk=passport.pk).update(
        expires_on=delegation.return_china + dt.timedelta(days=150)
    )
    passport.refresh_from_db()
    message = refusal(delegation, kit.officer, person, passport)
    assert "must be valid until at least" in message and "6 months after the return" in message


def test_a_member_cannot_have_two_passports_out_for_one_trip(kit):
    delegation = kit.approved()
    person, passport = first_member(delegation)
    passport_checkout(actor=kit.officer, delegation=delegation, person=person, passport=passport)
    second = PassportFactory(person=person, kind=Passport.Kind.SERVICE)
    assert "already has a passport out" in refusal(delegation, kit.officer, person, second)


def test_a_passport_not_in_custody_or_of_a_non_member_is_refused(kit, commerce):
    delegation = kit.approved()
    person, passport = first_member(delegation)
    Passport.objects.filter(pk=passport.pk).update(custody=Passport.Custody.LOST)
    passport.refresh_from_db()
    assert "not in custody" in refusal(delegation, kit.officer, person, passport)
    stranger = PersonFactory(unit=commerce)
    foreign = PassportFactory(person=stranger)
    assert "not a member" in refusal(delegation, kit.officer, stranger, foreign)


def test_passports_are_issued_only_for_approved_trips_and_only_by_passport_officers(
    make_delegation, kit, liaison
):
    draft = make_delegation()
    person, passport = first_member(draft)
    with pytest.raises(InvalidTransition):
        passport_checkout(actor=kit.officer, delegation=draft, person=person, passport=passport)
    delegation = kit.approved()
    person, passport = first_member(delegation)
    with pytest.raises(PermissionDenied):
        passport_checkout(actor=liaison, delegation=delegation, person=person, passport=passport)


def test_checkin_puts_the_passport_back_and_a_second_checkin_is_a_conflict(kit):
    delegation = kit.approved()
    person, passport = first_member(delegation)
    checkout = passport_checkout(
        actor=kit.officer, delegation=delegation, person=person, passport=passport
    )
    passport_checkin(actor=kit.officer, checkout=checkout)
    passport.refresh_from_db()
    checkout.refresh_from_db()
    assert passport.custody == Passport.Custody.IN_CUSTODY and not checkout.is_out
    with pytest.raises(ConflictError):
        passport_checkin(actor=kit.officer, checkout=checkout)


def test_a_passport_is_due_back_seven_days_after_the_actual_return(kit, commerce):
    delegation = kit.returned(days_ago=40)
    assert passport_due(delegation) == delegation.returned_at + dt.timedelta(days=7)
    person, passport = first_member(delegation)
    PassportCheckout.objects.create(
        delegation=delegation,
        person=person,
        passport=passport,
        checked_out_at=timezone.now() - dt.timedelta(days=50),
    )
    today = timezone.localdate()
    late = [i for i in overdue_items(today, unit=commerce, grace=0) if i.kind == "passport_return"]
    assert [(i.person, i.days_overdue) for i in late] == [(person.name, 33)]
    # 33 days late is beyond the default 30 days of grace: the unit is blocked for it.
    assert any(i.kind == "passport_return" for i in overdue_items(today, unit=commerce))
