"""The forms of an evaluation's page, through the services: self-assessment, the evaluator's
scores, the second evaluator, deductions. Bad input shows its error and saves nothing; a stale
version shows a conflict and keeps what the user typed."""

import pytest
from django.urls import reverse

from tests.conftest import client_for
from tests.evaluation.conftest import rubric_of, self_assess
from waishi.evaluation.models import (
    Deduction,
    Evaluation,
    EvaluationStatus,
    IndicatorScore,
    ScoreStage,
)

pytestmark = pytest.mark.django_db
S = EvaluationStatus


def url(name, evaluation, *args):
    return reverse(f"evaluation:{name}", args=[evaluation.pk, *args])


def rows(evaluation, evidence=True, **points) -> dict:
    """Form fields for every scored indicator: full marks unless given, with evidence."""
    rubric = rubric_of(evaluation)
    data = {}
    for code in rubric.scored_codes:
        data[f"points_{code}"] = str(points.get(code, rubric.indicators[code].max))
        data[f"evidence_{code}"] = f"见出访报告 {code}" if evidence else ""
    return data


def self_form(evaluation, **changes) -> dict:
    return {
        "expected_version": evaluation.version,
        "text": "出访任务全部完成。",
        **rows(evaluation, evidence=False),
        **changes,
    }


def score_form(evaluation, **changes) -> dict:
    return {
        "expected_version": evaluation.version,
        "comment": "依据充分。",
        "veto_code": "",
        "veto_reason": "",
        **rows(evaluation),
        **changes,
    }


@pytest.fixture
def opened(evaluated_trip):
    return evaluated_trip()


@pytest.fixture
def to_score(opened, liaison):
    """Self-assessed: waiting for the evaluator."""
    return self_assess(opened, liaison)


# --- self-assessment ---------------------------------------------------------------------------


def test_the_liaison_saves_the_self_assessment_and_it_goes_to_the_evaluator(liaison, opened):
    response = client_for(liaison).post(
        url("self_assess", opened), self_form(opened, points_partners="6.5")
    )
    assert response.status_code == 302
    assert response["Location"] == url("detail", opened) + "#outcome"
    opened.refresh_from_db()
    assert opened.status == S.AWAITING_EVALUATOR and opened.self_assessed_by == liaison
    assert opened.self_assessment == "出访任务全部完成。"
    own = {s.indicator: s.points for s in opened.scores.filter(stage=ScoreStage.SELF)}
    assert own["partners"] == 6.5 and own["objectives_met"] == 20


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"points_objectives_met": "21"}, "points_objectives_met"),  # over the maximum
        ({"points_partners": "-1"}, "points_partners"),
        ({"points_partners": "3.3"}, "points_partners"),  # not a step of 0.5
        ({"points_agreements": ""}, "points_agreements"),
        ({"text": ""}, "text"),
    ],
)
def test_a_bad_self_assessment_shows_the_error_and_saves_nothing(liaison, opened, changes, field):
    response = client_for(liaison).post(url("self_assess", opened), self_form(opened, **changes))
    assert response.status_code == 400
    assert field in response.context["forms"]["self"].errors
    assert 'class="errorlist' in response.content.decode()
    opened.refresh_from_db()
    assert opened.status == S.AWAITING_SELF and not opened.scores.exists()


def test_someone_other_than_the_unit_cannot_post_a_self_assessment(evaluator, opened):
    response = client_for(evaluator).post(url("self_assess", opened), self_form(opened))
    assert response.status_code == 403
    opened.refresh_from_db()
    assert opened.status == S.AWAITING_SELF and not opened.scores.exists()


def test_an_outsider_gets_404_when_posting(outsider, opened):
    response = client_for(outsider).post(url("self_assess", opened), self_form(opened))
    assert response.status_code == 404


# --- the evaluator -----------------------------------------------------------------------------


def test_the_evaluator_scores_and_sees_the_total_and_grade(evaluator, to_score):
    client = client_for(evaluator)
    response = client.post(
        url("score", to_score), score_form(to_score, points_partners="5"), follow=True
    )
    assert response.status_code == 200
    to_score.refresh_from_db()
    assert to_score.status == S.COMPLETED and to_score.evaluator == evaluator
    assert to_score.total == 97 and to_score.grade == "excellent"
    assert to_score.group_points["results"] == "27.0"
    html = response.content.decode()
    assert 'id="outcome-total"' in html and 'id="outcome-grade"' in html
    assert response.context["band"]["from"] == 90
    first = IndicatorScore.objects.get(
        evaluation=to_score, stage=ScoreStage.FIRST, indicator="partners"
    )
    assert first.points == 5 and first.evidence == "见出访报告 partners"
    assert 'id="score-form"' not in html  # done: no scoring form any more


def test_the_evaluator_must_cite_evidence_for_every_indicator(evaluator, to_score):
    data = score_form(to_score, evidence_agreements="  ")
    response = client_for(evaluator).post(url("score", to_score), data)
    assert response.status_code == 400
    form = response.context["forms"]["score"]
    assert "evidence_agreements" in form.errors
    assert form["evidence_partners"].value() == "见出访报告 partners"  # nothing typed is lost
    to_score.refresh_from_db()
    assert to_score.status == S.AWAITING_EVALUATOR and to_score.total is None


def test_a_veto_needs_its_reason_and_then_fails_the_delegation(evaluator, to_score):
    client = client_for(evaluator)
    refused = client.post(url("score", to_score), score_form(to_score, veto_code="false_report"))
    assert refused.status_code == 400 and "veto_reason" in refused.context["forms"]["score"].errors
    to_score.refresh_from_db()
    assert not to_score.vetoed

    data = score_form(to_score, veto_code="false_report", veto_reason="报告所列协议未签署")
    assert client.post(url("score", to_score), data).status_code == 302
    to_score.refresh_from_db()
    assert to_score.vetoed and to_score.grade == "fail" and to_score.total == 100
    assert to_score.status == S.AWAITING_SECOND  # a veto is looked at twice
    html = client.get(url("detail", to_score)).content.decode()
    assert 'id="outcome-veto"' in html and "报告所列协议未签署" in html


def test_the_inspector_reads_but_cannot_score(inspector, to_score):
    response = client_for(inspector).post(url("score", to_score), score_form(to_score))
    assert response.status_code == 403
    to_score.refresh_from_db()
    assert to_score.status == S.AWAITING_EVALUATOR
    assert not to_score.scores.filter(stage=ScoreStage.FIRST).exists()


def test_a_second_evaluator_who_saved_first_wins_and_the_other_keeps_their_input(
    evaluator, second_evaluator, to_score
):
    seen = to_score.version
    first = client_for(second_evaluator).post(url("score", to_score), score_form(to_score))
    assert first.status_code == 302

    typed = score_form(to_score, evidence_partners="我的独立判断", points_partners="4")
    typed["expected_version"] = seen
    response = client_for(evaluator).post(url("score", to_score), typed)
    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="conflict"' in html and 'role="alert"' in html
    form = response.context["forms"]["score"]
    assert (
        form["evidence_partners"].value() == "我的独立判断"
        and form["points_partners"].value() == "4"
    )
    assert 'id="score-locked"' in html  # the evaluation has moved on: no button to send
    to_score.refresh_from_db()
    assert to_score.evaluator == second_evaluator
    assert (
        IndicatorScore.objects.get(
            evaluation=to_score, stage=ScoreStage.FIRST, indicator="partners"
        ).points
        == 8
    )


def test_after_a_conflict_the_kept_form_can_be_sent_again(evaluator, to_score):
    typed = score_form(to_score, points_partners="4")
    Evaluation.objects.filter(pk=to_score.pk).update(
        version=to_score.version + 1
    )  # saved elsewhere
    client = client_for(evaluator)
    response = client.post(url("score", to_score), typed)
    assert response.status_code == 409
    form = response.context["forms"]["score"]
    assert form["expected_version"].value() == str(to_score.version + 1)
    again = {name: form[name].value() for name in form.fields}
    assert client.post(url("score", to_score), again).status_code == 302
    to_score.refresh_from_db()
    assert to_score.total == 96 and to_score.status == S.COMPLETED


# --- the second evaluator ----------------------------------------------------------------------


@pytest.fixture
def low(to_score, evaluator):
    """Scored below the threshold (59.5): waiting for a second evaluator."""
    data = score_form(
        to_score,
        points_objectives_met="5",
        points_agreements="2",
        points_projects_amounts="3.5",
        points_follow_up_plan="11",
    )
    client_for(evaluator).post(url("score", to_score), data)
    to_score.refresh_from_db()
    assert to_score.status == S.AWAITING_SECOND and to_score.total == 59.5
    return to_score


def second_form(evaluation, **changes) -> dict:
    form = {"expected_version": evaluation.version, "decision": "confirm", "comment": "同意。"}
    for score in evaluation.scores.filter(stage=ScoreStage.FIRST):
        form[f"points_{score.indicator}"] = str(score.points)
        form[f"evidence_{score.indicator}"] = score.evidence
    return {**form, **changes}


def test_the_first_evaluator_gets_no_second_form_and_is_refused(evaluator, low):
    html = client_for(evaluator).get(url("detail", low)).content.decode()
    assert 'id="second-form"' not in html
    response = client_for(evaluator).post(url("second", low), second_form(low))
    assert response.status_code == 403
    low.refresh_from_db()
    assert low.status == S.AWAITING_SECOND


def test_a_different_evaluator_confirms(second_evaluator, low):
    client = client_for(second_evaluator)
    page = client.get(url("detail", low))
    assert page.context["forms"]["second"]["points_objectives_met"].value() == 5
    assert client.post(url("second", low), second_form(low)).status_code == 302
    low.refresh_from_db()
    assert low.status == S.COMPLETED and low.second_evaluator == second_evaluator
    assert low.grade == "fail" and not low.scores.filter(stage=ScoreStage.SECOND).exists()
    assert low.follow_up_rounds.count() == 2


def test_a_different_evaluator_adjusts_one_row_with_evidence(second_evaluator, low):
    client = client_for(second_evaluator)
    data = second_form(
        low, decision="adjust", points_agreements="10", evidence_agreements="协议已签署，见附件"
    )
    assert client.post(url("second", low), data).status_code == 302
    low.refresh_from_db()
    adjusted = low.scores.filter(stage=ScoreStage.SECOND)
    assert [(s.indicator, s.points) for s in adjusted] == [("agreements", 10)]
    assert low.total == 67.5 and low.grade == "pass"


def test_adjusting_without_changing_anything_is_refused(second_evaluator, low):
    data = second_form(low, decision="adjust")
    response = client_for(second_evaluator).post(url("second", low), data)
    assert response.status_code == 400 and response.context["forms"]["second"].non_field_errors()
    low.refresh_from_db()
    assert low.status == S.AWAITING_SECOND


# --- deductions --------------------------------------------------------------------------------


def test_the_evaluator_adds_a_deduction_and_it_shows_with_its_reason(evaluator, to_score):
    data = {"source": "discipline", "points": "4", "reason": "未按规定报告行程变化"}
    response = client_for(evaluator).post(url("deduction_add", to_score), data, follow=True)
    added = Deduction.objects.get(evaluation=to_score, source="discipline")
    assert added.points == 4 and not added.prefilled and added.created_by == evaluator
    assert f'id="deduction-{added.pk}"' in response.content.decode()


@pytest.mark.parametrize(
    "changes",
    [{"reason": ""}, {"points": "0"}, {"points": "25"}, {"source": "made_up"}, {"points": "x"}],
)
def test_a_bad_deduction_is_refused_and_nothing_saved(evaluator, to_score, changes):
    before = Deduction.objects.count()
    data = {"source": "other", "points": "2", "reason": "理由", **changes}
    response = client_for(evaluator).post(url("deduction_add", to_score), data)
    assert response.status_code == 400
    assert response.context["forms"]["deduction_add"].errors
    assert Deduction.objects.count() == before


def test_an_htmx_refusal_answers_200_so_the_errors_show_in_place(evaluator, to_score):
    response = client_for(evaluator).post(
        url("deduction_add", to_score),
        {"source": "other", "points": "2", "reason": ""},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and response.context["forms"]["deduction_add"].errors


def test_the_inspector_cannot_add_a_deduction(inspector, to_score):
    data = {"source": "other", "points": "2", "reason": "理由"}
    response = client_for(inspector).post(url("deduction_add", to_score), data)
    assert response.status_code == 403
    assert not Deduction.objects.filter(evaluation=to_score, source="other").exists()


def test_a_deduction_is_waived_with_a_reason_and_stays_on_record(
    evaluator, evaluated_trip, liaison
):
    late = self_assess(evaluated_trip(days_ago=60), liaison)
    deduction = late.deductions.get(source="report_late")
    client = client_for(evaluator)
    waive = url("deduction_waive", late, deduction.pk)
    refused = client.post(waive, {"reason": ""})
    assert refused.status_code == 400
    deduction.refresh_from_db()
    assert not deduction.waived
    assert client.post(waive, {"reason": "因公务延误，已书面说明"}).status_code == 302
    deduction.refresh_from_db()
    assert deduction.waived and deduction.waived_reason == "因公务延误，已书面说明"
    html = client.get(url("detail", late)).content.decode()
    assert f'id="deduction-{deduction.pk}" class="is-waived"' in html
