"""Writes of the work plan (工作要点). Each service is atomic, checks the actor, checks the state,
writes its audit event in the same transaction and leaves reminders in the outbox.

Who may do what:
  * the commission secretariat (and administrators) make the plan: create and edit it, adopt it,
    add, edit, cancel, reopen and remove items;
  * a unit's liaison reports progress on the items its unit leads or supports (only the lead
    unit reports an item done, and only with evidence) and links the delegations and meetings
    that served them — the secretariat may link too;
  * `actor=None` is the system (the demo loader) and skips the permission checks.

Editing services take the `version` the caller read and raise ConflictError (HTTP 409 in the
API) when someone saved in between. Bad input raises ValidationError with a message per field;
nothing is saved.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from waishi.commission import jobs_workplan
from waishi.commission.models import Meeting
from waishi.commission.models_workplan import WorkItem, WorkItemLink, WorkItemProgress, WorkPlan
from waishi.core.access import has_role
from waishi.core.audit import audit_record, diff
from waishi.core.roles import Role
from waishi.core.uploads import safe_name, validate_upload
from waishi.delegations.models import Delegation
from waishi.delegations.workflow import ConflictError, covers

WRITERS = (Role.SECRETARIAT, Role.ADMINISTRATOR)
REPORTERS = (Role.LIAISON,)
ITEM_FIELDS = (
    "section", "number", "task", "lead_unit", "supporting_units", "deadline", "measure"
)  # fmt: skip
FIRST_YEAR, LAST_YEAR = 2000, 2100


# --- who may ----------------------------------------------------------------------------------


def may_write(actor) -> bool:
    return actor is None or has_role(actor, *WRITERS)


def _require_writer(actor) -> None:
    if not may_write(actor):
        raise PermissionDenied(_("Only the commission secretariat may change the work plan."))


def reporting_unit(actor, item: WorkItem):
    """The unit `actor` reports for on `item`: the lead unit if they are its liaison, else the
    first supporting unit they are liaison of; None when they may not report on it."""
    if actor is None:
        return item.lead_unit
    if covers(actor, item.lead_unit, REPORTERS):
        return item.lead_unit
    for unit in item.supporting_units.all():
        if covers(actor, unit, REPORTERS):
            return unit
    return None


def may_report(actor, item: WorkItem) -> bool:
    plan = item.plan
    return not plan.is_draft and item.is_open and reporting_unit(actor, item) is not None


def may_link(actor, item: WorkItem) -> bool:
    return may_write(actor) or reporting_unit(actor, item) is not None


def _by(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


# --- checks -----------------------------------------------------------------------------------


def _locked_plan(plan: WorkPlan, expected_version: int | None) -> WorkPlan:
    locked = WorkPlan.objects.select_for_update().get(pk=plan.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(_("Someone else changed this work plan; reload it and try again."))
    return locked


def _locked_item(item: WorkItem, expected_version: int | None) -> WorkItem:
    locked = WorkItem.objects.select_for_update().select_related("plan", "lead_unit")
    locked = locked.get(pk=item.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(_("Someone else changed this work item; reload it and try again."))
    return locked


def _text(value, limit: int | None = None) -> str:
    text = "\n".join(" ".join(line.split()) for line in str(value or "").strip().splitlines())
    return text[:limit] if limit else text


def _check_year(year) -> int:
    if not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        message = _("Give a year between %(first)s and %(last)s.")
        raise ValidationError({"year": message % {"first": FIRST_YEAR, "last": LAST_YEAR}})
    return year


def _check_deadline(plan: WorkPlan, deadline) -> None:
    if not isinstance(deadline, dt.date):
        raise ValidationError({"deadline": _("Give the item's deadline.")})
    first, last = dt.date(plan.year, 1, 1), dt.date(plan.year + 1, 12, 31)
    if not first <= deadline <= last:
        raise ValidationError(
            {
                "deadline": _(
                    "The deadline of an item of the %(year)s plan falls between %(first)s "
                    "and %(last)s."
                )
                % {"year": plan.year, "first": first, "last": last}
            }
        )


def _check_units(lead_unit, supporting_units) -> list:
    errors = {}
    if lead_unit is None:
        errors["lead_unit"] = _("Choose the lead unit.")
    elif not lead_unit.is_active:
        errors["lead_unit"] = _("This unit is no longer active.")
    supporting = list(dict.fromkeys(supporting_units or ()))
    if lead_unit is not None and lead_unit in supporting:
        errors["supporting_units"] = _("The lead unit cannot also be a supporting unit.")
    elif any(not unit.is_active for unit in supporting):
        errors["supporting_units"] = _("A supporting unit is no longer active.")
    if errors:
        raise ValidationError(errors)
    return supporting


def _check_number(plan: WorkPlan, number, exclude_pk=None) -> int:
    if number is None:
        highest = plan.items.aggregate(highest=Max("number"))["highest"] or 0
        return highest + 1
    if not isinstance(number, int) or number < 1:
        raise ValidationError({"number": _("Number the item from 1.")})
    taken = plan.items.filter(number=number).exclude(pk=exclude_pk).exists()
    if taken:
        raise ValidationError(
            {"number": _("Item %(number)s already exists in this plan.") % {"number": number}}
        )
    return number


def _audit_view(item: WorkItem, supporting=None) -> dict:
    units = supporting if supporting is not None else item.supporting_units.all()
    return {
        "section": item.section,
        "number": item.number,
        "task": item.task,
        "lead_unit": item.lead_unit_id,
        "supporting_units": sorted(unit.pk for unit in units),
        "deadline": item.deadline,
        "measure": item.measure,
    }


# --- the plan ---------------------------------------------------------------------------------


@transaction.atomic
def work_plan_create(*, actor, year: int, title: str, note: str = "") -> WorkPlan:
    """Start the plan of `year` as a draft. Side effects: audit event `workplan.create`."""
    _require_writer(actor)
    _check_year(year)
    title = _text(title, 300)
    if not title:
        raise ValidationError({"title": _("Give the plan a title.")})
    if WorkPlan.objects.filter(year=year).exists():
        raise ValidationError(
            {"year": _("There is already a work plan for %(year)s.") % {"year": year}}
        )
    plan = WorkPlan.objects.create(year=year, title=title, note=_text(note), created_by=_by(actor))
    audit_record(
        actor=actor,
        action="workplan.create",
        obj=plan,
        changes={"year": year, "title": title, "note": plan.note},
    )
    return plan


@transaction.atomic
def work_plan_update(
    *, actor, plan: WorkPlan, expected_version: int, title: str, note: str = ""
) -> WorkPlan:
    """Change the plan's title and note. Side effects: audit event `workplan.update`."""
    _require_writer(actor)
    plan = _locked_plan(plan, expected_version)
    before = {"title": plan.title, "note": plan.note}
    plan.title, plan.note = _text(title, 300), _text(note)
    if not plan.title:
        raise ValidationError({"title": _("Give the plan a title.")})
    changes = diff(before, {"title": plan.title, "note": plan.note})
    if changes:
        plan.version += 1
        plan.save()
        audit_record(actor=actor, action="workplan.update", obj=plan, changes=changes)
    return plan


@transaction.atomic
def work_plan_adopt(
    *,
    actor,
    plan: WorkPlan,
    expected_version: int,
    meeting: Meeting | None = None,
    adopted_on: dt.date | None = None,
) -> WorkPlan:
    """Draft → adopted, at `meeting` (one the actor may read) on `adopted_on` (default: the
    meeting's date, else today). Units then see their items and report on them.

    Side effects: audit event `workplan.adopt`; deadline reminders for every open item.
    """
    _require_writer(actor)
    plan = _locked_plan(plan, expected_version)
    if not plan.is_draft:
        raise ValidationError(_("This work plan is already adopted."))
    if not plan.items.exists():
        raise ValidationError(_("Add the plan's items before adopting it."))
    if meeting is not None and not _visible(actor, None, meeting):
        raise ValidationError({"meeting": _("Choose a meeting you may read.")})
    plan.status = WorkPlan.Status.ADOPTED
    plan.meeting = meeting
    plan.adopted_on = adopted_on or (meeting.date if meeting else None) or timezone.localdate()
    plan.adopted_by = _by(actor)
    plan.version += 1
    plan.save()
    audit_record(
        actor=actor,
        action="workplan.adopt",
        obj=plan,
        changes={
            "status": [WorkPlan.Status.DRAFT, WorkPlan.Status.ADOPTED],
            "meeting": meeting.pk if meeting else None,
            "adopted_on": plan.adopted_on,
        },
    )
    for item in plan.items.filter(status__in=WorkItem.OPEN):
        jobs_workplan.schedule_reminders(item)
    return plan


# --- items ------------------------------------------------------------------------------------


@transaction.atomic
def work_item_add(
    *,
    actor,
    plan: WorkPlan,
    task: str,
    lead_unit,
    deadline: dt.date,
    section: str = "",
    number: int | None = None,
    measure: str = "",
    supporting_units=(),
) -> WorkItem:
    """Add an item to the plan (numbered after the last one unless `number` is given).

    Side effects: audit event `work_item.add`; reminders when the plan is already adopted.
    """
    _require_writer(actor)
    plan = _locked_plan(plan, None)
    task = _text(task)
    if not task:
        raise ValidationError({"task": _("Describe the task.")})
    supporting = _check_units(lead_unit, supporting_units)
    _check_deadline(plan, deadline)
    item = WorkItem(
        plan=plan,
        section=_text(section, 200),
        number=_check_number(plan, number),
        task=task,
        lead_unit=lead_unit,
        deadline=deadline,
        measure=_text(measure),
    )
    item.save()
    item.supporting_units.set(supporting)
    audit_record(
        actor=actor,
        action="work_item.add",
        obj=item,
        changes={"plan": plan.pk, **_audit_view(item, supporting)},
    )
    if not plan.is_draft:
        jobs_workplan.schedule_reminders(item)
    return item


@transaction.atomic
def work_item_update(*, actor, item: WorkItem, expected_version: int, **fields) -> WorkItem:
    """Change an item's fields (any of ITEM_FIELDS). A new deadline gets new reminders.

    Side effects: audit event `work_item.update` with the fields that changed.
    """
    _require_writer(actor)
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"unexpected work item fields: {', '.join(sorted(unknown))}")
    item = _locked_item(item, expected_version)
    before = _audit_view(item)
    supporting = list(item.supporting_units.all())
    if "task" in fields:
        item.task = _text(fields["task"])
        if not item.task:
            raise ValidationError({"task": _("Describe the task.")})
    for key, limit in (("section", 200), ("measure", None)):
        if key in fields:
            setattr(item, key, _text(fields[key], limit))
    if "lead_unit" in fields or "supporting_units" in fields:
        item.lead_unit = fields.get("lead_unit", item.lead_unit)
        supporting = _check_units(item.lead_unit, fields.get("supporting_units", supporting))
    if "deadline" in fields:
        _check_deadline(item.plan, fields["deadline"])
        item.deadline = fields["deadline"]
    if "number" in fields and fields["number"] != item.number:
        item.number = _check_number(item.plan, fields["number"], exclude_pk=item.pk)
    changes = diff(before, _audit_view(item, supporting))
    if not changes:
        return item
    item.version += 1
    item.save()
    item.supporting_units.set(supporting)
    audit_record(actor=actor, action="work_item.update", obj=item, changes=changes)
    if "deadline" in changes and item.is_open and not item.plan.is_draft:
        jobs_workplan.schedule_reminders(item)
    return item


@transaction.atomic
def work_item_remove(*, actor, item: WorkItem, expected_version: int) -> None:
    """Delete an item entered by mistake: only one nobody has reported on or linked to yet
    (otherwise cancel it, which keeps its history). Side effects: audit event
    `work_item.remove` with the item's fields."""
    _require_writer(actor)
    item = _locked_item(item, expected_version)
    if item.reports.exists() or item.links.exists():
        raise ValidationError(
            _("Units have reported on this item or linked records to it; cancel it instead.")
        )
    view = {"plan": item.plan_id, **_audit_view(item)}
    audit_record(actor=actor, action="work_item.remove", obj=item, changes=view)
    item.delete()


def _move(actor, item: WorkItem, action: str, target: str, reason: str) -> WorkItem:
    was = item.status
    item.status = target
    item.cancel_reason = reason if target == WorkItem.Status.CANCELLED else ""
    if target != WorkItem.Status.DONE:
        item.completed_on = None
    item.version += 1
    item.save()
    audit_record(
        actor=actor, action=action, obj=item, changes={"status": [was, target]}, reason=reason
    )
    return item


@transaction.atomic
def work_item_cancel(*, actor, item: WorkItem, expected_version: int, reason: str) -> WorkItem:
    """An open item the commission dropped: not started / in progress → cancelled, with the
    reason. It leaves the completion counts. Side effects: audit event `work_item.cancel`."""
    _require_writer(actor)
    item = _locked_item(item, expected_version)
    reason = _text(reason, 2000)
    if not item.is_open:
        raise ValidationError(_("Only an open item can be cancelled."))
    if not reason:
        raise ValidationError({"reason": _("Say why the item is cancelled.")})
    return _move(actor, item, "work_item.cancel", WorkItem.Status.CANCELLED, reason)


@transaction.atomic
def work_item_reopen(*, actor, item: WorkItem, expected_version: int, reason: str) -> WorkItem:
    """A done or cancelled item taken up again (a completion that did not hold, a cancelled
    task restored) → in progress. Side effects: audit event `work_item.reopen`; reminders."""
    _require_writer(actor)
    item = _locked_item(item, expected_version)
    reason = _text(reason, 2000)
    if item.is_open:
        raise ValidationError(_("This item is still open."))
    if not reason:
        raise ValidationError({"reason": _("Say why the item is reopened.")})
    item = _move(actor, item, "work_item.reopen", WorkItem.Status.IN_PROGRESS, reason)
    if item.progress == 100:
        item.progress = 99
        item.save(update_fields=["progress"])
    if not item.plan.is_draft:
        jobs_workplan.schedule_reminders(item)
    return item


# --- progress ---------------------------------------------------------------------------------


def _check_report(item: WorkItem, unit, percent, status, note, evidence) -> None:
    if item.plan.is_draft:
        raise ValidationError(_("The plan is not adopted yet; progress is reported after that."))
    if not item.is_open:
        message = _("This item is %(status)s; no more progress is reported on it.")
        raise ValidationError(message % {"status": item.get_status_display()})
    errors = {}
    if status not in WorkItemProgress.Status.values:
        errors["status"] = _("Choose whether the item is in progress or done.")
    if not isinstance(percent, int) or not 0 <= percent <= 100:
        errors["percent"] = _("Give the progress as a whole number from 0 to 100.")
    elif status == WorkItemProgress.Status.IN_PROGRESS and percent == 100:
        errors["percent"] = _("At 100% the item is done: report it done, with the evidence.")
    if not note:
        errors["note"] = _("Say what was done.")
    if status == WorkItemProgress.Status.DONE:
        if unit != item.lead_unit:
            errors["status"] = _("Only the lead unit (%(unit)s) reports the item done.") % {
                "unit": item.lead_unit.name
            }
        if evidence is None:
            errors["evidence"] = _("Attach the evidence that the item is done.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def work_item_report(
    *,
    actor,
    item: WorkItem,
    expected_version: int,
    percent: int,
    status: str,
    note: str,
    evidence=None,
) -> WorkItemProgress:
    """A unit's progress report on an open item of an adopted plan.

    The lead unit's report sets the item's percentage and status (done needs evidence: a PDF,
    JPEG, PNG or DOCX judged by its content); a supporting unit's report is recorded and starts
    an item not started yet. Side effects: the evidence file is stored; audit event
    `work_item.report`.
    """
    item = _locked_item(item, expected_version)
    unit = reporting_unit(actor, item)
    if unit is None:
        raise PermissionDenied(_("Only the liaison of the lead or a supporting unit reports."))
    note = _text(note, 4000)
    if status == WorkItemProgress.Status.DONE:
        percent = 100  # done is done: whatever the form's slider said
    _check_report(item, unit, percent, status, note, evidence)
    kind = validate_upload(evidence) if evidence is not None else None
    now = timezone.now()
    report = WorkItemProgress(
        item=item,
        unit=unit,
        reported_by=_by(actor),
        reported_at=now,
        percent=percent,
        status=status,
        note=note,
    )
    if kind is not None:
        report.evidence.save(safe_name(evidence.name, kind), evidence, save=False)
        report.evidence_name = (evidence.name or "")[:200]
        report.content_type, report.size = kind.content_type, evidence.size
    report.save()
    was = (item.status, item.progress)
    if unit == item.lead_unit:
        item.progress = percent
        item.status = status
        item.completed_on = timezone.localdate() if status == WorkItem.Status.DONE else None
    elif item.status == WorkItem.Status.NOT_STARTED:
        item.status = WorkItem.Status.IN_PROGRESS
    item.last_reported_at = now
    item.version += 1
    item.save()
    audit_record(
        actor=actor,
        action="work_item.report",
        obj=item,
        changes={
            "report": report.pk,
            "unit": unit.pk,
            "percent": percent,
            "status": [was[0], item.status],
            "progress": [was[1], item.progress],
            "note": note,
            "evidence": report.evidence.name or "",
        },
    )
    return report


# --- links ------------------------------------------------------------------------------------


def _visible(actor, delegation, meeting) -> bool:
    from waishi.commission.selectors import meetings_for_user
    from waishi.delegations.selectors import scope_q

    if actor is None:
        return True
    if delegation is not None:
        return Delegation.objects.filter(scope_q(actor), pk=delegation.pk).exists()
    return meetings_for_user(actor).filter(pk=meeting.pk).exists()


@transaction.atomic
def work_item_link(
    *, actor, item: WorkItem, delegation: Delegation | None = None, meeting=None, note: str = ""
) -> WorkItemLink:
    """Record that `delegation` or `meeting` (exactly one, and one the actor may see) served the
    item. Side effects: audit event `work_item.link`."""
    item = _locked_item(item, None)
    if not may_link(actor, item):
        raise PermissionDenied(_("Only the secretariat or the item's units link records to it."))
    if (delegation is None) == (meeting is None):
        raise ValidationError(_("Choose one delegation or one meeting to link."))
    if not _visible(actor, delegation, meeting):
        field = "delegation" if delegation is not None else "meeting"
        raise ValidationError({field: _("Choose a record you may see.")})
    kind = WorkItemLink.Kind.DELEGATION if delegation is not None else WorkItemLink.Kind.MEETING
    target = {"delegation": delegation} if delegation is not None else {"meeting": meeting}
    if item.links.filter(**target).exists():
        raise ValidationError(_("This record is already linked to the item."))
    link = WorkItemLink.objects.create(
        item=item, kind=kind, note=_text(note, 200), created_by=_by(actor), **target
    )
    audit_record(
        actor=actor,
        action="work_item.link",
        obj=item,
        changes={"link": link.pk, "kind": kind, "target": (delegation or meeting).pk},
    )
    return link


@transaction.atomic
def work_item_unlink(*, actor, link: WorkItemLink) -> None:
    """Remove a link made by mistake. Side effects: audit event `work_item.unlink`."""
    item = _locked_item(link.item, None)
    if not may_link(actor, item):
        raise PermissionDenied(_("Only the secretariat or the item's units link records to it."))
    audit_record(
        actor=actor,
        action="work_item.unlink",
        obj=item,
        changes={
            "link": link.pk,
            "kind": link.kind,
            "target": link.delegation_id or link.meeting_id,
        },
    )
    link.delete()
