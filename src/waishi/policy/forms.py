import copy
import json

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from waishi.policy.perdiem import PerDiemError
from waishi.policy.selectors import parameter_label

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


SEVERITY_CHOICES = [
    ("block", _("Blocks")),
    ("warn", _("Warning")),
    ("info", _("Information")),
]


class RuleSetVersionForm(forms.Form):
    """A new rule set version from the edited values of an existing one (`base`, a body).

    One field per rule for its severity and legal basis, and one text field per parameter:
    numbers, lists and tables are written as JSON (6, ["a", "b"], {"1": 5}); a parameter that is
    text stays plain text. Each value must keep the type it had, so the engine can read it.
    """

    label = forms.CharField(label=_("Label"), max_length=200)
    note = forms.CharField(
        label=_("Note"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, data=None, *, base: dict):
        super().__init__(data)
        self.base = base
        for index, rule in enumerate(base.get("rules", [])):
            self.fields[f"r{index}_severity"] = forms.ChoiceField(
                label=_("Severity"), choices=SEVERITY_CHOICES, initial=rule.get("severity")
            )
            self.fields[f"r{index}_basis"] = forms.CharField(
                label=_("Legal basis"),
                max_length=2000,
                initial=rule.get("basis"),
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            for key, value in (rule.get("parameters") or {}).items():
                self.fields[f"r{index}_p_{key}"] = forms.CharField(
                    label=parameter_label(key),
                    help_text=key,
                    initial=_as_text(value),
                    max_length=4000,
                )

    def rules(self) -> list[dict]:
        """Each rule of the base with its bound fields, for the template."""
        rules = []
        for index, rule in enumerate(self.base.get("rules", [])):
            prefix = f"r{index}_"
            rules.append(
                {
                    "rule": rule,
                    "severity": self[f"{prefix}severity"],
                    "basis": self[f"{prefix}basis"],
                    "parameters": [self[f"{prefix}p_{key}"] for key in rule.get("parameters", {})],
                }
            )
        return rules

    def clean(self):
        cleaned = super().clean()
        for index, rule in enumerate(self.base.get("rules", [])):
            for key, value in (rule.get("parameters") or {}).items():
                name = f"r{index}_p_{key}"
                if name in cleaned:
                    try:
                        cleaned[name] = _parsed(cleaned[name], like=value)
                    except forms.ValidationError as error:
                        self.add_error(name, error)
        return cleaned

    def body(self) -> dict:
        """The new body: the base with the edited severities, bases and parameters."""
        body = copy.deepcopy(self.base)
        for index, rule in enumerate(body.get("rules", [])):
            prefix = f"r{index}_"
            rule["severity"] = self.cleaned_data[f"{prefix}severity"]
            rule["basis"] = self.cleaned_data[f"{prefix}basis"]
            for key in rule.get("parameters") or {}:
                rule["parameters"][key] = self.cleaned_data[f"{prefix}p_{key}"]
        return body


def _as_text(value) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _parsed(text: str, *, like):
    """`text` read as a value of the type of `like` (the parameter's current value)."""
    if isinstance(like, str):
        return text
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    kinds = {bool: bool, int: int, float: (int, float), list: list, dict: dict}
    expected = kinds.get(type(like))
    fits = expected is None or (
        isinstance(value, expected) and (expected is bool or not isinstance(value, bool))
    )
    if value is None or not fits:
        raise forms.ValidationError(PARAMETER_FORMATS.get(type(like), _("Enter a JSON value.")))
    return value


PARAMETER_FORMATS = {
    bool: _("Enter true or false."),
    int: _("Enter a whole number, such as 6."),
    float: _("Enter a number, such as 0.4."),
    list: _('Enter a list, such as ["official", "service"].'),
    dict: _('Enter a table, such as {"1": 5, "2": 8}.'),
}
