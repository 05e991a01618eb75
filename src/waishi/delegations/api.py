"""JSON API: /api/v1/delegations — list, detail, create, update, transition — scoped exactly as
the pages and written only through the services.

Registered in waishi.config.api:
    from waishi.delegations.api import delegations_router
    api.add_router("/delegations", delegations_router)

Refusals answer `{"detail": "..."}`: 400 bad input (ValidationError, e.g. a blocking policy
finding), 403 a role that does not allow it, 404 outside the caller's units, 409 a stale
version (ConflictError) or an action the present state does not allow (InvalidTransition).
Approving also needs the browser session's fresh password confirmation (the sudo window): a
personal token alone cannot approve.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Path, Query, Router, Schema
from ninja import Status as Answer
from ninja.errors import HttpError
from pydantic import Field

from waishi.core import sudo
from waishi.core.access import unit_scope_q
from waishi.core.api_paging import MAX_LIMIT, MAX_OFFSET
from waishi.core.models import Unit
from waishi.delegations import selectors_browse as browse
from waishi.delegations import services, workflow
from waishi.delegations.forms_browse import SUDO_ACTIONS
from waishi.delegations.models import (
    BudgetKind,
    Delegation,
    HostProvides,
    InvitationKind,
    MemberRole,
    ScheduleKind,
    Status,
    TripType,
)
from waishi.delegations.selectors import get_delegation_for_user
from waishi.people.models import Rank
from waishi.people.selectors import people_for_user

delegations_router = Router(tags=["delegations"])
MAX_ID = 2**63 - 1
Text = Field(default="", max_length=4000)
SUDO_REFUSAL = _(
    "Approving needs your password confirmed within the last few minutes: approve on the "
    "delegation's page, or confirm your password there first."
)


class Detail(Schema):
    detail: str


class StopIO(Schema):
    country: str = Field(max_length=2)
    city: str = Field(default="", max_length=100)
    arrive: date
    depart: date
    airside_transit: bool = False


class MemberIn(Schema):
    person: int = Field(ge=1, le=MAX_ID)
    role_in_delegation: MemberRole = MemberRole.MEMBER
    unit_leader: bool = False
    academic: bool = False


class MemberOut(Schema):
    person_id: int
    name: str
    role_in_delegation: str
    unit_id: int
    unit_name: str
    position: str
    rank: str
    retired: bool
    unit_leader: bool
    academic: bool

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.person.name

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.unit.name


class BudgetIO(Schema):
    kind: BudgetKind
    amount: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    currency: str = Field(default="CNY", max_length=3)
    funding_source: str = Field(default="", max_length=200)


class ScheduleIO(Schema):
    date: date
    activity: str = Field(default="", max_length=300)
    kind: ScheduleKind


class EventOut(Schema):
    action: str
    step: str
    actor: str
    from_status: str
    to_status: str
    comment: str
    findings: dict | None
    rule_set: str
    version: int
    at: str

    @staticmethod
    def resolve_actor(obj) -> str:
        return obj.actor_name

    @staticmethod
    def resolve_at(obj) -> str:
        return obj.at.isoformat()


class DelegationOut(Schema):
    id: int
    title: str
    organising_unit_id: int
    organising_unit_name: str
    leader_name: str | None
    trip_type: str
    status: str
    pending_step: str
    approval_number: str | None
    top_rank: str
    member_count: int
    leave_china: date
    return_china: date
    countries: list[str]
    overdue: list[str]
    version: int

    @staticmethod
    def resolve_organising_unit_name(obj) -> str:
        return obj.organising_unit.name

    @staticmethod
    def resolve_leader_name(obj) -> str | None:
        return obj.leader.name if obj.leader else None

    @staticmethod
    def resolve_countries(obj) -> list[str]:
        return [str(country) for country in browse.countries_of(obj)]

    @staticmethod
    def resolve_overdue(obj) -> list[str]:
        return browse.overdue_items(obj, timezone.localdate())


class DelegationDetailOut(DelegationOut):
    purpose: str
    invitation_from: str
    invitation_kind: str
    host_provides: list[str]
    objectives: list[str]
    members: list[MemberOut]
    stops: list[StopIO]
    budget: list[BudgetIO]
    schedule: list[ScheduleIO]
    events: list[EventOut]
    departed_on: date | None
    returned_at: date | None

    @staticmethod
    def resolve_objectives(obj) -> list[str]:
        return [objective.text for objective in obj.objectives.all()]

    @staticmethod
    def resolve_members(obj):
        return list(obj.members.all())

    @staticmethod
    def resolve_stops(obj):
        return [{**vars_of(stop, StopIO), "country": str(stop.country)} for stop in obj.stops.all()]

    @staticmethod
    def resolve_budget(obj):
        return list(obj.budget_items.all())

    @staticmethod
    def resolve_schedule(obj):
        return list(obj.schedule.all())

    @staticmethod
    def resolve_events(obj):
        return list(obj.events.all())


def vars_of(row, schema) -> dict:
    return {name: getattr(row, name) for name in schema.model_fields}


class DelegationList(Schema):
    items: list[DelegationOut]
    count: int


class DelegationIn(Schema):
    title: str = Field(max_length=200)
    organising_unit: int = Field(ge=1, le=MAX_ID)
    purpose: str = Text
    trip_type: TripType
    leave_china: date
    return_china: date
    invitation_from: str = Field(default="", max_length=200)
    invitation_kind: InvitationKind = InvitationKind.NONE
    host_provides: list[HostProvides] = Field(default_factory=list, max_length=3)
    objectives: list[str] = Field(default_factory=list, max_length=50)
    members: list[MemberIn] = Field(max_length=100)
    stops: list[StopIO] = Field(max_length=50)
    budget: list[BudgetIO] = Field(default_factory=list, max_length=100)
    schedule: list[ScheduleIO] = Field(default_factory=list, max_length=400)


class DelegationPatch(Schema):
    """Fields given replace the stored ones (lists wholesale); the version the caller saw."""

    expected_version: int = Field(ge=1, le=MAX_ID)
    title: str | None = Field(default=None, max_length=200)
    organising_unit: int | None = Field(default=None, ge=1, le=MAX_ID)
    purpose: str | None = Field(default=None, max_length=4000)
    trip_type: TripType | None = None
    leave_china: date | None = None
    return_china: date | None = None
    invitation_from: str | None = Field(default=None, max_length=200)
    invitation_kind: InvitationKind | None = None
    host_provides: list[HostProvides] | None = Field(default=None, max_length=3)
    objectives: list[str] | None = Field(default=None, max_length=50)
    members: list[MemberIn] | None = Field(default=None, max_length=100)
    stops: list[StopIO] | None = Field(default=None, max_length=50)
    budget: list[BudgetIO] | None = Field(default=None, max_length=100)
    schedule: list[ScheduleIO] | None = Field(default=None, max_length=400)


class TransitionIn(Schema):
    action: str = Field(max_length=32)
    expected_version: int = Field(ge=1, le=MAX_ID)
    comment: str = Text
    justifications: dict[str, str] = Field(default_factory=dict, max_length=50)
    on: date | None = None


# --- reads ------------------------------------------------------------------------------------


def _visible_unit(user, unit_id: int) -> Unit:
    unit = Unit.objects.filter(unit_scope_q(user, field=""), pk=unit_id).first()
    if unit is None:
        raise HttpError(404, "Unit not found.")
    return unit


def _detail(user, delegation_id: int) -> Delegation:
    return browse.attach_overdue_facts([get_delegation_for_user(user, delegation_id)])[0]


@delegations_router.get(
    "/", response={200: DelegationList, 404: Detail}, summary="List delegations"
)
def list_delegations(
    request,
    q: str = Query("", max_length=64),
    status: Status | None = None,
    unit: int | None = Query(None, ge=1, le=MAX_ID),
    country: str = Query("", pattern=r"^([A-Za-z]{2})?$"),
    year: int | None = Query(None, ge=1949, le=2100),
    rank: Rank | None = None,
    sort: str = Query("-leave", pattern=r"^-?(leave|title|status|unit)$"),
    limit: int = Query(50, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    """Delegations the caller may see, with the list page's filters; `unit` includes sub-units."""
    rows = browse.browse(
        request.auth,
        search=q,
        status=status,
        unit=_visible_unit(request.auth, unit) if unit is not None else None,
        country=country or None,
        year=year,
        rank=rank,
    )
    ordered = browse.with_overdue_facts(rows).order_by(*browse.ordering_for(sort))
    return {"items": list(ordered[offset : offset + limit]), "count": rows.count()}


@delegations_router.get(
    "/{int:delegation_id}/",
    response={200: DelegationDetailOut, 404: Detail},
    summary="One delegation",
)
def get_delegation(request, delegation_id: int = Path(..., ge=1, le=MAX_ID)):
    """A delegation with its members, itinerary, budget, schedule and every workflow event."""
    return _detail(request.auth, delegation_id)


# --- writes -----------------------------------------------------------------------------------


def _members(user, members: list[dict]) -> list[dict]:
    """Members as the service takes them; a person the caller cannot see counts as not chosen."""
    ids = {member["person"] for member in members}
    visible = set(people_for_user(user).filter(pk__in=ids).values_list("pk", flat=True))
    return [
        {**member, "person": member["person"] if member["person"] in visible else None}
        for member in members
    ]


def _service_data(user, payload: dict) -> dict:
    if payload.get("members") is not None:
        payload["members"] = _members(user, payload["members"])
    if payload.get("organising_unit") is not None:
        payload["organising_unit"] = _visible_unit(user, payload["organising_unit"])
    return payload


@delegations_router.post(
    "/",
    response={201: DelegationDetailOut, 400: Detail, 403: Detail, 404: Detail},
    summary="Create a draft application",
)
def create_delegation(request, body: DelegationIn):
    data = _service_data(request.auth, body.model_dump())
    unit = data.pop("organising_unit")
    delegation = services.delegation_create(actor=request.auth, organising_unit=unit, **data)
    return Answer(201, _detail(request.auth, delegation.pk))


@delegations_router.patch(
    "/{int:delegation_id}/",
    response={200: DelegationDetailOut, 400: Detail, 403: Detail, 404: Detail, 409: Detail},
    summary="Change a draft or returned application",
)
def update_delegation(
    request, body: DelegationPatch, delegation_id: int = Path(..., ge=1, le=MAX_ID)
):
    delegation = _detail(request.auth, delegation_id)
    changes = _service_data(request.auth, body.model_dump(exclude_unset=True))
    expected = changes.pop("expected_version")
    changes = {key: value for key, value in changes.items() if value is not None}
    services.delegation_update(
        actor=request.auth, delegation=delegation, expected_version=expected, **changes
    )
    return _detail(request.auth, delegation_id)


class ActionsOut(Schema):
    version: int
    actions: list[str]
    needs_reason: list[str]


@delegations_router.get(
    "/{int:delegation_id}/transition/",
    response={200: ActionsOut, 404: Detail},
    summary="The workflow actions the caller may take now",
)
def delegation_actions(request, delegation_id: int = Path(..., ge=1, le=MAX_ID)):
    """What to POST here next: the allowed actions, those that need a reason (`comment`), and
    the version to send as `expected_version`."""
    delegation = _detail(request.auth, delegation_id)
    actions = workflow.allowed_actions(delegation, request.auth)
    return {
        "version": delegation.version,
        "actions": actions,
        "needs_reason": [action for action in actions if workflow.needs_reason(action)],
    }


@delegations_router.post(
    "/{int:delegation_id}/transition/",
    response={200: DelegationDetailOut, 400: Detail, 403: Detail, 404: Detail, 409: Detail},
    summary="Take a workflow action",
)
def transition_delegation(
    request, body: TransitionIn, delegation_id: int = Path(..., ge=1, le=MAX_ID)
):
    """`action` is one of the workflow's actions (submit, head_sign, review_pass, approve, …)."""
    delegation = _detail(request.auth, delegation_id)
    if body.action not in workflow.TRANSITIONS:
        raise HttpError(400, f"“{body.action}” is not a workflow action.")
    if body.action in SUDO_ACTIONS and not _recently_confirmed(request):
        raise HttpError(403, str(SUDO_REFUSAL))
    services.delegation_transition(
        actor=request.auth,
        delegation=delegation,
        action=body.action,
        expected_version=body.expected_version,
        comment=body.comment,
        justifications=body.justifications,
        on=body.on,
    )
    return _detail(request.auth, delegation_id)


def _recently_confirmed(request) -> bool:
    """Only a browser session that passed the sudo page recently; never a bearer token."""
    if request.headers.get("Authorization"):
        return False
    return hasattr(request, "session") and sudo.has_recent_auth(request)
