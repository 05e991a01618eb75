"""The demo logins of ARCHITECTURE.md (demo mode only, one shared password)."""

from django.utils.translation import gettext_lazy as _

from waishi.core.roles import Role

DEMO_PASSWORD = "waishi-demo"  # noqa: S105 — the documented demo password, refused outside demo mode

# username, role, where the role applies ("city" = the whole city; "unit" = the demo liaison's unit)
DEMO_ACCOUNTS = [
    ("admin", Role.ADMINISTRATOR, "city", _("administrator (whole city)")),
    ("liaison", Role.LIAISON, "unit", _("foreign affairs liaison of 市商务局")),
    ("head", Role.UNIT_HEAD, "unit", _("head of 市商务局")),
    ("reviewer", Role.REVIEWER, "city", _("FAO reviewer")),
    ("approver", Role.APPROVER, "city", _("FAO approver (signs 批件)")),
    ("passport", Role.PASSPORT_OFFICER, "city", _("passport officer")),
    ("evaluator", Role.EVALUATOR, "city", _("evaluator")),
    ("safety", Role.SAFETY_OFFICER, "city", _("overseas safety officer")),
    ("protocol", Role.PROTOCOL_OFFICER, "city", _("protocol officer (visits, gifts)")),
    ("secretariat", Role.SECRETARIAT, "city", _("commission secretariat")),
    ("inspector", Role.INSPECTOR, "city", _("inspector (reads everything, audit log)")),
    ("traveller", Role.TRAVELLER, "unit", _("a delegation member of 市商务局")),
]


def demo_logins():
    return [(username, str(description)) for username, _role, _scope, description in DEMO_ACCOUNTS]
