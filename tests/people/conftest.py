"""People fixtures: a commerce cadre with an ID card and passports, a passport officer, and a
fast way to fill a unit with many people."""

from datetime import date, timedelta

import pytest

from tests.factories import UserFactory, grant
from waishi.core.crypto import digest
from waishi.core.roles import Role
from waishi.people import services
from waishi.people.models import Passport, Person, Rank
from waishi.people.selectors import months_after

# Real-format, checksum-valid resident ID numbers (GB 11643); invented people.
ZHANG_ID = "11010519491231002X"
WANG_ID = "320102198507154324"
INVALID_CHECKSUM_ID = "110105194912310021"


def id_number(birth: date, serial: int, area: str = "320102") -> str:
    """A checksum-valid ID number for `birth`, distinct for each `serial` below 1000."""
    from waishi.people.idcard import check_character

    first17 = f"{area}{birth:%Y%m%d}{serial:03d}"
    return first17 + check_character(first17)


@pytest.fixture
def zhang(commerce):
    return services.person_create(
        actor=None,
        name="张伟",
        unit=commerce,
        sex="M",
        birth_date=date(1949, 12, 31),
        position="处长",
        rank=Rank.COUNTY,
        id_number=ZHANG_ID,
    )


@pytest.fixture
def zhang_passport(zhang):
    return services.passport_add(
        actor=None,
        person=zhang,
        kind=Passport.Kind.OFFICIAL_ORDINARY,
        number="SE1234567",
        issued_on=date(2022, 1, 10),
        expires_on=date.today() + timedelta(days=5 * 365),
    )


@pytest.fixture
def teacher(education):
    """A person of 市教育局, invisible to the commerce liaison."""
    return services.person_create(
        actor=None, name="王芳", unit=education, rank=Rank.SECTION, id_number=WANG_ID
    )


@pytest.fixture
def passport_officer(city):
    return grant(UserFactory(username="passport", unit=city), Role.PASSPORT_OFFICER, city)


def fill_unit(unit, count: int, *, start: int = 0) -> None:
    """`count` people with ID numbers and an official passport each, inserted in bulk."""
    numbers = [id_number(date(1980, 1, 1), 0, f"{start + i:06d}") for i in range(count)]
    people = [
        Person(
            name=f"测试{start + i:05d}",
            surname_pinyin="CESHI",
            given_pinyin=f"{start + i:05d}",
            unit=unit,
            rank=Rank.SECTION,
            id_number=number,
            id_number_digest=digest(number),
        )
        for i, number in enumerate(numbers)
    ]
    Person.objects.bulk_create(people)
    created = Person.objects.filter(unit=unit, name__startswith="测试").order_by("id")
    expiry = months_after(date.today(), 36)
    Passport.objects.bulk_create(
        Passport(
            person=p,
            kind=Passport.Kind.SERVICE,
            number=f"S{p.pk:08d}",
            number_digest=digest(f"S{p.pk:08d}"),
            expires_on=expiry,
        )
        for p in created
    )
