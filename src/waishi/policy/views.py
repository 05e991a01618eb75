from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from waishi.core.access import access, has_role
from waishi.core.roles import Role
from waishi.policy.exports import standards_workbook
from waishi.policy.forms import StandardsFilterForm, TableUploadForm, perdiem_error_message
from waishi.policy.models import PerDiemTableVersion
from waishi.policy.perdiem import PerDiemError
from waishi.policy.selectors import (
    active_continents,
    active_countries,
    active_standards,
    active_version,
    table_versions,
)
from waishi.policy.services import perdiem_table_activate, perdiem_table_import

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
