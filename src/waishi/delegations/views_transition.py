"""One workflow action taken from the delegation's page.

GET shows the action's confirm form (filled in again after the sudo page); POST takes the
action through delegation_transition with the version the user saw. Refusals are shown plainly:
a stale version (someone acted first) and an impossible action answer 409, a role that does not
allow it 403, bad input re-renders the form with its errors. Approving first asks for the
password again (waishi.core.sudo).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from waishi.core import sudo
from waishi.core.access import access
from waishi.delegations import workflow
from waishi.delegations.forms_browse import SUDO_ACTIONS, TransitionForm
from waishi.delegations.selectors import current_justifications, get_delegation_for_user
from waishi.delegations.services import delegation_transition
from waishi.delegations.views_browse import findings_of, warnings_in
from waishi.delegations.workflow import ConflictError, InvalidTransition


def _form(request, delegation, action, data=None):
    snapshot = findings_of(delegation)[0] if action == workflow.Action.SUBMIT else None
    justified = {
        rule: row.justification for rule, row in current_justifications(delegation).items()
    }
    return TransitionForm(
        data,
        action=action,
        warnings=warnings_in(snapshot),
        justified=justified,
        initial={"expected_version": delegation.version},
    )


def _page(request, delegation, action, form, *, refusal="", conflict=False, status=200):
    context = {
        "delegation": delegation,
        "action": action,
        "label": workflow.ACTION_LABELS[action],
        "form": form,
        "refusal": refusal,
        "conflict": conflict,
        "needs_sudo": action in SUDO_ACTIONS,
    }
    return render(request, "delegations/transition.html", context, status=status)


def _refusal(delegation, user, action) -> tuple[str, int] | None:
    try:
        workflow.check_allowed(user, delegation, action)
    except InvalidTransition as exc:
        return str(exc), 409
    except PermissionDenied as exc:
        return str(exc), 403
    return None


def _add_service_errors(form, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


@access()
@require_http_methods(["GET", "POST"])
def delegation_transition_view(request, pk, action):
    if action not in workflow.TRANSITIONS:
        raise Http404
    delegation = get_delegation_for_user(request.user, pk)
    if request.method == "GET":
        form = _form(request, delegation, action)
        pending = sudo.pop_pending_post(request)
        if pending is not None:  # back from the sudo page: the form as the user filled it
            form.initial.update({key: values[-1] for key, values in pending.items() if values})
        refused = _refusal(delegation, request.user, action)
        if refused:
            return _page(request, delegation, action, None, refusal=refused[0], status=refused[1])
        return _page(request, delegation, action, form)
    return _take(request, delegation, action)


def _take(request, delegation, action):
    form = _form(request, delegation, action, request.POST)
    valid = form.is_valid()
    seen = form.cleaned_data.get("expected_version")
    if seen is not None and seen != delegation.version:
        return _conflict(request, delegation, action, ConflictError())
    refused = _refusal(delegation, request.user, action)
    if refused is None and action in SUDO_ACTIONS:
        needs_password = sudo.require_recent_auth(request)
        if needs_password is not None:
            return needs_password
    if refused is None and valid:
        try:
            delegation_transition(
                actor=request.user, delegation=delegation, action=action, **form.service_kwargs()
            )
        except ConflictError as exc:
            return _conflict(request, delegation, action, exc)
        except InvalidTransition as exc:
            refused = (str(exc), 409)
        except PermissionDenied as exc:
            refused = (str(exc) or _("You may not do this."), 403)
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Done: “%(action)s”.") % {"action": workflow.ACTION_LABELS[action]}
            )
            return redirect("delegations:detail", pk=delegation.pk)
    if refused:
        return _page(request, delegation, action, None, refusal=refused[0], status=refused[1])
    return _page(request, delegation, action, form)


def _conflict(request, delegation, action, exc):
    """Someone acted first: nothing was changed; say so and offer the fresh page."""
    return _page(request, delegation, action, None, refusal=str(exc), conflict=True, status=409)
