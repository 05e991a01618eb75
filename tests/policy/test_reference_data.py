"""The shipped reference data: every row of the per-diem table maps to real ISO codes, the
country names agree with django-countries, and every city the table names has an English name."""

import hashlib
from collections import defaultdict

from django.utils import translation
from django_countries import countries

from waishi.policy.names import (
    CURRENCY_CODES,
    city_aliases,
    country_code,
    data_rows,
    known_country_codes,
    name_key,
)
from waishi.policy.perdiem import SHIPPED_FILE, default_table, provenance

# ISO 4217 active codes (list one, as published by the maintenance agency), written out here so
# the check does not trust the code it checks.
ISO_4217_LIST = """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN
    BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS
    GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW
    KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD
    NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD
    SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES
    VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWL
"""
ISO_4217 = set(ISO_4217_LIST.split())

# Where our name for a place and django-countries' zh-Hans name for another place coincide, and
# ours is right: in Chinese official usage 多米尼加 is the Dominican Republic (DO) and 多米尼克 is
# Dominica (DM); django-countries calls Dominica 多米尼加.
KNOWN_DISAGREEMENTS = {"多米尼加": ("DO", "DM")}


def django_countries_zh() -> dict[str, set[str]]:
    """zh-Hans name (compared as name_key) → the codes django-countries gives that name."""
    by_name = defaultdict(set)
    with translation.override("zh-hans"):
        for code, name in countries:
            by_name[name_key(str(name))].add(code)
    return by_name


def test_the_shipped_table_has_273_rows_and_is_the_documented_file():
    table = default_table()
    assert len(table.rows) == 273 == provenance()["rows"]
    assert table.label == "516/434, 2019 reproduction"
    assert hashlib.sha256(SHIPPED_FILE.read_bytes()).hexdigest() == provenance()["sha256"]


def test_every_row_maps_to_an_iso_3166_code_django_countries_knows():
    table = default_table()
    known = {code for code, _name in countries}
    unknown = [(r.country_zh, r.country) for r in table.rows if r.country not in known]
    assert unknown == []
    assert len(table.countries()) == 188


def test_every_currency_of_the_table_is_an_iso_4217_code():
    assert {rate.currency for rate in default_table().rows} == {"USD", "EUR", "GBP", "JPY", "HKD"}
    assert CURRENCY_CODES <= ISO_4217


def test_historic_and_variant_country_names_map_to_today_codes():
    assert country_code("马其顿") == country_code("北马其顿") == "MK"
    assert country_code("斯威士兰") == country_code("埃斯瓦蒂尼") == "SZ"
    assert country_code("刚果（布）") == country_code("刚果(布)") == "CG"
    assert country_code("刚果（金）") == country_code("刚果民主共和国") == "CD"
    assert country_code("中国香港") == country_code("香港") == "HK"
    assert (country_code("捷克"), country_code("斯洛伐克")) == ("CZ", "SK")
    assert (country_code("朝鲜"), country_code("韩国")) == ("KP", "KR")
    assert (country_code("科特迪瓦"), country_code("法属留尼汪")) == ("CI", "RE")
    assert country_code("多米尼克") == "DM"
    assert country_code("多米尼加") == "DO"


def test_the_name_file_covers_every_country_django_countries_knows():
    assert known_country_codes() == {code for code, _name in countries}


def test_the_name_file_agrees_with_django_countries_wherever_both_name_the_same_place():
    theirs = django_countries_zh()
    disagreements = {}
    for record in data_rows("country_names_zh.csv"):
        codes = theirs.get(name_key(record["name"]))
        if codes and record["code"] not in codes:
            disagreements[record["name"]] = (record["code"], *sorted(codes))
    assert disagreements == KNOWN_DISAGREEMENTS


def test_most_table_country_names_are_django_countries_names_too():
    # The cross-check above only bites where the names coincide; make sure that is most rows.
    theirs = django_countries_zh()
    table = default_table()
    shared = {r.country_zh for r in table.rows if name_key(r.country_zh) in theirs}
    assert len(shared) >= 160


def test_every_city_the_table_names_has_an_english_name():
    aliases = city_aliases()
    missing = [
        (rate.country_zh, city)
        for rate in default_table().rows
        for city in rate.cities
        if not any(alias.isascii() for alias in aliases.get((rate.country, city), ()))
    ]
    assert missing == []


def test_every_alias_row_names_a_city_of_the_table():
    named = {(rate.country, city) for rate in default_table().rows for city in rate.cities}
    assert set(city_aliases()) <= named
