"""Synthetic delegations for benchmarks, in bulk: 200,000 delegations with 1,000,000 member rows
and 1–3 itinerary stops each, over ten years, on top of bench.generate's units and people.

    python -m bench.generate_delegations [--delegations 200000] [--members 1000000]

Uses DATABASE_URL when set, else SQLite in $WAISHI_DATA_DIR (default: <tmp>/waishi-bench).
Idempotent: a database that already holds the data set is left as it is.

A benchmark data set, not an application history: rows go in with bulk_create, bypassing the
services. `Delegation.save()` guards the status against changes outside the workflow; bulk_create
inserts without calling save(), so each row is born in its final state (as a data import would),
and no saved row's status is ever changed behind the workflow's back.
"""

import argparse
import random
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as day_time

from bench.generate import ROOT_CODE, analyse
from bench.generate import generate as generate_people

BATCH = 2000
YEARS = 10
# (ISO code, Chinese name, cities), weighted by how often a city's delegations go there.
COUNTRIES = [
    ("DE", "德国", ["汉堡", "慕尼黑", "柏林"], 9),
    ("NL", "荷兰", ["鹿特丹", "阿姆斯特丹"], 5),
    ("FR", "法国", ["巴黎", "里昂"], 6),
    ("GB", "英国", ["伦敦", "曼彻斯特"], 5),
    ("IT", "意大利", ["米兰", "罗马"], 4),
    ("JP", "日本", ["东京", "大阪", "名古屋"], 10),
    ("KR", "韩国", ["首尔", "釜山"], 9),
    ("SG", "新加坡", ["新加坡"], 6),
    ("KZ", "哈萨克斯坦", ["阿拉木图", "阿斯塔纳"], 3),
    ("UZ", "乌兹别克斯坦", ["塔什干"], 2),
    ("KE", "肯尼亚", ["内罗毕"], 2),
    ("ET", "埃塞俄比亚", ["亚的斯亚贝巴"], 2),
    ("ZA", "南非", ["约翰内斯堡"], 2),
    ("BR", "巴西", ["圣保罗"], 2),
    ("CL", "智利", ["圣地亚哥"], 1),
    ("AU", "澳大利亚", ["悉尼"], 3),
    ("TH", "泰国", ["曼谷"], 4),
    ("HU", "匈牙利", ["布达佩斯"], 2),
]
WEIGHTS = [c[3] for c in COUNTRIES]
NAMES = {c[0]: c[1] for c in COUNTRIES}
PURPOSES = ["开展经贸交流", "开展友城交流", "参加投资促进活动", "考察合作项目", "参加国际会议"]
TRIP_TYPES = ["visit", "investment", "conference", "training", "academic_exchange", "other"]
SENIORITY = ["provincial", "bureau", "county", "section", "other"]
# Final states by where the trip stands in time: (state, weight).
PAST = [
    ("archived", 55),
    ("evaluated", 15),
    ("report_filed", 10),
    ("rejected", 6),
    ("withdrawn", 6),
    ("cancelled", 5),
    ("returned_home", 3),
]
RECENT = [("returned_home", 50), ("report_filed", 40), ("withdrawn", 5), ("cancelled", 5)]
FUTURE = [
    ("draft", 25),
    ("submitted", 15),
    ("head_signed", 15),
    ("returned", 10),
    ("approved", 25),
    ("withdrawn", 5),
    ("rejected", 5),
]
APPROVED_STATES = {
    "approved",
    "cancelled",
    "abroad",
    "returned_home",
    "report_filed",
    "evaluated",
    "archived",
}
RETURNED_STATES = {"returned_home", "report_filed", "evaluated", "archived"}


def member_sizes(rng: random.Random, delegations: int, members: int) -> list[int]:
    """Sizes 1–6 that add up to exactly `members` (moves of one member keep the total)."""
    base, extra = divmod(members, delegations)
    sizes = [base + (i < extra) for i in range(delegations)]
    for _ in range(delegations):
        a, b = rng.randrange(delegations), rng.randrange(delegations)
        if sizes[a] < 6 and sizes[b] > 1:
            sizes[a], sizes[b] = sizes[a] + 1, sizes[b] - 1
    return sizes


def final_state(rng: random.Random, leave: date, back: date, today: date) -> str:
    if leave > today:
        table = FUTURE
    elif back >= today:
        return "abroad"
    else:
        table = RECENT if (today - back).days < 60 else PAST
    states, weights = zip(*table, strict=True)
    return rng.choices(states, weights)[0]


def make_stops(rng: random.Random, leave: date) -> tuple[list[dict], date]:
    picked = rng.choices(range(len(COUNTRIES)), WEIGHTS, k=rng.choice((1, 1, 2, 2, 3)))
    stops, day = [], leave
    for index in dict.fromkeys(picked):
        code, _name, cities, _weight = COUNTRIES[index]
        nights = rng.randint(1, 3)
        depart = day + timedelta(days=nights)
        stops.append({"country": code, "city": rng.choice(cities), "arrive": day, "depart": depart})
        day = depart
    return stops, day + timedelta(days=rng.choice((0, 1)))


def aware(day: date, hour: int = 10) -> datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, day_time(hour)))


class Builder:
    """Makes one batch of delegations with their members and stops."""

    def __init__(self, rng, units, people, today):
        self.rng, self.units, self.people, self.today = rng, units, people, today
        self.first = today - timedelta(days=YEARS * 365 - 180)
        self.span = YEARS * 365
        self.serial = 0

    def delegation(self, size: int):
        from waishi.delegations.models import Delegation

        rng = self.rng
        leave = self.first + timedelta(days=rng.randrange(self.span))
        stops, back = make_stops(rng, leave)
        chosen = rng.sample(self.people, size)
        state = final_state(rng, leave, back, self.today)
        names = "、".join(
            dict.fromkeys(c[1] for c in COUNTRIES for s in stops if s["country"] == c[0])
        )
        self.serial += 1
        row = Delegation(
            title=f"赴{names}{rng.choice(PURPOSES)}",
            organising_unit_id=rng.choice(self.units),
            leader_id=chosen[0][0],
            purpose="基准测试数据",
            trip_type=rng.choice(TRIP_TYPES),
            leave_china=leave,
            return_china=back,
            invitation_from="外方对口单位",
            invitation_kind="counterpart",
            status=state,
            top_rank=min((p[2] for p in chosen), key=SENIORITY.index),
            member_count=size,
            submitted_at=None if state == "draft" else aware(leave - timedelta(days=75)),
        )
        if state in APPROVED_STATES:
            row.approved_at = aware(leave - timedelta(days=30))
            row.approval_number = f"基准外字〔{row.approved_at.year}〕{self.serial:07d}号"
        if state in RETURNED_STATES or state == "abroad":
            row.departed_on = leave
        if state in RETURNED_STATES:
            row.returned_at = back
        return row, chosen, stops

    def batch(self, sizes: list[int]) -> tuple[int, int]:
        from django.db import transaction

        from waishi.delegations.models import Delegation, DelegationMember, ItineraryStop

        made = [self.delegation(size) for size in sizes]
        with transaction.atomic():
            rows = Delegation.objects.bulk_create([row for row, _m, _s in made])
            members = [
                DelegationMember(
                    delegation=row,
                    person_id=person_id,
                    order=i,
                    role_in_delegation="leader" if i == 0 else "member",
                    unit_id=unit_id,
                    position=position,
                    rank=rank,
                    unit_leader=i == 0,
                )
                for row, (_r, chosen, _s) in zip(rows, made, strict=True)
                for i, (person_id, unit_id, rank, position) in enumerate(chosen)
            ]
            DelegationMember.objects.bulk_create(members, batch_size=5000)
            stops = [
                ItineraryStop(delegation=row, order=i, **stop)
                for row, (_r, _m, trip_stops) in zip(rows, made, strict=True)
                for i, stop in enumerate(trip_stops)
            ]
            ItineraryStop.objects.bulk_create(stops, batch_size=5000)
        return len(members), len(stops)


def existing(root) -> int:
    from waishi.delegations.models import Delegation

    return Delegation.objects.filter(organising_unit__path__startswith=root.path).count()


def generate(
    *, delegations: int = 200_000, members: int = 1_000_000, seed: int = 3, out=sys.stdout
) -> bool:
    """Create the data set unless it is there (people first, via bench.generate)."""
    from django.utils import timezone

    from waishi.core.models import Unit
    from waishi.people.models import Person

    generate_people(out=out)
    root = Unit.objects.get(code=ROOT_CODE)
    have = existing(root)
    if have >= delegations:
        print(f"reusing {have} delegations in {ROOT_CODE}", file=out)
        return False
    if have:
        raise SystemExit(
            f"a partial data set ({have} delegations) is in the way; use a fresh database"
        )
    rng = random.Random(seed)
    units = list(Unit.objects.filter(path__startswith=root.path).values_list("pk", flat=True))
    people = list(
        Person.objects.filter(unit__path__startswith=root.path).values_list(
            "pk", "unit_id", "rank", "position"
        )
    )
    builder = Builder(rng, units, people, timezone.localdate())
    sizes = member_sizes(rng, delegations, members)
    started, totals = time.perf_counter(), [0, 0]
    for start in range(0, delegations, BATCH):
        made = builder.batch(sizes[start : start + BATCH])
        totals = [totals[0] + made[0], totals[1] + made[1]]
        done = min(start + BATCH, delegations)
        if done % 20_000 == 0 or done == delegations:
            print(
                f"  {done:>7} delegations, {totals[0]:>8} members, {totals[1]:>7} stops"
                f"  ({time.perf_counter() - started:.0f} s)",
                file=out,
                flush=True,
            )
    analyse()
    took = time.perf_counter() - started
    print(
        f"generated {delegations} delegations, {totals[0]} members, {totals[1]} stops "
        f"in {took:.0f} s",
        file=out,
    )
    return True


def main(argv=None) -> int:
    from bench import setup_django

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delegations", type=int, default=200_000)
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"database: {setup_django()}")
    generate(delegations=args.delegations, members=args.members, seed=args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
