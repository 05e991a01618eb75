"""Administrators list, create, edit, deactivate user accounts and set passwords, audited."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.factories import UnitFactory, UserFactory, grant
from waishi.core import services
from waishi.core.models import ApiToken, AuditEvent, User
from waishi.core.roles import Role
from waishi.core.tokens import api_token_create

GOOD_PASSWORD = "harbour-lantern-1987"


@pytest.fixture(autouse=True)
def _language_restored():
    # A request in English leaves English active in this thread; later tests expect the default.
    yield
    translation.deactivate()


def english_client(user) -> Client:
    # English pages: the assertions do not depend on the zh-Hans catalogue.
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def signs_in(username: str, password: str) -> bool:
    response = Client().post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def listed(client, **filters) -> set:
    html = client.get(reverse("core:users"), filters).content.decode()
    table = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return {name for name in ("admin", "liaison", "outsider", "inspector") if f">{name}<" in table}


def test_a_liaison_may_not_open_the_user_administration_pages(liaison, outsider):
    client = english_client(liaison)
    assert client.get(reverse("core:users")).status_code == 403
    assert client.get(reverse("core:user_detail", args=[outsider.pk])).status_code == 403
    response = client.post(reverse("core:user_set_active", args=[outsider.pk]), {"is_active": "0"})
    assert response.status_code == 403
    outsider.refresh_from_db()
    assert outsider.is_active


def test_the_list_searches_and_filters_by_unit_role_and_status(
    admin_user, liaison, outsider, inspector, commerce
):
    client = english_client(admin_user)
    assert listed(client) == {"admin", "liaison", "outsider", "inspector"}
    assert listed(client, q="outs") == {"outsider"}
    assert listed(client, unit=commerce.pk) == {"liaison"}
    assert listed(client, role="inspector") == {"inspector"}
    services.user_set_active(actor=admin_user, user=outsider, is_active=False)
    assert listed(client, active="no") == {"outsider"}
    assert "outsider" not in listed(client, active="yes")


def test_a_district_administrator_sees_only_the_accounts_of_the_district(city, liaison):
    district = UnitFactory(code="D1", name="一区", parent=city)
    local = UserFactory(username="local", unit=district)
    admin = grant(UserFactory(username="d-admin", unit=district), Role.ADMINISTRATOR, district)
    client = english_client(admin)
    assert client.get(reverse("core:user_detail", args=[local.pk])).status_code == 200
    assert client.get(reverse("core:user_detail", args=[liaison.pk])).status_code == 404
    assert client.post(reverse("core:user_set_active", args=[liaison.pk])).status_code == 404


def test_the_detail_shows_roles_tokens_and_last_sign_in_but_no_secret(admin_user, liaison):
    _token, secret = api_token_create(actor=liaison, user=liaison, name="统计脚本")
    html = english_client(admin_user).get(reverse("core:user_detail", args=[liaison.pk]))
    html = html.content.decode()
    assert "统计脚本" in html and secret[:12] in html
    assert secret not in html
    assert f"{reverse('core:roles')}?user=liaison" in html
    assert "never" in html  # the liaison has not signed in yet


def test_an_account_is_created_with_a_password_that_passes_the_validators(admin_user, commerce):
    response = english_client(admin_user).post(
        reverse("core:user_create"),
        {
            "username": "zhao",
            "full_name": "赵敏",
            "unit": commerce.pk,
            "email": "zhao@example.gov.cn",
            "password_choice": "now",
            "password1": GOOD_PASSWORD,
            "password2": GOOD_PASSWORD,
        },
    )
    zhao = User.objects.get(username="zhao")
    assert response["Location"] == reverse("core:user_detail", args=[zhao.pk])
    assert signs_in("zhao", GOOD_PASSWORD)
    event = AuditEvent.objects.get(action="user.create")
    assert event.actor_name == "admin"
    assert GOOD_PASSWORD not in json.dumps(event.changes)


def test_a_weak_password_is_refused_beside_the_password_field(admin_user, commerce):
    response = english_client(admin_user).post(
        reverse("core:user_create"),
        {
            "username": "zhao",
            "full_name": "赵敏",
            "unit": commerce.pk,
            "password_choice": "now",
            "password1": "12345678",
            "password2": "12345678",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "This password is too short." in html
    assert not User.objects.filter(username="zhao").exists()


def test_an_account_whose_password_is_set_later_cannot_sign_in(admin_user, commerce):
    english_client(admin_user).post(
        reverse("core:user_create"),
        {"username": "qian", "full_name": "钱多", "unit": commerce.pk, "password_choice": "later"},
    )
    assert not User.objects.get(username="qian").has_usable_password()


def test_an_edit_changes_name_unit_and_email_and_is_audited(
    admin_user, liaison, commerce, education
):
    response = english_client(admin_user).post(
        reverse("core:user_edit", args=[liaison.pk]),
        {"full_name": "李新", "unit": education.pk, "email": "li@example.gov.cn"},
    )
    assert response.status_code == 302
    liaison.refresh_from_db()
    assert (liaison.full_name, liaison.unit, liaison.email) == (
        "李新",
        education,
        "li@example.gov.cn",
    )
    event = AuditEvent.objects.get(action="user.update")
    assert event.changes["unit"] == [commerce.pk, education.pk]
    assert set(event.changes) == {"full_name", "unit", "email"}


def test_a_deactivated_user_cannot_sign_in_and_the_change_is_audited(admin_user, liaison):
    assert signs_in("liaison", "correct-horse-battery")
    english_client(admin_user).post(
        reverse("core:user_set_active", args=[liaison.pk]), {"is_active": "0"}
    )
    assert not signs_in("liaison", "correct-horse-battery")
    assert AuditEvent.objects.filter(action="user.deactivate", object_id=str(liaison.pk)).exists()
    english_client(admin_user).post(
        reverse("core:user_set_active", args=[liaison.pk]), {"is_active": "1"}
    )
    assert signs_in("liaison", "correct-horse-battery")


def test_a_deactivated_users_open_session_ends(admin_user, liaison):
    client = english_client(liaison)
    assert client.get(reverse("core:dashboard")).status_code == 200
    services.user_set_active(actor=admin_user, user=liaison, is_active=False)
    assert client.get(reverse("core:dashboard")).status_code == 302


def test_an_administrator_cannot_deactivate_their_own_account(admin_user, city):
    grant(UserFactory(username="admin2"), Role.ADMINISTRATOR, city)
    response = english_client(admin_user).post(
        reverse("core:user_set_active", args=[admin_user.pk]), {"is_active": "0"}, follow=True
    )
    assert "You cannot deactivate your own account." in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.is_active


def test_the_last_active_administrator_cannot_be_deactivated(admin_user, city):
    with (
        translation.override("en"),
        pytest.raises(ValidationError, match="At least one administrator must remain"),
    ):
        services.user_set_active(actor=None, user=admin_user, is_active=False)
    other = grant(UserFactory(username="admin2"), Role.ADMINISTRATOR, city)
    services.user_set_active(actor=admin_user, user=other, is_active=False)
    with pytest.raises(ValidationError):
        services.user_set_active(actor=None, user=admin_user, is_active=False)
    assert not AuditEvent.objects.filter(object_id=str(admin_user.pk)).exists()


def test_a_new_password_is_hashed_and_never_written_to_the_audit_log(admin_user, liaison):
    response = english_client(admin_user).post(
        reverse("core:user_password", args=[liaison.pk]),
        {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD},
    )
    assert response.status_code == 302
    liaison.refresh_from_db()
    assert liaison.check_password(GOOD_PASSWORD)
    assert GOOD_PASSWORD not in liaison.password
    event = AuditEvent.objects.get(action="user.set_password")
    stored = json.dumps([event.changes, event.reason, event.object_repr], ensure_ascii=False)
    assert GOOD_PASSWORD not in stored and liaison.password not in stored
    assert signs_in("liaison", GOOD_PASSWORD)


def test_mismatched_passwords_are_refused_and_the_old_one_still_works(admin_user, liaison):
    response = english_client(admin_user).post(
        reverse("core:user_password", args=[liaison.pk]),
        {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD + "x"},
    )
    assert "The two passwords differ." in response.content.decode()
    assert signs_in("liaison", "correct-horse-battery")


def test_an_administrator_revokes_another_users_token_from_their_page(admin_user, liaison):
    token, secret = api_token_create(actor=liaison, user=liaison, name="laptop")
    response = english_client(admin_user).post(
        reverse("core:user_token_revoke", args=[liaison.pk, token.pk])
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    event = AuditEvent.objects.get(action="api_token.revoke")
    assert event.actor_name == "admin"
    api = Client().get("/api/v1/units/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.status_code == 401


def test_a_token_is_revoked_only_through_its_owners_page(admin_user, liaison, outsider):
    token, _secret = api_token_create(actor=liaison, user=liaison, name="laptop")
    url = reverse("core:user_token_revoke", args=[outsider.pk, token.pk])
    assert english_client(admin_user).post(url).status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_the_users_page_is_in_the_navigation_of_administrators_only(admin_user, liaison):
    link = f'href="{reverse("core:users")}"'
    assert link in english_client(admin_user).get(reverse("core:dashboard")).content.decode()
    assert link not in english_client(liaison).get(reverse("core:dashboard")).content.decode()
