"""Outbound delegations: the application (团组出访申请), its members, itinerary, schedule, budget,
and the explicit event row of every workflow step.

`Delegation.status` is never written except by waishi.delegations.workflow: `save()` refuses a
status that changed behind the workflow's back, and the field is not editable in forms or admin.
Business dates (submitted_at, approved_at, …) are real columns set by the workflow, never read
back out of the event log.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from waishi.core.models import Unit
from waishi.people.models import Person, Rank


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting unit head sign-off")
    HEAD_SIGNED = "head_signed", _("In FAO review")
    RETURNED = "returned", _("Returned for correction")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CANCELLED = "cancelled", _("Cancelled")
    ABROAD = "abroad", _("Abroad")
    RETURNED_HOME = "returned_home", _("Returned home")
    REPORT_FILED = "report_filed", _("Report filed")
    EVALUATED = "evaluated", _("Evaluated")
    ARCHIVED = "archived", _("Archived")


class TripType(models.TextChoices):
    VISIT = "visit", _("Visit")
    INVESTMENT = "investment", _("Investment promotion")
    CONFERENCE = "conference", _("Conference")
    TRAINING = "training", _("Training")
    ACADEMIC_EXCHANGE = "academic_exchange", _("Academic exchange")
    OTHER = "other", _("Other")


class InvitationKind(models.TextChoices):
    COUNTERPART = "counterpart", _("Counterpart organisation")
    INTERMEDIARY = "intermediary", _("Intermediary agency")
    FOREIGN_MISSION = "foreign_mission_in_china", _("Foreign mission in China")
    OVERSEAS_CHINESE = "overseas_chinese_body", _("Overseas Chinese organisation")
    NONE = "none", _("No invitation")


class HostProvides(models.TextChoices):
    MEALS = "meals", _("Meals")
    TRANSPORT = "transport", _("Local transport")
    LODGING = "lodging", _("Lodging")


class StatusGuardError(Exception):
    """Code outside the workflow tried to save a changed status."""


class Delegation(models.Model):
    title = models.CharField(_("title"), max_length=200)
    organising_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="delegations",
        verbose_name=_("organising unit"),
    )
    leader = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delegations_led",
        verbose_name=_("delegation leader"),
    )
    purpose = models.TextField(_("purpose"), blank=True)
    trip_type = models.CharField(_("trip type"), max_length=20, choices=TripType.choices)
    leave_china = models.DateField(_("leaves China on"))
    return_china = models.DateField(_("returns to China on"))
    invitation_from = models.CharField(_("inviting organisation"), max_length=200, blank=True)
    invitation_kind = models.CharField(
        _("kind of inviter"),
        max_length=32,
        choices=InvitationKind.choices,
        default=InvitationKind.NONE,
    )
    host_provides = models.JSONField(_("host provides"), default=list, blank=True)

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    # The FAO step the application waits for while in review ("review", …, "approve").
    pending_step = models.CharField(max_length=32, blank=True, editable=False)
    # The step that sent it back (退件): resubmission resumes there.
    returned_by_step = models.CharField(max_length=32, blank=True, editable=False)
    # The FAO steps fixed at the last submission (from the highest rank and the trip type).
    review_chain = models.JSONField(default=list, blank=True, editable=False)
    approval_number = models.CharField(
        _("approval number"), max_length=64, null=True, blank=True, unique=True, editable=False
    )
    # Kept by the services from the members: the list filters and sorts on them.
    top_rank = models.CharField(
        _("highest rank"), max_length=16, choices=Rank.choices, blank=True, editable=False
    )
    member_count = models.PositiveSmallIntegerField(_("members"), default=0, editable=False)

    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    head_signed_at = models.DateTimeField(
        _("signed by the unit head at"), null=True, blank=True, editable=False
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True, editable=False)
    sent_back_at = models.DateTimeField(
        _("returned for correction at"), null=True, blank=True, editable=False
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, editable=False)
    rejected_at = models.DateTimeField(_("rejected at"), null=True, blank=True, editable=False)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True, editable=False)
    departed_on = models.DateField(_("actually left China on"), null=True, blank=True)
    returned_at = models.DateField(_("actually returned to China on"), null=True, blank=True)
    report_filed_at = models.DateTimeField(
        _("report filed at"), null=True, blank=True, editable=False
    )
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True, editable=False)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)

    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["-leave_china", "-id"]
        indexes = [
            # The list's order, and its filters each followed by that order.
            models.Index(fields=["leave_china", "id"], name="deleg_leave_idx"),
            models.Index(fields=["status", "leave_china", "id"], name="deleg_status_idx"),
            models.Index(fields=["organising_unit", "leave_china", "id"], name="deleg_unit_idx"),
            models.Index(fields=["top_rank", "leave_china", "id"], name="deleg_rank_idx"),
            # The annual report counts the trips that actually left China in a year.
            models.Index(fields=["departed_on"], name="deleg_departed_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(return_china__gte=models.F("leave_china")),
                name="delegation_returns_after_leaving",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        loaded = getattr(self, "_loaded_status", Status.DRAFT)
        if self.status != loaded and not getattr(self, "_workflow_move", False):
            raise StatusGuardError(
                f"status of delegation {self.pk} changed outside the workflow "
                f"({loaded} → {self.status})"
            )
        super().save(*args, **kwargs)
        self._loaded_status, self._workflow_move = self.status, False

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        if fields is None or "status" in fields:
            self._loaded_status = self.__dict__.get("status")

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_status = instance.__dict__.get("status")
        return instance


class DelegationObjective(models.Model):
    """One concrete task (任务) of the trip; the trip report answers each."""

    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="objectives")
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("objective"))

    class Meta:
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        ordering = ["delegation", "order"]
        constraints = [
            models.UniqueConstraint(fields=["delegation", "order"], name="objective_order_once")
        ]

    def __str__(self):
        return self.text[:60]


class MemberRole(models.TextChoices):
    LEADER = "leader", _("Delegation leader")
    MEMBER = "member", _("Member")
    INTERPRETER = "interpreter", _("Interpreter")
    OTHER = "other", _("Other")


class DelegationMember(models.Model):
    """A person in the delegation. Unit, position and rank are a snapshot taken when the
    application is saved and again when it is submitted: what the approver saw stays on record
    even after the person is promoted or moves unit."""

    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("person")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    role_in_delegation = models.CharField(
        _("role in the delegation"),
        max_length=16,
        choices=MemberRole.choices,
        default=MemberRole.MEMBER,
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    position = models.CharField(_("position"), max_length=100, blank=True)
    rank = models.CharField(_("rank"), max_length=16, choices=Rank.choices)
    retired = models.BooleanField(_("retired or left post"), default=False)
    unit_leader = models.BooleanField(_("member of the unit's leadership"), default=False)
    academic = models.BooleanField(_("teaching or research staff"), default=False)

    class Meta:
        verbose_name = _("delegation member")
        verbose_name_plural = _("delegation members")
        ordering = ["delegation", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["delegation", "person"], name="member_once")]
        indexes = [models.Index(fields=["person", "delegation"], name="member_person_idx")]

    def __str__(self):
        return f"{self.person} ({self.get_role_in_delegation_display()})"


class ItineraryStop(models.Model):
    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="stops")
    order = models.PositiveSmallIntegerField(_("order"))
    country = CountryField(_("country or region"))
    city = models.CharField(_("city"), max_length=100, blank=True)
    arrive = models.DateField(_("arrives"))
    depart = models.DateField(_("departs"))
    airside_transit = models.BooleanField(_("airside transit"), default=False)

    class Meta:
        verbose_name = _("itinerary stop")
        verbose_name_plural = _("itinerary stops")
        ordering = ["delegation", "order"]
        constraints = [
            models.UniqueConstraint(fields=["delegation", "order"], name="stop_order_once"),
            models.CheckConstraint(
                condition=Q(depart__gte=models.F("arrive")), name="stop_departs_after_arriving"
            ),
        ]
        # Filtering the list by country: find the delegations going there, then join.
        indexes = [models.Index(fields=["country", "delegation"], name="stop_country_idx")]

    def __str__(self):
        return f"{self.city or self.country} {self.arrive}–{self.depart}"


class BudgetKind(models.TextChoices):
    # Values as in the policy engine's plan format, so a budget item maps across unchanged.
    INTERNATIONAL_TRAVEL = "international_travel", _("International travel")
    INTERCITY_TRAVEL = "intercity_travel", _("Intercity travel abroad")
    LODGING = "lodging", _("Lodging")
    MEALS = "meals", _("Meals")
    INCIDENTALS = "incidentals", _("Incidentals")
    OTHER = "other", _("Other (visa, insurance, fees)")


class BudgetItem(models.Model):
    delegation = models.ForeignKey(
        Delegation, on_delete=models.CASCADE, related_name="budget_items"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(
        pgettext_lazy("budget", "item"), max_length=24, choices=BudgetKind.choices
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    funding_source = models.CharField(_("funding source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("budget item")
        verbose_name_plural = _("budget items")
        ordering = ["delegation", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_amount_not_negative")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} {self.currency}"


class ScheduleKind(models.TextChoices):
    OFFICIAL = "official", _("Official activity")
    TRANSIT = "transit", _("Travel")
    REST = "rest", _("Rest")
    # Listed so an honest schedule can say so; the policy check then warns about it.
    SIGHTSEEING = "sightseeing", _("Sightseeing")


class ScheduleEntry(models.Model):
    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="schedule")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    date = models.DateField(_("date"))
    activity = models.CharField(_("activity"), max_length=300, blank=True)
    kind = models.CharField(
        pgettext_lazy("schedule", "kind"), max_length=16, choices=ScheduleKind.choices
    )

    class Meta:
        verbose_name = _("schedule entry")
        verbose_name_plural = _("schedule entries")
        ordering = ["delegation", "date", "order", "id"]

    def __str__(self):
        return f"{self.date} {self.activity}"


class DelegationEvent(models.Model):
    """One workflow step: who did what, from which state to which, why, and what the policy check
    found at that moment (against which rule-set version)."""

    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=24)
    step = models.CharField(_("step"), max_length=32, blank=True)
    from_status = models.CharField(_("from"), max_length=16, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=16, choices=Status.choices)
    comment = models.TextField(_("comment or reason"), blank=True)
    findings = models.JSONField(_("policy findings"), null=True, blank=True)
    rule_set = models.CharField(_("rule set"), max_length=64, blank=True)
    version = models.PositiveIntegerField(_("delegation version"))
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("delegation event")
        verbose_name_plural = _("delegation events")
        ordering = ["delegation", "at", "id"]

    def __str__(self):
        return f"{self.action}: {self.from_status} → {self.to_status}"


class PolicyJustification(models.Model):
    """The written reason a warning finding should not stop the trip; reviewers read it. The
    latest one per rule is the one in force; earlier ones stay as history."""

    delegation = models.ForeignKey(
        Delegation, on_delete=models.CASCADE, related_name="justifications"
    )
    event = models.ForeignKey(
        DelegationEvent,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="justifications",
    )
    rule = models.CharField(_("rule"), max_length=64)
    finding = models.TextField(_("finding"), blank=True)
    justification = models.TextField(_("justification"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("justification")
        verbose_name_plural = _("justifications")
        ordering = ["delegation", "rule", "-at", "-id"]

    def __str__(self):
        return f"{self.rule}: {self.justification[:60]}"


class ApprovalCounter(models.Model):
    """The last sequence number issued in one approval-number series (a year, per unit when the
    pattern names the unit). Locked while a number is drawn, so numbers never repeat."""

    series = models.CharField(max_length=100, unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.series}: {self.last}"


# Records of the trip itself (disclosure, passports out and back, visas, briefing, return, report)
# live in their own module to keep this one readable; Django finds them through this import.
from waishi.delegations.models_trip import *  # noqa: E402, F403
