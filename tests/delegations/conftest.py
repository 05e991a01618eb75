"""Personas of the demo's shape and a factory for a valid delegation.

市商务局 (commerce) has a liaison (tests/conftest.py) and a head; the FAO's reviewer, approver and
evaluator hold their roles on the city, as in the demo. The outsider is 市教育局's liaison.
"""

import datetime as dt
import sqlite3

import pytest
from django.db import connection, connections
from django.utils import timezone

from tests.factories import PassportFactory, PersonFactory, UserFactory, grant
from waishi.core.roles import Role
from waishi.delegations.models import (
    Delegation,
    PreTripDisclosure,
    ReportObjectiveResult,
    TripReport,
)
from waishi.delegations.services import delegation_create, delegation_transition
from waishi.people.models import Rank


@pytest.fixture
def head(commerce):
    return grant(UserFactory(username="head", unit=commerce), Role.UNIT_HEAD, commerce)


@pytest.fixture
def reviewer(city):
    return grant(UserFactory(username="reviewer", unit=city), Role.REVIEWER, city)


@pytest.fixture
def approver(city):
    return grant(UserFactory(username="approver", unit=city), Role.APPROVER, city)


@pytest.fixture
def evaluator(city):
    return grant(UserFactory(username="evaluator", unit=city), Role.EVALUATOR, city)


@pytest.fixture
def personas(liaison, head, reviewer, approver, evaluator, outsider, inspector):
    return {
        "liaison": liaison,
        "head": head,
        "reviewer": reviewer,
        "approver": approver,
        "evaluator": evaluator,
        "outsider": outsider,
        "inspector": inspector,
    }


def traveller_of(unit, *, name, rank=Rank.COUNTY, position="处长", **fields):
    """A person of `unit` with an official passport valid for years."""
    person = PersonFactory(name=name, unit=unit, rank=rank, position=position, **fields)
    PassportFactory(person=person, expires_on=timezone.localdate() + dt.timedelta(days=2000))
    return person


def valid_application(unit, people, *, leave=None, days=4, country="DE", city="Hamburg"):
    """A compliant visit: one country, a few days, a counterpart's invitation, an official
    schedule every day, a modest budget, filed well ahead of departure."""
    leave = leave or timezone.localdate() + dt.timedelta(days=90)
    back = leave + dt.timedelta(days=days - 1)
    return {
        "title": "汉堡港口合作考察",
        "purpose": "深化港口物流合作",
        "trip_type": "visit",
        "leave_china": leave,
        "return_china": back,
        "invitation_from": "Hamburg Port Authority",
        "invitation_kind": "counterpart",
        "objectives": ["签署港口合作备忘录", "考察物流园区"],
        "members": [
            {"person": person, "role_in_delegation": "leader" if i == 0 else "member"}
            for i, person in enumerate(people)
        ],
        "stops": [
            {
                "country": country,
                "city": city,
                "arrive": leave + dt.timedelta(days=1),
                "depart": back,
            }
        ],
        "schedule": [
            {"date": leave + dt.timedelta(days=i), "activity": "会谈", "kind": "official"}
            for i in range(days)
        ],
        "budget": [
            {
                "kind": "lodging",
                "amount": str(250 * len(people)),  # within the Hamburg cap of 150 a night
                "currency": "EUR",
                "funding_source": "部门预算",
            }
        ],
    }


@pytest.fixture
def make_delegation(commerce, liaison):
    """make_delegation(**overrides) → a draft created by the commerce liaison."""
    counter = iter(range(1000))

    def make(*, people=None, actor=None, **overrides) -> Delegation:
        n = next(counter)
        people = people or [
            traveller_of(commerce, name=f"张伟{n}", position="局长"),
            traveller_of(commerce, name=f"王芳{n}"),
        ]
        data = {**valid_application(commerce, people), **overrides}
        return delegation_create(actor=actor or liaison, organising_unit=commerce, **data)

    return make


# Who takes each action in the happy path (review_return at the approval step: the approver).
ACTOR_OF = {
    "submit": "liaison",
    "head_sign": "head",
    "head_return": "head",
    "review_pass": "reviewer",
    "review_return": "reviewer",
    "approve": "approver",
    "reject": "approver",
    "withdraw": "liaison",
    "cancel": "liaison",
    "depart": "liaison",
    "register_return": "liaison",
    "file_report": "liaison",
    "evaluate": "evaluator",
    "archive": "reviewer",
}


@pytest.fixture
def act(personas):
    """act(delegation, action, as_=persona name, **kwargs): take the action with a fresh version."""

    def take(delegation, action, as_=None, **kwargs):
        delegation.refresh_from_db()
        kwargs.setdefault("comment", "理由说明")
        if action == "submit":  # posted with the submission, up long before approval
            disclosed(delegation)
        if action == "file_report":  # a report is filed only when it is complete
            reported(delegation)
        if action == "evaluate":  # taken once the performance evaluation is complete
            evaluation_completed(delegation)
        return delegation_transition(
            actor=personas[as_ or ACTOR_OF[action]],
            delegation=delegation,
            action=action,
            expected_version=delegation.version,
            **kwargs,
        )

    return take


def disclosed(delegation, *, days_ago=30):
    """The pre-trip disclosure approval waits for, posted long enough ago (once per delegation)."""
    PreTripDisclosure.objects.get_or_create(
        delegation=delegation,
        defaults={
            "where": "单位公示栏",
            "posted_on": timezone.localdate() - dt.timedelta(days=days_ago),
            "recorded_at": timezone.now(),
        },
    )


def reported(delegation):
    """A complete trip report: every objective answered and the compliance declaration ticked."""
    report, _ = TripReport.objects.get_or_create(
        delegation=delegation,
        defaults={"summary": "按计划完成", "compliance_declared": True, "saved_at": timezone.now()},
    )
    for order, objective in enumerate(delegation.objectives.all(), start=1):
        ReportObjectiveResult.objects.get_or_create(
            report=report,
            objective=objective,
            defaults={
                "order": order,
                "objective_text": objective.text,
                "status": "met",
                "result": "已完成",
            },
        )


def evaluation_completed(delegation):
    """A completed performance evaluation, written as its final row (the evaluation services
    have their own tests; the workflow's gate only asks whether one is complete)."""
    from waishi.evaluation.models import Evaluation, EvaluationStatus
    from waishi.evaluation.services import rubric_ensure_default

    Evaluation.objects.get_or_create(
        delegation=delegation,
        defaults={
            "rubric": rubric_ensure_default(),
            "status": EvaluationStatus.COMPLETED,
            "organising_unit": delegation.organising_unit,
            "year": delegation.return_china.year,
            "trip_type": delegation.trip_type,
            "total": 80,
            "grade": "good",
            "completed_at": timezone.now(),
        },
    )


@pytest.fixture
def production_like_database(transactional_db, tmp_path):
    """On SQLite, a file database as in production (WAL, IMMEDIATE: writers wait for the lock).

    The suite's shared in-memory database answers a second writer "table is locked" at once
    instead of making it wait, which no deployment does. PostgreSQL is used as it is.
    """
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    memory_name = connection.settings_dict["NAME"]
    keeper = sqlite3.connect(memory_name, uri=True)  # the in-memory database lives while this does
    connection.ensure_connection()
    with sqlite3.connect(tmp_path / "race.sqlite3") as target:
        connection.connection.backup(target)
    target.close()
    _switch_default_database(str(tmp_path / "race.sqlite3"))
    try:
        yield
    finally:
        _switch_default_database(memory_name)
        connection.ensure_connection()
        keeper.close()


def _switch_default_database(name):
    for settings_dict in (connection.settings_dict, connections.settings["default"]):
        settings_dict["NAME"] = name
    connection.connection.close()
    connection.connection = None
