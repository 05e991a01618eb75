"""Writes for the commission's meetings. Each service is atomic and writes its audit event."""

import re
from datetime import date

from django.db import transaction

from waishi.commission.models import Meeting
from waishi.commission.news import MeetingDraft
from waishi.core.audit import audit_record

_MONTH_DAY = re.compile(r"^--(\d{2}-\d{2})$")


@transaction.atomic
def meeting_create_draft(*, actor, draft: MeetingDraft) -> Meeting:
    """Create a draft meeting from an imported news release.

    `actor` is the user importing it, or None for the command line (audited as "system").
    Side effects: one audit event, `meeting.import`.
    """
    when, month_day = _date_fields(draft.date)
    meeting = Meeting.objects.create(
        title=(draft.title or "")[:300],
        date=when,
        month_day=month_day,
        chairs=list(draft.chairs),
        attendees=list(draft.attendees),
        documents=list(draft.documents),
        reporters=list(draft.reporters),
        source=(draft.source or "")[:200],
        source_text=draft.text,
        year_source=draft.year_source or "",
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action="meeting.import",
        obj=meeting,
        changes={
            "title": meeting.title,
            "date": str(meeting.date or month_day or ""),
            "year_source": meeting.year_source,
            "chairs": meeting.chairs,
            "attendees": meeting.attendees,
            "documents": meeting.documents,
            "source": meeting.source,
            "warnings": list(draft.warnings),
        },
    )
    return meeting


def _date_fields(value: str | None) -> tuple[date | None, str]:
    if not value:
        return None, ""
    partial = _MONTH_DAY.match(value)
    if partial:
        return None, partial.group(1)
    return date.fromisoformat(value), ""
