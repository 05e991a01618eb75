"""The evaluation's outbox jobs, run as the worker runs them: opening after the report is
filed, notifications, follow-up reminders, and the daily sweep that chases overdue rounds."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from tests.evaluation.conftest import (
    file_report,
    link_leader,
    returned_trip,
    run_jobs,
    score,
    self_assess,
)
from waishi.core.models import OutboxJob
from waishi.evaluation import services
from waishi.evaluation.jobs import sweep
from waishi.evaluation.models import Evaluation, FollowUpRound

REMIND = "evaluation.follow_up_remind"


def test_filing_the_report_enqueues_one_opening_that_is_safe_to_repeat(kit, liaison, caplog):
    delegation = file_report(returned_trip(kit), liaison)
    job = OutboxJob.objects.get(kind="evaluation.open", payload__delegation_id=delegation.pk)
    (line,) = run_jobs("evaluation.open", caplog)
    evaluation = Evaluation.objects.get(delegation=delegation)
    assert line == f"delegation {delegation.pk}: evaluation {evaluation.pk} open"
    OutboxJob.objects.filter(pk=job.pk).update(status="pending")
    run_jobs("evaluation.open")
    assert Evaluation.objects.count() == 1


def test_the_opening_notifies_the_liaison_and_the_leader(evaluated_trip, admin_user, caplog):
    evaluation = evaluated_trip()
    link_leader(evaluation, admin_user, username="leader")
    (line,) = run_jobs("evaluation.notify", caplog, event="open")
    assert line == (
        f"evaluation {evaluation.pk} (delegation {evaluation.delegation_id}) open: "
        "notify leader, liaison"
    )


def test_a_second_look_is_asked_of_the_other_evaluators_only(
    evaluated_trip, liaison, evaluator, second_evaluator, caplog
):
    evaluation = evaluated_trip()
    self_assess(evaluation, liaison)
    score(evaluation, evaluator, objectives_met=0, agreements=0, projects_amounts=0)
    (line,) = run_jobs("evaluation.notify", caplog, event="awaiting_second")
    assert line.endswith("awaiting_second: notify evaluator2")


def test_reminders_come_two_weeks_before_and_the_day_after_each_round(completed):
    evaluation = completed()
    for round_ in FollowUpRound.objects.filter(evaluation=evaluation):
        jobs = {
            j.payload["when"]: timezone.localdate(j.run_after)
            for j in OutboxJob.objects.filter(kind=REMIND, payload__round_id=round_.pk)
        }
        assert jobs == {
            "before": round_.due_on - dt.timedelta(days=14),
            "after": round_.due_on + dt.timedelta(days=1),
        }


def test_a_reminder_is_logged_only_while_the_round_is_outstanding(completed, liaison, caplog):
    evaluation = completed()
    six = FollowUpRound.objects.get(evaluation=evaluation, months=6)
    (line,) = run_jobs(REMIND, caplog, round_id=six.pk, when="after")
    assert line == (
        f"evaluation {evaluation.pk}: 6-month follow-up of delegation "
        f"{evaluation.delegation_id} due {six.due_on} (after the deadline): remind liaison"
    )
    services.follow_up_submit(
        actor=liaison,
        round=six,
        expected_version=six.version,
        results={r.pk: {"status": "realised"} for r in six.results.all()},
        note="",
    )
    OutboxJob.objects.filter(kind=REMIND, payload__round_id=six.pk).update(status="pending")
    assert run_jobs(REMIND, caplog, round_id=six.pk) == []


def test_the_daily_sweep_chases_each_unit_s_overdue_rounds_once_a_day(completed, head, caplog):
    evaluation = completed(days_ago=200)  # the 6-month round is a few weeks overdue
    six = FollowUpRound.objects.get(evaluation=evaluation, months=6)
    with transaction.atomic():
        sweep({})
        sweep({})  # a repeated run adds nothing
    assert OutboxJob.objects.filter(kind="evaluation.follow_up_chase").count() == 1
    (line,) = run_jobs("evaluation.follow_up_chase", caplog)
    late = (timezone.localdate() - six.due_on).days
    assert line == (
        f"unit {evaluation.organising_unit_id} {evaluation.organising_unit.name}: 1 follow-ups "
        f"overdue: {evaluation.delegation.title} 6-month due {six.due_on} ({late} days "
        "overdue): chase head, liaison"
    )
    assert caplog.records[0].levelname == "WARNING"


def test_the_sweep_restores_the_reminders_of_a_round_due_soon(completed):
    evaluation = completed(days_ago=175)  # the 6-month round falls due within two weeks
    six = FollowUpRound.objects.get(evaluation=evaluation, months=6)
    assert timezone.localdate() < six.due_on <= timezone.localdate() + dt.timedelta(days=15)
    OutboxJob.objects.filter(kind=REMIND, payload__round_id=six.pk).delete()
    with transaction.atomic():
        sweep({})
    assert OutboxJob.objects.filter(kind=REMIND, payload__round_id=six.pk).count() == 2
    assert not OutboxJob.objects.filter(kind="evaluation.follow_up_chase").exists()


def test_the_completion_notifies_the_unit_s_liaison_and_head(completed, head, caplog):
    completed()
    (line,) = run_jobs("evaluation.notify", caplog, event="completed")
    assert line.endswith("completed: notify head, liaison")
