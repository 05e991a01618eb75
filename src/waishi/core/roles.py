"""The roles of DOMAIN.md. Which roles exist is code (permissions are written against them);
who holds which role over which units is data (RoleAssignment)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    LIAISON = "liaison", _("Foreign affairs liaison")
    UNIT_HEAD = "unit_head", _("Unit head")
    REVIEWER = "reviewer", _("FAO reviewer")
    APPROVER = "approver", _("FAO approver")
    PASSPORT_OFFICER = "passport_officer", _("Passport officer")
    EVALUATOR = "evaluator", _("Evaluator")
    SAFETY_OFFICER = "safety_officer", _("Safety officer")
    PROTOCOL_OFFICER = "protocol_officer", _("Protocol officer")
    SECRETARIAT = "secretariat", _("Commission secretariat")
    INSPECTOR = "inspector", _("Inspector")
    ADMINISTRATOR = "administrator", _("Administrator")
    TRAVELLER = "traveller", _("Traveller")


# Roles that see every unit whatever the unit they were granted on.
CITYWIDE_ROLES = frozenset({Role.INSPECTOR, Role.ADMINISTRATOR})
# Roles that only read.
READ_ONLY_ROLES = frozenset({Role.INSPECTOR})
