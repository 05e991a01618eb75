"""Evaluated delegations written straight to the database, for the tests that read a unit's
evaluation record (tests/evaluation/test_record.py, tests/delegations/
test_evaluation_record_panel.py). The evaluation services are not needed to read results."""

import datetime as dt
import json
from decimal import Decimal

from django.utils import timezone

from waishi.delegations.models import Delegation, Status
from waishi.delegations.models_trip import PostTripDisclosure
from waishi.evaluation.models import (
    Evaluation,
    EvaluationStatus,
    FollowUpRound,
    FollowUpStatus,
    RubricVersion,
)
from waishi.policy.engine.rules import add_months
from waishi.policy.engine.ruleset import DEFAULT_FILE

RUBRIC_FILE = DEFAULT_FILE.parents[2] / "evaluation" / "rubrics" / "default-v1.json"


def rubric() -> RubricVersion:
    body = json.loads(RUBRIC_FILE.read_text(encoding="utf-8"))
    version, _ = RubricVersion.objects.get_or_create(
        number=1, defaults={"label": "默认评估指标", "body": body}
    )
    return version


def evaluated(
    unit,
    *,
    returned: dt.date,
    grade: str = "fail",
    total: str = "52.5",
    title: str = "大阪经贸考察",
    status: str = EvaluationStatus.COMPLETED,
) -> Evaluation:
    """A delegation of `unit` back on `returned`, its post-trip items done, and its evaluation
    (completed with `grade` and `total` unless another `status` is given)."""
    [delegation] = Delegation.objects.bulk_create(  # bulk: the workflow guards `status`
        [
            Delegation(
                title=title,
                organising_unit=unit,
                trip_type="visit",
                leave_china=returned - dt.timedelta(days=4),
                return_china=returned,
                returned_at=returned,
                status=Status.EVALUATED,
                member_count=1,
            )
        ]
    )
    PostTripDisclosure.objects.create(
        delegation=delegation, where="单位网站", posted_on=returned, recorded_at=timezone.now()
    )
    completed = status == EvaluationStatus.COMPLETED
    return Evaluation.objects.create(
        delegation=delegation,
        rubric=rubric(),
        status=status,
        organising_unit=unit,
        year=returned.year,
        trip_type="visit",
        main_country="JP",
        total=Decimal(total) if completed else None,
        grade=grade if completed else "",
        completed_at=timezone.now() if completed else None,
    )


def follow_up(evaluation: Evaluation, *, due_on: dt.date, months: int = 6, submitted=False):
    return FollowUpRound.objects.create(
        evaluation=evaluation,
        months=months,
        due_on=due_on,
        status=FollowUpStatus.SUBMITTED if submitted else FollowUpStatus.SCHEDULED,
    )


def months_ago(months: int, today: dt.date | None = None) -> dt.date:
    return add_months(today or timezone.localdate(), -months)
