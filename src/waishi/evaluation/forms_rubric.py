"""The form for a new rubric version, prefilled from an existing one (never an edit in place).

Every group weight, every indicator's titles, maximum and guidance, the grade bands, the second
evaluator threshold and the standard deduction points are fields; the structure (which groups
and indicators exist, their codes and kinds, the veto items) is kept from the base version.
The whole new body is checked with scoring.validate_rubric before anything is saved.
"""

from __future__ import annotations

import copy
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from waishi.evaluation import presentation, scoring
from waishi.evaluation.models import DeductionSource, Grade

MAX_TITLE = 200
MAX_GUIDANCE = 2000
GRADE_KEYS = (Grade.EXCELLENT, Grade.GOOD, Grade.PASS)


def json_number(value: Decimal) -> int | float:
    """A Decimal as the JSON number the rubric files use (30, not 30.0; 0.5 stays 0.5)."""
    return int(value) if value == value.to_integral_value() else float(value)


def _points(label, *, initial, maximum=100, help_text="") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        initial=initial,
        min_value=Decimal(0),
        max_value=Decimal(maximum),
        max_digits=5,
        decimal_places=1,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"min": 0, "max": maximum, "step": "0.5"}),
    )


def _text(label, *, initial, required=True, rows=0, max_length=MAX_TITLE) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(
        label=label, initial=initial, required=required, max_length=max_length, widget=widget
    )


class RubricVersionForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=200)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    activate = forms.BooleanField(
        label=_("Put the new version in force at once"), required=False, initial=True
    )

    def __init__(self, data=None, *, base: dict):
        super().__init__(data)
        self.base = base
        grades = base.get("grades") or {}
        for grade in GRADE_KEYS:
            self.fields[f"grade_{grade.value}"] = _points(
                grade.label, initial=grades.get(grade.value)
            )
        self.fields["second_evaluator_below"] = _points(
            _("Second evaluator below"),
            initial=base.get("second_evaluator_below"),
            help_text=_("A total under this needs a second evaluator."),
        )
        for group in presentation.groups(base):
            self._group_fields(group)

    def _group_fields(self, group: dict) -> None:
        code = group["code"]
        self.fields[f"weight_{code}"] = _points(_("Weight"), initial=group.get("weight"))
        if "guidance_zh" in group or "guidance_en" in group:
            self._texts(f"group_{code}", group, "guidance", rows=3, max_length=MAX_GUIDANCE)
        for indicator in group.get("indicators") or []:
            key = f"indicator_{indicator['code']}"
            self._texts(key, indicator, "title")
            self.fields[f"{key}_max"] = _points(_("Maximum"), initial=indicator.get("max"))
            self._texts(key, indicator, "guidance", rows=3, max_length=MAX_GUIDANCE)
        labels = dict(DeductionSource.choices)
        for source, points in (group.get("deductions") or {}).items():
            self.fields[f"deduction_{source}"] = _points(labels.get(source, source), initial=points)

    def _texts(self, key: str, item: dict, what: str, **kwargs) -> None:
        names = {"title": (_("Title (Chinese)"), _("Title (English)"))}.get(
            what, (_("Guidance (Chinese)"), _("Guidance (English)"))
        )
        for lang, label in zip(("zh", "en"), names, strict=True):
            self.fields[f"{key}_{what}_{lang}"] = _text(
                label, initial=item.get(f"{what}_{lang}", ""), required=what == "title", **kwargs
            )

    # --- for the template -----------------------------------------------------------------------

    def sections(self) -> list[dict]:
        """The base's groups, each with its bound fields, in the base's order."""
        sections = []
        for group in presentation.groups(self.base):
            code = group["code"]
            sections.append(
                {
                    "code": code,
                    "title": presentation.localized(group, "title"),
                    "kind": group.get("kind"),
                    "weight": self[f"weight_{code}"],
                    "guidance": [
                        self[name]
                        for name in (f"group_{code}_guidance_zh", f"group_{code}_guidance_en")
                        if name in self.fields
                    ],
                    "indicators": [self._indicator(i) for i in group.get("indicators") or []],
                    "deductions": [
                        self[f"deduction_{source}"] for source in group.get("deductions") or {}
                    ],
                }
            )
        return sections

    def _indicator(self, indicator: dict) -> dict:
        key = f"indicator_{indicator['code']}"
        return {
            "code": indicator["code"],
            "head": [self[f"{key}_title_zh"], self[f"{key}_title_en"], self[f"{key}_max"]],
            "guidance": [self[f"{key}_guidance_zh"], self[f"{key}_guidance_en"]],
        }

    def grade_fields(self) -> list:
        return [self[f"grade_{grade.value}"] for grade in GRADE_KEYS]

    # --- the new body ---------------------------------------------------------------------------

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            for problem in scoring.validate_rubric(self.body()):
                self.add_error(None, problem)
        return cleaned

    def body(self) -> dict:
        """The base with the edited values (call after is_valid)."""
        data = self.cleaned_data
        body = copy.deepcopy(self.base)
        body["grades"] = {
            grade.value: json_number(data[f"grade_{grade.value}"]) for grade in GRADE_KEYS
        }
        body["second_evaluator_below"] = json_number(data["second_evaluator_below"])
        for group in presentation.groups(body):
            code = group["code"]
            group["weight"] = json_number(data[f"weight_{code}"])
            for lang in ("zh", "en"):
                name = f"group_{code}_guidance_{lang}"
                if name in data:
                    group[f"guidance_{lang}"] = data[name]
            for indicator in group.get("indicators") or []:
                key = f"indicator_{indicator['code']}"
                indicator["max"] = json_number(data[f"{key}_max"])
                for what in ("title", "guidance"):
                    for lang in ("zh", "en"):
                        indicator[f"{what}_{lang}"] = data[f"{key}_{what}_{lang}"]
            for source in group.get("deductions") or {}:
                group["deductions"][source] = json_number(data[f"deduction_{source}"])
        return body
