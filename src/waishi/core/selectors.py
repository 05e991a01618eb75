"""Reads of the core app, scoped to what the user may see."""

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404

from waishi.core.access import unit_scope_q
from waishi.core.models import Unit


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
