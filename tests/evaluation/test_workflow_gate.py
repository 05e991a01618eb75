"""The delegation's `evaluate` step is taken by completing its evaluation, never by a bare
button: a delegation cannot be marked evaluated with no scores behind it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.conftest import client_for
from tests.evaluation.conftest import self_assess
from waishi.delegations.models import Status
from waishi.delegations.services import delegation_transition


def test_a_filed_report_is_not_marked_evaluated_without_its_evaluation(evaluated_trip, evaluator):
    evaluation = evaluated_trip()
    delegation = evaluation.delegation
    delegation.refresh_from_db()
    with pytest.raises(ValidationError):
        delegation_transition(
            actor=evaluator,
            delegation=delegation,
            action="evaluate",
            expected_version=delegation.version,
            comment="直接评估",
        )
    delegation.refresh_from_db()
    assert delegation.status == Status.REPORT_FILED


def test_the_delegation_page_offers_the_evaluation_not_a_bare_evaluate_button(
    evaluated_trip, evaluator
):
    evaluation = evaluated_trip()
    page = client_for(evaluator).get(reverse("delegations:detail", args=[evaluation.delegation_id]))
    assert page.status_code == 200
    html = page.content.decode()
    transition = reverse("delegations:transition", args=[evaluation.delegation_id, "evaluate"])
    assert transition not in html
    assert reverse("evaluation:detail", args=[evaluation.pk]) in html


def test_completing_the_evaluation_marks_the_delegation_evaluated(completed):
    evaluation = completed()
    evaluation.delegation.refresh_from_db()
    assert evaluation.delegation.status == Status.EVALUATED
    assert evaluation.delegation.evaluated_at is not None


def test_scoring_below_the_threshold_leaves_the_delegation_waiting(
    evaluated_trip, liaison, evaluator
):
    from tests.evaluation.conftest import score

    evaluation = evaluated_trip()
    self_assess(evaluation, liaison)
    score(evaluation, evaluator, objectives_met=0, agreements=0, projects_amounts=0, partners=0)
    evaluation.delegation.refresh_from_db()
    assert evaluation.delegation.status == Status.REPORT_FILED
