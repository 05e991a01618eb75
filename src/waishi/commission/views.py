"""Meeting pages: the list (filters, export), a meeting, its forms, and the minutes as .docx.

Views only read through selectors and write through services. The import page is in
views_import.py.
"""

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from waishi.commission import selectors, services
from waishi.commission.export import EXPORT_LIMIT, meetings_workbook
from waishi.commission.forms import (
    DecisionForm,
    DocumentForm,
    MeetingEditForm,
    MeetingFilterForm,
    MeetingForm,
    TaskForm,
    VersionForm,
)
from waishi.commission.minutes import minutes_document, minutes_filename
from waishi.commission.models import FollowUpTask, MeetingDocument
from waishi.commission.selectors_workplan import items_served_by_meeting
from waishi.core.access import access, has_role
from waishi.core.uploads import stored_file_response

WRITERS = services.WRITERS


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _filter_form(request) -> MeetingFilterForm:
    return MeetingFilterForm(request.GET, years=selectors.meeting_years(request.user))


@access()
@require_GET
def meeting_list(request):
    form = _filter_form(request)
    meetings = selectors.meetings_for_user(request.user, **form.filters())
    paginator_page = _page(selectors.with_task_counts(meetings), request.GET.get("page"))
    context = {
        "form": form,
        "page": paginator_page,
        "may_write": has_role(request.user, *WRITERS),
    }
    template = "commission/meeting_list.html"
    if request.htmx and request.htmx.target == "meeting-results":
        template += "#results"
    return render(request, template, context)


def _page(meetings, number):
    return Paginator(meetings, selectors.PER_PAGE).get_page(number)


@access()
@require_GET
def meeting_export(request):
    form = _filter_form(request)
    meetings = selectors.with_task_counts(
        selectors.meetings_for_user(request.user, **form.filters())
    )
    handle = meetings_workbook(meetings[:EXPORT_LIMIT])
    stamp = timezone.localdate().isoformat()
    return FileResponse(handle, as_attachment=True, filename=f"meetings-{stamp}.xlsx")


def _detail_context(request, meeting, **forms) -> dict:
    may_write = has_role(request.user, *WRITERS)
    tasks = list(selectors.tasks_of(meeting))
    today = timezone.localdate()
    person_ids = selectors.visible_person_ids(
        request.user, [a.get("person_id") for a in meeting.attendees]
    )
    context = {
        "meeting": meeting,
        "documents": list(meeting.documents.all()),
        "decisions": list(meeting.decisions.all()),
        "tasks": [(task, task.state(today)) for task in tasks],
        "linked_people": person_ids,
        "may_write": may_write,
        "may_edit": may_write and meeting.is_draft,
        "work_items": items_served_by_meeting(request.user, meeting),
    }
    if may_write:
        context.update(
            decision_form=forms.get("decision_form") or DecisionForm(),
            task_form=forms.get("task_form") or TaskForm(meeting=meeting),
            document_form=forms.get("document_form") or DocumentForm(),
        )
    return context


@access()
@require_GET
def meeting_detail(request, pk):
    meeting = selectors.get_meeting_for_user(request.user, pk)
    return render(request, "commission/meeting_detail.html", _detail_context(request, meeting))


@access(*WRITERS)
@require_http_methods(["GET", "POST"])
def meeting_create(request):
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(actor=request.user, **form.service_fields())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The meeting was saved as a draft."))
            return redirect("commission:detail", pk=meeting.pk)
    return render(request, "commission/meeting_form.html", {"form": form, "meeting": None})


@access(*WRITERS)
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk):
    meeting = selectors.get_meeting_for_user(request.user, pk)
    if not meeting.is_draft:
        message = _("This meeting is confirmed; its record can no longer be changed.")
        messages.error(request, message)
        return redirect("commission:detail", pk=meeting.pk)
    initial = {key: getattr(meeting, key) for key in MeetingForm.FIELDS if key != "documents"}
    initial.update(
        source=meeting.source,
        documents=[d.title for d in meeting.documents.all()],
        version=meeting.version,
    )
    form = MeetingEditForm(request.POST or None, initial=initial)
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(
                actor=request.user,
                meeting=meeting,
                expected_version=form.cleaned_data["version"],
                **form.service_fields(),
            )
        except services.ConflictError as exc:
            form.add_error(None, str(exc))
            conflict = True
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("commission:detail", pk=meeting.pk)
    context = {"form": form, "meeting": meeting, "conflict": conflict}
    return render(request, "commission/meeting_form.html", context)


@access(*WRITERS)
@require_POST
def meeting_confirm(request, pk):
    meeting = selectors.get_meeting_for_user(request.user, pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        services.meeting_confirm(
            actor=request.user, meeting=meeting, expected_version=form.cleaned_data["version"]
        )
    except (services.ConflictError, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("The meeting is confirmed."))
    return redirect("commission:detail", pk=meeting.pk)


@access(*WRITERS)
@require_POST
def decision_add(request, pk):
    meeting = selectors.get_meeting_for_user(request.user, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_add_decision(
                actor=request.user, meeting=meeting, text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The decision was recorded."))
            return redirect("commission:detail", pk=meeting.pk)
    context = _detail_context(request, meeting, decision_form=form)
    return render(request, "commission/meeting_detail.html", context, status=400)


@access(*WRITERS)
@require_POST
def task_add(request, pk):
    meeting = selectors.get_meeting_for_user(request.user, pk)
    form = TaskForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            services.task_add(actor=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The follow-up task was added."))
            return redirect("commission:detail", pk=meeting.pk)
    context = _detail_context(request, meeting, task_form=form)
    return render(request, "commission/meeting_detail.html", context, status=400)


@access(*WRITERS)
@require_POST
def task_complete(request, pk):
    visible = FollowUpTask.objects.filter(meeting__in=selectors.meetings_for_user(request.user))
    task = get_object_or_404(visible, pk=pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        services.task_complete(
            actor=request.user, task=task, expected_version=form.cleaned_data["version"]
        )
    except (services.ConflictError, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("The task is marked done."))
    return redirect("commission:detail", pk=task.meeting_id)


@access(*WRITERS)
@require_POST
def document_add(request, pk):
    meeting = selectors.get_meeting_for_user(request.user, pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.document_add(
                actor=request.user,
                meeting=meeting,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["attachment"] or None,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The document was added."))
            return redirect("commission:detail", pk=meeting.pk)
    context = _detail_context(request, meeting, document_form=form)
    return render(request, "commission/meeting_detail.html", context, status=400)


@access()
@require_GET
def document_download(request, pk):
    visible = MeetingDocument.objects.filter(
        meeting__in=selectors.meetings_for_user(request.user)
    ).exclude(attachment="")
    document = get_object_or_404(visible, pk=pk)
    return stored_file_response(document.attachment, document.content_type)


@access()
@require_GET
def meeting_minutes(request, pk):
    meeting = selectors.get_meeting_for_user(request.user, pk)
    document = minutes_document(meeting, list(selectors.tasks_of(meeting)))
    return FileResponse(
        _rewound(document),
        as_attachment=True,
        filename=minutes_filename(meeting),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


def _rewound(document):
    handle = io.BytesIO()
    document.save(handle)
    handle.seek(0)
    return handle
