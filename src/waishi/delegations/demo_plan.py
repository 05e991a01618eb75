"""The application of one demo delegation: who goes (picked from the demo people so that no rule
blocks), the itinerary, the daily schedule and the budget in CNY within the per-diem standard."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from itertools import cycle

from django.utils import timezone

from waishi.core.crypto import digest
from waishi.core.demo import id_number, make_name
from waishi.delegations import checks
from waishi.delegations.demo_trips import Trip
from waishi.people.models import Passport, Person, Rank
from waishi.people.services import passport_add, person_create
from waishi.policy import selectors as policy_selectors
from waishi.policy.engine.budget import demo_rates
from waishi.policy.engine.rules import add_months, default_regions

# Flights from these countries land in China the day they leave; from elsewhere the next day.
NEAR = frozenset({"JP", "KR", "SG", "MY", "TH", "VN", "KZ", "UZ", "KG", "MN"})
AIRFARE = {"near": 4800, "far": 9800, "africa": 13500, "latin_america": 22000}  # economy, return
BUSINESS_FACTOR = 2.6
SENIOR = (Rank.PROVINCIAL, Rank.BUREAU)
LEADER_POSITIONS = frozenset({"局长", "副局长", "主任", "副主任", "董事长", "总经理"})
FUNDING = {
    "enterprise": "企业自有资金",
    "university": "学校外事经费",
    "investment": "招商引资专项经费",
}
ACTIVITIES = {
    "visit": ["拜会当地政府官员", "与对口部门工作会谈", "考察合作项目现场", "与当地商协会座谈"],
    "investment": ["举办江海市投资推介会", "走访当地重点企业", "与商协会座谈", "一对一项目洽谈"],
    "conference": ["出席开幕式并发言", "参加专题分论坛", "双边会见", "参观展会并洽谈"],
    "training": ["参加培训课程", "案例研讨", "现场教学", "结业交流"],
    "academic_exchange": ["学术讲座与研讨", "参观实验室并座谈", "商谈联合培养项目", "学术交流"],
    "other": ["工作会谈", "实地考察"],
}
# Sizes and ranks of people made when the demo people do not have enough who may travel.
FALLBACK = {
    "leader": ("处长", Rank.COUNTY),
    "member": ("科长", Rank.SECTION),
    "interpreter": ("翻译", Rank.OTHER),
    "academic": ("教授", Rank.OTHER),
}


def itinerary(trip: Trip, leave: dt.date) -> tuple[list[dict], dt.date]:
    """The stops with their dates, and the day the delegation is back in China."""
    countries = {code for code, _city, _nights in trip.stops}
    latin = countries & default_regions()["latin_america"]
    day = leave + dt.timedelta(days=1 if latin else 0)  # a day in the air to Latin America
    stops = []
    for code, city, nights in trip.stops:
        depart = day + dt.timedelta(days=nights)
        stops.append({"country": code, "city": city, "arrive": day, "depart": depart})
        day = depart
    return stops, day + dt.timedelta(days=0 if countries <= NEAR else 1)


def region(trip: Trip) -> str:
    countries = {code for code, _city, _nights in trip.stops}
    regions = default_regions()
    for name in ("latin_america", "africa"):
        if countries & regions[name]:
            return name
    return "near" if countries <= NEAR else "far"


def schedule(trip: Trip, stops: list[dict], leave: dt.date, back: dt.date) -> list[dict]:
    """One entry a day: travel days at each end, official business in between (≥ 2/3)."""
    business = cycle([*trip.objectives, *ACTIVITIES[trip.kind]])
    entries = []
    for offset in range((back - leave).days + 1):
        day = leave + dt.timedelta(days=offset)
        here = [stop for stop in stops if stop["arrive"] <= day]
        if not here:
            entries.append(_entry(day, f"出境，经转飞赴{stops[0]['city']}", "transit"))
        elif day > stops[-1]["depart"]:
            entries.append(_entry(day, "抵达国内，返回江海", "transit"))
        else:
            city = here[-1]["city"]
            text = f"与{trip.inviter}会谈" if offset <= 1 else next(business)
            if day == leave:
                text = f"出境抵达{city}；{text}"
            if day == back:
                text += "；乘机回国"
            entries.append(_entry(day, f"{city}：{text}", "official"))
    return entries


def _entry(day, activity, kind) -> dict:
    return {"date": day, "activity": activity, "kind": kind}


def budget(trip: Trip, unit, stops: list[dict], people: list[Person], leave: dt.date) -> list:
    """Budget items in CNY: lodging, meals and incidentals under the per-diem standard (lodging
    above it when the row says so), air fares by class, visas and insurance."""
    table = policy_selectors.active_per_diem_table()
    rates = checks.active_rates() or demo_rates()
    fx = (rates.on(leave) or rates.tables[0])[1]
    totals = dict.fromkeys(("lodging", "meals", "incidentals"), Decimal(0))
    for stop in stops:
        rate = table.rate_for(stop["country"], stop["city"])
        if rate is None:
            continue
        per = fx.get(rate.currency, Decimal(7)) * len(people)
        nights = (stop["depart"] - stop["arrive"]).days
        totals["lodging"] += rate.lodging * nights * per
        totals["meals"] += rate.meals * nights * per
        totals["incidentals"] += rate.incidentals * nights * per
    factors = {"lodging": "1.25" if trip.over_budget else "0.92", "meals": "0.95"}
    factors["incidentals"] = "0.36" if "transport" in trip.host else "0.9"
    skipped = set(trip.host) | ({"incidentals"} if "meals" in trip.host else set())
    fare = AIRFARE[region(trip)]
    air = sum(fare * (BUSINESS_FACTOR if p.rank in SENIOR else 1) for p in people)
    items = [("international_travel", Decimal(air))]
    if len(stops) > 1:
        items.append(("intercity_travel", Decimal(1600 * len(people) * (len(stops) - 1))))
    items += [
        (kind, totals[kind] * Decimal(factors[kind])) for kind in totals if kind not in skipped
    ]
    items.append(("other", Decimal(900 * len(people))))
    source = _funding(trip, unit)
    return [
        {"kind": kind, "amount": amount.quantize(Decimal(1)), "currency": "CNY",
         "funding_source": source}
        for kind, amount in items
    ]  # fmt: skip


def _funding(trip: Trip, unit) -> str:
    if unit.kind in FUNDING:
        return FUNDING[unit.kind]
    if trip.kind == "investment":
        return FUNDING["investment"]
    return "部门预算（因公出国（境）经费）"


class Picker:
    """Chooses members who may travel: not retired, an official passport valid six months past
    the return, not on another trip at the time, senior cadres not twice in two years, and no
    unit leader to a country another leader of the unit visits within six months. Makes a new
    person (with an official passport) when a unit has nobody left."""

    def __init__(self, *, actor, units, rng):
        self.actor, self.units, self.rng = actor, units, rng
        people = Person.objects.filter(retired=False).select_related("unit").order_by("pk")
        self.people = list(people.prefetch_related("passports"))
        self.valid_until = {p.pk: self._official_expiry(p) for p in self.people}
        self.trips: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
        self.leaders: list[tuple[int, set, dt.date]] = []

    @staticmethod
    def _official_expiry(person) -> dt.date | None:
        dates = [p.expires_on for p in person.passports.all() if p.is_official]
        return max(dates, default=None)

    def members(self, trip: Trip, unit, leave, back, countries: set) -> list[dict]:
        window = (leave - dt.timedelta(days=14), back + dt.timedelta(days=14))
        if trip.late == "passport":  # the passport stays out: no later trip for this group
            window = (window[0], dt.date.max)
        chosen: list[dict] = []
        slots = ["academic" if trip.academic else "leader"]
        slots += ["academic" if trip.academic else "member"] * (trip.size - 1 - trip.interpreter)
        slots += ["interpreter"] * trip.interpreter
        for slot in slots:
            person = self._choose(slot, unit, window, back, countries, chosen, trip)
            self.trips[person.pk].append(window)
            role = (
                "leader" if not chosen else ("interpreter" if slot == "interpreter" else "member")
            )
            flagged = role == "leader" and person.position in LEADER_POSITIONS
            if flagged:
                self.leaders.append((person.unit_id, countries, leave))
            chosen.append(
                {"person": person, "role_in_delegation": role, "unit_leader": flagged,
                 "academic": trip.academic}
            )  # fmt: skip
        return chosen

    def _choose(self, slot, unit, window, back, countries, chosen, trip) -> Person:
        taken = {item["person"].pk for item in chosen}
        pool = [
            p
            for p in self.people
            if p.pk not in taken and self._may_go(p, window, back, countries, slot, unit)
        ]
        if slot == "interpreter":
            pool = [p for p in pool if p.position == "翻译"]
        elif slot == "academic":
            pool = [p for p in pool if p.unit.path.startswith(unit.path) and p.position == "教授"]
        else:
            pool = [p for p in pool if p.unit.path.startswith(unit.path)]
        if slot == "leader":
            senior_first = trip.kind in ("visit", "investment")
            order = Rank.seniority() if senior_first else [Rank.COUNTY, Rank.BUREAU, Rank.SECTION]
            pool = [p for rank in order for p in pool if p.rank == rank]
            pool = pool[:3]
        elif slot == "member":
            pool = [p for p in pool if p.rank not in SENIOR]
        if pool:
            return self.rng.choice(pool)
        return self._make(slot, self.units["WB"] if slot == "interpreter" else unit)

    def _may_go(self, person, window, back, countries, slot, unit) -> bool:
        expires = self.valid_until.get(person.pk)
        if expires is None or expires < add_months(back, 6):
            return False
        trips = self.trips[person.pk]
        if any(start <= window[1] and window[0] <= end for start, end in trips):
            return False
        leave = window[0] + dt.timedelta(days=14)
        if person.rank in SENIOR and any(
            abs((start - window[0]).days) < 745 for start, _e in trips
        ):
            return False
        if slot == "leader" and person.position in LEADER_POSITIONS:
            return not any(
                unit_id == person.unit_id and countries & visited and abs((leave - day).days) < 200
                for unit_id, visited, day in self.leaders
            )
        return True

    def _make(self, slot, unit) -> Person:
        position, rank = FALLBACK[slot]
        sex = self.rng.choice("MF")
        birth = dt.date(self.rng.randint(1968, 1992), self.rng.randint(1, 12), 15)
        person = person_create(
            actor=self.actor,
            name=make_name(self.rng),
            unit=unit,
            sex=sex,
            birth_date=birth,
            position=position,
            rank=rank,
            id_number=id_number(self.rng, birth, sex),
        )
        expires = timezone.localdate() + dt.timedelta(days=self.rng.randint(1900, 2900))
        while True:
            number = f"P{self.rng.randrange(10**7, 10**8)}"
            if not Passport.objects.filter(number_digest=digest(number)).exists():
                break
        passport_add(
            actor=self.actor,
            person=person,
            kind=Passport.Kind.OFFICIAL_ORDINARY,
            number=number,
            expires_on=expires,
            issued_on=expires - dt.timedelta(days=3652),
        )
        person.unit = unit
        self.people.append(person)
        self.valid_until[person.pk] = expires
        return person
