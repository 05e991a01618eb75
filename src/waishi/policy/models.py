from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class PerDiemTableVersion(models.Model):
    """One loaded per-diem table. Exactly one version is active; older ones are kept so a trip
    priced under them can still be explained. Written by the policy services only."""

    label = models.CharField(_("label"), max_length=200)
    source = models.CharField(_("source"), max_length=500, blank=True)
    loaded_at = models.DateTimeField(_("loaded at"), default=timezone.now)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("loaded by"),
    )
    is_active = models.BooleanField(_("active"), default=False)
    row_count = models.PositiveIntegerField(_("rows"), default=0)

    class Meta:
        verbose_name = _("per-diem table")
        verbose_name_plural = _("per-diem tables")
        ordering = ["-loaded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="one_active_per_diem_table"
            )
        ]

    def __str__(self):
        return self.label


class PerDiemStandard(models.Model):
    """One row of a table version: the standard for some cities of a country, per person."""

    version = models.ForeignKey(
        PerDiemTableVersion,
        on_delete=models.CASCADE,
        related_name="standards",
        verbose_name=_("table"),
    )
    position = models.PositiveIntegerField(_("row"))
    continent = models.CharField(_("continent"), max_length=32)
    country = CountryField(_("country"))
    country_zh = models.CharField(_("country (as in the table)"), max_length=64)
    cities = models.CharField(_("cities"), max_length=500, blank=True)  # 、-separated
    other_cities = models.BooleanField(_("other cities"), default=False)
    city_aliases = models.CharField(_("other city names"), max_length=1000, blank=True)
    currency = models.CharField(_("currency"), max_length=3)
    lodging = models.DecimalField(_("lodging cap per night"), max_digits=12, decimal_places=2)
    meals = models.DecimalField(_("meals per day"), max_digits=12, decimal_places=2)
    incidentals = models.DecimalField(_("incidentals per day"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("per-diem standard")
        verbose_name_plural = _("per-diem standards")
        ordering = ["version", "position"]
        indexes = [models.Index(fields=["version", "country"])]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="per_diem_row_once"),
            models.CheckConstraint(
                condition=Q(lodging__gte=0) & Q(meals__gte=0) & Q(incidentals__gte=0),
                name="per_diem_amounts_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.country_zh} {self.cities or ''}".strip()

    @property
    def latin_city_names(self) -> str:
        """The English (and other Latin-script) names of the row's cities, for display."""
        names = [a for a in self.city_aliases.split("; ") if a and not _has_cjk(a)]
        return "; ".join(names)


def _has_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in text)


class RuleSetVersion(models.Model):
    """One version of the rule set, stored whole as the engine reads it (the shape of
    rulesets/default-v1.json). Versions are never edited: a change is a new version, so every
    decision's recorded rule set (`<id>-v<number>`) can still be read as it was.
    Written by the policy services only."""

    number = models.PositiveIntegerField(_("version"), unique=True)
    label = models.CharField(_("label"), max_length=200)
    body = models.JSONField(_("rules"))
    note = models.CharField(_("note"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    is_active = models.BooleanField(_("active"), default=False)

    class Meta:
        verbose_name = _("rule set version")
        verbose_name_plural = _("rule set versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="one_active_rule_set"
            )
        ]

    def __str__(self):
        return f"{self.ruleset_label} {self.label}"

    @property
    def ruleset_label(self) -> str:
        """What a checked decision records (the engine's RuleSet.label)."""
        return f"{self.body.get('id', 'rules')}-v{self.number}"
