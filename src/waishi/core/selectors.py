"""Reads of the core app, scoped to what the user may see."""

from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from waishi.core.access import grants_of, unit_scope_q, user_is_active
from waishi.core.models import AuditEvent, RoleAssignment, Unit, User
from waishi.core.roles import Role


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


# --- administration: what an administrator may change -----------------------------------------


def administered_q(user, field: str = "") -> Q:
    """Rows whose `field` unit lies in a subtree the user holds ADMINISTRATOR on.

    Unlike `unit_scope_q`, the role's citywide reach is not applied: an administrator *reads*
    every unit, but *changes* only the units below the grant, so a district's administrator
    cannot rename the city's bureaus.
    """
    if not user_is_active(user):
        return Q(pk__in=[])
    path_lookup = f"{field}__path__startswith" if field else "path__startswith"
    id_lookup = f"{field}_id" if field else "pk"
    q = Q(pk__in=[])
    for role, path, unit_id, subtree in grants_of(user).rows:
        if role == Role.ADMINISTRATOR:
            q |= Q(**{path_lookup: path}) if subtree else Q(**{id_lookup: unit_id})
    return q


def administers_root(user) -> bool:
    """Whether the user administers a whole tree (and so also accounts that have no unit)."""
    return user_is_active(user) and any(
        role == Role.ADMINISTRATOR and subtree and path.count("/") == 2
        for role, path, _unit_id, subtree in grants_of(user).rows
    )


def administered_units(user):
    return Unit.objects.filter(administered_q(user)).order_by("path")


def get_administered_unit(user, pk: int) -> Unit:
    """404 for a unit the user does not administer."""
    return get_object_or_404(administered_units(user).select_related("parent"), pk=pk)


def _administered_users(user):
    scope = administered_q(user, field="unit")
    if administers_root(user):
        scope |= Q(unit__isnull=True)
    return User.objects.filter(scope)


def users_for_admin(user, *, search="", unit=None, role="", active=None):
    """Accounts whose unit the user administers; `unit` includes the units below it."""
    qs = _administered_users(user)
    if search:
        qs = qs.filter(
            Q(username__icontains=search)
            | Q(full_name__icontains=search)
            | Q(email__icontains=search)
        )
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if role:
        qs = qs.filter(pk__in=RoleAssignment.objects.filter(role=role).values("user_id"))
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.select_related("unit").order_by("username")


def get_user_for_admin(user, pk: int) -> User:
    return get_object_or_404(_administered_users(user).select_related("unit"), pk=pk)


def role_assignments_of(user):
    return user.role_assignments.select_related("unit").order_by("unit__path", "role")


def api_tokens_of(user):
    return user.api_tokens.order_by("revoked_at", "-created_at")


# --- the audit log ----------------------------------------------------------------------------

AUDIT_READERS = (Role.INSPECTOR, Role.ADMINISTRATOR)


def audit_events_for(
    user,
    *,
    date_from=None,
    date_to=None,
    actor="",
    action="",
    object_type="",
    unit=None,
):
    """Events the user may read, newest first. Dates are local dates, both ends included."""
    qs = AuditEvent.objects.all()
    scope = unit_scope_q(user, field="", roles=AUDIT_READERS)
    if scope != Q():  # a reader without citywide reach sees events of their units only
        qs = qs.filter(unit_id__in=Unit.objects.filter(scope).values("pk"))
    if date_from:
        qs = qs.filter(at__gte=_local_midnight(date_from))
    if date_to:
        qs = qs.filter(at__lt=_local_midnight(date_to + timedelta(days=1)))
    if actor:
        qs = qs.filter(actor_name__iexact=actor)
    if action:
        qs = qs.filter(action__startswith=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if unit is not None:
        qs = qs.filter(unit_id__in=Unit.objects.filter(path__startswith=unit.path).values("pk"))
    return qs.order_by("-seq")


def _local_midnight(day: date) -> datetime:
    # A range on the indexed column rather than `at__date`, which no index can serve.
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_page(events, *, before=None, size: int = 50) -> tuple[list, int | None]:
    """One page of `events` (newest first) older than `before`, and the `before` of the next.

    Keyset pagination: one query however deep the page, no COUNT over the whole log.
    """
    if before:
        events = events.filter(seq__lt=before)
    rows = list(events[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return rows, (rows[-1].seq if more else None)


def get_audit_event_for(user, seq: int) -> AuditEvent:
    return get_object_or_404(audit_events_for(user), seq=seq)
