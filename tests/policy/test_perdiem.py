"""The per-diem table as the policy engine sees it: lookups and strict reading (pure Python)."""

import io
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from waishi.policy.perdiem import PerDiemError, default_table, read_table

HEADER = "seq,continent,country,cities,currency,lodging_cap,meals,incidentals\n"


def table_text(*rows: str) -> io.StringIO:
    return io.StringIO(HEADER + "".join(f"{row}\n" for row in rows))


def amounts(rate):
    return (rate.currency, rate.lodging, rate.meals, rate.incidentals)


def test_a_named_city_gets_its_own_row():
    rate = default_table().rate_for("KR", "首尔")
    assert amounts(rate) == ("USD", Decimal(180), Decimal(70), Decimal(35))
    assert rate.cities == ("首尔", "釜山", "济州")
    assert (rate.country_zh, rate.continent_zh) == ("韩国", "亚洲")


def test_a_city_found_by_its_english_name_ignoring_case_and_spaces():
    table = default_table()
    assert table.rate_for("KR", "Seoul") == table.rate_for("KR", "首尔")
    assert amounts(table.rate_for("DE", "Hamburg")) == ("EUR", 150, 60, 38)
    assert table.rate_for("DE", "hamburg") == table.rate_for("DE", "汉堡")
    assert table.rate_for("US", " new  YORK ").lodging == 270
    assert amounts(table.rate_for("JP", "Tokyo")) == ("JPY", 20000, 10000, 5000)
    assert table.rate_for("BR", "Sao Paulo") == table.rate_for("BR", "São Paulo")


def test_niigata_is_found_under_both_of_its_chinese_spellings():
    table = default_table()
    assert (
        table.rate_for("JP", "新潟")
        == table.rate_for("JP", "新泻")
        == table.rate_for("JP", "Niigata")
    )
    assert table.rate_for("JP", "Niigata").lodging == 11000


def test_a_city_written_with_the_suffix_shi_is_still_found():
    assert default_table().rate_for("KR", "首尔市").lodging == 180


def test_an_unnamed_city_gets_the_countrys_other_cities_row():
    rate = default_table().rate_for("KR", "大邱")
    assert rate.other_cities and rate.cities == ()
    assert amounts(rate) == ("USD", 150, 70, 35)
    assert default_table().rate_for("DE", "Bonn").lodging == 120


def test_no_city_gets_the_other_cities_row_of_a_country_with_city_rows():
    assert default_table().rate_for("de", None).lodging == 120


def test_a_country_without_city_rows_has_one_rate_for_every_city():
    table = default_table()
    rate = table.rate_for("MN", "Ulaanbaatar")
    assert rate.whole_country and rate == table.rate_for("MN", None)
    assert amounts(rate) == ("USD", 90, 50, 35)
    assert amounts(table.rate_for("HK")) == ("HKD", 1900, 500, 300)


def test_a_country_the_table_does_not_have_gets_no_rate():
    assert default_table().rate_for("CN", "北京") is None
    assert default_table().rate_for("XX") is None


def test_a_city_of_another_country_does_not_match():
    # 汉堡 is a German city: in France it is just one of the other cities.
    assert default_table().rate_for("FR", "Hamburg").other_cities


def test_the_table_knows_which_countries_it_covers():
    countries = default_table().countries()
    assert {"DE", "KR", "US", "HK", "MK", "SZ", "CG", "CD"} <= countries
    assert "CN" not in countries


def test_a_table_is_read_from_a_text_file_with_an_iso_currency_code():
    table = read_table(table_text("1,欧洲,德国,柏林,EUR,150.50,60,38"), label="test")
    (rate,) = table.rows
    assert (rate.country, rate.currency, rate.lodging) == ("DE", "EUR", Decimal("150.50"))
    assert table.label == "test"


def test_an_excel_file_saved_as_gb18030_with_chinese_headers_is_read():
    text = (
        "序号,洲别,国家,城市,币种,住宿费,伙食费,公杂费\r\n"
        "1,亚洲,日本,东京,日元,20000,10000,5000\r\n"
    )
    table = read_table(io.BytesIO(text.encode("gb18030")))
    assert table.rate_for("JP", "Tokyo").lodging == 20000


def test_a_utf8_file_with_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "new-table.csv"
    path.write_bytes(("\ufeff" + HEADER + "1,亚洲,蒙古,,美元,95,50,35\n").encode())
    table = read_table(path)
    assert table.rate_for("MN").lodging == 95
    assert (table.label, table.source) == ("new-table", str(path))


GOOD_ROWS = ("1,亚洲,韩国,首尔、釜山,美元,180,70,35", "2,亚洲,韩国,其他城市,美元,150,70,35")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("3,亚洲,乌托邦,,美元,90,50,35", "unknown country or region “乌托邦”"),
        ("3,亚洲,蒙古,,卢比,90,50,35", "unknown currency “卢比”"),
        ("3,亚洲,蒙古,,美元,九十,50,35", "“九十” in column “lodging_cap” is not an amount"),
        ("3,亚洲,蒙古,,美元,90,-5,35", "the amount -5 in column “meals” is negative"),
        ("3,亚洲,蒙古,,美元,90,50,3.555", "“3.555” in column “incidentals” is not an amount"),
        ("3,亚洲,蒙古,,美元,90,50,", "the cell “incidentals” is empty"),
        ("3,亚洲,韩国,釜山、光州,美元,160,70,35", "the city “釜山” of 韩国 is already in line 2"),
        ("3,亚洲,韩国,其他城市,美元,160,70,35", "韩国 already has an “其他城市” row in line 3"),
    ],
)
def test_a_bad_row_is_refused_with_its_line_number(row, message):
    with pytest.raises(PerDiemError) as caught:
        read_table(table_text(*GOOD_ROWS, row))
    assert caught.value.line == 4
    assert str(caught.value) == f"line 4: {message}"


def test_a_second_whole_country_row_is_refused():
    with pytest.raises(
        PerDiemError, match="line 3: 蒙古 already has a whole-country row in line 2"
    ):
        read_table(table_text("1,亚洲,蒙古,,美元,90,50,35", "2,亚洲,蒙古,,美元,95,50,35"))


def test_the_same_city_name_in_two_countries_is_allowed():
    table = read_table(
        table_text("1,美洲,智利,圣地亚哥,美元,135,47,45", "2,欧洲,西班牙,圣地亚哥,欧元,100,60,38")
    )
    assert table.rate_for("ES", "圣地亚哥").currency == "EUR"


def test_a_missing_column_is_named():
    source = io.StringIO(
        "continent,country,cities,currency,lodging_cap,meals\n亚洲,蒙古,,美元,90,50\n"
    )
    with pytest.raises(PerDiemError) as caught:
        read_table(source)
    assert caught.value.line == 1
    assert str(caught.value).startswith("line 1: the column “incidentals” is missing")


def test_a_file_with_only_a_header_is_refused():
    with pytest.raises(PerDiemError, match="the table has no rows"):
        read_table(table_text())


def test_the_table_is_usable_without_django():
    code = (
        "import sys; from waishi.policy.perdiem import default_table; "
        "r = default_table().rate_for('DE', 'Hamburg'); "
        "assert 'django' not in sys.modules; print(r.currency, r.lodging)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(Path(__file__).parents[2] / "src"), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "EUR 150"
