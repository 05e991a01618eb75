"""Re-authentication before high-stakes actions: a short "sudo" window.

A signed-in session is not proof enough for the final approval of a delegation (or any other
action a view guards): the user types the password again, and for WAISHI_SUDO_SECONDS (default
600) the session may take such actions without asking. Signing in does not open the window —
only the sudo page does — so an unattended, signed-in browser cannot approve anything.

    response = require_recent_auth(request)
    if response is not None:
        return response          # off to the sudo page; back here afterwards

A guarded POST is not lost: its fields are kept in the session and handed back, once, to the
same path by `pop_pending_post(request)`, so the view can re-render its confirm form filled in.
The password is checked by django.contrib.auth.authenticate with the request, so django-axes
counts failures and locks the account as it does on the sign-in page.
"""

from __future__ import annotations

from functools import wraps

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from waishi.core.access import access

SESSION_KEY = "waishi_sudo_at"
PENDING_KEY = "waishi_sudo_pending"
DEFAULT_SECONDS = 600
# Form fields never kept: the CSRF token is per-form and re-issued when the form is re-rendered.
NOT_KEPT = frozenset({"csrfmiddlewaretoken"})


def sudo_seconds() -> int:
    return int(getattr(settings, "WAISHI_SUDO_SECONDS", DEFAULT_SECONDS))


def has_recent_auth(request) -> bool:
    """Whether the user of this session typed the password within the window."""
    stamp = request.session.get(SESSION_KEY)
    if not isinstance(stamp, int | float):
        return False
    age = timezone.now().timestamp() - stamp
    return 0 <= age <= sudo_seconds()


def grant_recent_auth(request) -> None:
    request.session[SESSION_KEY] = timezone.now().timestamp()


def require_recent_auth(request) -> HttpResponseRedirect | None:
    """None when the window is open; else a redirect to the sudo page that comes back here.

    A POST's fields are kept for `pop_pending_post` on the same path."""
    if has_recent_auth(request):
        return None
    if request.method == "POST":
        data = {key: request.POST.getlist(key) for key in request.POST if key not in NOT_KEPT}
        request.session[PENDING_KEY] = {"path": request.path, "data": data}
    return redirect(f"{reverse('core:sudo')}?{urlencode({'next': request.get_full_path()})}")


def pop_pending_post(request) -> dict[str, list[str]] | None:
    """The fields of the POST that was sent to the sudo page from this path, once."""
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict) or pending.get("path") != request.path:
        return None
    del request.session[PENDING_KEY]
    return pending.get("data") or {}


def sudo_required(view):
    """Decorator form of require_recent_auth, for views that are high-stakes as a whole."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        return require_recent_auth(request) or view(request, *args, **kwargs)

    return guarded


class SudoForm(forms.Form):
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self):
        password = self.cleaned_data["password"]
        user = self.request.user
        checked = authenticate(self.request, username=user.get_username(), password=password)
        if checked is None or checked.pk != user.pk:
            raise forms.ValidationError(_("The password is not correct."), code="invalid")
        return password


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else reverse("core:dashboard")


@access()
@never_cache
@require_http_methods(["GET", "POST"])
def sudo_view(request):
    """Ask for the password again; then back to where the user was going."""
    target = _safe_next(request)
    form = SudoForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        grant_recent_auth(request)
        return HttpResponseRedirect(target)
    context = {"form": form, "next": target, "minutes": max(1, sudo_seconds() // 60)}
    return render(request, "core/sudo.html", context)
