"""Deny by default: every page declares who may use it, and objects outside a user's units 404."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import client_for
from tests.factories import PersonFactory, UnitFactory, UserFactory, grant
from waishi.core.access import SELF_GUARDED_NAMESPACES, AccessMiddleware, rule_for, unit_scope_q
from waishi.core.models import Unit
from waishi.core.roles import Role


def walk(patterns, namespaces=()):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, (*namespaces, entry.namespace))
        elif isinstance(entry, URLPattern):
            yield namespaces, entry


def test_every_url_declares_who_may_use_it():
    undeclared = [
        str(pattern.pattern)
        for namespaces, pattern in walk(get_resolver().url_patterns)
        if not (set(namespaces) & SELF_GUARDED_NAMESPACES) and rule_for(pattern.callback) is None
    ]
    assert undeclared == []


def test_a_view_without_a_declaration_is_refused_even_for_a_superuser(db):
    request = RequestFactory().get("/anything")
    request.user = UserFactory(is_superuser=True)
    request.resolver_match = None
    middleware = AccessMiddleware(lambda r: None)

    def undeclared_view(request):
        return "leaked"

    with pytest.raises(PermissionDenied):
        middleware.process_view(request, undeclared_view, (), {})


def test_django_admin_is_closed_to_a_liaison(liaison):
    response = client_for(liaison).get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_unit_of_another_department_answers_404_not_403(outsider, commerce):
    response = client_for(outsider).get(reverse("core:unit_detail", args=[commerce.pk]))
    assert response.status_code == 404


def test_unit_in_own_subtree_is_visible(liaison, commerce_office):
    response = client_for(liaison).get(reverse("core:unit_detail", args=[commerce_office.pk]))
    assert response.status_code == 200
    assert "市商务局外事处" in response.content.decode()


def test_units_list_shows_only_the_users_subtree(liaison, education, commerce_office):
    html = client_for(liaison).get(reverse("core:units")).content.decode()
    assert "市商务局外事处" in html
    assert "市教育局" not in html


def test_inspector_sees_every_unit(inspector, commerce, education):
    html = client_for(inspector).get(reverse("core:units")).content.decode()
    assert "市商务局" in html and "市教育局" in html


def test_grant_without_subtree_covers_only_that_unit(commerce, commerce_office):
    user = grant(UserFactory(), Role.UNIT_HEAD, commerce, include_subtree=False)
    visible = set(Unit.objects.filter(unit_scope_q(user, field="")).values_list("code", flat=True))
    assert visible == {"SWJ"}


def test_user_without_any_role_sees_no_people(commerce):
    PersonFactory(unit=commerce)
    nobody = UserFactory()
    from waishi.people.models import Person

    assert Person.objects.filter(unit_scope_q(nobody)).count() == 0


def test_deactivated_user_loses_every_grant(liaison, commerce):
    PersonFactory(unit=commerce)
    liaison.is_active = False
    liaison.save()
    from waishi.people.models import Person

    assert Person.objects.filter(unit_scope_q(liaison)).count() == 0


def test_scope_of_a_deep_unit_does_not_leak_to_a_sibling_with_a_shared_id_prefix(city):
    # Paths are "/1/2/" style: unit 1's subtree must not match unit 12's path "/12/".
    units = [UnitFactory(parent=city) for _ in range(12)]
    first, twelfth = units[0], units[-1]
    user = grant(UserFactory(), Role.LIAISON, first)
    visible = set(Unit.objects.filter(unit_scope_q(user, field="")).values_list("pk", flat=True))
    assert first.pk in visible and twelfth.pk not in visible


def test_roles_page_is_in_the_navigation_of_administrators_only(liaison, admin_user):
    assert "/roles/" not in client_for(liaison).get(reverse("core:dashboard")).content.decode()
    assert "/roles/" in client_for(admin_user).get(reverse("core:dashboard")).content.decode()


def test_blocked_units_page_is_in_the_navigation_of_fao_staff_only(liaison, city):
    approver = grant(UserFactory(unit=city), Role.APPROVER, city)
    url = reverse("delegations:blocked_units")
    assert url not in client_for(liaison).get(reverse("core:dashboard")).content.decode()
    assert url in client_for(approver).get(reverse("core:dashboard")).content.decode()
