"""One small check per rule kind. A check reads the plan and its rule's parameters and returns
findings (the rule is broken) and NotChecked entries (the plan lacks the facts to judge it).

Messages are Chinese: the people who read them file and approve Chinese applications.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from pathlib import Path

from waishi.policy.engine.plan import EvaluationRecord, FailedTrip, OverdueFollowUp, Plan, Stop
from waishi.policy.engine.ruleset import Rule, RuleSet
from waishi.policy.names import country_name_zh

REGIONS_FILE = Path(__file__).resolve().parent.parent / "data" / "regions.json"
RANK_ZH = {
    "provincial": "省部级",
    "bureau": "厅局级",
    "county": "县处级",
    "section": "乡科级",
    "other": "其他",
}
INVITATION_ZH = {
    "counterpart": "外方对口单位",
    "intermediary": "中介机构",
    "foreign_mission_in_china": "外国驻华机构",
    "overseas_chinese_body": "海外华侨华人团体",
}
PASSPORT_ZH = {
    "diplomatic": "外交护照",
    "service": "公务护照",
    "official": "因公普通护照",
    "private": "因私普通护照",
}


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    severity: str
    message: str
    basis: str

    def as_dict(self) -> dict:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "basis": self.basis,
        }


@dataclass(frozen=True, slots=True)
class NotChecked:
    rule: str
    reason: str

    def as_dict(self) -> dict:
        return {"rule": self.rule, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class LeaderTrip:
    """A past or approved delegation led by a unit leader, for the 6-month same-country rule."""

    unit: str
    name: str
    country: str
    leave_china: dt.date


@dataclass(frozen=True, slots=True)
class Env:
    """What a check may consult besides the plan and its own rule."""

    ruleset: RuleSet
    regions: Mapping[str, frozenset[str]]
    leader_trips: Sequence[LeaderTrip] | None = None  # None: the caller has no history
    unit_record: EvaluationRecord | None = None  # None: the unit's evaluations are not known


Outcome = list[Finding | NotChecked]


def found(rule: Rule, message: str) -> Finding:
    return Finding(rule.id, rule.severity, message, rule.basis)


@cache
def default_regions() -> Mapping[str, frozenset[str]]:
    with REGIONS_FILE.open(encoding="utf-8") as handle:
        regions = json.load(handle)["regions"]
    return {name: frozenset(region["countries"]) for name, region in regions.items()}


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clamped to the month's end (31 Aug + 6 months → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def counted_stops(plan: Plan) -> tuple[Stop, ...]:
    """Stops that count as a country visited: every stop except a transit that stays airside."""
    return tuple(stop for stop in plan.stops if not stop.airside_transit)


def counted_countries(plan: Plan) -> list[str]:
    return list(dict.fromkeys(stop.country for stop in counted_stops(plan)))


def country_label(code: str) -> str:
    return country_name_zh(code) or code


def check_max_members(plan: Plan, rule: Rule, env: Env) -> Outcome:
    limit, size = rule.parameters["max"], len(plan.members)
    if size <= limit:
        return []
    return [found(rule, f"团组共{size}人，超过{limit}人的上限（含翻译）")]


def check_max_countries(plan: Plan, rule: Rule, env: Env) -> Outcome:
    limit, countries = rule.parameters["max"], counted_countries(plan)
    if len(countries) <= limit:
        return []
    names = "、".join(country_label(code) for code in countries)
    return [
        found(
            rule,
            f"出访{len(countries)}个国家和地区（{names}），超过{limit}个的上限"
            "（经停并出机场的计入）",
        )
    ]


def days_limit(plan: Plan, rule: Rule, env: Env) -> tuple[int, int]:
    """(limit for the number of countries, extra days for Latin America/Africa)."""
    limits = {int(count): int(days) for count, days in rule.parameters["limits"].items()}
    countries = counted_countries(plan)
    count = min(max(len(countries), min(limits)), max(limits))
    return limits.get(count, max(limits.values())), remote_extra_days(plan, env, countries)


def remote_extra_days(plan: Plan, env: Env, countries: list[str]) -> int:
    extension = env.ruleset.first("remote_extension")
    if extension is None or not extension.applies_to(plan.trip_type):
        return 0
    remote = frozenset().union(
        *(env.regions.get(name, ()) for name in extension.parameters["regions"])
    )
    return extension.parameters["extra_days"] if remote.intersection(countries) else 0


def check_max_days(plan: Plan, rule: Rule, env: Env) -> Outcome:
    limit, extra = days_limit(plan, rule, env)
    if plan.days <= limit + extra:
        return []
    count = len(counted_countries(plan))
    remote = f"，赴拉美、非洲增加{extra}天" if extra else ""
    return [
        found(
            rule,
            f"在外{plan.days}天（{plan.leave_china}至{plan.return_china}，离、抵境当日均计入），"
            f"出访{count}国上限为{limit + extra}天（{limit}天{remote}）",
        )
    ]


def check_unit_leaders_together(plan: Plan, rule: Rule, env: Env) -> Outcome:
    leaders: dict[str, list[str]] = {}
    for member in plan.members:
        if member.unit_leader:
            leaders.setdefault(member.unit, []).append(member.name)
    return [
        found(rule, f"{unit or '同一单位'}的领导{'、'.join(names)}同团出访")
        for unit, names in leaders.items()
        if len(names) > 1
    ]


def check_unit_leaders_same_country(plan: Plan, rule: Rule, env: Env) -> Outcome:
    if env.leader_trips is None:
        return [
            NotChecked(rule.id, "需要本单位领导以往出访记录（系统数据库），出访计划文件不含此项")
        ]
    months, countries = rule.parameters["months"], set(counted_countries(plan))
    return [
        found(
            rule,
            f"{member.unit}领导{trip.name}于{trip.leave_china}率团赴{country_label(trip.country)}，"
            f"与{member.name}本次出访相隔不足{months}个月",
        )
        for member in plan.members
        if member.unit_leader
        for trip in env.leader_trips
        if trip.unit == member.unit
        and trip.name != member.name
        and trip.country in countries
        and within_months(trip.leave_china, plan.leave_china, months)
    ]


def within_months(first: dt.date, second: dt.date, months: int) -> bool:
    """True when the two dates are less than `months` calendar months apart, either way round."""
    return add_months(first, months) > second and add_months(second, months) > first


def check_substantive_schedule(plan: Plan, rule: Rule, env: Env) -> Outcome:
    if plan.schedule is None:
        return [NotChecked(rule.id, "计划未提供在外日程（schedule）")]
    share = Fraction(rule.parameters["min_official_share"])
    official_days = {entry.date for entry in plan.schedule if entry.kind == "official"}
    outcome: Outcome = []
    if len(official_days) < share * plan.days:
        outcome.append(
            found(
                rule,
                f"实质性公务活动{len(official_days)}天，不足在外{plan.days}天的"
                f"{share.numerator}/{share.denominator}",
            )
        )
    forbidden = set(rule.parameters["forbidden_kinds"])
    leisure = [entry for entry in plan.schedule if entry.kind in forbidden]
    if leisure:
        items = "；".join(f"{entry.date} {entry.activity}".strip() for entry in leisure)
        outcome.append(found(rule, f"日程安排了参观游览：{items}"))
    return outcome


def check_invitation(plan: Plan, rule: Rule, env: Env) -> Outcome:
    invitation = plan.invitation
    if invitation is None:
        return [found(rule, "没有邀请：计划未写明邀请单位和邀请类型")]
    if invitation.kind in rule.parameters["accepted_kinds"]:
        return []
    sender = f"“{invitation.sender}”" if invitation.sender else ""
    return [
        found(
            rule,
            f"邀请方{sender}属于{INVITATION_ZH[invitation.kind]}，应由外方对口单位或相应级别人员邀请",
        )
    ]


def check_frequency(plan: Plan, rule: Rule, env: Env) -> Outcome:
    outcome: Outcome = []
    for member in plan.members:
        limit = rule.parameters["per_rank"].get(member.rank)
        if not limit:
            continue
        window = int(limit["window_days"])
        # Trips strictly before this one, fewer than `window` days before it.
        recent = sorted(t for t in member.trips if 0 < (plan.leave_china - t).days < window)
        if len(recent) >= int(limit["max_trips"]):
            dates = "、".join(str(day) for day in recent)
            outcome.append(
                found(
                    rule,
                    f"{member.name}（{RANK_ZH[member.rank]}）出发前{window}天内已出访"
                    f"{len(recent)}次（{dates}），限{limit['max_trips']}次",
                )
            )
    return outcome


def check_retired(plan: Plan, rule: Rule, env: Env) -> Outcome:
    return [
        found(rule, f"{member.name}已离退休（或离岗），不得派出执行公务")
        for member in plan.members
        if member.retired
    ]


def passports_missing(plan: Plan, rule: Rule) -> Outcome:
    missing = [member.name for member in plan.members if member.passport is None]
    if not missing:
        return []
    return [NotChecked(rule.id, f"计划未提供护照信息：{'、'.join(missing)}")]


def check_passport_kind(plan: Plan, rule: Rule, env: Env) -> Outcome:
    official = set(rule.parameters["official_kinds"])
    outcome = passports_missing(plan, rule)
    for member in plan.members:
        if member.passport is not None and member.passport.kind not in official:
            kind = PASSPORT_ZH[member.passport.kind]
            outcome.append(found(rule, f"{member.name}持{kind}，因公出国须持因公护照"))
    return outcome


def check_passport_validity(plan: Plan, rule: Rule, env: Env) -> Outcome:
    months = rule.parameters["months_after_return"]
    needed = add_months(plan.return_china, months)
    outcome = passports_missing(plan, rule)
    for member in plan.members:
        if member.passport is not None and member.passport.expires < needed:
            outcome.append(
                found(
                    rule,
                    f"{member.name}的护照{member.passport.expires}到期，"
                    f"应至少有效至回国后{months}个月（{needed}）",
                )
            )
    return outcome


def check_lead_time(plan: Plan, rule: Rule, env: Env) -> Outcome:
    if plan.submitted_on is None:
        return [NotChecked(rule.id, "计划未提供申报日期（submitted_on）")]
    lead, needed = (plan.leave_china - plan.submitted_on).days, rule.parameters["min_days"]
    if lead >= needed:
        return []
    filed, leaves = plan.submitted_on, plan.leave_china
    if lead < 0:  # filed after the trip began: say so rather than print a negative lead time
        message = f"申报日期{filed}晚于出境日期{leaves}，应在出境前至少{needed}天申报"
    else:
        message = f"申报日期{filed}距出境{leaves}仅{lead}天，应提前至少{needed}天"
    return [found(rule, message)]


def check_evaluation_record(plan: Plan, rule: Rule, env: Env) -> Outcome:
    """The feedback of performance evaluation into approvals (DOMAIN.md §2): the organising
    unit's delegations graded fail within the window before the application, and its follow-ups
    overdue. The window ends on the submission date, or the departure when none is given.

    One finding for both, so one written justification answers the rule."""
    record = env.unit_record
    if record is None:
        return [NotChecked(rule.id, "计划未提供组团单位的绩效评估记录（unit_record，系统数据库）")]
    on = plan.submitted_on or plan.leave_china
    months = rule.parameters["window_months"]
    since = add_months(on, -months)
    unit = plan.organising_unit or "组团单位"
    parts = []
    failed = [t for t in record.failed if t.returned is None or since <= t.returned <= on]
    if failed and len(failed) >= rule.parameters["min_failed"]:
        named = "、".join(failed_label(trip) for trip in failed)
        parts.append(f"{unit}近{months}个月内有{len(failed)}个团组绩效评估不合格：{named}")
    if rule.parameters["overdue_follow_ups"]:
        overdue = [f for f in record.overdue_follow_ups if f.due_on is None or f.due_on < on]
        if overdue:
            parts.append(overdue_text(unit if not parts else "", overdue))
    return [found(rule, "；".join(parts))] if parts else []


def overdue_text(unit: str, overdue: list[OverdueFollowUp]) -> str:
    named = "、".join(
        f"“{f.title}”" + (f"（应于{f.due_on}前报送）" if f.due_on else "")
        for f in overdue
        if f.title
    )
    text = f"{unit}有{len(overdue)}项出访成果跟踪回访逾期未报"
    return f"{text}：{named}" if named else text


def failed_label(trip: FailedTrip) -> str:
    """“title”（2025-03-08回国，评估52.5分）: when it returned (or its year) and its total."""
    details = [
        f"{trip.returned}回国" if trip.returned else f"{trip.year}年" if trip.year else "",
        f"评估{trip.total}分" if trip.total is not None else "",
    ]
    details = [detail for detail in details if detail]
    title = f"“{trip.title}”" if trip.title else "未具名团组"
    return f"{title}（{'，'.join(details)}）" if details else title


Check = Callable[[Plan, Rule, Env], Outcome]

CHECKS: dict[str, Check] = {
    "max_members": check_max_members,
    "max_countries": check_max_countries,
    "max_days": check_max_days,
    "unit_leaders_together": check_unit_leaders_together,
    "unit_leaders_same_country": check_unit_leaders_same_country,
    "substantive_schedule": check_substantive_schedule,
    "invitation": check_invitation,
    "frequency": check_frequency,
    "retired_members": check_retired,
    "passport_kind": check_passport_kind,
    "passport_validity": check_passport_validity,
    "lead_time": check_lead_time,
    "evaluation_record": check_evaluation_record,
}
