"""Who sees which delegations, the list's filters, and its constant number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from tests.delegations.conftest import traveller_of, valid_application
from tests.factories import UserFactory, grant
from waishi.core.roles import Role
from waishi.delegations.selectors import delegations_for_user, get_delegation_for_user
from waishi.delegations.services import delegation_create
from waishi.people.models import Rank


@pytest.fixture
def school_trip(education):
    """A delegation of 市教育局, filed by its own liaison."""
    school_liaison = grant(UserFactory(username="school", unit=education), Role.LIAISON, education)
    people = [traveller_of(education, name="李老师")]
    data = valid_application(education, people, country="JP", city="Osaka")
    data["leave_china"] = dt.date(2029, 5, 1)
    data["return_china"] = dt.date(2029, 5, 4)
    data["stops"][0].update(arrive=dt.date(2029, 5, 1), depart=dt.date(2029, 5, 4))
    data["schedule"] = []
    return delegation_create(actor=school_liaison, organising_unit=education, **data)


def titles(user, **filters):
    return sorted(d.title for d in delegations_for_user(user, **filters))


def test_a_liaison_sees_the_units_delegations_and_not_another_units(
    make_delegation, school_trip, liaison, outsider
):
    ours = make_delegation(title="商务局团组")
    assert titles(liaison) == ["商务局团组"]
    assert titles(outsider) == [school_trip.title]
    assert get_delegation_for_user(liaison, ours.pk) == ours
    with pytest.raises(Http404):
        get_delegation_for_user(outsider, ours.pk)


def test_fao_staff_and_the_inspector_see_the_whole_city(
    make_delegation, school_trip, reviewer, approver, inspector
):
    make_delegation(title="商务局团组")
    for user in (reviewer, approver, inspector):
        assert len(titles(user)) == 2


def test_a_traveller_sees_only_the_trips_they_are_on(make_delegation, commerce, school_trip):
    user = grant(UserFactory(username="traveller", unit=commerce), Role.TRAVELLER, commerce)
    me = traveller_of(commerce, name="出访者", user=user)
    mine = make_delegation(title="我的团组", people=[me])
    make_delegation(title="别人的团组")
    assert titles(user) == ["我的团组"]
    assert get_delegation_for_user(user, mine.pk) == mine
    with pytest.raises(Http404):
        get_delegation_for_user(user, school_trip.pk)


def test_a_user_without_roles_sees_nothing(make_delegation, commerce):
    make_delegation()
    assert titles(UserFactory(username="nobody", unit=commerce)) == []


def test_the_list_filters_by_status_unit_country_year_and_rank(
    make_delegation, act, school_trip, reviewer, commerce, education
):
    bureau = traveller_of(commerce, name="赵局长", rank=Rank.BUREAU)
    submitted = make_delegation(title="已报团组", people=[bureau])
    act(submitted, "submit")
    make_delegation(title="草稿团组")
    assert titles(reviewer, status="submitted") == ["已报团组"]
    assert titles(reviewer, status=["draft", "submitted"]) == sorted(
        ["已报团组", "草稿团组", school_trip.title]
    )
    assert titles(reviewer, unit=education) == [school_trip.title]
    assert titles(reviewer, country="jp") == [school_trip.title]
    assert titles(reviewer, year=2029) == [school_trip.title]
    assert titles(reviewer, rank="bureau") == ["已报团组"]
    assert titles(reviewer, search="草稿") == ["草稿团组"]


def test_the_list_takes_the_same_number_of_queries_however_many_rows(make_delegation, reviewer):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            rows = list(delegations_for_user(reviewer))
            for row in rows:
                _ = (row.organising_unit.name, row.leader and row.leader.name)
                _ = [stop.country for stop in row.stops.all()]
        return len(captured), len(rows)

    make_delegation()
    queries()  # the first read also loads the user's grants, once per request
    few = queries()
    for _ in range(4):
        make_delegation()
    many = queries()
    assert (few[1], many[1]) == (1, 5)
    # The visible units and the user's own trips (read first, so the list stays on its indexes),
    # then the delegations, then their stops.
    assert few[0] == many[0] == 4


def test_the_delegation_page_reads_everything_in_a_constant_number_of_queries(
    make_delegation, act, reviewer
):
    delegation = make_delegation()
    for action in ("submit", "head_sign", "review_pass"):
        act(delegation, action)

    with CaptureQueriesContext(connection) as captured:
        loaded = get_delegation_for_user(reviewer, delegation.pk)
        _ = [m.person.name + m.unit.name for m in loaded.members.all()]
        _ = [e.actor.username for e in loaded.events.all()]
        _ = list(loaded.stops.all()), list(loaded.schedule.all())
        _ = list(loaded.budget_items.all()), list(loaded.objectives.all())
    assert len(captured) <= 10
    assert [e.action for e in loaded.events.all()] == ["submit", "head_sign", "review_pass"]
