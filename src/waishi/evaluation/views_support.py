"""Reads behind the evaluation list that the selectors do not provide: the "my work" views,
sorting and paging. Every read starts from selectors.evaluations_for (the user's scope).

The "my work" conditions mirror who may act (selectors.can_*), written as one Q each so the list
and its tab counts stay a constant number of queries whatever the number of rows:

- my self-assessment: awaiting it, and I am the leader's linked account or a liaison of the unit;
- my scoring: awaiting the evaluator, and I hold the evaluator role over the unit;
- my second evaluation: awaiting it, I am an evaluator over the unit, and not the first one;
- follow-ups due: a scheduled round of a completed evaluation of a unit I am the liaison of
  is due within FOLLOW_UP_NOTICE_DAYS (or late).
"""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from waishi.core.access import unit_scope_q
from waishi.core.roles import Role
from waishi.evaluation import selectors
from waishi.evaluation.forms import DEFAULT_SORT, Mine
from waishi.evaluation.models import EvaluationStatus

PER_PAGE = 25
FOLLOW_UP_NOTICE_DAYS = 30
STATUS_ORDER = Case(
    *(When(status=value, then=Value(i)) for i, value in enumerate(EvaluationStatus.values)),
    output_field=IntegerField(),
)
SORTS = {
    "opened": ["opened_at", "id"],
    "title": ["delegation__title", "id"],
    "unit": ["organising_unit__name", "id"],
    "year": ["year", "id"],
    "total": [F("total").asc(nulls_first=True), "id"],
    "status": [STATUS_ORDER, "id"],
}


def ordering_for(sort: str) -> list:
    """ORDER BY terms for a sort key ("total", "-title", …); unknown keys: newest first."""
    sort = sort if sort.lstrip("-") in SORTS else DEFAULT_SORT
    terms = SORTS[sort.lstrip("-")]
    if not sort.startswith("-"):
        return list(terms)
    descending = []
    for term in terms:
        if isinstance(term, str):
            descending.append(f"-{term}")
        elif hasattr(term, "expression"):  # an OrderBy: flip it, empty totals last
            descending.append(term.expression.desc(nulls_last=True))
        else:
            descending.append(term.desc())
    return descending


def _evaluator_q(user) -> Q:
    return unit_scope_q(user, field="organising_unit", roles={Role.EVALUATOR})


def follow_ups_due_soon(user, today: dt.date | None = None) -> QuerySet:
    today = today or timezone.localdate()
    until = today + dt.timedelta(days=FOLLOW_UP_NOTICE_DAYS)
    return selectors.follow_ups_due(user).filter(due_on__lte=until)


def mine_q(user, mine: str, today: dt.date | None = None) -> Q:
    """The condition of one "my work" view (Mine.*); Q() for all evaluations."""
    if mine == Mine.SELF:
        liaison = unit_scope_q(user, field="organising_unit", roles={Role.LIAISON})
        return Q(status=EvaluationStatus.AWAITING_SELF) & (
            Q(delegation__leader__user=user) | liaison
        )
    if mine == Mine.SCORE:
        return Q(status=EvaluationStatus.AWAITING_EVALUATOR) & _evaluator_q(user)
    if mine == Mine.SECOND:
        first = Q(evaluator=user)
        return Q(status=EvaluationStatus.AWAITING_SECOND) & _evaluator_q(user) & ~first
    if mine == Mine.FOLLOW_UP:
        due = follow_ups_due_soon(user, today).values("evaluation_id")
        liaison = unit_scope_q(user, field="organising_unit", roles={Role.LIAISON})
        return Q(status=EvaluationStatus.COMPLETED, pk__in=due) & liaison
    return Q()


def browse(
    user, scoped=None, *, search="", mine="", year=None, unit=None, grade="", status=""
) -> QuerySet:
    """The list's rows: the user's evaluations (`scoped`, selectors.evaluations_for read once
    per request) with the list's filters applied."""
    qs = (selectors.evaluations_for(user) if scoped is None else scoped).select_related("evaluator")
    if mine:
        qs = qs.filter(mine_q(user, mine))
    if search:
        qs = qs.filter(
            Q(delegation__title__icontains=search)
            | Q(delegation__approval_number__icontains=search)
        )
    if year:
        qs = qs.filter(year=year)
    if unit is not None:
        qs = qs.filter(organising_unit__path__startswith=unit.path)
    if grade:
        qs = qs.filter(grade=grade)
    if status:
        qs = qs.filter(status=status)
    return qs


def my_work_counts(user, scoped=None) -> dict[str, int]:
    """How many evaluations wait in each "my work" view, in one query."""
    views = [value for value, _label in Mine.CHOICES if value]
    scoped = selectors.evaluations_for(user) if scoped is None else scoped
    counts = scoped.aggregate(
        **{f"n_{view}": Count("pk", filter=mine_q(user, view)) for view in views}
    )
    return {view: counts.get(f"n_{view}") or 0 for view in views}


def page_of(qs: QuerySet, *, page_number, sort: str, per_page: int = PER_PAGE) -> Page:
    return Paginator(qs.order_by(*ordering_for(sort)), per_page).get_page(page_number)
