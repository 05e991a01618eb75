"""The forms of one evaluation's page, each posted here: the self-assessment, the evaluator's
scores, the second evaluator's decision, and adding or waiving a deduction.

Every refusal shows the page again with the form as the user filled it: bad input (400) next to
its field, a role that does not allow it (403), and a stale version (409) — someone saved the
evaluation first: nothing was saved, the page shows what they did, and the form keeps what this
user typed, now against the current version so it can be sent again after a look.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from waishi.core.access import access
from waishi.delegations.workflow import ConflictError, InvalidTransition
from waishi.evaluation import scoring, selectors, services
from waishi.evaluation.forms import (
    DeductionAddForm,
    DeductionWaiveForm,
    EvaluatorForm,
    SecondEvaluatorForm,
    SelfAssessmentForm,
)
from waishi.evaluation.models import ScoreStage
from waishi.evaluation.views_detail import detail_page

FORMS = {"self": SelfAssessmentForm, "score": EvaluatorForm}


def add_service_errors(form, exc: ValidationError) -> None:
    """A service's ValidationError next to the fields it names (an indicator code names its
    points field), or on top of the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for name, errors in exc.message_dict.items():
        for candidate in (name, f"points_{name}"):
            if candidate in form.fields:
                form.add_error(candidate, errors)
                break
        else:
            form.add_error(None, errors)


def _back(evaluation, anchor: str = ""):
    response = redirect("evaluation:detail", pk=evaluation.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _form(key: str, data, evaluation):
    """The posted form of `key`, built on the evaluation's rubric (the second evaluator's with
    the first evaluator's scores, to tell which rows were adjusted)."""
    body = evaluation.rubric.body
    if key == "second":
        first = selectors.scores_by_stage(evaluation).get(ScoreStage.FIRST, {})
        initial = {code: (s.points, s.evidence) for code, s in first.items()}
        return SecondEvaluatorForm(data, rubric=body, initial_scores=initial)
    return FORMS[key](data, rubric=body)


def _conflict(request, pk, key):
    """Someone saved first: the fresh evaluation, and this user's input against its version."""
    evaluation = selectors.evaluation_for(request.user, pk)
    data = request.POST.copy()
    data["expected_version"] = str(evaluation.version)
    form = _form(key, data, evaluation)
    form.is_valid()
    message = _(
        "Someone else saved this evaluation while you were working on it. Nothing of yours was "
        "saved; what they did is shown on this page and what you typed is kept in the form "
        "below. Check it, then send it again."
    )
    form.add_error(None, message)  # the page opens at the form (its action's #fragment)
    return detail_page(request, evaluation, forms={key: form}, conflict=message, status=409)


def _refused(request, evaluation, key, form, message: str, status: int):
    form.add_error(None, message or _("You may not do this."))
    return detail_page(request, evaluation, forms={key: form}, status=status)


def _scored(request, pk, *, key, save, done: str):
    """Validate a scores form (bounds and steps of the rubric), check the version, save."""
    evaluation = selectors.evaluation_for(request.user, pk)
    form = _form(key, request.POST, evaluation)
    if form.is_valid():
        check = form.to_check(scoring.parse_rubric(evaluation.rubric.body).scored_codes)
        if check is not None:
            points, codes = check
            rubric = scoring.parse_rubric(evaluation.rubric.body)
            form.add_point_errors(scoring.check_points(rubric, points, codes=codes))
    if not form.is_valid():
        return detail_page(request, evaluation, forms={key: form}, status=400)
    if form.cleaned_data["expected_version"] != evaluation.version:
        return _conflict(request, pk, key)
    try:
        save(evaluation, form)
    except ConflictError:
        return _conflict(request, pk, key)
    except InvalidTransition as exc:
        return _refused(request, evaluation, key, form, str(exc), 409)
    except PermissionDenied as exc:
        return _refused(request, evaluation, key, form, str(exc), 403)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return detail_page(request, evaluation, forms={key: form}, status=400)
    messages.success(request, done)
    return _back(evaluation, "outcome")


@access()
@require_POST
def self_assess(request, pk):
    def save(evaluation, form):
        services.evaluation_self_assess(
            actor=request.user,
            evaluation=evaluation,
            expected_version=form.cleaned_data["expected_version"],
            text=form.cleaned_data["text"],
            scores=form.scores(),
        )

    done = _("The self-assessment was saved; the evaluator scores next.")
    return _scored(request, pk, key="self", save=save, done=done)


@access()
@require_POST
def score(request, pk):
    def save(evaluation, form):
        data = form.cleaned_data
        services.evaluation_score(
            actor=request.user,
            evaluation=evaluation,
            expected_version=data["expected_version"],
            scores=form.scores(),
            comment=data["comment"],
            veto_code=data["veto_code"],
            veto_reason=data["veto_reason"].strip() if data["veto_code"] else "",
        )

    done = _("The scores were saved; the total and grade are computed below.")
    return _scored(request, pk, key="score", save=save, done=done)


@access()
@require_POST
def second(request, pk):
    def save(evaluation, form):
        services.evaluation_second(
            actor=request.user,
            evaluation=evaluation,
            expected_version=form.cleaned_data["expected_version"],
            scores=form.adjusted_scores(),
            comment=form.cleaned_data["comment"],
        )

    done = _("The second evaluation was saved; the evaluation is complete.")
    return _scored(request, pk, key="second", save=save, done=done)


@access()
@require_POST
def deduction_add(request, pk):
    evaluation = selectors.evaluation_for(request.user, pk)
    form = DeductionAddForm(request.POST, rubric=evaluation.rubric.body)
    status = 400
    if form.is_valid():
        try:
            services.deduction_add(actor=request.user, evaluation=evaluation, **form.cleaned_data)
        except InvalidTransition as exc:
            form.add_error(None, str(exc))
            status = 409
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("You may not do this."))
            status = 403
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The deduction was added."))
            return _back(evaluation, "deductions")
    status = 200 if request.htmx else status  # htmx swaps only a 2xx: show the errors in place
    return detail_page(request, evaluation, forms={"deduction_add": form}, status=status)


@access()
@require_POST
def deduction_waive(request, pk, deduction_pk):
    evaluation = selectors.evaluation_for(request.user, pk)
    deduction = get_object_or_404(evaluation.deductions, pk=deduction_pk)
    form = DeductionWaiveForm(request.POST, auto_id=f"id_waive_{deduction.pk}_%s")
    status = 400
    if form.is_valid():
        try:
            services.deduction_waive(
                actor=request.user, deduction=deduction, reason=form.cleaned_data["reason"]
            )
        except InvalidTransition as exc:
            form.add_error(None, str(exc))
            status = 409
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("You may not do this."))
            status = 403
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The deduction was waived."))
            return _back(evaluation, "deductions")
    status = 200 if request.htmx else status  # htmx swaps only a 2xx: show the errors in place
    return detail_page(request, evaluation, forms={"waive": (deduction.pk, form)}, status=status)
