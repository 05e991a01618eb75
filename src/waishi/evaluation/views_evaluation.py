"""The evaluations list (filters, "my work", sort, pages, Excel), one evaluation's page with the
trip report's evidence beside the forms, and its report as .docx.

Views read through selectors (views_support for the list) and write through services; the forms
each post to views_scoring, which re-renders this page with the form as the user filled it.
"""

from __future__ import annotations

from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from waishi.core.access import access
from waishi.evaluation import selectors
from waishi.evaluation import views_support as support
from waishi.evaluation.forms import EvaluationFilterForm, Mine
from waishi.evaluation.list_export import (
    EXPORT_LIMIT,
    evaluation_list_export,
    evaluations_workbook,
)
from waishi.evaluation.report_docx import evaluation_report_docx, report_filename
from waishi.evaluation.views_detail import detail_page
from waishi.people.selectors import visible_units

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _filter_form(request) -> EvaluationFilterForm:
    return EvaluationFilterForm(request.GET, units=visible_units(request.user))


@access()
@require_GET
def evaluation_list(request):
    form = _filter_form(request)
    filters = form.filters()
    sort = form.sort_key()
    scoped = selectors.evaluations_for(request.user)  # the scope is read once per request
    rows = support.browse(request.user, scoped, **filters)
    page = support.page_of(rows, page_number=request.GET.get("page"), sort=sort)
    counts = support.my_work_counts(request.user, scoped)
    context = {
        "form": form,
        "page": page,
        "sort": sort,
        "mine": filters["mine"],
        "tabs": [
            {"value": value, "label": label, "count": counts.get(value)}
            for value, label in Mine.CHOICES
        ],
    }
    template = "evaluation/list.html"
    if request.htmx and request.htmx.target == "evaluation-results":
        template += "#results"
    return render(request, template, context)


@access()
@require_GET
def evaluation_export(request):
    form = _filter_form(request)
    filters = form.filters()
    rows = support.browse(request.user, **filters)
    total = rows.count()
    exported = list(rows.order_by(*support.ordering_for(form.sort_key()))[:EXPORT_LIMIT])
    handle = evaluations_workbook(exported, total=total)
    evaluation_list_export(actor=request.user, filters=filters, rows=len(exported))
    stamp = timezone.localdate().isoformat()
    return FileResponse(handle, as_attachment=True, filename=f"evaluations-{stamp}.xlsx")


@access()
@require_GET
def evaluation_detail(request, pk):
    evaluation = selectors.evaluation_for(request.user, pk)
    return detail_page(request, evaluation)


@access()
@require_GET
def evaluation_report(request, pk):
    evaluation = selectors.evaluation_for(request.user, pk)
    return FileResponse(
        evaluation_report_docx(evaluation),
        as_attachment=True,
        filename=report_filename(evaluation),
        content_type=DOCX,
    )
