"""Writes of the policy app: per-diem tables and rule set versions. Each is atomic and audited."""

import copy

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q

from waishi.core.access import has_role
from waishi.core.audit import audit_record
from waishi.core.roles import Role
from waishi.policy.engine.ruleset import load_ruleset
from waishi.policy.models import PerDiemStandard, PerDiemTableVersion, RuleSetVersion
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


def _check_may_edit_rules(actor) -> None:
    if actor is not None and not has_role(actor, Role.ADMINISTRATOR):
        raise PermissionDenied("Only an administrator may change the rule set.")


def ruleset_create_version(
    *, actor, body: dict, label: str, note: str = "", activate: bool = True
) -> RuleSetVersion:
    """Store `body` (a whole rule set in the shape of rulesets/default-v1.json) as the next
    version; by default it comes into force. Its `version` is set to the new number, so checks
    against it record `<id>-v<number>`.

    The body is validated with the engine's load_ruleset before anything is written: an unusable
    one raises waishi.policy.engine.ruleset.RuleSetError and saves nothing. Older versions are
    kept unchanged. Side effects: audit events `ruleset.create` (and `ruleset.activate`).
    """
    _check_may_edit_rules(actor)
    body = copy.deepcopy(body)
    body["version"] = 1  # a placeholder while validating; the number is taken under the lock
    load_ruleset(body)
    return _ruleset_store(actor=actor, body=body, label=label, note=note, activate=activate)


@transaction.atomic
def _ruleset_store(*, actor, body: dict, label: str, note: str, activate: bool):
    latest = RuleSetVersion.objects.select_for_update().order_by("-number").first()
    body["version"] = latest.number + 1 if latest else 1
    version = RuleSetVersion.objects.create(
        number=body["version"],
        label=label.strip()[:200],
        body=body,
        note=note.strip()[:1000],
        created_by=_user_or_none(actor),
    )
    audit_record(
        actor=actor,
        action="ruleset.create",
        obj=version,
        changes={
            "number": version.number,
            "label": version.label,
            "rule_set": version.ruleset_label,
            "changed_rules": _changed_rules(latest.body if latest else {}, body),
        },
    )
    if activate:
        version = ruleset_activate(actor=actor, version=version)
    return version


def _changed_rules(before: dict, after: dict) -> list[str]:
    """Ids of the rules added, removed or changed between two bodies, for the audit trail."""
    old = {rule.get("id"): rule for rule in before.get("rules", [])}
    new = {rule.get("id"): rule for rule in after.get("rules", [])}
    return sorted(str(key) for key in old.keys() | new.keys() if old.get(key) != new.get(key))


@transaction.atomic
def ruleset_activate(*, actor, version: RuleSetVersion) -> RuleSetVersion:
    """Put `version` in force; the one in force before stays, inactive.

    Activating the active version changes nothing and records nothing.
    Side effect: audit event `ruleset.activate` naming the version it replaces.
    """
    _check_may_edit_rules(actor)
    locked = {
        v.pk: v
        for v in RuleSetVersion.objects.select_for_update().filter(
            Q(pk=version.pk) | Q(is_active=True)
        )
    }
    target = locked[version.pk]
    if target.is_active:
        return target
    previous = next((v for v in locked.values() if v.is_active), None)
    # Deactivate first: the partial unique index allows one active row at any moment.
    RuleSetVersion.objects.filter(is_active=True).update(is_active=False)
    target.is_active = True
    target.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action="ruleset.activate",
        obj=target,
        changes={
            "is_active": [False, True],
            "rule_set": target.ruleset_label,
            "replaces": previous.ruleset_label if previous else None,
        },
    )
    return target
