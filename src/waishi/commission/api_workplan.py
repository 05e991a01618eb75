"""JSON API: /api/v1/work-items, scoped exactly as the pages (the secretariat, inspectors and
administrators see every item; a unit sees the items of adopted plans it leads or supports).

Registered in waishi.config.api:
    from waishi.commission.api_workplan import work_items_router
    api.add_router("/work-items", work_items_router)
"""

from __future__ import annotations

import datetime as dt
from enum import Enum

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from waishi.commission import selectors_workplan as selectors
from waishi.commission.models_workplan import WorkItem
from waishi.core.api_paging import MAX_LIMIT, MAX_OFFSET
from waishi.core.models import Unit

work_items_router = Router(tags=["work-items"])

StoredStatus = Enum(
    "StoredStatus",
    {value.upper(): value for value in WorkItem.Status.values if value != WorkItem.Status.OVERDUE},
    type=str,
)


class UnitRef(Schema):
    id: int
    name: str


class ItemOut(Schema):
    id: int
    year: int
    plan_title: str
    section: str
    number: int
    task: str
    lead_unit: UnitRef
    supporting_units: list[UnitRef]
    deadline: dt.date
    measure: str
    status: str  # not_started, in_progress, done or cancelled (as stored)
    state: str  # the status, or "overdue" for an open item past its deadline
    overdue: bool
    progress: int
    completed_on: dt.date | None
    last_reported_at: dt.datetime | None
    version: int

    @staticmethod
    def resolve_year(obj) -> int:
        return obj.plan.year

    @staticmethod
    def resolve_plan_title(obj) -> str:
        return obj.plan.title

    @staticmethod
    def resolve_supporting_units(obj):
        return list(obj.supporting_units.all())

    @staticmethod
    def resolve_state(obj) -> str:
        return obj.state()

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.is_overdue()


class ReportOut(Schema):
    id: int
    unit: UnitRef
    reported_by: str | None
    reported_at: dt.datetime
    percent: int
    status: str
    note: str
    has_evidence: bool

    @staticmethod
    def resolve_reported_by(obj) -> str | None:
        return str(obj.reported_by) if obj.reported_by else None

    @staticmethod
    def resolve_has_evidence(obj) -> bool:
        return bool(obj.evidence)


class LinkOut(Schema):
    id: int
    kind: str
    delegation_id: int | None
    meeting_id: int | None
    title: str
    note: str

    @staticmethod
    def resolve_title(obj) -> str:
        return str(obj.target)


class ItemDetailOut(ItemOut):
    reports: list[ReportOut]
    links: list[LinkOut]  # only those whose record the caller may see
    hidden_links: int  # how many others there are

    @staticmethod
    def resolve_reports(obj):
        return obj.report_rows

    @staticmethod
    def resolve_links(obj):
        return obj.visible_links


class ItemList(Schema):
    items: list[ItemOut]
    count: int


class Detail(Schema):
    detail: str


@work_items_router.get("/", response={200: ItemList, 404: Detail}, summary="List work plan items")
def list_work_items(
    request,
    year: int | None = Query(None, ge=2000, le=2100),
    unit: int | None = Query(None, ge=1, le=2**31 - 1, description="lead or supporting unit"),
    status: StoredStatus | None = None,
    overdue: bool | None = None,
    q: str = Query("", max_length=100),
    limit: int = Query(50, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    """Items the caller may see, latest plan first, in plan order. `unit` takes the items a
    unit (or a unit below it) leads or supports; `overdue=true` the open ones past deadline."""
    unit_obj = None
    if unit is not None:
        unit_obj = Unit.objects.filter(pk=unit).first()
        if unit_obj is None:
            raise HttpError(404, "Unit not found.")
    items = selectors.work_items_for_user(
        request.auth,
        year=year,
        unit=unit_obj,
        status=status.value if status else None,
        overdue=overdue,
        q=q,
        today=timezone.localdate(),
    )
    return {"items": list(items[offset : offset + limit]), "count": items.count()}


@work_items_router.get(
    "/{int:item_id}/", response={200: ItemDetailOut, 404: Detail}, summary="One work plan item"
)
def get_work_item(request, item_id: int):
    """An item with its progress reports and the records (delegations, meetings) that served it
    and that the caller may see."""
    item = get_object_or_404(selectors.work_items_for_user(request.auth), pk=item_id)
    item.report_rows = list(selectors.reports_of(item))
    item.visible_links, item.hidden_links = selectors.links_of(request.auth, item)
    return item
