"""The SVG chart builders: well-formed, CSP-safe (no style, no script), proportional, labelled."""

from tests.evaluation.analytics_support import SVG as NS
from tests.evaluation.analytics_support import parse_svg as parse
from waishi.evaluation import charts

SERIES = [
    charts.Series("excellent", "优秀", "#1b4f8f"),
    charts.Series("fail", "不合格", "#b3261e"),
]


def rects(root):
    return [r for r in root.iter(f"{NS}rect") if r.get("class", "").startswith("chart-bar")]


def test_nice_ticks_cover_the_top_in_round_steps():
    assert charts.nice_ticks(87) == [0, 25, 50, 75, 100]
    assert charts.nice_ticks(4) == [0, 1, 2, 3, 4]
    assert charts.nice_ticks(0) == [0, 1]
    assert charts.nice_ticks(123_456)[-1] >= 123_456


def test_count_ticks_are_whole_numbers_even_for_one_evaluation():
    assert charts.nice_ticks(1) == [0, 0.25, 0.5, 0.75, 1]  # amounts may step in quarters
    assert charts.nice_ticks(1, whole=True) == [0, 1]
    assert charts.nice_ticks(9, whole=True) == [0, 5, 10]
    assert all(tick == int(tick) for tick in charts.nice_ticks(37, whole=True))


def test_long_labels_are_shortened_with_an_ellipsis():
    assert charts.fit("市商务局", 100) == "市商务局"
    short = charts.fit("江海市国有资产监督管理委员会外事办公室", 60)
    assert short.endswith("…") and charts.text_width(short) <= 60


def test_stacked_bars_are_proportional_and_carry_tooltips():
    rows = [
        charts.Bar("2024", {"excellent": 3, "fail": 1}, "4", {"excellent": "2024 · 优秀: 3"}),
        charts.Bar("2025", {"excellent": 1, "fail": 1}, "2"),
    ]
    root = parse(charts.bars("c", title="等级", desc="说明", rows=rows, series=SERIES))
    widths = [float(r.get("width")) for r in rects(root)]
    assert widths[0] == 3 * widths[1] and widths[1] == widths[2] == widths[3]
    assert rects(root)[0].find(f"{NS}title").text == "2024 · 优秀: 3"
    assert root.find(f"{NS}title").text == "等级" and root.find(f"{NS}desc").text == "说明"
    assert root.get("role") == "img"


def test_percent_bars_fill_the_same_length_whatever_the_count():
    rows = [
        charts.Bar("A", {"excellent": 30, "fail": 10}),
        charts.Bar("B", {"excellent": 1, "fail": 1}),
    ]
    root = parse(charts.bars("c", title="t", desc="d", rows=rows, series=SERIES, percent=True))
    a1, a2, b1, b2 = (float(r.get("width")) for r in rects(root))
    assert round(a1 + a2, 1) == round(b1 + b2, 1)
    assert round(a1 / (a1 + a2), 2) == 0.75


def test_no_style_attributes_or_scripts_anywhere():
    slots = [charts.Slot("Q1", "2025", {"m6": 50, "m12": None}), charts.Slot("Q2", "", {"m6": 70})]
    lines_series = [charts.Series("m6", "6", "#1b57a6"), charts.Series("m12", "12", "#c25e00")]
    made = [
        charts.bars("a", title="t", desc="d", rows=[charts.Bar("x", {None: 2}, "2")]),
        charts.lines("b", title="t", desc="d", slots=slots, series=lines_series),
        charts.columns("c", title="t", desc="d", slots=slots, series=lines_series),
        charts.legend(lines_series),
    ]
    for svg in made:
        text = str(svg)
        assert "style" not in text and "<script" not in text
        parse(text if text.startswith("<svg") else f"<svg>{text}</svg>")  # well-formed


def test_a_missing_value_breaks_the_line():
    slots = [
        charts.Slot("Q1", values={"m6": 40}),
        charts.Slot("Q2", values={"m6": 60}),
        charts.Slot("Q3", values={"m6": None}),
        charts.Slot("Q4", values={"m6": 80}),
    ]
    series = [charts.Series("m6", "6", "#1b57a6")]
    root = parse(charts.lines("l", title="t", desc="d", slots=slots, series=series))
    assert len(root.findall(f"{NS}polyline")) == 1  # Q1–Q2; Q4 stands alone
    assert len(root.findall(f"{NS}circle")) == 3


def test_labels_and_text_are_escaped():
    rows = [charts.Bar("<b>单位</b>", {None: 1}, "1")]
    svg = str(charts.bars("c", title="<x>", desc="&", rows=rows))
    assert "<b>" not in svg and "&lt;b&gt;" in svg
    parse(svg)
