from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from waishi.core.crypto import EncryptedTextField, mask
from waishi.core.models import Unit


class Rank(models.TextChoices):
    PROVINCIAL = "provincial", _("Provincial or ministerial")
    BUREAU = "bureau", _("Bureau or department")
    COUNTY = "county", _("County or division")
    SECTION = "section", _("Section")
    OTHER = "other", _("Other")

    @classmethod
    def seniority(cls) -> list[str]:
        """Ranks from most to least senior: the order a rank column sorts in."""
        return [cls.PROVINCIAL, cls.BUREAU, cls.COUNTY, cls.SECTION, cls.OTHER]


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Person(models.Model):
    """Someone who may travel or be received: a cadre, an expert, an interpreter."""

    name = models.CharField(_("name"), max_length=64)
    surname_pinyin = models.CharField(_("surname (passport spelling)"), max_length=64, blank=True)
    given_pinyin = models.CharField(_("given name (passport spelling)"), max_length=64, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="people", verbose_name=_("unit")
    )
    position = models.CharField(_("position"), max_length=100, blank=True)
    rank = models.CharField(_("rank"), max_length=16, choices=Rank.choices, default=Rank.OTHER)
    retired = models.BooleanField(_("retired or left post"), default=False)
    id_number = EncryptedTextField(_("ID card number"), blank=True)
    id_number_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("user account"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name", "id"]
        indexes = [
            # The list: (name, id) is its order, so page 500 walks this index instead of sorting
            # 100k rows; the other columns are what the list filters and searches on, so the
            # walk and the COUNT never touch the wide table rows (a covering index).
            models.Index(
                fields=["name", "id", "surname_pinyin", "given_pinyin", "unit", "rank"],
                name="person_list_idx",
            ),
            models.Index(fields=["unit", "name"]),
            models.Index(fields=["rank", "name"]),
            models.Index(fields=["surname_pinyin", "given_pinyin"]),
        ]
        constraints = [
            # The service checks first and says so nicely; this catches two writers racing.
            models.UniqueConstraint(
                fields=["id_number_digest"],
                condition=~models.Q(id_number_digest=""),
                name="unique_person_id_number",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def passport_name(self) -> str:
        return " ".join(part for part in (self.surname_pinyin, self.given_pinyin) if part)

    @property
    def id_number_masked(self) -> str:
        return mask(self.id_number, keep_start=3, keep_end=4)


class Passport(models.Model):
    class Kind(models.TextChoices):
        DIPLOMATIC = "diplomatic", _("Diplomatic passport")
        SERVICE = "service", _("Service passport")
        OFFICIAL_ORDINARY = "official_ordinary", _("Official ordinary passport")
        PRIVATE = "private", _("Private passport")

    class Custody(models.TextChoices):
        IN_CUSTODY = "in_custody", _("In custody")
        CHECKED_OUT = "checked_out", _("Checked out")
        LOST = "lost", _("Reported lost")
        CANCELLED = "cancelled", _("Cancelled")

    OFFICIAL_KINDS = frozenset({Kind.DIPLOMATIC, Kind.SERVICE, Kind.OFFICIAL_ORDINARY})

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="passports")
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    number = EncryptedTextField(_("passport number"))
    number_digest = models.CharField(max_length=64, db_index=True, editable=False)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"))
    custody = models.CharField(
        _("custody"), max_length=16, choices=Custody.choices, default=Custody.IN_CUSTODY
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("passport")
        verbose_name_plural = _("passports")
        ordering = ["-expires_on"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "number_digest"], name="unique_passport_number")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number_masked}"

    @property
    def is_official(self) -> bool:
        return self.kind in self.OFFICIAL_KINDS

    @property
    def number_masked(self) -> str:
        return mask(self.number, keep_start=1, keep_end=3)
