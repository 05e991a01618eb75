"""Forms of the meeting pages. They only clean input; the services decide and write."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from waishi.commission.models import Meeting
from waishi.commission.news import NewsImportError
from waishi.commission.news_text import MAX_BYTES, decode
from waishi.core.models import Unit
from waishi.core.uploads import UploadField, sniff
from waishi.people.forms import UnitChoiceField

# What a failed import says, in the reader's language (the parser's own messages are English).
IMPORT_ERRORS = {
    "empty": _("There is no text to read: paste a news release or choose a .txt file."),
    "too_large": _("This file is too large to be a news release (over 1 MB)."),
    "binary": _("This file is not text: upload the release as a plain .txt file."),
    "encoding": _("This file's text cannot be read; save it as UTF-8 and try again."),
    "not_meeting": _(
        "This is not a meeting news release: no meeting is convened or chaired in it."
    ),
    "unreadable": _("This text cannot be read as a news release."),
}


def import_error_message(error: NewsImportError) -> str:
    return str(IMPORT_ERRORS.get(getattr(error, "reason", ""), IMPORT_ERRORS["unreadable"]))


class LinesField(forms.CharField):
    """A list typed one item a line (names may also be separated by 、 or commas)."""

    def __init__(self, *args, split_names=False, rows=3, **kwargs):
        self.split_names = split_names
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(v["name"] if isinstance(v, dict) else str(v) for v in value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        pattern = r"[\n、，,;；]" if self.split_names else r"\n"
        return [item.strip() for item in re.split(pattern, text) if item.strip()]


class MeetingFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *Meeting.Status.choices]
    )

    def __init__(self, data, *, years):
        super().__init__(data)
        self.fields["year"].choices = [("", _("All years"))] + [(y, y) for y in years]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {key: self.cleaned_data[key] for key in ("q", "year", "status")}


class MeetingForm(forms.Form):
    number = forms.CharField(
        label=_("Number"), required=False, max_length=32, help_text=_("For example 2026年第1次")
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    date = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    chairs = LinesField(label=_("Chairs"), split_names=True, rows=2)
    attendees = LinesField(
        label=_("Attendees"),
        split_names=True,
        rows=4,
        help_text=_("One name a line; a name shared by nobody else is linked to their record."),
    )
    agenda = LinesField(label=_("Agenda"), rows=4, help_text=_("One item a line, in order."))
    documents = LinesField(label=_("Documents reviewed"), rows=3, help_text=_("One title a line."))
    source = forms.CharField(label=_("Source"), required=False, max_length=200)

    FIELDS = ("number", "title", "date", "place", "chairs", "attendees", "agenda", "documents")

    def service_fields(self) -> dict:
        return {key: self.cleaned_data[key] for key in (*self.FIELDS, "source")}


class MeetingEditForm(MeetingForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ImportSourceForm(forms.Form):
    """The release to read: pasted, or a .txt file (refused when its content is not text)."""

    text = forms.CharField(
        label=_("Release text"),
        required=False,
        strip=False,
        max_length=MAX_BYTES,
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    file = forms.FileField(
        label=_("Or a text file"),
        required=False,
        widget=forms.ClearableFileInput({"accept": ".txt"}),
    )
    year = forms.IntegerField(
        label=_("Year, if the release does not say it"),
        required=False,
        min_value=1949,
        max_value=2100,
    )

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            data["text"] = self._read(upload)
        if not (data.get("text") or "").strip() and not self.errors:
            raise ValidationError(IMPORT_ERRORS["empty"], code="empty")
        return data

    def _read(self, upload) -> str:
        if upload.size > MAX_BYTES:
            raise ValidationError({"file": IMPORT_ERRORS["too_large"]})
        if sniff(upload) is not None:  # a PDF, an image or a Word file, whatever its name
            raise ValidationError({"file": IMPORT_ERRORS["binary"]})
        try:
            return decode(upload.read())
        except NewsImportError as exc:
            raise ValidationError({"file": import_error_message(exc)}) from None


class ImportForm(MeetingForm):
    """The parsed fields as the reader corrects them, with the release they came from."""

    text = forms.CharField(strip=False, max_length=MAX_BYTES, widget=forms.Textarea({"hidden": ""}))
    year = forms.IntegerField(
        required=False, min_value=1949, max_value=2100, widget=forms.HiddenInput
    )

    def __init__(self, *args, **kwargs):
        # Its own ids: the source form on the same page has a "text" and a "year" too.
        kwargs.setdefault("auto_id", "review_%s")
        super().__init__(*args, **kwargs)


class DecisionForm(forms.Form):
    text = forms.CharField(
        label=_("Decision"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class TaskForm(forms.Form):
    decision = forms.ModelChoiceField(
        label=_("From decision"), queryset=None, required=False, empty_label=_("No decision")
    )
    text = forms.CharField(
        label=_("Task"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner_unit = UnitChoiceField(
        label=_("Owner unit"), queryset=None, empty_label=_("Choose the owner unit")
    )
    deadline = forms.DateField(
        label=_("Deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = meeting.decisions.all()
        self.fields["decision"].label_from_instance = lambda d: d.text[:60]
        self.fields["owner_unit"].queryset = Unit.objects.filter(is_active=True).order_by("path")


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Document title"), max_length=300)
    attachment = UploadField(
        label=_("File (PDF, JPEG, PNG or DOCX, at most 20 MB)"), required=False
    )


class VersionForm(forms.Form):
    """Carries the version the user saw, for confirm and complete buttons."""

    version = forms.IntegerField(widget=forms.HiddenInput)
