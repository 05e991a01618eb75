"""The spending standard, worked out by hand from per_diem_standards.csv (516号/434号)."""

import copy

from waishi.policy.engine import ExchangeRates

from .plans import CONTRACT_EXAMPLE, member, result_of, tokyo_plan, trip


def budget_of(plan, **kwargs):
    return result_of(plan, **kwargs).budget


def test_the_contract_example_is_priced_from_the_table():
    # 德国 柏林、汉堡: 150/60/38 EUR; 荷兰 其他城市 (Rotterdam): 130/60/38 EUR.
    # Hamburg 2 nights, Rotterdam 2 nights; 6 days 03-01..03-06, one person.
    budget = budget_of(CONTRACT_EXAMPLE)
    assert budget["days"] == 6
    assert budget["nights"] == 4
    assert budget["standard"] == {"EUR": {"lodging": 560, "meals": 360, "incidentals": 228}}
    assert budget["claimed"] == {"CNY": {"lodging": 6000}}


def test_the_contract_examples_lodging_claim_is_over_standard_at_the_demo_rate():
    # 6000 CNY / 8.20 (demo rate, 2026-01-01) = 731.71 EUR > 560 EUR.
    result = result_of(CONTRACT_EXAMPLE)
    assert result.budget["over_standard"] == [
        {
            "kind": "lodging",
            "currency": "EUR",
            "standard": 560,
            "claimed": 731.71,
            "excess": 171.71,
            "claimed_as": {"CNY": 6000},
        }
    ]
    warning = [f for f in result.findings if f.rule == "budget_standard"]
    assert [f.severity for f in warning] == ["warn"]
    assert "住宿费" in warning[0].message and "演示汇率" in warning[0].message
    assert "财行〔2013〕516号" in warning[0].basis
    assert result.compliant


def test_days_go_to_the_stop_reached_that_day():
    # Hamburg gets 03-01 (flight out), 03-02, 03-03; Rotterdam 03-04 (moved on), 03-05, 03-06.
    stops = budget_of(CONTRACT_EXAMPLE)["stops"]
    assert [(s["city"], s["nights"], s["days"]) for s in stops] == [
        ("Hamburg", 2, 3),
        ("Rotterdam", 2, 3),
    ]
    assert [s["rate"]["row"] for s in stops] == ["柏林、汉堡", "其他城市"]


def test_a_tokyo_trip_for_two_is_priced_per_person_night_and_day():
    # 东京 20000/10000/5000 JPY; 5 days, 4 nights, 2 people.
    budget = budget_of(tokyo_plan(days=5, members=2))
    assert budget["standard"] == {"JPY": {"lodging": 160000, "meals": 100000, "incidentals": 50000}}


def test_host_provided_meals_remove_meals_and_incidentals():
    budget = budget_of(tokyo_plan(host_provides=["meals"]))
    assert budget["standard"]["JPY"] == {"lodging": 80000, "meals": 0, "incidentals": 0}


def test_host_provided_transport_leaves_forty_percent_of_incidentals():
    budget = budget_of(tokyo_plan(host_provides=["transport"]))
    assert budget["standard"]["JPY"] == {"lodging": 80000, "meals": 50000, "incidentals": 10000}


def test_host_provided_lodging_removes_lodging():
    budget = budget_of(tokyo_plan(host_provides=["lodging", "transport"]))
    assert budget["standard"]["JPY"] == {"lodging": 0, "meals": 50000, "incidentals": 10000}


def test_amounts_that_are_not_whole_are_given_to_two_decimals():
    plan = copy.deepcopy(CONTRACT_EXAMPLE)
    plan["host_provides"] = ["transport"]
    # 38 EUR × 40 % = 15.20 a day, 6 days.
    assert budget_of(plan)["standard"]["EUR"]["incidentals"] == 91.2


def test_two_currencies_are_kept_apart():
    # 东京 2 days (day 0-1), 2 nights; 纽约 3 days (day 2-4), 2 nights; 270/55/45 USD.
    plan = trip([("JP", "东京", 0, 2, False), ("US", "New York", 2, 4, False)], days=5)
    assert budget_of(plan)["standard"] == {
        "JPY": {"lodging": 40000, "meals": 20000, "incidentals": 10000},
        "USD": {"lodging": 540, "meals": 165, "incidentals": 135},
    }


def test_a_claim_against_two_currencies_is_compared_in_yuan():
    # Demo rates 2026-01-01: JPY 0.045, USD 7.05 → 40000 JPY + 540 USD = 1800 + 3807 = 5607 CNY.
    plan = trip([("JP", "东京", 0, 2, False), ("US", "New York", 2, 4, False)], days=5)
    plan["budget"] = {"currency": "CNY", "items": [{"kind": "lodging", "amount": 5607}]}
    assert budget_of(plan)["over_standard"] == []
    plan["budget"]["items"][0]["amount"] = 6000
    over = budget_of(plan)["over_standard"]
    assert [(o["kind"], o["currency"], o["standard"], o["excess"]) for o in over] == [
        ("lodging", "CNY", 5607, 393)
    ]


def test_a_claim_equal_to_the_standard_is_not_over_it():
    plan = tokyo_plan(budget={"currency": "JPY", "items": [{"kind": "lodging", "amount": 80000}]})
    assert budget_of(plan)["over_standard"] == []
    plan["budget"]["items"].append({"kind": "lodging", "amount": 1})
    assert [o["excess"] for o in budget_of(plan)["over_standard"]] == [1]


def test_each_over_standard_item_is_its_own_warning():
    items = [
        {"kind": "meals", "amount": 50001},
        {"kind": "incidentals", "amount": 25001},
        {"kind": "international_travel", "amount": 900000},
    ]
    result = result_of(tokyo_plan(budget={"currency": "JPY", "items": items}))
    assert [o["kind"] for o in result.budget["over_standard"]] == ["meals", "incidentals"]
    assert [f.rule for f in result.findings] == ["budget_standard", "budget_standard"]


def test_a_currency_without_an_exchange_rate_is_not_compared():
    plan = tokyo_plan(budget={"currency": "CHF", "items": [{"kind": "lodging", "amount": 99999}]})
    result = result_of(plan)
    assert result.budget["over_standard"] == []
    reasons = [n.reason for n in result.not_checked if n.rule == "budget_standard"]
    assert len(reasons) == 1 and "CHF" in reasons[0]


def test_a_trip_before_the_first_dated_rate_is_not_compared():
    rates = ExchangeRates.from_dict(
        {"tables": [{"date": "2027-01-01", "rates": {"CNY": 1, "JPY": 0.05}}]}
    )
    plan = tokyo_plan(budget={"currency": "CNY", "items": [{"kind": "lodging", "amount": 99999}]})
    result = result_of(plan, rates=rates)
    assert result.budget["over_standard"] == []
    assert "budget_standard" in [n.rule for n in result.not_checked]


def test_the_administrators_rates_replace_the_demo_rates():
    rates = ExchangeRates.from_dict(
        {"tables": [{"date": "2020-01-01", "rates": {"CNY": 1, "JPY": 0.1}}]}
    )
    # 80000 JPY at 0.1 = 8000 CNY: a claim of 7000 CNY is within it (at the demo 0.045 it is not).
    plan = tokyo_plan(budget={"currency": "CNY", "items": [{"kind": "lodging", "amount": 7000}]})
    assert result_of(plan, rates=rates).budget["over_standard"] == []
    assert result_of(plan).budget["over_standard"] != []


def test_no_budget_means_the_comparison_is_not_checked():
    result = result_of(tokyo_plan())
    assert "budget_standard" in [n.rule for n in result.not_checked]
    assert result.budget["claimed"] == {}


def test_a_country_without_a_table_row_is_not_priced_or_compared():
    plan = trip([("JP", "东京", 0, 2, False), ("AQ", "", 2, 4, False)], days=5)
    plan["budget"] = {"currency": "JPY", "items": [{"kind": "lodging", "amount": 10**9}]}
    result = result_of(plan)
    assert result.budget["over_standard"] == []
    assert result.budget["stops"][1]["rate"] is None
    reasons = [n.reason for n in result.not_checked if n.rule == "budget_standard"]
    assert any("AQ" in reason for reason in reasons)


def test_an_airside_transit_gets_no_days_or_nights():
    plan = trip([("AE", "迪拜", 0, 0, True), ("DE", "柏林", 0, 4, False)], days=5)
    stops = budget_of(plan)["stops"]
    assert [(s["country"], s["nights"], s["days"]) for s in stops] == [("AE", 0, 0), ("DE", 4, 5)]
    assert list(budget_of(plan)["standard"]) == ["EUR"]


def test_air_class_follows_rank():
    plan = tokyo_plan()
    plan["members"] = [
        member(0, rank="provincial"),
        member(1, rank="bureau"),
        member(2, rank="county"),
        member(3, rank="other"),
    ]
    classes = [m["air_class"] for m in budget_of(plan)["air_class"]]
    assert classes == ["first", "business", "economy", "economy"]
