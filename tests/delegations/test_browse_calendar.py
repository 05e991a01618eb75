"""The calendar of who is abroad when, and the traveller's own trips."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from tests.conftest import client_for
from tests.delegations.conftest import traveller_of
from tests.delegations.test_browse_list import bulk_delegations
from tests.factories import UserFactory, grant
from waishi.core.roles import Role
from waishi.delegations.models import Status

CALENDAR = reverse("delegations:calendar")
MINE = reverse("delegations:mine")


def days_with(response, title) -> list[dt.date]:
    return [
        day["date"]
        for week in response.context["weeks"]
        for day in week
        if day["in_month"] and any(trip.title == title for trip in day["trips"])
    ]


def test_an_approved_trip_shows_on_each_of_its_days(reviewer, commerce):
    person = traveller_of(commerce, name="陈处长")
    (trip,) = bulk_delegations(commerce, person, 1, start=dt.date(2027, 3, 30))  # to 04-02
    client = client_for(reviewer)
    march = client.get(CALENDAR, {"month": "2027-03"})
    april = client.get(CALENDAR, {"month": "2027-04"})
    assert days_with(march, trip.title) == [dt.date(2027, 3, 30), dt.date(2027, 3, 31)]
    assert days_with(april, trip.title) == [dt.date(2027, 4, d) for d in (1, 2)]
    html = march.content.decode()
    assert reverse("delegations:detail", args=[trip.pk]) in html
    assert "?month=2027-02" in html and "?month=2027-04" in html


def test_drafts_and_cancelled_trips_are_not_on_the_calendar(reviewer, commerce):
    person = traveller_of(commerce, name="陈处长")
    start = dt.date(2027, 5, 10)
    (draft,) = bulk_delegations(commerce, person, 1, start=start, status=Status.DRAFT)
    response = client_for(reviewer).get(CALENDAR, {"month": "2027-05"})
    assert days_with(response, draft.title) == []


def test_the_actual_dates_of_a_late_return_are_shown(reviewer, commerce):
    person = traveller_of(commerce, name="陈处长")
    (trip,) = bulk_delegations(
        commerce,
        person,
        1,
        start=dt.date(2026, 6, 1),  # planned back on 06-04
        status=Status.RETURNED_HOME,
        departed_on=dt.date(2026, 6, 1),
        returned_at=dt.date(2026, 6, 6),
    )
    response = client_for(reviewer).get(CALENDAR, {"month": "2026-06"})
    assert days_with(response, trip.title)[-1] == dt.date(2026, 6, 6)


def test_the_calendar_shows_only_trips_the_user_may_see(outsider, commerce):
    person = traveller_of(commerce, name="陈处长")
    (trip,) = bulk_delegations(commerce, person, 1, start=dt.date(2027, 3, 10))
    response = client_for(outsider).get(CALENDAR, {"month": "2027-03"})
    assert days_with(response, trip.title) == []


def test_an_unreadable_month_falls_back_to_this_month(reviewer):
    response = client_for(reviewer).get(CALENDAR, {"month": "2027-13"})
    assert response.status_code == 200
    assert response.context["month"] == timezone.localdate().replace(day=1)


def test_the_traveller_sees_the_trips_they_are_on_with_their_deadlines(commerce, make_delegation):
    user = grant(UserFactory(username="traveller", unit=commerce), Role.TRAVELLER, commerce)
    me = traveller_of(commerce, name="出访者", user=user)
    make_delegation(title="我的团组", people=[me])
    make_delegation(title="别人的团组")
    returned = timezone.localdate() - dt.timedelta(days=40)
    bulk_delegations(
        commerce, me, 1, start=returned, status=Status.RETURNED_HOME, returned_at=returned
    )
    client = client_for(user)
    client.cookies["django_language"] = "en"
    html = client.get(MINE).content.decode()
    assert "我的团组" in html and "批量团组000" in html
    assert "别人的团组" not in html
    assert "Trip report not filed" in html
    assert "Passport back by" in html


def test_an_account_without_a_person_record_is_told_so(commerce):
    user = UserFactory(username="unlinked", unit=commerce)
    client = client_for(user)
    client.cookies["django_language"] = "en"
    assert "not linked to a person record" in client.get(MINE).content.decode()
