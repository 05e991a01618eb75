"""Forms of the people pages. They only clean input; the services decide and write."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from waishi.people.idcard import validate_id_number
from waishi.people.models import Passport, Rank, Sex

SORT_CHOICES = [(key, key) for base in ("name", "unit", "rank") for key in (base, f"-{base}")]


class FastSelect(forms.Select):
    """A <select> rendered in Python.

    Django renders every <option> through a template; for a city's 300 units that alone took
    ~40 ms of a list request. Same markup, a fraction of the time.
    """

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in self.format_value(value)}
        attrs = {**self.build_attrs(self.attrs, attrs), "name": name}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, " selected" if str(key) in chosen else "", label)
                for key, label in self.choices
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(attrs), options)


class UnitChoiceField(forms.ModelChoiceField):
    widget = FastSelect

    def label_from_instance(self, obj):
        # Indent by depth so the tree reads in a plain <select>.
        return "\u3000" * obj.depth + obj.name


class PersonFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=64)
    unit = UnitChoiceField(
        label=_("Unit"), queryset=None, required=False, empty_label=_("All units")
    )
    rank = forms.ChoiceField(
        label=_("Rank"), required=False, choices=[("", _("All ranks")), *Rank.choices]
    )
    subunits = forms.BooleanField(label=_("Include sub-units"), required=False)
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES, widget=forms.HiddenInput)

    def __init__(self, data, *, units):
        data = data.copy()
        if "unit" not in data:  # first visit: the checkbox was never shown unticked
            data["subunits"] = "on"
        super().__init__(data)
        self.fields["unit"].queryset = units

    def filters(self) -> dict:
        """Selector keyword arguments; invalid parts of the input are ignored, not fatal."""
        self.is_valid()  # cleaned_data keeps the valid fields even when another one is not
        data = self.cleaned_data
        unit = data.get("unit")
        return {
            "q": data.get("q", ""),
            "unit_id": unit.pk if unit else None,
            "rank": data.get("rank") or None,
            "include_subunits": data.get("subunits", True),
        }

    def sort_key(self) -> str:
        self.is_valid()
        return self.cleaned_data.get("sort") or "name"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PersonForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=64)
    surname_pinyin = forms.CharField(
        label=_("Surname (passport spelling)"),
        max_length=64,
        required=False,
        help_text=_("Filled in from the name; correct it if the passport spells it otherwise."),
    )
    given_pinyin = forms.CharField(
        label=_("Given name (passport spelling)"), max_length=64, required=False
    )
    sex = forms.ChoiceField(label=_("Sex"), required=False, choices=[("", "—"), *Sex.choices])
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput())
    unit = UnitChoiceField(label=_("Unit"), queryset=None)
    position = forms.CharField(label=_("Position"), max_length=100, required=False)
    rank = forms.ChoiceField(label=_("Rank"), choices=Rank.choices, initial=Rank.OTHER)
    retired = forms.BooleanField(label=_("Retired or left post"), required=False)
    id_number = forms.CharField(label=_("ID card number"), max_length=24, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, units, editing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.editing = editing
        if editing is not None:
            self.fields["version"].required = True
            self.fields["id_number"].help_text = _(
                "On file: %(masked)s. Leave empty to keep it; type a new number to replace it."
            ) % {"masked": editing.id_number_masked or "—"}

    def clean_id_number(self):
        value = self.cleaned_data["id_number"].strip()
        return validate_id_number(value) if value else ""

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        if self.editing is not None and not data["id_number"]:
            data.pop("id_number")  # empty means "keep the number on file"
        for key in ("surname_pinyin", "given_pinyin"):
            # Empty on a new person: let the service compute the spelling from the name.
            if self.editing is None and not data[key]:
                data[key] = None
        return data


class PassportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=Passport.Kind.choices)
    number = forms.CharField(label=_("Passport number"), max_length=24)
    issued_on = forms.DateField(label=_("Issued on"), required=False, widget=DateInput())
    expires_on = forms.DateField(label=_("Expires on"), widget=DateInput())

    def clean(self):
        data = super().clean()
        issued, expires = data.get("issued_on"), data.get("expires_on")
        if issued and expires and expires <= issued:
            self.add_error("expires_on", _("The expiry date must come after the issue date."))
        return data


class CustodyForm(forms.Form):
    custody = forms.ChoiceField(label=_("Custody"), choices=Passport.Custody.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


def add_service_error(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError next to the fields it names (or on top)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
