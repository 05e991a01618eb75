"""Template context for the shell: navigation and the user's roles."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from waishi.core.access import roles_of

# Every module of DOMAIN.md, in the order staff think of them. A module whose pages are not built
# yet points at the "coming" page and says so.
MODULES = [
    ("dashboard", _("Dashboard"), "core:dashboard", None),
    ("delegations", _("Outbound delegations"), None, "delegations"),
    ("evaluation", _("Performance evaluation"), None, "evaluation"),
    ("visits", _("Inbound visits & gifts"), None, "visits"),
    ("partners", _("Sister cities & partners"), None, "partners"),
    ("safety", _("Overseas safety"), None, "safety"),
    ("matters", _("Major matters"), None, "matters"),
    ("commission", _("Commission"), None, "commission"),
    ("people", _("People"), "people:list", None),
    ("units", _("Units"), "core:units", None),
    ("standards", _("Per-diem standards"), "policy:standards", None),
]


def navigation(request):
    current = request.resolver_match
    items = []
    for key, label, url_name, coming in MODULES:
        url = reverse(url_name) if url_name else reverse("core:coming", args=[coming])
        active = bool(current) and (
            (url_name and current.view_name.split(":")[0] == url_name.split(":")[0]
             and (url_name != "core:dashboard" or current.view_name == url_name)
             and (url_name != "core:units" or current.view_name.startswith("core:unit")))
            or (coming and current.kwargs.get("module") == coming)
        )
        items.append({"key": key, "label": label, "url": url, "coming": bool(coming), "active": active})
    return items


def shell(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {"nav_items": navigation(request), "my_roles": sorted(roles_of(request.user))}
