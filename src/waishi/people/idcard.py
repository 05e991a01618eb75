"""Checks of a resident identity card number (居民身份证号码) as GB 11643-1999 defines it.

Eighteen characters: a six-digit address code, the date of birth as YYYYMMDD, a three-digit sequence
and a check character computed from the first seventeen (ISO 7064 MOD 11-2; 10 is written X).
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"


def check_character(first17: str) -> str:
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def birth_date_of(number: str) -> date | None:
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def normalise_id_number(value: str) -> str:
    return "".join(value.split()).upper()


def validate_id_number(value: str) -> str:
    """Return the number normalised (no spaces, upper-case X) or raise a ValidationError."""
    number = normalise_id_number(value)
    if len(number) != 18:
        raise ValidationError(
            _("An ID card number has 18 characters; this one has %(count)d."),
            code="id_length",
            params={"count": len(number)},
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(
            _("An ID card number is 17 digits followed by a digit or X."), code="id_characters"
        )
    born = birth_date_of(number)
    if born is None or born.year < 1900 or born > date.today():
        raise ValidationError(
            _("The date of birth inside this ID card number is not a real date."), code="id_birth"
        )
    if check_character(number[:17]) != number[17]:
        raise ValidationError(
            _(
                "The last character of this ID card number does not match the others: "
                "check it for a typing error."
            ),
            code="id_checksum",
        )
    return number
