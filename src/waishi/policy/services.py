"""Writes of the policy app: loading and activating per-diem tables. Each is atomic and audited."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q

from waishi.core.access import has_role
from waishi.core.audit import audit_record
from waishi.core.roles import Role
from waishi.policy.models import PerDiemStandard, PerDiemTableVersion
from waishi.policy.perdiem import PerDiemTable, read_table
from waishi.policy.rows import standard_fields


def _check_may_manage(actor) -> None:
    # actor None is the system: the management command, run by whoever holds the server's shell.
    if actor is not None and not has_role(actor, Role.ADMINISTRATOR):
        raise PermissionDenied("Only an administrator may load or activate per-diem tables.")


def _user_or_none(actor):
    return actor if actor is not None and actor.is_authenticated else None


def perdiem_table_import(
    *, actor, source, label: str, activate: bool = True, note: str = ""
) -> PerDiemTableVersion:
    """Load a table file (path or file object) as a new version; by default make it the active one.

    The file is checked completely before the transaction opens (on SQLite the transaction holds
    the write lock): an invalid file raises waishi.policy.perdiem.PerDiemError and saves nothing.
    Older versions are kept. Side effects: audit events `perdiem_table.import` (and
    `perdiem_table.activate`), written in the same transaction as the rows.
    """
    _check_may_manage(actor)
    table = read_table(source, label=label)
    return _perdiem_table_store(actor=actor, table=table, activate=activate, note=note)


@transaction.atomic
def _perdiem_table_store(
    *, actor, table: PerDiemTable, activate: bool, note: str
) -> PerDiemTableVersion:
    version = PerDiemTableVersion.objects.create(
        label=table.label.strip()[:200],
        source=(note or table.source)[:500],
        loaded_by=_user_or_none(actor),
        row_count=len(table),
    )
    PerDiemStandard.objects.bulk_create(
        PerDiemStandard(version=version, **fields) for fields in standard_fields(table)
    )
    audit_record(
        actor=actor,
        action="perdiem_table.import",
        obj=version,
        changes={
            "label": version.label,
            "source": version.source,
            "rows": len(table),
            "countries": len(table.countries()),
        },
    )
    if activate:
        version = perdiem_table_activate(actor=actor, version=version)
    return version


@transaction.atomic
def perdiem_table_activate(*, actor, version: PerDiemTableVersion) -> PerDiemTableVersion:
    """Make `version` the table in force; the one active before stays, inactive.

    Activating the active version changes nothing and records nothing.
    Side effect: audit event `perdiem_table.activate` naming the version it replaces.
    """
    _check_may_manage(actor)
    locked = {
        v.pk: v
        for v in PerDiemTableVersion.objects.select_for_update().filter(
            Q(pk=version.pk) | Q(is_active=True)
        )
    }
    target = locked[version.pk]
    if target.is_active:
        return target
    previous = next((v for v in locked.values() if v.is_active), None)
    # Deactivate first: the partial unique index allows one active row at any moment.
    PerDiemTableVersion.objects.filter(is_active=True).update(is_active=False)
    target.is_active = True
    target.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action="perdiem_table.activate",
        obj=target,
        changes={
            "is_active": [False, True],
            "replaces": previous.pk if previous else None,
            "replaces_label": previous.label if previous else "",
        },
    )
    return target
