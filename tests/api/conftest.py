"""API fixtures: a small populated city and the three kinds of caller the API meets — a liaison
signed in through the browser session, a script holding a personal token, and nobody."""

from datetime import date, timedelta

import pytest
from django.test import Client

from tests.conftest import client_for
from tests.people.conftest import id_number
from waishi.core.tokens import api_token_create
from waishi.people import services
from waishi.people.models import Passport, Rank

OPENAPI = "/api/v1/openapi.json"


@pytest.fixture
def commerce_people(commerce, commerce_office):
    """Two cadres of 市商务局 (one in its office), each with an official passport."""
    people = [
        services.person_create(
            actor=None, name=name, unit=unit, rank=Rank.COUNTY, id_number=id_number(born, 1)
        )
        for name, unit, born in (
            ("张伟", commerce, date(1970, 5, 1)),
            ("欧阳春", commerce_office, date(1982, 11, 30)),
        )
    ]
    for n, person in enumerate(people):
        services.passport_add(
            actor=None,
            person=person,
            kind=Passport.Kind.OFFICIAL_ORDINARY,
            number=f"SE{n:07d}",
            expires_on=date.today() + timedelta(days=900),
        )
    return people


@pytest.fixture
def teacher(education):
    """A person of 市教育局: outside the commerce liaison's units."""
    return services.person_create(
        actor=None, name="王芳", unit=education, id_number=id_number(date(1990, 2, 3), 2)
    )


@pytest.fixture
def bearer(liaison):
    """The Authorization header of a valid personal token of the liaison."""
    _token, raw = api_token_create(actor=liaison, user=liaison, name="fuzz")
    return f"Bearer {raw}"


@pytest.fixture
def callers(liaison, bearer):
    """Name → (client, extra headers) for a session user, a token user and an anonymous caller."""
    return {
        "session": (client_for(liaison), {}),
        "token": (Client(), {"HTTP_AUTHORIZATION": bearer}),
        "anonymous": (Client(), {}),
    }


@pytest.fixture
def openapi(client, db):
    response = client.get(OPENAPI)
    assert response.status_code == 200
    return response.json()
