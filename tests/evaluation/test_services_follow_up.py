"""Follow-ups at 6 and 12 months: the unit says what became of each reported result, and the
follow-through group, total and grade follow the latest round."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.evaluation.conftest import score, self_assess
from waishi.core.models import AuditEvent
from waishi.evaluation import services
from waishi.evaluation.models import FollowUpRound, FollowUpStatus, ResultKind
from waishi.evaluation.services import ConflictError

pytestmark = pytest.mark.usefixtures("english")


def round_of(evaluation, months: int) -> FollowUpRound:
    return FollowUpRound.objects.get(evaluation=evaluation, months=months)


def statuses(round_, *, default="realised", **by_kind) -> dict:
    """Every result of the round with a status: `by_kind` maps a kind to its status."""
    return {
        row.pk: {"status": by_kind.get(row.kind, default), "amount_realised": None, "note": ""}
        for row in round_.results.all()
    }


def submit(round_, actor, results, note="按期回访"):
    round_.refresh_from_db()
    return services.follow_up_submit(
        actor=actor, round=round_, expected_version=round_.version, results=results, note=note
    )


def test_the_six_month_update_sets_the_follow_through_points(completed, liaison):
    evaluation = completed()
    six = round_of(evaluation, 6)
    results = statuses(
        six,
        objective="in_progress",
        project="in_progress",
        partner="not_realised",
    )
    project = six.results.get(kind=ResultKind.PROJECT)
    results[project.pk]["amount_realised"] = "250000"
    results[project.pk]["note"] = "一期已签约"
    six = submit(six, liaison, results)
    assert six.status == FollowUpStatus.SUBMITTED and six.submitted_by == liaison
    # 2 objectives in progress (0.5 each), agreement and plan realised, project in progress,
    # partner not realised: 3.5 of 6 → 20 × 3.5 / 6 = 11.7.
    assert (six.realised_count, six.result_count) == (2, 6)
    project.refresh_from_db()
    assert project.amount_realised == Decimal("250000.00") and project.note == "一期已签约"
    evaluation.refresh_from_db()
    assert evaluation.follow_through_points == Decimal("11.7")
    assert evaluation.group_points["follow_through"] == "11.7"
    assert (evaluation.total, evaluation.grade) == (Decimal("91.7"), "excellent")
    event = AuditEvent.objects.get(action="evaluation.follow_through")
    assert event.changes["before"]["total"] == "100.0"
    assert event.changes["after"]["total"] == "91.7" and event.changes["round"] == 6
    assert AuditEvent.objects.filter(action="follow_up.submit").count() == 1


def test_the_latest_round_counts_even_when_an_earlier_one_is_corrected(completed, liaison):
    evaluation = completed()
    six, twelve = round_of(evaluation, 6), round_of(evaluation, 12)
    submit(six, liaison, statuses(six))
    submit(twelve, liaison, statuses(twelve, default="not_realised"))
    evaluation.refresh_from_db()
    assert (evaluation.total, evaluation.grade) == (Decimal(80), "good")
    submit(six, liaison, statuses(six, default="in_progress"), note="更正")
    evaluation.refresh_from_db()
    assert evaluation.follow_through_points == 0 and evaluation.total == 80


def test_every_result_needs_a_valid_status_and_nothing_is_saved_otherwise(completed, liaison):
    evaluation = completed()
    six = round_of(evaluation, 6)
    rows = list(six.results.all())
    partial = {rows[0].pk: {"status": "realised"}}
    bad = statuses(six)
    bad[rows[1].pk] = {"status": "landed"}
    bad[rows[2].pk] = {"status": "realised", "amount_realised": "-5"}
    bad[999_999] = {"status": "realised"}
    for results in (partial, bad):
        with pytest.raises(ValidationError) as refused:
            submit(six, liaison, results)
        messages = refused.value.message_dict["results"]
        assert messages
    assert any(rows[1].label in m and "choose realised" in m for m in messages)
    assert any("amount realised must be a number" in m for m in messages)
    assert any("“999999” is not a result" in m for m in messages)
    six.refresh_from_db()
    assert six.status == FollowUpStatus.SCHEDULED and six.version == 1
    assert not six.results.exclude(status="").exists()
    evaluation.refresh_from_db()
    assert evaluation.follow_through_points is None and evaluation.total == 100


def test_only_the_unit_s_liaison_updates_and_a_stale_round_is_a_conflict(
    completed, liaison, evaluator, outsider
):
    evaluation = completed()
    six = round_of(evaluation, 6)
    for actor in (evaluator, outsider):
        with pytest.raises(PermissionDenied):
            submit(six, actor, statuses(six))
    stale = six.version
    submit(six, liaison, statuses(six))
    with pytest.raises(ConflictError):
        services.follow_up_submit(
            actor=liaison, round=six, expected_version=stale, results=statuses(six), note=""
        )


def test_a_vetoed_delegation_stays_failed_whatever_became_of_its_results(
    evaluated_trip, liaison, evaluator, second_evaluator
):
    evaluation = evaluated_trip()
    self_assess(evaluation, liaison)
    evaluation = score(evaluation, evaluator, veto_code="false_report", veto_reason="虚报成果")
    evaluation = services.evaluation_second(
        actor=second_evaluator,
        evaluation=evaluation,
        expected_version=evaluation.version,
        scores=None,
        comment="同意",
    )
    six = round_of(evaluation, 6)
    submit(six, liaison, statuses(six))
    evaluation.refresh_from_db()
    assert evaluation.grade == "fail" and evaluation.total == 100
