"""A follow-up round (6 or 12 months after the return): one row per reported result — status,
amount realised, note — submitted through follow_up_submit, which recomputes the
follow-through group, the total and the grade. The unit's liaison may correct a submitted round
the same way; everyone else who reads the evaluation sees the round read-only.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from waishi.core.access import access
from waishi.delegations.workflow import ConflictError, InvalidTransition
from waishi.evaluation import presentation, selectors, services
from waishi.evaluation.forms import FollowUpForm
from waishi.evaluation.models import FollowUpRound, FollowUpStatus
from waishi.evaluation.views_scoring import add_service_errors


def _round_of(request, pk, round_pk):
    evaluation = selectors.evaluation_for(request.user, pk)
    follow_up = get_object_or_404(
        FollowUpRound.objects.filter(evaluation=evaluation).select_related("submitted_by"),
        pk=round_pk,
    )
    follow_up.evaluation = evaluation  # can_follow_up reads it: no second query
    return evaluation, follow_up


def _page(request, evaluation, follow_up, form, *, conflict="", status=200):
    body = evaluation.rubric.body
    group = next((g for g in presentation.groups(body) if g.get("kind") == "follow_through"), None)
    context = {
        "evaluation": evaluation,
        "delegation": evaluation.delegation,
        "round": follow_up,
        "results": list(follow_up.results.all()),
        "form": form,
        "conflict": conflict,
        "group_title": presentation.localized(group, "title") if group else "",
        "group_weight": presentation.number(group.get("weight", 0)) if group else None,
        "submitted": follow_up.status == FollowUpStatus.SUBMITTED,
    }
    return render(request, "evaluation/follow_up.html", context, status=status)


@access()
@require_http_methods(["GET", "POST"])
def follow_up(request, pk, round_pk):
    evaluation, follow_up = _round_of(request, pk, round_pk)
    may_submit = selectors.can_follow_up(request.user, follow_up)  # a submitted one: corrected
    results = list(follow_up.results.all())
    if request.method == "GET":
        form = None
        if may_submit:
            form = FollowUpForm(
                results=results,
                initial={"expected_version": follow_up.version, "note": follow_up.note},
            )
        return _page(request, evaluation, follow_up, form)
    form = FollowUpForm(request.POST, results=results)
    if not form.is_valid():
        return _page(request, evaluation, follow_up, form, status=400)
    if form.cleaned_data["expected_version"] != follow_up.version:
        return _conflict(request, pk, round_pk)
    try:
        services.follow_up_submit(
            actor=request.user,
            round=follow_up,
            expected_version=form.cleaned_data["expected_version"],
            results=form.service_results(),
            note=form.cleaned_data["note"],
        )
    except ConflictError:
        return _conflict(request, pk, round_pk)
    except InvalidTransition as exc:
        form.add_error(None, str(exc))
        return _page(request, evaluation, follow_up, form, status=409)
    except PermissionDenied as exc:
        form.add_error(None, str(exc) or _("You may not do this."))
        return _page(request, evaluation, follow_up, form, status=403)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _page(request, evaluation, follow_up, form, status=400)
    messages.success(
        request,
        _("The %(months)s-month follow-up was submitted; the follow-through points are updated.")
        % {"months": follow_up.months},
    )
    response = redirect("evaluation:detail", pk=evaluation.pk)
    response["Location"] += "#follow-ups"
    return response


def _conflict(request, pk, round_pk):
    evaluation, follow_up = _round_of(request, pk, round_pk)
    data = request.POST.copy()
    data["expected_version"] = str(follow_up.version)
    form = FollowUpForm(data, results=list(follow_up.results.all()))
    form.is_valid()
    message = _(
        "Someone else saved this follow-up while you were working on it. Nothing of yours was "
        "saved; what you typed is kept in the form below. Check it, then send it again."
    )
    return _page(request, evaluation, follow_up, form, conflict=message, status=409)
