"""Personas and trips of the evaluation tests, built through the real delegation services: an
approved trip moved into the past (the trip tests' time machine), its return registered, its
report saved and filed, and the evaluation opened by the outbox job the filing leaves behind."""

import datetime as dt
import itertools
import logging
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from tests.delegations import conftest as delegation_fixtures
from tests.delegations.trip_support import TripKit
from tests.factories import UserFactory, grant
from waishi.core.models import OutboxJob
from waishi.core.outbox import run_job
from waishi.core.roles import Role
from waishi.delegations.models import Delegation, Status
from waishi.delegations.services_report import report_file, report_save
from waishi.evaluation import services
from waishi.evaluation.models import Evaluation, EvaluationStatus
from waishi.evaluation.scoring import parse_rubric
from waishi.people.services import person_link_account

# The delegation tests' personas and trip factory, shared (tests/delegations/conftest.py).
act = delegation_fixtures.act
approver = delegation_fixtures.approver
evaluator = delegation_fixtures.evaluator
head = delegation_fixtures.head
make_delegation = delegation_fixtures.make_delegation
personas = delegation_fixtures.personas
reviewer = delegation_fixtures.reviewer


@pytest.fixture
def english():
    """Messages are asserted in English, whatever the catalogue translates (modules that assert
    on messages use it: `pytestmark = pytest.mark.usefixtures("english")`)."""
    with translation.override("en"):
        yield


@pytest.fixture
def second_evaluator(city):
    return grant(UserFactory(username="evaluator2", unit=city), Role.EVALUATOR, city)


@pytest.fixture
def education_evaluator(education):
    """An evaluator of 市教育局 only: 市商务局's evaluations are not theirs."""
    return grant(UserFactory(username="edu-evaluator", unit=education), Role.EVALUATOR, education)


@pytest.fixture
def kit(make_delegation, act, liaison, city):
    return TripKit(make_delegation, act, liaison, city)


def full_report(delegation, **changes) -> dict:
    """A complete report: both objectives answered, an agreement, a priced project, a partner,
    a follow-up plan and lodging spent within the budget (2 × 250 EUR)."""
    objectives = list(delegation.objectives.all())
    report = {
        "summary": "访问取得圆满成功。",
        "compliance_declared": True,
        "results": [
            {"objective": objectives[0].pk, "status": "met", "result": "签署了港口合作备忘录"},
            {"objective": objectives[1].pk, "status": "partly", "result": "考察了两个园区"},
        ],
        "agreements": [
            {"title": "港口合作备忘录", "partner": "汉堡港务局", "signed_on": "2025-03-03"}
        ],
        "projects": [
            {"kind": "project", "name": "物流园区合作", "amount": "1000000", "currency": "EUR"}
        ],
        "partners": [{"name": "Jens Meier", "organisation": "HPA", "country": "DE"}],
        "follow_ups": [{"plan": "邀请对方来访", "responsible": "外事处"}],
        "spending": [{"kind": "lodging", "amount": "450", "currency": "EUR"}],
    }
    return {**report, **changes}


def file_report(delegation, liaison, **changes):
    """Save and file the trip report through the services (the filing enqueues the opening)."""
    delegation.refresh_from_db()
    report = report_save(
        actor=liaison,
        delegation=delegation,
        expected_version=None,
        **full_report(delegation, **changes),
    )
    report_file(actor=liaison, delegation=delegation, expected_version=report.version)
    delegation.refresh_from_db()
    return delegation


def run_jobs(kind, caplog=None, **payload):
    """Run the pending jobs of `kind` (matching `payload`) as the worker does; their log lines."""
    lines = []
    jobs = OutboxJob.objects.filter(kind=kind, status="pending")
    jobs = jobs.filter(**{f"payload__{k}": v for k, v in payload.items()}).order_by("pk")
    for job in jobs:
        OutboxJob.objects.filter(pk=job.pk).update(status="running", locked_by="test", attempts=1)
        job.refresh_from_db()
        if caplog is not None:
            caplog.clear()
            with caplog.at_level(logging.INFO, logger="waishi.evaluation"):
                assert run_job(job) == "done"
            lines += [record.getMessage() for record in caplog.records]
        else:
            assert run_job(job) == "done"
    return lines


def returned_trip(kit, *, days_ago=2, **overrides):
    """An approved trip moved `days_ago` days behind its return, registered as planned."""
    return kit.returned(days_ago=days_ago, **overrides)


def open_evaluation(delegation) -> Evaluation:
    """Run the opening job the filed report left behind; the evaluation it opened."""
    run_jobs("evaluation.open", delegation_id=delegation.pk)
    return Evaluation.objects.get(delegation=delegation)


@pytest.fixture
def evaluated_trip(kit, liaison):
    """trip(days_ago=…, **report changes) → the evaluation of a freshly filed trip."""

    def make(days_ago=2, **changes):
        delegation = returned_trip(kit, days_ago=days_ago)
        file_report(delegation, liaison, **changes)
        return open_evaluation(delegation)

    return make


def rubric_of(evaluation):
    return parse_rubric(evaluation.rubric.body)


def scores(evaluation, **points) -> dict:
    """Full marks with evidence for every scored indicator, except the points given."""
    rubric = rubric_of(evaluation)
    return {
        code: (Decimal(str(points.get(code, rubric.indicators[code].max))), f"见出访报告：{code}")
        for code in rubric.scored_codes
    }


def self_assess(evaluation, actor, **points):
    evaluation.refresh_from_db()
    return services.evaluation_self_assess(
        actor=actor,
        evaluation=evaluation,
        expected_version=evaluation.version,
        text="按计划完成了出访任务。",
        scores=scores(evaluation, **points),
    )


def score(evaluation, actor, *, veto_code="", veto_reason="", **points):
    evaluation.refresh_from_db()
    return services.evaluation_score(
        actor=actor,
        evaluation=evaluation,
        expected_version=evaluation.version,
        scores=scores(evaluation, **points),
        comment="成果扎实。",
        veto_code=veto_code,
        veto_reason=veto_reason,
    )


@pytest.fixture
def completed(evaluated_trip, liaison, evaluator):
    """completed(**points) → an evaluation self-assessed and scored (full marks by default)."""

    def make(days_ago=2, **points):
        evaluation = evaluated_trip(days_ago=days_ago)
        self_assess(evaluation, liaison)
        return score(evaluation, evaluator, **points)

    return make


def link_leader(evaluation, admin_user, username="leader"):
    """Give the delegation leader a sign-in account (through the people service)."""
    user = UserFactory(username=username, unit=evaluation.organising_unit)
    grant(user, Role.TRAVELLER, evaluation.organising_unit)
    person_link_account(actor=admin_user, person=evaluation.delegation.leader, user=user)
    return user


def days_before_today(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


serial = itertools.count(1)


def stored(unit, count=1, **fields) -> list[Evaluation]:
    """Evaluations written in their final state (the list only reads their columns)."""
    rubric = services.rubric_ensure_default()
    year = fields.get("year", 2025)
    delegations = Delegation.objects.bulk_create(  # bulk: the workflow guards `status`
        Delegation(
            title=f"考察团{next(serial)}",
            organising_unit=unit,
            trip_type="visit",
            leave_china=dt.date(year, 5, 1),
            return_china=dt.date(year, 5, 6),
            returned_at=dt.date(year, 5, 6),
            status=Status.EVALUATED,
        )
        for _ in range(count)
    )
    values = {
        "year": year,
        "trip_type": "visit",
        "status": EvaluationStatus.COMPLETED,
        "grade": "good",
        "total": Decimal("80.0"),
        **fields,
    }
    return Evaluation.objects.bulk_create(
        Evaluation(delegation=d, rubric=rubric, organising_unit=unit, **values) for d in delegations
    )
