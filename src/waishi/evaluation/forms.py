"""Forms of the evaluation pages. They only clean input; the services decide and write.

The scoring forms are built from the rubric version the evaluation uses: one points field and one
evidence field per scored indicator, bounded by the indicator's maximum and the rubric's step.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from waishi.evaluation import presentation
from waishi.evaluation.models import DeductionSource, EvaluationStatus, Grade, Realisation
from waishi.people.forms import FastSelect, UnitChoiceField

SORT_KEYS = ("opened", "title", "unit", "year", "total", "status")
SORT_CHOICES = [(key, key) for base in SORT_KEYS for key in (base, f"-{base}")]
DEFAULT_SORT = "-opened"
MAX_TEXT = 4000


class Mine:
    """The "my work" views of the list."""

    SELF = "self"
    SCORE = "score"
    SECOND = "second"
    FOLLOW_UP = "follow_up"

    CHOICES = [
        ("", _("All evaluations")),
        (SELF, _("Waiting for my self-assessment")),
        (SCORE, _("Waiting for my scoring")),
        (SECOND, _("Waiting for my second evaluation")),
        (FOLLOW_UP, _("Follow-ups due")),
    ]


class EvaluationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=64)
    mine = forms.ChoiceField(label=_("Show"), required=False, choices=Mine.CHOICES)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1949, max_value=2100)
    unit = UnitChoiceField(
        label=_("Unit"), queryset=None, required=False, empty_label=_("All units")
    )
    grade = forms.ChoiceField(
        label=_("Grade"), required=False, choices=[("", _("All grades")), *Grade.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *EvaluationStatus.choices],
        widget=FastSelect,
    )
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES, widget=forms.HiddenInput)

    def __init__(self, data, *, units):
        super().__init__(data)
        self.fields["unit"].queryset = units

    def filters(self) -> dict:
        """The list's filters; invalid parts of the input are ignored, not fatal."""
        self.is_valid()  # cleaned_data keeps the valid fields even when another one is not
        data = self.cleaned_data
        return {
            "search": " ".join(data.get("q", "").split()),
            "mine": data.get("mine") or "",
            "year": data.get("year"),
            "unit": data.get("unit"),
            "grade": data.get("grade") or "",
            "status": data.get("status") or "",
        }

    def sort_key(self) -> str:
        self.is_valid()
        return self.cleaned_data.get("sort") or DEFAULT_SORT


def points_field(indicator: dict, *, step, required: bool = True) -> forms.DecimalField:
    maximum = presentation.number(indicator.get("max", 0))
    return forms.DecimalField(
        label=presentation.localized(indicator, "title"),
        required=required,
        min_value=Decimal(0),
        max_value=maximum,
        max_digits=5,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"min": 0, "max": maximum, "step": step}),
    )


def evidence_field(*, required: bool) -> forms.CharField:
    return forms.CharField(
        label=_("Evidence"),
        required=required,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ScoresForm(forms.Form):
    """One row per scored indicator of `rubric` (a RubricVersion body): points and evidence.

    `initial_scores` maps an indicator code to (points, evidence) to fill the rows in with.
    """

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    evidence_required = True
    rows_required = True

    def __init__(self, data=None, *, rubric: dict, initial_scores=None, **kwargs):
        super().__init__(data, **kwargs)
        self.rubric = rubric
        step = presentation.number(rubric.get("step", 1))
        initial_scores = initial_scores or {}
        self.indicators = presentation.scored_indicators(rubric)
        for _group, indicator in self.indicators:
            code = indicator["code"]
            points, evidence = initial_scores.get(code, (None, ""))
            if isinstance(points, Decimal) and points == points.to_integral_value():
                points = points.quantize(Decimal(1))  # 8.0 → 8, as the user typed it
            self.fields[f"points_{code}"] = points_field(
                indicator, step=step, required=self.rows_required
            )
            self.fields[f"evidence_{code}"] = evidence_field(
                required=self.rows_required and self.evidence_required
            )
            self.initial.setdefault(f"points_{code}", points)
            self.initial.setdefault(f"evidence_{code}", evidence)

    def rows(self) -> list[dict]:
        """The rows for the template, grouped by rubric group (a group heading per change)."""
        rows, last = [], None
        for group, indicator in self.indicators:
            code = indicator["code"]
            rows.append(
                {
                    "group": presentation.localized(group, "title") if group is not last else "",
                    "code": code,
                    "title": presentation.localized(indicator, "title"),
                    "max": presentation.number(indicator.get("max", 0)),
                    "guidance": presentation.localized(indicator, "guidance"),
                    "points": self[f"points_{code}"],
                    "evidence": self[f"evidence_{code}"],
                }
            )
            last = group
        return rows

    def points(self) -> dict[str, Decimal]:
        return {
            indicator["code"]: self.cleaned_data.get(f"points_{indicator['code']}")
            for _group, indicator in self.indicators
            if self.cleaned_data.get(f"points_{indicator['code']}") is not None
        }

    def scores(self) -> dict[str, tuple[Decimal, str]]:
        """code → (points, evidence), the shape the services take."""
        return {
            code: (points, (self.cleaned_data.get(f"evidence_{code}") or "").strip())
            for code, points in self.points().items()
        }

    def to_check(self, scored_codes) -> tuple[dict[str, Decimal], list[str]] | None:
        """(points, codes) for scoring.check_points: every scored indicator must have points."""
        return self.points(), list(scored_codes)

    def add_point_errors(self, errors: dict[str, str]) -> None:
        """Errors of scoring.check_points (code → message) next to their rows."""
        for code, message in errors.items():
            name = f"points_{code}"
            self.add_error(name if name in self.fields else None, message)


class SelfAssessmentForm(ScoresForm):
    """The delegation leader's own account and points (evidence optional)."""

    evidence_required = False
    text = forms.CharField(
        label=_("Self-assessment"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the delegation achieved against its objectives, in your own words."),
    )


class EvaluatorForm(ScoresForm):
    """The evaluator's points and evidence for every scored indicator, a comment, a veto."""

    comment = forms.CharField(
        label=_("Evaluator's comment"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    veto_code = forms.ChoiceField(label=_("Veto item"), required=False)
    veto_reason = forms.CharField(
        label=_("Reason for the veto"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, rubric: dict, **kwargs):
        super().__init__(*args, rubric=rubric, **kwargs)
        self.fields["veto_code"].choices = [
            ("", _("No veto")),
            *((item["code"], item["title"]) for item in presentation.veto_items(rubric)),
        ]

    def clean(self):
        data = super().clean()
        if data.get("veto_code") and not (data.get("veto_reason") or "").strip():
            self.add_error("veto_reason", _("Give the reason for the veto."))
        return data


class SecondEvaluatorForm(ScoresForm):
    """The second evaluator confirms the first evaluator's points or adjusts some of them.

    The rows come filled in with the first evaluator's points and evidence; with "adjust", the
    rows whose points or evidence were changed are the adjustments (each needs its evidence).
    """

    CONFIRM, ADJUST = "confirm", "adjust"
    rows_required = False
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (CONFIRM, _("Confirm the evaluator's points")),
            (ADJUST, _("Adjust the points as below")),
        ],
        initial=CONFIRM,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Second evaluator's comment"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, initial_scores=None, **kwargs):
        super().__init__(*args, initial_scores=initial_scores, **kwargs)
        self.first = dict(initial_scores or {})

    def clean(self):
        data = super().clean()
        if data.get("decision") != self.ADJUST or self.errors:
            return data
        adjusted = self.adjusted_scores() or {}
        if not adjusted:
            self.add_error(
                None, _("Change the points of at least one indicator, or confirm them as they are.")
            )
        for code, (_points, evidence) in adjusted.items():
            if not evidence:
                self.add_error(f"evidence_{code}", _("Cite the evidence for these points."))
        return data

    def adjusted_scores(self) -> dict[str, tuple[Decimal, str]] | None:
        """None to confirm; otherwise the rows that differ from the first evaluator's."""
        if self.cleaned_data.get("decision") != self.ADJUST:
            return None
        return {
            code: (points, evidence)
            for code, (points, evidence) in self.scores().items()
            if (points, evidence) != self._first(code)
        }

    def _first(self, code: str) -> tuple:
        points, evidence = self.first.get(code, (None, ""))
        return (points, (evidence or "").strip())

    def to_check(self, scored_codes):
        adjusted = self.adjusted_scores()
        if adjusted is None:
            return None
        return {code: points for code, (points, _e) in adjusted.items()}, list(adjusted)


class DeductionAddForm(forms.Form):
    source = forms.ChoiceField(label=_("Deduction for"), choices=DeductionSource.choices)
    points = forms.DecimalField(label=_("Points deducted"))
    reason = forms.CharField(
        label=_("Reason"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, rubric: dict, **kwargs):
        super().__init__(*args, **kwargs)
        group = presentation.compliance_group(rubric) or {}
        weight = presentation.number(group.get("weight", 100))
        step = presentation.number(rubric.get("step", 1))
        # At most the whole compliance group: a deduction never takes more than the group has.
        self.fields["points"] = forms.DecimalField(
            label=_("Points deducted"),
            min_value=step,
            max_value=weight,
            max_digits=5,
            decimal_places=1,
            widget=forms.NumberInput(attrs={"min": step, "max": weight, "step": step}),
        )
        standard = presentation.deduction_points(rubric)
        self.fields["source"].choices = [
            (key, f"{label} (−{standard[key]})" if key in standard else label)
            for key, label in DeductionSource.choices
        ]


class DeductionWaiveForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for waiving"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FollowUpForm(forms.Form):
    """One row per followed-up result: status, amount realised, note; and a note on the round."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(
        label=_("Note on this follow-up"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, data=None, *, results, **kwargs):
        super().__init__(data, **kwargs)
        self.results = list(results)
        for result in self.results:
            pk = result.pk
            self.fields[f"status_{pk}"] = forms.ChoiceField(
                label=_("Status"),
                choices=[("", "—"), *Realisation.choices],
                initial=result.status,
            )
            self.fields[f"amount_{pk}"] = forms.DecimalField(
                label=_("Amount realised"),
                required=False,
                min_value=Decimal(0),
                max_digits=16,
                decimal_places=2,
                initial=result.amount_realised,
                widget=forms.NumberInput(attrs={"min": 0, "step": "0.01"}),
            )
            self.fields[f"note_{pk}"] = forms.CharField(
                label=_("Note"),
                required=False,
                max_length=MAX_TEXT,
                initial=result.note,
                widget=forms.Textarea(attrs={"rows": 1}),
            )

    def rows(self) -> list[dict]:
        return [
            {
                "result": result,
                "status": self[f"status_{result.pk}"],
                "amount": self[f"amount_{result.pk}"],
                "note": self[f"note_{result.pk}"],
            }
            for result in self.results
        ]

    def service_results(self) -> dict[int, dict]:
        data = self.cleaned_data
        return {
            result.pk: {
                "status": data[f"status_{result.pk}"],
                "amount_realised": data.get(f"amount_{result.pk}"),
                "note": (data.get(f"note_{result.pk}") or "").strip(),
            }
            for result in self.results
        }
