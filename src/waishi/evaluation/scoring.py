"""The rubric's arithmetic: validation, parsing, points, total and grade. Pure Python with
Decimal arithmetic and no database, so the property tests can hammer it and the services and
the analytics compute exactly the same numbers.

    validate_rubric(body)          every problem of a rubric body, [] when it is usable
    parse_rubric(body)             a frozen Rubric, or RubricError naming every problem
    check_points(rubric, points, codes=...)   indicator code → what is wrong with its points
    compute(rubric, points=..., deductions=..., follow_through=..., vetoed=...) → Outcome
    grade_for(total, rubric)       the band a total falls in
    follow_through_points(rubric, statuses)   the follow-through group from realisation statuses

Semantics (the evaluation contract): a scored group is the sum of its indicators' points; the
compliance group is its weight less the deductions that stand, never below zero; the
follow-through group is the evaluator's provisional points until a follow-up round is in, then
weight × the round's weighted realisation rate. Every group is rounded to one decimal and the
total is their sum, so the groups always add up to the total shown. A veto fails the delegation
whatever the total.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cached_property

from django.utils.translation import get_language
from django.utils.translation import gettext as _

SCORED, COMPLIANCE, FOLLOW_THROUGH = "scored", "compliance", "follow_through"
KINDS = (SCORED, COMPLIANCE, FOLLOW_THROUGH)
# The values of models.DeductionSource (kept here so this module needs no model; a test keeps
# the two lists equal).
DEDUCTION_SOURCES = (
    "passport_late",
    "report_late",
    "disclosure_late",
    "itinerary_deviation",
    "over_standard",
    "warning_overridden",
    "discipline",
    "other",
)
REALISATIONS = ("realised", "in_progress", "not_realised")
GRADES = ("excellent", "good", "pass")  # best first; below the last band: "fail"
FAIL = "fail"
HUNDRED = Decimal(100)
ONE_DECIMAL = Decimal("0.1")
ZERO = Decimal(0)


class RubricError(ValueError):
    """A rubric body that cannot be used; str() is one readable message listing every problem."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__(
            _("The rubric cannot be used: %(problems)s") % {"problems": "；".join(self.problems)}
        )


@dataclass(frozen=True)
class Indicator:
    code: str
    group: str
    max: Decimal
    title_zh: str = ""
    title_en: str = ""

    @property
    def title(self) -> str:
        return _title(self.title_zh, self.title_en) or self.code


@dataclass(frozen=True)
class Group:
    code: str
    kind: str
    weight: Decimal
    indicators: tuple[Indicator, ...] = ()
    deductions: tuple[tuple[str, Decimal], ...] = ()
    realisation_weights: tuple[tuple[str, Decimal], ...] = ()
    title_zh: str = ""
    title_en: str = ""

    @property
    def title(self) -> str:
        return _title(self.title_zh, self.title_en) or self.code


@dataclass(frozen=True)
class VetoItem:
    code: str
    title_zh: str = ""
    title_en: str = ""

    @property
    def title(self) -> str:
        return _title(self.title_zh, self.title_en) or self.code


@dataclass(frozen=True)
class Rubric:
    id: str
    groups: tuple[Group, ...]
    grades: tuple[tuple[str, Decimal], ...]  # (grade, lowest total), best first
    second_evaluator_below: Decimal
    step: Decimal
    veto: tuple[VetoItem, ...] = ()

    @cached_property
    def indicators(self) -> dict[str, Indicator]:
        return {i.code: i for group in self.groups for i in group.indicators}

    @cached_property
    def scored_codes(self) -> tuple[str, ...]:
        """The indicators someone scores: every one outside the compliance group."""
        return tuple(
            i.code for group in self.groups if group.kind != COMPLIANCE for i in group.indicators
        )

    def group(self, kind: str) -> Group | None:
        return next((g for g in self.groups if g.kind == kind), None)

    @property
    def compliance(self) -> Group | None:
        return self.group(COMPLIANCE)

    @property
    def follow_through(self) -> Group | None:
        return self.group(FOLLOW_THROUGH)

    def deduction_points(self, source: str) -> Decimal | None:
        """The standard points of a deduction source, or None when the rubric names none."""
        group = self.compliance
        return dict(group.deductions).get(source) if group else None

    @property
    def veto_codes(self) -> tuple[str, ...]:
        return tuple(item.code for item in self.veto)

    def veto_item(self, code: str) -> VetoItem | None:
        return next((item for item in self.veto if item.code == code), None)


@dataclass(frozen=True)
class Outcome:
    group_points: dict[str, Decimal]
    total: Decimal
    grade: str
    needs_second: bool


def _title(zh: str, en: str) -> str:
    chinese = (get_language() or "zh-hans").lower().startswith("zh")
    return (zh or en) if chinese else (en or zh)


# --- validation -------------------------------------------------------------------------------


def _number(value) -> Decimal | None:
    """A JSON number as a Decimal; None for anything else (text, booleans, NaN, infinity)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:  # pragma: no cover — str() of an int or float always parses
        return None
    return number if number.is_finite() else None


def _multiple(value: Decimal, step: Decimal | None) -> bool:
    return step is None or step <= 0 or value % step == 0


class _Checker:
    """Collects the problems of one rubric body, in reading order."""

    def __init__(self, body: dict):
        self.body = body
        self.problems: list[str] = []
        self.step: Decimal | None = None

    def problem(self, message: str) -> None:
        self.problems.append(message)

    def number(self, value, what: str, *, low=None, high=None, positive=False) -> Decimal | None:
        number = _number(value)
        if number is None:
            self.problem(_("%(what)s must be a number.") % {"what": what})
            return None
        if positive and number <= 0:
            self.problem(_("%(what)s must be more than 0.") % {"what": what})
        elif low is not None and number < low:
            self.problem(_("%(what)s must be at least %(low)s.") % {"what": what, "low": low})
        elif high is not None and number > high:
            self.problem(_("%(what)s must be at most %(high)s.") % {"what": what, "high": high})
        return number

    def code(self, item, what: str, seen: set[str]) -> str | None:
        code = item.get("code") if isinstance(item, dict) else None
        if not isinstance(code, str) or not code.strip():
            self.problem(_("%(what)s has no code.") % {"what": what})
            return None
        if code in seen:
            self.problem(_("The code “%(code)s” is used twice.") % {"code": code})
        seen.add(code)
        return code

    def titles(self, item: dict, what: str) -> None:
        for key in ("title_zh", "title_en"):
            if not isinstance(item.get(key), str) or not item[key].strip():
                self.problem(_("%(what)s has no %(key)s.") % {"what": what, "key": key})

    def run(self) -> list[str]:
        body = self.body
        if not isinstance(body, dict):
            return [_("The rubric must be a JSON object.")]
        self.step = self.number(body.get("step"), _("The scoring step"), positive=True)
        if self.step is not None and self.step > 0 and self.step % ONE_DECIMAL:
            self.problem(_("The scoring step must be a multiple of 0.1: points keep one decimal."))
        self.grades()
        self.number(
            body.get("second_evaluator_below"),
            _("The threshold for a second evaluator"),
            low=0,
            high=100,
        )
        self.groups()
        self.veto()
        return self.problems

    def grades(self) -> None:
        grades = self.body.get("grades")
        if not isinstance(grades, dict):
            self.problem(_("The grade bands (grades) must give excellent, good and pass."))
            return
        values = [
            self.number(grades.get(g), _("The grade band “%(grade)s”") % {"grade": g}, low=0)
            for g in GRADES
        ]
        if None in values:
            return
        excellent, good, pass_ = values
        if not HUNDRED >= excellent > good > pass_ >= 0:
            self.problem(
                _("The grade bands must fall from excellent to good to pass within 0 to 100.")
            )
        extra = sorted(set(grades) - set(GRADES))
        if extra:
            self.problem(_("Unknown grade bands: %(names)s.") % {"names": ", ".join(extra)})

    def groups(self) -> None:
        groups = self.body.get("groups")
        if not isinstance(groups, list) or not groups:
            self.problem(_("The rubric has no indicator groups."))
            return
        group_codes: set[str] = set()
        indicator_codes: set[str] = set()
        total, kinds = ZERO, []
        for n, group in enumerate(groups, start=1):
            if not isinstance(group, dict):
                self.problem(_("Group %(n)s must be an object.") % {"n": n})
                continue
            code = self.code(group, _("Group %(n)s") % {"n": n}, group_codes) or str(n)
            what = _("The group “%(code)s”") % {"code": code}
            self.titles(group, what)
            kind = group.get("kind")
            if kind not in KINDS:
                self.problem(
                    _(
                        "%(what)s has an unknown kind “%(kind)s” (scored, compliance or "
                        "follow_through)."
                    )
                    % {"what": what, "kind": kind}
                )
            kinds.append(kind)
            weight = self.number(
                group.get("weight"), _("The weight of “%(code)s”") % {"code": code}, positive=True
            )
            total += weight or ZERO
            self.indicators(group, code, kind, weight, indicator_codes)
            if kind == COMPLIANCE:
                self.deductions(group, code)
            if kind == FOLLOW_THROUGH:
                self.realisation(group, code)
        if total != HUNDRED:
            self.problem(_("The group weights add up to %(total)s, not 100.") % {"total": total})
        for kind in (COMPLIANCE, FOLLOW_THROUGH):
            if kinds.count(kind) > 1:
                self.problem(_("Only one group may be of kind “%(kind)s”.") % {"kind": kind})

    def indicators(self, group: dict, code: str, kind, weight, seen: set[str]) -> None:
        indicators = group.get("indicators", [])
        if not isinstance(indicators, list):
            self.problem(_("The indicators of “%(code)s” must be a list.") % {"code": code})
            return
        if kind == COMPLIANCE:
            if indicators:
                self.problem(
                    _(
                        "The compliance group “%(code)s” is scored by deductions and has no "
                        "indicators."
                    )
                    % {"code": code}
                )
            return
        if not indicators:
            self.problem(_("The group “%(code)s” has no indicators.") % {"code": code})
            return
        maxima = ZERO
        for n, indicator in enumerate(indicators, start=1):
            what = _("Indicator %(n)s of “%(group)s”") % {"n": n, "group": code}
            if not isinstance(indicator, dict):
                self.problem(_("%(what)s must be an object.") % {"what": what})
                continue
            icode = self.code(indicator, what, seen) or what
            self.titles(indicator, _("The indicator “%(code)s”") % {"code": icode})
            most = self.number(
                indicator.get("max"),
                _("The maximum of “%(code)s”") % {"code": icode},
                positive=True,
            )
            if most is None:
                continue
            maxima += most
            if not _multiple(most, self.step):
                self.problem(
                    _("The maximum of “%(code)s” is not a multiple of the step %(step)s.")
                    % {"code": icode, "step": self.step}
                )
        if weight is not None and maxima != weight:
            self.problem(
                _("The indicator maxima of “%(code)s” add up to %(sum)s, not its weight %(w)s.")
                % {"code": code, "sum": maxima, "w": weight}
            )

    def deductions(self, group: dict, code: str) -> None:
        deductions = group.get("deductions", {})
        if not isinstance(deductions, dict):
            self.problem(_("The deductions of “%(code)s” must be an object.") % {"code": code})
            return
        for source, points in deductions.items():
            if source not in DEDUCTION_SOURCES:
                self.problem(_("Unknown deduction source “%(source)s”.") % {"source": source})
            what = _("The deduction for “%(source)s”") % {"source": source}
            number = self.number(points, what, low=0)
            if number is not None and number % ONE_DECIMAL:
                self.problem(_("%(what)s must keep to one decimal.") % {"what": what})

    def realisation(self, group: dict, code: str) -> None:
        weights = group.get("realisation_weights")
        if not isinstance(weights, dict) or set(weights) != set(REALISATIONS):
            self.problem(
                _(
                    "The follow-through group “%(code)s” must weigh realised, in_progress and "
                    "not_realised (realisation_weights)."
                )
                % {"code": code}
            )
            return
        for status in REALISATIONS:
            self.number(
                weights[status],
                _("The weight of “%(status)s”") % {"status": status},
                low=0,
                high=1,
            )

    def veto(self) -> None:
        veto = self.body.get("veto", [])
        if not isinstance(veto, list):
            self.problem(_("The veto items must be a list."))
            return
        seen: set[str] = set()
        for n, item in enumerate(veto, start=1):
            what = _("Veto item %(n)s") % {"n": n}
            if not isinstance(item, dict):
                self.problem(_("%(what)s must be an object.") % {"what": what})
                continue
            code = self.code(item, what, seen)
            self.titles(item, _("The veto item “%(code)s”") % {"code": code or n})


def validate_rubric(body: dict) -> list[str]:
    """Every problem of a rubric body, in reading order; [] when it can be used."""
    return _Checker(body).run()


def parse_rubric(body: dict) -> Rubric:
    """The rubric of a valid body; RubricError (listing every problem) otherwise."""
    problems = validate_rubric(body)
    if problems:
        raise RubricError(problems)
    groups = []
    for group in body["groups"]:
        code = group["code"]
        groups.append(
            Group(
                code=code,
                kind=group["kind"],
                weight=_number(group["weight"]),
                indicators=tuple(
                    Indicator(
                        code=i["code"],
                        group=code,
                        max=_number(i["max"]),
                        title_zh=i.get("title_zh", ""),
                        title_en=i.get("title_en", ""),
                    )
                    for i in group.get("indicators", [])
                ),
                deductions=tuple(
                    (source, _number(points))
                    for source, points in (group.get("deductions") or {}).items()
                ),
                realisation_weights=tuple(
                    (status, _number(weight))
                    for status, weight in (group.get("realisation_weights") or {}).items()
                ),
                title_zh=group.get("title_zh", ""),
                title_en=group.get("title_en", ""),
            )
        )
    return Rubric(
        id=str(body.get("id") or "rubric"),
        groups=tuple(groups),
        grades=tuple((g, _number(body["grades"][g])) for g in GRADES),
        second_evaluator_below=_number(body["second_evaluator_below"]),
        step=_number(body["step"]),
        veto=tuple(
            VetoItem(item["code"], item.get("title_zh", ""), item.get("title_en", ""))
            for item in body.get("veto", [])
        ),
    )


# --- points -----------------------------------------------------------------------------------


def _decimal(value) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def check_points(
    rubric: Rubric, points: Mapping[str, Decimal], *, codes: Iterable[str]
) -> dict[str, str]:
    """indicator code → what is wrong with its points; {} when every code of `codes` has points
    between 0 and the indicator's maximum, in steps of the rubric's step, and nothing else is
    given."""
    wanted = list(codes)
    errors: dict[str, str] = {}
    for code, value in points.items():
        indicator = rubric.indicators.get(code)
        if indicator is None:
            errors[code] = _("“%(code)s” is not an indicator of this rubric.") % {"code": code}
            continue
        if code not in wanted:
            errors[code] = _("“%(title)s” is not scored here.") % {"title": indicator.title}
            continue
        number = _decimal(value)
        if number is None:
            errors[code] = _("“%(title)s”: the points must be a number.") % {
                "title": indicator.title
            }
        elif not ZERO <= number <= indicator.max:
            errors[code] = _("“%(title)s”: give between 0 and %(max)s points.") % {
                "title": indicator.title,
                "max": indicator.max,
            }
        elif not _multiple(number, rubric.step):
            errors[code] = _("“%(title)s”: points go in steps of %(step)s.") % {
                "title": indicator.title,
                "step": rubric.step,
            }
    for code in wanted:
        if code not in points:
            indicator = rubric.indicators.get(code)
            title = indicator.title if indicator else code
            errors[code] = _("“%(title)s”: give the points.") % {"title": title}
    return errors


def _round(value: Decimal) -> Decimal:
    return value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def _clamp(value: Decimal, high: Decimal) -> Decimal:
    return max(ZERO, min(value, high))


def compute(
    rubric: Rubric,
    *,
    points: Mapping[str, Decimal],
    deductions: Iterable[Decimal],
    follow_through: Decimal | None = None,
    vetoed: bool = False,
) -> Outcome:
    """Group points, total, grade and whether a second evaluator must look.

    `points` are the indicators' points (checked with check_points first), `deductions` the
    points of the deductions that stand (not waived), `follow_through` the group's points from
    the latest follow-up round (None: the provisional points in `points` count)."""
    taken = [Decimal(d) for d in deductions]
    if any(d < 0 for d in taken):
        raise ValueError("a deduction cannot be negative")
    group_points: dict[str, Decimal] = {}
    for group in rubric.groups:
        if group.kind == COMPLIANCE:
            value = group.weight - sum(taken, ZERO)
        elif group.kind == FOLLOW_THROUGH and follow_through is not None:
            value = Decimal(follow_through)
        else:
            value = sum((Decimal(points.get(i.code, ZERO)) for i in group.indicators), ZERO)
        group_points[group.code] = _round(_clamp(value, group.weight))
    total = sum(group_points.values(), ZERO)
    grade = FAIL if vetoed else grade_for(total, rubric)
    return Outcome(
        group_points=group_points,
        total=total,
        grade=grade,
        needs_second=vetoed or total < rubric.second_evaluator_below,
    )


def grade_for(total: Decimal, rubric: Rubric) -> str:
    """The best band whose lower bound `total` reaches; "fail" below them all."""
    for grade, lowest in rubric.grades:
        if total >= lowest:
            return grade
    return FAIL


def follow_through_points(rubric: Rubric, statuses: Iterable[str]) -> Decimal | None:
    """weight × the weighted realisation rate of the statuses given (blank ones are skipped);
    None when there is no follow-through group or no status to go by."""
    group = rubric.follow_through
    if group is None:
        return None
    weights = dict(group.realisation_weights)
    given = [status for status in statuses if status]
    if not given:
        return None
    unknown = sorted(set(given) - set(weights))
    if unknown:
        raise ValueError(f"unknown realisation statuses: {', '.join(unknown)}")
    rate = sum((weights[status] for status in given), ZERO) / len(given)
    return _round(_clamp(group.weight * rate, group.weight))
