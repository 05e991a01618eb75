"""The per-diem standards for official trips abroad (财行〔2013〕516号, lodging caps adjusted by
财行〔2017〕434号): read a table, check it strictly, look up the rate for a country and city.

Pure Python: no Django import, no settings needed. The policy engine prices a plan with it:

    >>> from waishi.policy.perdiem import default_table
    >>> rate = default_table().rate_for("DE", "Hamburg")
    >>> rate.currency, rate.lodging, rate.meals, rate.incidentals
    ('EUR', Decimal('150'), Decimal('60'), Decimal('38'))

Amounts are per person: `lodging` is a cap per night, `meals` and `incidentals` are lump sums per
day. The table the administrator made active lives in the database (waishi.policy.models); build a
`PerDiemTable` from it with `waishi.policy.selectors.active_per_diem_table()`; `default_table()` is
the table shipped with the code.

A table file is CSV (UTF-8, with or without BOM, or GB18030 as Excel saves it) with the columns
continent, country, cities, currency, lodging_cap, meals, incidentals (a `seq` column and other
columns are ignored; Chinese headers 洲别, 国家, 城市, 币种, 住宿费, 伙食费, 公杂费 are accepted).
`cities` lists Chinese city names separated by 、; empty means the whole country; 其他城市
means every city of that country not named in another row.
"""

import csv
import io
import os
import tomllib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import IO

from waishi.policy.names import DATA_DIR, city_aliases, country_code, currency_code, name_key

OTHER_CITIES = "其他城市"
CITY_SEPARATORS = str.maketrans({",": "、", "，": "、", ";": "、", "；": "、"})
SHIPPED_FILE = DATA_DIR / "per_diem_516_434_2019.csv"
SHIPPED_PROVENANCE = DATA_DIR / "per_diem_516_434_2019.toml"

AMOUNT_COLUMNS = ("lodging_cap", "meals", "incidentals")
REQUIRED_COLUMNS = ("continent", "country", "cities", "currency", *AMOUNT_COLUMNS)
HEADER_SYNONYMS = {
    name_key(synonym): column
    for column, synonyms in {
        "seq": ("序号",),
        "continent": ("洲", "洲别", "大洲", "地区"),
        "country": ("国家", "国家地区", "国家和地区", "国别"),
        "cities": ("城市", "city"),
        "currency": ("币种", "币别", "币种名称"),
        "lodging_cap": ("住宿费", "住宿费标准", "住宿费上限", "lodging"),
        "meals": ("伙食费", "伙食费标准"),
        "incidentals": ("公杂费", "公杂费标准"),
    }.items()
    for synonym in (column, *synonyms)
}
MAX_AMOUNT = Decimal(10) ** 10  # what DecimalField(max_digits=12, decimal_places=2) holds

MESSAGES = {
    "unreadable": "the file cannot be read as a CSV table ({detail})",
    "empty": "the table has no rows",
    "missing_column": "the column “{column}” is missing (needed: {required})",
    "missing_value": "the cell “{column}” is empty",
    "unknown_country": "unknown country or region “{value}”",
    "unknown_currency": "unknown currency “{value}”",
    "bad_amount": "“{value}” in column “{column}” is not an amount",
    "negative_amount": "the amount {value} in column “{column}” is negative",
    "other_cities_not_alone": "“其他城市” must stand alone in its row",
    "duplicate_city": "the city “{city}” of {country} is already in line {first_line}",
    "duplicate_other_cities": "{country} already has an “其他城市” row in line {first_line}",
    "duplicate_whole_country": "{country} already has a whole-country row in line {first_line}",
}


class PerDiemError(ValueError):
    """A table that cannot be used. `code` names the problem (a key of MESSAGES), `line` is the
    1-based line of the file (the header is line 1), `params` fill the message."""

    def __init__(self, code: str, line: int | None = None, **params):
        self.code, self.line, self.params = code, line, params
        super().__init__(str(self))

    @property
    def message(self) -> str:
        return MESSAGES[self.code].format(**self.params)

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass(frozen=True)
class Rate:
    """One row of the table: the standard for `cities` of `country` (per person)."""

    country: str  # ISO 3166-1 alpha-2
    country_zh: str  # as the table writes it
    continent_zh: str
    cities: tuple[str, ...]  # Chinese names; empty = the whole country
    other_cities: bool  # the 其他城市 row: every city of the country not named elsewhere
    currency: str  # ISO 4217
    lodging: Decimal  # cap per night
    meals: Decimal  # per day
    incidentals: Decimal  # per day

    @property
    def whole_country(self) -> bool:
        return not self.cities and not self.other_cities


class PerDiemTable:
    """A checked table with its lookups. `rows` keep the file's order."""

    def __init__(self, label: str, source: str, rows, aliases=None):
        self.label, self.source, self.rows = label, source, tuple(rows)
        self._aliases = city_aliases() if aliases is None else aliases
        self._cities: dict[tuple[str, str], Rate] = {}
        self._other: dict[str, Rate] = {}
        self._whole: dict[str, Rate] = {}
        for rate in self.rows:
            if rate.other_cities:
                self._other.setdefault(rate.country, rate)
            elif rate.whole_country:
                self._whole.setdefault(rate.country, rate)
            for city in rate.cities:
                self._cities.setdefault((rate.country, name_key(city)), rate)
        # Aliases after every Chinese name, so a table's own name always wins over an alias.
        for rate in self.rows:
            for alias in self.aliases_for(rate):
                self._cities.setdefault((rate.country, name_key(alias)), rate)

    def __len__(self) -> int:
        return len(self.rows)

    def __repr__(self) -> str:
        return f"<PerDiemTable {self.label!r}: {len(self.rows)} rows>"

    def rate_for(self, country: str, city: str | None = None) -> Rate | None:
        """The rate for `city` in `country` (ISO alpha-2): the row naming the city (by its Chinese
        name or an English/local alias, ignoring case, spaces and accents), else the country's
        其他城市 row, else its whole-country row; None if the table has no row for the country."""
        country = (country or "").strip().upper()
        key = name_key(city or "")
        if key:
            rate = self._cities.get((country, key))
            if rate is None and key.endswith("市"):  # 首尔市 → 首尔
                rate = self._cities.get((country, key[:-1]))
            if rate is not None:
                return rate
        return self._other.get(country) or self._whole.get(country)

    def countries(self) -> set[str]:
        return {rate.country for rate in self.rows}

    def aliases_for(self, rate: Rate) -> tuple[str, ...]:
        """Other names (English, variants) of the cities of a row, from data/city_aliases.csv."""
        return tuple(
            alias for city in rate.cities for alias in self._aliases.get((rate.country, city), ())
        )


def read_table(source: str | os.PathLike | IO, label: str | None = None) -> PerDiemTable:
    """Read and check a table file (a path, or a text or binary file object).

    Raises PerDiemError naming the line of the first problem: a missing column, an unknown
    country or currency, an amount that is not a non-negative number with at most two decimals,
    a city named twice for one country.
    """
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        text, source_name = _decode(path.read_bytes()), str(path)
    else:
        content = source.read()
        text = _decode(content) if isinstance(content, bytes) else content.lstrip("\ufeff")
        source_name = str(getattr(source, "name", "") or "")
    label = label or Path(source_name).stem or "per-diem table"
    return PerDiemTable(label, source_name, _parse(text))


@cache
def provenance() -> dict:
    """Where the shipped table comes from (data/per_diem_516_434_2019.toml)."""
    with SHIPPED_PROVENANCE.open("rb") as handle:
        return tomllib.load(handle)


@cache
def default_table() -> PerDiemTable:
    """The table shipped with waishi ("516/434, 2019 reproduction"), read once."""
    table = read_table(SHIPPED_FILE, label=provenance()["label"])
    table.source = provenance()["source"]
    return table


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise PerDiemError("unreadable", detail="not UTF-8 or GB18030 text")


def _parse(text: str) -> list[Rate]:
    reader = csv.reader(io.StringIO(text, newline=""))
    rows, seen = [], {}
    try:
        header = _header(next(reader, []))
        for cells in reader:
            if any(cell.strip() for cell in cells):
                record = {column: _cell(cells, index) for column, index in header.items()}
                rate = _rate(record, reader.line_num)
                _check_unique(rate, reader.line_num, seen)
                rows.append(rate)
    except csv.Error as exc:
        raise PerDiemError("unreadable", reader.line_num, detail=str(exc)) from exc
    if not rows:
        raise PerDiemError("empty")
    return rows


def _header(cells: list[str]) -> dict[str, int]:
    """{column: index} for the columns we read; the first of two same-named columns counts."""
    header: dict[str, int] = {}
    for index, cell in enumerate(cells):
        column = HEADER_SYNONYMS.get(name_key(cell))
        if column:
            header.setdefault(column, index)
    for column in REQUIRED_COLUMNS:
        if column not in header:
            raise PerDiemError(
                "missing_column", 1, column=column, required=", ".join(REQUIRED_COLUMNS)
            )
    return header


def _cell(cells: list[str], index: int) -> str:
    return cells[index].strip() if index < len(cells) else ""


def _rate(record: dict[str, str], line: int) -> Rate:
    for column in ("continent", "country", "currency", *AMOUNT_COLUMNS):
        if not record[column]:
            raise PerDiemError("missing_value", line, column=column)
    country = country_code(record["country"])
    if country is None:
        raise PerDiemError("unknown_country", line, value=record["country"])
    currency = currency_code(record["currency"])
    if currency is None:
        raise PerDiemError("unknown_currency", line, value=record["currency"])
    cities = tuple(c.strip() for c in record["cities"].translate(CITY_SEPARATORS).split("、"))
    cities = tuple(c for c in cities if c)
    other = OTHER_CITIES in cities
    if other and len(cities) > 1:
        raise PerDiemError("other_cities_not_alone", line)
    return Rate(
        country=country,
        country_zh=record["country"],
        continent_zh=record["continent"],
        cities=() if other else cities,
        other_cities=other,
        currency=currency,
        lodging=_amount(record, "lodging_cap", line),
        meals=_amount(record, "meals", line),
        incidentals=_amount(record, "incidentals", line),
    )


def _amount(record: dict[str, str], column: str, line: int) -> Decimal:
    value = record[column]
    try:
        amount = Decimal(value.replace(",", "").replace(" ", ""))
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount.as_tuple().exponent < -2:
        raise PerDiemError("bad_amount", line, value=value, column=column)
    if amount < 0:
        raise PerDiemError("negative_amount", line, value=value, column=column)
    if amount >= MAX_AMOUNT:
        raise PerDiemError("bad_amount", line, value=value, column=column)
    return amount


def _check_unique(rate: Rate, line: int, seen: dict) -> None:
    """Each city, each 其他城市 row and each whole-country row once per country."""
    if rate.other_cities:
        first = seen.setdefault((rate.country, "", "other"), line)
        if first != line:
            raise PerDiemError(
                "duplicate_other_cities", line, country=rate.country_zh, first_line=first
            )
    elif rate.whole_country:
        first = seen.setdefault((rate.country, "", "whole"), line)
        if first != line:
            raise PerDiemError(
                "duplicate_whole_country", line, country=rate.country_zh, first_line=first
            )
    for city in rate.cities:
        first = seen.setdefault((rate.country, name_key(city), "city"), line)
        if first != line:
            raise PerDiemError(
                "duplicate_city", line, city=city, country=rate.country_zh, first_line=first
            )
