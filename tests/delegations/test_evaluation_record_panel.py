"""Performance evaluation fed back into approvals, through the real pages and services: a unit
whose recent delegation failed its evaluation (or whose follow-up is overdue) gets a warning on
its next application, which needs a written justification like any warning; the people who
decide see the unit's evaluation record beside the application."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import client_for
from tests.evaluation.record_support import evaluated, follow_up, months_ago
from waishi.delegations.models import DelegationEvent, Status
from waishi.delegations.workflow import JustificationRequired

RULE = "unit_evaluation_record"


def english(user):
    client = client_for(user)
    client.cookies["django_language"] = "en"
    return client


def detail(user, delegation):
    response = english(user).get(reverse("delegations:detail", args=[delegation.pk]))
    assert response.status_code == 200
    return response


def panel_html(response) -> str:
    html = response.content.decode()
    start = html.index('id="evaluation-record"')
    return html[start : html.index("</aside>", start)]


@pytest.fixture
def failed_trip(commerce):
    """市商务局's delegation back three months ago, graded fail."""
    return evaluated(commerce, returned=months_ago(3), title="大阪经贸考察", total="52.5")


@pytest.fixture
def in_review(make_delegation, act, failed_trip):
    """An application of 市商务局 submitted with the warning justified, signed by its head."""
    delegation = make_delegation()
    act(delegation, "submit", justifications={RULE: "上次团组问题已整改，详见整改报告。"})
    act(delegation, "head_sign")
    delegation.refresh_from_db()
    return delegation


def test_the_application_shows_the_warning_naming_the_failed_delegation(
    make_delegation, liaison, failed_trip
):
    delegation = make_delegation()
    html = detail(liaison, delegation).content.decode()
    assert "市商务局近24个月内有1个团组绩效评估不合格" in html
    assert "“大阪经贸考察”" in html and "评估52.5分" in html


def test_submitting_needs_a_justification_of_the_warning(make_delegation, act, failed_trip):
    delegation = make_delegation()
    with pytest.raises(JustificationRequired) as refused:
        act(delegation, "submit")
    assert [finding.rule for finding in refused.value.findings] == [RULE]
    delegation.refresh_from_db()
    assert delegation.status == Status.DRAFT
    act(delegation, "submit", justifications={RULE: "上次团组问题已整改。"})
    delegation.refresh_from_db()
    assert delegation.status == Status.SUBMITTED
    kept = delegation.justifications.get(rule=RULE)
    assert kept.justification == "上次团组问题已整改。" and "大阪经贸考察" in kept.finding


def test_the_liaison_justifies_the_warning_on_the_delegation_page(
    make_delegation, liaison, failed_trip
):
    delegation = make_delegation()
    client = english(liaison)
    url = reverse("delegations:transition", args=[delegation.pk, "submit"])
    assert f'name="justification_{RULE}"' in client.get(url).content.decode()
    refused = client.post(url, {"expected_version": delegation.version})
    assert refused.status_code == 200
    delegation.refresh_from_db()
    assert delegation.status == Status.DRAFT
    accepted = client.post(
        url, {"expected_version": delegation.version, f"justification_{RULE}": "已整改"}
    )
    assert accepted.status_code == 302
    delegation.refresh_from_db()
    assert delegation.status == Status.SUBMITTED


def test_an_overdue_follow_up_warns_too(make_delegation, act, commerce):
    good = evaluated(commerce, returned=months_ago(8), title="汉堡港口考察", grade="good")
    follow_up(good, due_on=timezone.localdate() - dt.timedelta(days=20))
    delegation = make_delegation()
    with pytest.raises(JustificationRequired) as refused:
        act(delegation, "submit")
    [finding] = refused.value.findings
    assert "跟踪回访逾期未报" in finding.message and "“汉堡港口考察”" in finding.message


def test_a_failure_before_the_window_or_of_another_unit_does_not_warn(
    make_delegation, act, commerce, education
):
    evaluated(commerce, returned=months_ago(25), title="很久以前")
    evaluated(education, returned=months_ago(2), title="教育局团组")
    delegation = make_delegation()
    act(delegation, "submit")  # no justification asked
    delegation.refresh_from_db()
    event = DelegationEvent.objects.get(delegation=delegation)
    assert RULE not in {f["rule"] for f in event.findings["findings"]}
    assert RULE not in {entry["rule"] for entry in event.findings["not_checked"]}


def test_the_reviewer_sees_the_units_evaluation_record_beside_the_application(
    in_review, act, reviewer, failed_trip, commerce
):
    evaluated(commerce, returned=months_ago(5), grade="good", total="81", title="首尔交流")
    late = evaluated(commerce, returned=months_ago(10), grade="pass", total="66", title="新加坡")
    follow_up(late, due_on=timezone.localdate() - dt.timedelta(days=12), months=6)
    response = detail(reviewer, in_review)
    panel = response.context["evaluation"]
    assert panel["record"].evaluated == 3
    assert [(grade, n) for grade, _label, n in panel["grades"]] == [
        ("excellent", 0),
        ("good", 1),
        ("pass", 1),
        ("fail", 1),
    ]
    html = panel_html(response)
    failed_url = reverse("delegations:detail", args=[failed_trip.delegation_id])
    assert f'<a href="{failed_url}">大阪经贸考察</a>' in html
    assert "52.5 points" in html
    assert html.count('class="evaluation-failed"') == 1
    assert html.count('class="evaluation-overdue"') == 1
    assert "新加坡" in html and "6-month follow-up" in html and "12 days overdue" in html
    # The warning and its justification stand in the policy findings of the page.
    assert "上次团组问题已整改" in response.content.decode()


def test_the_approver_and_the_inspector_see_it_the_liaison_and_the_outsider_do_not(
    in_review, act, approver, inspector, liaison, outsider, admin_user
):
    act(in_review, "review_pass")
    in_review.refresh_from_db()
    for user in (approver, inspector, admin_user):
        assert detail(user, in_review).context["evaluation"] is not None, user
    assert detail(liaison, in_review).context["evaluation"] is None
    assert 'id="evaluation-record"' not in detail(liaison, in_review).content.decode()
    hidden = client_for(outsider).get(reverse("delegations:detail", args=[in_review.pk]))
    assert hidden.status_code == 404


def test_the_panel_waits_for_a_decision_to_be_asked(make_delegation, reviewer, failed_trip):
    draft = make_delegation()
    assert detail(reviewer, draft).context["evaluation"] is None


def test_the_evaluation_itself_is_linked_for_those_who_may_read_it(
    in_review, inspector, reviewer, failed_trip
):
    try:
        evaluation_url = reverse("evaluation:detail", args=[failed_trip.pk])
    except Exception:  # the evaluation pages are not installed: only the delegation is linked
        pytest.skip("no evaluation page")
    assert f'href="{evaluation_url}"' in panel_html(detail(inspector, in_review))
    # Reviewers read the delegation, not the evaluation pages (the unit and evaluators do).
    assert f'href="{evaluation_url}"' not in panel_html(detail(reviewer, in_review))


def test_an_empty_record_says_so(make_delegation, act, reviewer):
    delegation = make_delegation()
    act(delegation, "submit")
    act(delegation, "head_sign")
    html = panel_html(detail(reviewer, delegation))
    assert "No delegation failed its evaluation" in html and "No follow-up is overdue" in html


def test_the_page_costs_the_same_queries_whatever_the_size_of_the_record(
    in_review, reviewer, commerce, failed_trip
):
    client = english(reviewer)
    url = reverse("delegations:detail", args=[in_review.pk])
    client.get(url)  # the session and caches warmed
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for n in range(12):
        extra = evaluated(commerce, returned=months_ago(1 + n), title=f"团组{n}")
        follow_up(extra, due_on=timezone.localdate() - dt.timedelta(days=n + 1))
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert len(response.context["evaluation"]["failed"]) == 13
    assert len(response.context["evaluation"]["overdue"]) == 12
    assert len(large) == len(small)
