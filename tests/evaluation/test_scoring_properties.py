"""Property tests of the scoring arithmetic over generated valid rubrics: the groups always add
up to the total, a higher total never earns a lower grade, a deduction never raises a score, a
veto always fails, and every generated rubric keeps the rules (weights 100, maxima = weight)."""

import copy
import itertools
from decimal import Decimal

from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from waishi.evaluation.scoring import (
    COMPLIANCE,
    DEDUCTION_SOURCES,
    FOLLOW_THROUGH,
    REALISATIONS,
    SCORED,
    compute,
    follow_through_points,
    grade_for,
    parse_rubric,
    validate_rubric,
)

RANK = {"fail": 0, "pass": 1, "good": 2, "excellent": 3}
STEPS = [0.1, 0.2, 0.5, 1]
PROPERTY = settings(max_examples=100, deadline=None)


@st.composite
def partition(draw, total: int, parts: int) -> list[int]:
    """`parts` positive integers adding up to `total`."""
    if parts == 1:
        return [total]
    cuts = draw(
        st.lists(st.integers(1, total - 1), min_size=parts - 1, max_size=parts - 1, unique=True)
    )
    edges = [0, *sorted(cuts), total]
    return [b - a for a, b in itertools.pairwise(edges)]


def titled(code: str, **fields) -> dict:
    return {"code": code, "title_zh": f"指标{code}", "title_en": f"Indicator {code}", **fields}


@st.composite
def rubric_bodies(draw) -> dict:
    kinds = [SCORED] * draw(st.integers(1, 3))
    kinds += [COMPLIANCE] if draw(st.booleans()) else []
    kinds += [FOLLOW_THROUGH] if draw(st.booleans()) else []
    weights = draw(partition(100, len(kinds)))
    groups = []
    for n, (kind, weight) in enumerate(zip(kinds, weights, strict=True)):
        group = titled(f"g{n}", kind=kind, weight=weight, indicators=[])
        if kind == COMPLIANCE:
            sources = draw(st.lists(st.sampled_from(DEDUCTION_SOURCES), unique=True))
            group["deductions"] = {s: draw(st.integers(0, 2 * weight)) / 2 for s in sources}
        else:
            maxima = draw(partition(weight, draw(st.integers(1, min(4, weight)))))
            group["indicators"] = [titled(f"g{n}i{i}", max=m) for i, m in enumerate(maxima)]
        if kind == FOLLOW_THROUGH:
            group["realisation_weights"] = {
                status: draw(st.sampled_from([0, 0.25, 0.5, 0.75, 1])) for status in REALISATIONS
            }
        groups.append(group)
    bands = sorted(draw(st.lists(st.integers(0, 100), min_size=3, max_size=3, unique=True)))
    return {
        "id": "generated",
        "step": draw(st.sampled_from(STEPS)),
        "grades": {"pass": bands[0], "good": bands[1], "excellent": bands[2]},
        "second_evaluator_below": draw(st.integers(0, 100)),
        "groups": groups,
        "veto": [titled(f"v{i}") for i in range(draw(st.integers(0, 3)))],
    }


@st.composite
def scorings(draw):
    """(rubric, points, deductions, follow-through or None, vetoed) for a generated rubric."""
    rubric = parse_rubric(draw(rubric_bodies()))
    points = {}
    for code in rubric.scored_codes:
        most = int(rubric.indicators[code].max / rubric.step)
        points[code] = rubric.step * draw(st.integers(0, most))
    deductions = [Decimal(d) / 2 for d in draw(st.lists(st.integers(0, 60), max_size=5))]
    follow = rubric.follow_through
    follow_through = None
    if follow is not None and draw(st.booleans()):
        follow_through = follow_through_points(
            rubric, draw(st.lists(st.sampled_from(REALISATIONS), min_size=1, max_size=8))
        )
    return rubric, points, deductions, follow_through, draw(st.booleans())


@PROPERTY
@given(rubric_bodies())
def test_every_generated_rubric_keeps_the_rules(body):
    assert validate_rubric(body) == []
    rubric = parse_rubric(body)
    assert sum(group.weight for group in rubric.groups) == 100
    for group in rubric.groups:
        if group.kind != COMPLIANCE:
            assert sum(i.max for i in group.indicators) == group.weight


@PROPERTY
@given(rubric_bodies(), st.integers(0, 3), st.integers(1, 5))
def test_a_weight_changed_alone_breaks_the_rubric(body, index, by):
    bad = copy.deepcopy(body)
    group = bad["groups"][index % len(bad["groups"])]
    group["weight"] += by
    with translation.override("en"):
        problems = validate_rubric(bad)
    assert any("not 100" in p for p in problems)


@PROPERTY
@given(scorings())
def test_group_points_always_add_up_to_the_total_within_0_and_100(scoring):
    rubric, points, deductions, follow_through, vetoed = scoring
    outcome = compute(
        rubric, points=points, deductions=deductions, follow_through=follow_through, vetoed=vetoed
    )
    assert sum(outcome.group_points.values()) == outcome.total
    assert 0 <= outcome.total <= 100
    for group in rubric.groups:
        assert 0 <= outcome.group_points[group.code] <= group.weight
    assert outcome.total == outcome.total.quantize(Decimal("0.1"))


@PROPERTY
@given(rubric_bodies(), st.decimals(0, 100, places=1), st.decimals(0, 100, places=1))
def test_a_higher_total_never_earns_a_lower_grade(body, first, second):
    rubric = parse_rubric(body)
    low, high = sorted([first, second])
    assert RANK[grade_for(low, rubric)] <= RANK[grade_for(high, rubric)]


@PROPERTY
@given(scorings(), st.integers(0, 40))
def test_adding_a_deduction_never_raises_a_score(scoring, extra):
    rubric, points, deductions, follow_through, vetoed = scoring
    before = compute(
        rubric, points=points, deductions=deductions, follow_through=follow_through, vetoed=vetoed
    )
    after = compute(
        rubric,
        points=points,
        deductions=[*deductions, Decimal(extra) / 2],
        follow_through=follow_through,
        vetoed=vetoed,
    )
    assert after.total <= before.total
    assert RANK[after.grade] <= RANK[before.grade]
    assert all(after.group_points[c] <= before.group_points[c] for c in before.group_points)


@PROPERTY
@given(scorings())
def test_a_veto_always_fails_and_asks_for_a_second_evaluator(scoring):
    rubric, points, deductions, follow_through, _vetoed = scoring
    outcome = compute(
        rubric, points=points, deductions=deductions, follow_through=follow_through, vetoed=True
    )
    assert outcome.grade == "fail" and outcome.needs_second


@PROPERTY
@given(scorings())
def test_more_points_on_an_indicator_never_lower_the_grade(scoring):
    rubric, points, deductions, follow_through, vetoed = scoring
    before = compute(
        rubric, points=points, deductions=deductions, follow_through=follow_through, vetoed=vetoed
    )
    raised = {code: rubric.indicators[code].max for code in points}
    after = compute(
        rubric, points=raised, deductions=deductions, follow_through=follow_through, vetoed=vetoed
    )
    assert after.total >= before.total and RANK[after.grade] >= RANK[before.grade]
