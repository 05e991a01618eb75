"""The structured trip report page: one result per objective, then agreements, projects,
partners, follow-up plans, spending against the budget and the compliance declaration.
"Save" keeps a draft; "Save and file" also files it (the workflow's file_report action)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from waishi.core.access import access, has_role
from waishi.core.roles import Role
from waishi.delegations import selectors_trip, services_report
from waishi.delegations.forms_trip import REPORT_LISTS, ReportForm, report_formsets, rows_of
from waishi.delegations.models_trip import TripReport
from waishi.delegations.selectors import get_delegation_for_user
from waishi.delegations.workflow import ConflictError, InvalidTransition
from waishi.people.forms import add_service_error


def _initial(delegation, report: TripReport | None) -> tuple[dict, dict]:
    """The report form's and the formsets' initial data (results: one row per objective)."""
    answers = {}
    if report is not None:
        answers = {r.objective_id: r for r in report.results.all() if r.objective_id}
    results = [
        {
            "objective": o.pk,
            "status": getattr(answers.get(o.pk), "status", ""),
            "result": getattr(answers.get(o.pk), "result", ""),
        }
        for o in delegation.objectives.all()
    ]
    lists = {"results": results}
    if report is not None:
        lists["agreements"] = list(report.agreements.values("title", "partner", "signed_on"))
        lists["projects"] = list(
            report.projects.values("kind", "name", "amount", "currency", "partner")
        )
        lists["partners"] = list(report.partners.values("name", "organisation", "country"))
        lists["follow_ups"] = list(report.follow_ups.values("plan", "responsible", "due_on"))
        lists["spending"] = list(report.spending.values("kind", "amount", "currency"))
        fields = {
            "summary": report.summary,
            "compliance_declared": report.compliance_declared,
            "compliance_note": report.compliance_note,
            "version": report.version,
        }
    else:
        fields = {}
    return fields, lists


def _render(request, delegation, report, form, formsets, status=200):
    objectives = list(delegation.objectives.all())
    context = {
        "delegation": delegation,
        "report": report,
        "form": form,
        "formsets": formsets,
        "results": list(zip(objectives, formsets["results"].forms, strict=False)),
        "gaps": services_report.report_gaps(delegation, report),
        "spending_rows": selectors_trip.spending_rows(delegation, report),
    }
    return render(request, "delegations/trip_report.html", context, status=status)


def _save(request, delegation, report, form, formsets):
    lists = {name: rows_of(formsets[name], key) for name, (_f, key) in REPORT_LISTS.items()}
    data = form.cleaned_data
    report = services_report.report_save(
        actor=request.user,
        delegation=delegation,
        expected_version=data["version"] if report is not None else None,
        summary=data["summary"],
        compliance_declared=data["compliance_declared"],
        compliance_note=data["compliance_note"],
        **lists,
    )
    if "file" in request.POST:
        services_report.report_file(
            actor=request.user, delegation=delegation, expected_version=report.version
        )
        return _("The trip report was filed.")
    return _("The trip report was saved.")


@access()
@require_http_methods(["GET", "POST"])
def trip_report(request, pk):
    delegation = get_delegation_for_user(request.user, pk)
    report = TripReport.objects.filter(delegation=delegation).first()
    if request.method == "GET":
        fields, lists = _initial(delegation, report)
        form = ReportForm(initial=fields)
        return _render(request, delegation, report, form, report_formsets(initial=lists))
    if not has_role(request.user, Role.LIAISON):
        raise PermissionDenied
    form = ReportForm(request.POST)
    formsets = report_formsets(request.POST, initial=_initial(delegation, report)[1])
    if form.is_valid() and all(f.is_valid() for f in formsets.values()):
        try:
            message = _save(request, delegation, report, form, formsets)
        except (ConflictError, InvalidTransition) as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, message)
            return redirect(reverse("delegations:trip", args=[delegation.pk]) + "#report")
    report = TripReport.objects.filter(delegation=delegation).first()
    return _render(request, delegation, report, form, formsets, status=400)
