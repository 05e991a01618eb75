"""Properties of the engine over generated plans (hypothesis)."""

import copy
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from waishi.policy.engine.plan import RANKS, TRIP_TYPES

from .plans import member, result_of

COUNTRIES = ["JP", "KR", "DE", "FR", "NL", "US", "BR", "MX", "KE", "ZA", "EG", "AE", "AQ"]
CITIES = {"JP": "东京", "KR": "首尔", "DE": "汉堡", "US": "纽约", "BR": "圣保罗"}


@st.composite
def plans(draw):
    leave = dt.date(2025, 1, 1) + dt.timedelta(days=draw(st.integers(0, 700)))
    day = leave + dt.timedelta(days=draw(st.integers(0, 1)))
    stops = []
    for _ in range(draw(st.integers(1, 5))):
        country = draw(st.sampled_from(COUNTRIES))
        airside = draw(st.booleans()) and draw(st.booleans())
        stay = 0 if airside else draw(st.integers(0, 4))
        stops.append(
            {
                "country": country,
                "city": CITIES.get(country, ""),
                "arrive": day.isoformat(),
                "depart": (day + dt.timedelta(days=stay)).isoformat(),
                "airside_transit": airside,
            }
        )
        day += dt.timedelta(days=stay)
    back = day + dt.timedelta(days=draw(st.integers(0, 2)))
    size = draw(st.integers(1, 9))
    academic = draw(st.booleans())
    members = [
        member(
            i,
            rank=draw(st.sampled_from(RANKS)),
            academic=academic or draw(st.booleans()),
            unit_leader=draw(st.booleans()) and draw(st.booleans()),
        )
        for i in range(size)
    ]
    return {
        "title": "生成的团组",
        "organising_unit": "市商务局",
        "trip_type": draw(st.sampled_from(TRIP_TYPES)),
        "leave_china": leave.isoformat(),
        "return_china": back.isoformat(),
        "stops": stops,
        "members": members,
        "host_provides": draw(st.lists(st.sampled_from(["meals", "transport", "lodging"]))),
    }


def rules_of(plan):
    return {finding.rule for finding in result_of(plan).findings}


@settings(max_examples=150, deadline=None)
@given(plans())
def test_adding_a_member_never_removes_a_size_finding(plan):
    before = "delegation_size" in rules_of(plan)
    bigger = copy.deepcopy(plan)
    bigger["members"].append(member(99, rank="other"))
    assert not before or "delegation_size" in rules_of(bigger)


@settings(max_examples=150, deadline=None)
@given(plans(), st.integers(1, 5))
def test_extending_a_trip_never_removes_a_days_finding(plan, extra):
    before = "days_abroad" in rules_of(plan)
    longer = copy.deepcopy(plan)
    back = dt.date.fromisoformat(plan["return_china"]) + dt.timedelta(days=extra)
    longer["return_china"] = back.isoformat()
    longer["stops"][-1]["depart"] = back.isoformat()
    assert not before or "days_abroad" in rules_of(longer)


@settings(max_examples=150, deadline=None)
@given(plans())
def test_days_are_counted_inclusively_and_every_day_is_priced_once(plan):
    budget = result_of(plan).budget
    leave = dt.date.fromisoformat(plan["leave_china"])
    back = dt.date.fromisoformat(plan["return_china"])
    assert budget["days"] == (back - leave).days + 1
    assert sum(stop["days"] for stop in budget["stops"]) == budget["days"]


@settings(max_examples=150, deadline=None)
@given(plans())
def test_compliant_exactly_when_no_finding_blocks(plan):
    result = result_of(plan).as_dict()
    assert result["compliant"] == (not any(f["severity"] == "block" for f in result["findings"]))
