"""Rule sets as data: which rules apply, with what parameters, severity and legal basis.

`default_ruleset()` is the version shipped in policy/rulesets/default-v1.json. A rule set kept in
the database (a later, administrator-edited version) is passed to the engine as
`load_ruleset(the_same_dict_shape)`; the engine never reads files or the database itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType

SEVERITIES = ("block", "warn", "info")
STAGES = ("plan", "approval", "after_return")
DEFAULT_FILE = Path(__file__).resolve().parent.parent / "rulesets" / "default-v1.json"

# Parameters each rule kind needs; a rule set missing one is refused when it is loaded, not when
# a plan happens to reach the rule.
REQUIRED_PARAMETERS: dict[str, dict[str, type | tuple[type, ...]]] = {
    "max_members": {"max": int},
    "max_countries": {"max": int},
    "max_days": {"limits": dict},
    "remote_extension": {"regions": list, "extra_days": int},
    "academic_exemption": {"exempts": list},
    "unit_leaders_together": {},
    "unit_leaders_same_country": {"months": int},
    "substantive_schedule": {"min_official_share": str, "forbidden_kinds": list},
    "invitation": {"accepted_kinds": list},
    "frequency": {"per_rank": dict},
    "retired_members": {},
    "passport_kind": {"official_kinds": list},
    "passport_validity": {"months_after_return": int},
    "lead_time": {"min_days": int},
    "budget_standard": {
        "transport_only_incidentals_share": str,
        "air_class": dict,
        "air_class_default": str,
    },
    # The unit's evaluation record (DOMAIN.md §2); overdue_follow_ups (true/false) is checked
    # with the tables below, as a bool is refused here wherever an int is expected.
    "evaluation_record": {"window_months": int, "min_failed": int},
    # Deadlines belong to the workflow (approval, after return); the plan check skips them.
    "deadline": {},
}


class RuleSetError(ValueError):
    """A rule set that cannot be used; the message names the rule and the problem."""


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    kind: str
    title_zh: str
    title_en: str
    severity: str
    basis: str
    parameters: MappingProxyType
    stage: str = "plan"
    trip_types: frozenset[str] | None = None  # None: every trip type
    certainty: str = "high"

    def applies_to(self, trip_type: str) -> bool:
        return self.stage == "plan" and (self.trip_types is None or trip_type in self.trip_types)


@dataclass(frozen=True, slots=True)
class RuleSet:
    id: str
    version: int
    title_zh: str
    title_en: str
    rules: tuple[Rule, ...]
    by_kind: MappingProxyType = field(
        repr=False, compare=False, default_factory=lambda: MappingProxyType({})
    )

    @property
    def label(self) -> str:
        return f"{self.id}-v{self.version}"

    def first(self, kind: str) -> Rule | None:
        """The first rule of a kind: the modifiers (extension, exemption) are looked up so."""
        rules = self.by_kind.get(kind)
        return rules[0] if rules else None


def load_ruleset(data: dict) -> RuleSet:
    """Build a RuleSet from its JSON shape (see rulesets/default-v1.json); RuleSetError if it is
    not usable."""
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RuleSetError("a rule set is an object with a list of rules")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise RuleSetError("the rule set's version must be an integer")
    rules = tuple(_rule(item, index) for index, item in enumerate(data["rules"]))
    ids = [rule.id for rule in rules]
    duplicates = sorted({rule_id for rule_id in ids if ids.count(rule_id) > 1})
    if duplicates:
        raise RuleSetError(f"rule ids must be unique: {', '.join(duplicates)}")
    by_kind: dict[str, list[Rule]] = {}
    for rule in rules:
        by_kind.setdefault(rule.kind, []).append(rule)
    return RuleSet(
        id=str(data.get("id", "rules")),
        version=version,
        title_zh=str(data.get("title_zh", "")),
        title_en=str(data.get("title_en", "")),
        rules=rules,
        by_kind=MappingProxyType({kind: tuple(items) for kind, items in by_kind.items()}),
    )


@cache
def default_ruleset() -> RuleSet:
    with DEFAULT_FILE.open(encoding="utf-8") as handle:
        return load_ruleset(json.load(handle))


def _rule(item: object, index: int) -> Rule:
    if not isinstance(item, dict):
        raise RuleSetError(f"rules[{index}] must be an object")
    rule_id = item.get("id")
    where = f"rule {rule_id!r}" if rule_id else f"rules[{index}]"
    for key in ("id", "kind", "title_zh", "title_en", "severity", "basis"):
        if not isinstance(item.get(key), str) or not item[key]:
            raise RuleSetError(f"{where}: {key} is missing")
    kind, severity = item["kind"], item["severity"]
    if kind not in REQUIRED_PARAMETERS:
        raise RuleSetError(f"{where}: unknown kind {kind!r}")
    if severity not in SEVERITIES:
        raise RuleSetError(f"{where}: severity must be one of {', '.join(SEVERITIES)}")
    parameters = item.get("parameters", {})
    if not isinstance(parameters, dict):
        raise RuleSetError(f"{where}: parameters must be an object")
    for key, expected in REQUIRED_PARAMETERS[kind].items():
        value = parameters.get(key)
        if not isinstance(value, expected) or isinstance(value, bool):
            raise RuleSetError(f"{where}: parameter {key} is missing or of the wrong type")
    _check_tables(kind, parameters, where)
    applies = item.get("applies_to", {})
    if not isinstance(applies, dict):
        raise RuleSetError(f"{where}: applies_to must be an object")
    stage = applies.get("stage", "plan")
    if stage not in STAGES:
        raise RuleSetError(f"{where}: applies_to.stage must be one of {', '.join(STAGES)}")
    trip_types = applies.get("trip_types")
    return Rule(
        id=rule_id,
        kind=kind,
        title_zh=item["title_zh"],
        title_en=item["title_en"],
        severity=severity,
        basis=item["basis"],
        parameters=MappingProxyType(dict(parameters)),
        stage=stage,
        trip_types=None if trip_types is None else frozenset(trip_types),
        certainty=str(item.get("certainty", "high")),
    )


def _check_tables(kind: str, parameters: dict, where: str) -> None:
    """The nested parameters: {countries: days} for max_days, {rank: limit} for frequency; the
    ranges of the evaluation record rule's numbers."""
    if kind == "evaluation_record":
        _check_evaluation_record(parameters, where)
    if kind == "max_days":
        limits = parameters["limits"]
        if not limits or not all(
            str(count).isdigit() and _is_int(days) for count, days in limits.items()
        ):
            raise RuleSetError(f"{where}: limits must map a number of countries to days")
    if kind == "frequency":
        for rank, limit in parameters["per_rank"].items():
            if not (
                isinstance(limit, dict)
                and _is_int(limit.get("max_trips"))
                and _is_int(limit.get("window_days"))
            ):
                raise RuleSetError(f"{where}: per_rank.{rank} needs max_trips and window_days")


def _check_evaluation_record(parameters: dict, where: str) -> None:
    if not 1 <= parameters["window_months"] <= 120:
        raise RuleSetError(f"{where}: window_months must be from 1 to 120 months")
    if parameters["min_failed"] < 1:
        raise RuleSetError(f"{where}: min_failed must be at least 1")
    if not isinstance(parameters.get("overdue_follow_ups"), bool):
        raise RuleSetError(f"{where}: parameter overdue_follow_ups must be true or false")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
