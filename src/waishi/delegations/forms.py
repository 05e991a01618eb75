"""Forms of the application page (create and edit a delegation). They clean input and shape it
for delegation_create / delegation_update; the services decide and write.

The page (waishi.delegations.application.Application) is the main form, five lists of rows
(objectives, members, stops, schedule, budget) and the uploads. Every row may be left blank —
a blank row is ignored — so "add a row" is one more blank row and "remove" drops a row; both
re-render one list from the posted values (views_application.rows).
"""

from __future__ import annotations

import itertools

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from waishi.core.uploads import UploadField, validate_upload
from waishi.delegations.models import (
    BudgetKind,
    HostProvides,
    InvitationKind,
    MemberRole,
    ScheduleKind,
    TripType,
)
from waishi.delegations.validation import ISO_4217, MAX_AMOUNT
from waishi.people.forms import DateInput, FastSelect, UnitChoiceField

MAX_ROWS = 100
JUSTIFICATION_PREFIX = "justification-"
MAX_JUSTIFICATION = 2000


class ApplicationForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("Title"), max_length=200)
    organising_unit = UnitChoiceField(label=_("Organising unit"), queryset=None)
    trip_type = forms.ChoiceField(label=_("Trip type"), choices=TripType.choices)
    purpose = forms.CharField(
        label=_("Purpose"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    leave_china = forms.DateField(label=_("Leaves China on"), widget=DateInput)
    return_china = forms.DateField(label=_("Returns to China on"), widget=DateInput)
    invitation_from = forms.CharField(
        label=_("Inviting organisation"), max_length=200, required=False
    )
    invitation_kind = forms.ChoiceField(
        label=_("Kind of inviter"), choices=InvitationKind.choices, initial=InvitationKind.NONE
    )
    host_provides = forms.MultipleChoiceField(
        label=_("The host provides"),
        choices=HostProvides.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organising_unit"].queryset = units

    def clean(self):
        data = super().clean()
        leave, back = data.get("leave_china"), data.get("return_china")
        if leave and back and back < leave:
            self.add_error(
                "return_china",
                _("The return to China (%(back)s) is before leaving China (%(leave)s).")
                % {"back": back, "leave": leave},
            )
        return data


# --- the lists ------------------------------------------------------------------------------


class ObjectiveForm(forms.Form):
    text = forms.CharField(label=_("Objective"), widget=forms.Textarea(attrs={"rows": 2}))


class PersonSelect(FastSelect):
    """The chosen person and a short list to pick from; the search box beside it swaps in the
    matches (views_application.people_search), so a unit of 1,000 people stays usable."""


class MemberForm(forms.Form):
    person = forms.IntegerField(label=_("Person"), widget=PersonSelect, min_value=1)
    role_in_delegation = forms.ChoiceField(
        label=_("Role in the delegation"), choices=MemberRole.choices, initial=MemberRole.MEMBER
    )
    unit_leader = forms.BooleanField(label=_("Unit leader"), required=False)
    academic = forms.BooleanField(label=_("Teaching or research staff"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].error_messages["invalid"] = _("Choose a person from the list.")


def country_choices() -> list[tuple[str, str]]:
    """Countries and regions abroad, named and sorted in the user's language."""
    return [("", "—"), *((code, name) for code, name in countries if code != "CN")]


class StopForm(forms.Form):
    country = forms.ChoiceField(label=_("Country or region"), widget=FastSelect)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    arrive = forms.DateField(label=_("Arrives"), widget=DateInput)
    depart = forms.DateField(label=_("Departs"), widget=DateInput)
    airside_transit = forms.BooleanField(label=_("Airside transit"), required=False)

    def __init__(self, *args, country_options=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = country_options

    def clean(self):
        data = super().clean()
        arrive, depart = data.get("arrive"), data.get("depart")
        if arrive and depart and depart < arrive:
            self.add_error(
                "depart",
                _("Departs %(depart)s, before it arrives %(arrive)s.")
                % {"depart": depart, "arrive": arrive},
            )
        return data


class ScheduleForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput)
    activity = forms.CharField(label=_("Activity"), max_length=300, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=ScheduleKind.choices, initial="official")


class BudgetForm(forms.Form):
    kind = forms.ChoiceField(label=_("Item"), choices=BudgetKind.choices, initial="lodging")
    amount = forms.DecimalField(
        label=_("Amount"), min_value=0, max_value=MAX_AMOUNT, max_digits=14, decimal_places=2
    )
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="CNY")
    funding_source = forms.CharField(label=_("Funding source"), max_length=200, required=False)

    def clean_currency(self):
        code = self.cleaned_data["currency"].strip().upper()
        if code not in ISO_4217:
            raise ValidationError(
                _("“%(code)s” is not a currency code such as CNY or EUR."), params={"code": code}
            )
        return code


class RowFormSet(forms.BaseFormSet):
    """A list whose every row may stay blank (and is then ignored): no row counts as "initial",
    so Django never insists a stored row be filled in again."""

    blank_rows = 1
    row_label = _("Row %(n)s")

    def __init__(self, *args, row_kwargs=None, blank_rows=None, **kwargs):
        self.row_kwargs = row_kwargs or {}
        super().__init__(*args, **kwargs)
        blank = self.blank_rows if blank_rows is None else blank_rows
        self.extra = min(len(self.initial or ()) + blank, MAX_ROWS)

    def initial_form_count(self):
        return 0

    def get_form_kwargs(self, index):
        return dict(self.row_kwargs)

    def add_fields(self, form, index):
        super().add_fields(form, index)
        # The column headers label the cells visually; screen readers get the label on the field.
        for form_field in form.fields.values():
            form_field.widget.attrs.setdefault("aria-label", form_field.label)

    def filled(self) -> list[forms.Form]:
        """The rows someone filled in, in page order."""
        return [form for form in self.forms if form.has_changed()]

    def rows(self) -> list[dict]:
        fields = list(self.form.base_fields)
        return [{k: form.cleaned_data[k] for k in fields} for form in self.filled()]

    def valid_rows(self) -> list[dict]:
        """The filled rows that are valid on their own (the live check uses what it can)."""
        fields = list(self.form.base_fields)
        return [
            {k: form.cleaned_data[k] for k in fields}
            for form in self.filled()
            if not form.errors and all(k in form.cleaned_data for k in fields)
        ]


class MemberFormSet(RowFormSet):
    blank_rows = 2

    def __init__(self, *args, people=None, stored_people=None, options=(), **kwargs):
        # stored_people: members of the stored delegation, choosable even if they have since
        # moved out of the user's units.
        self.people, self.options = people, list(options)
        self.stored_people = dict(stored_people or {})
        self.labels = {pk: person_label(p) for pk, p in self.stored_people.items()}
        super().__init__(*args, **kwargs)
        self._known_labels()
        for form in self.forms:
            form.fields["person"].widget.choices = self.person_choices(form)

    def _chosen(self, form):
        value = form.data.get(form.add_prefix("person")) if self.is_bound else None
        if value is None:
            value = form.initial.get("person")
        try:
            return int(value)
        except (TypeError, ValueError):
            return None

    def _known_labels(self) -> None:
        """Labels of the chosen people, read in one query (the scope decides who is known)."""
        wanted = {self._chosen(form) for form in self.forms} - set(self.labels) - {None}
        if wanted and self.people is not None:
            found = self.people.filter(pk__in=wanted).select_related("unit")
            self.found = {person.pk: person for person in found}
            self.labels.update({pk: person_label(p) for pk, p in self.found.items()})
        else:
            self.found = {}

    def person_choices(self, form) -> list[tuple]:
        return person_choices(self._chosen(form), self.labels, self.options)

    def clean(self):
        """Each chosen person must be one the user may see, and listed once. Valid rows get
        their Person even when another row is wrong: the live check uses what it can."""
        seen, leaders = set(), 0
        for form in self.filled():
            if form.errors:
                continue
            person_id = form.cleaned_data["person"]
            person = self.found.get(person_id) or self.stored_people.get(person_id)
            if person is None:
                form.add_error("person", _("Choose a person from the list."))
                continue
            if person.pk in seen:
                form.add_error(
                    "person",
                    _("%(name)s is listed twice; each person can be in a delegation once.")
                    % {"name": person.name},
                )
                continue
            seen.add(person.pk)
            form.cleaned_data["person"] = person
            leaders += form.cleaned_data["role_in_delegation"] == MemberRole.LEADER
        if not self.filled():
            raise ValidationError(_("A delegation needs at least one member."))
        if leaders > 1:
            raise ValidationError(
                _("A delegation has one leader; %(n)s are marked.") % {"n": leaders}
            )


class StopFormSet(RowFormSet):
    def clean(self):
        if not self.filled():
            raise ValidationError(_("The itinerary needs at least one stop abroad."))
        filled = [form for form in self.filled() if not form.errors]
        for before, form in itertools.pairwise(filled):
            if form.cleaned_data["arrive"] < before.cleaned_data["depart"]:
                form.add_error(
                    "arrive",
                    _(
                        "Arrives before the stop before it departs (%(depart)s): stops overlap "
                        "or are out of order."
                    )
                    % {"depart": before.cleaned_data["depart"]},
                )


def person_label(person) -> str:
    parts = [person.name, person.unit.name, person.position, person.get_rank_display()]
    return " · ".join(str(part) for part in parts if part)


def person_choices(chosen: int | None, labels: dict, options) -> list[tuple]:
    choices = [("", _("— choose a person —"))]
    if chosen in labels:
        choices.append((chosen, labels[chosen]))
    choices += [(pk, label) for pk, label in options if pk != chosen]
    return choices


def formset(form, base):
    return forms.formset_factory(
        form,
        formset=base,
        extra=0,
        max_num=MAX_ROWS,
        validate_max=True,
        absolute_max=MAX_ROWS,
    )


SECTIONS = {
    "objectives": formset(ObjectiveForm, RowFormSet),
    "members": formset(MemberForm, MemberFormSet),
    "stops": formset(StopForm, StopFormSet),
    "schedule": formset(ScheduleForm, RowFormSet),
    "budget": formset(BudgetForm, RowFormSet),
}
SECTION_TITLES = {
    "objectives": _("Objectives"),
    "members": _("Leader and members"),
    "stops": _("Itinerary"),
    "schedule": _("Daily schedule abroad"),
    "budget": _("Budget"),
}


# --- uploads ---------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleUploadField(forms.FileField):
    """Several files at once, each judged by its content like UploadField."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        cleaned = []
        for upload in files:
            upload = super().clean(upload, initial)
            upload.kind = validate_upload(upload)
            cleaned.append(upload)
        return cleaned


class AttachmentsForm(forms.Form):
    invitation = UploadField(label=_("Invitation letter"), required=False)
    invitation_translation = UploadField(
        label=_("Chinese translation of the invitation"), required=False
    )
    others = MultipleUploadField(label=_("Other attachments"), required=False)
    remove_attachments = forms.TypedMultipleChoiceField(
        label=_("Remove"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, stored=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.stored = list(stored)
        self.fields["remove_attachments"].choices = [(a.pk, a.original_name) for a in self.stored]

    def uploads(self) -> list[tuple[str, object]]:
        """(kind, file) pairs to store."""
        data = self.cleaned_data
        pairs = [(k, data[k]) for k in ("invitation", "invitation_translation") if data.get(k)]
        return pairs + [("other", upload) for upload in data.get("others") or []]


def justifications_from(data) -> dict[str, str]:
    """The written justifications posted with the findings, by rule id."""
    given = {}
    for key in data:
        if key.startswith(JUSTIFICATION_PREFIX):
            text = str(data.get(key) or "").strip()[:MAX_JUSTIFICATION]
            if text:
                given[key.removeprefix(JUSTIFICATION_PREFIX)[:64]] = text
    return given


def render_person_select(name: str, chosen: int | None, labels: dict, options) -> str:
    """The member row's <select>, as the people search returns it."""
    rows = person_choices(chosen, labels, options)
    return format_html(
        '<select name="{}" id="id_{}" aria-label="{}">{}</select>',
        name,
        name,
        MemberForm.base_fields["person"].label,
        format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((pk, " selected" if pk == chosen else "", label) for pk, label in rows),
        ),
    )
