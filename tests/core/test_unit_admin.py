"""Administrators create, edit, move, deactivate and reactivate units through pages, audited."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.factories import UnitFactory, UserFactory, grant
from waishi.core import services
from waishi.core.models import AuditEvent, Unit
from waishi.core.roles import Role
from waishi.core.selectors import units_for_user


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


def edit_data(unit, **changes):
    data = {
        "name": unit.name,
        "name_en": unit.name_en,
        "kind": unit.kind,
        "fingerprint": services.unit_fingerprint(unit),
    }
    return {**data, **changes}


@pytest.fixture
def tree(city):
    """city → district A → bureau X → office Y, and district B."""
    a = UnitFactory(code="DA", name="甲区", parent=city, kind=Unit.Kind.DISTRICT)
    x = UnitFactory(code="DA-X", name="甲区商务局", parent=a)
    y = UnitFactory(code="DA-X-Y", name="甲区商务局外事科", parent=x, kind=Unit.Kind.SUBUNIT)
    b = UnitFactory(code="DB", name="乙区", parent=city, kind=Unit.Kind.DISTRICT)
    return {"a": a, "x": x, "y": y, "b": b}


@pytest.fixture
def district_admin(tree):
    return grant(UserFactory(username="admin-a", unit=tree["a"]), Role.ADMINISTRATOR, tree["a"])


def test_a_liaison_may_not_open_the_unit_administration_pages(liaison, commerce):
    client = english_client(liaison)
    assert client.get(reverse("core:unit_create")).status_code == 403
    assert client.get(reverse("core:unit_edit", args=[commerce.pk])).status_code == 403
    response = client.post(reverse("core:unit_set_active", args=[commerce.pk]), {"is_active": "0"})
    assert response.status_code == 403
    commerce.refresh_from_db()
    assert commerce.is_active


def test_an_administrator_creates_a_sub_unit_under_a_parent_and_it_is_audited(admin_user, commerce):
    response = english_client(admin_user).post(
        reverse("core:unit_create"),
        {
            "code": "SWJ-TZC",
            "parent": commerce.pk,
            "name": "市商务局投资促进处",
            "name_en": "Investment Promotion Division",
            "kind": "subunit",
        },
    )
    unit = Unit.objects.get(code="SWJ-TZC")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:unit_detail", args=[unit.pk])
    assert (unit.parent, unit.path, unit.depth) == (commerce, f"{commerce.path}{unit.pk}/", 2)
    event = AuditEvent.objects.get(action="unit.create")
    assert (event.actor_name, event.changes["code"]) == ("admin", "SWJ-TZC")


def test_a_taken_code_is_refused_beside_the_code_field(admin_user, commerce):
    response = english_client(admin_user).post(
        reverse("core:unit_create"),
        {"code": "SWJ", "parent": commerce.pk, "name": "重复", "kind": "department"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "A unit with this code already exists." in html
    assert Unit.objects.filter(code="SWJ").count() == 1


def test_a_district_administrator_cannot_edit_a_unit_outside_the_district(
    district_admin, tree, commerce
):
    client = english_client(district_admin)
    assert client.get(reverse("core:unit_edit", args=[commerce.pk])).status_code == 404
    outside = client.post(reverse("core:unit_edit", args=[commerce.pk]), edit_data(commerce))
    assert outside.status_code == 404
    inside = client.post(
        reverse("core:unit_edit", args=[tree["x"].pk]),
        edit_data(tree["x"], name="甲区商务局（新）"),
    )
    assert inside.status_code == 302
    tree["x"].refresh_from_db()
    assert tree["x"].name == "甲区商务局（新）"


def test_a_district_administrator_may_only_choose_parents_inside_the_district(
    district_admin, tree, commerce
):
    response = english_client(district_admin).post(
        reverse("core:unit_create"),
        {"code": "NEW", "parent": commerce.pk, "name": "越权单位", "kind": "department"},
    )
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert not Unit.objects.filter(code="NEW").exists()


def test_an_edit_is_saved_and_audited_with_before_and_after(admin_user, commerce):
    response = english_client(admin_user).post(
        reverse("core:unit_edit", args=[commerce.pk]),
        edit_data(commerce, name_en="Commerce Bureau", kind="other"),
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="unit.update")
    assert event.changes == {"kind": ["department", "other"], "name_en": ["", "Commerce Bureau"]}


def test_a_stale_edit_form_is_refused_and_keeps_the_other_administrators_change(
    admin_user, commerce
):
    stale = edit_data(commerce, name="我的改名")
    services.unit_update(actor=admin_user, unit=commerce, name="别人的改名")
    response = english_client(admin_user).post(reverse("core:unit_edit", args=[commerce.pk]), stale)
    assert response.status_code == 200
    assert "Someone else changed this unit" in response.content.decode()
    commerce.refresh_from_db()
    assert commerce.name == "别人的改名"


def test_moving_a_unit_rewrites_the_paths_of_its_whole_subtree(admin_user, tree):
    x, y, b = tree["x"], tree["y"], tree["b"]
    response = english_client(admin_user).post(
        reverse("core:unit_move", args=[x.pk]),
        {"move-parent": b.pk, "move-fingerprint": services.unit_fingerprint(x)},
    )
    assert response.status_code == 302
    x.refresh_from_db()
    y.refresh_from_db()
    assert (x.parent, x.path, x.depth) == (b, f"{b.path}{x.pk}/", 2)
    assert (y.path, y.depth) == (f"{b.path}{x.pk}/{y.pk}/", 3)
    event = AuditEvent.objects.get(action="unit.move")
    assert event.changes["parent"] == [tree["a"].pk, b.pk]
    assert event.changes["units_moved"] == 2


def test_scoping_follows_a_move(admin_user, tree):
    liaison_a = grant(UserFactory(unit=tree["a"]), Role.LIAISON, tree["a"])
    liaison_x = grant(UserFactory(unit=tree["x"]), Role.LIAISON, tree["x"])
    services.unit_move(actor=admin_user, unit=tree["x"], new_parent=tree["b"])
    assert set(units_for_user(liaison_x)) == {tree["x"], tree["y"]}
    assert set(units_for_user(liaison_a)) == {tree["a"]}


def test_a_unit_cannot_be_moved_under_itself_or_its_own_sub_unit(admin_user, tree):
    for target in (tree["x"], tree["y"]):
        with translation.override("en"), pytest.raises(ValidationError, match="under itself"):
            services.unit_move(actor=admin_user, unit=tree["x"], new_parent=target)
    response = english_client(admin_user).post(
        reverse("core:unit_move", args=[tree["x"].pk]),
        {"move-parent": tree["y"].pk, "move-fingerprint": services.unit_fingerprint(tree["x"])},
    )
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    tree["y"].refresh_from_db()
    assert tree["y"].parent == tree["x"]
    assert not AuditEvent.objects.filter(action="unit.move").exists()


def test_a_unit_with_active_sub_units_cannot_be_deactivated(admin_user, tree):
    response = english_client(admin_user).post(
        reverse("core:unit_set_active", args=[tree["x"].pk]),
        {"is_active": "0", "fingerprint": services.unit_fingerprint(tree["x"])},
        follow=True,
    )
    assert "1 sub-unit is still active" in response.content.decode()
    tree["x"].refresh_from_db()
    assert tree["x"].is_active


def test_a_unit_whose_accounts_are_still_active_cannot_be_deactivated(admin_user, tree):
    UserFactory(unit=tree["y"])
    with translation.override("en"), pytest.raises(ValidationError, match="active user account"):
        services.unit_set_active(actor=admin_user, unit=tree["y"], is_active=False)


def test_a_leaf_unit_is_deactivated_then_reactivated_and_both_are_audited(admin_user, tree):
    client = english_client(admin_user)
    y = tree["y"]
    client.post(
        reverse("core:unit_set_active", args=[y.pk]),
        {"is_active": "0", "fingerprint": services.unit_fingerprint(y)},
    )
    y.refresh_from_db()
    assert not y.is_active
    client.post(
        reverse("core:unit_set_active", args=[y.pk]),
        {"is_active": "1", "fingerprint": services.unit_fingerprint(y)},
    )
    y.refresh_from_db()
    assert y.is_active
    actions = list(AuditEvent.objects.values_list("action", flat=True).order_by("seq"))
    assert actions == ["unit.deactivate", "unit.reactivate"]


def test_a_unit_cannot_be_reactivated_under_an_inactive_parent(admin_user, tree):
    services.unit_set_active(actor=admin_user, unit=tree["y"], is_active=False)
    services.unit_set_active(actor=admin_user, unit=tree["x"], is_active=False)
    with translation.override("en"), pytest.raises(ValidationError, match="parent unit first"):
        services.unit_set_active(actor=admin_user, unit=tree["y"], is_active=True)


def test_unit_pages_offer_administration_to_administrators_only(admin_user, liaison, commerce):
    url = reverse("core:unit_detail", args=[commerce.pk])
    edit = reverse("core:unit_edit", args=[commerce.pk])
    assert edit in english_client(admin_user).get(url).content.decode()
    assert edit not in english_client(liaison).get(url).content.decode()
