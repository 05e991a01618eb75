"""The rubric's arithmetic on the shipped default rubric, and the refusals of a bad rubric."""

import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest

import waishi.evaluation
from waishi.evaluation.models import DeductionSource, Realisation
from waishi.evaluation.scoring import (
    DEDUCTION_SOURCES,
    REALISATIONS,
    RubricError,
    check_points,
    compute,
    follow_through_points,
    grade_for,
    parse_rubric,
    validate_rubric,
)

pytestmark = pytest.mark.usefixtures("english")
D = Decimal
DEFAULT = json.loads(
    (Path(waishi.evaluation.__file__).parent / "rubrics" / "default-v1.json").read_text("utf-8")
)
FULL = {
    "objectives_met": D(20),
    "schedule_executed": D(10),
    "agreements": D(10),
    "projects_amounts": D(12),
    "partners": D(8),
    "follow_up_plan": D(20),
}


@pytest.fixture
def rubric():
    return parse_rubric(DEFAULT)


def body(**changes) -> dict:
    changed = copy.deepcopy(DEFAULT)
    changed.update(changes)
    return changed


def test_the_shipped_rubric_is_valid_and_is_the_table_of_domain_section_2(rubric):
    assert validate_rubric(DEFAULT) == []
    weights = {group.code: group.weight for group in rubric.groups}
    assert weights == {"objectives": 30, "results": 30, "compliance": 20, "follow_through": 20}
    assert dict(rubric.grades) == {"excellent": 90, "good": 75, "pass": 60}
    assert rubric.second_evaluator_below == 60 and rubric.step == D("0.5")
    assert rubric.veto_codes == ("serious_discipline", "false_report", "unapproved_country")


def test_the_deduction_sources_and_realisations_are_the_models_choices():
    assert list(DEDUCTION_SOURCES) == DeductionSource.values
    assert list(REALISATIONS) == Realisation.values


def test_full_marks_less_a_deduction(rubric):
    outcome = compute(rubric, points=FULL, deductions=[D(3), D(2)])
    assert outcome.group_points == {
        "objectives": D(30),
        "results": D(30),
        "compliance": D(15),
        "follow_through": D(20),
    }
    assert outcome.total == D(95) and outcome.grade == "excellent"
    assert not outcome.needs_second


def test_deductions_never_take_compliance_below_zero(rubric):
    outcome = compute(rubric, points=FULL, deductions=[D(10), D(10), D(5)])
    assert outcome.group_points["compliance"] == 0 and outcome.total == 80


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        (D(100), "excellent"),
        (D(90), "excellent"),
        (D("89.9"), "good"),
        (D(75), "good"),
        (D("74.5"), "pass"),
        (D(60), "pass"),
        (D("59.9"), "fail"),
        (D(0), "fail"),
    ],
)
def test_the_grade_bands_include_their_lower_bound(rubric, total, grade):
    assert grade_for(total, rubric) == grade


def test_below_the_threshold_or_vetoed_a_second_evaluator_is_needed(rubric):
    low = {**FULL, "objectives_met": D(0), "agreements": D(0), "projects_amounts": D(0)}
    outcome = compute(rubric, points=low, deductions=[D(10)])
    assert outcome.total == D("48") and outcome.grade == "fail" and outcome.needs_second
    vetoed = compute(rubric, points=FULL, deductions=[], vetoed=True)
    assert vetoed.total == 100 and vetoed.grade == "fail" and vetoed.needs_second


def test_a_follow_up_round_replaces_the_provisional_follow_through_points(rubric):
    points = follow_through_points(rubric, ["realised", "in_progress", "not_realised", ""])
    assert points == D("10.0")  # (1 + 0.5 + 0) / 3 × 20, the blank status left out
    outcome = compute(rubric, points=FULL, deductions=[], follow_through=points)
    assert outcome.group_points["follow_through"] == 10 and outcome.total == 90
    assert follow_through_points(rubric, []) is None
    assert follow_through_points(rubric, ["realised", "realised", "in_progress"]) == D("16.7")
    with pytest.raises(ValueError, match="unknown realisation"):
        follow_through_points(rubric, ["landed"])


def test_points_out_of_range_off_step_unknown_or_missing_are_named(rubric):
    points = {**FULL, "objectives_met": D(21), "agreements": D("7.3"), "bogus": D(1)}
    del points["partners"]
    errors = check_points(rubric, points, codes=rubric.scored_codes)
    assert set(errors) == {"objectives_met", "agreements", "bogus", "partners"}
    assert "between 0 and 20" in errors["objectives_met"]
    assert "steps of 0.5" in errors["agreements"]
    assert "not an indicator" in errors["bogus"]
    assert "give the points" in errors["partners"]
    assert check_points(rubric, FULL, codes=rubric.scored_codes) == {}
    assert (
        "must be a number"
        in check_points(rubric, {"partners": "eight"}, codes=["partners"])["partners"]
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda b: b["groups"][0].update(weight=35), "add up to 105, not 100"),
        (lambda b: b["groups"][0]["indicators"][0].update(max=15), "add up to 25, not its weight"),
        (lambda b: b.update(grades={"excellent": 90, "good": 95, "pass": 60}), "must fall"),
        (lambda b: b.update(grades={"excellent": 120, "good": 75, "pass": 60}), "must fall"),
        (lambda b: b["groups"][1].update(kind="bonus"), "unknown kind “bonus”"),
        (lambda b: b["groups"][1]["indicators"][0].update(code="objectives_met"), "used twice"),
        (lambda b: b.update(step=0), "step must be more than 0"),
        (lambda b: b.update(step=0.25), "multiple of 0.1"),
        (lambda b: b["groups"][2]["deductions"].update(passport_late=-3), "at least 0"),
        (lambda b: b["groups"][2]["deductions"].update(bribery=3), "Unknown deduction source"),
        (lambda b: b["veto"][0].pop("code"), "Veto item 1 has no code"),
        (lambda b: b["groups"][3].pop("realisation_weights"), "must weigh realised"),
        (lambda b: b.update(second_evaluator_below="sixty"), "must be a number"),
        (lambda b: b["groups"][0]["indicators"][1].update(max=9.7), "not a multiple of the step"),
    ],
)
def test_a_bad_rubric_is_refused_with_the_problem_named(change, expected):
    bad = copy.deepcopy(DEFAULT)
    change(bad)
    problems = validate_rubric(bad)
    assert any(expected in problem for problem in problems), problems
    with pytest.raises(RubricError) as refused:
        parse_rubric(bad)
    assert expected in str(refused.value)


def test_every_problem_is_listed_at_once():
    bad = body(step=-1, grades={"excellent": 50, "good": 75, "pass": 60}, groups=[])
    problems = validate_rubric(bad)
    assert len(problems) == 3
    assert validate_rubric(["not", "an", "object"]) == ["The rubric must be a JSON object."]
