"""Evaluations for the analytics tests, written straight to the database in their final state
(as the benchmark generator does): the page only reads the copied columns, so the evaluation
services are not needed to build what it reads."""

import datetime as dt
import itertools
import json
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

import waishi.evaluation
from tests.factories import UserFactory, grant
from waishi.delegations.models import Delegation, Status
from waishi.evaluation.models import (
    Evaluation,
    EvaluationStatus,
    FollowUpRound,
    FollowUpStatus,
    RubricVersion,
)

RUBRIC_FILE = Path(waishi.evaluation.__file__).parent / "rubrics" / "default-v1.json"

_serial = itertools.count(1)


def default_rubric() -> RubricVersion:
    body = json.loads(RUBRIC_FILE.read_text(encoding="utf-8"))
    version, _ = RubricVersion.objects.get_or_create(
        number=1, defaults={"label": "默认评估指标", "body": body}
    )
    return version


def evaluations(unit, *rows: dict) -> list[Evaluation]:
    """One delegation of `unit` and its evaluation per row; a row gives any Evaluation column
    (year, grade, total, trip_type, main_country, spent_cny, amount_cny, agreements_count,
    status, organising_unit). Completed, graded "good" with 80 points unless told otherwise."""
    rubric = default_rubric()
    made = []
    for row in rows:
        fields = {
            "year": 2024,
            "grade": "good",
            "total": Decimal("80"),
            "trip_type": "visit",
            "main_country": "DE",
            "status": EvaluationStatus.COMPLETED,
            "organising_unit": unit,
            **row,
        }
        year = fields["year"]
        made.append(
            Delegation(
                title=f"考察团{next(_serial)}",
                organising_unit=fields["organising_unit"],
                trip_type=fields["trip_type"],
                leave_china=dt.date(year, 5, 1),
                return_china=dt.date(year, 5, 6),
                returned_at=dt.date(year, 5, 6),
                status=Status.EVALUATED,
                member_count=2,
            )
        )
        made[-1].evaluation_fields = fields
    delegations = Delegation.objects.bulk_create(made)  # bulk: the workflow guards `status`
    return Evaluation.objects.bulk_create(
        [
            Evaluation(
                delegation=delegation,
                rubric=rubric,
                completed_at=timezone.now(),
                **made_row.evaluation_fields,
            )
            for delegation, made_row in zip(delegations, made, strict=True)
        ]
    )


def follow_up(evaluation, *, months=6, due_on, submitted=False, realised=0, results=0):
    return FollowUpRound.objects.create(
        evaluation=evaluation,
        months=months,
        due_on=due_on,
        status=FollowUpStatus.SUBMITTED if submitted else FollowUpStatus.SCHEDULED,
        submitted_at=timezone.now() if submitted else None,
        realised_count=realised,
        result_count=results,
    )


def persona(role, unit, username=None):
    return grant(UserFactory(username=username or f"{role}-{next(_serial)}", unit=unit), role, unit)


SVG = "{http://www.w3.org/2000/svg}"


def parse_svg(markup) -> ET.Element:
    """A chart as an XML tree (namespaced as SVG); fails unless well-formed. Parses only the
    markup our own chart builders wrote, never outside input."""
    markup = str(markup).replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    return ET.fromstring(markup)  # noqa: S314 — our own output, see the docstring
