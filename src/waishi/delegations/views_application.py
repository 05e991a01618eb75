"""The application pages: create and edit a draft (or returned) delegation, with the policy
findings beside the form, refreshed as it is edited (htmx posts the unsaved form to `findings`),
rows added and removed without a reload, people found by search, attachments kept.

Writes go through delegation_create / delegation_update / delegation_transition; the uploads are
stored in the same transaction as the application they belong to.
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from waishi.core.access import access
from waishi.delegations import checks, services, workflow
from waishi.delegations.application import Application, PageChoices
from waishi.delegations.checks_application import live_check, panel
from waishi.delegations.forms import (
    SECTION_TITLES,
    SECTIONS,
    justifications_from,
    person_label,
    render_person_select,
)
from waishi.delegations.models import Delegation, DelegationMember, ItineraryStop
from waishi.delegations.selectors import current_justifications, scope_q
from waishi.delegations.services_application import (
    APPLICATION_KINDS,
    delegation_attachments_update,
)
from waishi.delegations.workflow import Action, ConflictError, InvalidTransition
from waishi.people.selectors import people_for_user, visible_units

WRITERS = services.WRITERS
SEARCH_LIMIT = 30
PERSON_FIELD = re.compile(r"^members-\d{1,3}-person$")
SESSION_JUSTIFICATIONS = "delegation-{pk}-justifications"


def _choices(request) -> PageChoices:
    return PageChoices(
        units=visible_units(request.user, roles=WRITERS), people=people_for_user(request.user)
    )


def _editable(request, pk) -> Delegation:
    """The delegation with what the page shows; 404 outside the user's scope, 403 for someone
    who may see it but is no liaison of its organising unit."""
    members = DelegationMember.objects.select_related("person__unit").order_by("order", "id")
    qs = (
        Delegation.objects.filter(scope_q(request.user))
        .select_related("organising_unit")
        .prefetch_related(
            "objectives",
            Prefetch("members", queryset=members),
            Prefetch("stops", queryset=ItineraryStop.objects.order_by("order")),
            "budget_items",
            "schedule",
            "attachments",
        )
    )
    delegation = get_object_or_404(qs, pk=pk)
    if not workflow.covers(request.user, delegation.organising_unit, WRITERS):
        raise PermissionDenied(_("Only a liaison of the organising unit may change it."))
    return delegation


def _locked(request, delegation: Delegation):
    messages.warning(
        request,
        _("A delegation that is “%(status)s” can no longer be changed.")
        % {"status": delegation.get_status_display()},
    )
    return redirect("delegations:detail", pk=delegation.pk)


def _stored(delegation: Delegation | None) -> dict:
    if delegation is None:
        return {}
    return {
        "stored_people": {m.person_id: m.person for m in delegation.members.all()},
        "attachments": [a for a in delegation.attachments.all() if a.kind in APPLICATION_KINDS],
    }


def _urls(delegation: Delegation | None) -> dict:
    if delegation is None:
        return {
            "findings": reverse("delegations:findings_new"),
            "rows": reverse("delegations:rows_new"),
        }
    return {
        "findings": reverse("delegations:findings", args=[delegation.pk]),
        "rows": reverse("delegations:rows", args=[delegation.pk]),
    }


def _render(request, page: Application, delegation, *, findings=None, conflict=False):
    context = {
        "page": page,
        "form": page.form,
        "sections": [(name, SECTION_TITLES[name], page.lists[name]) for name in SECTIONS],
        "delegation": delegation,
        "urls": _urls(delegation),
        "findings": findings or {},
        "conflict": conflict,
    }
    return render(request, "delegations/application_form.html", context)


# --- the pages --------------------------------------------------------------------------------


@access(*WRITERS)
@require_http_methods(["GET", "POST"])
def application_create(request):
    choices = _choices(request)
    if not choices.units:
        raise PermissionDenied(_("You are no liaison of any unit."))
    if request.method == "POST":
        return _post(request, choices, None)
    page = Application(choices, initial={"organising_unit": choices.units[0].pk})
    return _render(request, page, None)


@access(*WRITERS)
@require_http_methods(["GET", "POST"])
def application_edit(request, pk):
    delegation = _editable(request, pk)
    if delegation.status not in services.EDITABLE_STATUSES:
        return _locked(request, delegation)
    choices = _choices(request)
    if request.method == "POST":
        return _post(request, choices, delegation)
    page = Application.of(choices, delegation, attachments=_stored(delegation)["attachments"])
    given = request.session.pop(SESSION_JUSTIFICATIONS.format(pk=delegation.pk), None)
    justified = {
        rule: row.justification for rule, row in current_justifications(delegation).items()
    }
    result = checks.policy_check(delegation)
    return _render(request, page, delegation, findings=panel(result, given or justified))


def _post(request, choices: PageChoices, delegation: Delegation | None):
    data = request.POST
    stored = _stored(delegation)
    if data.get("add") in SECTIONS or data.get("remove"):  # without htmx: the page again
        page = Application.echo(
            choices, data, add=data.get("add"), remove=data.get("remove"), **stored
        )
        return _render(request, page, delegation)
    page = Application(choices, data=data, files=request.FILES, **stored)
    if not page.is_valid():
        return _refused(request, page, delegation)
    try:
        delegation = _save(request.user, page, delegation)
    except ValidationError as exc:
        page.add_service_error(exc)
        return _refused(request, page, delegation)
    except (ConflictError, InvalidTransition) as exc:
        page.form.add_error(None, str(exc))
        return _refused(request, page, delegation, conflict=isinstance(exc, ConflictError))
    if data.get("intent") == "submit":
        return _submit(request, delegation, justifications_from(data))
    messages.success(request, _("The draft was saved."))
    return redirect("delegations:edit", pk=delegation.pk)


def _refused(request, page: Application, delegation, *, conflict=False):
    """The page again with its errors, and the findings of what was posted beside it."""
    result, _problems = live_check(page, delegation)  # the problems stand next to the fields
    findings = panel(result, justifications_from(request.POST))
    return _render(request, page, delegation, findings=findings, conflict=conflict)


@transaction.atomic
def _save(actor, page: Application, delegation: Delegation | None) -> Delegation:
    fields = page.service_data()
    unit = page.form.cleaned_data["organising_unit"]
    if delegation is None:
        delegation = services.delegation_create(actor=actor, organising_unit=unit, **fields)
    else:
        delegation = services.delegation_update(
            actor=actor,
            delegation=delegation,
            expected_version=page.form.cleaned_data["version"] or 0,
            organising_unit=unit,
            **fields,
        )
    form = page.attachments
    delegation_attachments_update(
        actor=actor,
        delegation=delegation,
        uploads=form.uploads(),
        remove=form.cleaned_data.get("remove_attachments") or (),
    )
    return delegation


def _submit(request, delegation: Delegation, justifications: dict[str, str]):
    """Submit the saved draft; a refusal (a blocking finding, an unjustified warning) leaves
    it a draft and shows why on the edit page, the justifications typed kept."""
    try:
        services.delegation_transition(
            actor=request.user,
            delegation=delegation,
            action=Action.SUBMIT,
            expected_version=delegation.version,
            justifications=justifications,
        )
    except (ValidationError, InvalidTransition, ConflictError) as exc:
        reason = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(
            request, _("The draft was saved but not submitted: %(reason)s") % {"reason": reason}
        )
        request.session[SESSION_JUSTIFICATIONS.format(pk=delegation.pk)] = justifications
        return redirect("delegations:edit", pk=delegation.pk)
    messages.success(request, _("The application was submitted to the unit head."))
    return redirect("delegations:detail", pk=delegation.pk)


# --- attachments ------------------------------------------------------------------------------


@access()
@require_GET
def attachment_download(request, pk, attachment_pk):
    delegation = get_object_or_404(Delegation.objects.filter(scope_q(request.user)), pk=pk)
    attachment = get_object_or_404(delegation.attachments, pk=attachment_pk)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


# --- htmx parts ------------------------------------------------------------------------------


def _delegation_or_none(request, pk) -> Delegation | None:
    return None if pk is None else _editable(request, pk)


@access(*WRITERS)
@require_POST
def findings(request, pk=None):
    """The policy findings of the unsaved form, as the panel beside it."""
    delegation = _delegation_or_none(request, pk)
    stored = _stored(delegation)
    page = Application(_choices(request), data=request.POST, rendered=False, **stored)
    result, problems = live_check(page, delegation)
    context = {"findings": panel(result, justifications_from(request.POST), problems)}
    return render(request, "delegations/_findings.html", context)


@access(*WRITERS)
@require_POST
def rows(request, pk=None):
    """One list of the form again with a row added (`add`) or removed (`remove`)."""
    delegation = _delegation_or_none(request, pk)
    add, remove = request.POST.get("add"), request.POST.get("remove", "")
    name = add if add in SECTIONS else remove.rpartition("-")[0]
    if name not in SECTIONS:
        return HttpResponseBadRequest(_("Unknown list."))
    page = Application.echo(
        _choices(request), request.POST, add=add, remove=remove, **_stored(delegation)
    )
    context = {
        "name": name,
        "title": SECTION_TITLES[name],
        "formset": page.lists[name],
        "urls": _urls(delegation),
    }
    response = render(request, "delegations/application_section.html", context)
    response["HX-Trigger"] = "application-changed"  # the findings follow the new rows
    return response


@access(*WRITERS)
@require_GET
def people_search(request):
    """The member row's select, holding the people whose name matches what was typed."""
    field = request.GET.get("field", "")
    if not PERSON_FIELD.match(field):
        return HttpResponseBadRequest(_("Unknown field."))
    people = people_for_user(request.user)
    found = people_for_user(request.user, q=request.GET.get("q", "")[:64])
    found = found.select_related("unit").order_by("name", "id")[:SEARCH_LIMIT]
    options = [(person.pk, person_label(person)) for person in found]
    chosen, labels = request.GET.get(field, ""), {}
    chosen = int(chosen) if chosen.isdigit() else None
    if chosen:
        person = people.select_related("unit").filter(pk=chosen).first()
        labels = {chosen: person_label(person)} if person else {}
    return HttpResponse(render_person_select(field, chosen, labels, options))
