"""JSON API: /api/v1/people and /api/v1/units, scoped exactly as the pages; numbers masked.

Registered in waishi.config.api:
    api.add_router("/people", people_router)
    api.add_router("/units", units_router)
"""

from datetime import date

from django.db.models import Q
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from waishi.core.access import unit_scope_q
from waishi.core.api_paging import MAX_LIMIT, MAX_OFFSET
from waishi.core.models import Unit
from waishi.people import selectors
from waishi.people.models import Person, Rank

people_router = Router(tags=["people"])
units_router = Router(tags=["units"])


class PassportOut(Schema):
    id: int
    kind: str
    number_masked: str
    issued_on: date | None
    expires_on: date
    custody: str


class PersonOut(Schema):
    id: int
    name: str
    surname_pinyin: str
    given_pinyin: str
    passport_name: str
    unit_id: int
    unit_name: str
    position: str
    rank: str
    retired: bool
    id_number_masked: str
    official_passport_expires_on: date | None
    version: int

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_official_passport_expires_on(obj):
        return getattr(obj, "official_expires_on", None)


class PersonDetailOut(PersonOut):
    sex: str
    birth_date: date | None
    passports: list[PassportOut]

    @staticmethod
    def resolve_passports(obj):
        return selectors.passports_of(obj)


class PeopleList(Schema):
    items: list[PersonOut]
    count: int


class UnitOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    kind: str
    parent_id: int | None
    depth: int
    is_active: bool


class UnitList(Schema):
    items: list[UnitOut]
    count: int


class Detail(Schema):
    detail: str


def _visible_unit_or_404(user, unit_id: int) -> None:
    if not Unit.objects.filter(unit_scope_q(user, field=""), pk=unit_id).exists():
        raise HttpError(404, "Unit not found.")


@people_router.get("/", response={200: PeopleList, 404: Detail}, summary="List people")
def list_people(
    request,
    q: str = Query("", max_length=64),
    unit: int | None = Query(None, ge=1),
    rank: Rank | None = None,
    subunits: bool = True,
    sort: str = Query("name", pattern=r"^-?(name|unit|rank)$"),
    limit: int = Query(50, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    """People the caller may see; `unit` narrows to that unit (and its sub-units)."""
    if unit is not None:
        _visible_unit_or_404(request.auth, unit)
    people = selectors.people_for_user(
        request.auth, q=q, unit_id=unit, rank=rank, include_subunits=subunits
    )
    ordering = selectors.ordering_for(sort)
    page_ids = people.order_by(*ordering)[offset : offset + limit].values("pk")
    rows = selectors.with_list_columns(Person.objects.filter(pk__in=page_ids))
    return {"items": list(rows.order_by(*ordering)), "count": people.count()}


@people_router.get(
    "/{int:person_id}/", response={200: PersonDetailOut, 404: Detail}, summary="One person"
)
def get_person(request, person_id: int):
    visible = selectors.with_list_columns(selectors.people_for_user(request.auth))
    return get_object_or_404(visible, pk=person_id)


@units_router.get("/", response=UnitList, summary="List units")
def list_units(
    request,
    q: str = Query("", max_length=64),
    limit: int = Query(100, ge=1, le=MAX_LIMIT * 5),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    units = selectors.visible_units(request.auth).only(
        "id", "code", "name", "name_en", "kind", "parent_id", "depth", "is_active", "path"
    )
    if q.strip():
        units = units.filter(Q(name__icontains=q.strip()) | Q(code__iexact=q.strip()))
    return {"items": list(units[offset : offset + limit]), "count": units.count()}


@units_router.get("/{int:unit_id}/", response={200: UnitOut, 404: Detail}, summary="One unit")
def get_unit(request, unit_id: int):
    return get_object_or_404(Unit.objects.filter(unit_scope_q(request.auth, field="")), pk=unit_id)
