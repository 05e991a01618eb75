"""The import page: a news release in, a draft meeting out.

1. GET: paste the release or choose a .txt file.
2. POST "read": the parsed fields beside the cleaned text, the evidence highlighted; the reader
   corrects the fields (htmx re-reads as the text changes, posting to `import_preview`).
3. POST "save": the release is read again from the text carried along, the corrections applied,
   and the draft meeting created through `meeting_create_draft`.
Bad input (empty, binary, not a meeting release) answers the form again with one message in the
reader's language; nothing is created.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from waishi.commission import services
from waishi.commission.forms import ImportForm, ImportSourceForm, import_error_message
from waishi.commission.highlight import LABELS, evidence_spans, highlighted
from waishi.commission.news import MeetingDraft, NewsImportError, parse_release
from waishi.commission.services import WRITERS
from waishi.core.access import access

TEMPLATE = "commission/meeting_import.html"


def _warnings(draft: MeetingDraft) -> list[str]:
    """What the reader must check, in their language (the parser's own notes are English)."""
    notes = []
    if draft.date is None:
        notes.append(_("The release gives no meeting date; enter it."))
    elif draft.date.startswith("--"):
        day = draft.date[2:]
        notes.append(
            _("The release gives the day (%(day)s) but no year; enter the full date.")
            % {"day": day}
        )
    elif draft.year_source == "argument":
        notes.append(_("The year is the one you gave; the release does not state it."))
    elif draft.year_source == "documents":
        notes.append(_("The year was inferred from the reports heard and plans reviewed."))
    if not draft.title:
        notes.append(_("No meeting title was found; write one."))
    return notes


def _initial(draft: MeetingDraft, text: str, year) -> dict:
    full_date = draft.date if draft.date and not draft.date.startswith("--") else None
    return {
        "title": draft.title or "",
        "date": full_date,
        "chairs": draft.chairs,
        "attendees": draft.attendees,
        "documents": draft.documents,
        "source": draft.source or "",
        "text": text,
        "year": year,
    }


def _review_context(draft: MeetingDraft, form: ImportForm) -> dict:
    shown = {kind for _start, _end, kind in evidence_spans(draft.text, draft.evidence)}
    return {
        "draft": draft,
        "form": form,
        "highlighted": highlighted(draft.text, draft.evidence),
        "legend": [(kind, label) for kind, label in LABELS.items() if kind in shown],
        "warnings": _warnings(draft),
    }


def _read(source: ImportSourceForm):
    """(context for the review, None) or (None, the error shown on the source form)."""
    text, year = source.cleaned_data["text"], source.cleaned_data["year"]
    try:
        draft = parse_release(text, year=year)
    except NewsImportError as exc:
        source.add_error("text", import_error_message(exc))
        return None
    return _review_context(draft, ImportForm(initial=_initial(draft, text, year)))


@access(*WRITERS)
@require_http_methods(["GET", "POST"])
def meeting_import(request):
    if request.method == "POST" and request.POST.get("action") == "save":
        return _save(request)
    source = ImportSourceForm(request.POST or None, request.FILES or None)
    context = {"source": source}
    if request.method == "POST" and source.is_valid():
        review = _read(source)
        if review:
            # The text of an uploaded file goes into the box, where it can be corrected too.
            source = ImportSourceForm(
                initial={"text": source.cleaned_data["text"], "year": source.cleaned_data["year"]}
            )
            context = {"source": source, **review}
    return render(request, TEMPLATE, context, status=400 if source.errors else 200)


@access(*WRITERS)
@require_POST
def import_preview(request):
    """The review column alone, re-read from the text as it is typed (htmx)."""
    source = ImportSourceForm(request.POST)
    context = {"source": source, "partial": True}
    if source.is_valid():
        context.update(_read(source) or {})
    return render(request, f"{TEMPLATE}#review", context)


def _save(request):
    form = ImportForm(request.POST)
    # The release is read again from the text the review carried: nothing parsed is trusted
    # from the browser except the reader's corrections.
    source = ImportSourceForm(
        {"text": request.POST.get("text", ""), "year": request.POST.get("year")}
    )
    if not source.is_valid():
        return render(request, TEMPLATE, {"source": source}, status=400)
    text = source.cleaned_data["text"]
    try:
        draft = parse_release(text, year=source.cleaned_data["year"])
    except NewsImportError as exc:
        source.add_error("text", import_error_message(exc))
        return render(request, TEMPLATE, {"source": source}, status=400)
    if form.is_valid():
        try:
            meeting = services.meeting_create_draft(
                actor=request.user, draft=draft, corrections=form.service_fields()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The meeting was saved as a draft; check it and confirm."))
            return redirect("commission:detail", pk=meeting.pk)
    context = {"source": source, **_review_context(draft, form)}
    return render(request, TEMPLATE, context, status=400)
