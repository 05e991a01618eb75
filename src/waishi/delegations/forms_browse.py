"""Forms of the browse pages: the list's filters and a workflow action. They only clean input;
the selectors read and delegation_transition decides."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from waishi.delegations import workflow
from waishi.delegations.models import Status
from waishi.delegations.selectors_browse import DEFAULT_SORT, SORT_KEYS
from waishi.people.forms import DateInput, FastSelect, UnitChoiceField
from waishi.people.models import Rank

SORT_CHOICES = [(key, key) for base in SORT_KEYS for key in (base, f"-{base}")]
JUSTIFICATION_PREFIX = "justification_"
# Actions that need the password typed again within the sudo window (waishi.core.sudo).
SUDO_ACTIONS = frozenset({workflow.Action.APPROVE})


class DelegationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=64)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *Status.choices],
        widget=FastSelect,
    )
    unit = UnitChoiceField(
        label=_("Unit"), queryset=None, required=False, empty_label=_("All units")
    )
    country = forms.ChoiceField(label=_("Country or region"), required=False, widget=FastSelect)
    year = forms.IntegerField(
        label=_("Year of departure"), required=False, min_value=1949, max_value=2100
    )
    rank = forms.ChoiceField(
        label=_("Highest rank"),
        required=False,
        choices=[("", _("All ranks")), *Rank.choices],
        widget=FastSelect,
    )
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES, widget=forms.HiddenInput)

    def __init__(self, data, *, units):
        super().__init__(data)
        self.fields["unit"].queryset = units
        self.fields["country"].choices = [
            ("", _("All countries")),
            *((code, name) for code, name in countries if code != "CN"),
        ]

    def filters(self) -> dict:
        """Selector keyword arguments; invalid parts of the input are ignored, not fatal."""
        self.is_valid()  # cleaned_data keeps the valid fields even when another one is not
        data = self.cleaned_data
        return {
            "search": data.get("q", ""),
            "status": data.get("status") or None,
            "unit": data.get("unit"),
            "country": data.get("country") or None,
            "year": data.get("year"),
            "rank": data.get("rank") or None,
        }

    def sort_key(self) -> str:
        self.is_valid()
        return self.cleaned_data.get("sort") or DEFAULT_SORT


class TransitionForm(forms.Form):
    """One workflow action: a comment (a reason where the action needs one), the version the
    user saw, the day for departure/return, and a justification per standing warning."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    on = forms.DateField(label=_("On"), required=False, widget=DateInput())

    def __init__(self, *args, action: str, warnings=(), justified=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        self.warnings = list(warnings)
        if workflow.needs_reason(action):
            self.fields["comment"].label = _("Reason")
            self.fields["comment"].widget.attrs["required"] = True
        if action == workflow.Action.DEPART:
            self.fields["on"].label = _("Left China on")
        elif action == workflow.Action.REGISTER_RETURN:
            self.fields["on"].label = _("Returned to China on")
        else:
            del self.fields["on"]
        justified = justified or {}
        for finding in self.warnings if action == workflow.Action.SUBMIT else ():
            name = JUSTIFICATION_PREFIX + finding["rule"]
            self.fields[name] = forms.CharField(
                label=finding["message"],
                required=False,
                max_length=4000,
                initial=justified.get(finding["rule"], ""),
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def clean_comment(self):
        comment = self.cleaned_data["comment"].strip()
        if workflow.needs_reason(self.action) and not comment:
            raise forms.ValidationError(
                _("Give a reason: “%(action)s” needs one.")
                % {"action": workflow.ACTION_LABELS[self.action]}
            )
        return comment

    def justification_fields(self):
        return [self[name] for name in self.fields if name.startswith(JUSTIFICATION_PREFIX)]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        justifications = {
            name.removeprefix(JUSTIFICATION_PREFIX): value
            for name, value in data.items()
            if name.startswith(JUSTIFICATION_PREFIX) and value.strip()
        }
        kwargs = {
            "expected_version": data["expected_version"],
            "comment": data["comment"],
            "justifications": justifications,
        }
        if data.get("on"):
            kwargs["on"] = data["on"]
        return kwargs
