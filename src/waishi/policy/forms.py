from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from waishi.policy.perdiem import PerDiemError

MAX_TABLE_BYTES = 2 * 1024 * 1024

# PerDiemError codes in the user's language (waishi.policy.perdiem keeps English for the CLI).
PERDIEM_ERRORS = {
    "unreadable": _("the file cannot be read as a CSV table (%(detail)s)"),
    "empty": _("the table has no rows"),
    "missing_column": _("the column “%(column)s” is missing (needed: %(required)s)"),
    "missing_value": _("the cell “%(column)s” is empty"),
    "unknown_country": _("unknown country or region “%(value)s”"),
    "unknown_currency": _("unknown currency “%(value)s”"),
    "bad_amount": _("“%(value)s” in column “%(column)s” is not an amount"),
    "negative_amount": _("the amount %(value)s in column “%(column)s” is negative"),
    "other_cities_not_alone": _("“其他城市” (other cities) must stand alone in its row"),
    "duplicate_city": _("the city “%(city)s” of %(country)s is already in line %(first_line)s"),
    "duplicate_other_cities": _("%(country)s already has an “其他城市” row in line %(first_line)s"),
    "duplicate_whole_country": _(
        "%(country)s already has a whole-country row in line %(first_line)s"
    ),
}


def perdiem_error_message(error: PerDiemError) -> str:
    problem = PERDIEM_ERRORS[error.code] % error.params
    if error.line:
        return gettext("Line %(line)s: %(problem)s.") % {"line": error.line, "problem": problem}
    return gettext("%(problem)s.") % {"problem": problem}


class StandardsFilterForm(forms.Form):
    continent = forms.ChoiceField(label=_("Continent"), required=False)
    country = forms.ChoiceField(label=_("Country or region"), required=False)
    q = forms.CharField(
        label=_("City or country"), required=False, max_length=100, widget=forms.SearchInput
    )

    def __init__(self, data, *, continents: list[str], country_codes: list[str]):
        super().__init__(data)
        present = set(country_codes)
        self.fields["continent"].choices = [("", _("All continents"))] + [
            (c, c) for c in continents
        ]
        # django-countries yields countries sorted by their name in the current language.
        self.fields["country"].choices = [("", _("All countries"))] + [
            (code, f"{name} ({code})") for code, name in countries if code in present
        ]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {key: self.cleaned_data[key] or None for key in ("continent", "country", "q")}


class TableUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Table file (CSV)"),
        help_text=_(
            "Columns: continent, country, cities, currency, lodging_cap, meals, incidentals; "
            "Chinese country and currency names, cities separated by 、."
        ),
    )
    label = forms.CharField(label=_("Label"), max_length=200)
    note = forms.CharField(label=_("Source"), max_length=500, required=False)
    activate = forms.BooleanField(
        label=_("Make it the table in force"), required=False, initial=True
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError(_("Upload the table as a .csv file."))
        if upload.size > MAX_TABLE_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB; a per-diem table is not."))
        return upload
