"""The rubric pages: the version in force (everyone signed in reads it), any earlier version, a
new version from the edited values of one (administrator), and putting an older version back in
force (administrator, after typing the password again). A version is never edited in place:
there is no edit URL, and the only write is rubric_create_version.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from waishi.core import sudo
from waishi.core.access import access, has_role
from waishi.core.roles import Role
from waishi.evaluation import presentation, selectors, services
from waishi.evaluation.forms_rubric import RubricVersionForm
from waishi.evaluation.scoring import RubricError


def _render_rubric(request, version):
    context = {
        "version": version,
        "rubric": presentation.rubric_view(version.body),
        "versions": selectors.rubric_versions().select_related("created_by"),
        "is_admin": has_role(request.user, Role.ADMINISTRATOR),
    }
    return render(request, "evaluation/rubric.html", context)


@access()
@require_GET
def rubric(request):
    return _render_rubric(request, selectors.active_rubric())


@access()
@require_GET
def rubric_version(request, pk: int):
    return _render_rubric(request, get_object_or_404(selectors.rubric_versions(), pk=pk))


def _base_version(request):
    source = request.POST.get("from") or request.GET.get("from")
    if source and str(source).isdigit():
        return get_object_or_404(selectors.rubric_versions(), pk=int(source))
    return selectors.active_rubric()


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@access(Role.ADMINISTRATOR)
@require_http_methods(["GET", "POST"])
def rubric_new(request):
    """A new version from the edited values of the one in force (or of ?from=<pk>)."""
    base = _base_version(request)
    form = RubricVersionForm(request.POST if request.method == "POST" else None, base=base.body)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.rubric_create_version(
                actor=request.user,
                body=form.body(),
                label=form.cleaned_data["label"],
                note=form.cleaned_data["note"],
                activate=form.cleaned_data["activate"],
            )
        except RubricError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if version.is_active:
                message = _("Version %(number)s “%(label)s” is now the rubric in force.")
            else:
                message = _("Version %(number)s “%(label)s” was saved; it is not in force.")
            messages.success(request, message % {"number": version.number, "label": version.label})
            return redirect("evaluation:rubric_version", pk=version.pk)
    status = 400 if form.is_bound and form.errors else 200
    context = {"form": form, "base": base}
    return render(request, "evaluation/rubric_form.html", context, status=status)


@access(Role.ADMINISTRATOR)
@require_http_methods(["GET", "POST"])
def rubric_activate(request, pk: int):
    """Put an earlier version back in force. GET asks to confirm (and is where the sudo page
    sends the administrator back to); POST, with the password typed recently, does it."""
    version = get_object_or_404(selectors.rubric_versions(), pk=pk)
    if request.method == "GET":
        sudo.pop_pending_post(request)  # nothing to fill in: the confirm form has no fields
        return render(request, "evaluation/rubric_activate.html", {"version": version})
    needs_password = sudo.require_recent_auth(request)
    if needs_password is not None:
        return needs_password
    try:
        services.rubric_activate(actor=request.user, version=version)
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("evaluation:rubric_version", pk=version.pk)
    messages.success(
        request,
        _("Version %(number)s “%(label)s” is now the rubric in force.")
        % {"number": version.number, "label": version.label},
    )
    return redirect("evaluation:rubric")
