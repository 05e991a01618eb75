"""Reads of the core app, scoped to what the user may see."""

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404

from waishi.core.access import unit_scope_q
from waishi.core.models import RoleAssignment, Unit


def units_for_user(user, *, search: str = ""):
    qs = Unit.objects.filter(unit_scope_q(user, field="")).select_related("parent")
    if search:
        qs = qs.filter(
            Q(name__icontains=search) | Q(code__icontains=search) | Q(name_en__icontains=search)
        )
    return qs.annotate(people_count=Count("people", distinct=True)).order_by("path")


def get_unit_for_user(user, pk: int) -> Unit:
    """404 for a unit outside the user's scope: no guessing ids across units."""
    return get_object_or_404(Unit.objects.filter(unit_scope_q(user, field="")), pk=pk)


def unit_ancestors(user, unit) -> list:
    """The units above `unit`, top first; each marked whether the user may open it.

    A liaison sees the name of the city above their bureau but gets no link into it.
    """
    ids = [int(part) for part in unit.path.strip("/").split("/")[:-1] if part]
    if not ids:
        return []
    visible = set(
        Unit.objects.filter(unit_scope_q(user, field=""), pk__in=ids).values_list("pk", flat=True)
    )
    ancestors = list(Unit.objects.filter(pk__in=ids).order_by("depth"))
    for ancestor in ancestors:
        ancestor.visible = ancestor.pk in visible
    return ancestors


def role_assignments_for(user, *, unit=None, role="", search=""):
    """Assignments on units the user may see; `unit` includes the units below it."""
    qs = RoleAssignment.objects.filter(unit_scope_q(user, field="unit"))
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if role:
        qs = qs.filter(role=role)
    if search:
        qs = qs.filter(Q(user__username__icontains=search) | Q(user__full_name__icontains=search))
    return qs.select_related("user", "unit").order_by("unit__path", "role", "user__username")
