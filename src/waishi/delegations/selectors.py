"""Reads of the delegations app, scoped to the user.

Who sees a delegation: anyone holding a role (other than traveller) on a unit subtree that
contains its organising unit — a unit's liaisons and head see their subtree, the FAO roles are
granted on the city and so see the whole city, the inspector and administrator see everything —
and each traveller sees the delegations they are a member of. The rest get 404.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404

from waishi.core.access import unit_scope_q, user_is_active
from waishi.core.models import Unit
from waishi.core.roles import Role
from waishi.delegations.models import (
    Delegation,
    DelegationEvent,
    DelegationMember,
    ItineraryStop,
    PolicyJustification,
)

VIEWER_ROLES = frozenset(Role) - {Role.TRAVELLER}


def scope_q(user) -> Q:
    """The delegations `user` may see; Q() when the user sees every one."""
    if not user_is_active(user):
        return Q(pk__in=[])
    if not unit_scope_q(user, field="", roles=VIEWER_ROLES):
        return Q()  # an empty Q: the whole city; OR-ing would narrow it to the other side
    # Unit ids and the user's own trips, read first: an IN list keeps the list on its indexes,
    # where a join on unit paths OR'ed with an EXISTS scanned every delegation.
    units = Unit.objects.filter(unit_scope_q(user, field="", roles=VIEWER_ROLES))
    q = Q(organising_unit_id__in=list(units.values_list("pk", flat=True)))
    own = DelegationMember.objects.filter(person__user=user).values_list("delegation_id", flat=True)
    own = list(own)
    return q | Q(pk__in=own) if own else q


def delegations_for_user(
    user,
    *,
    status: str | list[str] | None = None,
    unit=None,
    country: str | None = None,
    year: int | None = None,
    rank: str | None = None,
    search: str = "",
):
    """The user's delegations, newest departure first, filtered. Each row comes with its
    organising unit, leader and stops in a constant number of queries (one, plus one for the
    stops when the rows are read)."""
    qs = Delegation.objects.filter(scope_q(user))
    if status:
        qs = qs.filter(status__in=[status] if isinstance(status, str) else list(status))
    if unit is not None:
        qs = qs.filter(organising_unit__path__startswith=unit.path)
    if country:
        going = ItineraryStop.objects.filter(delegation=OuterRef("pk"), country=country.upper())
        qs = qs.filter(Exists(going))
    if year:
        qs = qs.filter(leave_china__range=(dt.date(year, 1, 1), dt.date(year, 12, 31)))
    if rank:
        qs = qs.filter(top_rank=rank)
    search = (search or "").strip()
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(approval_number__icontains=search))
    stops = Prefetch("stops", queryset=ItineraryStop.objects.order_by("order"))
    return (
        qs.select_related("organising_unit", "leader")
        .prefetch_related(stops)
        .order_by("-leave_china", "-id")
    )


def get_delegation_for_user(user, pk) -> Delegation:
    """One delegation with everything its page shows; 404 outside the user's scope."""
    qs = Delegation.objects.filter(scope_q(user)).select_related(
        "organising_unit", "leader", "created_by"
    )
    qs = qs.prefetch_related(
        "objectives",
        Prefetch("stops", queryset=ItineraryStop.objects.order_by("order")),
        Prefetch(
            "members",
            queryset=DelegationMember.objects.select_related("person", "unit").order_by(
                "order", "id"
            ),
        ),
        "budget_items",
        "schedule",
        Prefetch("events", queryset=DelegationEvent.objects.select_related("actor")),
        Prefetch("justifications", queryset=PolicyJustification.objects.select_related("by")),
    )
    return get_object_or_404(qs, pk=pk)


def current_justifications(delegation: Delegation) -> dict[str, PolicyJustification]:
    """The justification in force per rule: the latest one given."""
    latest: dict[str, PolicyJustification] = {}
    for row in delegation.justifications.all():  # ordered rule, newest first
        latest.setdefault(row.rule, row)
    return latest
