"""Bar charts as PNG images, for embedding in Word documents (python-docx takes PNG or JPEG).

    png = bar_chart(["日本", "德国"], [120, 95], horizontal=True)

Drawn with Pillow: bars are rectangles and labels are text, which Pillow renders with FreeType
in a few milliseconds, where a plotting library costs a second of imports per process (see
docs/adr/0002-report-charts.md). Sizes are given in millimetres and points and drawn at DPI, so
the picture is sharp when Word prints it at its width.

Chinese labels need a CJK font: `cjk_font()` finds an installed one (Noto Sans CJK SC first) and
raises ChartFontMissing rather than drawing empty boxes where the characters should be.
"""

from __future__ import annotations

import io
import math
import os
import sys
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

# Simplified Chinese faces, best first; the first one installed draws every label.
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
)
# Fragments of those faces' file names, so only likely files are opened.
CJK_FILE_HINTS = ("notosanscjk", "sourcehansans", "notosanssc", "wqy", "msyh", "simhei", "pingfang")
FONT_SUFFIXES = (".ttc", ".otc", ".ttf", ".otf")
PROBE = "外事工作情况"

MM_PER_INCH = 25.4
DPI = 200
BAR_COLOUR = (178, 44, 44)  # the red of official documents, muted
TEXT_COLOUR = (34, 34, 34)
AXIS_COLOUR = (90, 90, 90)
BACKGROUND = (255, 255, 255)
LABEL_PT, VALUE_PT, TITLE_PT = 9.0, 8.5, 11.0
BAR_SHARE = 0.6  # of each bar's slot


class ChartFontMissing(RuntimeError):
    """No installed font can draw Chinese labels."""

    def __init__(self):
        super().__init__(
            "no Chinese (CJK) font is installed, so chart labels cannot be drawn; install one "
            "(Debian/Ubuntu: apt-get install fonts-noto-cjk) and try again"
        )


def mm(value: float) -> int:
    return round(value / MM_PER_INCH * DPI)


def pt(value: float) -> int:
    return round(value / 72 * DPI)


# --- the font ---------------------------------------------------------------------------------


def font_folders() -> list[Path]:
    """Where fonts are installed on Linux, macOS and Windows."""
    home = Path.home()
    folders = [
        Path("/usr/share/fonts"),
        Path("/usr/local/share/fonts"),
        home / ".local/share/fonts",
        home / ".fonts",
        Path("/Library/Fonts"),
        Path("/System/Library/Fonts"),
        home / "Library/Fonts",
    ]
    if sys.platform == "win32":
        folders.append(Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts")
    return [folder for folder in folders if folder.is_dir()]


def _candidate_files() -> list[Path]:
    found = []
    for folder in font_folders():
        for path in folder.rglob("*"):
            name = path.name.lower()
            if name.endswith(FONT_SUFFIXES) and any(hint in name for hint in CJK_FILE_HINTS):
                found.append(path)
    return sorted(found)


def _faces(path: Path):
    """(family, style, index) of each face in a font file (a .ttc holds several)."""
    for index in range(32):
        try:
            face = ImageFont.truetype(str(path), 12, index=index)
        except OSError:
            return
        family, style = face.getname()
        yield family, style, index


def _draws_chinese(path: Path, index: int) -> bool:
    """True when the face has glyphs for PROBE (a missing glyph draws as the .notdef box)."""
    face = ImageFont.truetype(str(path), 24, index=index)

    def glyph(char: str) -> bytes:
        image = Image.new("L", (40, 40))
        ImageDraw.Draw(image).text((4, 4), char, font=face, fill=255)
        return image.tobytes()

    missing = glyph("\U0010fffd")
    return all(glyph(char) != missing for char in PROBE)


@lru_cache(maxsize=1)
def cjk_font() -> tuple[str, int]:
    """(file, face index) of the best installed font that draws Chinese; ChartFontMissing if
    there is none."""
    ranked = []
    for path in _candidate_files():
        for family, style, index in _faces(path):
            if family in CJK_FAMILIES:
                # The family's regular weight before its bold, light or other styles.
                rank = (CJK_FAMILIES.index(family), style != "Regular")
                ranked.append((rank, str(path), index))
    for _rank, path, index in sorted(ranked):
        if _draws_chinese(Path(path), index):
            return path, index
    raise ChartFontMissing


def _font(points: float) -> ImageFont.FreeTypeFont:
    return _load(*cjk_font(), pt(points))


@lru_cache(maxsize=16)
def _load(path: str, index: int, pixels: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, pixels, index=index)


def _width(draw: ImageDraw.ImageDraw, text: str, font) -> int:
    left, _top, right, _bottom = draw.textbbox((0, 0), text, font=font)
    return right - left


def _fit(draw: ImageDraw.ImageDraw, text: str, font, room: int) -> str:
    """`text`, shortened with an ellipsis to fit `room` pixels."""
    if _width(draw, text, font) <= room:
        return text
    while text and _width(draw, text + "…", font) > room:
        text = text[:-1]
    return text + "…"


# --- the chart --------------------------------------------------------------------------------


def bar_chart(
    labels: list[str],
    values: list[float],
    *,
    title: str = "",
    horizontal: bool = False,
    width_mm: float = 150,
    height_mm: float | None = None,
    value_format: str = "{:g}",
) -> bytes:
    """A bar chart as PNG bytes: one bar per label, its value written at the bar's end.

    Horizontal bars suit long labels (countries, units) and keep the first label on top.
    ValueError when there is nothing to draw (no bars, or every value zero): a document
    should say so in a sentence rather than show an empty chart."""
    if len(labels) != len(values):
        raise ValueError("labels and values differ in length")
    if not labels or not any(values):
        raise ValueError("nothing to chart: every value is zero")
    if height_mm is None:
        height_mm = 8.0 * len(labels) + 18 if horizontal else 80.0
    image = Image.new("RGB", (mm(width_mm), mm(height_mm)), BACKGROUND)
    draw = ImageDraw.Draw(image)
    top = mm(4)
    if title:
        draw.text(
            (image.width // 2, top), title, font=_font(TITLE_PT), fill=TEXT_COLOUR, anchor="mt"
        )
        top += pt(TITLE_PT) + mm(4)
    texts = [value_format.format(value) if value else "" for value in values]
    area = (mm(4), top, image.width - mm(4), image.height - mm(3))
    if horizontal:
        _horizontal(draw, area, [str(label) for label in labels], values, texts)
    else:
        _vertical(draw, area, [str(label) for label in labels], values, texts)
    handle = io.BytesIO()
    image.save(handle, format="PNG", dpi=(DPI, DPI))
    return handle.getvalue()


def _vertical(draw, area, labels, values, texts) -> None:
    left, top, right, bottom = area
    label_font, value_font = _font(LABEL_PT), _font(VALUE_PT)
    baseline = bottom - pt(LABEL_PT) - mm(2)
    reach = baseline - (top + pt(VALUE_PT) + mm(1.5))  # the tallest bar leaves room for its value
    slot = (right - left) / len(values)
    highest = max(values)
    for i, (label, value, text) in enumerate(zip(labels, values, texts, strict=True)):
        centre = left + slot * (i + 0.5)
        half = slot * BAR_SHARE / 2
        height = round(reach * value / highest) if value > 0 else 0
        if height:
            draw.rectangle(
                (round(centre - half), baseline - height, round(centre + half), baseline),
                fill=BAR_COLOUR,
            )
        if text:
            draw.text(
                (centre, baseline - height - mm(1)),
                text,
                font=value_font,
                fill=TEXT_COLOUR,
                anchor="mb",
            )
        label = _fit(draw, label, label_font, math.floor(slot) - mm(1))
        draw.text(
            (centre, baseline + mm(1.5)), label, font=label_font, fill=TEXT_COLOUR, anchor="mt"
        )
    draw.line((left, baseline, right, baseline), fill=AXIS_COLOUR, width=max(1, pt(0.6)))


def _horizontal(draw, area, labels, values, texts) -> None:
    left, top, right, bottom = area
    label_font, value_font = _font(LABEL_PT), _font(VALUE_PT)
    room = round((right - left) * 0.4)
    labels = [_fit(draw, label, label_font, room) for label in labels]
    axis = left + max(_width(draw, label, label_font) for label in labels) + mm(2)
    value_room = max(_width(draw, text, value_font) for text in texts) + mm(2)
    reach = right - axis - value_room
    slot = (bottom - top) / len(values)
    highest = max(values)
    for i, (label, value, text) in enumerate(zip(labels, values, texts, strict=True)):
        middle = top + slot * (i + 0.5)
        half = slot * BAR_SHARE / 2
        length = round(reach * value / highest) if value > 0 else 0
        if length:
            draw.rectangle(
                (axis, round(middle - half), axis + length, round(middle + half)), fill=BAR_COLOUR
            )
        if text:
            draw.text(
                (axis + length + mm(1), middle),
                text,
                font=value_font,
                fill=TEXT_COLOUR,
                anchor="lm",
            )
        draw.text((axis - mm(1.5), middle), label, font=label_font, fill=TEXT_COLOUR, anchor="rm")
    draw.line((axis, top, axis, bottom), fill=AXIS_COLOUR, width=max(1, pt(0.6)))
