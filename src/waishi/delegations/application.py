"""The application page as one object: the main form, the five lists of rows and the uploads,
bound together from a stored delegation, from a POST, or echoed back from a POST with a row
added or removed (no errors shown). Its cleaned values are the keyword arguments of
delegation_create / delegation_update; `live_data` gives what the live policy check can use.
"""

from __future__ import annotations

from functools import cached_property

from django import forms
from django.core.exceptions import ValidationError

from waishi.delegations.forms import (
    MAX_ROWS,
    SECTION_TITLES,
    SECTIONS,
    ApplicationForm,
    AttachmentsForm,
    BudgetForm,
    RowFormSet,
    ScheduleForm,
    StopForm,
    country_choices,
    person_label,
)
from waishi.delegations.models import InvitationKind, TripType

MAIN_FIELDS = (
    "title",
    "purpose",
    "trip_type",
    "leave_china",
    "return_china",
    "invitation_from",
    "invitation_kind",
    "host_provides",
)


OPTIONS_SHOWN = 30


class PageChoices:
    """What the page offers, read once per request and only when rendered: the units the user
    files for, the people the user may choose (a queryset), a first short list of them, and the
    countries in the user's language."""

    def __init__(self, *, units, people):
        self.units, self.people = units, people

    @cached_property
    def options(self) -> list[tuple[int, str]]:
        first = self.people.select_related("unit").order_by("name", "id")[:OPTIONS_SHOWN]
        return [(person.pk, person_label(person)) for person in first]

    @cached_property
    def countries(self) -> list[tuple[str, str]]:
        return country_choices()


class Application:
    """The application page as one: main form, the five lists, the uploads. `rendered=False`
    when only the cleaned values are wanted (the live check): no choice lists are read."""

    def __init__(
        self,
        choices: PageChoices,
        *,
        data=None,
        files=None,
        initial=None,
        rows=None,
        stored_people=None,
        attachments=(),
        add=None,
        rendered=True,
    ):
        self.choices, bound = choices, data is not None
        self.form = ApplicationForm(data, units=choices.units, initial=initial)
        self.lists = {}
        for name, formset_class in SECTIONS.items():
            kwargs = {"prefix": name, "row_kwargs": {}}
            if not bound:
                kwargs["initial"] = (rows or {}).get(name, [])
                kwargs["blank_rows"] = None if add != name else formset_class.blank_rows + 1
            if name == "stops":
                kwargs["row_kwargs"] = {"country_options": choices.countries}
            if name == "members":
                kwargs.update(
                    people=choices.people,
                    stored_people=stored_people,
                    options=choices.options if rendered else (),
                )
            self.lists[name] = formset_class(data, **kwargs)
        self.attachments = AttachmentsForm(data, files, stored=attachments)

    @classmethod
    def of(cls, choices: PageChoices, delegation, **kwargs):
        """The stored application, ready to edit."""
        initial = {name: getattr(delegation, name) for name in MAIN_FIELDS}
        initial.update(organising_unit=delegation.organising_unit_id, version=delegation.version)
        members = list(delegation.members.all())
        rows = {
            "objectives": [{"text": o.text} for o in delegation.objectives.all()],
            "members": [
                {
                    "person": m.person_id,
                    "role_in_delegation": m.role_in_delegation,
                    "unit_leader": m.unit_leader,
                    "academic": m.academic,
                }
                for m in members
            ],
            "stops": [
                {**_values(s, StopForm), "country": str(s.country)} for s in delegation.stops.all()
            ],
            "schedule": [_values(e, ScheduleForm) for e in delegation.schedule.all()],
            "budget": [_values(b, BudgetForm) for b in delegation.budget_items.all()],
        }
        people = {m.person_id: m.person for m in members}
        return cls(choices, initial=initial, rows=rows, stored_people=people, **kwargs)

    @classmethod
    def echo(cls, choices: PageChoices, data, *, add=None, remove=None, **kwargs):
        """The posted page again, unchecked (no errors shown), with a row added or removed."""
        initial = {name: data.get(name, "") for name in ("version", "organising_unit")}
        initial.update({name: data.get(name, "") for name in MAIN_FIELDS})
        initial["host_provides"] = data.getlist("host_provides")
        rows = {name: _raw_rows(data, name, fs.form) for name, fs in SECTIONS.items()}
        section, _sep, index = (remove or "").rpartition("-")
        if section in rows and index.isdigit() and int(index) < len(rows[section]):
            del rows[section][int(index)]
        rows = {
            name: [r for r in items if not _blank(r, SECTIONS[name].form)]
            for name, items in rows.items()
        }
        return cls(choices, initial=initial, rows=rows, add=add, **kwargs)

    def is_valid(self) -> bool:
        results = [self.form.is_valid(), self.attachments.is_valid()]
        results += [formset.is_valid() for formset in self.lists.values()]
        return all(results)

    def service_data(self) -> dict:
        """The cleaned page in the keyword arguments of delegation_create/update."""
        data = {name: self.form.cleaned_data[name] for name in MAIN_FIELDS}
        data.update({name: formset.rows() for name, formset in self.lists.items()})
        data["objectives"] = [row["text"] for row in data["objectives"]]
        return data

    def live_data(self) -> tuple[dict | None, list[str]]:
        """What can be checked now (valid rows only), and what is wrong with the rest."""
        self.is_valid()
        problems = self.problems()
        main = self.form.cleaned_data
        if not (main.get("leave_china") and main.get("return_china")) or self.form.has_error(
            "return_china"
        ):
            return None, problems
        data = {name: main.get(name) for name in MAIN_FIELDS}
        data.update(
            title=main.get("title") or "—",
            trip_type=main.get("trip_type") or TripType.OTHER,
            invitation_kind=main.get("invitation_kind") or InvitationKind.NONE,
        )
        data.update({name: formset.valid_rows() for name, formset in self.lists.items()})
        data["members"] = [r for r in data["members"] if not isinstance(r["person"], int)]
        data["objectives"] = [row["text"] for row in data["objectives"]]
        return data, problems

    def problems(self) -> list[str]:
        """Every error on the page as one line each (for the findings panel)."""
        lines = [
            f"{self.form.fields[n].label if n in self.form.fields else ''}: {e}".lstrip(": ")
            for n, errors in self.form.errors.items()
            for e in errors
        ]
        for name, formset in self.lists.items():
            title = SECTION_TITLES[name]
            lines += [f"{title}: {e}" for e in formset.non_form_errors()]
            for number, form in enumerate(formset.forms, start=1):
                for field_name, errors in form.errors.items():
                    label = form.fields[field_name].label if field_name in form.fields else ""
                    row = RowFormSet.row_label % {"n": number}
                    lines += [f"{title}, {row}, {label}: {e}" for e in errors]
        return lines

    def add_service_error(self, error: ValidationError) -> None:
        """A service's ValidationError next to the fields or lists it names."""
        if not hasattr(error, "error_dict"):
            self.form.add_error(None, error)
            return
        for name, errors in error.message_dict.items():
            if name in self.lists:
                self.lists[name].non_form_errors().extend(errors)
            else:
                self.form.add_error(name if name in self.form.fields else None, errors)


def _values(obj, form_class) -> dict:
    return {name: getattr(obj, name) for name in form_class.base_fields}


def _raw_rows(data, prefix: str, form_class) -> list[dict]:
    try:
        total = min(int(data.get(f"{prefix}-TOTAL_FORMS", 0)), MAX_ROWS)
    except (TypeError, ValueError):
        total = 0
    rows = []
    for i in range(max(total, 0)):
        row = {}
        for name, form_field in form_class.base_fields.items():
            value = data.get(f"{prefix}-{i}-{name}")
            row[name] = bool(value) if isinstance(form_field, forms.BooleanField) else value or ""
        rows.append(row)
    return rows


def _blank(row: dict, form_class) -> bool:
    for name, form_field in form_class.base_fields.items():
        if row.get(name) not in (None, "", False, form_field.initial):
            return False
    return True
