import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.people.conftest import INVALID_CHECKSUM_ID, WANG_ID, ZHANG_ID
from waishi.core.audit import audit_verify
from waishi.core.models import AuditEvent
from waishi.people import services
from waishi.people.models import Passport, Person, Rank


def events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def test_liaison_registers_a_person_whose_passport_spelling_is_computed_from_the_name(
    liaison, commerce
):
    person = services.person_create(actor=liaison, name="吕晓梅", unit=commerce)
    assert (person.surname_pinyin, person.given_pinyin) == ("LYU", "XIAOMEI")
    assert person.passport_name == "LYU XIAOMEI"


def test_a_spelling_given_by_the_liaison_wins_over_the_computed_one(liaison, commerce):
    person = services.person_create(
        actor=liaison, name="单立新", unit=commerce, surname_pinyin="shan", given_pinyin="li xin"
    )
    assert person.passport_name == "SHAN LI XIN"


def test_an_id_number_with_a_wrong_check_character_is_refused(liaison, commerce):
    with pytest.raises(ValidationError) as caught:
        services.person_create(
            actor=liaison, name="张伟", unit=commerce, id_number=INVALID_CHECKSUM_ID
        )
    assert "id_number" in caught.value.error_dict
    assert not Person.objects.exists()


def test_an_id_number_of_the_wrong_length_is_refused(liaison, commerce):
    with pytest.raises(ValidationError) as caught:
        services.person_create(actor=liaison, name="张伟", unit=commerce, id_number="1234567")
    assert "18" in caught.value.error_dict["id_number"][0].message % {"count": 7}


def test_the_same_id_number_cannot_be_registered_twice(liaison, commerce, zhang):
    with pytest.raises(ValidationError) as caught:
        services.person_create(actor=liaison, name="张伟伟", unit=commerce, id_number=ZHANG_ID)
    assert "id_number" in caught.value.error_dict


def test_a_lowercase_x_is_stored_as_the_upper_case_check_character(liaison, commerce):
    person = services.person_create(
        actor=liaison, name="张伟", unit=commerce, id_number=ZHANG_ID.lower()
    )
    assert Person.objects.get(pk=person.pk).id_number == ZHANG_ID


def test_a_liaison_of_another_unit_cannot_register_people_here(outsider, commerce):
    with pytest.raises(PermissionDenied):
        services.person_create(actor=outsider, name="张伟", unit=commerce)


def test_an_inspector_only_reads_and_cannot_register_people(inspector, commerce):
    with pytest.raises(PermissionDenied):
        services.person_create(actor=inspector, name="张伟", unit=commerce)


def test_an_administrator_registers_people_in_any_unit(admin_user, education):
    assert services.person_create(actor=admin_user, name="王芳", unit=education).pk


def test_an_update_bumps_the_version_and_is_audited_with_before_and_after(liaison, zhang):
    updated = services.person_update(
        actor=liaison,
        person=zhang,
        expected_version=zhang.version,
        position="副局长",
        rank=Rank.BUREAU,
    )
    assert updated.version == zhang.version + 1
    [event] = events("person.update")
    assert event.changes["rank"] == ["county", "bureau"]
    assert event.changes["position"] == ["处长", "副局长"]


def test_the_second_of_two_editors_gets_a_conflict_instead_of_overwriting(liaison, zhang):
    loaded_version = zhang.version
    services.person_update(
        actor=liaison, person=zhang, expected_version=loaded_version, position="副局长"
    )
    with pytest.raises(services.ConflictError, match="重新加载"):
        services.person_update(
            actor=liaison, person=zhang, expected_version=loaded_version, position="局长"
        )
    assert Person.objects.get(pk=zhang.pk).position == "副局长"


def test_moving_a_person_to_a_unit_the_liaison_does_not_cover_is_refused(liaison, zhang, education):
    with pytest.raises(PermissionDenied):
        services.person_update(
            actor=liaison, person=zhang, expected_version=zhang.version, unit=education
        )


def test_replacing_the_id_number_with_one_already_registered_is_refused(liaison, zhang, teacher):
    with pytest.raises(ValidationError):
        services.person_update(
            actor=liaison, person=zhang, expected_version=zhang.version, id_number=WANG_ID
        )


def test_a_passport_is_registered_in_custody_and_audited_masked(liaison, zhang):
    passport = services.passport_add(
        actor=liaison,
        person=zhang,
        kind=Passport.Kind.SERVICE,
        number="se 7654321",
        issued_on=date(2020, 5, 1),
        expires_on=date(2030, 5, 1),
    )
    assert passport.custody == Passport.Custody.IN_CUSTODY
    assert Passport.objects.get(pk=passport.pk).number == "SE7654321"
    [event] = events("passport.add")
    assert event.changes["number"] == "S*****321"


def test_a_passport_number_cannot_be_registered_twice(liaison, zhang, zhang_passport):
    with pytest.raises(ValidationError) as caught:
        services.passport_add(
            actor=liaison,
            person=zhang,
            kind=zhang_passport.kind,
            number="SE1234567",
            expires_on=date(2031, 1, 1),
        )
    assert "number" in caught.value.error_dict


def test_a_passport_cannot_expire_before_it_was_issued(liaison, zhang):
    with pytest.raises(ValidationError) as caught:
        services.passport_add(
            actor=liaison,
            person=zhang,
            kind=Passport.Kind.PRIVATE,
            number="E12345678",
            issued_on=date(2024, 1, 1),
            expires_on=date(2023, 1, 1),
        )
    assert "expires_on" in caught.value.error_dict


def test_only_passport_officers_move_passports_in_and_out_of_custody(
    liaison, passport_officer, zhang_passport
):
    with pytest.raises(PermissionDenied):
        services.passport_set_custody(
            actor=liaison, passport=zhang_passport, custody=Passport.Custody.CHECKED_OUT
        )
    moved = services.passport_set_custody(
        actor=passport_officer,
        passport=zhang_passport,
        custody=Passport.Custody.CHECKED_OUT,
        reason="出访德国",
    )
    assert moved.custody == Passport.Custody.CHECKED_OUT
    [event] = events("passport.custody")
    assert event.changes["custody"] == ["in_custody", "checked_out"]
    assert event.reason == "出访德国"


def test_a_cancelled_passport_cannot_come_back_into_custody(passport_officer, zhang_passport):
    services.passport_set_custody(
        actor=passport_officer, passport=zhang_passport, custody=Passport.Custody.CANCELLED
    )
    with pytest.raises(ValidationError):
        services.passport_set_custody(
            actor=passport_officer, passport=zhang_passport, custody=Passport.Custody.IN_CUSTODY
        )


def test_a_custody_change_on_a_stale_version_is_a_conflict(passport_officer, zhang_passport):
    stale = zhang_passport.version
    services.passport_set_custody(
        actor=passport_officer,
        passport=zhang_passport,
        custody=Passport.Custody.CHECKED_OUT,
        expected_version=stale,
    )
    with pytest.raises(services.ConflictError):
        services.passport_set_custody(
            actor=passport_officer,
            passport=zhang_passport,
            custody=Passport.Custody.LOST,
            expected_version=stale,
        )


def test_every_service_call_writes_one_audit_event_without_a_plaintext_number(
    liaison, passport_officer, commerce
):
    person = services.person_create(actor=liaison, name="张伟", unit=commerce, id_number=ZHANG_ID)
    services.person_update(actor=liaison, person=person, expected_version=1, id_number=WANG_ID)
    passport = services.passport_add(
        actor=liaison,
        person=person,
        kind=Passport.Kind.SERVICE,
        number="SE7654321",
        expires_on=date.today() + timedelta(900),
    )
    services.passport_set_custody(
        actor=passport_officer, passport=passport, custody=Passport.Custody.CHECKED_OUT
    )
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
    assert actions == ["person.create", "person.update", "passport.add", "passport.custody"]
    everything = json.dumps(
        list(AuditEvent.objects.values("changes", "object_repr", "reason")), ensure_ascii=False
    )
    for secret in (ZHANG_ID, WANG_ID, "SE7654321", ZHANG_ID[6:14]):
        assert secret not in everything
    assert audit_verify().ok


def test_an_administrator_links_a_person_to_an_account_once_and_it_is_audited(admin_user, commerce):
    from tests.factories import PersonFactory, UserFactory
    from waishi.core.models import AuditEvent
    from waishi.people.services import person_link_account

    person, other = PersonFactory(unit=commerce), PersonFactory(unit=commerce)
    account = UserFactory()
    person_link_account(actor=admin_user, person=person, user=account)
    person.refresh_from_db()
    assert person.user == account
    assert AuditEvent.objects.filter(action="person.link_account").count() == 1
    with pytest.raises(ValidationError):
        person_link_account(actor=admin_user, person=other, user=account)


def test_a_liaison_may_not_link_accounts(liaison, commerce):
    from tests.factories import PersonFactory
    from waishi.people.services import person_link_account

    with pytest.raises(PermissionDenied):
        person_link_account(actor=liaison, person=PersonFactory(unit=commerce), user=liaison)
