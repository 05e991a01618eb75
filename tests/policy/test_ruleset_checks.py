"""Delegations are checked against the rule set in force, and each decision records its version."""

import copy

import pytest

from tests.delegations.conftest import disclosed, traveller_of, valid_application
from waishi.delegations.checks import policy_check
from waishi.delegations.models import Status
from waishi.delegations.services import delegation_create, delegation_transition
from waishi.policy.models import RuleSetVersion
from waishi.policy.services import ruleset_create_version


def size_limited_to(limit: int) -> dict:
    body = copy.deepcopy(RuleSetVersion.objects.get(number=1).body)
    next(r for r in body["rules"] if r["id"] == "delegation_size")["parameters"]["max"] = limit
    return body


@pytest.fixture
def six_person_delegation(commerce, liaison):
    people = [traveller_of(commerce, name="张伟", position="局长")] + [
        traveller_of(commerce, name=f"王芳{n}") for n in range(5)
    ]
    return delegation_create(
        actor=liaison, organising_unit=commerce, **valid_application(commerce, people)
    )


def rules_found(delegation) -> set[str]:
    return {finding.rule for finding in policy_check(delegation).findings}


def test_six_travellers_pass_the_shipped_limit_and_fail_a_new_limit_of_five(
    six_person_delegation, admin_user
):
    assert "delegation_size" not in rules_found(six_person_delegation)
    ruleset_create_version(actor=admin_user, body=size_limited_to(5), label="Five at most")
    result = policy_check(six_person_delegation)
    size = next(f for f in result.findings if f.rule == "delegation_size")
    assert size.severity == "block" and result.ruleset == "default-v2"
    assert not result.compliant


def test_the_submission_records_the_rule_set_version_it_was_checked_against(
    six_person_delegation, admin_user, liaison
):
    ruleset_create_version(actor=admin_user, body=size_limited_to(8), label="Eight at most")
    disclosed(six_person_delegation)
    submitted = delegation_transition(
        actor=liaison,
        delegation=six_person_delegation,
        action="submit",
        expected_version=six_person_delegation.version,
        comment="请审核",
    )
    assert submitted.status == Status.SUBMITTED
    event = submitted.events.get(action="submit")
    assert event.rule_set == "default-v2" and event.findings["compliant"]


def test_the_policy_check_command_uses_the_rule_set_in_force_of_a_configured_installation(
    admin_user, tmp_path, capsys
):
    import json

    from tests.policy.engine.plans import tokyo_plan
    from waishi.policy import check_cli

    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(tokyo_plan(members=5)), encoding="utf-8")
    assert check_cli.main([str(plan_file), "--json"]) == 0  # five pass the shipped limit of six
    ruleset_create_version(actor=admin_user, body=size_limited_to(4), label="Four at most")
    capsys.readouterr()
    assert check_cli.main([str(plan_file), "--json"]) == 3
    output = json.loads(capsys.readouterr().out)
    assert output["rule_set"] == "default-v2"
    assert [f["rule"] for f in output["findings"] if f["severity"] == "block"] == [
        "delegation_size"
    ]
