"""Writes of the rubric (re-exported by services.py): versions are created whole, never edited,
and one of them is in force.

    rubric_ensure_default    the shipped rubric (rubrics/default-v1.json) in force if none is
    rubric_create_version    a new version (administrator), validated before anything is saved
    rubric_activate          put a version in force (administrator)
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from waishi.core.access import has_role
from waishi.core.audit import audit_record
from waishi.core.roles import Role
from waishi.evaluation.models import RubricVersion, body_digest
from waishi.evaluation.scoring import validate_rubric

DEFAULT_RUBRIC = Path(__file__).resolve().parent / "rubrics" / "default-v1.json"


def _user_or_none(actor):
    return actor if actor is not None and actor.is_authenticated else None


def _require_admin(actor) -> None:
    # actor None is the system (the default rubric loaded on first use).
    if actor is not None and not has_role(actor, Role.ADMINISTRATOR):
        raise PermissionDenied(_("Only an administrator may change the rubric."))


def rubric_create_version(
    *, actor, body: dict, label: str, note: str = "", activate: bool = True
) -> RubricVersion:
    """Store `body` (a whole rubric in the shape of rubrics/default-v1.json) as the next version;
    by default it comes into force. The body is validated first: a ValidationError lists every
    problem and nothing is saved. Older versions stay exactly as they were.
    Side effects: audit events `rubric.create` (and `rubric.activate`)."""
    _require_admin(actor)
    label = (label or "").strip()
    problems = validate_rubric(body)
    if not label:
        problems.insert(0, _("Give the version a label."))
    if problems:
        raise ValidationError(problems)
    return _rubric_store(
        actor=actor, body=copy.deepcopy(body), label=label, note=note, activate=activate
    )


@transaction.atomic
def _rubric_store(*, actor, body: dict, label: str, note: str, activate: bool) -> RubricVersion:
    latest = RubricVersion.objects.select_for_update().order_by("-number").first()
    version = RubricVersion.objects.create(
        number=latest.number + 1 if latest else 1,
        label=label[:200],
        body=body,
        note=(note or "").strip()[:1000],
        sha256=body_digest(body),
        created_by=_user_or_none(actor),
    )
    audit_record(
        actor=actor,
        action="rubric.create",
        obj=version,
        changes={
            "number": version.number,
            "label": version.label,
            "sha256": version.sha256,
            "changed_groups": _changed_groups(latest.body if latest else {}, body),
        },
    )
    if activate:
        version = rubric_activate(actor=actor, version=version)
    return version


def _changed_groups(before: dict, after: dict) -> list[str]:
    old = {g.get("code"): g for g in before.get("groups", []) if isinstance(g, dict)}
    new = {g.get("code"): g for g in after.get("groups", []) if isinstance(g, dict)}
    changed = sorted(str(k) for k in old.keys() | new.keys() if old.get(k) != new.get(k))
    for key in ("grades", "second_evaluator_below", "step", "veto"):
        if before.get(key) != after.get(key):
            changed.append(key)
    return changed


@transaction.atomic
def rubric_activate(*, actor, version: RubricVersion) -> RubricVersion:
    """Put `version` in force; the one in force before stays, inactive. Activating the active
    version changes nothing. Side effect: audit event `rubric.activate`."""
    _require_admin(actor)
    target = RubricVersion.objects.select_for_update().get(pk=version.pk)
    if target.is_active:
        return target
    previous = RubricVersion.objects.select_for_update().filter(is_active=True).first()
    # Deactivate first: the partial unique index allows one active row at any moment.
    RubricVersion.objects.filter(is_active=True).update(is_active=False)
    target.is_active = True
    target.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action="rubric.activate",
        obj=target,
        changes={"is_active": [False, True], "replaces": str(previous) if previous else None},
    )
    return target


def rubric_ensure_default() -> RubricVersion:
    """The rubric in force; when none is, the shipped default (rubrics/default-v1.json) is stored
    as the next version (v1 on a new installation) and put in force, by the system."""
    active = RubricVersion.objects.filter(is_active=True).first()
    if active is not None:
        return active
    body = json.loads(DEFAULT_RUBRIC.read_text(encoding="utf-8"))
    try:
        with transaction.atomic():
            return _rubric_store(
                actor=None,
                body=body,
                label=body.get("title_zh") or body.get("title_en", "default"),
                note=body.get("note", ""),
                activate=True,
            )
    except IntegrityError:  # another process stored it first
        return RubricVersion.objects.get(is_active=True)
