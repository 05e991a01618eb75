"""Template context for the shell: navigation and the user's roles."""

from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from waishi.core.access import roles_of
from waishi.core.models import Unit
from waishi.core.roles import Role

# Every module of DOMAIN.md, in the order staff think of them. A module whose pages are not built
# yet points at the "coming" page and says so.
MODULES = [
    ("dashboard", _("Dashboard"), "core:dashboard", None),
    ("delegations", _("Outbound delegations"), "delegations:list", None),
    ("evaluation", _("Performance evaluation"), "evaluation:list", None),
    ("visits", _("Inbound visits & gifts"), None, "visits"),
    ("partners", _("Sister cities & partners"), None, "partners"),
    ("safety", _("Overseas safety"), None, "safety"),
    ("matters", _("Major matters"), None, "matters"),
    ("commission", _("Commission"), "commission:meetings", None),
    ("people", _("People"), "people:list", None),
    ("units", _("Units"), "core:units", None),
    ("standards", _("Per-diem standards"), "policy:standards", None),
    ("rules", _("Rule set"), "policy:rules", None),
]
# Pages only some roles may open: shown in the navigation to those roles only.
RESTRICTED = {
    "roles": frozenset({Role.ADMINISTRATOR}),
    "users": frozenset({Role.ADMINISTRATOR}),
    "audit": frozenset({Role.INSPECTOR, Role.ADMINISTRATOR}),
    "blocked": frozenset({Role.APPROVER, Role.REVIEWER, Role.INSPECTOR, Role.ADMINISTRATOR}),
}
ADMIN_MODULES = [
    ("blocked", _("Blocked units"), "delegations:blocked_units", None),
    ("users", _("Users"), "core:users", None),
    ("roles", _("Roles"), "core:roles", None),
    ("audit", _("Audit log"), "core:audit", None),
    ("tokens", _("My API tokens"), "core:tokens", None),
]
# Items that share a URL namespace with another: each is active on the views named like it.
CORE_PREFIXES = {
    "delegations:blocked_units": "delegations:blocked_unit",
    "policy:rules": "policy:rules",
    "policy:standards": "policy:standards",
    "core:units": "core:unit",
    "core:roles": "core:role",
    "core:users": "core:user",
    "core:audit": "core:audit",
    "core:tokens": "core:token",
}


def _is_active(current, url_name, coming) -> bool:
    if not current:
        return False
    if coming:
        return current.kwargs.get("module") == coming
    if url_name == "core:dashboard":
        return current.view_name == url_name
    if url_name in CORE_PREFIXES:
        return current.view_name.startswith(CORE_PREFIXES[url_name])
    if any(current.view_name.startswith(prefix) for prefix in CORE_PREFIXES.values()):
        return False  # that page has an item of its own
    return current.view_name.split(":")[0] == url_name.split(":")[0]


def navigation(request):
    current = request.resolver_match
    held = roles_of(request.user)
    items = []
    for key, label, url_name, coming in MODULES + ADMIN_MODULES:
        if key in RESTRICTED and not held & RESTRICTED[key]:
            continue
        url = reverse(url_name) if url_name else reverse("core:coming", args=[coming])
        active = _is_active(current, url_name, coming)
        items.append(
            {"key": key, "label": label, "url": url, "coming": bool(coming), "active": active}
        )
    return items


def city_name() -> str:
    """The name of the root unit: the city this installation serves (shown in the top bar)."""
    return (
        Unit.objects.filter(parent__isnull=True, kind=Unit.Kind.CITY)
        .order_by("pk")
        .values_list("name", flat=True)
        .first()
        or ""
    )


def shell(request):
    # Lazy: partial (htmx) renders that never show the top bar skip the query.
    context = {"city_name": SimpleLazyObject(city_name)}
    if getattr(request, "user", None) and request.user.is_authenticated:
        context["nav_items"] = navigation(request)
        context["my_roles"] = sorted(roles_of(request.user))
    return context
