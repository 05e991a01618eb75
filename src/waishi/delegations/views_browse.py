"""Browse pages of the delegations module: the list (filters, search, sort, pages, Excel), one
delegation with its timeline and actions, the calendar of who is abroad when, and the
traveller's own trips. Views only read through selectors; actions post to views_transition.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from waishi.core.access import access, grants_of, has_role
from waishi.core.roles import Role
from waishi.delegations import checks, rules_trip, workflow
from waishi.delegations import selectors_browse as browse
from waishi.delegations.exports import EXPORT_LIMIT, delegation_list_export, delegations_workbook
from waishi.delegations.forms_browse import SUDO_ACTIONS, DelegationFilterForm, TransitionForm
from waishi.delegations.models import BudgetKind, HostProvides, Status
from waishi.delegations.selectors import current_justifications, get_delegation_for_user
from waishi.delegations.services import EDITABLE_STATUSES, WRITERS
from waishi.evaluation.models import Grade
from waishi.people.selectors import visible_units

DECIDERS = (Role.UNIT_HEAD, Role.REVIEWER, Role.APPROVER)
CITYWIDE_READERS = (Role.INSPECTOR, Role.ADMINISTRATOR)
# Who reads a unit's evaluations on the evaluation pages (besides the citywide roles).
EVALUATION_READERS = (Role.LIAISON, Role.UNIT_HEAD, Role.EVALUATOR)
IN_REVIEW = (Status.SUBMITTED, Status.HEAD_SIGNED)
# From approval on, the trip part's hub page (disclosure, passports, return, report) applies.
TRIP_STATUSES = (*checks.TRAVEL_STATUSES,)


def _filter_form(request) -> DelegationFilterForm:
    return DelegationFilterForm(request.GET, units=visible_units(request.user))


def _may_create(user) -> bool:
    return has_role(user, *WRITERS)


def _url(name: str, *args) -> str | None:
    """The URL of a page another part provides, or None while that part is not installed."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@access()
@require_GET
def delegation_list(request):
    form = _filter_form(request)
    sort = form.sort_key()
    rows = browse.browse(request.user, **form.filters())
    page = browse.page_of(rows, page_number=request.GET.get("page"), sort=sort)
    context = {
        "form": form,
        "page": page,
        "sort": sort,
        "create_url": _url("delegations:create") if _may_create(request.user) else None,
    }
    template = "delegations/list.html"
    if request.htmx and request.htmx.target == "delegation-results":
        template += "#results"
    return render(request, template, context)


@access()
@require_GET
def delegation_export(request):
    form = _filter_form(request)
    filters = form.filters()
    rows = browse.browse(request.user, **filters)
    total = rows.count()
    exported = browse.rows_for_export(rows, sort=form.sort_key(), limit=EXPORT_LIMIT)
    handle = delegations_workbook(exported, total=total)
    delegation_list_export(actor=request.user, filters=filters, rows=len(exported))
    stamp = timezone.localdate().isoformat()
    return FileResponse(handle, as_attachment=True, filename=f"delegations-{stamp}.xlsx")


# --- one delegation ---------------------------------------------------------------------------


def findings_of(delegation):
    """(findings snapshot, event or None): the last recorded check; for an application not yet
    through any step, a check run now so the page shows where it stands."""
    event = browse.last_check(delegation)
    if event is not None:
        return event.findings, event
    if delegation.status not in EDITABLE_STATUSES:
        return None, None
    try:
        return checks.findings_snapshot(checks.policy_check(delegation)), None
    except ValidationError:
        return None, None


def warnings_in(snapshot) -> list[dict]:
    return [f for f in (snapshot or {}).get("findings", []) if f.get("severity") == "warn"]


def budget_against_standard(snapshot) -> dict | None:
    """The priced budget of a check as rows: item, standard and claim per currency."""
    budget = (snapshot or {}).get("budget")
    if not budget:
        return None
    standard, claimed = budget.get("standard") or {}, budget.get("claimed") or {}
    over = {(o.get("kind"), o.get("currency")) for o in budget.get("over_standard") or []}
    labels = dict(BudgetKind.choices)
    rows = [
        {
            "currency": currency,
            "kind": labels[kind],
            "standard": standard.get(currency, {}).get(kind),
            "claimed": claimed.get(currency, {}).get(kind),
            "over": (kind, currency) in over,
        }
        for currency in sorted({*standard, *claimed})
        for kind in BudgetKind.values
        if kind in standard.get(currency, {}) or kind in claimed.get(currency, {})
    ]
    return {**budget, "rows": rows}


def action_forms(delegation, user, snapshot) -> list[dict]:
    justified = {
        rule: row.justification for rule, row in current_justifications(delegation).items()
    }
    forms = []
    for action in workflow.allowed_actions(delegation, user):
        if action == "evaluate":  # taken by completing the evaluation, on its own page
            continue
        form = TransitionForm(
            action=action,
            warnings=warnings_in(snapshot),
            justified=justified,
            initial={"expected_version": delegation.version},
            auto_id=f"id_{action}_%s",
        )
        forms.append(
            {
                "action": action,
                "label": workflow.ACTION_LABELS[action],
                "form": form,
                "needs_sudo": action in SUDO_ACTIONS,
                "url": reverse("delegations:transition", args=[delegation.pk, action]),
            }
        )
    return forms


def _review_panel(request, delegation, today):
    if delegation.status not in IN_REVIEW:
        return None
    if not workflow.covers(request.user, delegation.organising_unit, DECIDERS):
        return None
    trips = browse.earlier_trips(request.user, delegation, today)
    return {
        "members": [
            (member, trips.get(member.person_id, [])) for member in delegation.members.all()
        ],
        "record": browse.unit_record(delegation.organising_unit, today),
        "years": browse.EARLIER_TRIPS_YEARS,
    }


def _evaluation_panel(request, delegation, today):
    """The organising unit's performance evaluation record beside an application awaiting a
    decision, for those who decide on it and the citywide inspector and administrator."""
    if delegation.status not in IN_REVIEW:
        return None
    unit, user = delegation.organising_unit, request.user
    citywide = grants_of(user).citywide(CITYWIDE_READERS)
    if not (citywide or workflow.covers(user, unit, DECIDERS)):
        return None
    record = browse.evaluation_record(unit, today)
    # A link to the evaluation itself where its page exists and the user may read it there.
    reads_evaluations = citywide or workflow.covers(user, unit, EVALUATION_READERS)

    def links(row) -> dict:
        return {
            "row": row,
            "url": reverse("delegations:detail", args=[row.delegation_id]),
            "evaluation_url": _url("evaluation:detail", row.evaluation_id)
            if reads_evaluations
            else None,
        }

    return {
        "record": record,
        "unit": unit,
        "grades": [(grade, Grade(grade).label, n) for grade, n in record.grades.items()],
        "failed": [links(row) for row in record.failed],
        "overdue": [
            {**links(row), "days": (today - row.due_on).days} for row in record.overdue_follow_ups
        ],
    }


def _links(request, delegation) -> dict:
    editable = delegation.status in EDITABLE_STATUSES and workflow.covers(
        request.user, delegation.organising_unit, WRITERS
    )
    return {
        "edit_url": _url("delegations:edit", delegation.pk) if editable else None,
        "trip_url": _url("delegations:trip", delegation.pk)
        if delegation.status in TRIP_STATUSES
        else None,
    }


@access()
@require_GET
def delegation_detail(request, pk):
    delegation = get_delegation_for_user(request.user, pk)
    today = timezone.localdate()
    snapshot, checked_event = findings_of(delegation)
    browse.mark_overdue(browse.attach_overdue_facts([delegation]), today)
    context = {
        "delegation": delegation,
        "countries": browse.countries_of(delegation),
        "attachments": list(delegation.attachments.all()),
        "host_provides": [dict(HostProvides.choices).get(v, v) for v in delegation.host_provides],
        "snapshot": snapshot,
        "budget": budget_against_standard(snapshot),
        "checked_event": checked_event,
        "justifications": current_justifications(delegation),
        "events": timeline(delegation),
        "actions": action_forms(delegation, request.user, snapshot),
        "review": _review_panel(request, delegation, today),
        "evaluation": _evaluation_panel(request, delegation, today),
        "step_label": workflow.step_label(delegation.pending_step)
        if delegation.pending_step
        else "",
        **_links(request, delegation),
    }
    return render(request, "delegations/detail.html", context)


def timeline(delegation) -> list[dict]:
    """Every event, oldest first, with readable labels and the justifications given with it."""
    given: dict[int, list] = {}
    for row in delegation.justifications.all():
        given.setdefault(row.event_id, []).append(row)
    return [
        {
            "event": event,
            "action": workflow.ACTION_LABELS.get(event.action, event.action),
            "step": workflow.step_label(event.step) if event.step else "",
            "from": Status(event.from_status).label,
            "to": Status(event.to_status).label,
            "findings": (event.findings or {}).get("findings", []),
            "justifications": given.get(event.pk, []),
        }
        for event in delegation.events.all()
    ]


# --- calendar and the traveller's page ---------------------------------------------------------


def _month(request) -> tuple[int, int]:
    """The month asked for as ?month=YYYY-MM; this month when absent or unreadable."""
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in request.GET.get("month", "").split("-"))
        dt.date(year, month, 1)
    except ValueError:
        return today.year, today.month
    if not 1949 <= year <= 2100:
        return today.year, today.month
    return year, month


def _shift(year: int, month: int, by: int) -> str:
    index = year * 12 + month - 1 + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@access()
@require_GET
def delegation_calendar(request):
    year, month = _month(request)
    trips = browse.trips_in_month(request.user, year, month)
    context = {
        "month": dt.date(year, month, 1),
        "weeks": browse.month_grid(trips, year, month),
        "trips": trips,
        "limit_reached": len(trips) >= browse.CALENDAR_LIMIT,
        "previous": _shift(year, month, -1),
        "next": _shift(year, month, 1),
        "today": timezone.localdate(),
    }
    return render(request, "delegations/calendar.html", context)


@access()
@require_GET
def my_delegations(request):
    today = timezone.localdate()
    memberships = browse.memberships_of(request.user)
    for membership in memberships:
        returned = membership.delegation.returned_at
        membership.deadlines = rules_trip.trip_deadlines(returned) if returned else None
    context = {
        "memberships": memberships,
        "linked": hasattr(request.user, "person") or bool(memberships),
        "today": today,
    }
    return render(request, "delegations/traveller.html", context)
