"""The annual report as Word reads it: sections, the numbers of the year, charts as images."""

import io

import pytest
from docx import Document
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml.ns import qn

from tests.commission.annual_report_support import *  # noqa: F403
from tests.commission.annual_report_support import YEAR, day, meeting_of
from waishi.commission.annual_report import annual_report_data, work_plan_installed
from waishi.commission.annual_report_docx import annual_report_docx, annual_report_filename

pytestmark = pytest.mark.django_db
HEADINGS = "一二三四五六七"


def document(year: int) -> Document:
    return Document(io.BytesIO(annual_report_docx(annual_report_data(year))))


def texts(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


def headings(doc) -> list[str]:
    return [t for t in texts(doc) if t[:1] in HEADINGS and t[1:2] == "、"]


def table_rows(doc) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for table in doc.tables for row in table.rows]


def png_images(doc) -> int:
    """Pictures inline in the text whose image part is a PNG."""
    count = 0
    for shape in doc.inline_shapes:
        blip = shape._inline.graphic.graphicData.pic.blipFill.blip
        part = doc.part.related_parts[blip.get(qn("r:embed"))]
        count += part.content_type == "image/png"
    return count


@pytest.fixture
def report(year_of_work):
    return document(YEAR)


def test_the_report_has_its_title_and_a_section_per_module(report):
    assert texts(report)[0] == f"{YEAR}年全市外事工作情况"
    expected = ["总体情况", "因公出访", "绩效评估", "外事工作委员会会议"]
    if work_plan_installed():
        expected.append("年度工作要点完成情况")
    expected.append("下一步工作")
    assert [h[2:] for h in headings(report)] == expected
    assert texts(report)[-2:] == ["市委外事工作委员会办公室", texts(report)[-1]]
    assert annual_report_filename(YEAR) == f"全市外事工作情况-{YEAR}.docx"


def test_the_overview_gives_the_headline_numbers_of_the_year(report):
    assert (
        f"{YEAR}年，全市共派出因公临时出国（境）团组3批5人次（涉及4人），赴2个国家和地区；"
        "完成团组绩效评估2个，其中优秀1个；市委外事工作委员会召开会议2次，作出决定3项"
    ) in "\n".join(texts(report))


def test_the_delegations_section_gives_countries_units_results_and_compliance(report):
    body = "\n".join(texts(report))
    assert "全年出访团组3批5人次，涉及4人，平均每团1.7人。" in body
    assert "按出访任务分：考察访问3批。" in body
    assert "按团组最高级别分：县处级3批。" in body
    assert (
        "出访足迹遍及2个国家和地区。出访团组数居前2位的依次是：德国（2批）、日本（1批）。" in body
    )
    assert ["1", "市商务局", "3", "5"] in table_rows(report)
    assert (
        "已提交出访报告2份。报告所列出访任务4项，已完成2项、部分完成1项、未完成1项。"
        "签署协议和备忘录1份，达成合作项目2个、合作意向1个，涉及金额1000万元、500万欧元；"
        "新建立联系的合作伙伴1个。"
    ) in body
    assert (
        "已回国团组3批。出访报告到期应交3份，按时提交1份，逾期提交1份，逾期未交1份；"
        "出访后公开到期应公开3批，按时公开1批，逾期公开1批，逾期未公开1批；"
        "因公护照到期应交回2本，按时交回1本，逾期交回1本，逾期未交回0本。"
    ) in body
    assert "1批团组的实际行程与批准行程不一致，已在回国登记中记录。" in body


def test_the_evaluation_and_meeting_sections_give_their_numbers(report, year_of_work):
    body = "\n".join(texts(report))
    assert (
        "全年纳入绩效评估的团组3个，已完成评估2个，尚在评估中1个。已完成评估的团组平均得分73.8分，"
        "其中优秀1个、良好0个、合格0个、不合格1个（含因严重违纪一票否决1个）。"
    ) in body
    assert "已完成评估的团组实际支出8万元，带来投资和贸易额100万元。" in body
    assert ["1", year_of_work["b"].title, "市商务局", "55", "一票否决"] in table_rows(report)
    assert "6个月跟踪回访提交1次，所报成果3项中已落实2项，落实率66.7%。" in body
    assert "12个月跟踪回访提交0次；1次回访逾期未报。" in body
    assert (
        "全年召开市委外事工作委员会会议2次，审议文件1份，作出决定3项，部署督办事项2项；"
        "已办结1项，正在办理1项（其中逾期1项），办结率50.0%。"
    ) in body
    assert ["1", f"{YEAR}年3月15日", "市委外事工作委员会第一次会议", "1", "2"] in table_rows(report)
    assert ["1", "修订出访管理办法", "市商务局", f"{YEAR}年10月31日"] in table_rows(report)
    assert "另有1次会议的记录尚未确认，未计入以上统计。" in body


def test_charts_are_embedded_as_png_images_with_numbered_captions(report):
    assert png_images(report) == len(report.inline_shapes) == 3
    captions = [t for t in texts(report) if t.startswith("图")]
    assert captions == [
        f"图1　{YEAR}年各月出访团组数（批）",
        "图2　出访团组数居前2位的国家和地区（批）",
        "图3　绩效评估等次分布（个）",
    ]


def test_next_steps_is_a_highlighted_placeholder_for_the_office(report):
    paragraphs = report.paragraphs
    index = next(i for i, p in enumerate(paragraphs) if p.text.endswith("下一步工作"))
    placeholder = paragraphs[index + 1]
    assert placeholder.text.startswith("【待撰写】")
    assert all(run.font.highlight_color == WD_COLOR_INDEX.YELLOW for run in placeholder.runs)


def test_a_year_without_records_is_a_valid_report_that_says_so():
    doc = document(1990)
    body = "\n".join(texts(doc))
    assert "系统中没有1990年的因公出访、绩效评估、外事工作委员会会议和年度工作要点记录" in body
    assert [h[2:] for h in headings(doc)] == ["总体情况", "下一步工作"]
    assert len(doc.inline_shapes) == 0 and doc.tables == []


def test_a_section_without_records_says_so_instead_of_an_empty_chart(secretariat):
    meeting_of(secretariat, day(5, 20), title="市委外事工作委员会会议", decisions=["通过。"])
    doc = document(YEAR)
    body = "\n".join(texts(doc))
    assert f"{YEAR}年，全市没有因公临时出国（境）团组出访；市委外事工作委员会召开会议1次" in body
    assert f"{YEAR}年没有因公临时出国（境）团组出境。" in body
    assert f"{YEAR}年尚无团组绩效评估记录。" in body
    assert len(doc.inline_shapes) == 0
