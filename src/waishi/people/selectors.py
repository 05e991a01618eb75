"""Reads of the people app, scoped to the units the user may see.

The list fetches a page in a fixed number of queries whatever the table size: one COUNT on the
bare filtered table, then one query for the page's rows with everything the list shows (unit,
official passport expiry) joined or annotated, the page's ids picked by a LIMIT/OFFSET subquery so
the per-row subquery runs for 50 rows, never for the rows that OFFSET skips.
"""

import re
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import Case, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.fields import IntegerField
from django.shortcuts import get_object_or_404

from waishi.core.access import grants_of, unit_scope_q
from waishi.core.crypto import digest
from waishi.core.models import Unit
from waishi.people.models import Passport, Person, Rank

PER_PAGE = 50
EXPIRY_WARNING_MONTHS = 6
# Something typed in the search box that is a document number rather than a name: letters and
# digits only, with at least four digits (names never have digits).
NUMBER_LIKE = re.compile(r"^(?=(?:.*\d){4})[0-9A-Za-z]{5,20}$")


def _rank_seniority():
    whens = [When(rank=rank, then=Value(i)) for i, rank in enumerate(Rank.seniority())]
    return Case(*whens, default=Value(len(whens)), output_field=IntegerField())


SORTS = {
    "name": ("name", "id"),
    "unit": ("unit__path", "name", "id"),
    "rank": (_rank_seniority(), "name", "id"),
}


def ordering_for(sort: str) -> list:
    """ORDER BY terms for a sort key ("name", "-unit", …); unknown keys sort by name."""
    descending = sort.startswith("-")
    terms = SORTS.get(sort.lstrip("-"), SORTS["name"])
    if not descending:
        return [t.asc() if hasattr(t, "asc") else t for t in terms]
    return [t.desc() if hasattr(t, "desc") else f"-{t}" for t in terms]


def visible_units(user, *, roles=None) -> QuerySet:
    """Units whose people the user may see (or, with `roles`, act on), in tree order."""
    return (
        Unit.objects.filter(unit_scope_q(user, field="", roles=roles))
        .only("id", "name", "depth", "path", "code")
        .order_by("path")
    )


def may_act_on_unit(user, unit: Unit, roles) -> bool:
    """Whether `user` holds one of `roles` over `unit`, from the grants already loaded."""
    grants = grants_of(user)
    if grants.citywide(roles):
        return True
    return any(
        role in roles and (unit.path.startswith(path) if subtree else unit.pk == unit_id)
        for role, path, unit_id, subtree in grants.rows
    )


def _search_q(q: str) -> Q:
    q = " ".join(q.split())
    if NUMBER_LIKE.match(q):
        number_digest = digest(q)
        passports = Passport.objects.filter(number_digest=number_digest).values("person_id")
        return Q(id_number_digest=number_digest) | Q(pk__in=passports)
    if q.upper() == q.lower():
        # Chinese characters have no case: a plain LIKE, without PostgreSQL's UPPER() on every
        # row, which halves a scan of 100k names; and no pinyin can match.
        return Q(name__contains=q)
    upper = q.upper()
    found = Q(name__icontains=q) | Q(surname_pinyin__startswith=upper)
    if " " in upper:
        surname, given = upper.split(" ", 1)
        found |= Q(surname_pinyin=surname, given_pinyin__startswith=given)
    return found


def people_for_user(
    user, *, q: str = "", unit_id=None, rank=None, include_subunits: bool = True
) -> QuerySet:
    """The people `user` may see, narrowed by a search term, a unit (subtree) and a rank."""
    people = Person.objects.all()
    scope = unit_scope_q(user, field="")
    if scope:  # empty for city-wide roles
        # unit IN (visible units) rather than a JOIN on the unit path: the planner can then
        # answer from the person_list_idx index alone.
        people = people.filter(unit__in=Unit.objects.filter(scope))
    if unit_id:
        if include_subunits:
            unit_path = Unit.objects.filter(pk=unit_id).values("path")[:1]
            people = people.filter(
                unit__in=Unit.objects.filter(path__startswith=Subquery(unit_path))
            )
        else:
            people = people.filter(unit_id=unit_id)
    if rank:
        people = people.filter(rank=rank)
    if q.strip():
        people = people.filter(_search_q(q))
    return people


def official_expiry_subquery() -> Subquery:
    """The latest expiry among a person's usable official passports."""
    usable = (
        Passport.objects.filter(person=OuterRef("pk"), kind__in=Passport.OFFICIAL_KINDS)
        .exclude(custody__in=[Passport.Custody.LOST, Passport.Custody.CANCELLED])
        .order_by("-expires_on")
        .values("expires_on")[:1]
    )
    return Subquery(usable)


def with_list_columns(people: QuerySet) -> QuerySet:
    return people.select_related("unit").annotate(official_expires_on=official_expiry_subquery())


def people_page(people: QuerySet, *, page_number, sort: str = "name", per_page=PER_PAGE) -> Page:
    """One page of `people` for the list, its rows carrying `official_expires_on`."""
    ordering = ordering_for(sort)
    paginator = Paginator(people.order_by(*ordering), per_page)
    page = paginator.get_page(page_number)
    page_ids = page.object_list.values("pk")
    rows = with_list_columns(Person.objects.filter(pk__in=page_ids)).order_by(*ordering)
    page.object_list = list(rows)
    return page


def people_for_export(people: QuerySet, *, sort: str = "name", limit: int) -> QuerySet:
    return with_list_columns(people).order_by(*ordering_for(sort))[:limit]


def get_person_for_user(user, pk) -> Person:
    """404 for a person outside the user's units: no guessing ids across units."""
    return get_object_or_404(
        Person.objects.filter(unit_scope_q(user, "unit")).select_related("unit"), pk=pk
    )


def passports_of(person: Person) -> list[Passport]:
    return list(person.passports.order_by("-expires_on", "id"))


def months_after(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last_day in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last_day))
        except ValueError:
            continue
    raise ValueError(day)  # unreachable: the 28th exists in every month


def official_expiry_warning(passports: list[Passport], today: date) -> Passport | None:
    """The usable official passport, if the best one expires within six months (or has)."""
    usable = [
        p
        for p in passports
        if p.is_official and p.custody not in (Passport.Custody.LOST, Passport.Custody.CANCELLED)
    ]
    if not usable:
        return None
    best = max(usable, key=lambda p: p.expires_on)
    return best if best.expires_on < months_after(today, EXPIRY_WARNING_MONTHS) else None
