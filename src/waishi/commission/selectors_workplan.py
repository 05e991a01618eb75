"""Reads of the work plan (工作要点), scoped to the user.

Who sees what: the commission secretariat, inspectors and administrators see every plan and item
of the city, drafts included. Everyone else holding a role (other than traveller) sees the items
of adopted plans that a unit of theirs (a unit in a subtree they hold a role on) leads or
supports, and the plans those items belong to. An item the user may not see answers 404.

`plan_completion(year)` is the one unscoped read: the annual report on the city's foreign
affairs work is citywide.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from waishi.commission.models_workplan import WorkItem, WorkItemLink, WorkPlan
from waishi.core.access import has_role, roles_of, unit_scope_q, user_is_active
from waishi.core.models import Unit
from waishi.core.roles import Role

CITYWIDE = (Role.SECRETARIAT, Role.INSPECTOR, Role.ADMINISTRATOR)
# A traveller's role makes them a delegation member, not someone who answers for a unit's work.
UNIT_ROLES = frozenset(Role) - {Role.TRAVELLER}
OPEN = WorkItem.OPEN
Supporting = WorkItem.supporting_units.through


def sees_citywide(user) -> bool:
    return user_is_active(user) and (has_role(user, *CITYWIDE) or user.is_superuser)


def scoped_unit_ids(user) -> list[int] | None:
    """The ids of the units whose items `user` sees; None when the user sees the whole city."""
    if sees_citywide(user):
        return None
    if not roles_of(user) & UNIT_ROLES:
        return []
    units = Unit.objects.filter(unit_scope_q(user, field="", roles=UNIT_ROLES))
    return list(units.values_list("pk", flat=True))


def _involving(unit_ids) -> Q:
    """Items led or supported by one of `unit_ids`."""
    supports = Supporting.objects.filter(workitem_id=OuterRef("pk"), unit_id__in=unit_ids)
    return Q(lead_unit_id__in=unit_ids) | Q(Exists(supports))


def _in_subtree(unit: Unit) -> Q:
    supports = Supporting.objects.filter(
        workitem_id=OuterRef("pk"), unit__path__startswith=unit.path
    )
    return Q(lead_unit__path__startswith=unit.path) | Q(Exists(supports))


def overdue_q(today: dt.date | None = None) -> Q:
    return Q(status__in=OPEN, deadline__lt=today or timezone.localdate())


def plans_for_user(user) -> QuerySet:
    """The plans `user` may open: every plan citywide; else adopted plans with an item of theirs."""
    unit_ids = scoped_unit_ids(user)
    if unit_ids is None:
        return WorkPlan.objects.all()
    if not unit_ids:
        return WorkPlan.objects.none()
    items = WorkItem.objects.filter(_involving(unit_ids), plan_id=OuterRef("pk"))
    return WorkPlan.objects.filter(Exists(items), status=WorkPlan.Status.ADOPTED)


def get_plan_for_user(user, year: int) -> WorkPlan:
    return get_object_or_404(plans_for_user(user).select_related("meeting"), year=year)


def work_items_for_user(
    user,
    *,
    year: int | None = None,
    plan: WorkPlan | None = None,
    unit: Unit | None = None,
    status: str | None = None,
    overdue: bool | None = None,
    q: str = "",
    today: dt.date | None = None,
) -> QuerySet:
    """The items `user` may see, in plan order, narrowed by year (or plan), unit (lead or
    supporting, its subtree included), stored status, overdue (open past the deadline) and a
    search term. Rows come with their plan and lead unit; supporting units are prefetched."""
    unit_ids = scoped_unit_ids(user)
    items = WorkItem.objects.all()
    if unit_ids is not None:
        items = items.filter(_involving(unit_ids), plan__status=WorkPlan.Status.ADOPTED)
    if plan is not None:
        items = items.filter(plan=plan)
    if year:
        items = items.filter(plan__year=year)
    if unit is not None:
        items = items.filter(_in_subtree(unit))
    if status:
        items = items.filter(status=status)
    if overdue is not None:
        today = today or timezone.localdate()
        items = items.filter(overdue_q(today)) if overdue else items.exclude(overdue_q(today))
    q = " ".join((q or "").split())
    if q:
        items = items.filter(
            Q(task__icontains=q) | Q(section__icontains=q) | Q(measure__icontains=q)
        )
    return (
        items.select_related("plan", "lead_unit")
        .prefetch_related(Prefetch("supporting_units", queryset=Unit.objects.order_by("path")))
        .order_by("-plan__year", "number", "id")
    )


def get_work_item_for_user(user, pk: int) -> WorkItem:
    return get_object_or_404(work_items_for_user(user), pk=pk)


def sections_of(items) -> list[tuple[str, list[WorkItem]]]:
    """Items grouped under their section headings, in plan order (a heading's place is that of
    its first item)."""
    grouped: dict[str, list[WorkItem]] = {}
    for item in items:
        grouped.setdefault(item.section, []).append(item)
    return list(grouped.items())


def reports_of(item: WorkItem) -> QuerySet:
    return item.reports.select_related("unit", "reported_by").order_by("-reported_at", "-id")


def links_of(user, item: WorkItem) -> tuple[list[WorkItemLink], int]:
    """The item's links whose record `user` may open, and how many others there are."""
    from waishi.commission.selectors import meetings_for_user
    from waishi.delegations.models import Delegation
    from waishi.delegations.selectors import scope_q

    links = list(
        item.links.select_related("delegation__organising_unit", "meeting", "created_by").order_by(
            "kind", "created_at", "id"
        )
    )
    delegation_ids = [link.delegation_id for link in links if link.delegation_id]
    meeting_ids = [link.meeting_id for link in links if link.meeting_id]
    seen_delegations = set(
        Delegation.objects.filter(scope_q(user), pk__in=delegation_ids).values_list("pk", flat=True)
        if delegation_ids
        else ()
    )
    seen_meetings = set(
        meetings_for_user(user).filter(pk__in=meeting_ids).values_list("pk", flat=True)
        if meeting_ids
        else ()
    )
    visible = [
        link
        for link in links
        if link.delegation_id in seen_delegations or link.meeting_id in seen_meetings
    ]
    return visible, len(links) - len(visible)


def linkable_delegations(user, item: WorkItem) -> QuerySet:
    """Delegations worth offering for a link: the user's, organised by the item's units (their
    subtrees), leaving China in the plan's year or the year before, not linked yet."""
    from waishi.delegations.models import Delegation
    from waishi.delegations.selectors import scope_q

    units = [item.lead_unit, *item.supporting_units.all()]
    by_units = Q(pk__in=[])
    for unit in units:
        by_units |= Q(organising_unit__path__startswith=unit.path)
    year = item.plan.year
    return (
        Delegation.objects.filter(scope_q(user), by_units)
        .filter(leave_china__gte=dt.date(year - 1, 1, 1), leave_china__lte=dt.date(year, 12, 31))
        .exclude(work_item_links__item=item)
        .select_related("organising_unit")
        .order_by("-leave_china", "-id")
    )


def linkable_meetings(user, item: WorkItem) -> QuerySet:
    from waishi.commission.selectors import meetings_for_user

    year = item.plan.year
    return (
        meetings_for_user(user)
        .filter(Q(date__year__in=(year - 1, year)) | Q(date__isnull=True))
        .exclude(work_item_links__item=item)
    )


def items_served_by_meeting(user, meeting) -> list[WorkItem]:
    """The items of the user's that a meeting served (for the meeting page)."""
    served = WorkItemLink.objects.filter(meeting=meeting, item_id=OuterRef("pk"))
    return list(work_items_for_user(user).filter(Exists(served)))


# --- counts -----------------------------------------------------------------------------------


def _counts(today: dt.date) -> dict:
    live = ~Q(status=WorkItem.Status.CANCELLED)
    return {
        "total": Count("id", filter=live),
        "done": Count("id", filter=Q(status=WorkItem.Status.DONE)),
        "in_progress": Count("id", filter=Q(status=WorkItem.Status.IN_PROGRESS)),
        "not_started": Count("id", filter=Q(status=WorkItem.Status.NOT_STARTED)),
        "cancelled": Count("id", filter=Q(status=WorkItem.Status.CANCELLED)),
        "overdue": Count("id", filter=overdue_q(today)),
    }


def _rate(done: int, total: int) -> float:
    return round(done / total, 4) if total else 0.0


def status_counts(items: QuerySet, today: dt.date | None = None) -> dict:
    """{"total" (cancelled left out), "done", "in_progress", "not_started", "cancelled",
    "overdue", "completion_rate"} of `items` in one query."""
    today = today or timezone.localdate()
    counts = items.order_by().aggregate(**_counts(today))
    counts["completion_rate"] = _rate(counts["done"], counts["total"])
    return counts


def counts_by_unit(items: QuerySet, today: dt.date | None = None) -> list[dict]:
    """Per lead unit, the units with most items first: the status counts and completion rate."""
    today = today or timezone.localdate()
    rows = (
        items.order_by()
        .values("lead_unit_id", "lead_unit__name", "lead_unit__path")
        .annotate(**_counts(today))
        .order_by("-total", "lead_unit__path")
    )
    return [
        {
            "unit_id": row["lead_unit_id"],
            "unit": row["lead_unit__name"],
            **{key: row[key] for key in _counts(today)},
            "completion_rate": _rate(row["done"], row["total"]),
        }
        for row in rows
    ]


def plan_years(user) -> list[int]:
    return list(plans_for_user(user).order_by("-year").values_list("year", flat=True))


def plans_with_counts(user, today: dt.date | None = None) -> list[WorkPlan]:
    """The user's plans, latest first, each with `counts` of the items the user sees."""
    plans = list(plans_for_user(user).select_related("meeting").order_by("-year"))
    items = work_items_for_user(user).filter(plan__in=plans)
    today = today or timezone.localdate()
    rows = items.order_by().values("plan_id").annotate(**_counts(today))
    by_plan = {row["plan_id"]: row for row in rows}
    empty = dict.fromkeys(_counts(today), 0)
    for plan in plans:
        plan.counts = dict(by_plan.get(plan.pk, empty))
        plan.counts["completion_rate"] = _rate(plan.counts["done"], plan.counts["total"])
    return plans


def overdue_items(user, today: dt.date | None = None) -> QuerySet:
    """Open items of the user's past their deadline, most overdue first."""
    today = today or timezone.localdate()
    return (
        work_items_for_user(user, overdue=True, today=today)
        .filter(plan__status=WorkPlan.Status.ADOPTED)
        .order_by("deadline", "plan__year", "number")
    )


# --- the annual report ------------------------------------------------------------------------


def plan_completion(year: int) -> dict:
    """How the city's work plan of `year` stands, for the annual report (citywide, unscoped).

    {"year", "plan_title" (None without a plan), "total", "done", "in_progress", "not_started",
     "overdue", "completion_rate" (done / total, 0..1), "by_unit": [{"unit", "total", "done",
     "overdue"}] by lead unit, "items": [{"section", "number", "task", "lead_unit", "status",
     "progress", "deadline"}]}. Cancelled items are left out of every count and of the list. An
    item's "status" is not_started, in_progress, done, or overdue (open past its deadline);
    "deadline" is a date. Three queries whatever the plan's size.
    """
    today = timezone.localdate()
    plan = WorkPlan.objects.filter(year=year).first()
    result = {
        "year": year,
        "plan_title": plan.title if plan else None,
        "total": 0,
        "done": 0,
        "in_progress": 0,
        "not_started": 0,
        "overdue": 0,
        "completion_rate": 0.0,
        "by_unit": [],
        "items": [],
    }
    if plan is None:
        return result
    items = WorkItem.objects.filter(plan=plan).exclude(status=WorkItem.Status.CANCELLED)
    counts = status_counts(items, today)
    for key in ("total", "done", "in_progress", "not_started", "overdue", "completion_rate"):
        result[key] = counts[key]
    result["by_unit"] = [
        {"unit": row["unit"], "total": row["total"], "done": row["done"], "overdue": row["overdue"]}
        for row in counts_by_unit(items, today)
    ]
    rows = items.select_related("lead_unit").order_by("number", "id")
    result["items"] = [
        {
            "section": item.section,
            "number": item.number,
            "task": item.task,
            "lead_unit": item.lead_unit.name,
            "status": item.state(today),
            "progress": item.progress,
            "deadline": item.deadline,
        }
        for item in rows
    ]
    return result
