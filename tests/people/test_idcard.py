from datetime import date

import pytest
from django.core.exceptions import ValidationError

from tests.people.conftest import id_number
from waishi.people.idcard import validate_id_number


def test_a_valid_number_is_normalised_without_spaces_and_with_an_upper_case_x():
    assert validate_id_number(" 110105 19491231 002x ") == "11010519491231002X"


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("11010519491231002", "id_length"),
        ("1101051949123100211", "id_length"),
        ("11010519491231002Y", "id_characters"),
        ("1101051949A231002X", "id_characters"),
        ("110105194902300023", "id_birth"),  # 30 February
        ("110105194912310021", "id_checksum"),
    ],
)
def test_a_wrong_number_is_refused_with_the_reason(number, code):
    with pytest.raises(ValidationError) as caught:
        validate_id_number(number)
    assert caught.value.code == code


def test_every_generated_number_passes_its_own_check():
    for serial in range(0, 1000, 37):
        assert validate_id_number(id_number(date(1990, 6, 15), serial))
