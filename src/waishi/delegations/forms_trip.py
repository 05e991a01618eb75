"""Forms of the trip pages. They only parse input; the rules are the services'."""

from __future__ import annotations

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from waishi.core.uploads import UploadField
from waishi.delegations.models import BudgetKind
from waishi.delegations.models_trip import ReportProject, ResultStatus, VisaEntries, VisaKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def date_field(label, *, required=True):
    return forms.DateField(label=label, required=required, widget=DATE)


COUNTRY = _("Country or region")


def country_field(label=COUNTRY, *, required=True):
    def choices():
        return [("", "—"), *countries]

    return forms.ChoiceField(label=label, choices=choices, required=required)


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class DisclosureForm(VersionedForm):
    where = forms.CharField(label=_("Where it was posted"), max_length=200)
    posted_on = date_field(_("Posted on"))
    taken_down_on = date_field(_("Taken down on"), required=False)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MemberChoiceForm(forms.Form):
    """A form with a `person` choice among the delegation's members."""

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [(m.person_id, str(m.person)) for m in members]


class CheckoutForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)
    passport = forms.IntegerField(label=_("Passport"))


class VisaForm(MemberChoiceForm):
    person = forms.TypedChoiceField(label=_("Member"), coerce=int)
    country = country_field()
    kind = forms.ChoiceField(label=_("Kind of visa"), choices=VisaKind.choices)
    number = forms.CharField(label=_("Visa number"), max_length=40, required=False)
    valid_from = date_field(_("Valid from"), required=False)
    valid_to = date_field(_("Valid to"), required=False)
    entries = forms.ChoiceField(label=_("Entries"), choices=VisaEntries.choices)


class BriefingForm(MemberChoiceForm):
    person = forms.TypedChoiceField(label=_("Member"), coerce=int)
    attended_on = date_field(_("Attended on"))


class ReturnForm(VersionedForm):
    left_china_on = date_field(_("Actually left China on"))
    returned_on = date_field(_("Actually returned to China on"))
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class StopForm(forms.Form):
    country = country_field(required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    arrive = date_field(_("Arrived"), required=False)
    depart = date_field(_("Departed"), required=False)


StopFormSet = formset_factory(StopForm, extra=2)


class PostDisclosureForm(forms.Form):
    where = forms.CharField(label=_("Where it was published"), max_length=200)
    posted_on = date_field(_("Published on"))
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class LiftForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    until = date_field(_("Lifted until"))


class PhotoForm(forms.Form):
    file = UploadField(label=_("Photo"), allowed=("jpeg", "png"))
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)


# --- the trip report ---------------------------------------------------------------------------


class ReportForm(VersionedForm):
    summary = forms.CharField(
        label=_("Report"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    compliance_declared = forms.BooleanField(
        label=_("I declare the trip kept to the approved plan and the rules of discipline"),
        required=False,
    )
    compliance_note = forms.CharField(
        label=_("Compliance statement"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ResultForm(forms.Form):
    objective = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=_("Achieved"), choices=[("", "—"), *ResultStatus.choices], required=False
    )
    result = forms.CharField(
        label=_("Result"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AgreementForm(forms.Form):
    title = forms.CharField(label=_("Agreement or MoU"), max_length=300, required=False)
    partner = forms.CharField(label=_("Signed with"), max_length=200, required=False)
    signed_on = date_field(_("Signed on"), required=False)


class ProjectForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ReportProject.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=300, required=False)
    amount = forms.DecimalField(label=_("Amount"), required=False, min_value=0, decimal_places=2)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="CNY", required=False)
    partner = forms.CharField(label=_("Partner"), max_length=200, required=False)


class PartnerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    country = country_field(required=False)


class FollowUpForm(forms.Form):
    plan = forms.CharField(label=_("Follow-up plan"), required=False)
    responsible = forms.CharField(label=_("Responsible"), max_length=200, required=False)
    due_on = date_field(_("Due on"), required=False)


class SpendingForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Item"), choices=[("", "—"), *BudgetKind.choices], required=False
    )
    amount = forms.DecimalField(
        label=_("Actual amount"), required=False, min_value=0, decimal_places=2
    )
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="CNY", required=False)


# Each list of the report: (prefix, form, the field that makes a row count as filled in).
REPORT_LISTS = {
    "results": (ResultForm, "result"),
    "agreements": (AgreementForm, "title"),
    "projects": (ProjectForm, "name"),
    "partners": (PartnerForm, "name"),
    "follow_ups": (FollowUpForm, "plan"),
    "spending": (SpendingForm, "kind"),
}


def report_formsets(data=None, initial=None, extra=2):
    """One formset per list of the report; results have exactly one row per objective."""
    initial = initial or {}
    sets = {}
    for prefix, (form, _key) in REPORT_LISTS.items():
        rows = initial.get(prefix, [])
        factory = formset_factory(form, extra=0 if prefix == "results" else extra)
        sets[prefix] = factory(data, initial=rows, prefix=prefix)
    return sets


def rows_of(formset, key: str) -> list[dict]:
    """The filled-in rows of a valid formset, as service input (blank rows dropped)."""
    rows = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get(key) in (None, ""):
            continue
        rows.append({k: v for k, v in data.items() if v not in (None, "") or k == key})
    return rows
