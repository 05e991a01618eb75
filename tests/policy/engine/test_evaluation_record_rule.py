"""The evaluation record rule (DOMAIN.md §2, results feed back into approvals): a warning on an
application from a unit whose recent delegations failed their evaluation or whose follow-ups are
overdue; not checked when nothing is known of the unit's evaluations."""

import copy
import datetime as dt
import json
from decimal import Decimal

import pytest

from waishi.policy.engine import (
    EvaluationRecord,
    FailedTrip,
    OverdueFollowUp,
    PlanError,
    RuleSetError,
    load_ruleset,
    parse_plan,
)
from waishi.policy.engine.ruleset import DEFAULT_FILE

from .plans import not_checked, result_of, tokyo_plan
from .test_cli import run

RULE = "unit_evaluation_record"
SUBMITTED = dt.date(2026, 2, 1)  # tokyo_plan's submission date


def failed(title="大阪经贸考察", returned=dt.date(2025, 3, 8), total="52.5", year=None):
    return FailedTrip(title, year=year, total=Decimal(total), returned=returned)


def record(*failures, overdue=()):
    return EvaluationRecord(failed=tuple(failures), overdue_follow_ups=tuple(overdue))


def findings(plan=None, ruleset=None, **kwargs):
    result = result_of(plan or tokyo_plan(), ruleset=ruleset, **kwargs)
    return [f for f in result.findings if f.rule == RULE]


def ruleset_with(**parameters):
    data = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    rule = next(r for r in data["rules"] if r["id"] == RULE)
    rule["parameters"].update(parameters)
    return load_ruleset(data)


def test_a_failed_evaluation_in_the_window_warns_and_names_the_delegation():
    [finding] = findings(unit_record=record(failed()))
    assert finding.severity == "warn"
    assert finding.message == (
        "市商务局近24个月内有1个团组绩效评估不合格：“大阪经贸考察”（2025-03-08回国，评估52.5分）"
    )
    assert "绩效评估的实施意见" in finding.basis


def test_a_failure_that_returned_before_the_window_does_not_warn():
    edge = dt.date(2024, 2, 1)  # 24 months before the submission on 2026-02-01
    assert findings(unit_record=record(failed(returned=edge)))
    assert findings(unit_record=record(failed(returned=edge - dt.timedelta(days=1)))) == []


def test_the_window_is_a_parameter_of_the_rule():
    old = record(failed(returned=dt.date(2025, 1, 10)))
    assert findings(unit_record=old)
    assert findings(ruleset=ruleset_with(window_months=12), unit_record=old) == []


def test_min_failed_sets_how_many_failures_it_takes():
    ruleset = ruleset_with(min_failed=2)
    assert findings(ruleset=ruleset, unit_record=record(failed())) == []
    two = record(failed(), failed("汉堡港口考察", returned=dt.date(2025, 9, 1)))
    [finding] = findings(ruleset=ruleset, unit_record=two)
    assert "2个团组" in finding.message and "“汉堡港口考察”" in finding.message


def test_overdue_follow_ups_warn_with_their_delegations():
    late = OverdueFollowUp("汉堡港口考察", dt.date(2026, 1, 20))
    [finding] = findings(unit_record=record(overdue=[late]))
    assert finding.message == (
        "市商务局有1项出访成果跟踪回访逾期未报：“汉堡港口考察”（应于2026-01-20前报送）"
    )


def test_a_follow_up_not_yet_due_at_submission_is_not_overdue():
    due_later = OverdueFollowUp("汉堡港口考察", SUBMITTED)
    assert findings(unit_record=record(overdue=[due_later])) == []


def test_overdue_follow_ups_may_be_left_out_of_the_rule():
    late = OverdueFollowUp("汉堡港口考察", dt.date(2026, 1, 20))
    ruleset = ruleset_with(overdue_follow_ups=False)
    assert findings(ruleset=ruleset, unit_record=record(overdue=[late])) == []


def test_failures_and_overdue_follow_ups_make_one_finding_for_one_justification():
    late = OverdueFollowUp("汉堡港口考察", dt.date(2026, 1, 20))
    [finding] = findings(unit_record=record(failed(), overdue=[late]))
    assert "“大阪经贸考察”" in finding.message and "“汉堡港口考察”" in finding.message


def test_a_clean_record_raises_nothing_and_counts_as_checked():
    plan = tokyo_plan()
    assert findings(plan, unit_record=record()) == []
    assert RULE not in not_checked(plan, unit_record=record())


def test_without_a_record_the_rule_is_not_checked():
    assert RULE in not_checked(tokyo_plan())
    assert findings() == []


def test_the_plan_file_may_carry_the_record():
    plan = tokyo_plan(
        unit_record={
            "failed": [{"title": "大阪经贸考察", "returned": "2025-03-08", "total": 52.5}],
            "overdue_follow_ups": 2,
        }
    )
    [finding] = findings(plan)
    assert "“大阪经贸考察”（2025-03-08回国，评估52.5分）" in finding.message
    assert finding.message.endswith("有2项出访成果跟踪回访逾期未报")


def test_a_record_given_by_the_caller_is_the_one_judged():
    plan = tokyo_plan(unit_record={"failed": [{"title": "计划中的团组"}]})
    assert findings(plan, unit_record=record()) == []


def test_without_a_submission_date_the_window_ends_at_departure():
    plan = tokyo_plan()
    del plan["submitted_on"]  # leaves 2026-05-10
    assert findings(plan, unit_record=record(failed(returned=dt.date(2024, 5, 10))))
    assert findings(plan, unit_record=record(failed(returned=dt.date(2024, 5, 9)))) == []


def test_a_year_stands_in_for_an_unknown_return_date():
    trip = FailedTrip("大阪经贸考察", year=2025, total=None)
    [finding] = findings(unit_record=record(trip))
    assert finding.message.endswith("“大阪经贸考察”（2025年）")


@pytest.mark.parametrize(
    ("unit_record", "words"),
    [
        ([], "unit_record must be an object"),
        ({"failed": {}}, "unit_record.failed must be a list"),
        ({"failed": [{"total": 120}]}, "unit_record.failed[0].total"),
        ({"failed": [{"total": "lots"}]}, "unit_record.failed[0].total"),
        ({"failed": [{"returned": "2025/03/08"}]}, "unit_record.failed[0].returned"),
        ({"failed": [{"year": 25}]}, "unit_record.failed[0].year"),
        ({"overdue_follow_ups": -1}, "unit_record.overdue_follow_ups -1"),
        ({"overdue_follow_ups": True}, "unit_record.overdue_follow_ups must be a number"),
        ({"overdue_follow_ups": [{"due_on": "soon"}]}, "overdue_follow_ups[0].due_on"),
    ],
)
def test_an_unreadable_record_is_refused_naming_the_field(unit_record, words):
    with pytest.raises(PlanError) as refused:
        parse_plan(copy.deepcopy(tokyo_plan(unit_record=unit_record)))
    assert words in str(refused.value)


@pytest.mark.parametrize(
    ("parameters", "words"),
    [
        ({"window_months": 0}, "window_months must be from 1 to 120"),
        ({"window_months": "24"}, "parameter window_months is missing or of the wrong type"),
        ({"min_failed": 0}, "min_failed must be at least 1"),
        ({"overdue_follow_ups": "yes"}, "overdue_follow_ups must be true or false"),
        ({"overdue_follow_ups": None}, "overdue_follow_ups must be true or false"),
    ],
)
def test_a_rule_set_with_unusable_parameters_is_refused(parameters, words):
    with pytest.raises(RuleSetError) as refused:
        ruleset_with(**parameters)
    assert words in str(refused.value) and RULE in str(refused.value)


def test_the_command_reports_the_warning_from_the_plans_record(tmp_path):
    plan = tokyo_plan(unit_record={"failed": [{"title": "大阪经贸考察", "returned": "2025-03-08"}]})
    done = run(tmp_path, plan, "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["compliant"] is True
    assert [f["rule"] for f in result["findings"]] == [RULE]
    assert "“大阪经贸考察”" in result["findings"][0]["message"]
    without = json.loads(run(tmp_path, tokyo_plan(), "--json").stdout)
    assert RULE in [entry["rule"] for entry in without["not_checked"]]
