"""Benchmark: the policy check of one plan in-process (parse + rules + budget).

    python bench/policy_check.py [--plans 10000] [--seed 1]

Generates plans like real applications (1-4 stops, 1-8 members, schedules, passports, budgets in
CNY or the table's currency), checks each one on its own, and prints the median, p95 and max time
per plan. The target (issue 3): median under 1 ms over 10,000 plans.
"""

import argparse
import datetime as dt
import random
import statistics
import sys
import time

from waishi.policy.engine import check, default_ruleset, parse_plan
from waishi.policy.perdiem import default_table

PLACES = [
    ("JP", "东京"),
    ("JP", "大阪"),
    ("KR", "首尔"),
    ("DE", "Hamburg"),
    ("DE", "慕尼黑"),
    ("FR", "巴黎"),
    ("NL", "Rotterdam"),
    ("GB", "伦敦"),
    ("US", "New York"),
    ("BR", "圣保罗"),
    ("KZ", "阿拉木图"),
    ("UZ", ""),
    ("KE", "内罗毕"),
    ("ZA", ""),
    ("AE", "迪拜"),
    ("SG", ""),
]
RANKS = ["provincial", "bureau", "county", "county", "section", "other"]
TRIP_TYPES = ["visit", "investment", "conference", "training", "academic_exchange", "other"]
SCHEDULE_KINDS = ["official", "official", "official", "transit", "rest", "sightseeing"]


def generate(rng: random.Random) -> dict:
    leave = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(700))
    day, stops = leave + dt.timedelta(days=rng.randrange(2)), []
    for _ in range(rng.randint(1, 4)):
        country, city = rng.choice(PLACES)
        airside = rng.random() < 0.1
        stay = 0 if airside else rng.randint(1, 3)
        depart = day + dt.timedelta(days=stay)
        stops.append(
            {
                "country": country,
                "city": city,
                "arrive": str(day),
                "depart": str(depart),
                "airside_transit": airside,
            }
        )
        day = depart
    back = day + dt.timedelta(days=rng.randrange(2))
    days = (back - leave).days + 1
    members = [
        {
            "name": f"成员{i}",
            "unit": rng.choice(["市商务局", "市教育局"]),
            "rank": rng.choice(RANKS),
            "unit_leader": rng.random() < 0.2,
            "retired": rng.random() < 0.02,
            "academic": rng.random() < 0.5,
            "trips": [str(leave - dt.timedelta(days=rng.randint(30, 1500))) for _ in range(2)],
            "passport": {
                "kind": rng.choice(["official", "service", "private"]),
                "expires": str(back + dt.timedelta(days=rng.randint(30, 2000))),
            },
        }
        for i in range(rng.randint(1, 8))
    ]
    return {
        "title": "基准团组",
        "organising_unit": "市商务局",
        "trip_type": rng.choice(TRIP_TYPES),
        "submitted_on": str(leave - dt.timedelta(days=rng.randint(20, 120))),
        "leave_china": str(leave),
        "return_china": str(back),
        "stops": stops,
        "members": members,
        "invitation": {"from": "Partner", "kind": rng.choice(["counterpart", "intermediary"])},
        "host_provides": rng.sample(["meals", "transport", "lodging"], rng.randint(0, 1)),
        "schedule": [
            {
                "date": str(leave + dt.timedelta(days=d)),
                "activity": "活动",
                "kind": rng.choice(SCHEDULE_KINDS),
            }
            for d in range(days)
        ],
        "budget": {
            "currency": rng.choice(["CNY", "EUR", "USD"]),
            "items": [
                {"kind": kind, "amount": rng.randint(1000, 90000)}
                for kind in ("lodging", "meals", "incidentals", "international_travel")
            ],
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    plans = [generate(rng) for _ in range(args.plans)]
    ruleset, table = default_ruleset(), default_table()
    check(parse_plan(plans[0]), ruleset, table=table)  # warm the caches (tables, codes, rates)
    timings, blocked = [], 0
    for plan in plans:
        start = time.perf_counter_ns()
        result = check(parse_plan(plan), ruleset, table=table)
        timings.append((time.perf_counter_ns() - start) / 1e6)
        blocked += not result.compliant
    timings.sort()
    median = statistics.median(timings)
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"policy check, {len(plans)} generated plans ({blocked} blocked), parse + rules + budget:"
    )
    print(f"  median {median:.3f} ms   p95 {p95:.3f} ms   max {timings[-1]:.3f} ms")
    print(f"  target median < 1 ms: {'met' if median < 1 else 'MISSED'}")
    return 0 if median < 1 else 1


if __name__ == "__main__":
    sys.exit(main())
