"""Plans that cannot be checked: exit 2 with one clear line on stderr, never a traceback."""

import json

import pytest

from waishi.policy import check_cli
from waishi.policy.engine import PlanError, parse_plan

from .plans import tokyo_plan


def without(key):
    def change(plan):
        del plan[key]

    return change


def setting(**fields):
    def change(plan):
        plan.update(fields)

    return change


def on_member(index=0, **fields):
    def change(plan):
        plan["members"][index].update(fields)

    return change


def on_stop(index=0, **fields):
    def change(plan):
        plan["stops"][index].update(fields)

    return change


def duplicate_member(plan):
    plan["members"].append(dict(plan["members"][0]))


def overlapping_stops(plan):
    plan["stops"] = [
        {"country": "JP", "city": "东京", "arrive": "2026-05-10", "depart": "2026-05-12"},
        {"country": "KR", "city": "首尔", "arrive": "2026-05-11", "depart": "2026-05-14"},
    ]


INVALID = {
    "members missing": (without("members"), "'members' is missing"),
    "stops missing": (without("stops"), "'stops' is missing"),
    "leave_china missing": (without("leave_china"), "'leave_china' is missing"),
    "return_china missing": (without("return_china"), "'return_china' is missing"),
    "an impossible date": (setting(leave_china="2026-02-30"), "leave_china '2026-02-30'"),
    "a date in another format": (setting(return_china="14/05/2026"), "return_china"),
    "an unknown country": (on_stop(country="XX"), "'XX' is not an ISO 3166-1 alpha-2"),
    "China as a stop": (on_stop(country="CN"), "stops[0].country is CN"),
    "return before leaving": (setting(return_china="2026-05-09"), "before leave_china"),
    "a stop departing before it arrives": (
        on_stop(arrive="2026-05-12", depart="2026-05-11"),
        "departs 2026-05-11 before it arrives",
    ),
    "overlapping stops": (overlapping_stops, "overlap"),
    "a stop outside the trip": (on_stop(depart="2026-05-20"), "outside leave_china"),
    "no stops": (setting(stops=[]), "stops is empty"),
    "no members": (setting(members=[]), "members is empty"),
    "a member twice": (duplicate_member, "listed twice"),
    "an unknown rank": (on_member(rank="minister"), "members[0].rank 'minister'"),
    "a member without a rank": (lambda plan: plan["members"][0].pop("rank"), "rank is missing"),
    "an unknown trip type": (setting(trip_type="holiday"), "trip_type 'holiday'"),
    "an unknown host provision": (setting(host_provides=["cash"]), "host_provides[0] 'cash'"),
    "an unknown invitation kind": (
        setting(invitation={"from": "x", "kind": "friend"}),
        "invitation.kind",
    ),
    "an unknown passport kind": (
        on_member(passport={"kind": "green", "expires": "2030-01-01"}),
        "passport.kind",
    ),
    "a schedule day outside the trip": (
        setting(schedule=[{"date": "2026-06-01", "activity": "会谈", "kind": "official"}]),
        "schedule[0].date",
    ),
    "an unknown budget item": (
        setting(budget={"currency": "CNY", "items": [{"kind": "gifts", "amount": 1}]}),
        "budget.items[0].kind",
    ),
    "a negative amount": (
        setting(budget={"currency": "CNY", "items": [{"kind": "meals", "amount": -1}]}),
        "non-negative",
    ),
    "members not a list": (setting(members="张伟"), "members must be a list"),
    "a flag that is not a boolean": (on_member(retired="no"), "retired must be true or false"),
}


@pytest.mark.parametrize("case", INVALID, ids=list(INVALID))
def test_an_invalid_plan_is_refused_with_a_message_naming_the_field(case):
    change, words = INVALID[case]
    plan = tokyo_plan()
    change(plan)
    with pytest.raises(PlanError) as refused:
        parse_plan(plan)
    assert words in str(refused.value)
    assert "\n" not in str(refused.value)


def run_cli(capsys, path, *extra):
    code = check_cli.main([str(path), *extra])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("case", INVALID, ids=list(INVALID))
def test_the_command_exits_2_with_one_line_for_an_invalid_plan(case, tmp_path, capsys):
    change, words = INVALID[case]
    plan = tokyo_plan()
    change(plan)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    code, out, err = run_cli(capsys, path, "--json")
    assert code == 2
    assert out == ""
    assert err.startswith("waishi: ") and err.count("\n") == 1
    assert words in err


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("{ not json", "not JSON"),
        ("[1, 2]", "must be a JSON object"),
        ('"a string"', "must be a JSON object"),
        ("", "not JSON"),
    ],
)
def test_a_file_that_is_not_a_json_object_exits_2(content, words, tmp_path, capsys):
    path = tmp_path / "plan.json"
    path.write_text(content, encoding="utf-8")
    code, out, err = run_cli(capsys, path)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and words in err


def test_a_file_that_is_not_utf8_exits_2(tmp_path, capsys):
    path = tmp_path / "plan.json"
    path.write_bytes(json.dumps(tokyo_plan(), ensure_ascii=False).encode("utf-16"))
    code, _, err = run_cli(capsys, path)
    assert code == 2 and "not UTF-8" in err


def test_a_missing_file_exits_2(tmp_path, capsys):
    code, _, err = run_cli(capsys, tmp_path / "nowhere.json")
    assert code == 2
    assert err == f"waishi: {tmp_path / 'nowhere.json'}: no such file\n"


def test_a_directory_instead_of_a_file_exits_2(tmp_path, capsys):
    code, _, err = run_cli(capsys, tmp_path)
    assert code == 2 and "is a directory" in err


def test_a_wrong_option_exits_2_with_one_line(tmp_path, capsys):
    code, _, err = run_cli(capsys, tmp_path / "plan.json", "--yaml")
    assert code == 2 and err.count("\n") == 1 and "--yaml" in err
