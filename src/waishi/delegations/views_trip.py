"""The trip hub of one delegation (before and after the trip) and its forms; the units blocked
for overdue items. Thin: read through selectors, write through services; each form posts to its
own URL and, when refused, the hub is shown again with the errors next to the fields."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from waishi.core.access import access, has_role
from waishi.core.models import Unit
from waishi.core.roles import Role
from waishi.delegations import documents, selectors_trip, services_report, services_trip
from waishi.delegations.forms_trip import (
    BriefingForm,
    CheckoutForm,
    DisclosureForm,
    LiftForm,
    PhotoForm,
    PostDisclosureForm,
    ReturnForm,
    StopFormSet,
    VisaForm,
)
from waishi.delegations.models_trip import AttachmentKind, PassportCheckout, Visa
from waishi.delegations.selectors import get_delegation_for_user
from waishi.delegations.workflow import ConflictError, InvalidTransition
from waishi.people.forms import add_service_error
from waishi.people.models import Passport

LIAISON = (Role.LIAISON,)
KEEPER = (Role.PASSPORT_OFFICER,)
BLOCK_READERS = (Role.APPROVER, Role.REVIEWER, Role.INSPECTOR, Role.ADMINISTRATOR)
REFUSALS = (ConflictError, InvalidTransition)


# --- the hub -----------------------------------------------------------------------------------


def _initial_forms(delegation, context) -> dict:
    members = [row.member for row in context["members"]]
    disclosure, registration = context["disclosure"], context["registration"]
    if registration:
        stops = [
            {"country": s.country.code, "city": s.city, "arrive": s.arrive, "depart": s.depart}
            for s in context["return_stops"]
        ]
        returned = {
            "left_china_on": registration.left_china_on,
            "returned_on": registration.returned_on,
            "note": registration.note,
        }
    else:
        stops = [
            {"country": s.country.code, "city": s.city, "arrive": s.arrive, "depart": s.depart}
            for s in delegation.stops.all()
            if not s.airside_transit
        ]
        returned = {
            "left_china_on": delegation.departed_on or delegation.leave_china,
            "returned_on": delegation.returned_at or delegation.return_china,
        }
    return {
        "disclosure_form": DisclosureForm(
            initial={
                "where": disclosure.where,
                "posted_on": disclosure.posted_on,
                "taken_down_on": disclosure.taken_down_on,
                "note": disclosure.note,
                "version": disclosure.version,
            }
            if disclosure
            else {}
        ),
        "visa_form": VisaForm(members=members),
        "briefing_form": BriefingForm(members=members, initial={"attended_on": context["today"]}),
        "return_form": ReturnForm(initial={**returned, "version": delegation.version}),
        "stop_formset": StopFormSet(initial=stops, prefix="stops"),
        "post_form": PostDisclosureForm(initial={"posted_on": context["today"]}),
        "photo_form": PhotoForm(),
    }


def _hub(request, delegation, *, bound: dict | None = None, status: int = 200):
    context = selectors_trip.hub(delegation, request.user, timezone.localdate())
    context.update(_initial_forms(delegation, context))
    context.update(bound or {})
    return render(request, "delegations/trip_hub.html", context, status=status)


@access()
@require_GET
def trip(request, pk):
    return _hub(request, get_delegation_for_user(request.user, pk))


def _done(request, delegation, message: str, anchor: str):
    messages.success(request, message)
    return redirect(reverse("delegations:trip", args=[delegation.pk]) + f"#{anchor}")


def _submit(request, delegation, form, call, *, name: str, message: str, anchor: str, extra=None):
    """Run `call(cleaned_data)` if `form` is valid; on a refusal show the hub again with the
    errors on `form` (put in the context as `name`)."""
    if form.is_valid() and all(f.is_valid() for f in (extra or {}).values()):
        try:
            call(form.cleaned_data)
        except REFUSALS as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            return _done(request, delegation, message, anchor)
    return _hub(request, delegation, bound={name: form, **(extra or {})}, status=400)


# --- before the trip ---------------------------------------------------------------------------


@access(*LIAISON)
@require_POST
def trip_disclosure(request, pk):
    delegation = get_delegation_for_user(request.user, pk)
    form = DisclosureForm(request.POST)

    def call(data):
        services_trip.disclosure_record(
            actor=request.user,
            delegation=delegation,
            where=data["where"],
            posted_on=data["posted_on"],
            taken_down_on=data["taken_down_on"],
            note=data["note"],
            expected_version=data["version"],
        )

    return _submit(
        request,
        delegation,
        form,
        call,
        name="disclosure_form",
        message=_("The pre-trip disclosure was recorded."),
        anchor="disclosure",
    )


@access(*KEEPER)
@require_POST
def trip_checkout(request, pk):
    delegation = get_delegation_for_user(request.user, pk)
    form = CheckoutForm(request.POST)
    if form.is_valid():
        person = get_object_or_404(delegation.members.all(), person_id=form.cleaned_data["person"])
        passport = get_object_or_404(
            Passport, pk=form.cleaned_data["passport"], person_id=person.person_id
        )
        try:
            services_trip.passport_checkout(
                actor=request.user, delegation=delegation, person=person.person, passport=passport
            )
        except (*REFUSALS, ValidationError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(
                request, _("The passport of %(name)s was issued.") % {"name": person.person}
            )
    return redirect(reverse("delegations:trip", args=[delegation.pk]) + "#passports")


@access(*KEEPER)
@require_POST
def trip_checkin(request, pk, checkout_pk):
    delegation = get_delegation_for_user(request.user, pk)
    checkout = get_object_or_404(PassportCheckout, pk=checkout_pk, delegation=delegation)
    try:
        services_trip.passport_checkin(actor=request.user, checkout=checkout)
    except REFUSALS as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The passport is back in custody."))
    return redirect(reverse("delegations:trip", args=[delegation.pk]) + "#passports")


@access(Role.LIAISON, Role.PASSPORT_OFFICER)
@require_POST
def trip_visa(request, pk):
    delegation = get_delegation_for_user(request.user, pk)
    form = VisaForm(request.POST, members=delegation.members.select_related("person"))

    def call(data):
        person = delegation.members.get(person_id=data.pop("person")).person
        services_trip.visa_record(actor=request.user, delegation=delegation, person=person, **data)

    return _submit(
        request,
        delegation,
        form,
        call,
        name="visa_form",
        message=_("The visa was recorded."),
        anchor="visas",
    )


@access(Role.LIAISON, Role.PASSPORT_OFFICER)
@require_POST
def trip_visa_delete(request, pk, visa_pk):
    delegation = get_delegation_for_user(request.user, pk)
    visa = get_object_or_404(Visa, pk=visa_pk, delegation=delegation)
    services_trip.visa_delete(actor=request.user, visa=visa)
    return _done(request, delegation, _("The visa was removed."), "visas")


@access(*LIAISON)
@require_POST
def trip_briefing(request, pk):
    delegation = get_delegation_for_user(request.user, pk)
    form = BriefingForm(request.POST, members=delegation.members.select_related("person"))

    def call(data):
        person = delegation.members.get(person_id=data["person"]).person
        services_trip.briefing_record(
            actor=request.user,
            delegation=delegation,
            person=person,
            attended_on=data["attended_on"],
        )

    return _submit(
        request,
        delegation,
        form,
        call,
        name="briefing_form",
        message=_("The briefing attendance was recorded."),
        anchor="briefing",
    )


# --- after the trip ----------------------------------------------------------------------------


@access(*LIAISON)
@require_POST
def trip_return(request, pk):
    delegation = get_delegation_for_user(request.user, pk)
    form = ReturnForm(request.POST)
    stops = StopFormSet(request.POST, prefix="stops")

    def call(data):
        rows = [
            s.cleaned_data for s in stops.forms if s.cleaned_data and s.cleaned_data.get("country")
        ]
        services_trip.return_register(
            actor=request.user,
            delegation=delegation,
            expected_version=data["version"],
            left_china_on=data["left_china_on"],
            returned_on=data["returned_on"],
            stops=rows,
            note=data["note"],
        )

    return _submit(
        request,
        delegation,
        form,
        call,
        name="return_form",
        message=_("The return was registered."),
        anchor="return",
        extra={"stop_formset": stops},
    )


@access(*LIAISON)
@require_POST
def trip_post_disclosure(request, pk):
    delegation = get_delegation_for_user(request.user, pk)
    form = PostDisclosureForm(request.POST)

    def call(data):
        services_trip.post_disclosure_record(actor=request.user, delegation=delegation, **data)

    return _submit(
        request,
        delegation,
        form,
        call,
        name="post_form",
        message=_("The post-trip disclosure was recorded."),
        anchor="post-disclosure",
    )


@access(*LIAISON)
@require_POST
def trip_photo(request, pk):
    delegation = get_delegation_for_user(request.user, pk)
    form = PhotoForm(request.POST, request.FILES)

    def call(data):
        services_report.photo_add(
            actor=request.user, delegation=delegation, upload=data["file"], caption=data["caption"]
        )

    return _submit(
        request,
        delegation,
        form,
        call,
        name="photo_form",
        message=_("The photo was added."),
        anchor="photos",
    )


@access()
@require_GET
def trip_photo_file(request, pk, photo_pk):
    delegation = get_delegation_for_user(request.user, pk)
    photo = get_object_or_404(delegation.attachments.all(), pk=photo_pk, kind=AttachmentKind.PHOTO)
    try:
        handle = photo.file.open("rb")
    except OSError as exc:
        raise Http404 from exc
    return FileResponse(handle, content_type=photo.content_type, filename=photo.original_name)


DOCUMENTS = {
    "application": (documents.application_docx, "application"),
    "report": (documents.trip_report_docx, "trip-report"),
}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@access()
@require_GET
def trip_document(request, pk, kind):
    delegation = get_delegation_for_user(request.user, pk)
    if kind not in DOCUMENTS:
        raise Http404
    build, stem = DOCUMENTS[kind]
    response = HttpResponse(build(delegation), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{stem}-{delegation.pk}.docx"'
    return response


# --- blocked units -----------------------------------------------------------------------------


def _blocked_page(request, *, forms=None, status=200):
    today = timezone.localdate()
    rows = selectors_trip.blocked_units(today)
    forms = forms or {}
    for row in rows:
        row["form"] = forms.get(row["unit"].pk) or LiftForm(initial={"until": today})
    context = {
        "rows": rows,
        "lifts": selectors_trip.recent_lifts(),
        "today": today,
        "may_lift": has_role(request.user, Role.APPROVER),
    }
    return render(request, "delegations/trip_blocked_units.html", context, status=status)


@access(*BLOCK_READERS)
@require_GET
def blocked_units(request):
    return _blocked_page(request)


@access(Role.APPROVER)
@require_POST
def blocked_unit_lift(request, unit_pk):
    unit = get_object_or_404(Unit, pk=unit_pk)
    form = LiftForm(request.POST)
    if form.is_valid():
        try:
            services_trip.unit_block_lift(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The block on %(unit)s was lifted.") % {"unit": unit.name})
            return redirect("delegations:blocked_units")
    return _blocked_page(request, forms={unit.pk: form}, status=400)
