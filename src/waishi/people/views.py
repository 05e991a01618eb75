"""People pages: the list (filters, sorting, pages, export), a person, and the forms to change them.

Views only read through selectors and write through services.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from waishi.core.access import access, roles_of, unit_scope_q
from waishi.people import selectors, services
from waishi.people.export import EXPORT_LIMIT, people_workbook
from waishi.people.forms import (
    CustodyForm,
    PassportForm,
    PersonFilterForm,
    PersonForm,
    add_service_error,
)
from waishi.people.models import Passport

WRITERS = services.PEOPLE_WRITERS
PASSPORT_WRITERS = services.PASSPORT_WRITERS
KEEPERS = services.CUSTODY_KEEPERS


def _filter_form(request) -> PersonFilterForm:
    return PersonFilterForm(request.GET, units=selectors.visible_units(request.user))


@access()
@require_GET
def person_list(request):
    form = _filter_form(request)
    people = selectors.people_for_user(request.user, **form.filters())
    sort = form.sort_key()
    page = selectors.people_page(people, page_number=request.GET.get("page"), sort=sort)
    context = {
        "form": form,
        "page": page,
        "sort": sort,
        "today": timezone.localdate(),
        "may_create": bool(roles_of(request.user) & set(WRITERS)),
    }
    template = "people/person_list.html"
    if request.htmx and request.htmx.target == "people-results":
        template += "#results"
    return render(request, template, context)


@access()
@require_GET
def person_export(request):
    form = _filter_form(request)
    people = selectors.people_for_user(request.user, **form.filters())
    total = people.count()
    rows = selectors.people_for_export(people, sort=form.sort_key(), limit=EXPORT_LIMIT)
    handle = people_workbook(rows.iterator(chunk_size=1000), total=total)
    services.person_export(
        actor=request.user, filters=form.filters(), rows=min(total, EXPORT_LIMIT)
    )
    stamp = timezone.localdate().isoformat()
    return FileResponse(handle, as_attachment=True, filename=f"people-{stamp}.xlsx")


@access()
@require_GET
def person_detail(request, pk):
    person = selectors.get_person_for_user(request.user, pk)
    passports = selectors.passports_of(person)
    today = timezone.localdate()
    may_keep = selectors.may_act_on_unit(request.user, person.unit, KEEPERS)
    context = {
        "person": person,
        "passports": passports,
        "custody_forms": {
            p.pk: CustodyForm(initial={"custody": p.custody, "version": p.version})
            for p in passports
        }
        if may_keep
        else {},
        "expiry_warning": selectors.official_expiry_warning(passports, today),
        "today": today,
        "may_edit": selectors.may_act_on_unit(request.user, person.unit, WRITERS),
        "may_add_passport": selectors.may_act_on_unit(request.user, person.unit, PASSPORT_WRITERS),
    }
    return render(request, "people/person_detail.html", context)


def _writable_units(request):
    return selectors.visible_units(request.user, roles=WRITERS)


@access(*WRITERS)
@require_http_methods(["GET", "POST"])
def person_create(request):
    units = _writable_units(request)
    form = PersonForm(
        request.POST or None,
        units=units,
        initial={"unit": request.user.unit_id, "name": request.GET.get("name", "")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(actor=request.user, **form.service_fields())
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("%(name)s was registered.") % {"name": person.name})
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/person_form.html", {"form": form, "person": None})


@access(*WRITERS)
@require_http_methods(["GET", "POST"])
def person_edit(request, pk):
    person = selectors.get_person_for_user(request.user, pk)
    units = _writable_units(request)
    initial = {f: getattr(person, f) for f in services.EDITABLE_FIELDS if f != "id_number"}
    initial["version"] = person.version
    form = PersonForm(request.POST or None, units=units, editing=person, initial=initial)
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(
                actor=request.user,
                person=person,
                expected_version=form.cleaned_data["version"],
                **form.service_fields(),
            )
        except services.ConflictError as exc:
            form.add_error(None, str(exc))
            conflict = True
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("people:detail", pk=person.pk)
    context = {"form": form, "person": person, "conflict": conflict}
    return render(request, "people/person_form.html", context)


@access(*WRITERS)
@require_GET
def romanize_preview(request):
    """The two passport-spelling inputs filled from a name (htmx swaps them into the form)."""
    name = request.GET.get("name", "").strip()
    surname, given = services.romanised(name) if name else ("", "")
    form = PersonForm(
        initial={"surname_pinyin": surname, "given_pinyin": given},
        units=selectors.visible_units(request.user, roles=WRITERS),
    )
    return render(request, "people/person_form.html#pinyin", {"form": form})


@access(*PASSPORT_WRITERS)
@require_http_methods(["GET", "POST"])
def passport_create(request, pk):
    person = selectors.get_person_for_user(request.user, pk)
    form = PassportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.passport_add(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The passport was registered."))
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/passport_form.html", {"form": form, "person": person})


@access(*KEEPERS)
@require_POST
def passport_custody(request, pk):
    scoped = Passport.objects.filter(unit_scope_q(request.user, "person__unit"))
    passport = get_object_or_404(scoped.select_related("person"), pk=pk)
    form = CustodyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a custody state."))
        return redirect("people:detail", pk=passport.person_id)
    try:
        services.passport_set_custody(
            actor=request.user,
            passport=passport,
            custody=form.cleaned_data["custody"],
            expected_version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
        )
    except services.ConflictError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Custody was updated."))
    return redirect("people:detail", pk=passport.person_id)
