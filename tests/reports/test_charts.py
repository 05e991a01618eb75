"""Charts as PNG images with Chinese labels, and a clear refusal when no Chinese font exists."""

import struct
from pathlib import Path

import pytest
from PIL import ImageFont

from waishi.reports import charts
from waishi.reports.charts import ChartFontMissing, bar_chart, cjk_font

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def size_of(png: bytes) -> tuple[int, int]:
    assert png[:8] == PNG_SIGNATURE
    return struct.unpack(">II", png[16:24])


def test_a_bar_chart_is_a_png_of_the_asked_width():
    png = bar_chart(["1月", "2月", "3月"], [3, 0, 5], width_mm=150)
    width, height = size_of(png)
    assert abs(width - 150 / 25.4 * charts.DPI) <= 1  # 150 mm at the chart's resolution
    assert abs(height - 80 / 25.4 * charts.DPI) <= 1


def test_horizontal_bars_grow_taller_with_more_labels():
    few = size_of(bar_chart(["日本", "德国"], [2, 1], horizontal=True))
    many = size_of(
        bar_chart([f"国家{i}" for i in range(12)], list(range(12, 0, -1)), horizontal=True)
    )
    assert many[1] > few[1] and many[0] == few[0]


def test_labels_are_drawn_with_a_simplified_chinese_font():
    path, index = cjk_font()
    family, style = ImageFont.truetype(path, 12, index=index).getname()
    assert family in charts.CJK_FAMILIES and style == "Regular"
    assert charts._draws_chinese(Path(path), index)


def test_a_chart_with_chinese_labels_shows_them_as_characters_not_boxes():
    """The label area of a chart differs with the label: a missing glyph would draw the same
    empty box for every character."""
    one = bar_chart(["日本"], [1], horizontal=True)
    other = bar_chart(["德国"], [1], horizontal=True)
    assert one != other


def test_the_same_data_draws_the_same_image():
    args = (["优秀", "良好", "合格", "不合格"], [1, 4, 2, 1])
    assert bar_chart(*args, title="等次") == bar_chart(*args, title="等次")


@pytest.mark.parametrize(
    ("labels", "values"), [([], []), (["日本", "德国"], [0, 0]), (["日本"], [1, 2])]
)
def test_nothing_to_draw_is_refused_rather_than_an_empty_chart(labels, values):
    with pytest.raises(ValueError, match=r"nothing to chart|differ"):
        bar_chart(labels, values)


def test_without_any_chinese_font_charts_are_refused_with_a_clear_message(monkeypatch):
    """A machine with no CJK font installed: no boxes instead of characters, but an error that
    says what to install."""
    monkeypatch.setattr(charts, "CJK_FAMILIES", ("A Font Nobody Has",))
    monkeypatch.setattr(charts, "CJK_FILE_HINTS", ("a-font-nobody-has",))
    cjk_font.cache_clear()
    try:
        with pytest.raises(ChartFontMissing, match="fonts-noto-cjk"):
            bar_chart(["日本"], [1])
    finally:
        cjk_font.cache_clear()
