"""Writes of the delegations app. Each is atomic, locks the row, checks the actor, writes the
audit event in the same transaction and defers notifications to the outbox.

    delegation_create      a draft application (liaison of the organising unit)
    delegation_update      change a draft or returned application (optimistic version check)
    delegation_transition  one workflow action (workflow.TRANSITIONS), with its event row

Every refusal is an exception with a message for the user: ValidationError (bad input, a
missing reason, PolicyBlocked, JustificationRequired), PermissionDenied, InvalidTransition,
ConflictError (someone else acted first).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from waishi.core.audit import audit_record, diff
from waishi.core.roles import Role
from waishi.delegations import checks, jobs, numbering, services_trip, workflow
from waishi.delegations.models import (
    BudgetItem,
    Delegation,
    DelegationEvent,
    DelegationMember,
    DelegationObjective,
    ItineraryStop,
    MemberRole,
    PolicyJustification,
    ScheduleEntry,
    Status,
)
from waishi.delegations.validation import clean_application
from waishi.delegations.workflow import (
    Action,
    ConflictError,
    InvalidTransition,
    JustificationRequired,
    PolicyBlocked,
)
from waishi.people.models import Rank

EDITABLE = (
    "title",
    "organising_unit",
    "purpose",
    "trip_type",
    "leave_china",
    "return_china",
    "invitation_from",
    "invitation_kind",
    "host_provides",
    "objectives",
    "members",
    "stops",
    "budget",
    "schedule",
)
EDITABLE_STATUSES = (Status.DRAFT, Status.RETURNED)
# Administrators may correct an application on a unit's behalf (audited under their own name).
WRITERS = (Role.LIAISON, Role.ADMINISTRATOR)

__all__ = [
    "ConflictError",
    "InvalidTransition",
    "JustificationRequired",
    "PolicyBlocked",
    "delegation_create",
    "delegation_transition",
    "delegation_update",
]


def _require_writer(actor, unit) -> None:
    if not workflow.covers(actor, unit, WRITERS):
        raise PermissionDenied(
            _("Only the organising unit's liaison or an administrator may change its delegations.")
        )


# --- create and update --------------------------------------------------------------------------


@transaction.atomic
def delegation_create(*, actor, organising_unit, **data) -> Delegation:
    """A draft application. `data` holds the EDITABLE fields; members/stops/budget/schedule are
    lists of dicts (see validation.py), objectives a list of texts. Nothing is saved unless all
    of it is valid."""
    _reject_unknown(data)
    _require_writer(actor, organising_unit)
    for key in ("objectives", "members", "stops", "budget", "schedule"):
        data.setdefault(key, [])
    cleaned = clean_application(data)
    delegation = Delegation(organising_unit=organising_unit, created_by=actor, **cleaned.fields)
    delegation.save()
    _write_children(delegation, cleaned)
    audit_record(
        actor=actor,
        action="delegation.create",
        obj=delegation,
        unit_id=organising_unit.pk,
        changes=_summary(delegation),
    )
    return delegation


@transaction.atomic
def delegation_update(*, actor, delegation: Delegation, expected_version: int, **changes):
    """Change a draft or returned application; raises ConflictError on a stale version.

    Lists given replace the stored ones wholesale; fields not given stay as they are."""
    _reject_unknown(changes)
    delegation = _locked(delegation)
    _require_writer(actor, delegation.organising_unit)
    if delegation.version != expected_version:
        raise ConflictError
    if delegation.status not in EDITABLE_STATUSES:
        raise InvalidTransition(
            _("A delegation that is “%(status)s” can no longer be changed.")
            % {"status": delegation.get_status_display()}
        )
    unit = changes.pop("organising_unit", delegation.organising_unit)
    _require_writer(actor, unit)
    before = _summary(delegation)
    cleaned = clean_application({**_stored(delegation), **changes})
    for name, value in cleaned.fields.items():
        setattr(delegation, name, value)
    delegation.organising_unit = unit
    _write_children(delegation, cleaned)
    changed = diff(before, _summary(delegation))
    if changed:
        delegation.version += 1
        delegation.save()
        audit_record(
            actor=actor,
            action="delegation.update",
            obj=delegation,
            unit_id=delegation.organising_unit_id,
            changes=changed,
        )
    return delegation


def _reject_unknown(data: dict) -> None:
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise TypeError(f"unexpected delegation fields: {', '.join(sorted(unknown))}")


def _locked(delegation: Delegation) -> Delegation:
    return (
        Delegation.objects.select_for_update()
        .select_related("organising_unit")
        .get(pk=delegation.pk)
    )


def _stored(delegation: Delegation) -> dict:
    """The stored application in the input shape of delegation_create."""
    return {
        "title": delegation.title,
        "purpose": delegation.purpose,
        "trip_type": delegation.trip_type,
        "leave_china": delegation.leave_china,
        "return_china": delegation.return_china,
        "invitation_from": delegation.invitation_from,
        "invitation_kind": delegation.invitation_kind,
        "host_provides": list(delegation.host_provides),
        "objectives": list(delegation.objectives.values_list("text", flat=True)),
        "members": list(
            delegation.members.values("person", "role_in_delegation", "unit_leader", "academic")
        ),
        "stops": list(
            delegation.stops.values("country", "city", "arrive", "depart", "airside_transit")
        ),
        "budget": list(
            delegation.budget_items.values("kind", "amount", "currency", "funding_source")
        ),
        "schedule": list(delegation.schedule.values("date", "activity", "kind")),
    }


def _write_children(delegation: Delegation, cleaned) -> None:
    """Replace every list of the application with the cleaned one, and what derives from it."""
    delegation.objectives.all().delete()
    DelegationObjective.objects.bulk_create(
        DelegationObjective(delegation=delegation, order=i, text=text)
        for i, text in enumerate(cleaned.objectives)
    )
    delegation.members.all().delete()
    DelegationMember.objects.bulk_create(
        _member(delegation, i, item) for i, item in enumerate(cleaned.members)
    )
    delegation.stops.all().delete()
    ItineraryStop.objects.bulk_create(
        ItineraryStop(delegation=delegation, order=i, **stop)
        for i, stop in enumerate(cleaned.stops)
    )
    delegation.budget_items.all().delete()
    BudgetItem.objects.bulk_create(
        BudgetItem(delegation=delegation, order=i, **item) for i, item in enumerate(cleaned.budget)
    )
    delegation.schedule.all().delete()
    ScheduleEntry.objects.bulk_create(
        ScheduleEntry(delegation=delegation, order=i, **entry)
        for i, entry in enumerate(cleaned.schedule)
    )
    _derive(delegation, [item["person"] for item in cleaned.members], cleaned.members)


def _member(delegation: Delegation, order: int, item: dict) -> DelegationMember:
    person = item["person"]
    return DelegationMember(
        delegation=delegation,
        order=order,
        person=person,
        role_in_delegation=item["role_in_delegation"],
        unit_id=person.unit_id,
        position=person.position,
        rank=person.rank,
        retired=person.retired,
        unit_leader=item["unit_leader"],
        academic=item["academic"],
    )


def _derive(delegation: Delegation, people, members) -> None:
    """Leader, highest rank and size: kept on the row for the list's filters."""
    leaders = [m["person"] for m in members if m["role_in_delegation"] == MemberRole.LEADER]
    delegation.leader = leaders[0] if leaders else None
    seniority = Rank.seniority()
    ranks = sorted((p.rank for p in people), key=seniority.index)
    delegation.top_rank = ranks[0] if ranks else ""
    delegation.member_count = len(people)
    delegation.save()


def _summary(delegation: Delegation) -> dict:
    """What an audit event shows of an application: all of it, so any change is on record."""
    return {
        **_stored(delegation),
        "organising_unit": delegation.organising_unit_id,
        "leader": delegation.leader_id,
    }


# --- transitions ------------------------------------------------------------------------------


@transaction.atomic
def delegation_transition(
    *,
    actor,
    delegation: Delegation,
    action: str,
    expected_version: int,
    comment: str = "",
    justifications: dict[str, str] | None = None,
    on: dt.date | None = None,
) -> Delegation:
    """Take one workflow action on `delegation` as `actor`.

    Side effects: the status and business date, a DelegationEvent with the policy findings of
    the moment (approval stage), justification rows (submit), an approval number (approve), an
    audit event, and outbox jobs: a notification, and after a return the deadline reminders."""
    delegation = _locked(delegation)
    if delegation.version != expected_version:
        raise ConflictError
    workflow.check_allowed(actor, delegation, action)
    comment = (comment or "").strip()
    workflow.require_reason(action, comment)
    on = _trip_day(delegation, action, on)
    # Approval waits for the pre-trip disclosure; a unit with long-overdue items cannot submit.
    if problem := services_trip.transition_problem(delegation, action, timezone.localdate()):
        raise ValidationError(problem)
    result, chain = _policy_gate(delegation, action, justifications or {})
    if action == Action.APPROVE:
        delegation.approval_number = numbering.next_approval_number(delegation)
    moved = workflow.move(delegation, action, chain=chain, on=on)
    delegation.version += 1
    delegation.save()
    event = _record(actor, delegation, moved, comment, result)
    if action == Action.SUBMIT:
        _save_justifications(actor, delegation, event, result, justifications or {})
    jobs.enqueue_after(delegation, event)
    return delegation


def _policy_gate(delegation: Delegation, action: str, justifications: dict[str, str]):
    """(check result, FAO chain) for the step. The approval-stage steps record the findings of
    the moment; submit refuses a block or an unjustified warning, approve refuses a block."""
    if action == Action.SUBMIT:
        result, chain = _prepare_submission(delegation)
        _require_justified(delegation, result, justifications)
        return result, chain
    if not workflow.TRANSITIONS[action].approval_stage:
        return None, None
    result = checks.policy_check(delegation, submitted_on=_submitted_on(delegation))
    if action == Action.APPROVE and checks.blocking(result):
        raise PolicyBlocked(checks.blocking(result))
    return result, None


def _submitted_on(delegation: Delegation) -> dt.date:
    if delegation.submitted_at is None:
        return timezone.localdate()
    return timezone.localdate(delegation.submitted_at)


def _trip_day(delegation: Delegation, action: str, on: dt.date | None) -> dt.date | None:
    if action not in (Action.DEPART, Action.REGISTER_RETURN):
        return None
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise ValidationError({"on": _("The date cannot be in the future.")})
    if action == Action.REGISTER_RETURN and delegation.departed_on and on < delegation.departed_on:
        raise ValidationError(
            {
                "on": _("The return (%(on)s) cannot be before the departure (%(left)s).")
                % {"on": on, "left": delegation.departed_on}
            }
        )
    return on


def _prepare_submission(delegation: Delegation):
    """Refresh the member snapshots, fix the FAO chain, run the policy check; refuse a block."""
    members = list(delegation.members.select_related("person"))
    for member in members:
        person = member.person
        member.unit_id, member.position = person.unit_id, person.position
        member.rank, member.retired = person.rank, person.retired
    DelegationMember.objects.bulk_update(members, ["unit", "position", "rank", "retired"])
    if delegation.leader_id is None:
        raise ValidationError({"members": _("Name the delegation leader before submitting.")})
    seniority = Rank.seniority()
    delegation.top_rank = min((m.rank for m in members), key=seniority.index)
    chain = workflow.review_chain_for(delegation.top_rank, delegation.trip_type)
    result = checks.policy_check(delegation, submitted_on=timezone.localdate())
    if checks.blocking(result):
        raise PolicyBlocked(checks.blocking(result))
    return result, chain


def _justified_rules(delegation: Delegation, given: dict[str, str]) -> set[str]:
    stored = set(delegation.justifications.values_list("rule", flat=True))
    return stored | {rule for rule, text in given.items() if str(text).strip()}


def _require_justified(delegation: Delegation, result, given: dict[str, str]) -> None:
    missing = checks.unjustified_warnings(result, _justified_rules(delegation, given))
    if missing:
        raise JustificationRequired(missing)


def _save_justifications(actor, delegation, event, result, given: dict[str, str]) -> None:
    warned = {f.rule: f.message for f in result.findings if f.severity == "warn"}
    PolicyJustification.objects.bulk_create(
        PolicyJustification(
            delegation=delegation,
            event=event,
            rule=rule,
            finding=warned[rule],
            justification=str(text).strip(),
            by=actor,
            at=event.at,
        )
        for rule, text in given.items()
        if rule in warned and str(text).strip()
    )


def _record(actor, delegation: Delegation, moved, comment: str, result) -> DelegationEvent:
    event = DelegationEvent.objects.create(
        delegation=delegation,
        actor=actor,
        actor_name=str(actor) if actor is not None else "",
        action=moved.action,
        step=moved.step,
        from_status=moved.from_status,
        to_status=moved.to_status,
        comment=comment,
        findings=checks.findings_snapshot(result) if result is not None else None,
        rule_set=result.ruleset if result is not None else "",
        version=delegation.version,
        at=timezone.now(),
    )
    changes = {"status": [moved.from_status, moved.to_status], "step": moved.step}
    if moved.action == Action.APPROVE:
        changes["approval_number"] = delegation.approval_number
    if result is not None:
        changes["rule_set"] = result.ruleset
        changes["findings"] = [f.rule for f in result.findings]
    audit_record(
        actor=actor,
        action=f"delegation.{moved.action}",
        obj=delegation,
        unit_id=delegation.organising_unit_id,
        changes=changes,
        reason=comment,
    )
    return event
