"""Models of the trip itself: attachments, pre-trip disclosure, passports out and back, visas,
briefing, return registration, the trip report, post-trip disclosure, and lifted unit blocks.

Records of a trip point at the delegation and the person, never at a DelegationMember row: the
application replaces its member rows wholesale on every edit, while a person stays the same.
Deadlines and "overdue" are worked out from dates (services_trip), never stored.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from waishi.core.models import Unit
from waishi.delegations.models import Delegation
from waishi.people.models import Passport, Person

__all__ = [
    "AttachmentKind",
    "BriefingAttendance",
    "DelegationAttachment",
    "PassportCheckout",
    "PostTripDisclosure",
    "PreTripDisclosure",
    "ReportAgreement",
    "ReportFollowUp",
    "ReportObjectiveResult",
    "ReportPartner",
    "ReportProject",
    "ReportSpending",
    "ResultStatus",
    "ReturnRegistration",
    "ReturnStop",
    "TripReport",
    "UnitBlockLift",
    "Visa",
    "VisaEntries",
    "VisaKind",
    "delegation_attachment_path",
]


def _by(verbose_name):
    """A nullable "who did it" column; the audit log keeps the full story."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
    )


# --- attachments (the application part writes invitations; the trip part writes photos) -------


class AttachmentKind(models.TextChoices):
    INVITATION = "invitation", _("Invitation letter")
    INVITATION_TRANSLATION = "invitation_translation", _("Chinese translation of the invitation")
    PHOTO = "photo", _("Photo")
    OTHER = "other", _("Other attachment")


def delegation_attachment_path(attachment: "DelegationAttachment", filename: str) -> str:
    return f"delegations/{attachment.delegation_id}/{filename}"


class DelegationAttachment(models.Model):
    """A file of the application or the trip, judged by its content on upload (core.uploads)."""

    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind of attachment"), max_length=32, choices=AttachmentKind.choices)
    file = models.FileField(_("file"), upload_to=delegation_attachment_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=200)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    content_type = models.CharField(max_length=100, editable=False)
    size = models.PositiveBigIntegerField(default=0, editable=False)
    uploaded_by = _by(_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["delegation", "kind", "uploaded_at", "id"]
        indexes = [models.Index(fields=["delegation", "kind"], name="deleg_attach_kind_idx")]

    def __str__(self):
        return self.original_name


# --- before the trip ---------------------------------------------------------------------------


class PreTripDisclosure(models.Model):
    """The public notice inside the unit (出访前公示); approval waits for 5 working days of it."""

    delegation = models.OneToOneField(
        Delegation, on_delete=models.CASCADE, related_name="pre_trip_disclosure"
    )
    where = models.CharField(_("where it was posted"), max_length=200)
    posted_on = models.DateField(_("posted on"))
    taken_down_on = models.DateField(_("taken down on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = _by(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"))
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("pre-trip disclosure")
        verbose_name_plural = _("pre-trip disclosures")
        constraints = [
            models.CheckConstraint(
                condition=Q(taken_down_on__isnull=True)
                | Q(taken_down_on__gte=models.F("posted_on")),
                name="disclosure_down_after_posted",
            )
        ]

    def __str__(self):
        return f"{self.where} {self.posted_on}"


class PassportCheckout(models.Model):
    """A passport issued from custody to a member for this trip, and its return."""

    delegation = models.ForeignKey(
        Delegation, on_delete=models.CASCADE, related_name="passport_checkouts"
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("person")
    )
    passport = models.ForeignKey(
        Passport, on_delete=models.PROTECT, related_name="checkouts", verbose_name=_("passport")
    )
    checked_out_at = models.DateTimeField(_("checked out at"))
    checked_out_by = _by(_("checked out by"))
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = _by(_("checked in by"))

    class Meta:
        verbose_name = _("passport checkout")
        verbose_name_plural = _("passport checkouts")
        ordering = ["delegation", "checked_out_at", "id"]
        constraints = [
            # The service says it nicely; these catch two officers racing.
            models.UniqueConstraint(
                fields=["passport"],
                condition=Q(checked_in_at__isnull=True),
                name="passport_out_once",
            ),
            models.UniqueConstraint(
                fields=["delegation", "person"],
                condition=Q(checked_in_at__isnull=True),
                name="member_passport_out_once",
            ),
        ]

    def __str__(self):
        return f"{self.person} {self.passport}"

    @property
    def is_out(self) -> bool:
        return self.checked_in_at is None


class VisaKind(models.TextChoices):
    OFFICIAL = "official", _("Official or service visa")
    BUSINESS = "business", _("Business visa")
    TRANSIT = "transit", _("Transit visa")
    ON_ARRIVAL = "on_arrival", _("Visa on arrival")
    EXEMPT = "exempt", _("Visa exemption")
    OTHER = "other", _("Other")


class VisaEntries(models.TextChoices):
    SINGLE = "single", _("Single entry")
    DOUBLE = "double", _("Double entry")
    MULTIPLE = "multiple", _("Multiple entries")


class Visa(models.Model):
    """A visa a member holds for a country of the trip. A visa number is no identity number:
    it is stored as entered."""

    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="visas")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("person")
    )
    country = CountryField(_("country or region"))
    kind = models.CharField(pgettext_lazy("visa", "kind"), max_length=16, choices=VisaKind.choices)
    number = models.CharField(_("visa number"), max_length=40, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    entries = models.CharField(
        _("entries"), max_length=8, choices=VisaEntries.choices, default=VisaEntries.SINGLE
    )
    recorded_by = _by(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("visa")
        verbose_name_plural = _("visas")
        ordering = ["delegation", "person", "country", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="visa_valid_to_after_from",
            )
        ]

    def __str__(self):
        return f"{self.person} {self.country} {self.get_kind_display()}"


class BriefingAttendance(models.Model):
    """A member attended the pre-departure briefing (行前教育)."""

    delegation = models.ForeignKey(
        Delegation, on_delete=models.CASCADE, related_name="briefing_attendance"
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("person")
    )
    attended_on = models.DateField(_("attended on"))
    recorded_by = _by(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("briefing attendance")
        verbose_name_plural = _("briefing attendance")
        ordering = ["delegation", "attended_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["delegation", "person"], name="briefed_once")
        ]

    def __str__(self):
        return f"{self.person} {self.attended_on}"


# --- after the trip ----------------------------------------------------------------------------


class ReturnRegistration(models.Model):
    """回国登记: the dates as travelled. `deviations` lists the differences from the approved
    itinerary, worked out when the registration is saved: [{"kind", "country", "approved",
    "actual"}] with kind one of extra_country, missing_country, more_days, left_early,
    returned_late, longer_stay."""

    delegation = models.OneToOneField(
        Delegation, on_delete=models.CASCADE, related_name="return_registration"
    )
    left_china_on = models.DateField(_("actually left China on"))
    returned_on = models.DateField(_("actually returned to China on"))
    note = models.TextField(_("note"), blank=True)
    deviations = models.JSONField(_("deviations"), default=list, blank=True, editable=False)
    registered_by = _by(_("registered by"))
    registered_at = models.DateTimeField(_("registered at"))
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("return registration")
        verbose_name_plural = _("return registrations")
        constraints = [
            models.CheckConstraint(
                condition=Q(returned_on__gte=models.F("left_china_on")),
                name="registration_returns_after_leaving",
            )
        ]

    def __str__(self):
        return f"{self.left_china_on}–{self.returned_on}"


class ReturnStop(models.Model):
    registration = models.ForeignKey(
        ReturnRegistration, on_delete=models.CASCADE, related_name="stops"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    country = CountryField(_("country or region"))
    city = models.CharField(_("city"), max_length=100, blank=True)
    arrive = models.DateField(_("arrived"))
    depart = models.DateField(_("departed"))

    class Meta:
        verbose_name = _("stop as travelled")
        verbose_name_plural = _("stops as travelled")
        ordering = ["registration", "order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(depart__gte=models.F("arrive")), name="return_stop_departs_after"
            )
        ]

    def __str__(self):
        return f"{self.city or self.country} {self.arrive}–{self.depart}"


class PostTripDisclosure(models.Model):
    """出访后公开: due within a month of the return."""

    delegation = models.OneToOneField(
        Delegation, on_delete=models.CASCADE, related_name="post_trip_disclosure"
    )
    where = models.CharField(_("where it was published"), max_length=200)
    posted_on = models.DateField(_("published on"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = _by(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("post-trip disclosure")
        verbose_name_plural = _("post-trip disclosures")

    def __str__(self):
        return f"{self.where} {self.posted_on}"


# --- escalation ---------------------------------------------------------------------------------


class UnitBlockLift(models.Model):
    """An FAO approver let a unit with overdue items submit again until `until`, for a reason.
    `items` is what was overdue when the block was lifted, kept for the record."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="block_lifts")
    lifted_by = _by(_("lifted by"))
    reason = models.TextField(_("reason"))
    items = models.JSONField(_("overdue items"), default=list, blank=True, editable=False)
    lifted_at = models.DateTimeField(_("lifted at"))
    until = models.DateField(_("lifted until"))

    class Meta:
        verbose_name = _("lifted unit block")
        verbose_name_plural = _("lifted unit blocks")
        ordering = ["unit", "-lifted_at", "-id"]
        indexes = [models.Index(fields=["unit", "until"], name="block_lift_unit_idx")]

    def __str__(self):
        return f"{self.unit} → {self.until}"


# The trip report's models are in their own module, to keep this one readable.
from waishi.delegations.models_report import (  # noqa: E402
    ReportAgreement,
    ReportFollowUp,
    ReportObjectiveResult,
    ReportPartner,
    ReportProject,
    ReportSpending,
    ResultStatus,
    TripReport,
)
