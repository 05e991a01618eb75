"""Performance evaluation of outbound delegations (团组绩效评估, DOMAIN.md §2).

The rubric is data: a `RubricVersion` holds the whole rubric as JSON (the shape of
rubrics/default-v1.json) and is never edited; a change is a new version, and every evaluation
points at the version it was scored with, so an old grade can always be re-read as it was.

An evaluation opens when the trip report is filed (outbox job), then runs:

    awaiting_self ──self-assessment (delegation leader / liaison)──▶ awaiting_evaluator
    awaiting_evaluator ──scores + deductions (evaluator)──▶ awaiting_second | completed
    awaiting_second ──second evaluator confirms or adjusts──▶ completed

A completed evaluation takes the delegation's workflow action `evaluate`. Follow-up rounds at 6
and 12 months then update the follow-through group; total and grade are recomputed each time.

Several columns copy facts of the delegation (unit, year, trip type, main country, spending in
CNY, amounts): the analytics page groups 200,000 rows by them without joining the trip tables.
"""

import hashlib
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from waishi.core.models import Unit
from waishi.delegations.models import Delegation, TripType


def _user(verbose_name, related_name="+"):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name=related_name,
        verbose_name=verbose_name,
    )


class RubricVersion(models.Model):
    """One version of the rubric, stored whole. Written by the evaluation services only."""

    number = models.PositiveIntegerField(_("version"), unique=True)
    label = models.CharField(_("label"), max_length=200)
    body = models.JSONField(_("rubric"))
    note = models.CharField(_("note"), max_length=1000, blank=True)
    sha256 = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = _user(_("created by"))
    is_active = models.BooleanField(_("active"), default=False)

    class Meta:
        verbose_name = _("rubric version")
        verbose_name_plural = _("rubric versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="one_active_rubric"
            )
        ]

    def __str__(self):
        return f"{self.body.get('id', 'rubric')}-v{self.number}"

    def save(self, *args, **kwargs):
        """Store a new version; of a stored one only `is_active` may change (a version is never
        edited in place: every evaluation must re-read the rubric it was scored with)."""
        if self._state.adding:
            self.sha256 = self.sha256 or body_digest(self.body)
        else:
            update_fields = kwargs.get("update_fields")
            if update_fields is None or set(update_fields) - {"is_active"}:
                self._refuse_edits()
        super().save(*args, **kwargs)

    def _refuse_edits(self) -> None:
        stored = RubricVersion.objects.filter(pk=self.pk).values(*FROZEN_RUBRIC_FIELDS).first()
        if stored is None:
            return
        if any(stored[name] != getattr(self, name) for name in FROZEN_RUBRIC_FIELDS):
            raise ValidationError(
                _("A rubric version is never changed; create a new version instead."),
                code="rubric_frozen",
            )


FROZEN_RUBRIC_FIELDS = ("number", "label", "body", "note", "sha256", "created_by_id")


def body_digest(body) -> str:
    """SHA-256 of the rubric body in a canonical JSON form (keys sorted)."""
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


class EvaluationStatus(models.TextChoices):
    AWAITING_SELF = "awaiting_self", _("Awaiting self-assessment")
    AWAITING_EVALUATOR = "awaiting_evaluator", _("Awaiting evaluator")
    AWAITING_SECOND = "awaiting_second", _("Awaiting second evaluator")
    COMPLETED = "completed", _("Completed")


class Evaluation(models.Model):
    delegation = models.OneToOneField(
        Delegation, on_delete=models.PROTECT, related_name="evaluation"
    )
    rubric = models.ForeignKey(
        RubricVersion,
        on_delete=models.PROTECT,
        related_name="evaluations",
        verbose_name=_("rubric version"),
    )
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=EvaluationStatus.choices,
        default=EvaluationStatus.AWAITING_SELF,
        editable=False,
    )

    # Copied from the delegation when the evaluation opens (see the module docstring).
    organising_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("organising unit")
    )
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    trip_type = models.CharField(_("trip type"), max_length=20, choices=TripType.choices)
    main_country = CountryField(_("main destination"), blank=True)
    spent_cny = models.DecimalField(
        _("actual spending (CNY)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    agreements_count = models.PositiveIntegerField(_("agreements signed"), default=0)
    amount_cny = models.DecimalField(
        _("investment and trade amounts (CNY)"), max_digits=16, decimal_places=2, default=0
    )

    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    self_assessment = models.TextField(_("self-assessment"), blank=True)
    self_assessed_by = _user(_("self-assessed by"))
    self_assessed_at = models.DateTimeField(_("self-assessed at"), null=True, blank=True)
    evaluator = _user(_("evaluator"))
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)
    evaluator_comment = models.TextField(_("evaluator's comment"), blank=True)
    second_evaluator = _user(_("second evaluator"))
    second_scored_at = models.DateTimeField(_("second evaluation at"), null=True, blank=True)
    second_comment = models.TextField(_("second evaluator's comment"), blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    # Points per rubric group code, e.g. {"objectives": "27.5", "results": "22", ...}.
    group_points = models.JSONField(_("points by group"), default=dict, blank=True)
    follow_through_points = models.DecimalField(
        _("follow-through points"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    total = models.DecimalField(
        _("total"), max_digits=5, decimal_places=1, null=True, blank=True, db_index=True
    )
    grade = models.CharField(
        _("grade"), max_length=12, choices=Grade.choices, blank=True, db_index=True
    )
    vetoed = models.BooleanField(_("vetoed"), default=False)
    veto_code = models.CharField(_("veto item"), max_length=64, blank=True)
    veto_reason = models.TextField(_("veto reason"), blank=True)

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-opened_at", "-pk"]
        indexes = [
            models.Index(fields=["organising_unit", "year"], name="eval_unit_year"),
            models.Index(fields=["year", "grade"], name="eval_year_grade"),
            models.Index(fields=["status"], name="eval_status"),
            # The analytics page (analytics.py): one narrow partial index per chart over the
            # completed evaluations, holding just what its GROUP BY groups and sums, so that
            # PostgreSQL reads the index alone, already in order (a wider index loses to a
            # sequential scan of the table in the planner's costs).
            models.Index(
                fields=["year", "grade", "total"],
                condition=Q(status="completed"),
                name="eval_done_by_year",
            ),
            models.Index(
                fields=["organising_unit", "grade", "total", "year"],  # year: free in padding
                condition=Q(status="completed"),
                name="eval_done_by_unit",
            ),
            models.Index(
                fields=["main_country", "trip_type", "spent_cny", "amount_cny", "agreements_count"],
                condition=Q(status="completed"),
                name="eval_done_results",
            ),
        ]

    def __str__(self):
        return f"{self.delegation} — {self.get_status_display()}"


class ScoreStage(models.TextChoices):
    SELF = "self", _("Self-assessment")
    FIRST = "first", _("Evaluator")
    SECOND = "second", _("Second evaluator")


class IndicatorScore(models.Model):
    """Points for one rubric indicator at one stage, with the evidence cited for them."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    stage = models.CharField(_("stage"), max_length=8, choices=ScoreStage.choices)
    indicator = models.CharField(_("indicator"), max_length=64)
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1)
    evidence = models.TextField(_("evidence"), blank=True)

    class Meta:
        verbose_name = _("indicator score")
        verbose_name_plural = _("indicator scores")
        ordering = ["evaluation", "stage", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "stage", "indicator"], name="one_score_per_indicator"
            )
        ]

    def __str__(self):
        return f"{self.indicator} ({self.stage}): {self.points}"


class DeductionSource(models.TextChoices):
    PASSPORT_LATE = "passport_late", _("Passport returned late")
    REPORT_LATE = "report_late", _("Trip report filed late")
    DISCLOSURE_LATE = "disclosure_late", _("Disclosure late or missing")
    ITINERARY_DEVIATION = "itinerary_deviation", _("Itinerary changed without approval")
    OVER_STANDARD = "over_standard", _("Spending over standard")
    WARNING_OVERRIDDEN = "warning_overridden", _("Warning overridden at approval")
    DISCIPLINE = "discipline", _("Discipline breach")
    OTHER = "other", _("Other (entered by the evaluator)")


class Deduction(models.Model):
    """A compliance deduction. Pre-filled ones come from facts the system holds and say where
    (`source_detail`, `source_url`); the evaluator may waive one with a reason, never delete it."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="deductions")
    source = models.CharField(_("source"), max_length=24, choices=DeductionSource.choices)
    points = models.DecimalField(_("points deducted"), max_digits=5, decimal_places=1)
    reason = models.TextField(_("reason"))
    source_detail = models.CharField(_("evidence"), max_length=500, blank=True)
    source_url = models.CharField(max_length=300, blank=True)
    prefilled = models.BooleanField(_("pre-filled by the system"), default=False)
    waived = models.BooleanField(_("waived"), default=False)
    waived_reason = models.TextField(_("reason for waiving"), blank=True)
    created_by = _user(_("entered by"))
    created_at = models.DateTimeField(_("entered at"), default=timezone.now)

    class Meta:
        verbose_name = _("deduction")
        verbose_name_plural = _("deductions")
        ordering = ["evaluation", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(points__gte=0), name="deduction_not_negative")
        ]

    def __str__(self):
        return f"{self.get_source_display()} −{self.points}"


class FollowUpStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    SUBMITTED = "submitted", _("Submitted")


class FollowUpRound(models.Model):
    """The unit's update at 6 or 12 months on what each reported result became."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="follow_up_rounds"
    )
    months = models.PositiveSmallIntegerField(_("months after the return"))
    due_on = models.DateField(_("due on"), db_index=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=FollowUpStatus.choices,
        default=FollowUpStatus.SCHEDULED,
        editable=False,
    )
    note = models.TextField(_("note"), blank=True)
    submitted_by = _user(_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # Kept by the services for the follow-through chart: results realised / results reported.
    realised_count = models.PositiveIntegerField(default=0, editable=False)
    result_count = models.PositiveIntegerField(default=0, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["evaluation", "months"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "months"], name="one_round_per_month")
        ]
        indexes = [
            # The analytics' follow-through queries (analytics.py). Citywide: the submitted
            # rounds' figures and the overdue rounds each read a partial index alone. A unit's
            # or a filtered view reaches its evaluations' rounds through round_figures, which
            # holds every column those queries read (nested loop, index-only).
            models.Index(
                fields=["due_on", "months", "realised_count", "result_count", "evaluation"],
                condition=Q(status="submitted"),
                name="round_submitted_figures",
            ),
            models.Index(
                fields=["due_on", "months", "evaluation"],
                condition=Q(status="scheduled"),
                name="round_scheduled_due",
            ),
            models.Index(
                fields=[
                    "evaluation",
                    "due_on",
                    "months",
                    "status",
                    "realised_count",
                    "result_count",
                ],
                name="round_figures",
            ),
        ]

    def __str__(self):
        return f"{self.evaluation} — {self.months}"


class ResultKind(models.TextChoices):
    OBJECTIVE = "objective", _("Objective")
    AGREEMENT = "agreement", _("Agreement or MoU")
    PROJECT = "project", _("Project or intention")
    PARTNER = "partner", _("Partner")
    PLAN = "plan", _("Follow-up plan")


class Realisation(models.TextChoices):
    REALISED = "realised", _("Realised")
    IN_PROGRESS = "in_progress", _("In progress")
    NOT_REALISED = "not_realised", _("Not realised")


class FollowUpResult(models.Model):
    """One reported result as the unit finds it at a follow-up (project landed? agreement
    active? amount realised?). `ref_id` is the pk of the report row it follows."""

    round = models.ForeignKey(FollowUpRound, on_delete=models.CASCADE, related_name="results")
    kind = models.CharField(_("kind"), max_length=12, choices=ResultKind.choices)
    ref_id = models.PositiveIntegerField(null=True, blank=True)
    label = models.CharField(_("result"), max_length=300)
    status = models.CharField(_("status"), max_length=16, choices=Realisation.choices, blank=True)
    amount_realised = models.DecimalField(
        _("amount realised"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("followed-up result")
        verbose_name_plural = _("followed-up results")
        ordering = ["round", "pk"]

    def __str__(self):
        return self.label
