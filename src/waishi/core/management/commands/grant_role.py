"""`waishi roles grant`: give (or take back) roles on unit subtrees, idempotently.

    waishi roles grant wang liaison SWJ              wang becomes liaison of SWJ and its sub-units
    waishi roles grant wang liaison SWJ --no-subtree  … of SWJ only
    waishi roles grant wang liaison SWJ --revoke      wang is no longer liaison of SWJ
    waishi roles grant --file roles.json             apply [{"user", "role", "unit", "subtree"}, …]

Running the same grant again changes nothing and writes no audit event.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from waishi.core.models import Unit, User
from waishi.core.roles import Role
from waishi.core.services import role_grant, role_revoke

BAD_INPUT = 2  # as `waishi policy check`: exit 2 for input that cannot be used


@dataclass(frozen=True)
class Entry:
    user: User
    role: Role
    unit: Unit
    subtree: bool = True
    revoke: bool = False

    def __str__(self):
        text = f"{self.user.get_username()} · {self.role.value} · {self.unit.code}"
        if self.revoke:
            return text
        return f"{text} ({'with sub-units' if self.subtree else 'this unit only'})"


def bad(message: str) -> CommandError:
    return CommandError(message, returncode=BAD_INPUT)


def find_user(username) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise bad(f"unknown user {username!r}")
    return user


def find_role(value) -> Role:
    try:
        return Role(str(value).strip().lower())
    except ValueError:
        raise bad(f"unknown role {value!r} (one of: {', '.join(Role.values)})") from None


def find_unit(code) -> Unit:
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise bad(f"unknown unit code {code!r}")
    return unit


def entry_from(item, number: int) -> Entry:
    """One entry of a roles file, checked; errors name the entry by its position (from 1)."""
    if not isinstance(item, dict):
        raise bad(f"entry {number}: expected an object with user, role and unit")
    missing = [key for key in ("user", "role", "unit") if key not in item]
    unknown = sorted(set(item) - {"user", "role", "unit", "subtree", "revoke"})
    if missing or unknown:
        problem = f"missing {', '.join(missing)}" if missing else f"unknown {', '.join(unknown)}"
        raise bad(f"entry {number}: {problem}")
    flags = {key: item.get(key, key == "subtree") for key in ("subtree", "revoke")}
    if not all(isinstance(flag, bool) for flag in flags.values()):
        raise bad(f"entry {number}: subtree and revoke must be true or false")
    try:
        return Entry(
            find_user(item["user"]), find_role(item["role"]), find_unit(item["unit"]), **flags
        )
    except CommandError as exc:
        raise bad(f"entry {number}: {exc}") from None


def entries_from_file(path: str) -> list[Entry]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise bad(f"cannot read {path}: {exc.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise bad(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(data, list):
        raise bad(f"{path}: expected a list of {{user, role, unit, subtree}} entries")
    return [entry_from(item, number) for number, item in enumerate(data, start=1)]


class Command(BaseCommand):
    help = (
        "Give USER the role ROLE over the unit UNIT_CODE and (unless --no-subtree) every unit "
        "below it; --revoke takes it back; --file applies a JSON list of "
        '{"user", "role", "unit", "subtree"} entries. Idempotent: prints what changed.'
    )

    def add_arguments(self, parser):
        parser.add_argument("user", nargs="?", help="user name")
        parser.add_argument("role", nargs="?", help=f"one of: {', '.join(Role.values)}")
        parser.add_argument("unit", nargs="?", metavar="unit_code", help="code of the unit")
        parser.add_argument(
            "--no-subtree", action="store_true", help="the unit only, not the units below it"
        )
        parser.add_argument("--revoke", action="store_true", help="take the role away")
        parser.add_argument("--file", help="JSON file with a list of entries to apply")

    def handle(self, *args, user, role, unit, no_subtree, revoke, file, **options):
        positional = [user, role, unit]
        if file and any(positional):
            raise bad("give either USER ROLE UNIT_CODE or --file, not both")
        if file:
            entries = entries_from_file(file)
        elif all(positional):
            entries = [
                Entry(find_user(user), find_role(role), find_unit(unit), not no_subtree, revoke)
            ]
        else:
            raise bad("give USER ROLE UNIT_CODE, or --file FILE")
        changed = self.apply(entries, options["verbosity"])
        if file and options["verbosity"] >= 1:
            self.stdout.write(f"{changed} changed, {len(entries) - changed} unchanged")

    def apply(self, entries: list[Entry], verbosity: int) -> int:
        """All or nothing: one refused entry leaves every role as it was."""
        lines, changed = [], 0
        try:
            with transaction.atomic():
                for entry in entries:
                    verb, did = self.apply_one(entry)
                    changed += did
                    lines.append(f"{verb}: {entry}")
        except ValidationError as exc:
            raise bad(f"refused: {' '.join(exc.messages)}") from None
        if verbosity >= 1:
            for line in lines:
                self.stdout.write(line)
        return changed

    def apply_one(self, entry: Entry) -> tuple[str, bool]:
        if entry.revoke:
            did = role_revoke(actor=None, user=entry.user, role=entry.role, unit=entry.unit)
            return ("revoked" if did else "not held"), did
        _assignment, did = role_grant(
            actor=None,
            user=entry.user,
            role=entry.role,
            unit=entry.unit,
            include_subtree=entry.subtree,
        )
        return ("granted" if did else "unchanged"), did
