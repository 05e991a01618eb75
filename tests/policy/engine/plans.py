"""Plans for the engine tests: a compliant one-country plan to start from, and small builders."""

import copy
import datetime as dt

from waishi.policy.engine import check, parse_plan

CONTRACT_EXAMPLE = {
    "title": "Hamburg port cooperation visit",
    "organising_unit": "市商务局",
    "trip_type": "visit",
    "submitted_on": "2026-01-05",
    "stops": [
        {"country": "DE", "city": "Hamburg", "arrive": "2026-03-02", "depart": "2026-03-04"},
        {
            "country": "NL",
            "city": "Rotterdam",
            "arrive": "2026-03-04",
            "depart": "2026-03-06",
            "airside_transit": False,
        },
    ],
    "leave_china": "2026-03-01",
    "return_china": "2026-03-06",
    "members": [
        {
            "name": "张伟",
            "unit": "市商务局",
            "position": "局长",
            "rank": "county",
            "unit_leader": True,
            "retired": False,
            "trips": ["2025-04-10"],
        }
    ],
    "invitation": {"from": "Hamburg Port Authority", "kind": "counterpart"},
    "host_provides": [],
    "budget": {"currency": "CNY", "items": [{"kind": "lodging", "amount": 6000}]},
}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def member(index: int = 0, **fields) -> dict:
    person = {
        "name": f"{SURNAMES[index % len(SURNAMES)]}{'明华强军平'[index % 5]}{index}",
        "unit": "市商务局",
        "position": "处长",
        "rank": "county",
    }
    person.update(fields)
    return person


def tokyo_plan(days: int = 5, members: int = 1, **fields) -> dict:
    """A compliant trip to Tokyo: `days` days abroad, counted inclusively, one country."""
    leave = dt.date(2026, 5, 10)
    back = leave + dt.timedelta(days=days - 1)
    plan = {
        "title": "东京经贸交流",
        "organising_unit": "市商务局",
        "trip_type": "visit",
        "submitted_on": "2026-02-01",
        "leave_china": leave.isoformat(),
        "return_china": back.isoformat(),
        "stops": [
            {
                "country": "JP",
                "city": "东京",
                "arrive": leave.isoformat(),
                "depart": back.isoformat(),
            }
        ],
        "members": [member(i) for i in range(members)],
        "invitation": {"from": "東京都産業労働局", "kind": "counterpart"},
    }
    plan.update(fields)
    return plan


def trip(stops: list[tuple[str, str, int, int, bool]], days: int, **fields) -> dict:
    """A plan from (country, city, first day, last day, airside) stops; day 0 = leaving China."""
    leave = dt.date(2026, 6, 1)

    def on(offset):
        return (leave + dt.timedelta(days=offset)).isoformat()

    plan = tokyo_plan(days=days, **fields)
    plan["stops"] = [
        {"country": c, "city": city, "arrive": on(a), "depart": on(d), "airside_transit": air}
        for c, city, a, d, air in stops
    ]
    plan["leave_china"], plan["return_china"] = on(0), on(days - 1)
    return plan


def result_of(plan: dict, **kwargs):
    return check(parse_plan(copy.deepcopy(plan)), **kwargs)


def rules_found(plan: dict, severity: str | None = None, **kwargs) -> list[str]:
    return [
        f.rule
        for f in result_of(plan, **kwargs).findings
        if severity is None or f.severity == severity
    ]


def not_checked(plan: dict, **kwargs) -> list[str]:
    return [entry.rule for entry in result_of(plan, **kwargs).not_checked]
