"""Writes for the commission's meetings. Each service is atomic, checks the actor, and writes its
audit event in the same transaction.

`actor=None` is the system (the `waishi news import` command, the demo loader) and skips the
permission check; views always pass the signed-in user. Only the commission secretariat and
administrators write. Editing services take the `version` the caller read and raise ConflictError
when someone saved in between, so two editors never silently overwrite each other.
"""

import re
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from waishi.commission.models import Decision, FollowUpTask, Meeting, MeetingDocument
from waishi.commission.news import MeetingDraft
from waishi.core.access import has_role, user_is_active
from waishi.core.audit import audit_record, diff
from waishi.core.roles import Role
from waishi.core.uploads import safe_name, validate_upload

WRITERS = (Role.SECRETARIAT, Role.ADMINISTRATOR)
EDITABLE_FIELDS = (
    "number", "title", "date", "place", "chairs", "attendees", "agenda", "documents", "source"
)  # fmt: skip
_MONTH_DAY = re.compile(r"^--(\d{2}-\d{2})$")


class ConflictError(Exception):
    """The record changed since the user loaded it; saving would overwrite someone's work."""

    def __init__(self, message=None):
        super().__init__(
            message or _("Someone else changed this meeting; reload it and try again.")
        )


def _require_writer(actor) -> None:
    if actor is not None and not has_role(actor, *WRITERS):
        raise PermissionDenied(_("Only the commission secretariat may change meetings."))


def _require_draft(meeting: Meeting) -> None:
    if not meeting.is_draft:
        raise ValidationError(_("This meeting is confirmed; its record can no longer be changed."))


def _names(values) -> list[str]:
    """Names or titles stripped, blanks and repeats dropped, order kept."""
    seen, result = set(), []
    for value in values or []:
        value = " ".join(str(value).split())
        if value and value not in seen:
            seen.add(value)
            result.append(value)
    return result


def link_attendees(actor, names, previous=()) -> list[dict]:
    """`[{"name", "person_id"}]`: a name keeps the person it was linked to, else links to the one
    person of that name `actor` may see; a name shared by several people, or by none, stays free."""
    from waishi.people.selectors import people_for_user

    names = _names(names)
    kept = {
        e["name"]: e["person_id"] for e in previous if isinstance(e, dict) and e.get("person_id")
    }
    matches: dict[str, list[int]] = {}
    if user_is_active(actor):
        rows = people_for_user(actor).filter(name__in=names).values_list("name", "pk")
        for name, pk in rows:
            matches.setdefault(name, []).append(pk)
    linked = []
    for name in names:
        found = matches.get(name, [])
        person_id = kept.get(name) or (found[0] if len(found) == 1 else None)
        linked.append({"name": name, "person_id": person_id})
    return linked


def _audit_view(meeting: Meeting) -> dict:
    return {
        "number": meeting.number,
        "title": meeting.title,
        "date": meeting.date,
        "place": meeting.place,
        "chairs": meeting.chairs,
        "attendees": meeting.attendees,
        "agenda": meeting.agenda,
        "documents": list(meeting.documents.values_list("title", flat=True)),
        "source": meeting.source,
    }


def _apply(meeting: Meeting, fields: dict, *, actor) -> list[str] | None:
    """Set the plain fields on `meeting`; return the document titles to sync, if given."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unexpected meeting fields: {', '.join(sorted(unknown))}")
    for key in ("number", "title", "place", "source"):
        if key in fields:
            setattr(meeting, key, " ".join(str(fields[key] or "").split()))
    if "date" in fields:
        meeting.date = fields["date"]
        if meeting.date:
            meeting.month_day = ""
    for key in ("chairs", "agenda"):
        if key in fields:
            setattr(meeting, key, _names(fields[key]))
    if "attendees" in fields:
        meeting.attendees = link_attendees(actor, fields["attendees"], meeting.attendees)
    if not meeting.title:
        raise ValidationError({"title": _("Give the meeting a title.")})
    return _names(fields["documents"]) if "documents" in fields else None


def _sync_documents(meeting: Meeting, titles: list[str]) -> None:
    """Keep the rows (and attachments) whose titles remain, in the new order; add and drop."""
    existing = {doc.title: doc for doc in meeting.documents.all()}
    for position, title in enumerate(titles):
        doc = existing.pop(title[:300], None) or MeetingDocument(meeting=meeting, title=title[:300])
        doc.position = position
        doc.save()
    for doc in existing.values():
        if doc.attachment:
            transaction.on_commit(lambda f=doc.attachment: f.storage.delete(f.name))
        doc.delete()


@transaction.atomic
def meeting_create_draft(*, actor, draft: MeetingDraft, corrections: dict | None = None) -> Meeting:
    """Create a draft meeting from an imported news release, with the reader's `corrections`
    (any of EDITABLE_FIELDS) taking the place of what the parser read.

    `actor` is the user importing it, or None for the command line (audited as "system").
    Side effects: one audit event, `meeting.import`, naming the fields the reader corrected.
    """
    _require_writer(actor)
    when, month_day = _date_fields(draft.date)
    parsed = {
        "title": (draft.title or "")[:300],
        "date": when,
        "chairs": list(draft.chairs),
        "attendees": list(draft.attendees),
        "documents": list(draft.documents),
        "source": (draft.source or "")[:200],
    }
    corrections = dict(corrections or {})
    meeting = Meeting(
        month_day=month_day,
        reporters=list(draft.reporters),
        source_text=draft.text,
        year_source=draft.year_source or "",
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    titles = _apply(meeting, {**parsed, **corrections}, actor=actor)
    meeting.save()
    _sync_documents(meeting, titles)
    corrected = sorted(
        key
        for key, value in corrections.items()
        if value != parsed.get(key) and (value or key in parsed)
    )
    audit_record(
        actor=actor,
        action="meeting.import",
        obj=meeting,
        changes={
            "title": meeting.title,
            "date": str(meeting.date or meeting.month_day or ""),
            "year_source": meeting.year_source,
            "chairs": meeting.chairs,
            "attendees": meeting.attendee_names,
            "documents": titles,
            "source": meeting.source,
            "warnings": list(draft.warnings),
            "corrected": corrected,
        },
    )
    return meeting


@transaction.atomic
def meeting_create(*, actor, **fields) -> Meeting:
    """A draft meeting entered by hand. Side effects: audit event `meeting.create`."""
    _require_writer(actor)
    meeting = Meeting(created_by=actor if getattr(actor, "is_authenticated", False) else None)
    titles = _apply(meeting, fields, actor=actor)
    meeting.save()
    _sync_documents(meeting, titles or [])
    audit_record(actor=actor, action="meeting.create", obj=meeting, changes=_audit_view(meeting))
    return meeting


def _locked(meeting: Meeting, expected_version: int | None) -> Meeting:
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError
    return locked


@transaction.atomic
def meeting_update(*, actor, meeting: Meeting, expected_version: int, **fields) -> Meeting:
    """Change a draft meeting's record. Raises ConflictError on a stale `expected_version`.

    Side effects: audit event `meeting.update` with the fields that changed (none: no event).
    """
    _require_writer(actor)
    meeting = _locked(meeting, expected_version)
    _require_draft(meeting)
    before = _audit_view(meeting)
    titles = _apply(meeting, fields, actor=actor)
    if titles is not None:
        _sync_documents(meeting, titles)
    changes = diff(before, _audit_view(meeting))
    if not changes:
        return meeting
    meeting.version += 1
    meeting.save()
    audit_record(actor=actor, action="meeting.update", obj=meeting, changes=changes)
    return meeting


@transaction.atomic
def meeting_confirm(*, actor, meeting: Meeting, expected_version: int) -> Meeting:
    """Draft → confirmed: the record is final and every signed-in user may read it.

    Refused without a full date. Side effects: audit event `meeting.confirm`.
    """
    _require_writer(actor)
    meeting = _locked(meeting, expected_version)
    _require_draft(meeting)
    if meeting.date is None:
        raise ValidationError(_("Enter the meeting's date, year included, before confirming it."))
    meeting.status = Meeting.Status.CONFIRMED
    meeting.confirmed_at = timezone.now()
    meeting.confirmed_by = actor if getattr(actor, "is_authenticated", False) else None
    meeting.version += 1
    meeting.save()
    audit_record(
        actor=actor,
        action="meeting.confirm",
        obj=meeting,
        changes={"status": [Meeting.Status.DRAFT, Meeting.Status.CONFIRMED]},
    )
    return meeting


@transaction.atomic
def meeting_add_decision(*, actor, meeting: Meeting, text: str) -> Decision:
    """Record a decision of a draft meeting. Side effects: audit event `meeting.decision_add`."""
    _require_writer(actor)
    meeting = _locked(meeting, None)
    _require_draft(meeting)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the decision.")})
    position = meeting.decisions.count()
    decision = Decision.objects.create(meeting=meeting, position=position, text=text)
    audit_record(
        actor=actor,
        action="meeting.decision_add",
        obj=meeting,
        changes={"decision": decision.pk, "text": text},
    )
    return decision


@transaction.atomic
def document_add(*, actor, meeting: Meeting, title: str, upload=None) -> MeetingDocument:
    """Add a document the meeting reviewed, with its file if given (PDF, JPEG, PNG or DOCX, judged
    by content). Side effects: the file is stored; audit event `meeting.document_add`."""
    _require_writer(actor)
    meeting = _locked(meeting, None)
    _require_draft(meeting)
    title = " ".join((title or "").split())[:300]
    if not title:
        raise ValidationError({"title": _("Give the document's title.")})
    document = meeting.documents.filter(title=title).first() or MeetingDocument(
        meeting=meeting, title=title, position=meeting.documents.count()
    )
    if upload is not None:
        kind = validate_upload(upload)
        if document.attachment:
            old = document.attachment
            transaction.on_commit(lambda: old.storage.delete(old.name))
        document.attachment.save(safe_name(upload.name, kind), upload, save=False)
        document.content_type, document.size = kind.content_type, upload.size
    document.save()
    audit_record(
        actor=actor,
        action="meeting.document_add",
        obj=meeting,
        changes={"document": document.pk, "title": title, "file": document.attachment.name or ""},
    )
    return document


@transaction.atomic
def task_add(
    *, actor, meeting: Meeting, text: str, owner_unit, deadline: date | None = None, decision=None
) -> FollowUpTask:
    """Give `owner_unit` a follow-up task (from `decision`, one of this meeting's decisions).

    Tasks may be added after confirmation: follow-up often comes later. Side effects: audit event
    `task.add`, filed under the owner unit.
    """
    _require_writer(actor)
    meeting = _locked(meeting, None)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Describe the task.")})
    if decision is not None and decision.meeting_id != meeting.pk:
        raise ValidationError({"decision": _("Choose a decision of this meeting.")})
    task = FollowUpTask.objects.create(
        meeting=meeting, decision=decision, text=text, owner_unit=owner_unit, deadline=deadline
    )
    audit_record(
        actor=actor,
        action="task.add",
        obj=task,
        changes={
            "meeting": meeting.pk,
            "decision": decision.pk if decision else None,
            "text": text,
            "owner_unit": owner_unit.pk,
            "deadline": deadline,
        },
    )
    return task


@transaction.atomic
def task_complete(*, actor, task: FollowUpTask, expected_version: int) -> FollowUpTask:
    """Mark an open task done. Side effects: audit event `task.complete`."""
    _require_writer(actor)
    task = FollowUpTask.objects.select_for_update().get(pk=task.pk)
    if task.version != expected_version:
        raise ConflictError(_("Someone else changed this task; reload the page and try again."))
    if task.status == FollowUpTask.Status.DONE:
        raise ValidationError(_("This task is already done."))
    was = task.state()
    task.status = FollowUpTask.Status.DONE
    task.completed_at = timezone.now()
    task.completed_by = actor if getattr(actor, "is_authenticated", False) else None
    task.version += 1
    task.save()
    audit_record(
        actor=actor,
        action="task.complete",
        obj=task,
        changes={"status": [was, FollowUpTask.Status.DONE], "meeting": task.meeting_id},
    )
    return task


def _date_fields(value: str | None) -> tuple[date | None, str]:
    if not value:
        return None, ""
    partial = _MONTH_DAY.match(value)
    if partial:
        return None, partial.group(1)
    return date.fromisoformat(value), ""
