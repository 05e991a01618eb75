from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Meeting(models.Model):
    """A meeting of the foreign affairs commission (外事工作委员会).

    People are kept as names for now (JSON lists of strings): a release names leaders the system
    may not hold as records. `status` moves only through the services.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        CONFIRMED = "confirmed", _("Confirmed")

    class YearSource(models.TextChoices):
        EXPLICIT = "explicit", _("Stated with the date")
        TIMESTAMP = "timestamp", _("Publication timestamp")
        DOCUMENTS = "documents", _("Reports heard and plans reviewed")
        ARGUMENT = "argument", _("Given on import")

    number = models.CharField(_("number"), max_length=32, blank=True)
    title = models.CharField(_("title"), max_length=300)
    date = models.DateField(_("date"), null=True, blank=True)
    # When a release gives the day but no year: "11-06", kept until someone enters the year.
    month_day = models.CharField(_("month and day"), max_length=5, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    chairs = models.JSONField(_("chairs"), default=list, blank=True)
    attendees = models.JSONField(_("attendees"), default=list, blank=True)
    documents = models.JSONField(_("documents reviewed"), default=list, blank=True)
    reporters = models.JSONField(_("reporters"), default=list, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    source_text = models.TextField(_("source text"), blank=True)
    year_source = models.CharField(
        _("year from"), max_length=16, choices=YearSource.choices, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-date", "-created_at"]

    def __str__(self):
        return self.title or str(_("Untitled meeting"))
