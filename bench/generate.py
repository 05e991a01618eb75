"""Synthetic data for benchmarks: a tree of units and many people with passports, in bulk.

    python -m bench.generate [--units 300] [--people 100000]

Uses DATABASE_URL when set, else SQLite in $WAISHI_DATA_DIR (default: <tmp>/waishi-bench).
Idempotent: a database that already holds the data set is left as it is.

Names, spellings and ID numbers are generated from small tables so no romanisation runs per row;
every ID number is checksum-valid and unique, every passport number unique.
"""

import argparse
import random
import sys
import time
from datetime import date, timedelta

ROOT_CODE = "BENCH-0"
BATCH = 5000
SURNAMES = [
    ("王", "WANG"),
    ("李", "LI"),
    ("张", "ZHANG"),
    ("刘", "LIU"),
    ("陈", "CHEN"),
    ("杨", "YANG"),
    ("黄", "HUANG"),
    ("赵", "ZHAO"),
    ("吴", "WU"),
    ("周", "ZHOU"),
    ("徐", "XU"),
    ("孙", "SUN"),
    ("马", "MA"),
    ("朱", "ZHU"),
    ("胡", "HU"),
    ("郭", "GUO"),
    ("何", "HE"),
    ("高", "GAO"),
    ("林", "LIN"),
    ("罗", "LUO"),
    ("郑", "ZHENG"),
    ("梁", "LIANG"),
    ("谢", "XIE"),
    ("宋", "SONG"),
    ("唐", "TANG"),
    ("许", "XU"),
    ("韩", "HAN"),
    ("冯", "FENG"),
    ("邓", "DENG"),
    ("曹", "CAO"),
    ("吕", "LYU"),
    ("单", "SHAN"),
    ("欧阳", "OUYANG"),
    ("诸葛", "ZHUGE"),
    ("司马", "SIMA"),
]
GIVEN = [
    ("伟", "WEI"),
    ("芳", "FANG"),
    ("娜", "NA"),
    ("敏", "MIN"),
    ("静", "JING"),
    ("丽", "LI"),
    ("强", "QIANG"),
    ("磊", "LEI"),
    ("军", "JUN"),
    ("洋", "YANG"),
    ("勇", "YONG"),
    ("艳", "YAN"),
    ("杰", "JIE"),
    ("涛", "TAO"),
    ("明", "MING"),
    ("超", "CHAO"),
    ("秀", "XIU"),
    ("霞", "XIA"),
    ("平", "PING"),
    ("刚", "GANG"),
    ("桂", "GUI"),
    ("英", "YING"),
    ("华", "HUA"),
    ("建", "JIAN"),
    ("国", "GUO"),
    ("文", "WEN"),
    ("晓", "XIAO"),
    ("海", "HAI"),
    ("红", "HONG"),
    ("玉", "YU"),
    ("梅", "MEI"),
    ("春", "CHUN"),
    ("立", "LI"),
    ("新", "XIN"),
    ("志", "ZHI"),
    ("宇", "YU"),
]
RANKS = [("provincial", 1), ("bureau", 30), ("county", 170), ("section", 350), ("other", 449)]
POSITIONS = ["局长", "副局长", "处长", "副处长", "科长", "科员", "主任", "工程师", "翻译", "教授"]
AREAS = ["320102", "320104", "320105", "320106", "320111", "320113", "320114", "320115"]
DEPARTMENTS = 29


def build_units(unit_count: int):
    from waishi.core.models import Unit

    root = Unit.objects.create(code=ROOT_CODE, name="基准市", kind=Unit.Kind.CITY, path="", depth=0)
    root.path = f"/{root.pk}/"
    root.save(update_fields=["path"])
    units, departments = [root], []
    for i in range(1, unit_count):
        is_department = i <= DEPARTMENTS
        parent = root if is_department else departments[(i - DEPARTMENTS - 1) % DEPARTMENTS]
        unit = Unit.objects.create(
            code=f"BENCH-{i}",
            name=f"基准{'局' if is_department else '处'}{i:03d}",
            kind=Unit.Kind.DEPARTMENT if is_department else Unit.Kind.SUBUNIT,
            parent=parent,
        )
        unit.path, unit.depth = f"{parent.path}{unit.pk}/", parent.depth + 1
        unit.save(update_fields=["path", "depth"])
        units.append(unit)
        if is_department:
            departments.append(unit)
    return root, departments, units


class Numbers:
    """Unique, checksum-valid ID numbers and passport numbers."""

    def __init__(self, rng: random.Random):
        self.rng, self.ids, self.passport_serial = rng, set(), 0

    def id_number(self, born: date) -> str:
        from waishi.people.idcard import check_character

        while True:
            first17 = f"{self.rng.choice(AREAS)}{born:%Y%m%d}{self.rng.randrange(1000):03d}"
            if first17 not in self.ids:
                self.ids.add(first17)
                return first17 + check_character(first17)

    def passport(self, prefix: str) -> str:
        self.passport_serial += 1
        return f"{prefix}{self.passport_serial:07d}"


def make_person(rng: random.Random, numbers: Numbers, units, ranks, weights):
    from waishi.core.crypto import digest
    from waishi.people.models import Person

    surname, surname_py = rng.choice(SURNAMES)
    given = rng.sample(GIVEN, rng.choice((1, 2, 2)))
    born = date(1960, 1, 1) + timedelta(days=rng.randrange(365 * 40))
    id_number = numbers.id_number(born)
    return Person(
        name=surname + "".join(g[0] for g in given),
        surname_pinyin=surname_py,
        given_pinyin="".join(g[1] for g in given),
        sex=rng.choice("MF"),
        birth_date=born,
        unit=rng.choice(units),
        position=rng.choice(POSITIONS),
        rank=rng.choices(ranks, weights)[0],
        id_number=id_number,
        id_number_digest=digest(id_number),
    )


def make_passports(rng: random.Random, numbers: Numbers, person, today: date):
    from waishi.core.crypto import digest
    from waishi.people.models import Passport

    passports = []
    if rng.random() < 0.8:
        kind = rng.choice([Passport.Kind.SERVICE, Passport.Kind.OFFICIAL_ORDINARY])
        passports.append((kind, numbers.passport("SE")))
    if rng.random() < 0.3:
        passports.append((Passport.Kind.PRIVATE, numbers.passport("E")))
    for kind, number in passports:
        expires = today + timedelta(days=rng.randrange(-365, 365 * 8))
        yield Passport(
            person=person,
            kind=kind,
            number=number,
            number_digest=digest(number),
            issued_on=expires - timedelta(days=365 * 10),
            expires_on=expires,
        )


def build_people(count: int, units, *, seed: int) -> int:
    from django.db import transaction

    from waishi.people.models import Passport, Person

    rng, made = random.Random(seed), 0
    numbers, today = Numbers(rng), date.today()
    ranks, weights = zip(*RANKS, strict=True)
    while made < count:
        size = min(BATCH, count - made)
        with transaction.atomic():
            people = Person.objects.bulk_create(
                [make_person(rng, numbers, units, ranks, weights) for _ in range(size)]
            )
            Passport.objects.bulk_create(
                p for person in people for p in make_passports(rng, numbers, person, today)
            )
        made += size
    return made


def build_users(root, department):
    from tests.factories import grant
    from waishi.core.models import User
    from waishi.core.roles import Role

    inspector = User.objects.create(username="bench-inspector", full_name="基准检查员", unit=root)
    liaison = User.objects.create(username="bench-liaison", full_name="基准专办员", unit=department)
    grant(inspector, Role.INSPECTOR, root)
    grant(liaison, Role.LIAISON, department)


def analyse() -> None:
    """Refresh planner statistics, as autovacuum (PostgreSQL) or `PRAGMA optimize` would.

    On PostgreSQL also VACUUM, which marks pages all-visible so that index-only scans of the
    list's covering index work (autovacuum does the same a minute after a real bulk load).
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def generate(*, units: int = 300, people: int = 100_000, seed: int = 1, out=sys.stdout) -> bool:
    """Create the data set unless it is there; True when it was created now."""
    from waishi.core.models import Unit
    from waishi.people.models import Person

    root = Unit.objects.filter(code=ROOT_CODE).first()
    if root is not None:
        have = Person.objects.filter(unit__path__startswith=root.path).count()
        if have >= people:
            print(f"reusing {have} people in {ROOT_CODE}", file=out)
            return False
        raise SystemExit(f"a partial data set ({have} people) is in the way; use a fresh database")
    started = time.perf_counter()
    root, departments, all_units = build_units(units)
    build_users(root, departments[0])
    made = build_people(people, all_units, seed=seed)
    analyse()
    took = time.perf_counter() - started
    print(f"generated {len(all_units)} units and {made} people in {took:.1f} s", file=out)
    return True


def main(argv=None) -> int:
    from bench import setup_django

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    setup_django()
    generate(units=args.units, people=args.people, seed=args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
