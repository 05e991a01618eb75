import pytest
from django.test import Client
from django.utils import translation

from tests.factories import UnitFactory, UserFactory, grant
from waishi.core.models import Unit
from waishi.core.roles import Role


@pytest.fixture
def city(db):
    return UnitFactory(code="CITY", name="江海市", kind=Unit.Kind.CITY)


@pytest.fixture
def commerce(city):
    return UnitFactory(code="SWJ", name="市商务局", parent=city)


@pytest.fixture
def commerce_office(commerce):
    return UnitFactory(
        code="SWJ-WSC", name="市商务局外事处", parent=commerce, kind=Unit.Kind.SUBUNIT
    )


@pytest.fixture
def education(city):
    return UnitFactory(code="JYJ", name="市教育局", parent=city)


@pytest.fixture
def liaison(commerce):
    """The foreign affairs liaison of 市商务局."""
    return grant(UserFactory(username="liaison", unit=commerce), Role.LIAISON, commerce)


@pytest.fixture
def outsider(education):
    """A liaison of another unit (市教育局): must not see 市商务局's records."""
    return grant(UserFactory(username="outsider", unit=education), Role.LIAISON, education)


@pytest.fixture
def inspector(city):
    return grant(UserFactory(username="inspector", unit=city), Role.INSPECTOR, city)


@pytest.fixture
def admin_user(city):
    return grant(UserFactory(username="admin", unit=city), Role.ADMINISTRATOR, city)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def liaison_client(liaison):
    return client_for(liaison)


@pytest.fixture(autouse=True)
def _default_language():
    """A request in English leaves English active in the test thread; start each test afresh."""
    yield
    translation.deactivate()
