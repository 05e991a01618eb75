"""One evaluation's page: who may open it (404 outside the unit), the trip report's evidence
beside the forms, the points, deductions with their sources, and only the buttons of what the
user may do now."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from tests.conftest import client_for
from tests.evaluation.conftest import link_leader, self_assess

pytestmark = pytest.mark.django_db


def detail(evaluation):
    return reverse("evaluation:detail", args=[evaluation.pk])


@pytest.fixture
def opened(evaluated_trip):
    """An evaluation just opened, waiting for the self-assessment (its report filed late)."""
    return evaluated_trip(days_ago=60)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("liaison", 200),
        ("head", 200),
        ("evaluator", 200),
        ("inspector", 200),
        ("admin_user", 200),
        ("outsider", 404),
        ("education_evaluator", 404),
        ("reviewer", 404),
    ],
)
def test_who_may_open_an_evaluation(request, opened, persona, status):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(detail(opened)).status_code == status
    report = client_for(user).get(reverse("evaluation:report", args=[opened.pk]))
    assert report.status_code == status


def test_the_page_shows_the_trip_reports_evidence_beside_the_forms(liaison, opened):
    response = client_for(liaison).get(detail(opened))
    html = response.content.decode()
    assert 'id="evidence-panel"' in html and 'class="detail-layout"' in html
    evidence = response.context["evidence"]
    assert [r.result for r in evidence["results"]] == ["签署了港口合作备忘录", "考察了两个园区"]
    assert "港口合作备忘录" in html and "汉堡港务局" in html
    assert "物流园区合作" in html and "1,000,000.00 EUR" in html
    assert "Jens Meier" in html and "邀请对方来访" in html
    assert 'id="evidence-spending"' in html


def test_pre_filled_deductions_show_their_source(liaison, opened):
    html = client_for(liaison).get(detail(opened)).content.decode()
    late = opened.deductions.get(source="report_late")
    assert late.prefilled and late.source_detail
    assert f'id="deduction-{late.pk}"' in html
    assert late.source_detail in html
    assert f'href="{late.source_url}"' in html


def test_the_liaison_sees_the_self_assessment_form_and_no_scoring(liaison, opened):
    response = client_for(liaison).get(detail(opened))
    html = response.content.decode()
    assert 'id="self-form"' in html
    assert 'id="score-form"' not in html and 'id="second-form"' not in html
    assert 'id="add-deduction"' not in html and "Waive" not in response.context["forms"]
    form = response.context["forms"]["self"]
    assert form["expected_version"].value() == opened.version
    points = form["points_objectives_met"]
    assert points.field.widget.attrs["max"] == 20 and points.field.widget.attrs["step"] == 0.5


def test_the_leaders_own_account_may_write_the_self_assessment(admin_user, opened):
    leader = link_leader(opened, admin_user)
    html = client_for(leader).get(detail(opened)).content.decode()
    assert 'id="self-form"' in html


def test_the_inspector_reads_everything_and_may_do_nothing(inspector, opened, liaison):
    self_assess(opened, liaison)
    response = client_for(inspector).get(detail(opened))
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["forms"] == {}
    for form_id in ("self-form", "score-form", "second-form", "add-deduction"):
        assert f'id="{form_id}"' not in html
    assert '<summary class="btn btn-small">' not in html  # no waive buttons


def test_the_evaluator_scores_once_the_self_assessment_is_in(evaluator, liaison, opened):
    before = client_for(evaluator).get(detail(opened)).content.decode()
    assert 'id="score-form"' not in before and 'id="self-form"' not in before
    self_assess(opened, liaison)
    response = client_for(evaluator).get(detail(opened))
    html = response.content.decode()
    assert 'id="score-form"' in html and 'id="add-deduction"' in html
    rows = response.context["forms"]["score"].rows()
    assert [row["code"] for row in rows] == [
        "objectives_met",
        "schedule_executed",
        "agreements",
        "projects_amounts",
        "partners",
        "follow_up_plan",
    ]
    assert all(row["guidance"] for row in rows)
    assert 'id="outcome-pending"' in html
    # the self-assessment's points are shown for comparison
    assert response.context["score_rows"][0]["self"].points == 20


def test_the_page_renders_in_english_too(liaison, opened):
    client = client_for(liaison)
    client.cookies["django_language"] = "en"
    html = client.get(detail(opened)).content.decode()
    assert "Evidence from the trip report" in html and "Stated objectives met" in html


def test_the_delegation_page_link_is_offered_only_to_readers_of_the_evaluation(
    rf, liaison, outsider, opened, make_delegation
):
    template = Template("{% load evaluation_ui %}{% evaluation_url d as u %}[{{ u }}]")

    def link(user, delegation):
        request = rf.get("/")
        request.user = user
        return template.render(Context({"request": request, "d": delegation}))

    assert link(liaison, opened.delegation) == f"[{detail(opened)}]"
    assert link(outsider, opened.delegation) == "[]"
    assert link(liaison, make_delegation()) == "[]"  # not evaluated (yet)


def test_the_navigation_leads_to_the_evaluations(liaison):
    response = client_for(liaison).get(reverse("evaluation:list"))
    item = next(i for i in response.context["nav_items"] if i["key"] == "evaluation")
    assert item["url"] == reverse("evaluation:list") and item["active"] and not item["coming"]
