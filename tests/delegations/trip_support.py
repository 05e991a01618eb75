"""Fixtures and helpers of the trip tests (imported by tests/delegations/test_trip_*.py).

Trips are planned in the future, as the application rules want; `shift_into_past` then moves an
approved one back in time so departures and returns can be registered on real past dates."""

import datetime as dt

import pytest
from django.db.models import F
from django.utils import timezone, translation

from tests.factories import UserFactory, grant
from waishi.core.roles import Role
from waishi.delegations.models import Delegation, ItineraryStop, ScheduleEntry
from waishi.delegations.services_trip import disclosure_record, return_register

APPROVE = ["submit", "head_sign", "review_pass", "approve"]


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English, whatever the catalogue translates."""
    with translation.override("en"):
        yield


def disclose(delegation, liaison, *, days_ago=30):
    return disclosure_record(
        actor=liaison,
        delegation=delegation,
        where="单位公示栏",
        posted_on=timezone.localdate() - dt.timedelta(days=days_ago),
    )


class TripKit:
    """Builds trips in each state from the delegations conftest's fixtures; each test module
    makes one in a `kit` fixture (`TripKit(make_delegation, act, liaison, city)`)."""

    def __init__(self, make_delegation, act, liaison, city):
        self.make_delegation, self.act, self.liaison, self.city = (
            make_delegation,
            act,
            liaison,
            city,
        )
        self._officer = None

    @property
    def officer(self):
        if self._officer is None:
            user = UserFactory(username="passport", unit=self.city)
            self._officer = grant(user, Role.PASSPORT_OFFICER, self.city)
        return self._officer

    def approved(self, **overrides):
        """An approved delegation, its pre-trip disclosure long up."""
        delegation = self.make_delegation(**overrides)
        disclose(delegation, self.liaison)
        for action in APPROVE:
            self.act(delegation, action)
        delegation.refresh_from_db()
        return delegation

    def returned(self, days_ago=2, **overrides):
        """A delegation back home `days_ago` days ago, as planned."""
        delegation = self.approved(**overrides)
        shift = (delegation.return_china - timezone.localdate()).days + days_ago
        delegation = shift_into_past(delegation, shift)
        register_as_planned(delegation, self.liaison)
        delegation.refresh_from_db()
        return delegation


def shift_into_past(delegation, days: int) -> Delegation:
    """Move the planned trip `days` earlier (the test's time machine)."""
    back = dt.timedelta(days=days)
    Delegation.objects.filter(pk=delegation.pk).update(
        leave_china=F("leave_china") - back, return_china=F("return_china") - back
    )
    ItineraryStop.objects.filter(delegation=delegation).update(
        arrive=F("arrive") - back, depart=F("depart") - back
    )
    ScheduleEntry.objects.filter(delegation=delegation).update(date=F("date") - back)
    delegation.refresh_from_db()
    return delegation


def planned_stops(delegation) -> list[dict]:
    return [
        {"country": s.country.code, "city": s.city, "arrive": s.arrive, "depart": s.depart}
        for s in delegation.stops.all()
    ]


def register_as_planned(delegation, liaison, **changes):
    delegation.refresh_from_db()
    data = {
        "left_china_on": delegation.leave_china,
        "returned_on": delegation.return_china,
        "stops": planned_stops(delegation),
        **changes,
    }
    return return_register(
        actor=liaison, delegation=delegation, expected_version=delegation.version, **data
    )
