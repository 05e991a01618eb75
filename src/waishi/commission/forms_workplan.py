"""Forms of the work plan pages. They only clean input; services_workplan decides and writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from waishi.commission.models_workplan import WorkItem, WorkItemProgress
from waishi.commission.services_workplan import FIRST_YEAR, LAST_YEAR
from waishi.core.models import Unit
from waishi.core.uploads import UploadField
from waishi.people.forms import UnitChoiceField

DATE = forms.DateInput(attrs={"type": "date"})


def active_units():
    return Unit.objects.filter(is_active=True).order_by("path")


class UnitsField(forms.ModelMultipleChoiceField):
    """Several units from a plain multiple <select>, indented by depth like UnitChoiceField."""

    def label_from_instance(self, obj):
        return "\u3000" * obj.depth + obj.name


class FilterForm(forms.Form):
    """The filters of a plan's items (and of the dashboard)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    unit = UnitChoiceField(
        label=_("Unit"), queryset=None, required=False, empty_label=_("All units")
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, data, *, units):
        super().__init__(data)
        self.fields["unit"].queryset = units
        stored = [c for c in WorkItem.Status.choices if c[0] != WorkItem.Status.OVERDUE]
        self.fields["status"].choices = [("", _("Any status")), *stored]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "q": data["q"],
            "unit": data["unit"],
            "status": data["status"] or None,
            "overdue": True if data["overdue"] else None,
        }


class PlanForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        help_text=_("For example 市委外事工作委员会2026年工作要点"),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class PlanEditForm(PlanForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["year"]  # a plan keeps its year


class AdoptForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    meeting = forms.ModelChoiceField(
        label=_("Adopted at meeting"),
        queryset=None,
        required=False,
        empty_label=_("Not at a recorded meeting"),
    )
    adopted_on = forms.DateField(
        label=_("Adopted on"),
        required=False,
        widget=DATE,
        help_text=_("Leave empty to take the meeting's date (or today)."),
    )

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].label_from_instance = lambda m: (
            f"{m.date:%Y-%m-%d} {m.title}" if m.date else m.title
        )


class ItemForm(forms.Form):
    section = forms.CharField(
        label=_("Section"),
        required=False,
        max_length=200,
        help_text=_("The heading the item stands under, e.g. 一、服务高水平对外开放"),
    )
    number = forms.IntegerField(
        label=_("Number"),
        required=False,
        min_value=1,
        help_text=_("Leave empty to number it after the last item."),
    )
    task = forms.CharField(
        label=_("Task"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    lead_unit = UnitChoiceField(label=_("Lead unit"), queryset=None)
    supporting_units = UnitsField(
        label=_("Supporting units"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)
    measure = forms.CharField(
        label=_("Measure of done"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("How everyone will know the item is done."),
    )

    FIELDS = ("section", "number", "task", "lead_unit", "supporting_units", "deadline", "measure")

    def __init__(self, *args, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = active_units()
        self.fields["supporting_units"].queryset = active_units()
        self.fields["section"].widget.attrs["list"] = "workplan-sections"
        self.sections = list(sections)

    def service_fields(self) -> dict:
        return {key: self.cleaned_data[key] for key in self.FIELDS}


class ItemEditForm(ItemForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReportForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=_("Where the item stands"),
        choices=WorkItemProgress.Status.choices,
        widget=forms.RadioSelect,
        initial=WorkItemProgress.Status.IN_PROGRESS,
    )
    percent = forms.IntegerField(
        label=_("Progress (%)"),
        required=False,
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"step": 5}),
        help_text=_("Reported done, the item counts as 100%."),
    )
    note = forms.CharField(
        label=_("What was done"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    evidence = UploadField(
        label=_("Evidence (PDF, JPEG, PNG or DOCX, at most 20 MB)"),
        required=False,
        help_text=_("Required when the item is reported done."),
    )

    def clean(self):
        data = super().clean()
        if data.get("status") == WorkItemProgress.Status.DONE:
            data["percent"] = 100
        return data


class ReasonForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class LinkForm(forms.Form):
    delegation = forms.ModelChoiceField(
        label=_("Delegation"), queryset=None, required=False, empty_label=_("No delegation")
    )
    meeting = forms.ModelChoiceField(
        label=_("Meeting"), queryset=None, required=False, empty_label=_("No meeting")
    )
    note = forms.CharField(label=_("How it served the item"), required=False, max_length=200)

    def __init__(self, *args, delegations, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delegation"].queryset = delegations
        self.fields["delegation"].label_from_instance = lambda d: (
            f"{d.leave_china:%Y-%m-%d} {d.organising_unit.name}：{d.title}"
        )
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].label_from_instance = lambda m: (
            f"{m.date:%Y-%m-%d} {m.title}" if m.date else m.title
        )
