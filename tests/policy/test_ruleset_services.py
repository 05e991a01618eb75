"""Rule set versions: the shipped version 1 is in force; an administrator's new version comes into
force, old ones are kept and unchanged, invalid bodies save nothing; every step is audited."""

import copy

import pytest
from django.core.exceptions import PermissionDenied

from waishi.core.audit import audit_verify
from waishi.core.models import AuditEvent
from waishi.policy.engine.ruleset import RuleSetError, default_ruleset
from waishi.policy.models import RuleSetVersion
from waishi.policy.selectors import active_ruleset, active_ruleset_version, ruleset_versions
from waishi.policy.services import ruleset_activate, ruleset_create_version


def shipped_body() -> dict:
    return copy.deepcopy(RuleSetVersion.objects.get(number=1).body)


def with_size(body: dict, limit) -> dict:
    body = copy.deepcopy(body)
    rule = next(r for r in body["rules"] if r["id"] == "delegation_size")
    rule["parameters"]["max"] = limit
    return body


def size_limit(ruleset) -> int:
    return next(r for r in ruleset.rules if r.id == "delegation_size").parameters["max"]


def test_the_shipped_rule_set_is_version_1_in_force_on_a_fresh_database(db):
    version = active_ruleset_version()
    assert (version.number, version.ruleset_label) == (1, "default-v1")
    assert active_ruleset() == default_ruleset()


def test_without_any_stored_version_the_shipped_rules_apply(db):
    RuleSetVersion.objects.all().delete()
    assert active_ruleset() == default_ruleset()


def test_a_new_version_comes_into_force_and_the_old_one_is_kept_unchanged(admin_user):
    shipped = active_ruleset_version()
    version = ruleset_create_version(
        actor=admin_user, body=with_size(shipped.body, 5), label="Smaller delegations", note="n"
    )
    assert (version.number, version.ruleset_label, version.created_by) == (
        2,
        "default-v2",
        admin_user,
    )
    assert active_ruleset_version() == version
    assert active_ruleset().label == "default-v2" and size_limit(active_ruleset()) == 5
    shipped.refresh_from_db()
    assert not shipped.is_active and with_size(shipped.body, 6) == shipped.body
    assert [v.number for v in ruleset_versions()] == [2, 1]


def test_a_version_saved_without_activating_leaves_the_rules_in_force(admin_user):
    version = ruleset_create_version(
        actor=admin_user, body=with_size(shipped_body(), 4), label="Draft", activate=False
    )
    assert not version.is_active and size_limit(active_ruleset()) == 6
    ruleset_activate(actor=admin_user, version=version)
    assert size_limit(active_ruleset()) == 4


def test_an_older_version_can_be_put_back_in_force(admin_user):
    shipped = active_ruleset_version()
    ruleset_create_version(actor=admin_user, body=with_size(shipped.body, 5), label="Five")
    ruleset_activate(actor=admin_user, version=shipped)
    assert active_ruleset().label == "default-v1" and size_limit(active_ruleset()) == 6
    assert RuleSetVersion.objects.filter(is_active=True).count() == 1


@pytest.mark.parametrize(
    "spoil, problem",
    [
        (lambda b: with_size(b, "five"), "parameter max"),
        (lambda b: {**b, "rules": [*b["rules"], b["rules"][0]]}, "unique"),
        (lambda b: {**b, "rules": [{**b["rules"][0], "severity": "fatal"}]}, "severity"),
        (lambda b: {**b, "rules": [{**b["rules"][0], "kind": "vibes"}]}, "unknown kind"),
        (lambda b: {"rules": "none"}, "list of rules"),
    ],
)
def test_an_unusable_rule_set_is_refused_and_nothing_is_saved(admin_user, spoil, problem):
    events = AuditEvent.objects.count()
    with pytest.raises(RuleSetError, match=problem):
        ruleset_create_version(actor=admin_user, body=spoil(shipped_body()), label="Broken")
    assert RuleSetVersion.objects.count() == 1 and active_ruleset_version().number == 1
    assert AuditEvent.objects.count() == events


def test_a_liaison_may_neither_create_nor_activate_a_version(liaison, admin_user):
    with pytest.raises(PermissionDenied):
        ruleset_create_version(actor=liaison, body=with_size(shipped_body(), 9), label="Mine")
    assert RuleSetVersion.objects.count() == 1
    draft = ruleset_create_version(
        actor=admin_user, body=shipped_body(), label="Draft", activate=False
    )
    with pytest.raises(PermissionDenied):
        ruleset_activate(actor=liaison, version=draft)
    assert active_ruleset_version().number == 1


def test_creating_and_activating_are_audited_on_the_chain(admin_user):
    version = ruleset_create_version(
        actor=admin_user, body=with_size(shipped_body(), 5), label="Five"
    )
    events = AuditEvent.objects.filter(
        object_type="policy.rulesetversion", object_id=str(version.pk)
    ).order_by("seq")
    assert list(events.values_list("action", "actor_name")) == [
        ("ruleset.create", "admin"),
        ("ruleset.activate", "admin"),
    ]
    created, activated = events
    assert created.changes["changed_rules"] == ["delegation_size"]
    assert activated.changes["replaces"] == "default-v1"
    assert audit_verify().ok


def test_activating_the_version_in_force_records_nothing(admin_user):
    events = AuditEvent.objects.count()
    ruleset_activate(actor=admin_user, version=active_ruleset_version())
    assert AuditEvent.objects.count() == events
