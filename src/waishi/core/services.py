"""Writes of the core app: units, users, role grants. Each is atomic and audited."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from waishi.core.audit import audit_record
from waishi.core.models import RoleAssignment, Unit, User
from waishi.core.roles import Role


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
) -> Unit:
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
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
