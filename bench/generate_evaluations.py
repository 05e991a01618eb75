"""Synthetic evaluations for benchmarks, in bulk, on top of bench.generate_delegations' 200,000
delegations: one evaluation per delegation whose report is filed (completed for the evaluated
and archived ones, still open for those with a report just filed), with a spread of grades,
totals, spending, amounts and agreements by unit, country and trip type, and the 6- and
12-month follow-up rounds of the completed ones (submitted with their counts, or overdue).

    python -m bench.generate_evaluations

Uses DATABASE_URL when set, else SQLite in $WAISHI_DATA_DIR (default: <tmp>/waishi-bench).
Idempotent: a database that already holds the evaluations is left as it is.

A benchmark data set, not an application history: rows go in with bulk_create, in their final
state, bypassing the evaluation services (as bench.generate_delegations does for delegations).
"""

import argparse
import json
import random
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from bench.generate import ROOT_CODE, analyse
from bench.generate_delegations import aware
from bench.generate_delegations import generate as generate_delegations

BATCH = 2000
COMPLETED_STATES = ("evaluated", "archived")
OPEN_STATES = ("report_filed",)
OPEN_STATUSES = [("awaiting_self", 45), ("awaiting_evaluator", 40), ("awaiting_second", 15)]
BANDS = [(Decimal(90), "excellent"), (Decimal(75), "good"), (Decimal(60), "pass")]
# How results per yuan lean by trip type: (mean agreements, share with an amount, amount scale).
TRIP_RESULTS = {
    "investment": (2.0, 0.8, 8_000_000),
    "visit": (1.2, 0.45, 2_000_000),
    "conference": (0.6, 0.25, 800_000),
    "training": (0.2, 0.1, 200_000),
    "academic_exchange": (0.8, 0.2, 500_000),
    "other": (0.5, 0.2, 500_000),
}
NO_CNY_SPENDING = 0.07  # reports whose spending is not on record in CNY
VETO = 0.015
FOLLOW_UP_SUBMITTED = 0.85
STRONG = {"DE", "JP", "SG"}  # destinations whose trips score a little better


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for last in (31, 30, 29, 28):
        try:
            return date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def grade_of(total: Decimal, vetoed: bool) -> str:
    if vetoed:
        return "fail"
    return next((grade for floor, grade in BANDS if total >= floor), "fail")


def rubric():
    """The rubric in force; the packaged default stored as version 1 on a fresh database."""
    from waishi.evaluation.models import RubricVersion

    active = RubricVersion.objects.filter(is_active=True).first()
    if active is not None:
        return active
    import waishi.evaluation

    body = json.loads(
        (Path(waishi.evaluation.__file__).parent / "rubrics" / "default-v1.json").read_text(
            encoding="utf-8"
        )
    )
    number = (
        RubricVersion.objects.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    return RubricVersion.objects.create(
        number=number, label=body.get("title_en", "default"), body=body, is_active=True
    )


class Builder:
    """Makes the evaluation (and its follow-up rounds) of one delegation."""

    def __init__(self, rng: random.Random, units: list[int], today: date, rubric_id: int):
        self.rng, self.today, self.rubric_id = rng, today, rubric_id
        # Some units do better than others, some destinations pay off more.
        self.unit_bias = {pk: rng.gauss(0, 5) for pk in units}
        self.country_yield = {}

    def yield_of(self, country: str) -> float:
        if country not in self.country_yield:
            self.country_yield[country] = self.rng.lognormvariate(0, 0.5)
        return self.country_yield[country]

    def figures(self, row: dict, country: str) -> dict:
        rng = self.rng
        days = (row["return_china"] - row["leave_china"]).days + 1
        spent = None
        if rng.random() >= NO_CNY_SPENDING:
            per_day = rng.uniform(2500, 4500)
            spent = Decimal(row["member_count"] * days * per_day).quantize(Decimal("0.01"))
        mean_agreements, with_amount, scale = TRIP_RESULTS.get(row["trip_type"], (0.5, 0.2, 5e5))
        agreements = min(8, int(rng.expovariate(1 / mean_agreements))) if mean_agreements else 0
        amount = Decimal(0)
        if rng.random() < with_amount:
            value = rng.lognormvariate(0, 1.0) * scale * self.yield_of(country)
            amount = Decimal(value).quantize(Decimal("0.01"))
        return {"spent_cny": spent, "agreements_count": agreements, "amount_cny": amount}

    def evaluation(self, row: dict, country: str):
        from waishi.evaluation.models import Evaluation

        rng = self.rng
        returned = row["returned_at"] or row["return_china"]
        opened = returned + timedelta(days=rng.randint(15, 30))
        completed = row["status"] in COMPLETED_STATES
        status = "completed"
        if not completed:
            statuses, weights = zip(*OPEN_STATUSES, strict=True)
            status = rng.choices(statuses, weights)[0]
        mean = 76 + self.unit_bias[row["organising_unit_id"]] + (3 if country in STRONG else 0)
        total = Decimal(round(min(100, max(20, rng.gauss(mean, 9))) * 2) / 2).quantize(
            Decimal("0.1")
        )
        vetoed = rng.random() < VETO
        scored = status in ("completed", "awaiting_second")
        if status == "awaiting_second":
            total = min(total, Decimal("55.0"))
        evaluation = Evaluation(
            delegation_id=row["pk"],
            rubric_id=self.rubric_id,
            status=status,
            organising_unit_id=row["organising_unit_id"],
            year=row["leave_china"].year,
            trip_type=row["trip_type"],
            main_country=country,
            opened_at=aware(opened),
            self_assessment="按计划完成出访任务。" if status != "awaiting_self" else "",
            self_assessed_at=aware(opened + timedelta(days=5))
            if status != "awaiting_self"
            else None,
            scored_at=aware(opened + timedelta(days=12)) if scored else None,
            completed_at=aware(opened + timedelta(days=20)) if completed else None,
            total=total if scored else None,
            grade=grade_of(total, vetoed) if scored else "",
            vetoed=vetoed and scored,
            veto_code="serious_discipline" if vetoed and scored else "",
            **self.figures(row, country),
        )
        return evaluation, returned if completed else None

    def rounds(self, evaluation, returned: date) -> list:
        from waishi.evaluation.models import FollowUpRound

        rng, made = self.rng, []
        quality = float(evaluation.total or 60) / 100
        for months in (6, 12):
            due = add_months(returned, months)
            submitted = due <= self.today + timedelta(days=10) and rng.random() < (
                FOLLOW_UP_SUBMITTED
            )
            results = rng.randint(2, 8) if submitted else 0
            realised = sum(rng.random() < quality * (0.7 + months / 40) for _ in range(results))
            made.append(
                FollowUpRound(
                    evaluation=evaluation,
                    months=months,
                    due_on=due,
                    status="submitted" if submitted else "scheduled",
                    submitted_at=aware(due - timedelta(days=rng.randint(0, 10)))
                    if submitted
                    else None,
                    realised_count=realised,
                    result_count=results,
                )
            )
        return made

    def batch(self, rows: list[dict], stops: dict[int, str]) -> tuple[int, int]:
        from django.db import transaction

        from waishi.evaluation.models import Evaluation, FollowUpRound

        made = [self.evaluation(row, stops.get(row["pk"], "")) for row in rows]
        with transaction.atomic():
            saved = Evaluation.objects.bulk_create([evaluation for evaluation, _r in made])
            rounds = [
                round_
                for evaluation, (_e, returned) in zip(saved, made, strict=True)
                if returned is not None
                for round_ in self.rounds(evaluation, returned)
            ]
            FollowUpRound.objects.bulk_create(rounds, batch_size=5000)
        return len(saved), len(rounds)


def targets(root):
    from waishi.delegations.models import Delegation

    return Delegation.objects.filter(
        organising_unit__path__startswith=root.path,
        status__in=COMPLETED_STATES + OPEN_STATES,
    )


def existing(root) -> int:
    from waishi.evaluation.models import Evaluation

    return Evaluation.objects.filter(organising_unit__path__startswith=root.path).count()


def generate(*, seed: int = 5, out=sys.stdout) -> bool:
    """Create the evaluations unless they are there (delegations first, reused when present)."""
    from django.utils import timezone

    from waishi.core.models import Unit
    from waishi.delegations.models import ItineraryStop

    generate_delegations(out=out)
    root = Unit.objects.get(code=ROOT_CODE)
    wanted, have = targets(root).count(), existing(root)
    if have >= wanted:
        print(f"reusing {have} evaluations in {ROOT_CODE}", file=out)
        return False
    if have:
        raise SystemExit(
            f"a partial data set ({have} evaluations) is in the way; use a fresh database"
        )
    started = time.perf_counter()
    rng = random.Random(seed)
    units = list(Unit.objects.filter(path__startswith=root.path).values_list("pk", flat=True))
    builder = Builder(rng, units, timezone.localdate(), rubric().pk)
    rows = list(
        targets(root)
        .order_by("pk")
        .values(
            "pk",
            "organising_unit_id",
            "trip_type",
            "leave_china",
            "return_china",
            "returned_at",
            "status",
            "member_count",
        )
    )
    first_stops = dict(
        ItineraryStop.objects.filter(
            delegation__organising_unit__path__startswith=root.path, order=0
        ).values_list("delegation_id", "country")
    )
    totals = [0, 0]
    for start in range(0, len(rows), BATCH):
        made = builder.batch(rows[start : start + BATCH], first_stops)
        totals = [totals[0] + made[0], totals[1] + made[1]]
        done = min(start + BATCH, len(rows))
        if done % 20_000 == 0 or done == len(rows):
            print(
                f"  {done:>7} evaluations, {totals[1]:>7} follow-up rounds"
                f"  ({time.perf_counter() - started:.0f} s)",
                file=out,
                flush=True,
            )
    analyse()
    print(
        f"generated {totals[0]} evaluations and {totals[1]} follow-up rounds "
        f"in {time.perf_counter() - started:.0f} s",
        file=out,
    )
    return True


def main(argv=None) -> int:
    from bench import setup_django

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args(argv)
    print(f"database: {setup_django()}")
    generate(seed=args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
