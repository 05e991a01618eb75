"""Administration pages: units and user accounts (administrators), and everyone's own API tokens.

An administrator changes only what lies under their ADMINISTRATOR grant (`administered_q`);
anything else answers 404. Every change goes through a service, so every change is audited.
"""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from waishi.core import selectors, services
from waishi.core.access import access
from waishi.core.forms import (
    FingerprintForm,
    SetPasswordForm,
    TokenForm,
    UnitForm,
    UnitMoveForm,
    UserFilterForm,
    UserForm,
    add_service_error,
)
from waishi.core.roles import Role
from waishi.core.tokens import api_token_create, api_token_revoke

ADMIN = Role.ADMINISTRATOR
PAGE_SIZE = 50


def _active_units(request):
    return selectors.administered_units(request.user).filter(is_active=True)


def _wants_active(request) -> bool:
    return request.POST.get("is_active") == "1"


# --- units -------------------------------------------------------------------------------------


@access(ADMIN)
@require_http_methods(["GET", "POST"])
def unit_create(request):
    parents = _active_units(request)
    form = UnitForm(
        request.POST or None, parents=parents, initial={"parent": request.GET.get("parent")}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            unit = services.unit_create(
                actor=request.user,
                code=data["code"],
                name=data["name"],
                name_en=data["name_en"],
                kind=data["kind"],
                parent=data["parent"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("%(name)s was created.") % {"name": unit.name})
            return redirect("core:unit_detail", pk=unit.pk)
    return render(request, "core/unit_form.html", {"form": form, "unit": None})


def _unit_page(request, unit, *, form=None, move_form=None, conflict=False):
    fingerprint = services.unit_fingerprint(unit)
    initial = {
        "name": unit.name,
        "name_en": unit.name_en,
        "kind": unit.kind,
        "fingerprint": fingerprint,
    }
    context = {
        "unit": unit,
        "form": form or UnitForm(editing=True, initial=initial),
        "move_form": move_form
        or UnitMoveForm(
            prefix="move",
            unit=unit,
            parents=_active_units(request),
            initial={"parent": unit.parent_id, "fingerprint": fingerprint},
        ),
        "fingerprint": fingerprint,
        "conflict": conflict,
    }
    return render(request, "core/unit_form.html", context)


@access(ADMIN)
@require_http_methods(["GET", "POST"])
def unit_edit(request, pk):
    unit = selectors.get_administered_unit(request.user, pk)
    if request.method != "POST":
        return _unit_page(request, unit)
    form = UnitForm(request.POST, editing=True)
    conflict = False
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.unit_update(
                actor=request.user,
                unit=unit,
                name=data["name"],
                name_en=data["name_en"],
                kind=data["kind"],
                is_active=unit.is_active,
                expected_fingerprint=data["fingerprint"],
            )
        except services.ConflictError as exc:
            form.add_error(None, str(exc))
            conflict = True
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("core:unit_detail", pk=unit.pk)
    return _unit_page(request, unit, form=form, conflict=conflict)


@access(ADMIN)
@require_POST
def unit_move(request, pk):
    unit = selectors.get_administered_unit(request.user, pk)
    form = UnitMoveForm(request.POST, prefix="move", unit=unit, parents=_active_units(request))
    conflict = False
    if form.is_valid():
        try:
            unit = services.unit_move(
                actor=request.user,
                unit=unit,
                new_parent=form.cleaned_data["parent"],
                expected_fingerprint=form.cleaned_data["fingerprint"],
            )
        except services.ConflictError as exc:
            form.add_error(None, str(exc))
            conflict = True
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("%(name)s was moved.") % {"name": unit.name})
            return redirect("core:unit_detail", pk=unit.pk)
    return _unit_page(request, unit, move_form=form, conflict=conflict)


@access(ADMIN)
@require_POST
def unit_set_active(request, pk):
    unit = selectors.get_administered_unit(request.user, pk)
    form = FingerprintForm(request.POST)
    try:
        form.is_valid()
        services.unit_set_active(
            actor=request.user,
            unit=unit,
            is_active=_wants_active(request),
            expected_fingerprint=form.cleaned_data.get("fingerprint", ""),
        )
    except (services.ConflictError, ValidationError) as exc:
        text = str(exc) if isinstance(exc, services.ConflictError) else " ".join(exc.messages)
        messages.error(request, text)
        return redirect("core:unit_edit", pk=unit.pk)
    done = _("%(name)s is active again.") if _wants_active(request) else _("%(name)s is inactive.")
    messages.success(request, done % {"name": unit.name})
    return redirect("core:unit_detail", pk=unit.pk)


# --- users -------------------------------------------------------------------------------------


@access(ADMIN)
@require_GET
def user_list(request):
    filters = UserFilterForm(request.GET, units=selectors.administered_units(request.user))
    users = selectors.users_for_admin(request.user, **filters.filters())
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "core/user_list.html", {"filters": filters, "page": page})


@access(ADMIN)
@require_GET
def user_detail(request, pk):
    account = selectors.get_user_for_admin(request.user, pk)
    context = {
        "account": account,
        "assignments": selectors.role_assignments_of(account),
        "tokens": selectors.api_tokens_of(account),
        "is_self": account.pk == request.user.pk,
    }
    return render(request, "core/user_detail.html", context)


@access(ADMIN)
@require_http_methods(["GET", "POST"])
def user_create(request):
    form = UserForm(request.POST or None, units=_active_units(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = services.user_create(
                actor=request.user,
                username=data["username"],
                password=form.password(),
                full_name=data["full_name"],
                unit=data["unit"],
                email=data["email"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The account %(name)s was created.") % {"name": account})
            return redirect("core:user_detail", pk=account.pk)
    return render(request, "core/user_form.html", {"form": form, "account": None})


@access(ADMIN)
@require_http_methods(["GET", "POST"])
def user_edit(request, pk):
    account = selectors.get_user_for_admin(request.user, pk)
    initial = {"full_name": account.full_name, "unit": account.unit_id, "email": account.email}
    form = UserForm(
        request.POST or None, units=_active_units(request), editing=True, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.user_update(
            actor=request.user,
            user=account,
            full_name=data["full_name"],
            unit=data["unit"],
            email=data["email"],
        )
        messages.success(request, _("The changes were saved."))
        return redirect("core:user_detail", pk=account.pk)
    return render(request, "core/user_form.html", {"form": form, "account": account})


@access(ADMIN)
@require_http_methods(["GET", "POST"])
def user_password(request, pk):
    account = selectors.get_user_for_admin(request.user, pk)
    form = SetPasswordForm(request.POST or None, user=account)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.user_set_password(
                actor=request.user, user=account, password=form.cleaned_data["password1"]
            )
        except ValidationError as exc:
            form.add_error("password1", exc)
        else:
            if account.pk == request.user.pk:  # keep the administrator's own session
                update_session_auth_hash(request, account)
            messages.success(request, _("The new password was set."))
            return redirect("core:user_detail", pk=account.pk)
    context = {"form": form, "account": account, "password_page": True}
    return render(request, "core/user_form.html", context)


@access(ADMIN)
@require_POST
def user_set_active(request, pk):
    account = selectors.get_user_for_admin(request.user, pk)
    try:
        services.user_set_active(actor=request.user, user=account, is_active=_wants_active(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if _wants_active(request):
            done = _("%(name)s may sign in again.")
        else:
            done = _("%(name)s can no longer sign in.")
        messages.success(request, done % {"name": account})
    return redirect("core:user_detail", pk=account.pk)


@access(ADMIN)
@require_POST
def user_token_revoke(request, pk, token_pk):
    account = selectors.get_user_for_admin(request.user, pk)
    token = get_object_or_404(account.api_tokens, pk=token_pk)
    api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token %(name)s was revoked.") % {"name": token.name})
    return redirect("core:user_detail", pk=account.pk)


# --- my API tokens -----------------------------------------------------------------------------


@access()
@never_cache
@require_http_methods(["GET", "POST"])
def token_list(request):
    """The signed-in user's tokens. A new token's secret is shown in this one response only."""
    form = TokenForm(request.POST or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        token, secret = api_token_create(
            actor=request.user,
            user=request.user,
            name=form.cleaned_data["name"],
            days=form.cleaned_data["days"],
        )
        context = {"form": TokenForm(), "new_token": token, "secret": secret}
    context["tokens"] = selectors.api_tokens_of(request.user)
    return render(request, "core/token_list.html", context)


@access()
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(request.user.api_tokens, pk=pk)
    api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token %(name)s was revoked.") % {"name": token.name})
    return redirect("core:tokens")
