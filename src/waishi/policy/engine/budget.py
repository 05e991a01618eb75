"""The spending standard for a whole delegation, and the claimed budget compared with it
(财行〔2013〕516号; lodging caps adjusted by 财行〔2017〕434号).

- Lodging: each stop's cap per night (city row, else 其他城市, else whole country) × the stop's
  nights (arrive → depart) × members.
- Meals and incidentals: lump sums per day × members, days from leaving to re-entering China, both
  counted. Each day is allocated to one stop: the stop where the delegation is at the end of that
  day, i.e. the last stop arrived at on or before it (a day of moving on goes to the stop reached).
  Days before the first arrival (the outbound flight) go to the first stop, days after the last
  departure (the flight home) to the last stop. Airside transits get no days.
- Host provides meals → no meals and no incidentals; host provides only transport → incidentals
  at 40 % (a parameter); host provides lodging → no lodging.
- Amounts stay in the table's currency. A claimed amount in another currency is converted with
  the administrator's dated exchange-rate table; without a rate the comparison is not made.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

from waishi.policy.engine.plan import Plan, Stop
from waishi.policy.engine.rules import NotChecked, Outcome, country_label, found
from waishi.policy.engine.ruleset import Rule
from waishi.policy.perdiem import PerDiemTable, Rate

DEMO_RATES_FILE = Path(__file__).resolve().parent.parent / "data" / "exchange_rates_demo.json"
KINDS = ("lodging", "meals", "incidentals")
KIND_ZH = {"lodging": "住宿费", "meals": "伙食费", "incidentals": "公杂费"}
CENT = Decimal("0.01")
# Used when a rule set has no budget rule: the standard is still priced, nothing is compared.
DEFAULT_PARAMETERS = {
    "transport_only_incidentals_share": "0.4",
    "air_class": {"provincial": "first", "bureau": "business"},
    "air_class_default": "economy",
}


class ExchangeRates:
    """Dated tables of 'CNY per one unit of a currency'. The table used for a trip is the latest
    one dated on or before the day the delegation leaves China."""

    def __init__(self, tables: list[tuple[dt.date, dict[str, Decimal]]], label: str, demo: bool):
        self.tables = sorted(tables, key=lambda table: table[0])
        self.label, self.demo = label, demo

    @classmethod
    def from_dict(cls, data: dict) -> ExchangeRates:
        tables = [
            (
                dt.date.fromisoformat(table["date"]),
                {code: Decimal(str(value)) for code, value in table["rates"].items()},
            )
            for table in data["tables"]
        ]
        return cls(tables, label=str(data.get("label", "")), demo=bool(data.get("demo")))

    def on(self, day: dt.date) -> tuple[dt.date, dict[str, Decimal]] | None:
        usable = [table for table in self.tables if table[0] <= day]
        return usable[-1] if usable else None


@cache
def demo_rates() -> ExchangeRates:
    with DEMO_RATES_FILE.open(encoding="utf-8") as handle:
        return ExchangeRates.from_dict(json.load(handle))


def number(value: Decimal) -> int | float:
    """JSON numbers: integers when whole, else floats with two decimals."""
    value = value.quantize(CENT, rounding=ROUND_HALF_UP)
    return int(value) if value == value.to_integral_value() else float(value)


@dataclass(slots=True)
class Priced:
    budget: dict
    outcome: Outcome


def price(
    plan: Plan, rule: Rule | None, table: PerDiemTable, rates: ExchangeRates | None
) -> Priced:
    parameters = rule.parameters if rule is not None else DEFAULT_PARAMETERS
    rule_id = rule.id if rule is not None else "budget_standard"
    share = Decimal(str(parameters["transport_only_incidentals_share"]))
    rated = [(stop, table.rate_for(stop.country, stop.city)) for stop in plan.stops]
    days = allocate_days(plan)
    standard: dict[str, dict[str, Decimal]] = {}
    outcome: Outcome = []
    stops = []
    for index, (stop, rate) in enumerate(rated):
        stops.append(stop_entry(stop, rate, days[index]))
        if not (stop.nights or days[index]):
            continue  # an airside transit costs nothing in this standard
        if rate is None:
            outcome.append(NotChecked(rule_id, no_rate_reason(stop)))
        else:
            add_stop(standard, plan, stop, rate, days[index], share)
    claimed = claimed_amounts(plan)
    over: list[dict] = []
    if rule is not None:
        outcome += compare(plan, rule, standard, claimed, rates, complete=not outcome, over=over)
    budget = {
        "days": plan.days,
        "nights": sum(stop.nights for stop in plan.stops),
        "standard": amounts_json(standard),
        "claimed": amounts_json(claimed),
        "over_standard": over,
        "air_class": air_classes(plan, parameters),
        "stops": stops,
        "table": table.label,
    }
    return Priced(budget, outcome)


def allocate_days(plan: Plan) -> list[int]:
    """Days (leave → return, inclusive) per stop index; see the module docstring."""
    staying = [i for i, stop in enumerate(plan.stops) if not stop.airside_transit]
    staying = staying or list(range(len(plan.stops)))
    counts = [0] * len(plan.stops)
    position = 0
    for offset in range(plan.days):
        day = plan.leave_china + dt.timedelta(days=offset)
        while position + 1 < len(staying) and plan.stops[staying[position + 1]].arrive <= day:
            position += 1
        counts[staying[position]] += 1
    return counts


def add_stop(
    standard: dict, plan: Plan, stop: Stop, rate: Rate, days: int, transport_share: Decimal
) -> None:
    people, provided = len(plan.members), plan.host_provides
    amounts = standard.setdefault(rate.currency, dict.fromkeys(KINDS, Decimal(0)))
    if "lodging" not in provided:
        amounts["lodging"] += rate.lodging * stop.nights * people
    if "meals" not in provided:
        amounts["meals"] += rate.meals * days * people
        share = transport_share if "transport" in provided else Decimal(1)
        amounts["incidentals"] += rate.incidentals * days * people * share


def no_rate_reason(stop: Stop) -> str:
    return (
        f"开支标准表中没有{country_label(stop.country)}（{stop.country}）的标准，"
        "须参照相近国家标准人工核定；该站费用未计入，预算未比对"
    )


def stop_entry(stop: Stop, rate: Rate | None, days: int) -> dict:
    entry = {
        "country": stop.country,
        "city": stop.city,
        "nights": stop.nights,
        "days": days,
        "rate": None,
    }
    if rate is not None:
        entry["rate"] = {
            "row": "、".join(rate.cities) or ("其他城市" if rate.other_cities else "全国"),
            "currency": rate.currency,
            "lodging": number(rate.lodging),
            "meals": number(rate.meals),
            "incidentals": number(rate.incidentals),
        }
    return entry


def claimed_amounts(plan: Plan) -> dict[str, dict[str, Decimal]]:
    claimed: dict[str, dict[str, Decimal]] = {}
    for item in plan.budget or ():
        kinds = claimed.setdefault(item.currency, {})
        kinds[item.kind] = kinds.get(item.kind, Decimal(0)) + item.amount
    return claimed


def amounts_json(amounts: dict[str, dict[str, Decimal]]) -> dict:
    return {
        cur: {kind: number(value) for kind, value in kinds.items()}
        for cur, kinds in amounts.items()
    }


def air_classes(plan: Plan, parameters) -> list[dict]:
    classes, default = parameters["air_class"], parameters["air_class_default"]
    return [
        {"name": member.name, "rank": member.rank, "air_class": classes.get(member.rank, default)}
        for member in plan.members
    ]


def compare(plan, rule, standard, claimed, rates, *, complete: bool, over: list) -> Outcome:
    """Each claimed lodging/meals/incidentals total against the standard, in one currency."""
    if not plan.budget:
        return [NotChecked(rule.id, "计划未提供预算明细（budget.items），未与标准比对")]
    if not complete:
        return []  # the standard misses a stop; comparing would call an honest budget over
    outcome: Outcome = []
    for kind in KINDS:
        spent = {cur: kinds[kind] for cur, kinds in claimed.items() if kind in kinds}
        if not spent:
            continue
        allowed = {cur: kinds[kind] for cur, kinds in standard.items()}
        target = next(iter(allowed)) if len(allowed) == 1 else "CNY"
        totals = convert_all(plan, rates, target, allowed, spent)
        if totals is None:
            outcome.append(NotChecked(rule.id, no_exchange_reason(kind, allowed, spent, target)))
            continue
        limit, asked = totals
        if asked > limit:
            entry = over_entry(kind, target, limit, asked, spent)
            over.append(entry)
            outcome.append(found(rule, over_message(entry, rates_note(plan, rates, spent, target))))
    return outcome


def convert_all(plan, rates, target, allowed, spent) -> tuple[Decimal, Decimal] | None:
    currencies = set(allowed) | set(spent)
    if currencies == {target}:
        return allowed.get(target, Decimal(0)), spent.get(target, Decimal(0))
    table = rates.on(plan.leave_china) if rates is not None else None
    if table is None or not currencies <= set(table[1]) or not table[1].get(target):
        return None
    per_unit = table[1]

    def total(amounts):
        return sum(
            (amount * per_unit[cur] / per_unit[target] for cur, amount in amounts.items()),
            Decimal(0),
        ).quantize(CENT, rounding=ROUND_HALF_UP)

    return total(allowed), total(spent)


def over_entry(kind, target, limit, asked, spent) -> dict:
    return {
        "kind": kind,
        "currency": target,
        "standard": number(limit),
        "claimed": number(asked),
        "excess": number(asked - limit),
        "claimed_as": {cur: number(amount) for cur, amount in spent.items()},
    }


def over_message(entry: dict, note: str) -> str:
    cur = entry["currency"]
    return (
        f"{KIND_ZH[entry['kind']]}申报{entry['claimed']} {cur}{note}，超过标准"
        f"{entry['standard']} {cur}，超出{entry['excess']} {cur}"
    )


def rates_note(plan, rates, spent, target) -> str:
    if set(spent) == {target}:
        return ""
    day, _ = rates.on(plan.leave_china)
    demo = "演示" if rates.demo else ""
    shown = "、".join(f"{number(amount)} {cur}" for cur, amount in spent.items())
    return f"（{shown}，按{day}{demo}汇率折算）"


def no_exchange_reason(kind, allowed, spent, target) -> str:
    currencies = "、".join(sorted(set(allowed) | set(spent)))
    return f"{KIND_ZH[kind]}：汇率表中没有{currencies}的适用汇率，未折算为{target}比对"
