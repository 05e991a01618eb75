"""The roles page: administrators see who holds which role where, grant and revoke.

Roles are data (RoleAssignment rows); every change goes through `role_grant` / `role_revoke`,
so it is audited like any other.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from waishi.core import services
from waishi.core.access import access, unit_scope_q
from waishi.core.models import RoleAssignment, Unit, User
from waishi.core.roles import Role
from waishi.core.selectors import role_assignments_for

PAGE_SIZE = 50
INDENT = "\u3000"  # an ideographic space: indents Chinese names evenly


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        # Indented by depth so the select reads as the unit tree.
        return f"{INDENT * obj.depth}{obj.name} ({obj.code})"


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        name = obj.full_name or ""
        return f"{name} ({obj.username})" if name else obj.username


class GrantForm(forms.Form):
    user = UserChoiceField(queryset=User.objects.none(), label=gettext_lazy("User"))
    role = forms.ChoiceField(choices=Role.choices, label=gettext_lazy("Role"))
    unit = UnitChoiceField(queryset=Unit.objects.none(), label=gettext_lazy("Unit"))
    include_subtree = forms.BooleanField(
        required=False, initial=True, label=gettext_lazy("Include sub-units")
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(is_active=True).order_by("username")
        self.fields["unit"].queryset = units_for(actor).filter(is_active=True)


class FilterForm(forms.Form):
    unit = UnitChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        label=gettext_lazy("Unit"),
        empty_label=gettext_lazy("All units"),
    )
    role = forms.ChoiceField(
        choices=[("", gettext_lazy("All roles")), *Role.choices],
        required=False,
        label=gettext_lazy("Role"),
    )
    user = forms.CharField(required=False, max_length=100, label=gettext_lazy("User"))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_for(actor)


def units_for(user):
    return Unit.objects.filter(unit_scope_q(user, field="")).order_by("path")


def back_to_list(request):
    """The list as the administrator was looking at it (same filters and page)."""
    query = request.GET.urlencode()
    return redirect(f"{reverse('core:roles')}?{query}" if query else reverse("core:roles"))


@access(Role.ADMINISTRATOR)
@require_http_methods(["GET", "POST"])
def role_list(request):
    grant_form = GrantForm(request.POST or None, actor=request.user)
    if request.method == "POST" and grant_form.is_valid():
        grant(request, grant_form.cleaned_data)
        return back_to_list(request)
    filters = FilterForm(request.GET or None, actor=request.user)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    assignments = role_assignments_for(
        request.user,
        unit=criteria.get("unit"),
        role=criteria.get("role", ""),
        search=criteria.get("user", "").strip(),
    )
    page = Paginator(assignments, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "filters": filters, "grant_form": grant_form}
    return render(request, "core/roles.html", context)


def grant(request, data):
    _assignment, changed = services.role_grant(
        actor=request.user,
        user=data["user"],
        role=data["role"],
        unit=data["unit"],
        include_subtree=data["include_subtree"],
    )
    names = {"user": data["user"], "role": Role(data["role"]).label, "unit": data["unit"].name}
    if changed:
        messages.success(request, _("%(user)s is now %(role)s of %(unit)s.") % names)
    else:
        messages.info(request, _("%(user)s already held %(role)s of %(unit)s.") % names)


@access(Role.ADMINISTRATOR)
@require_POST
def role_revoke(request, pk):
    assignment = get_object_or_404(
        RoleAssignment.objects.filter(unit_scope_q(request.user, field="unit")).select_related(
            "user", "unit"
        ),
        pk=pk,
    )
    names = {
        "user": assignment.user,
        "role": assignment.get_role_display(),
        "unit": assignment.unit.name,
    }
    try:
        services.role_revoke(
            actor=request.user, user=assignment.user, role=assignment.role, unit=assignment.unit
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(user)s is no longer %(role)s of %(unit)s.") % names)
    return back_to_list(request)
