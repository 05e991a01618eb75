from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from waishi.core.models import Unit


class Meeting(models.Model):
    """A meeting of the foreign affairs commission (外事工作委员会).

    Chairs are names (a release names leaders the system may not hold as records); attendees are
    `{"name": ..., "person_id": id | None}`, linked to a Person when the name is unique among the
    people the editor may see. `status` and `version` move only through the services.
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
    place = models.CharField(_("place"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    chairs = models.JSONField(_("chairs"), default=list, blank=True)
    attendees = models.JSONField(_("attendees"), default=list, blank=True)
    agenda = models.JSONField(_("agenda"), default=list, blank=True)
    reporters = models.JSONField(_("reporters"), default=list, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    source_text = models.TextField(_("source text"), blank=True)
    year_source = models.CharField(
        _("year from"), max_length=16, choices=YearSource.choices, blank=True
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
        editable=False,
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-date", "-created_at"]
        indexes = [models.Index(fields=["status", "date"])]

    def __str__(self):
        return self.title or str(_("Untitled meeting"))

    @property
    def attendee_names(self) -> list[str]:
        return [entry["name"] for entry in self.attendees]

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


def document_path(document: "MeetingDocument", filename: str) -> str:
    return f"commission/meetings/{document.meeting_id}/{filename}"


class MeetingDocument(models.Model):
    """A document the meeting reviewed (审议), with the file itself when someone uploaded it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(_("title"), max_length=300)
    attachment = models.FileField(_("attachment"), upload_to=document_path, blank=True)
    content_type = models.CharField(max_length=100, blank=True, editable=False)
    size = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("document reviewed")
        verbose_name_plural = _("documents reviewed")
        ordering = ["meeting", "position", "id"]

    def __str__(self):
        return self.title


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    position = models.PositiveIntegerField(default=0)
    text = models.TextField(_("decision"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["meeting", "position", "id"]

    def __str__(self):
        return self.text[:80]


class FollowUpTask(models.Model):
    """A task a decision gave a unit. Overdue is not stored: it is an open task past its
    deadline, so it can never disagree with the calendar."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        OVERDUE = "overdue", _("Overdue")  # shown, never stored

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="tasks")
    decision = models.ForeignKey(
        Decision,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("decision"),
    )
    text = models.TextField(_("task"))
    owner_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="meeting_tasks", verbose_name=_("owner unit")
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN, editable=False
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True, editable=False)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up task")
        verbose_name_plural = _("follow-up tasks")
        ordering = ["meeting", "deadline", "id"]
        indexes = [models.Index(fields=["owner_unit", "status", "deadline"])]

    def __str__(self):
        return self.text[:80]

    @property
    def unit_id(self):
        # The audit chain files an event under the unit it concerns.
        return self.owner_unit_id

    def state(self, today=None) -> str:
        """open, done or overdue (open and past its deadline)."""
        today = today or timezone.localdate()
        if self.status == self.Status.OPEN and self.deadline and self.deadline < today:
            return self.Status.OVERDUE
        return self.status

    def get_state_display(self) -> str:
        return str(self.Status(self.state()).label)


# The work plan (工作要点) lives in its own module; Django finds its models through this import.
from waishi.commission.models_workplan import *  # noqa: E402, F403
