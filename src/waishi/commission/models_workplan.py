"""The commission's annual work plan (工作要点): the plan of a year, its items, the progress units
report on them, and the records (delegations, meetings …) that served an item.

Status fields, percentages and versions move only through services_workplan. "Overdue" is never
stored: it is an open item (not started or in progress) past its deadline, worked out from the
calendar, so it can never disagree with it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from waishi.core.models import Unit
from waishi.delegations.models import Delegation

__all__ = [
    "WorkItem",
    "WorkItemLink",
    "WorkItemProgress",
    "WorkPlan",
    "evidence_path",
]


def _by(verbose_name, related_name="+"):
    """A nullable "who did it" column; the audit log keeps the full story."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name=related_name,
        verbose_name=verbose_name,
        editable=False,
    )


class WorkPlan(models.Model):
    """The work plan of one year (e.g. 市委外事工作委员会2026年工作要点), adopted by the commission,
    usually at one of its meetings."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ADOPTED = "adopted", _("Adopted")

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    title = models.CharField(_("title"), max_length=300)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    meeting = models.ForeignKey(
        "commission.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="work_plans",
        verbose_name=_("adopted at meeting"),
        editable=False,
    )
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True, editable=False)
    adopted_by = _by(_("adopted by"))
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = _by(_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        ordering = ["-year"]

    def __str__(self):
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class WorkItem(models.Model):
    """One task of the plan: what is to be done, by which unit (lead) with which others
    (supporting), by when, and how one will know it is done (measure).

    `progress` and `status` follow the lead unit's latest progress report (a supporting unit's
    report is recorded in the history and starts an item that had not started, but does not move
    its percentage: the lead unit answers for the whole item).
    """

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")
        OVERDUE = "overdue", _("Overdue")  # shown, never stored

    OPEN = (Status.NOT_STARTED, Status.IN_PROGRESS)

    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="items")
    section = models.CharField(_("section"), max_length=200, blank=True)
    number = models.PositiveIntegerField(_("number"))
    task = models.TextField(_("task"))
    lead_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="work_items_led", verbose_name=_("lead unit")
    )
    supporting_units = models.ManyToManyField(
        Unit, blank=True, related_name="work_items_supported", verbose_name=_("supporting units")
    )
    deadline = models.DateField(_("deadline"))
    measure = models.TextField(_("measure of done"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Status.choices,
        default=Status.NOT_STARTED,
        editable=False,
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0, editable=False)
    completed_on = models.DateField(_("completed on"), null=True, blank=True, editable=False)
    last_reported_at = models.DateTimeField(
        _("last reported at"), null=True, blank=True, editable=False
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True, editable=False)
    # Kept by the outbox reminders (jobs_workplan), so the pages show who was chased and when.
    reminders_sent = models.PositiveIntegerField(default=0, editable=False)
    last_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("work item")
        verbose_name_plural = _("work items")
        ordering = ["plan", "number", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="work_item_number_per_plan"),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="work_item_progress_le_100"
            ),
        ]
        indexes = [
            models.Index(fields=["lead_unit", "status", "deadline"]),
            models.Index(fields=["status", "deadline"]),
        ]

    def __str__(self):
        return f"{self.number}. {self.task[:80]}"

    @property
    def unit_id(self):
        # The audit chain files an event under the unit it concerns.
        return self.lead_unit_id

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.is_open and self.deadline < today

    def state(self, today=None) -> str:
        """The stored status, or "overdue" for an open item past its deadline."""
        return self.Status.OVERDUE if self.is_overdue(today) else self.status

    def get_state_display(self) -> str:
        return str(self.Status(self.state()).label)

    def days_overdue(self, today=None) -> int:
        today = today or timezone.localdate()
        return max((today - self.deadline).days, 0) if self.is_open else 0


def evidence_path(report: "WorkItemProgress", filename: str) -> str:
    return f"commission/workplan/{report.item_id}/{filename}"


class WorkItemProgress(models.Model):
    """A unit's progress report on an item: how far (percent), where it stands, what was done,
    and the evidence (a file judged by its content, required when the item is reported done)."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="reports")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("reporting unit")
    )
    reported_by = _by(_("reported by"))
    reported_at = models.DateTimeField(_("reported at"), editable=False)
    percent = models.PositiveSmallIntegerField(_("progress (%)"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    note = models.TextField(_("what was done"))
    evidence = models.FileField(_("evidence"), upload_to=evidence_path, blank=True, max_length=255)
    evidence_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True, editable=False)
    size = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["item", "-reported_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="work_progress_le_100"),
        ]

    def __str__(self):
        return f"{self.item_id}: {self.percent}%"


class WorkItemLink(models.Model):
    """A record that served a work item: a delegation or a meeting (later an inbound visit or a
    major matter).

    One table with one nullable foreign key per kind, `kind` naming the one that is set (a check
    constraint keeps exactly that one filled). Chosen over a generic foreign key because each
    link keeps real referential integrity (a deleted meeting takes its links with it), joins and
    is scoped like any other relation, and can be counted per kind in one query; chosen over one
    many-to-many field per kind because a link carries who made it, when and why, and the item
    page shows one list. A later kind is one nullable column, one choice and one migration.
    """

    class Kind(models.TextChoices):
        DELEGATION = "delegation", _("Delegation")
        MEETING = "meeting", _("Meeting")

    item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, editable=False)
    delegation = models.ForeignKey(
        Delegation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="work_item_links",
        verbose_name=_("delegation"),
    )
    meeting = models.ForeignKey(
        "commission.Meeting",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="work_item_links",
        verbose_name=_("meeting"),
    )
    note = models.CharField(_("how it served the item"), max_length=200, blank=True)
    created_by = _by(_("linked by"))
    created_at = models.DateTimeField(_("linked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("work item link")
        verbose_name_plural = _("work item links")
        ordering = ["item", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="delegation", delegation__isnull=False, meeting__isnull=True)
                    | Q(kind="meeting", meeting__isnull=False, delegation__isnull=True)
                ),
                name="work_item_link_one_target",
            ),
            models.UniqueConstraint(
                fields=["item", "delegation"],
                condition=Q(delegation__isnull=False),
                name="work_item_link_delegation_once",
            ),
            models.UniqueConstraint(
                fields=["item", "meeting"],
                condition=Q(meeting__isnull=False),
                name="work_item_link_meeting_once",
            ),
        ]

    def __str__(self):
        return f"{self.item_id} → {self.kind} {self.delegation_id or self.meeting_id}"

    @property
    def unit_id(self):
        return self.item.lead_unit_id

    @property
    def target(self):
        return self.delegation if self.kind == self.Kind.DELEGATION else self.meeting
