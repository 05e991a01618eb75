"""The rule set is data: every rule of DOMAIN.md with its basis, and a changed rule set changes
what the engine says."""

import copy
import json

import pytest

from waishi.policy.engine import RuleSetError, default_ruleset, load_ruleset
from waishi.policy.engine.ruleset import DEFAULT_FILE

from .plans import result_of, rules_found, tokyo_plan


def default_data():
    return json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))


def test_the_default_rule_set_holds_every_rule_of_the_domain_table():
    ids = {rule.id for rule in default_ruleset().rules}
    assert ids >= {
        "delegation_size",
        "countries",
        "days_abroad",
        "remote_region_extension",
        "academic_exchange_exemption",
        "unit_leaders_together",
        "unit_leaders_same_country",
        "substantive_schedule",
        "invitation",
        "frequency",
        "retired",
        "passport_kind",
        "passport_validity",
        "pre_trip_disclosure",
        "lead_time",
        "passport_return",
        "post_trip_disclosure",
        "trip_report",
        "gifts_received",
        "budget_standard",
    }


def test_every_rule_has_both_titles_a_severity_and_a_basis():
    for rule in default_ruleset().rules:
        assert rule.title_zh and rule.title_en and rule.basis
        assert rule.severity in {"block", "warn", "info"}


def test_the_default_severities_follow_the_domain_table():
    severity = {rule.id: rule.severity for rule in default_ruleset().rules}
    blocks = {
        "delegation_size",
        "countries",
        "days_abroad",
        "unit_leaders_together",
        "unit_leaders_same_country",
        "retired",
        "passport_kind",
    }
    warns = {"substantive_schedule", "invitation", "frequency", "passport_validity", "lead_time"}
    assert {rule for rule in blocks if severity[rule] == "block"} == blocks
    assert {rule for rule in warns if severity[rule] == "warn"} == warns


def test_a_jurisdiction_may_allow_larger_delegations():
    data = default_data()
    next(r for r in data["rules"] if r["id"] == "delegation_size")["parameters"]["max"] = 8
    data["version"] = 2
    ruleset = load_ruleset(data)
    assert "delegation_size" not in rules_found(tokyo_plan(members=8), ruleset=ruleset)
    assert result_of(tokyo_plan(), ruleset=ruleset).as_dict()["rule_set"] == "default-v2"


def test_a_jurisdiction_may_make_a_rule_a_warning():
    data = default_data()
    next(r for r in data["rules"] if r["id"] == "retired")["severity"] = "warn"
    plan = tokyo_plan()
    plan["members"][0]["retired"] = True
    result = result_of(plan, ruleset=load_ruleset(data))
    assert result.compliant and [f.rule for f in result.findings] == ["retired"]


def test_a_county_frequency_limit_can_be_configured():
    data = default_data()
    rule = next(r for r in data["rules"] if r["id"] == "frequency")
    rule["parameters"]["per_rank"]["county"] = {"max_trips": 2, "window_days": 365}
    plan = tokyo_plan()
    plan["members"][0].update(rank="county", trips=["2026-01-01", "2025-06-01"])
    assert "frequency" in rules_found(plan, ruleset=load_ruleset(data))


def test_a_rule_that_applies_only_to_some_trip_types_skips_the_others():
    data = default_data()
    rule = next(r for r in data["rules"] if r["id"] == "delegation_size")
    rule["applies_to"]["trip_types"] = ["conference"]
    ruleset = load_ruleset(data)
    assert "delegation_size" not in rules_found(tokyo_plan(members=9), ruleset=ruleset)
    conference = tokyo_plan(members=9, trip_type="conference")
    assert "delegation_size" in rules_found(conference, ruleset=ruleset)


def broken(change):
    data = copy.deepcopy(default_data())
    change(data["rules"][0])
    return data


@pytest.mark.parametrize(
    "change",
    [
        lambda rule: rule.update(kind="astrology"),
        lambda rule: rule.update(severity="fatal"),
        lambda rule: rule.pop("basis"),
        lambda rule: rule["parameters"].pop("max"),
        lambda rule: rule["parameters"].update(max="six"),
        lambda rule: rule.update(applies_to={"stage": "someday"}),
    ],
    ids=[
        "unknown kind",
        "unknown severity",
        "no basis",
        "missing parameter",
        "wrong type",
        "unknown stage",
    ],
)
def test_a_broken_rule_set_is_refused_when_loaded(change):
    with pytest.raises(RuleSetError, match="delegation_size"):
        load_ruleset(broken(change))


def test_a_frequency_limit_without_a_window_is_refused():
    data = default_data()
    rule = next(r for r in data["rules"] if r["id"] == "frequency")
    rule["parameters"]["per_rank"]["county"] = {"max_trips": 2}
    with pytest.raises(RuleSetError, match=r"per_rank\.county"):
        load_ruleset(data)


def test_two_rules_with_one_id_are_refused():
    data = default_data()
    data["rules"].append(copy.deepcopy(data["rules"][0]))
    with pytest.raises(RuleSetError, match="unique"):
        load_ruleset(data)
