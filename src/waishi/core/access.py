"""Deny by default: every view declares who may use it, or nobody may.

    @access(Role.LIAISON, Role.REVIEWER)   # holders of any of these roles (on any unit)
    @access()                               # any signed-in user
    @public                                 # anyone, signed in or not

AccessMiddleware refuses a view that declares nothing; a test walks every URL to keep it so.
Which *objects* a user may see is the selectors' job (`unit_scope_q`), answering 404 otherwise.
"""

from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from waishi.core.roles import CITYWIDE_ROLES, Role

# URL namespaces whose views guard themselves: the Django admin (staff only) and the JSON API
# (django-ninja, authenticated by its own session/token auth and scoped by the same selectors).
SELF_GUARDED_NAMESPACES = frozenset({"admin", "api-1.0.0"})


@dataclass(frozen=True)
class AccessRule:
    public: bool = False
    roles: frozenset = frozenset()  # empty = any signed-in user


def access(*roles: Role):
    def mark(view):
        view.waishi_access = AccessRule(roles=frozenset(roles))
        return view

    return mark


def public(view):
    view.waishi_access = AccessRule(public=True)
    return view


def rule_for(view_func) -> AccessRule | None:
    rule = getattr(view_func, "waishi_access", None)
    if rule is None and hasattr(view_func, "view_class"):
        rule = getattr(view_func.view_class, "waishi_access", None)
    return rule


class AccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match and match.namespaces and match.namespaces[0] in SELF_GUARDED_NAMESPACES:
            return None
        rule = rule_for(view_func)
        if rule is None:
            raise PermissionDenied("This page declares no access rule.")
        if rule.public:
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if rule.roles and not roles_of(request.user) & rule.roles:
            raise PermissionDenied
        return None


class Grants:
    """The roles a user holds and the unit subtrees each covers, read once per request."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def rows(self):
        if not user_is_active(self.user):
            return []
        return list(
            self.user.role_assignments.select_related("unit").values_list(
                "role", "unit__path", "unit_id", "include_subtree"
            )
        )

    @cached_property
    def roles(self) -> frozenset:
        return frozenset(Role(r[0]) for r in self.rows)

    def citywide(self, roles=None) -> bool:
        held = self.roles if roles is None else self.roles & frozenset(roles)
        return bool(held & CITYWIDE_ROLES) or (self.user.is_superuser and roles is None)

    def unit_q(self, field: str, roles=None) -> Q:
        """A Q limiting `field` (a path to a Unit) to the units these grants cover."""
        if self.citywide(roles):
            return Q()
        path_lookup = f"{field}__path__startswith" if field else "path__startswith"
        id_lookup = f"{field}_id" if field else "pk"
        q = Q(pk__in=[])
        for role, path, unit_id, subtree in self.rows:
            if roles is not None and role not in roles:
                continue
            q |= Q(**{path_lookup: path}) if subtree else Q(**{id_lookup: unit_id})
        return q


def user_is_active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def grants_of(user) -> Grants:
    cached = getattr(user, "_waishi_grants", None)
    if cached is None:
        cached = Grants(user)
        if user is not None and user.is_authenticated:
            user._waishi_grants = cached
    return cached


def roles_of(user) -> frozenset:
    return grants_of(user).roles if user_is_active(user) else frozenset()


def has_role(user, *roles: Role) -> bool:
    return bool(roles_of(user) & frozenset(roles))


def unit_scope_q(user, field: str = "unit", roles=None) -> Q:
    """Rows whose `field` unit lies in one of the user's granted subtrees (none if no grants).

    `field=""` scopes the Unit model itself.
    """
    if not user_is_active(user):
        return Q(pk__in=[])
    return grants_of(user).unit_q(field, roles)
