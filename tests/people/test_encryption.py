from django.db import connection

from tests.people.conftest import ZHANG_ID
from waishi.people.models import Passport, Person


def raw_rows(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return repr(cursor.fetchall())


def test_the_database_holds_no_id_or_passport_number_in_clear(zhang, zhang_passport):
    stored = raw_rows("SELECT * FROM people_person") + raw_rows("SELECT * FROM people_passport")
    assert ZHANG_ID not in stored and ZHANG_ID.lower() not in stored
    assert "SE1234567" not in stored
    assert "张伟" in stored  # the read really saw the rows


def test_the_model_reads_the_numbers_back_decrypted(zhang, zhang_passport):
    assert Person.objects.get(pk=zhang.pk).id_number == ZHANG_ID
    assert Passport.objects.get(pk=zhang_passport.pk).number == "SE1234567"


def test_an_exact_number_is_found_by_its_keyed_digest(zhang, zhang_passport):
    assert Person.objects.filter(id_number_digest=zhang.id_number_digest).get() == zhang
    assert zhang.id_number_digest != ZHANG_ID and len(zhang.id_number_digest) == 64
