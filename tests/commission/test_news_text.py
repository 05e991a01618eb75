"""Cleaning a release's text: encodings, punctuation, inline pinyin, script, footers."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from waishi.commission.news import NewsImportError, parse_bytes, parse_release
from waishi.commission.news_text import clean, decode, normalise, strip_pinyin

RELEASE = "3月15日，林海峰主持召开市委外事工作委员会第二次会议。周明远出席会议。"


@pytest.mark.parametrize(
    "text",
    ["出國(境)", "(记者 王某)", "办法(修订)", "(2026年)", "世界贸易组织(WTO)", "汉堡(Hamburg)",
     "附件(a)", "第(1)项", "(记者 何静怡 通讯员 诸葛文)"],
)  # fmt: skip
def test_genuine_parentheses_are_kept(text):
    assert strip_pinyin(text) == (text, 0)


@pytest.mark.parametrize(
    ("annotated", "plain"),
    [
        ("會(huì)議(yì)", "會議"),
        ("會(hui4)", "會"),
        ("外(wài)事(shì)", "外事"),
        ("呂(lǚ)曉(xiǎo)梅", "呂曉梅"),
        ("呂(lv3)", "呂"),
        ("外事(wài shì)工作", "外事工作"),
        ("會議(huiyi)", "會議"),
        ("歐(Ōu)陽(yáng)", "歐陽"),
        ("出國(guó)(境)", "出國(境)"),
    ],
)
def test_inline_pinyin_after_characters_is_removed(annotated, plain):
    assert strip_pinyin(annotated)[0] == plain


def test_pinyin_in_full_width_parentheses_is_removed_too():
    assert strip_pinyin(normalise("會（huì）議（yì）"))[0] == "會議"


@given(st.text(alphabet=st.characters(blacklist_categories=("Lu", "Ll", "Lt", "Lm"))))
def test_the_pinyin_stripper_never_changes_text_without_latin_letters(text):
    assert strip_pinyin(text) == (text, 0)


@given(st.text(alphabet="出國會議记者王某修订境()（）、，。 2026年"))
def test_the_pinyin_stripper_leaves_chinese_parentheses_alone(text):
    assert strip_pinyin(text)[0] == text


def test_full_width_letters_digits_and_parentheses_become_half_width_but_chinese_commas_stay():
    assert normalise("２０２６年３月，ＡＰＥＣ（修订）") == "2026年3月，APEC(修订)"


def test_half_width_punctuation_between_characters_becomes_chinese_punctuation():
    assert normalise("上午,市委召开会议:研究工作.") == "上午，市委召开会议：研究工作。"
    assert normalise("2026-03-16 09:30") == "2026-03-16 09:30"


def test_traditional_text_is_converted_and_corner_quotes_become_chinese_quotes():
    text, info = clean("會議審議通過《「十五五」規劃》")
    assert text == "会议审议通过《“十五五”规划》"
    assert info["converted_from_traditional"]


def test_a_simplified_text_with_one_character_that_also_exists_in_traditional_is_not_touched():
    text, info = clean("乾坤公司总经理出席会议")
    assert text == "乾坤公司总经理出席会议" and not info["converted_from_traditional"]


def test_stray_question_mark_lines_and_editor_footers_are_dropped():
    text, _ = clean("会议召开。\n?\n？？\n责任编辑：张三\n(责编：王丽)\n值班主任：李四\n审核 刘五")
    assert text == "会议召开。"


@pytest.mark.parametrize(
    "data",
    [RELEASE.encode("utf-8"), b"\xef\xbb\xbf" + RELEASE.encode("utf-8"),
     RELEASE.encode("gb18030"), RELEASE.encode("utf-16"), "會議審議".encode("big5")],
    ids=["utf-8", "utf-8-bom", "gb18030", "utf-16-bom", "big5"],
)  # fmt: skip
def test_the_usual_encodings_of_chinese_text_are_read(data):
    assert decode(data).startswith(("3月15日", "會議"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n\t\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (bytes(range(256)) * 4, "binary"),
    ],
)
def test_empty_and_binary_input_is_refused_with_one_clear_message(data, message):
    with pytest.raises(NewsImportError, match=message):
        parse_bytes(data)


@pytest.mark.parametrize(
    "text",
    [
        "明天多云转晴，最高气温25摄氏度，最低气温16摄氏度，东南风3到4级。",
        "3月15日，市长周明远会见了来访的汉堡市经济代表团一行。",
        "Hamburg port cooperation visit",
    ],
)
def test_text_that_is_not_a_meeting_release_is_refused(text):
    with pytest.raises(NewsImportError, match="not a meeting news release"):
        parse_release(text)
