"""Word documents in the official layout of GB/T 9704 (党政机关公文格式).

    doc = OfficialDocument("市委外事工作委员会第二次会议纪要")
    doc.paragraph("2026年第2次", align="center", indent=False)
    doc.heading("会议议程")                 # 一、会议议程 (黑体)
    doc.heading("审议事项", level=2)        # （一）审议事项 (楷体)
    doc.paragraph("会议听取了……")            # 仿宋, 三号, first line indented two characters
    doc.table([["序号", "事项"], ["1", "……"]])
    doc.signature("市委外事工作委员会办公室", "2026年3月16日")
    doc.save(stream)                        # or doc.to_bytes()

Layout: A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; title 方正小标宋简体 二号
(22 pt) centred; body 仿宋_GB2312 三号 (16 pt) on a fixed 28.95 pt line (22 lines a page); level-1
headings 黑体, level-2 楷体_GB2312; page numbers "— 1 —" in 宋体 四号 (14 pt), odd pages right and
even pages left (the outside edge when printed on both sides), one character in from the edge.

Chinese font names only reach Word through w:rFonts/@w:eastAsia, which python-docx does not
set; `set_run_font` writes it. The GB fonts are often missing on a fresh PC, so the font table
names a commonly installed alternative (w:altName) for each: Word substitutes it.
"""

import io
from dataclasses import dataclass

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree

TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号
PAGE_NUMBER_SIZE = Pt(14)  # 四号
TABLE_SIZE = Pt(14)
LINE = Pt(28.95)  # 225 mm of type area / 22 lines
TABLE_LINE = Pt(22)
# Page number: its top one line of 7 mm below the type area, whose foot is 35 mm up the page.
FOOTER_DISTANCE = Mm(23)

ALIGNMENTS = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}
NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Fonts:
    """The faces a document uses; each GB face has the fallback Word substitutes when missing."""

    title: str = "方正小标宋简体"
    body: str = "仿宋_GB2312"
    heading1: str = "黑体"
    heading2: str = "楷体_GB2312"
    page_number: str = "宋体"


FALLBACKS = {
    "方正小标宋简体": "华文中宋",
    "仿宋_GB2312": "仿宋",
    "楷体_GB2312": "楷体",
}


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (headings rarely pass 99)."""
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (NUMERALS[tens - 1] if tens > 1 else "") + "十" + (NUMERALS[ones - 1] if ones else "")


def set_run_font(run, name: str, size=None, *, bold: bool | None = None) -> None:
    """Set a run's face for Latin and East Asian text alike (w:ascii, w:hAnsi, w:eastAsia)."""
    run.font.name = name
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if size is not None:
        run.font.size = size
    if bold is not None:
        run.font.bold = bold


def _fixed_spacing(paragraph, line=LINE, *, indent_chars: int = 0) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = line
    fmt.space_before = fmt.space_after = Pt(0)
    if indent_chars:
        fmt.first_line_indent = Pt(BODY_SIZE.pt * indent_chars)
        # Also in characters, so the indent follows the font size if someone restyles it.
        ind = paragraph._p.get_or_add_pPr().get_or_add_ind()
        ind.set(qn("w:firstLineChars"), str(indent_chars * 100))


class OfficialDocument:
    """A document in the GB/T 9704 layout, built paragraph by paragraph (each call returns self)."""

    def __init__(self, title: str, *, fonts: Fonts | None = None):
        self.fonts = fonts or Fonts()
        self.document = Document()
        self._counters = [0, 0]
        self._page_setup()
        self._default_style()
        self._register_fallbacks()
        self._page_numbers()
        self._title(title)

    # --- content ------------------------------------------------------------------------------

    def heading(self, text: str, level: int = 1, *, numbered: bool = True) -> "OfficialDocument":
        """一、text (黑体) at level 1, （一）text (楷体) at level 2; numbering restarts below a
        new level-1 heading."""
        if level not in (1, 2):
            raise ValueError("official documents use heading levels 1 and 2 here")
        self._counters[level - 1] += 1
        if level == 1:
            self._counters[1] = 0
        number = chinese_number(self._counters[level - 1])
        prefix = (f"{number}、" if level == 1 else f"（{number}）") if numbered else ""
        paragraph = self.document.add_paragraph()
        _fixed_spacing(paragraph, indent_chars=2)
        face = self.fonts.heading1 if level == 1 else self.fonts.heading2
        set_run_font(paragraph.add_run(prefix + text), face, BODY_SIZE)
        return self

    def paragraph(
        self, text: str, *, align: str = "justify", indent: bool = True, bold: bool = False
    ) -> "OfficialDocument":
        paragraph = self.document.add_paragraph()
        paragraph.alignment = ALIGNMENTS[align]
        _fixed_spacing(paragraph, indent_chars=2 if indent else 0)
        set_run_font(paragraph.add_run(text), self.fonts.body, BODY_SIZE, bold=bold or None)
        return self

    def labelled(self, label: str, text: str) -> "OfficialDocument":
        """A "label：value" line with the label in the level-1 face (时间：…, 出席：…)."""
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        _fixed_spacing(paragraph, indent_chars=2)
        set_run_font(paragraph.add_run(f"{label}："), self.fonts.heading1, BODY_SIZE)
        set_run_font(paragraph.add_run(text), self.fonts.body, BODY_SIZE)
        return self

    def table(self, rows: list[list], *, header: bool = True, widths_mm=None) -> "OfficialDocument":
        """A bordered table, its first row in the heading face when `header`."""
        if not rows:
            return self
        columns = max(len(row) for row in rows)
        table = self.document.add_table(rows=len(rows), cols=columns)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        # Walking rows and their cells once: table.cell(r, c) re-reads the whole grid each call.
        for r, (table_row, row) in enumerate(zip(table.rows, rows, strict=True)):
            for c, cell in enumerate(table_row.cells):
                value = row[c] if c < len(row) else ""
                if widths_mm:
                    cell.width = Mm(widths_mm[c])
                paragraph = cell.paragraphs[0]
                _fixed_spacing(paragraph, TABLE_LINE)
                face = self.fonts.heading1 if header and r == 0 else self.fonts.body
                set_run_font(
                    paragraph.add_run("" if value is None else str(value)), face, TABLE_SIZE
                )
                if header and r == 0:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        # A blank line after the table, so the next paragraph does not touch its border.
        _fixed_spacing(self.document.add_paragraph())
        return self

    def signature(self, issuer: str, dated: str) -> "OfficialDocument":
        """The issuing body and date, right-aligned four characters in from the right margin."""
        _fixed_spacing(self.document.add_paragraph())
        for text in (issuer, dated):
            paragraph = self.document.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _fixed_spacing(paragraph)
            paragraph.paragraph_format.right_indent = Pt(BODY_SIZE.pt * 4)
            set_run_font(paragraph.add_run(text), self.fonts.body, BODY_SIZE)
        return self

    def save(self, stream) -> None:
        self.document.save(stream)

    def to_bytes(self) -> bytes:
        handle = io.BytesIO()
        self.save(handle)
        return handle.getvalue()

    # --- layout -------------------------------------------------------------------------------

    def _page_setup(self) -> None:
        section = self.document.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.footer_distance = FOOTER_DISTANCE
        section.header_distance = Mm(15)

    def _default_style(self) -> None:
        normal = self.document.styles["Normal"]
        normal.font.name = self.fonts.body
        normal.font.size = BODY_SIZE
        normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), self.fonts.body)

    def _register_fallbacks(self) -> None:
        """Name, in the font table, the face Word substitutes for each GB face it lacks."""
        part = next(
            (r.target_part for r in self.document.part.rels.values() if r.reltype == RT.FONT_TABLE),
            None,
        )
        if part is None:
            return
        root = etree.fromstring(part.blob)
        faces = {self.fonts.title, self.fonts.body, self.fonts.heading1, self.fonts.heading2}
        for face in sorted(faces & FALLBACKS.keys()):
            font = etree.SubElement(root, qn("w:font"), {qn("w:name"): face})
            etree.SubElement(font, qn("w:altName"), {qn("w:val"): FALLBACKS[face]})
            etree.SubElement(font, qn("w:charset"), {qn("w:val"): "86"})  # GB2312
        # The font table is a plain (unparsed) part in python-docx: write its bytes back.
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    def _page_numbers(self) -> None:
        self.document.settings.odd_and_even_pages_header_footer = True
        section = self.document.sections[0]
        self._page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
        self._page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)

    def _page_number(self, paragraph, alignment) -> None:
        paragraph.alignment = alignment
        fmt = paragraph.paragraph_format
        # One character in from the outside edge: right on odd pages, left on even ones.
        if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
            fmt.right_indent = PAGE_NUMBER_SIZE
        else:
            fmt.left_indent = PAGE_NUMBER_SIZE
        face, size = self.fonts.page_number, PAGE_NUMBER_SIZE
        set_run_font(paragraph.add_run("— "), face, size)
        self._field(paragraph, "PAGE", face, size)
        set_run_font(paragraph.add_run(" —"), face, size)

    @staticmethod
    def _field(paragraph, instruction: str, face: str, size) -> None:
        """A complex field (fldChar begin / instrText / separate / result / end)."""
        parts = [("begin", None), (None, f" {instruction} "), ("separate", None), (None, "1")]
        parts.append(("end", None))
        for char_type, text in parts:
            run = paragraph.add_run()
            set_run_font(run, face, size)
            if char_type:
                element = OxmlElement("w:fldChar")
                element.set(qn("w:fldCharType"), char_type)
            elif text == "1":
                element = OxmlElement("w:t")
                element.text = text
            else:
                element = OxmlElement("w:instrText")
                element.set(qn("xml:space"), "preserve")
                element.text = text
            run._r.append(element)

    def _title(self, title: str) -> None:
        paragraph = self.document.paragraphs[0] if self.document.paragraphs else None
        paragraph = paragraph or self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt = paragraph.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(35)  # a 22 pt title needs more than the body's line
        fmt.space_before, fmt.space_after = Pt(0), LINE  # one blank body line under the title
        set_run_font(paragraph.add_run(title), self.fonts.title, TITLE_SIZE)
