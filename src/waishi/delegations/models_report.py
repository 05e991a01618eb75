"""The trip report (出访报告) and its structured parts: one result per objective, agreements,
projects and intentions, partners met, follow-up plans, actual spending. Star-imported by
models_trip (and so by models), where Django finds them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from waishi.delegations.models import BudgetKind, Delegation, DelegationObjective

__all__ = [
    "ReportAgreement",
    "ReportFollowUp",
    "ReportObjectiveResult",
    "ReportPartner",
    "ReportProject",
    "ReportSpending",
    "ResultStatus",
    "TripReport",
]


def _by(verbose_name):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
    )


class ResultStatus(models.TextChoices):
    MET = "met", _("Met")
    PARTLY = "partly", _("Partly met")
    NOT_MET = "not", _("Not met")


class TripReport(models.Model):
    """出访报告, saved as a draft until filed (the file_report workflow action)."""

    delegation = models.OneToOneField(
        Delegation, on_delete=models.CASCADE, related_name="trip_report"
    )
    summary = models.TextField(_("report"), blank=True)
    compliance_declared = models.BooleanField(
        _("I declare the trip kept to the approved plan and the rules of discipline"),
        default=False,
    )
    compliance_note = models.TextField(_("compliance statement"), blank=True)
    saved_by = _by(_("saved by"))
    saved_at = models.DateTimeField(_("saved at"))
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("trip report")
        verbose_name_plural = _("trip reports")

    def __str__(self):
        return str(self.delegation)


class ReportObjectiveResult(models.Model):
    report = models.ForeignKey(TripReport, on_delete=models.CASCADE, related_name="results")
    # The objective's text is kept: the report must read the same whatever happens to the row.
    objective = models.ForeignKey(
        DelegationObjective, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    objective_text = models.TextField(_("objective"))
    status = models.CharField(
        pgettext_lazy("objective", "status"), max_length=8, choices=ResultStatus.choices
    )
    result = models.TextField(_("result"))

    class Meta:
        verbose_name = _("objective result")
        verbose_name_plural = _("objective results")
        ordering = ["report", "order"]

    def __str__(self):
        return f"{self.objective_text[:40]}: {self.get_status_display()}"


class ReportAgreement(models.Model):
    report = models.ForeignKey(TripReport, on_delete=models.CASCADE, related_name="agreements")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("agreement or MoU"), max_length=300)
    partner = models.CharField(_("signed with"), max_length=200)
    signed_on = models.DateField(_("signed on"))

    class Meta:
        verbose_name = _("agreement signed")
        verbose_name_plural = _("agreements signed")
        ordering = ["report", "order", "id"]

    def __str__(self):
        return self.title


class ReportProject(models.Model):
    class Kind(models.TextChoices):
        PROJECT = "project", _("Project")
        INTENTION = "intention", _("Intention")

    report = models.ForeignKey(TripReport, on_delete=models.CASCADE, related_name="projects")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(
        pgettext_lazy("project", "kind"), max_length=12, choices=Kind.choices, default=Kind.PROJECT
    )
    name = models.CharField(_("name"), max_length=300)
    amount = models.DecimalField(
        _("amount"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    partner = models.CharField(_("partner"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("project or intention")
        verbose_name_plural = _("projects and intentions")
        ordering = ["report", "order", "id"]

    def __str__(self):
        return self.name


class ReportPartner(models.Model):
    report = models.ForeignKey(TripReport, on_delete=models.CASCADE, related_name="partners")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    country = CountryField(_("country or region"), blank=True)

    class Meta:
        verbose_name = _("partner met")
        verbose_name_plural = _("partners met")
        ordering = ["report", "order", "id"]

    def __str__(self):
        return self.name


class ReportFollowUp(models.Model):
    report = models.ForeignKey(TripReport, on_delete=models.CASCADE, related_name="follow_ups")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    plan = models.TextField(_("follow-up plan"))
    responsible = models.CharField(_("responsible"), max_length=200, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)

    class Meta:
        verbose_name = _("follow-up plan")
        verbose_name_plural = _("follow-up plans")
        ordering = ["report", "order", "id"]

    def __str__(self):
        return self.plan[:60]


class ReportSpending(models.Model):
    """What one budget item actually cost; compared with the budget by kind and currency."""

    report = models.ForeignKey(TripReport, on_delete=models.CASCADE, related_name="spending")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(
        pgettext_lazy("budget", "item"), max_length=24, choices=BudgetKind.choices
    )
    amount = models.DecimalField(_("actual amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")

    class Meta:
        verbose_name = _("actual spending")
        verbose_name_plural = _("actual spending")
        ordering = ["report", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="spending_not_negative")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} {self.currency}"
