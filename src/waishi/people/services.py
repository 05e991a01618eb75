"""Writes of the people app: persons and passports. Each is atomic, permission-checked and audited.

Audit summaries never hold an ID card or passport number in clear: only the masked form.
`actor=None` means the system itself (the demo loader, management commands) and skips the
permission check; views always pass the signed-in user.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from waishi.core.access import unit_scope_q
from waishi.core.audit import audit_record, diff
from waishi.core.crypto import digest, mask, normalise_number
from waishi.core.models import Unit
from waishi.core.roles import Role
from waishi.people.idcard import validate_id_number
from waishi.people.models import Passport, Person, Rank
from waishi.people.selectors import NUMBER_LIKE

PEOPLE_WRITERS = (Role.LIAISON, Role.ADMINISTRATOR)
PASSPORT_WRITERS = (Role.LIAISON, Role.PASSPORT_OFFICER, Role.ADMINISTRATOR)
CUSTODY_KEEPERS = (Role.PASSPORT_OFFICER, Role.ADMINISTRATOR)

# Which custody state may follow which; a cancelled passport is never used again.
C = Passport.Custody
CUSTODY_MOVES = {
    C.IN_CUSTODY: {C.CHECKED_OUT, C.LOST, C.CANCELLED},
    C.CHECKED_OUT: {C.IN_CUSTODY, C.LOST, C.CANCELLED},
    C.LOST: {C.IN_CUSTODY, C.CANCELLED},
    C.CANCELLED: set(),
}

EDITABLE_FIELDS = (
    "name",
    "surname_pinyin",
    "given_pinyin",
    "sex",
    "birth_date",
    "unit",
    "position",
    "rank",
    "retired",
    "id_number",
)


class ConflictError(Exception):
    """The record changed since the user loaded it; saving would overwrite someone's work."""

    def __init__(self, message=None):
        super().__init__(message or _("Someone else changed this record; reload it and try again."))


def _require_unit_role(actor, unit: Unit, roles) -> None:
    if actor is None:
        return
    if not Unit.objects.filter(unit_scope_q(actor, field="", roles=roles), pk=unit.pk).exists():
        raise PermissionDenied(_("You may not change records of this unit."))


def romanised(name: str) -> tuple[str, str]:
    # Imported here: the romaniser lives in its own module, written alongside this one.
    from waishi.people.romanize import RomanizeError, romanize

    try:
        result = romanize(name)
    except RomanizeError:
        return "", ""
    return result.surname, result.given


def _clean_id_number(id_number: str, *, exclude_pk=None) -> tuple[str, str]:
    """(normalised number, digest) — or ("", "") for none; raises on a bad or taken number."""
    if not id_number:
        return "", ""
    try:
        number = validate_id_number(id_number)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.error_list}) from exc
    number_digest = digest(number)
    taken = Person.objects.filter(id_number_digest=number_digest).exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError(
            {"id_number": _("A person with this ID card number is already registered.")}
        )
    return number, number_digest


def _validate_person(person: Person) -> None:
    if not person.name.strip():
        raise ValidationError({"name": _("Enter the person's name.")})
    if person.rank not in Rank.values:
        raise ValidationError({"rank": _("Choose a rank from the list.")})
    if person.birth_date and person.birth_date > date.today():
        raise ValidationError({"birth_date": _("The date of birth cannot be in the future.")})


def _audit_view(person: Person) -> dict:
    """The fields an audit summary shows; numbers masked."""
    return {
        "name": person.name,
        "passport_name": person.passport_name,
        "sex": person.sex,
        "birth_date": person.birth_date,
        "unit": person.unit_id,
        "position": person.position,
        "rank": person.rank,
        "retired": person.retired,
        "id_number": mask(person.id_number or "", keep_start=3, keep_end=4),
    }


def _save_unique(obj, field: str, message: str) -> None:
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:  # a concurrent writer registered the same number first
        raise ValidationError({field: message}) from exc


@transaction.atomic
def person_create(
    *,
    actor,
    name: str,
    unit: Unit,
    sex: str = "",
    birth_date=None,
    position: str = "",
    rank: str = Rank.OTHER,
    retired: bool = False,
    id_number: str = "",
    surname_pinyin: str | None = None,
    given_pinyin: str | None = None,
) -> Person:
    """Register a person. Passport spelling is computed from the name unless given."""
    _require_unit_role(actor, unit, PEOPLE_WRITERS)
    name = name.strip()
    if surname_pinyin is None or given_pinyin is None:
        computed = romanised(name)
        surname_pinyin = computed[0] if surname_pinyin is None else surname_pinyin
        given_pinyin = computed[1] if given_pinyin is None else given_pinyin
    number, number_digest = _clean_id_number(id_number)
    person = Person(
        name=name,
        unit=unit,
        sex=sex,
        birth_date=birth_date,
        position=position.strip(),
        rank=rank,
        retired=retired,
        id_number=number,
        id_number_digest=number_digest,
        surname_pinyin=(surname_pinyin or "").strip().upper(),
        given_pinyin=(given_pinyin or "").strip().upper(),
    )
    _validate_person(person)
    _save_unique(person, "id_number", _("A person with this ID card number is already registered."))
    audit_record(actor=actor, action="person.create", obj=person, changes=_audit_view(person))
    return person


@transaction.atomic
def person_update(*, actor, person: Person, expected_version: int, **fields) -> Person:
    """Change a person's record if nobody else changed it since `expected_version` was read.

    Raises ConflictError on a stale version, so two editors can never both win silently.
    """
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"person_update() got unexpected fields: {', '.join(sorted(unknown))}")
    person = Person.objects.select_for_update().select_related("unit").get(pk=person.pk)
    _require_unit_role(actor, person.unit, PEOPLE_WRITERS)
    if person.version != expected_version:
        raise ConflictError
    before = _audit_view(person)
    if "unit" in fields and fields["unit"].pk != person.unit_id:
        _require_unit_role(actor, fields["unit"], PEOPLE_WRITERS)
    if "id_number" in fields:
        fields["id_number"], person.id_number_digest = _clean_id_number(
            fields["id_number"] or "", exclude_pk=person.pk
        )
    for key in ("surname_pinyin", "given_pinyin"):
        if key in fields:
            fields[key] = (fields[key] or "").strip().upper()
    for key, value in fields.items():
        setattr(person, key, value.strip() if key in ("name", "position") else value)
    _validate_person(person)
    changes = diff(before, _audit_view(person))
    if not changes:
        return person
    person.version += 1
    _save_unique(person, "id_number", _("A person with this ID card number is already registered."))
    audit_record(actor=actor, action="person.update", obj=person, changes=changes)
    return person


@transaction.atomic
def passport_add(
    *,
    actor,
    person: Person,
    kind: str,
    number: str,
    expires_on: date,
    issued_on: date | None = None,
) -> Passport:
    """Register a passport of `person`; it starts in custody."""
    person = Person.objects.select_for_update().select_related("unit").get(pk=person.pk)
    _require_unit_role(actor, person.unit, PASSPORT_WRITERS)
    number = normalise_number(number or "")
    if kind not in Passport.Kind.values:
        raise ValidationError({"kind": _("Choose a passport type from the list.")})
    if not number.isalnum() or not 5 <= len(number) <= 20:
        raise ValidationError({"number": _("A passport number is 5 to 20 letters and digits.")})
    if issued_on and expires_on <= issued_on:
        raise ValidationError({"expires_on": _("The expiry date must come after the issue date.")})
    duplicate = _("This passport number is already registered.")
    if Passport.objects.filter(kind=kind, number_digest=digest(number)).exists():
        raise ValidationError({"number": duplicate})
    passport = Passport(
        person=person,
        kind=kind,
        number=number,
        number_digest=digest(number),
        issued_on=issued_on,
        expires_on=expires_on,
    )
    _save_unique(passport, "number", duplicate)
    audit_record(
        actor=actor,
        action="passport.add",
        obj=passport,
        unit_id=person.unit_id,
        changes={
            "person": person.pk,
            "kind": kind,
            "number": passport.number_masked,
            "issued_on": issued_on,
            "expires_on": expires_on,
        },
    )
    return passport


@transaction.atomic
def passport_set_custody(
    *,
    actor,
    passport: Passport,
    custody: str,
    expected_version: int | None = None,
    reason: str = "",
) -> Passport:
    """Move a passport into, out of custody, or to lost/cancelled (passport officers only)."""
    passport = (
        Passport.objects.select_for_update().select_related("person__unit").get(pk=passport.pk)
    )
    _require_unit_role(actor, passport.person.unit, CUSTODY_KEEPERS)
    if expected_version is not None and passport.version != expected_version:
        raise ConflictError
    if custody not in Passport.Custody.values:
        raise ValidationError({"custody": _("Choose a custody state from the list.")})
    if custody == passport.custody:
        return passport
    if custody not in CUSTODY_MOVES[passport.custody]:
        raise ValidationError(
            {
                "custody": _("A %(current)s passport cannot become %(new)s.")
                % {
                    "current": passport.get_custody_display(),
                    "new": Passport.Custody(custody).label,
                }
            }
        )
    before = passport.custody
    passport.custody = custody
    passport.version += 1
    passport.save(update_fields=["custody", "version"])
    audit_record(
        actor=actor,
        action="passport.custody",
        obj=passport,
        unit_id=passport.person.unit_id,
        changes={"custody": [before, custody], "number": passport.number_masked},
        reason=reason,
    )
    return passport


@transaction.atomic
def person_export(*, actor, filters: dict, rows: int) -> None:
    """Record that `actor` exported people's data (an inspector will ask who took what)."""
    shown = {key: value for key, value in filters.items() if value not in ("", None)}
    if NUMBER_LIKE.match(shown.get("q", "")):  # a number typed in the search box stays masked
        shown["q"] = mask(shown["q"], keep_start=1, keep_end=3)
    audit_record(
        actor=actor,
        action="person.export",
        object_type="people.person",
        object_id="*",
        changes={"filters": shown, "rows": rows},
    )


@transaction.atomic
def person_link_account(*, actor, person: Person, user) -> Person:
    """Link `person` to the sign-in account `user` (or unlink with None), so the traveller sees
    their own trips. Administrators only. Side effects: audit event `person.link_account`."""
    _require_unit_role(actor, person.unit, (Role.ADMINISTRATOR,))
    person = Person.objects.select_for_update().get(pk=person.pk)
    if user is not None and Person.objects.filter(user=user).exclude(pk=person.pk).exists():
        raise ValidationError({"user": _("This account already belongs to another person.")})
    before = person.user_id
    if before == (user.pk if user else None):
        return person
    person.user = user
    person.version += 1
    person.save(update_fields=["user", "version", "updated_at"])
    audit_record(
        actor=actor,
        action="person.link_account",
        obj=person,
        changes={"user": [before, user.pk if user else None]},
    )
    return person
