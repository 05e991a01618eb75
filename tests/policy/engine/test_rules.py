"""Each rule of the default rule set, on both sides of its boundary."""

import datetime as dt

import pytest

from waishi.policy.engine import LeaderTrip, default_ruleset

from .plans import result_of, rules_found, tokyo_plan, trip


def test_the_plain_tokyo_plan_breaks_no_rule():
    result = result_of(tokyo_plan())
    assert result.findings == ()
    assert result.compliant


def test_six_people_interpreter_included_may_travel():
    assert "delegation_size" not in rules_found(tokyo_plan(members=6))


def test_seven_people_are_blocked():
    result = result_of(tokyo_plan(members=7))
    size = [f for f in result.findings if f.rule == "delegation_size"]
    assert [f.severity for f in size] == ["block"]
    assert "7人" in size[0].message
    assert "中办发〔2013〕16号" in size[0].basis
    assert not result.compliant


def test_three_countries_are_allowed_four_are_blocked():
    three = [("DE", "柏林", 0, 2, False), ("FR", "巴黎", 2, 4, False), ("BE", "", 4, 6, False)]
    assert "countries" not in rules_found(trip(three, days=7))
    four = [*three[:2], ("BE", "", 4, 5, False), ("NL", "", 5, 6, False)]
    assert "countries" in rules_found(trip(four, days=7), "block")


def test_an_airside_transit_does_not_count_as_a_country():
    stops = [
        ("AE", "迪拜", 0, 0, True),
        ("DE", "柏林", 0, 2, False),
        ("FR", "巴黎", 2, 4, False),
        ("BE", "", 4, 6, False),
    ]
    assert "countries" not in rules_found(trip(stops, days=7))


def test_a_transit_that_leaves_the_airport_counts_as_a_country():
    stops = [
        ("AE", "迪拜", 0, 1, False),
        ("DE", "柏林", 1, 2, False),
        ("FR", "巴黎", 2, 4, False),
        ("BE", "", 4, 6, False),
    ]
    finding = [f for f in result_of(trip(stops, days=7)).findings if f.rule == "countries"]
    assert finding and "阿拉伯联合酋长国" in finding[0].message


def test_two_stops_in_one_country_count_once():
    stops = [("JP", "东京", 0, 2, False), ("JP", "大阪", 2, 4, False)]
    assert "countries" not in rules_found(trip(stops, days=5))
    assert "days_abroad" not in rules_found(trip(stops, days=5))


def test_one_country_allows_five_days_not_six():
    assert "days_abroad" not in rules_found(tokyo_plan(days=5))
    blocked = [f for f in result_of(tokyo_plan(days=6)).findings if f.rule == "days_abroad"]
    assert [f.severity for f in blocked] == ["block"]
    assert "在外6天" in blocked[0].message and "上限为5天" in blocked[0].message


@pytest.mark.parametrize(("countries", "allowed"), [(2, 8), (3, 10)])
def test_more_countries_allow_more_days(countries, allowed):
    codes = ["DE", "FR", "BE"][:countries]
    stops = [(code, "", i * 2, i * 2 + 2, False) for i, code in enumerate(codes)]
    assert "days_abroad" not in rules_found(trip(stops, days=allowed))
    assert "days_abroad" in rules_found(trip(stops, days=allowed + 1))


def test_latin_america_adds_one_day():
    brazil = [("BR", "圣保罗", 0, 5, False)]
    assert "days_abroad" not in rules_found(trip(brazil, days=6))
    blocked = [f for f in result_of(trip(brazil, days=7)).findings if f.rule == "days_abroad"]
    assert blocked and "赴拉美、非洲增加1天" in blocked[0].message


def test_africa_adds_one_day_for_two_countries_too():
    stops = [("KE", "内罗毕", 0, 4, False), ("ET", "", 4, 8, False)]
    assert "days_abroad" not in rules_found(trip(stops, days=9))
    assert "days_abroad" in rules_found(trip(stops, days=10))


def test_the_united_states_get_no_extra_day():
    assert "days_abroad" in rules_found(trip([("US", "纽约", 0, 5, False)], days=6))


def test_an_airside_transit_in_africa_gives_no_extra_day():
    stops = [("ET", "", 0, 0, True), ("DE", "柏林", 1, 5, False)]
    assert "days_abroad" in rules_found(trip(stops, days=6))


def academic_plan(*, all_academic=True, trip_type="academic_exchange"):
    plan = tokyo_plan(days=9, members=8, trip_type=trip_type)
    for index, person in enumerate(plan["members"]):
        person["academic"] = all_academic or index > 0
    return plan


def test_academic_exchange_by_teaching_staff_is_exempt_and_says_so():
    result = result_of(academic_plan())
    assert result.compliant
    exemption = [f for f in result.findings if f.rule == "academic_exchange_exemption"]
    assert [f.severity for f in exemption] == ["info"]
    assert "厅字〔2016〕17号" in exemption[0].basis
    assert "团组人数" in exemption[0].message


def test_one_non_academic_member_removes_the_exemption():
    found = rules_found(academic_plan(all_academic=False), "block")
    assert {"delegation_size", "days_abroad"} <= set(found)
    assert "academic_exchange_exemption" not in rules_found(academic_plan(all_academic=False))


def test_academics_on_a_plain_visit_get_no_exemption():
    assert "delegation_size" in rules_found(academic_plan(trip_type="visit"))


def test_two_leaders_of_one_unit_may_not_travel_together():
    plan = tokyo_plan(members=3)
    plan["members"][0]["unit_leader"] = True
    plan["members"][1]["unit_leader"] = True
    findings = [f for f in result_of(plan).findings if f.rule == "unit_leaders_together"]
    assert [f.severity for f in findings] == ["block"]
    assert plan["members"][0]["name"] in findings[0].message


def test_leaders_of_different_units_may_travel_together():
    plan = tokyo_plan(members=2)
    plan["members"][0].update(unit_leader=True, unit="市商务局")
    plan["members"][1].update(unit_leader=True, unit="市教育局")
    assert "unit_leaders_together" not in rules_found(plan)


def test_the_six_month_rule_is_not_checked_without_past_delegations():
    result = result_of(tokyo_plan())
    assert "unit_leaders_same_country" in [entry.rule for entry in result.not_checked]


def test_the_six_month_rule_blocks_when_history_shows_another_leader_in_that_country():
    plan = tokyo_plan()
    plan["members"][0]["unit_leader"] = True
    recent = LeaderTrip("市商务局", "钱副局长", "JP", dt.date(2026, 1, 20))
    long_ago = LeaderTrip("市商务局", "钱副局长", "JP", dt.date(2025, 11, 9))
    assert "unit_leaders_same_country" in rules_found(plan, "block", leader_trips=[recent])
    assert "unit_leaders_same_country" not in rules_found(plan, leader_trips=[long_ago])
    elsewhere = LeaderTrip("市商务局", "钱副局长", "KR", dt.date(2026, 1, 20))
    assert "unit_leaders_same_country" not in rules_found(plan, leader_trips=[elsewhere])


def test_a_retired_member_blocks_the_delegation():
    plan = tokyo_plan(members=2)
    plan["members"][1]["retired"] = True
    findings = [f for f in result_of(plan).findings if f.rule == "retired"]
    assert [f.severity for f in findings] == ["block"]
    assert plan["members"][1]["name"] in findings[0].message


def test_the_schedule_is_not_checked_when_the_plan_has_none():
    assert "substantive_schedule" in [n.rule for n in result_of(tokyo_plan()).not_checked]


def schedule(kinds):
    start = dt.date(2026, 5, 10)
    return [
        {"date": (start + dt.timedelta(days=i)).isoformat(), "activity": f"活动{i}", "kind": kind}
        for i, kind in enumerate(kinds)
    ]


def test_four_official_days_of_five_are_substantive_three_are_not():
    good = tokyo_plan(
        schedule=schedule(["transit", "official", "official", "official", "official"])
    )
    assert "substantive_schedule" not in rules_found(good)
    thin = tokyo_plan(schedule=schedule(["transit", "official", "official", "official", "rest"]))
    assert "substantive_schedule" in rules_found(thin, "warn")


def test_sightseeing_on_the_schedule_is_a_warning():
    plan = tokyo_plan(
        schedule=[
            *schedule(["official"] * 5),
            {"date": "2026-05-12", "activity": "参观浅草寺", "kind": "sightseeing"},
        ]
    )
    findings = [f for f in result_of(plan).findings if f.rule == "substantive_schedule"]
    assert [f.severity for f in findings] == ["warn"]
    assert "参观浅草寺" in findings[0].message
    assert result_of(plan).compliant


def test_an_invitation_from_a_counterpart_is_fine():
    assert "invitation" not in rules_found(tokyo_plan())


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("intermediary", "中介机构"),
        ("foreign_mission_in_china", "外国驻华机构"),
        ("overseas_chinese_body", "海外华侨华人团体"),
    ],
)
def test_invitations_from_the_wrong_kind_of_body_are_warnings(kind, words):
    plan = tokyo_plan(invitation={"from": "某公司", "kind": kind})
    findings = [f for f in result_of(plan).findings if f.rule == "invitation"]
    assert [f.severity for f in findings] == ["warn"] and words in findings[0].message


def test_a_plan_without_an_invitation_is_warned():
    plan = tokyo_plan()
    del plan["invitation"]
    findings = [f for f in result_of(plan).findings if f.rule == "invitation"]
    assert [f.severity for f in findings] == ["warn"] and "没有邀请" in findings[0].message


def test_a_bureau_cadre_who_travelled_within_two_years_is_warned():
    plan = tokyo_plan()  # leaves 2026-05-10
    plan["members"][0].update(rank="bureau", trips=["2024-05-11"])  # 729 days before
    assert "frequency" in rules_found(plan, "warn")
    plan["members"][0]["trips"] = ["2024-05-10"]  # 730 days: two full years ago
    assert "frequency" not in rules_found(plan)


def test_county_cadres_have_no_frequency_limit_by_default():
    plan = tokyo_plan()
    plan["members"][0].update(rank="county", trips=["2026-01-01", "2025-06-01"])
    assert "frequency" not in rules_found(plan)


def test_an_official_passport_valid_six_months_after_return_passes():
    plan = tokyo_plan()  # returns 2026-05-14
    plan["members"][0]["passport"] = {"kind": "official", "expires": "2026-11-14"}
    found = rules_found(plan)
    assert "passport_kind" not in found and "passport_validity" not in found
    assert "passport_kind" not in [n.rule for n in result_of(plan).not_checked]


def test_a_private_passport_blocks():
    plan = tokyo_plan()
    plan["members"][0]["passport"] = {"kind": "private", "expires": "2030-01-01"}
    assert rules_found(plan, "block") == ["passport_kind"]


def test_a_passport_expiring_within_six_months_of_return_is_warned():
    plan = tokyo_plan()
    plan["members"][0]["passport"] = {"kind": "service", "expires": "2026-11-13"}
    assert rules_found(plan, "warn") == ["passport_validity"]


def test_members_without_passport_data_are_listed_as_not_checked():
    plan = tokyo_plan(members=2)
    plan["members"][0]["passport"] = {"kind": "official", "expires": "2030-01-01"}
    entries = [n for n in result_of(plan).not_checked if n.rule == "passport_kind"]
    assert len(entries) == 1 and plan["members"][1]["name"] in entries[0].reason
    assert plan["members"][0]["name"] not in entries[0].reason


def test_sixty_days_of_lead_time_suffice_fifty_nine_do_not():
    assert "lead_time" not in rules_found(tokyo_plan(submitted_on="2026-03-11"))
    assert "lead_time" in rules_found(tokyo_plan(submitted_on="2026-03-12"), "warn")


def test_lead_time_is_not_checked_without_a_submission_date():
    plan = tokyo_plan()
    del plan["submitted_on"]
    assert "lead_time" in [n.rule for n in result_of(plan).not_checked]


def test_every_finding_cites_its_basis():
    plan = tokyo_plan(days=9, members=7, invitation={"from": "x", "kind": "intermediary"})
    plan["members"][0]["retired"] = True
    findings = result_of(plan).findings
    basis = {rule.id: rule.basis for rule in default_ruleset().rules}
    assert {"delegation_size", "days_abroad", "invitation", "retired"} <= {f.rule for f in findings}
    assert all(f.basis and f.basis == basis[f.rule] for f in findings)


def test_lead_time_filed_after_departure_says_so_instead_of_a_negative_count():
    result = result_of(tokyo_plan(submitted_on="2026-05-20"))
    messages = [f.message for f in result.findings if f.rule == "lead_time"]
    assert messages == ["申报日期2026-05-20晚于出境日期2026-05-10，应在出境前至少60天申报"]
