"""Reads of the commission's meetings, scoped to the user.

Meetings belong to the commission, not to a unit: every signed-in user holding a role reads the
confirmed ones; drafts are the secretariat's working copies, shown only to the secretariat, the
administrators and the inspectors. A meeting the user may not see answers 404.
"""

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.shortcuts import get_object_or_404
from django.utils import timezone

from waishi.commission.models import FollowUpTask, Meeting
from waishi.core.access import has_role, roles_of
from waishi.core.roles import Role

DRAFT_READERS = (Role.SECRETARIAT, Role.ADMINISTRATOR, Role.INSPECTOR)
PER_PAGE = 50


def may_read_drafts(user) -> bool:
    return has_role(user, *DRAFT_READERS)


def meetings_for_user(user, *, year=None, status=None, q: str = "") -> QuerySet:
    """The meetings `user` may read, narrowed by year, status and a search term."""
    if not roles_of(user):
        return Meeting.objects.none()
    # Explicit: Meta.ordering is dropped from the GROUP BY queries that count tasks.
    meetings = Meeting.objects.order_by(F("date").desc(nulls_last=True), "-created_at", "-id")
    if not may_read_drafts(user):
        meetings = meetings.filter(status=Meeting.Status.CONFIRMED)
    if year:
        meetings = meetings.filter(date__year=year)
    if status:
        meetings = meetings.filter(status=status)
    q = " ".join((q or "").split())
    if q:
        meetings = meetings.filter(
            Q(title__icontains=q) | Q(number__icontains=q) | Q(source__icontains=q)
        )
    return meetings


def with_task_counts(meetings: QuerySet, today=None) -> QuerySet:
    """Annotate `open_tasks` and `overdue_tasks` (open, deadline passed)."""
    today = today or timezone.localdate()
    is_open = Q(tasks__status=FollowUpTask.Status.OPEN)
    return meetings.annotate(
        open_tasks=Count("tasks", filter=is_open),
        overdue_tasks=Count("tasks", filter=is_open & Q(tasks__deadline__lt=today)),
    )


def meeting_years(user) -> list[int]:
    """The years the user's meetings fall in, latest first (for the year filter)."""
    years = (
        meetings_for_user(user)
        .filter(date__isnull=False)
        .annotate(year=ExtractYear("date"))
        .values_list("year", flat=True)
        .distinct()
    )
    return sorted(set(years), reverse=True)


def get_meeting_for_user(user, pk: int) -> Meeting:
    return get_object_or_404(meetings_for_user(user).select_related("created_by"), pk=pk)


def tasks_of(meeting: Meeting) -> QuerySet:
    return meeting.tasks.select_related("owner_unit", "decision").order_by("deadline", "id")


def visible_person_ids(user, ids) -> set[int]:
    """Which of `ids` name people `user` may open (attendee links lead nowhere otherwise)."""
    from waishi.people.selectors import people_for_user

    ids = [i for i in ids if i]
    if not ids:
        return set()
    return set(people_for_user(user).filter(pk__in=ids).values_list("pk", flat=True))
