"""Names in per-diem tables → codes: Chinese country names → ISO 3166-1 alpha-2, Chinese currency
names → ISO 4217, and other names of the cities the table names.

Pure Python (no Django): `waishi policy check` and the table loader use it without settings.
Country names come from data/country_names_zh.csv rather than django-countries: django-countries
needs configured settings to translate, and its zh-Hans names differ from the names Chinese
finance tables use (孟加拉 / 孟加拉国, 刚果（布） / 刚果, 多米尼加 = the Dominican Republic,
not Dominica). A test cross-checks the file against django-countries wherever both name a place.
"""

import csv
import unicodedata
from collections.abc import Iterator
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

# The currencies Chinese per-diem tables name, by their Chinese name. An ISO code written in the
# table's currency column is accepted too, if it is one of these.
CURRENCIES = {
    "美元": "USD",
    "欧元": "EUR",
    "英镑": "GBP",
    "日元": "JPY",
    "港币": "HKD",
    "港元": "HKD",
    "澳门元": "MOP",
    "澳门币": "MOP",
    "新台币": "TWD",
    "人民币": "CNY",
    "瑞士法郎": "CHF",
    "加元": "CAD",
    "加拿大元": "CAD",
    "澳元": "AUD",
    "澳大利亚元": "AUD",
    "新西兰元": "NZD",
    "新加坡元": "SGD",
    "韩元": "KRW",
    "卢布": "RUB",
    "瑞典克朗": "SEK",
    "挪威克朗": "NOK",
    "丹麦克朗": "DKK",
}
CURRENCY_CODES = frozenset(CURRENCIES.values())


def name_key(text: str) -> str:
    """The form names are compared in: case, width, accents, spaces and punctuation ignored.

    "São Paulo" and "sao paulo", "刚果（布）" and "刚果(布)", "St. Petersburg" and "St Petersburg"
    give the same key.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())


def data_rows(filename: str) -> Iterator[dict]:
    """The records of one of our data files; lines starting with # are comments."""
    with (DATA_DIR / filename).open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(line for line in handle if not line.startswith("#"))


@cache
def _countries() -> tuple[dict[str, str], dict[str, str]]:
    by_key: dict[str, str] = {}
    first_name: dict[str, str] = {}
    for record in data_rows("country_names_zh.csv"):
        name, code = record["name"].strip(), record["code"].strip().upper()
        key = name_key(name)
        if by_key.setdefault(key, code) != code:
            raise ValueError(f"country_names_zh.csv: “{name}” names both {by_key[key]} and {code}")
        first_name.setdefault(code, name)
    return by_key, first_name


def country_code(name: str) -> str | None:
    """ISO 3166-1 alpha-2 code of a Chinese country or region name (variants too), or None."""
    return _countries()[0].get(name_key(name or ""))


def country_name_zh(code: str) -> str | None:
    """The Chinese name waishi shows for an ISO alpha-2 code, or None if the code is unknown."""
    return _countries()[1].get((code or "").upper())


def known_country_codes() -> frozenset[str]:
    return frozenset(_countries()[1])


def currency_code(name: str) -> str | None:
    """ISO 4217 code of a Chinese currency name (美元 → USD), or of a known code itself."""
    name = (name or "").strip()
    if name.upper() in CURRENCY_CODES:
        return name.upper()
    return CURRENCIES.get(name)


@cache
def city_aliases() -> dict[tuple[str, str], tuple[str, ...]]:
    """{(country code, Chinese city name in the table): (other names, …)}, from city_aliases.csv."""
    aliases: dict[tuple[str, str], tuple[str, ...]] = {}
    for record in data_rows("city_aliases.csv"):
        names = tuple(n.strip() for n in record["aliases"].split(";") if n.strip())
        aliases[(record["country"].strip().upper(), record["city"].strip())] = names
    return aliases
