"""JSON API: /api/v1/meetings, scoped exactly as the pages (drafts only for the secretariat,
administrators and inspectors; confirmed meetings for every signed-in user with a role).

Registered in waishi.config.api:
    from waishi.commission.api import meetings_router
    api.add_router("/meetings", meetings_router)
"""

from datetime import date

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from waishi.commission import selectors
from waishi.commission.models import Meeting
from waishi.core.api_paging import MAX_LIMIT, MAX_OFFSET

meetings_router = Router(tags=["meetings"])


class AttendeeOut(Schema):
    name: str
    person_id: int | None = None


class DocumentOut(Schema):
    id: int
    title: str
    has_file: bool
    content_type: str

    @staticmethod
    def resolve_has_file(obj) -> bool:
        return bool(obj.attachment)


class DecisionOut(Schema):
    id: int
    text: str


class TaskOut(Schema):
    id: int
    decision_id: int | None
    text: str
    owner_unit_id: int
    owner_unit_name: str
    deadline: date | None
    status: str  # open, done or overdue (open past its deadline)
    version: int

    @staticmethod
    def resolve_owner_unit_name(obj) -> str:
        return obj.owner_unit.name

    @staticmethod
    def resolve_status(obj) -> str:
        return obj.state()


class MeetingOut(Schema):
    id: int
    number: str
    title: str
    date: date | None
    month_day: str
    place: str
    status: str
    chairs: list[str]
    attendees: list[AttendeeOut]
    source: str
    open_tasks: int = 0
    overdue_tasks: int = 0
    version: int


class MeetingDetailOut(MeetingOut):
    agenda: list[str]
    reporters: list[str]
    documents: list[DocumentOut]
    decisions: list[DecisionOut]
    tasks: list[TaskOut]
    confirmed_at: str | None

    @staticmethod
    def resolve_documents(obj):
        return list(obj.documents.all())

    @staticmethod
    def resolve_decisions(obj):
        return list(obj.decisions.all())

    @staticmethod
    def resolve_tasks(obj):
        return list(selectors.tasks_of(obj))

    @staticmethod
    def resolve_confirmed_at(obj):
        return obj.confirmed_at.isoformat() if obj.confirmed_at else None


class MeetingList(Schema):
    items: list[MeetingOut]
    count: int


class Detail(Schema):
    detail: str


@meetings_router.get("/", response=MeetingList, summary="List meetings")
def list_meetings(
    request,
    q: str = Query("", max_length=100),
    year: int | None = Query(None, ge=1949, le=2100),
    status: Meeting.Status | None = None,
    limit: int = Query(50, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    """Meetings the caller may read, latest first."""
    meetings = selectors.meetings_for_user(request.auth, q=q, year=year, status=status)
    page = selectors.with_task_counts(meetings)[offset : offset + limit]
    return {"items": list(page), "count": meetings.count()}


@meetings_router.get(
    "/{int:meeting_id}/", response={200: MeetingDetailOut, 404: Detail}, summary="One meeting"
)
def get_meeting(request, meeting_id: int):
    """A meeting with its agenda, documents, decisions and follow-up tasks."""
    visible = selectors.with_task_counts(selectors.meetings_for_user(request.auth))
    return get_object_or_404(visible, pk=meeting_id)
