"""Rubric versions: the shipped default on first use, new versions validated whole, never an
edit in place, and every evaluation reading the version it was scored with."""

import copy
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.evaluation.conftest import score, self_assess
from waishi.core.models import AuditEvent
from waishi.evaluation import selectors, services
from waishi.evaluation.models import RubricVersion, body_digest

pytestmark = pytest.mark.usefixtures("english")


def stricter(body: dict) -> dict:
    """The default with a higher bar: excellent from 95, a second evaluator below 95."""
    changed = copy.deepcopy(body)
    changed["grades"]["excellent"] = 95
    changed["second_evaluator_below"] = 95
    return changed


def test_the_shipped_rubric_comes_into_force_as_version_1_once(db):
    first = services.rubric_ensure_default()
    assert (first.number, first.is_active) == (1, True)
    assert first.body["id"] == "waishi-default" and str(first) == "waishi-default-v1"
    assert first.sha256 == body_digest(first.body)
    assert services.rubric_ensure_default() == first
    assert selectors.active_rubric() == first
    assert RubricVersion.objects.count() == 1
    assert AuditEvent.objects.filter(action="rubric.create", actor_name="system").count() == 1


def test_an_administrator_s_new_version_comes_into_force_and_the_old_one_stays(admin_user):
    first = services.rubric_ensure_default()
    second = services.rubric_create_version(
        actor=admin_user, body=stricter(first.body), label="2026 修订", note="提高优秀门槛"
    )
    first.refresh_from_db()
    assert (second.number, second.is_active, first.is_active) == (2, True, False)
    assert first.body["grades"]["excellent"] == 90  # untouched
    assert list(selectors.rubric_versions()) == [second, first]
    event = AuditEvent.objects.get(action="rubric.create", object_id=str(second.pk))
    assert event.changes["changed_groups"] == ["grades", "second_evaluator_below"]
    services.rubric_activate(actor=admin_user, version=first)
    assert selectors.active_rubric() == first
    assert AuditEvent.objects.filter(action="rubric.activate").count() == 3


def test_an_invalid_version_is_refused_with_every_problem_and_nothing_is_saved(admin_user):
    first = services.rubric_ensure_default()
    bad = copy.deepcopy(first.body)
    bad["groups"][0]["weight"] = 40
    bad["grades"]["good"] = 95
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.rubric_create_version(actor=admin_user, body=bad, label="")
    messages = refused.value.messages
    assert messages[0] == "Give the version a label."
    assert any("add up to 110, not 100" in m for m in messages)
    assert any("must fall from excellent to good to pass" in m for m in messages)
    assert RubricVersion.objects.count() == 1 and AuditEvent.objects.count() == before


def test_only_an_administrator_creates_or_activates_versions(evaluator, liaison):
    first = services.rubric_ensure_default()
    for actor in (evaluator, liaison):
        with pytest.raises(PermissionDenied):
            services.rubric_create_version(actor=actor, body=first.body, label="x")
        with pytest.raises(PermissionDenied):
            services.rubric_activate(actor=actor, version=first)
    assert RubricVersion.objects.count() == 1


def test_a_stored_version_is_never_edited_in_place(db):
    version = services.rubric_ensure_default()
    version.body["grades"]["excellent"] = 50
    with pytest.raises(ValidationError) as refused:
        version.save()
    assert "never changed" in refused.value.messages[0]
    version = RubricVersion.objects.get(pk=version.pk)
    version.label = "renamed"
    with pytest.raises(ValidationError):
        version.save(update_fields=["label"])
    stored = RubricVersion.objects.get(pk=version.pk)
    assert stored.body["grades"]["excellent"] == 90 and stored.label != "renamed"
    assert stored.sha256 == body_digest(stored.body)


def test_each_evaluation_keeps_the_version_it_was_opened_with(
    evaluated_trip, admin_user, liaison, evaluator
):
    before = evaluated_trip()
    version_1 = before.rubric
    services.rubric_create_version(actor=admin_user, body=stricter(version_1.body), label="更严格")
    after = evaluated_trip()
    assert before.rubric == version_1 and after.rubric.number == 2
    # 92 points: "excellent" under version 1, only "good" (and a second look) under version 2.
    for evaluation in (before, after):
        self_assess(evaluation, liaison)
        score(evaluation, evaluator, objectives_met=Decimal(12))
    before.refresh_from_db()
    after.refresh_from_db()
    assert (before.total, before.grade, before.status) == (Decimal(92), "excellent", "completed")
    assert (after.total, after.grade, after.status) == (Decimal(92), "good", "awaiting_second")
