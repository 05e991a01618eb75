"""Who reads which evaluation, who may act on it at each stage, and what the pages read."""

from decimal import Decimal

import pytest
from django.http import Http404

from tests.evaluation.conftest import link_leader, score, self_assess, stored
from tests.factories import UserFactory, grant
from waishi.core.roles import Role
from waishi.evaluation import selectors
from waishi.evaluation.models import FollowUpRound, RubricVersion


def visible(user) -> set[int]:
    return set(selectors.evaluations_for(user).values_list("pk", flat=True))


def test_a_unit_sees_its_subtree_and_the_city_wide_roles_see_everything(
    liaison, head, evaluator, inspector, admin_user, outsider, education_evaluator,
    commerce, commerce_office, education,
):  # fmt: skip
    (own,) = stored(commerce)
    (office,) = stored(commerce_office)
    (other,) = stored(education)
    office_liaison = grant(UserFactory(unit=commerce_office), Role.LIAISON, commerce_office)
    assert visible(liaison) == visible(head) == {own.pk, office.pk}
    assert visible(office_liaison) == {office.pk}
    assert visible(evaluator) == visible(inspector) == visible(admin_user)
    assert visible(inspector) == {own.pk, office.pk, other.pk}
    assert visible(outsider) == visible(education_evaluator) == {other.pk}
    assert selectors.evaluation_for(liaison, own.pk) == own
    with pytest.raises(Http404):
        selectors.evaluation_for(outsider, own.pk)
    reviewer = grant(UserFactory(unit=commerce), Role.REVIEWER, commerce)
    assert visible(reviewer) == set()  # reviewers read the unit's record beside applications
    liaison.is_active = False
    assert visible(liaison) == set()


def test_the_leader_s_own_account_sees_that_evaluation_only(evaluated_trip, admin_user, commerce):
    evaluation = evaluated_trip()
    stored(commerce)
    leader = link_leader(evaluation, admin_user)
    assert visible(leader) == {evaluation.pk}


def test_who_may_act_at_each_stage(
    evaluated_trip, admin_user, liaison, head, evaluator, second_evaluator
):
    leader = link_leader(evaluated_trip(), admin_user)
    evaluation = selectors.evaluation_for(leader, selectors.evaluations_for(leader).get().pk)
    assert [selectors.can_self_assess(u, evaluation) for u in (liaison, leader, head)] == [
        True,
        True,
        False,
    ]
    assert not selectors.can_score(evaluator, evaluation)
    assert selectors.can_change_deductions(evaluator, evaluation)
    evaluation = self_assess(evaluation, leader)
    assert selectors.can_score(evaluator, evaluation) and not selectors.can_score(
        liaison, evaluation
    )
    assert not selectors.can_self_assess(liaison, evaluation)
    evaluation = score(evaluation, evaluator, objectives_met=0, agreements=0, projects_amounts=0)
    assert not selectors.can_second(evaluator, evaluation)
    assert selectors.can_second(second_evaluator, evaluation)
    assert not selectors.can_change_deductions(evaluator, evaluation)
    assert selectors.can_change_deductions(second_evaluator, evaluation)
    six = FollowUpRound.objects.filter(evaluation=evaluation).first()
    assert six is None  # rounds come with completion


def test_follow_ups_due_are_the_scheduled_rounds_in_scope_soonest_first(
    completed, liaison, outsider
):
    evaluation = completed()
    due = list(selectors.follow_ups_due(liaison))
    assert [r.months for r in due] == [6, 12] and due[0].evaluation == evaluation
    assert selectors.can_follow_up(liaison, due[0])
    assert list(selectors.follow_ups_due(outsider)) == []


def test_the_report_evidence_and_the_scores_by_stage(completed, liaison):
    evaluation = completed(partners=Decimal(6))
    evidence = selectors.report_evidence(evaluation)
    assert [r.status for r in evidence["results"]] == ["met", "partly"]
    assert evidence["agreements"][0].partner == "汉堡港务局"
    assert evidence["projects"][0].amount == Decimal("1000000.00")
    assert evidence["spending"][0]["actual"] == Decimal("450.00")
    assert evidence["deviations"] == [] and evidence["summary"] == "访问取得圆满成功。"
    stages = selectors.scores_by_stage(selectors.evaluation_for(liaison, evaluation.pk))
    assert set(stages) == {"self", "first"}
    assert stages["first"]["partners"].points == 6 and stages["self"]["partners"].points == 8


def test_the_active_rubric_is_the_shipped_one_until_another_is_put_in_force(db):
    assert not RubricVersion.objects.exists()
    rubric = selectors.active_rubric()
    assert rubric.number == 1 and list(selectors.rubric_versions()) == [rubric]
