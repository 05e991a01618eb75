import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from tests.conftest import client_for
from tests.factories import UserFactory, grant
from waishi.core.access import has_role
from waishi.core.models import AuditEvent, RoleAssignment
from waishi.core.roles import Role


@pytest.fixture
def wang(commerce):
    return UserFactory(username="wang", full_name="王芳", unit=commerce)


def roles(*args):
    out = StringIO()
    call_command("grant_role", *args, stdout=out)
    return out.getvalue().splitlines()


def held(user):
    return set(RoleAssignment.objects.filter(user=user).values_list("role", "unit__code"))


# --- the command ----------------------------------------------------------------------------


def test_granting_a_role_gives_it_over_the_unit_and_its_sub_units(wang, commerce_office):
    assert roles("wang", "liaison", "SWJ") == ["granted: wang · liaison · SWJ (with sub-units)"]
    assignment = RoleAssignment.objects.get(user=wang)
    assert (assignment.role, assignment.include_subtree) == (Role.LIAISON, True)
    event = AuditEvent.objects.get(action="role.grant")
    assert event.changes["unit"] == "SWJ"


def test_granting_again_changes_nothing_and_writes_no_audit_event(wang):
    roles("wang", "liaison", "SWJ")
    events = AuditEvent.objects.count()
    assert roles("wang", "liaison", "SWJ") == ["unchanged: wang · liaison · SWJ (with sub-units)"]
    assert AuditEvent.objects.count() == events
    assert RoleAssignment.objects.filter(user=wang).count() == 1


def test_no_subtree_narrows_an_existing_grant_to_the_unit_itself(wang):
    roles("wang", "liaison", "SWJ")
    assert roles("wang", "liaison", "SWJ", "--no-subtree") == [
        "granted: wang · liaison · SWJ (this unit only)"
    ]
    assert RoleAssignment.objects.get(user=wang).include_subtree is False
    assert AuditEvent.objects.filter(action="role.grant").last().changes["include_subtree"] == [
        True,
        False,
    ]


def test_revoking_removes_the_role_once_and_is_audited(wang):
    roles("wang", "liaison", "SWJ")
    assert roles("wang", "liaison", "SWJ", "--revoke") == ["revoked: wang · liaison · SWJ"]
    assert roles("wang", "liaison", "SWJ", "--revoke") == ["not held: wang · liaison · SWJ"]
    assert held(wang) == set()
    assert AuditEvent.objects.filter(action="role.revoke").count() == 1


def test_the_last_administrator_cannot_be_revoked(admin_user):
    # Commands speak the installation's language (zh-Hans by default).
    with pytest.raises(CommandError, match="至少须保留一名系统管理员"):
        roles("admin", "administrator", "CITY", "--revoke")
    assert held(admin_user) == {("administrator", "CITY")}


def write_roles_file(tmp_path, entries):
    path = tmp_path / "roles.json"
    path.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_a_roles_file_is_applied_and_reapplying_it_changes_nothing(tmp_path, wang, education):
    UserFactory(username="li")
    path = write_roles_file(
        tmp_path,
        [
            {"user": "wang", "role": "liaison", "unit": "SWJ"},
            {"user": "wang", "role": "unit_head", "unit": "SWJ", "subtree": False},
            {"user": "li", "role": "reviewer", "unit": "CITY"},
        ],
    )
    first = roles("--file", path)
    assert first[-1] == "3 changed, 0 unchanged"
    assert held(wang) == {("liaison", "SWJ"), ("unit_head", "SWJ")}
    events = AuditEvent.objects.count()
    assert roles("--file", path)[-1] == "0 changed, 3 unchanged"
    assert AuditEvent.objects.count() == events


def test_a_roles_file_with_one_bad_entry_changes_nothing(tmp_path, wang):
    path = write_roles_file(
        tmp_path,
        [
            {"user": "wang", "role": "liaison", "unit": "SWJ"},
            {"user": "wang", "role": "liaison", "unit": "NOPE"},
        ],
    )
    with pytest.raises(CommandError, match="entry 2: unknown unit code 'NOPE'"):
        roles("--file", path)
    assert held(wang) == set()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nobody", "liaison", "SWJ"], "unknown user 'nobody'"),
        (["wang", "chief", "SWJ"], "unknown role 'chief' (one of: liaison, unit_head"),
        (["wang", "liaison", "XYZ"], "unknown unit code 'XYZ'"),
        (["wang", "liaison"], "give USER ROLE UNIT_CODE, or --file FILE"),
        (["wang", "liaison", "SWJ", "--file", "roles.json"], "not both"),
        (["--file", "/nonexistent/roles.json"], "cannot read /nonexistent/roles.json"),
    ],
)
def test_bad_input_is_one_clear_line_and_a_non_zero_exit(wang, args, message):
    with pytest.raises(CommandError) as error:
        roles(*args)
    assert message in str(error.value)
    assert "\n" not in str(error.value)
    assert error.value.returncode == 2
    assert held(wang) == set()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON"),
        ('{"user": "wang"}', "expected a list"),
        ('[{"user": "wang", "role": "liaison"}]', "entry 1: missing unit"),
        ('[{"user": "wang", "role": "liaison", "unit": "SWJ", "subtre": false}]', "unknown subtre"),
        ('[{"user": "wang", "role": "liaison", "unit": "SWJ", "subtree": "no"}]', "true or false"),
    ],
)
def test_a_malformed_roles_file_is_refused_with_the_reason(tmp_path, wang, content, message):
    path = tmp_path / "roles.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        roles("--file", str(path))


# --- the page -------------------------------------------------------------------------------


def test_the_roles_page_is_forbidden_to_a_liaison(liaison):
    client = client_for(liaison)
    assert client.get(reverse("core:roles")).status_code == 403
    assignment = RoleAssignment.objects.get(user=liaison)
    assert client.post(reverse("core:role_revoke", args=[assignment.pk])).status_code == 403
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def listed(client, **filters):
    """The usernames in the table of assignments (not the grant form's choices)."""
    page = client.get(reverse("core:roles"), filters).content.decode()
    if "<table" not in page:
        return set()
    table = page.split("<table", 1)[1].split("</table>", 1)[0]
    return {name for name in ("admin", "liaison", "outsider") if f">{name}<" in table}


def test_an_administrator_sees_every_assignment_and_can_filter_them(admin_user, liaison, outsider):
    client = client_for(admin_user)
    assert listed(client) == {"admin", "liaison", "outsider"}
    assert listed(client, unit=liaison.unit.pk) == {"liaison"}
    assert listed(client, unit=admin_user.unit.pk) == {"admin", "liaison", "outsider"}
    assert listed(client, role="administrator") == {"admin"}
    assert listed(client, user="outs") == {"outsider"}
    assert listed(client, user="nobody-like-this") == set()


def test_a_grant_through_the_page_takes_effect_and_is_audited(admin_user, wang, commerce):
    response = client_for(admin_user).post(
        reverse("core:roles"),
        {"user": wang.pk, "role": "passport_officer", "unit": commerce.pk, "include_subtree": "on"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("core:roles")
    assert "王芳" in response.content.decode()
    wang.refresh_from_db()
    assert has_role(wang, Role.PASSPORT_OFFICER)
    event = AuditEvent.objects.get(action="role.grant")
    assert (event.actor_name, event.changes["role"], event.changes["user"]) == (
        "admin",
        "passport_officer",
        "wang",
    )


def test_a_grant_form_with_a_missing_unit_shows_the_error_beside_the_field(admin_user, wang):
    response = client_for(admin_user).post(
        reverse("core:roles"), {"user": wang.pk, "role": "liaison"}
    )
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert not RoleAssignment.objects.filter(user=wang).exists()


def test_revoking_through_the_page_removes_the_role_and_is_audited(admin_user, liaison):
    assignment = RoleAssignment.objects.get(user=liaison)
    response = client_for(admin_user).post(reverse("core:role_revoke", args=[assignment.pk]))
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    event = AuditEvent.objects.get(action="role.revoke")
    assert (event.actor_name, event.changes["user"]) == ("admin", "liaison")


def test_revoking_is_post_only(admin_user, liaison):
    assignment = RoleAssignment.objects.get(user=liaison)
    url = reverse("core:role_revoke", args=[assignment.pk])
    assert client_for(admin_user).get(url).status_code == 405
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_an_administrator_cannot_revoke_the_last_administrator_through_the_page(admin_user):
    assignment = RoleAssignment.objects.get(user=admin_user)
    response = client_for(admin_user).post(
        reverse("core:role_revoke", args=[assignment.pk]), follow=True
    )
    assert "至少须保留一名系统管理员。" in response.content.decode()
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_a_second_administrator_may_be_revoked(admin_user, city):
    other = grant(UserFactory(username="admin2"), Role.ADMINISTRATOR, city)
    assignment = RoleAssignment.objects.get(user=other)
    client_for(admin_user).post(reverse("core:role_revoke", args=[assignment.pk]))
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
