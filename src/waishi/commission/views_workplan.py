"""Work plan (工作要点) pages: the plans, a year's plan with its filters and export, the dashboard,
the overdue list, an item with its progress and links, and the forms that change them.

Views only read through selectors_workplan and write through services_workplan; who may see
what is the selectors' business (404 otherwise), who may change what the services'.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from waishi.commission import selectors_workplan as selectors
from waishi.commission import services_workplan as services
from waishi.commission.export_workplan import EXPORT_LIMIT, items_workbook, status_chart, unit_chart
from waishi.commission.forms import VersionForm
from waishi.commission.forms_workplan import (
    AdoptForm,
    FilterForm,
    ItemEditForm,
    ItemForm,
    LinkForm,
    PlanEditForm,
    PlanForm,
    ReasonForm,
    ReportForm,
    active_units,
)
from waishi.commission.models_workplan import WorkItemLink, WorkItemProgress
from waishi.commission.selectors import meetings_for_user
from waishi.core.access import access
from waishi.core.models import Unit
from waishi.core.roles import Role
from waishi.core.uploads import stored_file_response
from waishi.delegations.workflow import ConflictError

WRITERS = services.WRITERS
OVERDUE_PER_PAGE = 50


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _refusal(exc) -> str:
    return " ".join(getattr(exc, "messages", None) or [str(exc)])


def _filter_form(request) -> FilterForm:
    if selectors.sees_citywide(request.user):
        units = active_units()
    else:
        units = Unit.objects.filter(pk__in=selectors.scoped_unit_ids(request.user) or [])
        units = units.order_by("path")
    return FilterForm(request.GET, units=units)


def _sections(plan) -> list[str]:
    return list(plan.items.order_by("number").values_list("section", flat=True).distinct())


# --- reading ----------------------------------------------------------------------------------


@access()
@require_GET
def plan_index(request):
    context = {
        "plans": selectors.plans_with_counts(request.user),
        "may_write": services.may_write(request.user),
        "tab": "workplan",
    }
    return render(request, "commission/workplan_index.html", context)


@access()
@require_GET
def plan_detail(request, year):
    plan = selectors.get_plan_for_user(request.user, year)
    form = _filter_form(request)
    items = list(selectors.work_items_for_user(request.user, plan=plan, **form.filters()))
    may_write = services.may_write(request.user)
    context = {
        "plan": plan,
        "form": form,
        "sections": selectors.sections_of(items),
        "shown": len(items),
        "counts": selectors.status_counts(selectors.work_items_for_user(request.user, plan=plan)),
        "today": timezone.localdate(),
        "may_write": may_write,
        "tab": "workplan",
    }
    if may_write and plan.is_draft:
        context["adopt_form"] = AdoptForm(
            initial={"version": plan.version}, meetings=meetings_for_user(request.user)
        )
    return render(request, "commission/workplan.html", context)


@access()
@require_GET
def plan_export(request, year):
    plan = selectors.get_plan_for_user(request.user, year)
    filters = _filter_form(request).filters()
    items = selectors.work_items_for_user(request.user, plan=plan, **filters)
    handle = items_workbook(items[:EXPORT_LIMIT])
    return FileResponse(handle, as_attachment=True, filename=f"work-plan-{plan.year}.xlsx")


@access()
@require_GET
def plan_dashboard(request, year):
    plan = selectors.get_plan_for_user(request.user, year)
    form = _filter_form(request)
    unit = form.filters().get("unit")
    items = selectors.work_items_for_user(request.user, plan=plan, unit=unit)
    counts = selectors.status_counts(items)
    by_unit = selectors.counts_by_unit(items)
    context = {
        "plan": plan,
        "form": form,
        "counts": counts,
        "by_unit": by_unit,
        "unit_chart": unit_chart(by_unit),
        "status_chart": status_chart(counts),
        "tab": "workplan",
    }
    return render(request, "commission/workplan_dashboard.html", context)


@access()
@require_GET
def overdue_list(request):
    today = timezone.localdate()
    items = selectors.overdue_items(request.user, today)
    page = Paginator(items, OVERDUE_PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "today": today, "tab": "workplan"}
    return render(request, "commission/workplan_overdue.html", context)


def _item_context(request, item, **forms) -> dict:
    user = request.user
    links, hidden_links = selectors.links_of(user, item)
    may_write = services.may_write(user)
    may_link = services.may_link(user, item)
    context = {
        "item": item,
        "plan": item.plan,
        "state": item.state(),
        "reports": list(selectors.reports_of(item)),
        "links": links,
        "hidden_links": hidden_links,
        "may_write": may_write,
        "may_report": services.may_report(user, item),
        "may_link": may_link,
        "tab": "workplan",
    }
    if may_link:
        context["link_form"] = forms.get("link_form") or LinkForm(
            delegations=selectors.linkable_delegations(user, item),
            meetings=selectors.linkable_meetings(user, item),
        )
    if may_write:
        context["reason_form"] = forms.get("reason_form") or ReasonForm(
            initial={"version": item.version}
        )
    return context


@access()
@require_GET
def item_detail(request, pk):
    item = selectors.get_work_item_for_user(request.user, pk)
    return render(request, "commission/workplan_item.html", _item_context(request, item))


@access()
@require_GET
def evidence_download(request, pk):
    visible = WorkItemProgress.objects.filter(
        item__in=selectors.work_items_for_user(request.user)
    ).exclude(evidence="")
    report = get_object_or_404(visible, pk=pk)
    return stored_file_response(report.evidence, report.content_type)


# --- the plan ---------------------------------------------------------------------------------


@access(*WRITERS)
@require_http_methods(["GET", "POST"])
def plan_create(request):
    year = timezone.localdate().year + (1 if timezone.localdate().month >= 10 else 0)
    initial = {"year": year, "title": _("Foreign Affairs Commission work plan for %(year)s")}
    initial["title"] = initial["title"] % {"year": year}
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.work_plan_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The work plan was created as a draft."))
            return redirect("commission:workplan_year", year=plan.year)
    context = {"form": form, "plan": None, "tab": "workplan"}
    return render(request, "commission/workplan_form.html", context)


@access(*WRITERS)
@require_http_methods(["GET", "POST"])
def plan_edit(request, year):
    plan = selectors.get_plan_for_user(request.user, year)
    initial = {"title": plan.title, "note": plan.note, "version": plan.version}
    form = PlanEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.work_plan_update(
                actor=request.user,
                plan=plan,
                expected_version=form.cleaned_data["version"],
                title=form.cleaned_data["title"],
                note=form.cleaned_data["note"],
            )
        except ConflictError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("commission:workplan_year", year=plan.year)
    context = {"form": form, "plan": plan, "tab": "workplan"}
    return render(request, "commission/workplan_form.html", context)


@access(*WRITERS)
@require_POST
def plan_adopt(request, year):
    plan = selectors.get_plan_for_user(request.user, year)
    form = AdoptForm(request.POST, meetings=meetings_for_user(request.user))
    if not form.is_valid():
        messages.error(request, _refusal(ValidationError(list(form.errors.values()))))
        return redirect("commission:workplan_year", year=plan.year)
    try:
        services.work_plan_adopt(
            actor=request.user,
            plan=plan,
            expected_version=form.cleaned_data["version"],
            meeting=form.cleaned_data["meeting"],
            adopted_on=form.cleaned_data["adopted_on"],
        )
    except (ConflictError, ValidationError) as exc:
        messages.error(request, _refusal(exc))
    else:
        messages.success(request, _("The work plan is adopted; units now see their items."))
    return redirect("commission:workplan_year", year=plan.year)


# --- items ------------------------------------------------------------------------------------


@access(*WRITERS)
@require_http_methods(["GET", "POST"])
def item_add(request, year):
    plan = selectors.get_plan_for_user(request.user, year)
    form = ItemForm(request.POST or None, sections=_sections(plan))
    if request.method == "POST" and form.is_valid():
        try:
            item = services.work_item_add(actor=request.user, plan=plan, **form.service_fields())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Item %(number)s was added.") % {"number": item.number})
            if "another" in request.POST:
                return redirect("commission:workplan_item_add", year=plan.year)
            return redirect("commission:workplan_year", year=plan.year)
    context = {"form": form, "plan": plan, "item": None, "tab": "workplan"}
    return render(request, "commission/workplan_item_form.html", context)


@access(*WRITERS)
@require_http_methods(["GET", "POST"])
def item_edit(request, pk):
    item = selectors.get_work_item_for_user(request.user, pk)
    initial = {key: getattr(item, key) for key in ItemForm.FIELDS if key != "supporting_units"}
    initial.update(supporting_units=list(item.supporting_units.all()), version=item.version)
    form = ItemEditForm(request.POST or None, initial=initial, sections=_sections(item.plan))
    if request.method == "POST" and form.is_valid():
        try:
            services.work_item_update(
                actor=request.user,
                item=item,
                expected_version=form.cleaned_data["version"],
                **form.service_fields(),
            )
        except ConflictError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("commission:workplan_item", pk=item.pk)
    context = {"form": form, "plan": item.plan, "item": item, "tab": "workplan"}
    return render(request, "commission/workplan_item_form.html", context)


@access(*WRITERS)
@require_POST
def item_remove(request, pk):
    item = selectors.get_work_item_for_user(request.user, pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        raise Http404
    version = form.cleaned_data["version"]
    try:
        services.work_item_remove(actor=request.user, item=item, expected_version=version)
    except (ConflictError, ValidationError) as exc:
        messages.error(request, _refusal(exc))
        return redirect("commission:workplan_item", pk=item.pk)
    messages.success(request, _("The item was removed."))
    return redirect("commission:workplan_year", year=item.plan.year)


def _move(request, pk, service, done_message):
    item = selectors.get_work_item_for_user(request.user, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            service(
                actor=request.user,
                item=item,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except ConflictError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, done_message)
            return redirect("commission:workplan_item", pk=item.pk)
    context = _item_context(request, item, reason_form=form)
    return render(request, "commission/workplan_item.html", context, status=400)


@access(*WRITERS)
@require_POST
def item_cancel(request, pk):
    return _move(request, pk, services.work_item_cancel, _("The item is cancelled."))


@access(*WRITERS)
@require_POST
def item_reopen(request, pk):
    return _move(request, pk, services.work_item_reopen, _("The item is open again."))


# --- progress and links -----------------------------------------------------------------------


@access(Role.LIAISON)
@require_http_methods(["GET", "POST"])
def item_report(request, pk):
    item = selectors.get_work_item_for_user(request.user, pk)
    if not services.may_report(request.user, item):
        raise PermissionDenied
    initial = {"version": item.version, "percent": item.progress}
    form = ReportForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.work_item_report(
                actor=request.user,
                item=item,
                expected_version=data["version"],
                percent=data["percent"],
                status=data["status"],
                note=data["note"],
                evidence=data["evidence"] or None,
            )
        except ConflictError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The progress report was recorded."))
            return redirect("commission:workplan_item", pk=item.pk)
    context = {
        "form": form,
        "item": item,
        "plan": item.plan,
        "unit": services.reporting_unit(request.user, item),
        "tab": "workplan",
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "commission/workplan_report.html", context, status=status)


@access()
@require_POST
def item_link(request, pk):
    item = selectors.get_work_item_for_user(request.user, pk)
    if not services.may_link(request.user, item):
        raise PermissionDenied
    form = LinkForm(
        request.POST,
        delegations=selectors.linkable_delegations(request.user, item),
        meetings=selectors.linkable_meetings(request.user, item),
    )
    if form.is_valid():
        try:
            services.work_item_link(actor=request.user, item=item, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The record is linked to the item."))
            return redirect("commission:workplan_item", pk=item.pk)
    context = _item_context(request, item, link_form=form)
    return render(request, "commission/workplan_item.html", context, status=400)


@access()
@require_POST
def link_remove(request, pk):
    visible = WorkItemLink.objects.filter(item__in=selectors.work_items_for_user(request.user))
    link = get_object_or_404(visible.select_related("item"), pk=pk)
    services.work_item_unlink(actor=request.user, link=link)
    messages.success(request, _("The link was removed."))
    return redirect("commission:workplan_item", pk=link.item_id)
