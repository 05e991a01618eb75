from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from waishi.core.access import access, has_role
from waishi.core.roles import Role
from waishi.policy.engine.ruleset import RuleSetError
from waishi.policy.exports import standards_workbook
from waishi.policy.forms import (
    RuleSetVersionForm,
    StandardsFilterForm,
    TableUploadForm,
    perdiem_error_message,
)
from waishi.policy.models import PerDiemTableVersion, RuleSetVersion
from waishi.policy.perdiem import PerDiemError
from waishi.policy.selectors import (
    active_continents,
    active_countries,
    active_ruleset_version,
    active_standards,
    active_version,
    ruleset_rows,
    ruleset_versions,
    table_versions,
)
from waishi.policy.services import (
    perdiem_table_activate,
    perdiem_table_import,
    ruleset_activate,
    ruleset_create_version,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filter_form(request) -> StandardsFilterForm:
    return StandardsFilterForm(
        request.GET, continents=active_continents(), country_codes=active_countries()
    )


def _render_page(request, upload_form=None):
    filter_form = _filter_form(request)
    filters = filter_form.filters()
    is_admin = has_role(request.user, Role.ADMINISTRATOR)
    context = {
        "filter_form": filter_form,
        "filtered": any(filters.values()),
        "rows": active_standards(**filters),
        "version": active_version(),
        "versions": table_versions(),
        "is_admin": is_admin,
        "upload_form": upload_form or (TableUploadForm() if is_admin else None),
        "export_query": request.GET.urlencode(),
    }
    return render(request, "policy/standards.html", context)


@access()
@require_GET
def standards(request):
    return _render_page(request)


@access()
@require_GET
def standards_export(request):
    rows = active_standards(**_filter_form(request).filters())
    response = HttpResponse(standards_workbook(rows, active_version()), content_type=XLSX)
    filename = f"per-diem-standards-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@access(Role.ADMINISTRATOR)
@require_POST
def standards_import(request):
    form = TableUploadForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            version = perdiem_table_import(
                actor=request.user,
                source=data["file"],
                label=data["label"],
                activate=data["activate"],
                note=data["note"],
            )
        except PerDiemError as error:
            form.add_error("file", perdiem_error_message(error))
        else:
            messages.success(
                request,
                _("Loaded “%(label)s”: %(rows)s rows.")
                % {"label": version.label, "rows": version.row_count},
            )
            return redirect("policy:standards")
    return _render_page(request, upload_form=form)


@access(Role.ADMINISTRATOR)
@require_POST
def version_activate(request, pk: int):
    version = get_object_or_404(PerDiemTableVersion, pk=pk)
    perdiem_table_activate(actor=request.user, version=version)
    messages.success(
        request, _("“%(label)s” is now the table in force.") % {"label": version.label}
    )
    return redirect("policy:standards")


def _render_ruleset(request, version: RuleSetVersion | None):
    context = {
        "version": version,
        "rows": ruleset_rows(version.body) if version else [],
        "versions": ruleset_versions(),
        "is_admin": has_role(request.user, Role.ADMINISTRATOR),
    }
    return render(request, "policy/ruleset.html", context)


@access()
@require_GET
def rules(request):
    return _render_ruleset(request, active_ruleset_version())


@access()
@require_GET
def rules_version(request, pk: int):
    return _render_ruleset(request, get_object_or_404(RuleSetVersion, pk=pk))


@access(Role.ADMINISTRATOR)
def rules_new(request):
    """A new version from the edited values of the one in force (or of ?from=<pk>)."""
    base = _base_version(request)
    form = RuleSetVersionForm(request.POST if request.method == "POST" else None, base=base.body)
    if request.method == "POST" and form.is_valid():
        try:
            version = ruleset_create_version(
                actor=request.user,
                body=form.body(),
                label=form.cleaned_data["label"],
                note=form.cleaned_data["note"],
            )
        except RuleSetError as error:
            problem = {"problem": error}
            form.add_error(None, _("The rule set cannot be used: %(problem)s.") % problem)
        else:
            messages.success(
                request,
                _("Version %(number)s “%(label)s” is now the rule set in force.")
                % {"number": version.number, "label": version.label},
            )
            return redirect("policy:rules")
    context = {"form": form, "base": base}
    return render(request, "policy/ruleset_form.html", context)


def _base_version(request) -> RuleSetVersion:
    source = request.POST.get("from") or request.GET.get("from")
    if source and str(source).isdigit():
        return get_object_or_404(RuleSetVersion, pk=int(source))
    version = active_ruleset_version()
    if version is None:
        raise Http404("no rule set version is stored")
    return version


@access(Role.ADMINISTRATOR)
@require_POST
def rules_activate(request, pk: int):
    version = get_object_or_404(RuleSetVersion, pk=pk)
    ruleset_activate(actor=request.user, version=version)
    messages.success(
        request,
        _("Version %(number)s “%(label)s” is now the rule set in force.")
        % {"number": version.number, "label": version.label},
    )
    return redirect("policy:rules")
