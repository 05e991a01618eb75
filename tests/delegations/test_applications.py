"""Creating and correcting an application: bad input gets a clear message and nothing is saved."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from tests.delegations.conftest import traveller_of, valid_application
from waishi.delegations.models import Delegation, ItineraryStop
from waishi.delegations.services import delegation_create, delegation_update
from waishi.delegations.workflow import ConflictError, InvalidTransition
from waishi.people.models import Rank

LEAVE = dt.date(2030, 3, 1)


@pytest.fixture
def people(commerce):
    return [
        traveller_of(commerce, name="张伟", rank=Rank.COUNTY),
        traveller_of(commerce, name="王芳", rank=Rank.SECTION),
    ]


@pytest.fixture
def create(liaison, commerce, people):
    def attempt(**changes):
        data = {**valid_application(commerce, people, leave=LEAVE), **changes}
        with translation.override("en"):
            return delegation_create(actor=liaison, organising_unit=commerce, **data)

    return attempt


def refused(create, field, **changes) -> str:
    with pytest.raises(ValidationError) as caught:
        create(**changes)
    assert Delegation.objects.count() == 0, "nothing half-saved"
    return " ".join(caught.value.message_dict[field])


def stop(country="DE", city="Hamburg", arrive=LEAVE, depart=LEAVE, **extra):
    return {"country": country, "city": city, "arrive": arrive, "depart": depart, **extra}


def day(n):
    return LEAVE + dt.timedelta(days=n)


def test_a_valid_application_is_saved_whole_with_its_derived_facts(create, people):
    delegation = create()
    assert delegation.status == "draft" and delegation.version == 1
    assert delegation.leader == people[0]
    assert (delegation.top_rank, delegation.member_count) == ("county", 2)
    assert list(delegation.objectives.values_list("text", flat=True)) == [
        "签署港口合作备忘录",
        "考察物流园区",
    ]
    member = delegation.members.get(person=people[1])
    assert (member.unit, member.rank, member.position) == (people[1].unit, "section", "处长")
    assert delegation.stops.get().country.code == "DE"
    assert delegation.schedule.count() == 4 and delegation.budget_items.count() == 1


def test_a_stop_that_departs_before_it_arrives_is_refused(create):
    message = refused(create, "stops", stops=[stop(arrive=day(2), depart=day(1))])
    assert "departs 2030-03-02, before it arrives 2030-03-03" in message


def test_a_return_before_leaving_china_is_refused(create):
    message = refused(create, "return_china", return_china=day(-2))
    assert "return to China (2030-02-27) is before leaving China (2030-03-01)" in message


def test_overlapping_stops_are_refused(create):
    stops = [stop(arrive=day(0), depart=day(2)), stop("FR", "Paris", arrive=day(1), depart=day(3))]
    assert "stops overlap or are out of order" in refused(create, "stops", stops=stops)


def test_a_stop_outside_the_trip_is_refused(create):
    message = refused(create, "stops", stops=[stop(arrive=day(2), depart=day(9))])
    assert "Stop 1 (Hamburg) lies outside the trip" in message


@pytest.mark.parametrize("code", ["XX", "", "CN", "Germany"])
def test_an_unknown_country_or_china_itself_is_refused(create, code):
    message = refused(create, "stops", stops=[stop(country=code)])
    assert "is not a country abroad" in message


def test_a_person_listed_twice_is_refused(create, people):
    members = [{"person": people[0]}, {"person": people[0].pk}]
    assert "张伟 is listed twice" in refused(create, "members", members=members)


def test_an_empty_delegation_is_refused(create):
    assert "at least one member" in refused(create, "members", members=[])
    assert "at least one stop" in refused(create, "stops", stops=[])


def test_two_leaders_are_refused(create, people):
    members = [{"person": p, "role_in_delegation": "leader"} for p in people]
    assert "one leader; 2 are marked" in refused(create, "members", members=members)


@pytest.mark.parametrize(
    ("item", "text"),
    [
        ({"kind": "lodging", "amount": "-5", "currency": "EUR"}, "amount of 0 or more"),
        ({"kind": "lodging", "amount": "abc", "currency": "EUR"}, "amount of 0 or more"),
        ({"kind": "lodging", "amount": "5", "currency": "EURO"}, "not a currency code"),
        ({"kind": "gifts", "amount": "5", "currency": "EUR"}, "choose a valid item"),
    ],
)
def test_a_bad_budget_item_is_refused(create, item, text):
    assert text in refused(create, "budget", budget=[item])


def test_a_schedule_entry_outside_the_trip_is_refused(create):
    entry = {"date": day(10), "activity": "会谈", "kind": "official"}
    assert "lies outside the trip" in refused(create, "schedule", schedule=[entry])


def test_every_problem_is_reported_at_once(create):
    with pytest.raises(ValidationError) as caught:
        create(title="", trip_type="holiday", members=[], stops=[stop(country="XX")])
    assert set(caught.value.message_dict) == {"title", "trip_type", "members", "stops"}


def test_only_a_liaison_of_the_organising_unit_may_create_one(head, outsider, commerce, people):
    data = valid_application(commerce, people, leave=LEAVE)
    for actor in (head, outsider):
        with pytest.raises(PermissionDenied):
            delegation_create(actor=actor, organising_unit=commerce, **data)
    assert Delegation.objects.count() == 0


def test_a_failed_correction_leaves_the_stored_application_as_it_was(create, liaison):
    delegation = create()
    with pytest.raises(ValidationError):
        delegation_update(
            actor=liaison,
            delegation=delegation,
            expected_version=1,
            title="改过的标题",
            stops=[stop(arrive=day(2), depart=day(1))],
        )
    delegation.refresh_from_db()
    assert delegation.title == "汉堡港口合作考察" and delegation.version == 1
    assert ItineraryStop.objects.filter(delegation=delegation).count() == 1


def test_a_correction_replaces_the_members_and_the_facts_derived_from_them(
    create, liaison, commerce
):
    delegation = create()
    bureau = traveller_of(commerce, name="赵局长", rank=Rank.BUREAU)
    delegation_update(
        actor=liaison,
        delegation=delegation,
        expected_version=1,
        members=[{"person": bureau, "role_in_delegation": "leader"}],
    )
    delegation.refresh_from_db()
    assert (delegation.leader, delegation.top_rank, delegation.member_count) == (
        bureau,
        "bureau",
        1,
    )
    assert delegation.version == 2


def test_a_correction_on_a_stale_version_is_refused(create, liaison):
    delegation = create()
    delegation_update(actor=liaison, delegation=delegation, expected_version=1, title="第二版")
    with pytest.raises(ConflictError) as caught:
        delegation_update(actor=liaison, delegation=delegation, expected_version=1, title="第三版")
    assert "重新加载" in str(caught.value)  # "reload", in the zh-Hans the tests run in
    delegation.refresh_from_db()
    assert delegation.title == "第二版"


def test_a_submitted_application_can_no_longer_be_changed(create, liaison, act):
    delegation = create()
    act(delegation, "submit")
    delegation.refresh_from_db()
    with pytest.raises(InvalidTransition):
        delegation_update(
            actor=liaison,
            delegation=delegation,
            expected_version=delegation.version,
            title="偷改",
        )


def test_an_outsider_cannot_correct_another_units_application(create, outsider):
    delegation = create()
    with pytest.raises(PermissionDenied):
        delegation_update(actor=outsider, delegation=delegation, expected_version=1, title="x")
