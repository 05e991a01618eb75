"""The demo data set: the fictional city of 江海市 (as in the sample news releases).

Everything is written through the services, so the demo audit chain is real and verifiable.
Deterministic (a fixed seed), so screenshots and walkthroughs look the same every time.
"""

import random
from datetime import date, timedelta

from django.db import transaction

from waishi.core.demo_accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from waishi.core.models import Unit, User
from waishi.core.services import role_grant, unit_create, user_create
from waishi.people.idcard import check_character

# code, name, English name, kind, parent code
UNITS = [
    ("JH", "江海市", "Jianghai Municipality", Unit.Kind.CITY, None),
    ("WB", "市委外事工作委员会办公室", "Foreign Affairs Office", Unit.Kind.DEPARTMENT, "JH"),
    ("SWJ", "市商务局", "Municipal Bureau of Commerce", Unit.Kind.DEPARTMENT, "JH"),
    ("SWJ-WM", "市商务局对外贸易处", "Foreign Trade Division", Unit.Kind.SUBUNIT, "SWJ"),
    ("SWJ-TC", "市投资促进中心", "Investment Promotion Centre", Unit.Kind.SUBUNIT, "SWJ"),
    ("JYJ", "市教育局", "Municipal Education Bureau", Unit.Kind.DEPARTMENT, "JH"),
    ("KJJ", "市科学技术局", "Municipal Science and Technology Bureau", Unit.Kind.DEPARTMENT, "JH"),
    ("FGW", "市发展和改革委员会", "Development and Reform Commission", Unit.Kind.DEPARTMENT, "JH"),
    (
        "GXJ",
        "市工业和信息化局",
        "Bureau of Industry and Information Technology",
        Unit.Kind.DEPARTMENT,
        "JH",
    ),
    (
        "WGLJ",
        "市文化广电旅游局",
        "Bureau of Culture, Radio, Television and Tourism",
        Unit.Kind.DEPARTMENT,
        "JH",
    ),
    ("WJW", "市卫生健康委员会", "Health Commission", Unit.Kind.DEPARTMENT, "JH"),
    ("NYJ", "市农业农村局", "Bureau of Agriculture and Rural Affairs", Unit.Kind.DEPARTMENT, "JH"),
    ("JTJ", "市交通运输局", "Transport Bureau", Unit.Kind.DEPARTMENT, "JH"),
    ("GZW", "市国资委", "State-owned Assets Commission", Unit.Kind.DEPARTMENT, "JH"),
    ("GWJT", "江海港务集团有限公司", "Jianghai Port Group", Unit.Kind.ENTERPRISE, "GZW"),
    ("CTJT", "江海城市投资集团", "Jianghai Urban Investment Group", Unit.Kind.ENTERPRISE, "GZW"),
    ("JHDX", "江海大学", "Jianghai University", Unit.Kind.UNIVERSITY, "JYJ"),
    (
        "JHDX-GJC",
        "江海大学国际合作与交流处",
        "International Office, Jianghai University",
        Unit.Kind.SUBUNIT,
        "JHDX",
    ),
    ("DHQ", "东湖区", "Donghu District", Unit.Kind.DISTRICT, "JH"),
    ("DHQ-SWJ", "东湖区商务局", "Donghu District Commerce Bureau", Unit.Kind.SUBUNIT, "DHQ"),
    ("XJQ", "西江区", "Xijiang District", Unit.Kind.DISTRICT, "JH"),
    ("BHXQ", "滨海新区", "Binhai New Area", Unit.Kind.DISTRICT, "JH"),
    ("LJX", "临江县", "Linjiang County", Unit.Kind.DISTRICT, "JH"),
]
LIAISON_UNIT = "SWJ"

SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余杜叶程魏苏吕丁任卢沈姚钟姜崔谭陆汪范石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱覃单仇"
)
SURNAMES += ["欧阳", "诸葛", "司马", "上官"]
GIVEN = list(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰新海峰春晓梅立文斌宇浩然欣怡子涵雨轩思远博文嘉慧俊杰晨曦"
)
POSITIONS = [
    ("局长", "bureau"),
    ("副局长", "bureau"),
    ("主任", "bureau"),
    ("副主任", "county"),
    ("处长", "county"),
    ("副处长", "county"),
    ("科长", "section"),
    ("副科长", "section"),
    ("主任科员", "section"),
    ("科员", "other"),
    ("翻译", "other"),
    ("工程师", "other"),
    ("教授", "other"),
    ("董事长", "bureau"),
    ("总经理", "county"),
]
REGION_CODES = ["320102", "320105", "320211", "330106", "310104", "110105", "440106", "420106"]


def id_number(rng: random.Random, birth: date, sex: str) -> str:
    """A valid 18-digit resident ID number (GB 11643 checksum) for made-up people."""
    seq = rng.randrange(0, 500) * 2 + (1 if sex == "M" else 0)
    body = f"{rng.choice(REGION_CODES)}{birth:%Y%m%d}{seq:03d}"
    return body + check_character(body)


def make_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2, 2])))


@transaction.atomic
def load_demo(people: int = 160, seed: int = 2026):
    if User.objects.filter(username="admin").exists():
        return None
    units = {}
    for code, name, name_en, kind, parent in UNITS:
        units[code] = unit_create(
            actor=None, code=code, name=name, name_en=name_en, kind=kind, parent=units.get(parent)
        )
    admin = None
    for username, role, scope, description in DEMO_ACCOUNTS:
        unit = units[LIAISON_UNIT] if scope == "unit" else units["WB"]
        user = user_create(
            actor=admin,
            username=username,
            password=DEMO_PASSWORD,
            full_name=str(description)[:64],
            unit=unit,
        )
        role_grant(actor=admin, user=user, role=role, unit=units["JH"] if scope == "city" else unit)
        if username == "admin":
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
            admin = user
    rng = random.Random(seed)  # noqa: S311 — reproducible made-up data, not secrets
    counts = load_demo_people(actor=admin, units=units, count=people, rng=rng)
    from waishi.commission.demo import load_demo_meetings

    counts["meetings"] = load_demo_meetings(actor=admin, units=units)
    from waishi.delegations.demo import load_demo_delegations

    counts["delegations"] = load_demo_delegations(actor=admin, units=units, rng=rng)
    link_demo_traveller(actor=admin)
    from waishi.commission.demo import load_demo_work_plans

    counts["work_items"] = load_demo_work_plans(actor=admin, units=units)
    return {"units": len(units), "users": len(DEMO_ACCOUNTS), **counts}


def load_demo_people(*, actor, units, count, rng):
    from waishi.people.models import Passport
    from waishi.people.services import passport_add, person_create

    today = date.today()
    placeable = [u for code, u in units.items() if code not in ("JH",)]
    made = passports = 0
    used = set()
    while made < count:
        name = make_name(rng)
        if name in used:
            continue
        used.add(name)
        sex = rng.choice("MF")
        birth = date(rng.randint(1963, 1996), rng.randint(1, 12), rng.randint(1, 28))
        position, rank = rng.choice(POSITIONS)
        unit = units[LIAISON_UNIT] if made < 24 else rng.choice(placeable)
        person = person_create(
            actor=actor,
            name=name,
            unit=unit,
            sex=sex,
            birth_date=birth,
            position=position,
            rank=rank,
            retired=rng.random() < 0.03,
            id_number=id_number(rng, birth, sex),
        )
        made += 1
        if rng.random() < 0.85:
            expires = today + timedelta(days=rng.randint(-200, 365 * 5))
            kind = rng.choice(
                [Passport.Kind.OFFICIAL_ORDINARY] * 6
                + [Passport.Kind.SERVICE, Passport.Kind.PRIVATE]
            )
            prefix = "E" if kind == Passport.Kind.PRIVATE else "P"
            passport_add(
                actor=actor,
                person=person,
                kind=kind,
                number=f"{prefix}{rng.randrange(10**7, 10**8)}",
                expires_on=expires,
                issued_on=expires - timedelta(days=3652),
            )
            passports += 1
    return {"people": made, "passports": passports}


def link_demo_traveller(*, actor):
    """The demo `traveller` login is a member of 市商务局's most recent approved-or-later trip."""
    from waishi.delegations.models import DelegationMember, Status
    from waishi.people.services import person_link_account

    member = (
        DelegationMember.objects.filter(
            delegation__organising_unit__code=LIAISON_UNIT,
            delegation__status__in=[Status.APPROVED, Status.ABROAD, Status.RETURNED_HOME],
        )
        .select_related("person")
        .order_by("-delegation__leave_china")
        .first()
    )
    if member is not None:
        traveller = User.objects.get(username="traveller")
        person_link_account(actor=actor, person=member.person, user=traveller)
