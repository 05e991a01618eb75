"""The delegation policy engine: a planned delegation checked against a rule set and priced with a
per-diem table. Pure Python — no Django import, no settings — so `waishi policy check` runs on any
machine and the application page can call it on every keystroke.

    >>> from waishi.policy.engine import check, parse_plan
    >>> result = check(parse_plan(plan_dict))
    >>> result.compliant, result.as_dict()["findings"]

Callers with a database pass what it knows: `ruleset=load_ruleset(version.data)`,
`table=active_per_diem_table()`, `rates=ExchangeRates.from_dict(...)`, `leader_trips=[...]`,
`unit_record=EvaluationRecord(...)` (the organising unit's failed evaluations and overdue
follow-ups; a plan file may carry the same as its `unit_record`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from waishi.policy.engine.budget import ExchangeRates, demo_rates, price
from waishi.policy.engine.plan import (
    EvaluationRecord,
    FailedTrip,
    OverdueFollowUp,
    Plan,
    PlanError,
    parse_plan,
)
from waishi.policy.engine.rules import (
    CHECKS,
    Env,
    Finding,
    LeaderTrip,
    NotChecked,
    default_regions,
    found,
)
from waishi.policy.engine.ruleset import (
    Rule,
    RuleSet,
    RuleSetError,
    default_ruleset,
    load_ruleset,
)
from waishi.policy.perdiem import PerDiemTable, default_table

__all__ = [
    "CheckResult",
    "EvaluationRecord",
    "ExchangeRates",
    "FailedTrip",
    "Finding",
    "LeaderTrip",
    "NotChecked",
    "OverdueFollowUp",
    "Plan",
    "PlanError",
    "RuleSet",
    "RuleSetError",
    "check",
    "default_ruleset",
    "load_ruleset",
    "parse_plan",
]


@dataclass(frozen=True, slots=True)
class CheckResult:
    ruleset: str
    findings: tuple[Finding, ...]
    not_checked: tuple[NotChecked, ...]
    budget: dict

    @property
    def compliant(self) -> bool:
        return not any(finding.severity == "block" for finding in self.findings)

    def as_dict(self) -> dict:
        return {
            "compliant": self.compliant,
            "findings": [finding.as_dict() for finding in self.findings],
            "not_checked": [entry.as_dict() for entry in self.not_checked],
            "budget": self.budget,
            "rule_set": self.ruleset,
        }


def check(
    plan: Plan,
    ruleset: RuleSet | None = None,
    *,
    table: PerDiemTable | None = None,
    rates: ExchangeRates | None = None,
    leader_trips: Sequence[LeaderTrip] | None = None,
    unit_record: EvaluationRecord | None = None,
) -> CheckResult:
    """Every plan-stage rule of the rule set applied to `plan`, and its budget priced.

    `rates` defaults to the shipped demo exchange rates; `leader_trips=None` means no history is
    known, so the 6-month same-country rule is reported as not checked. `unit_record=None`
    means the plan's own `unit_record`; when neither is given, the evaluation record rule is
    reported as not checked.
    """
    ruleset = ruleset or default_ruleset()
    env = Env(
        ruleset=ruleset,
        regions=default_regions(),
        leader_trips=leader_trips,
        unit_record=plan.unit_record if unit_record is None else unit_record,
    )
    exempt, outcome = academic_exemption(plan, ruleset)
    for rule in ruleset.rules:
        check_rule = CHECKS.get(rule.kind)
        if check_rule is not None and rule.id not in exempt and rule.applies_to(plan.trip_type):
            outcome += check_rule(plan, rule, env)
    budget_rule = next(
        (r for r in ruleset.by_kind.get("budget_standard", ()) if r.applies_to(plan.trip_type)),
        None,
    )
    priced = price(plan, budget_rule, table or default_table(), rates or demo_rates())
    outcome += priced.outcome
    return CheckResult(
        ruleset=ruleset.label,
        findings=tuple(item for item in outcome if isinstance(item, Finding)),
        not_checked=tuple(item for item in outcome if isinstance(item, NotChecked)),
        budget=priced.budget,
    )


def academic_exemption(plan: Plan, ruleset: RuleSet) -> tuple[frozenset[str], list]:
    """Rule ids the plan is exempt from, with the finding that says so (厅字〔2016〕17号)."""
    rule: Rule | None = ruleset.first("academic_exemption")
    if rule is None or not rule.applies_to(plan.trip_type):
        return frozenset(), []
    if not all(member.academic for member in plan.members):
        return frozenset(), []
    exempt = frozenset(rule.parameters["exempts"])
    titles = "、".join(r.title_zh for r in ruleset.rules if r.id in exempt)
    message = f"学术交流团组，成员均为教学科研人员：{titles}按实际需要安排，不受限额约束"
    return exempt, [found(rule, message)]
