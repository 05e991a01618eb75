"""Writes of the core app: units, users, role grants. Each is atomic and audited.

Passwords never reach an audit event: `user_set_password` records only that one was set.
"""

import hashlib
import json

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, F, Max, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from waishi.core.audit import audit_record, diff
from waishi.core.models import RoleAssignment, Unit, User
from waishi.core.roles import Role


class ConflictError(Exception):
    """The unit changed since the form was shown; saving would overwrite someone's work."""

    def __init__(self, message=None):
        super().__init__(message or _("Someone else changed this unit; reload it and try again."))


def unit_fingerprint(unit: Unit) -> str:
    """A short digest of a unit's editable state, carried by forms to refuse stale saves."""
    state = [unit.code, unit.name, unit.name_en, unit.kind, unit.parent_id, unit.is_active]
    return hashlib.sha256(json.dumps(state, ensure_ascii=False).encode()).hexdigest()[:32]


def _locked_unit(unit: Unit, expected_fingerprint: str | None) -> Unit:
    locked = Unit.objects.select_for_update().get(pk=unit.pk)
    if expected_fingerprint is not None and expected_fingerprint != unit_fingerprint(locked):
        raise ConflictError
    return locked


@transaction.atomic
def unit_create(
    *,
    actor,
    code: str,
    name: str,
    parent: Unit | None = None,
    kind: str = Unit.Kind.DEPARTMENT,
    name_en: str = "",
) -> Unit:
    if Unit.objects.filter(code=code).exists():
        raise ValidationError({"code": _("A unit with this code already exists.")})
    unit = Unit.objects.create(code=code, name=name, name_en=name_en, kind=kind, parent=parent)
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.depth = parent.depth + 1 if parent else 0
    unit.save(update_fields=["path", "depth"])
    audit_record(
        actor=actor,
        action="unit.create",
        obj=unit,
        unit_id=unit.pk,
        changes={"code": code, "name": name, "parent": parent.pk if parent else None},
    )
    return unit


@transaction.atomic
def unit_update(
    *,
    actor,
    unit: Unit,
    name: str,
    name_en: str = "",
    kind: str | None = None,
    is_active: bool = True,
    expected_fingerprint: str | None = None,
) -> Unit:
    """Rename or re-kind a unit. With `expected_fingerprint`, raises ConflictError when the unit
    changed since the caller read it."""
    unit = _locked_unit(unit, expected_fingerprint)
    before = {
        "name": unit.name,
        "name_en": unit.name_en,
        "kind": unit.kind,
        "is_active": unit.is_active,
    }
    unit.name, unit.name_en, unit.is_active = name, name_en, is_active
    unit.kind = kind or unit.kind
    unit.save()
    after = {
        "name": unit.name,
        "name_en": unit.name_en,
        "kind": unit.kind,
        "is_active": unit.is_active,
    }
    audit_record(
        actor=actor,
        action="unit.update",
        obj=unit,
        unit_id=unit.pk,
        changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
    )
    return unit


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    password: str | None,
    full_name: str = "",
    unit: Unit | None = None,
    email: str = "",
) -> User:
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("This user name is taken.")})
    user = User(username=username, full_name=full_name, unit=unit, email=email)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit_record(
        actor=actor,
        action="user.create",
        obj=user,
        unit_id=unit.pk if unit else None,
        changes={"username": username, "unit": unit.pk if unit else None},
    )
    return user


def _forget_cached_grants(user: User):
    # access.grants_of caches a user's grants on the object; a changed grant must show at once.
    user.__dict__.pop("_waishi_grants", None)


@transaction.atomic
def role_grant(
    *, actor, user: User, role: Role, unit: Unit, include_subtree: bool = True
) -> tuple[RoleAssignment, bool]:
    """Give `user` `role` over `unit`. Idempotent: granting what is held changes nothing.

    Returns the assignment and whether anything changed; writes a `role.grant` audit event only
    when something did.
    """
    role = Role(role)
    existing = (
        RoleAssignment.objects.select_for_update().filter(user=user, role=role, unit=unit).first()
    )
    if existing and existing.include_subtree == include_subtree:
        return existing, False
    subtree_change = include_subtree
    if existing:
        subtree_change = [existing.include_subtree, include_subtree]
        existing.include_subtree = include_subtree
        existing.save(update_fields=["include_subtree"])
        assignment = existing
    else:
        assignment = RoleAssignment.objects.create(
            user=user, role=role, unit=unit, include_subtree=include_subtree
        )
    audit_record(
        actor=actor,
        action="role.grant",
        obj=assignment,
        unit_id=unit.pk,
        changes={
            "user": user.get_username(),
            "role": role.value,
            "unit": unit.code,
            "include_subtree": subtree_change,
        },
    )
    _forget_cached_grants(user)
    return assignment, True


@transaction.atomic
def role_revoke(*, actor, user: User, role: Role, unit: Unit) -> bool:
    """Take `role` over `unit` away from `user`. Idempotent: returns whether anything changed.

    Refuses to remove the last administrator assignment, which would lock everyone out of the
    roles page. Writes a `role.revoke` audit event when something changed.
    """
    role = Role(role)
    assignment = (
        RoleAssignment.objects.select_for_update().filter(user=user, role=role, unit=unit).first()
    )
    if assignment is None:
        return False
    if role == Role.ADMINISTRATOR and _is_last_administrator(assignment):
        raise ValidationError(_("At least one administrator must remain."))
    audit_record(
        actor=actor,
        action="role.revoke",
        obj=assignment,
        unit_id=unit.pk,
        changes={"user": user.get_username(), "role": role.value, "unit": unit.code},
    )
    assignment.delete()
    _forget_cached_grants(user)
    return True


def _is_last_administrator(assignment: RoleAssignment) -> bool:
    # Lock every administrator row so two concurrent revokes cannot each see the other remaining.
    others = RoleAssignment.objects.select_for_update().filter(
        role=Role.ADMINISTRATOR, user__is_active=True
    )
    return not any(pk != assignment.pk for pk in others.values_list("pk", flat=True))


# --- unit administration ---------------------------------------------------------------------

MAX_PATH = Unit._meta.get_field("path").max_length


@transaction.atomic
def unit_move(
    *, actor, unit: Unit, new_parent: Unit, expected_fingerprint: str | None = None
) -> Unit:
    """Put `unit` and its whole subtree under `new_parent`, rewriting every path and depth.

    One UPDATE rewrites the subtree, so scoping (which reads paths) follows the move at once:
    grants on the moved unit keep covering it, grants on the old parent stop covering it.
    Refuses a move under the unit itself or one of its sub-units. Writes `unit.move`.
    """
    # Lock both rows in a fixed order so two crossing moves wait for each other, then re-read
    # the parent's path: a concurrent move may have put it under `unit` meanwhile.
    locked = {
        u.pk: u
        for u in Unit.objects.select_for_update()
        .filter(pk__in=[unit.pk, new_parent.pk])
        .order_by("pk")
    }
    current = locked[unit.pk]
    if expected_fingerprint is not None and expected_fingerprint != unit_fingerprint(current):
        raise ConflictError
    parent = locked[new_parent.pk]
    if parent.path.startswith(current.path):
        raise ValidationError(
            {"parent": _("A unit cannot be moved under itself or one of its own sub-units.")}
        )
    if parent.pk == current.parent_id:
        return current
    if not parent.is_active:
        raise ValidationError({"parent": _("The new parent unit is inactive.")})
    old_prefix, new_prefix = current.path, f"{parent.path}{current.pk}/"
    subtree = Unit.objects.select_for_update().filter(path__startswith=old_prefix)
    longest = subtree.aggregate(longest=Max(Length("path")))["longest"] or 0
    if longest - len(old_prefix) + len(new_prefix) > MAX_PATH:
        raise ValidationError({"parent": _("The unit tree would become too deep.")})
    moved = subtree.update(
        path=Concat(
            Value(new_prefix), Substr("path", len(old_prefix) + 1), output_field=CharField()
        ),
        depth=F("depth") + (parent.depth + 1 - current.depth),
    )
    Unit.objects.filter(pk=current.pk).update(parent=parent)
    old_parent_id = current.parent_id
    current.refresh_from_db()
    audit_record(
        actor=actor,
        action="unit.move",
        obj=current,
        unit_id=current.pk,
        changes={
            "parent": [old_parent_id, parent.pk],
            "path": [old_prefix, current.path],
            "units_moved": moved,
        },
    )
    return current


@transaction.atomic
def unit_set_active(
    *, actor, unit: Unit, is_active: bool, expected_fingerprint: str | None = None
) -> Unit:
    """Deactivate or reactivate a unit. Writes `unit.deactivate` / `unit.reactivate`.

    A unit is deactivated bottom-up: refused while it has active sub-units or active user
    accounts (they would hang under a unit that no longer exists). Records of people, trips
    and roles stay: history keeps pointing at the unit. Reactivation is refused under an
    inactive parent.
    """
    unit = _locked_unit(unit, expected_fingerprint)
    if unit.is_active == is_active:
        return unit
    if is_active and unit.parent_id and not Unit.objects.get(pk=unit.parent_id).is_active:
        raise ValidationError(_("Reactivate the parent unit first."))
    if not is_active:
        _refuse_deactivating_a_unit_in_use(unit)
    unit.is_active = is_active
    unit.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action="unit.reactivate" if is_active else "unit.deactivate",
        obj=unit,
        unit_id=unit.pk,
        changes={"is_active": [not is_active, is_active]},
    )
    return unit


def _refuse_deactivating_a_unit_in_use(unit: Unit) -> None:
    children = Unit.objects.filter(parent=unit, is_active=True).count()
    if children:
        message = ngettext(
            "%(count)d sub-unit is still active; deactivate or move it first.",
            "%(count)d sub-units are still active; deactivate or move them first.",
            children,
        )
        raise ValidationError(message % {"count": children})
    users = User.objects.filter(unit=unit, is_active=True).count()
    if users:
        message = ngettext(
            "%(count)d active user account still belongs to this unit; move or deactivate it "
            "first.",
            "%(count)d active user accounts still belong to this unit; move or deactivate them "
            "first.",
            users,
        )
        raise ValidationError(message % {"count": users})


# --- user administration ---------------------------------------------------------------------


@transaction.atomic
def user_update(*, actor, user: User, full_name: str, unit: Unit | None, email: str = "") -> User:
    """Change a user's name, unit and e-mail. Writes `user.update` when something changed."""
    user = User.objects.select_for_update().get(pk=user.pk)
    before = {"full_name": user.full_name, "unit": user.unit_id, "email": user.email}
    user.full_name, user.unit, user.email = full_name, unit, email
    changes = diff(before, {"full_name": full_name, "unit": user.unit_id, "email": email})
    if changes:
        user.save(update_fields=["full_name", "unit", "email"])
        audit_record(actor=actor, action="user.update", obj=user, changes=changes)
    return user


@transaction.atomic
def user_set_active(*, actor, user: User, is_active: bool) -> User:
    """Let a user sign in again, or stop them (sessions and API tokens stop working at once).

    Refuses an administrator deactivating their own account, and deactivating the last active
    administrator. Writes `user.deactivate` / `user.reactivate`.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active == is_active:
        return user
    if not is_active:
        if actor is not None and actor.pk == user.pk:
            raise ValidationError(_("You cannot deactivate your own account."))
        if _is_last_active_administrator(user):
            raise ValidationError(_("At least one administrator must remain."))
    user.is_active = is_active
    user.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action="user.reactivate" if is_active else "user.deactivate",
        obj=user,
        changes={"is_active": [not is_active, is_active]},
    )
    _forget_cached_grants(user)
    return user


def _is_last_active_administrator(user: User) -> bool:
    # Locked like role_revoke's check, so two concurrent deactivations cannot both pass.
    holders = RoleAssignment.objects.select_for_update().filter(
        role=Role.ADMINISTRATOR, user__is_active=True
    )
    holder_ids = set(holders.values_list("user_id", flat=True))
    return user.pk in holder_ids and holder_ids == {user.pk}


@transaction.atomic
def user_set_password(*, actor, user: User, password: str) -> User:
    """Set a new password chosen by an administrator (the password validators apply).

    Writes `user.set_password` without the password or its hash. The user's other sessions end.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=actor, action="user.set_password", obj=user)
    return user


# --- audit log -------------------------------------------------------------------------------


@transaction.atomic
def audit_log_export(*, actor, filters: dict, rows: int) -> None:
    """Record that `actor` exported part of the audit log (the export itself is evidence)."""
    shown = {key: value for key, value in filters.items() if value not in ("", None)}
    audit_record(
        actor=actor,
        action="audit.export",
        object_type="core.auditevent",
        object_id="*",
        changes={"filters": shown, "rows": rows},
    )
