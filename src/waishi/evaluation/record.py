"""A unit's evaluation record: what feeds performance evaluation back into approvals
(DOMAIN.md §2). The policy rule `evaluation_record` warns on an application from a unit whose
recent delegations were graded fail or whose follow-ups are overdue; the reviewer's panel on the
delegation page shows the same record.

The record is of the organising unit itself, not of its subtree: an evaluation grades the
delegation of the unit that organised it (Evaluation.organising_unit), and that unit answers for
it and for its follow-ups. A bureau is not warned for a failure of one of its institutes, which
organises and answers for its own trips, nor an institute for its parent's; this is also how a
unit's overdue post-trip items block its own applications (waishi.delegations.rules_trip).

Three queries whatever the number of evaluations: the grades counted, the failed rows, the
overdue follow-up rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Count
from django.db.models.functions import Coalesce

from waishi.evaluation.models import (
    Evaluation,
    EvaluationStatus,
    FollowUpRound,
    FollowUpStatus,
    Grade,
)
from waishi.policy.engine import EvaluationRecord, FailedTrip, OverdueFollowUp
from waishi.policy.engine.rules import add_months


class FailedDelegation(NamedTuple):
    delegation_id: int
    title: str
    year: int
    total: Decimal | None
    evaluation_id: int
    returned_on: dt.date


class OverdueRound(NamedTuple):
    round_id: int
    title: str  # the delegation's
    due_on: dt.date
    delegation_id: int
    evaluation_id: int
    months: int


@dataclass
class UnitRecord:
    """Completed evaluations of the unit's delegations that returned within the window (counted
    by grade, the failed ones listed, latest return first) and its follow-ups overdue today,
    whenever the delegation returned (earliest due first)."""

    failed: list[FailedDelegation] = field(default_factory=list)
    overdue_follow_ups: list[OverdueRound] = field(default_factory=list)
    evaluated: int = 0
    grades: dict[str, int] = field(default_factory=dict)  # every Grade value, best first
    window_months: int = 0
    since: dt.date | None = None

    def for_policy(self) -> EvaluationRecord:
        """The record as the policy engine reads it; with the return dates, a rule with a
        shorter window than this record's applies its own."""
        return EvaluationRecord(
            failed=tuple(
                FailedTrip(row.title, year=row.year, total=row.total, returned=row.returned_on)
                for row in self.failed
            ),
            overdue_follow_ups=tuple(
                OverdueFollowUp(title=row.title, due_on=row.due_on)
                for row in self.overdue_follow_ups
            ),
        )


def unit_record(unit, *, today: dt.date, window_months: int) -> UnitRecord:
    """The evaluation record of `unit` (a Unit or its pk) as of `today`: evaluations completed
    for delegations that returned in the `window_months` months up to `today`, and follow-up
    rounds still scheduled whose due date has passed."""
    since = add_months(today, -window_months)
    returned = Coalesce("delegation__returned_at", "delegation__return_china")
    in_window = (
        Evaluation.objects.filter(organising_unit=unit, status=EvaluationStatus.COMPLETED)
        .annotate(returned_on=returned)
        .filter(returned_on__gte=since, returned_on__lte=today)
    )
    counts = dict(
        in_window.order_by().values("grade").annotate(n=Count("pk")).values_list("grade", "n")
    )
    failed = [
        FailedDelegation(*row)
        for row in in_window.filter(grade=Grade.FAIL)
        .order_by("-returned_on", "-pk")
        .values_list("delegation_id", "delegation__title", "year", "total", "pk", "returned_on")
    ]
    overdue = [
        OverdueRound(*row)
        for row in FollowUpRound.objects.filter(
            evaluation__organising_unit=unit, status=FollowUpStatus.SCHEDULED, due_on__lt=today
        )
        .order_by("due_on", "pk")
        .values_list(
            "pk",
            "evaluation__delegation__title",
            "due_on",
            "evaluation__delegation_id",
            "evaluation_id",
            "months",
        )
    ]
    return UnitRecord(
        failed=failed,
        overdue_follow_ups=overdue,
        evaluated=sum(counts.values()),
        grades={grade: counts.get(grade, 0) for grade in Grade.values},
        window_months=window_months,
        since=since,
    )
