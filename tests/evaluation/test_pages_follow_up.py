"""The follow-up rounds at 6 and 12 months: the unit's liaison fills in one row per reported
result; the follow-through, total and grade are recomputed; others read the round."""

import pytest
from django.urls import reverse

from tests.conftest import client_for
from waishi.evaluation.models import FollowUpResult, FollowUpRound, FollowUpStatus, ResultKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def done(completed):
    """A completed evaluation (full marks), its rounds scheduled."""
    return completed()


def round_of(evaluation, months=6) -> FollowUpRound:
    return evaluation.follow_up_rounds.get(months=months)


def page(evaluation, follow_up):
    return reverse("evaluation:follow_up", args=[evaluation.pk, follow_up.pk])


def filled(follow_up, status="realised", **changes) -> dict:
    data = {"expected_version": follow_up.version, "note": "总体进展顺利"}
    for result in follow_up.results.all():
        data[f"status_{result.pk}"] = status
        data[f"amount_{result.pk}"] = "250000" if result.kind == ResultKind.PROJECT else ""
        data[f"note_{result.pk}"] = ""
    return {**data, **changes}


def test_the_rounds_are_listed_on_the_evaluation(liaison, done):
    html = client_for(liaison).get(reverse("evaluation:detail", args=[done.pk])).content.decode()
    assert 'id="round-6"' in html and 'id="round-12"' in html


def test_the_liaison_gets_one_row_per_reported_result(liaison, done):
    follow_up = round_of(done)
    response = client_for(liaison).get(page(done, follow_up))
    assert response.status_code == 200
    kinds = [row["result"].kind for row in response.context["form"].rows()]
    assert sorted(kinds) == sorted(
        ["objective", "objective", "agreement", "project", "partner", "plan"]
    )
    assert 'id="follow-up-form"' in response.content.decode()


def test_submitting_updates_the_follow_through_total_and_grade(liaison, done):
    follow_up = round_of(done)
    results = list(follow_up.results.order_by("pk"))
    data = filled(follow_up)
    data[f"status_{results[0].pk}"] = "not_realised"
    data[f"status_{results[1].pk}"] = "in_progress"
    response = client_for(liaison).post(page(done, follow_up), data, follow=True)
    assert response.status_code == 200
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.SUBMITTED and follow_up.submitted_by == liaison
    assert (follow_up.realised_count, follow_up.result_count) == (4, 6)
    done.refresh_from_db()
    assert done.follow_through_points == 15  # 20 × (4 + 0.5) / 6
    assert done.total == 95 and done.grade == "excellent"
    assert 'id="outcome-follow-through"' in response.content.decode()
    project = follow_up.results.get(kind=ResultKind.PROJECT)
    assert project.amount_realised == 250000


@pytest.mark.parametrize(
    "bad",
    [{"status": ""}, {"amount": "-5"}, {"amount": "abc"}, {"status": "landed"}],
)
def test_bad_rows_show_their_error_and_save_nothing(liaison, done, bad):
    follow_up = round_of(done)
    result = follow_up.results.get(kind=ResultKind.PROJECT)
    data = filled(follow_up)
    for key, value in bad.items():
        data[f"{key}_{result.pk}"] = value
    response = client_for(liaison).post(page(done, follow_up), data)
    assert response.status_code == 400
    assert response.context["form"].errors
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.SCHEDULED
    assert not FollowUpResult.objects.filter(round=follow_up).exclude(status="").exists()


def test_a_stale_follow_up_shows_a_conflict_and_keeps_the_rows(liaison, done):
    follow_up = round_of(done)
    data = filled(follow_up, note="我写的说明")
    FollowUpRound.objects.filter(pk=follow_up.pk).update(version=follow_up.version + 1)
    response = client_for(liaison).post(page(done, follow_up), data)
    assert response.status_code == 409 and 'id="conflict"' in response.content.decode()
    form = response.context["form"]
    assert form["note"].value() == "我写的说明"
    assert form["expected_version"].value() == str(follow_up.version + 1)
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.SCHEDULED


def test_the_inspector_reads_a_round_but_cannot_submit_it(inspector, done):
    follow_up = round_of(done)
    client = client_for(inspector)
    response = client.get(page(done, follow_up))
    assert response.status_code == 200 and response.context["form"] is None
    assert 'id="follow-up-results"' in response.content.decode()
    assert client.post(page(done, follow_up), filled(follow_up)).status_code == 403
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.SCHEDULED


def test_a_round_of_another_evaluation_is_not_found(liaison, done, completed):
    other = completed()
    response = client_for(liaison).get(page(done, round_of(other)))
    assert response.status_code == 404
