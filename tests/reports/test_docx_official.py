"""The official-layout document (GB/T 9704), read back with python-docx as Word would see it."""

import io
import zipfile

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt

from waishi.reports.docx_official import OfficialDocument, chinese_number


def built() -> bytes:
    return (
        OfficialDocument("市委外事工作委员会第二次会议纪要")
        .heading("会议议程")
        .paragraph("听取2025年全市外事工作情况汇报。")
        .heading("审议事项", level=2)
        .heading("会议决定")
        .heading("督办事项", level=2)
        .table([["序号", "事项", "责任单位"], ["1", "修订管理办法", "市商务局"]])
        .signature("市委外事工作委员会办公室", "2026年3月16日")
        .to_bytes()
    )


def read(data: bytes):
    return Document(io.BytesIO(data))


def east_asian(run) -> str:
    return run._element.rPr.rFonts.get(qn("w:eastAsia"))


def test_the_page_is_a4_with_the_official_margins():
    section = read(built()).sections[0]
    sizes = [section.page_width, section.page_height, section.top_margin, section.bottom_margin]
    sizes += [section.left_margin, section.right_margin]
    # Word stores twentieths of a point: compare to a tenth of a millimetre.
    assert [round(size.mm, 1) for size in sizes] == [210, 297, 37, 35, 28, 26]


def test_the_title_is_centred_in_xiaobiaosong_at_22_points():
    title = read(built()).paragraphs[0]
    assert title.text == "市委外事工作委员会第二次会议纪要"
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    [run] = title.runs
    assert east_asian(run) == "方正小标宋简体" and run.font.size == Pt(22)


def test_body_text_is_fangsong_16_points_on_a_fixed_line_indented_two_characters():
    body = next(p for p in read(built()).paragraphs if p.text.startswith("听取"))
    fmt = body.paragraph_format
    assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert Pt(28) <= fmt.line_spacing <= Pt(29)
    assert fmt.first_line_indent == Pt(32)
    assert body._p.pPr.ind.get(qn("w:firstLineChars")) == "200"
    [run] = body.runs
    assert (east_asian(run), run.font.name, run.font.size) == ("仿宋_GB2312", "仿宋_GB2312", Pt(16))


def test_headings_are_numbered_per_level_in_heiti_and_kaiti():
    paragraphs = {p.text: p for p in read(built()).paragraphs}
    assert {"一、会议议程", "（一）审议事项", "二、会议决定", "（一）督办事项"} <= set(paragraphs)
    assert east_asian(paragraphs["一、会议议程"].runs[0]) == "黑体"
    assert east_asian(paragraphs["（一）审议事项"].runs[0]) == "楷体_GB2312"


def test_page_numbers_are_a_page_field_between_dashes_on_the_outside_edge():
    document = read(built())
    section = document.sections[0]
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert document.settings.odd_and_even_pages_header_footer
    assert (odd.alignment, even.alignment) == (WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.LEFT)
    instructions = [t.text.strip() for t in odd._p.iter(qn("w:instrText"))]
    assert instructions == ["PAGE"]
    assert odd.text.startswith("— ") and odd.text.endswith(" —")
    assert {east_asian(r) for r in odd.runs} == {"宋体"} and odd.runs[0].font.size == Pt(14)


def test_the_table_keeps_its_cells_and_puts_the_header_in_heiti():
    [table] = read(built()).tables
    assert [c.text for c in table.rows[1].cells] == ["1", "修订管理办法", "市商务局"]
    assert east_asian(table.rows[0].cells[0].paragraphs[0].runs[0]) == "黑体"
    assert east_asian(table.rows[1].cells[2].paragraphs[0].runs[0]) == "仿宋_GB2312"


def test_the_font_table_names_a_common_fallback_for_each_gb_face():
    fonts = zipfile.ZipFile(io.BytesIO(built())).read("word/fontTable.xml").decode()
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in fonts
    assert '<w:font w:name="方正小标宋简体"><w:altName w:val="华文中宋"/>' in fonts


def test_the_signature_sits_right_aligned_under_the_text():
    paragraphs = read(built()).paragraphs
    assert [p.text for p in paragraphs[-2:]] == ["市委外事工作委员会办公室", "2026年3月16日"]
    assert paragraphs[-1].alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_heading_numbers_read_as_chinese_numerals():
    assert [chinese_number(n) for n in (1, 9, 10, 11, 20, 23)] == [
        "一", "九", "十", "十一", "二十", "二十三"
    ]  # fmt: skip
