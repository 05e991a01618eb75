"""Section 五 of the annual report: the year's work plan, read through
selectors_workplan.plan_completion (the work plan module's contract with the report)."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from tests.commission.annual_report_support import YEAR, day
from waishi.commission.annual_report import annual_report_data, headline, work_plan_installed

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not work_plan_installed(), reason="the work plan module is not installed"),
]


def png() -> bytes:
    """A small valid PNG, as evidence that an item is done."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", 2, 2, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x80\x80" * 2)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@pytest.fixture
def work_plan(secretariat, liaison, commerce, education):
    """The YEAR plan: four items; 市商务局 finished one and is working on another, the rest
    (one of 市商务局's, one of 市教育局's) have not started and are past their deadlines."""
    from waishi.commission import services_workplan as plans

    plan = plans.work_plan_create(actor=secretariat, year=YEAR, title=f"{YEAR}年全市外事工作要点")
    items = [
        plans.work_item_add(
            actor=secretariat, plan=plan, task=task, lead_unit=unit, deadline=deadline
        )
        for task, unit, deadline in [
            ("推进友城交流", commerce, day(6, 30)),
            ("举办国际投资促进会", commerce, day(12, 31, YEAR + 1)),
            ("修订因公出访管理办法", commerce, day(9, 30)),
            ("开展留学生交流项目", education, day(10, 31)),
        ]
    ]
    plan.refresh_from_db()
    plans.work_plan_adopt(actor=secretariat, plan=plan, expected_version=plan.version)
    done, going = items[0], items[1]
    evidence = SimpleUploadedFile("evidence.png", png(), content_type="image/png")
    plans.work_item_report(
        actor=liaison,
        item=done,
        expected_version=_version(done),
        percent=100,
        status="done",
        note="已完成",
        evidence=evidence,
    )
    plans.work_item_report(
        actor=liaison,
        item=going,
        expected_version=_version(going),
        percent=40,
        status="in_progress",
        note="筹备中",
    )
    return plan


def _version(item) -> int:
    item.refresh_from_db()
    return item.version


def test_the_work_plan_section_gives_its_completion_from_plan_completion(work_plan):
    from waishi.commission.selectors_workplan import plan_completion

    expected = plan_completion(YEAR)
    assert (expected["total"], expected["done"], expected["in_progress"]) == (4, 1, 1)
    assert (expected["not_started"], expected["overdue"]) == (2, 2)
    report = annual_report_data(YEAR)
    assert report.work_plan == expected and report.has_data

    doc = Document(io.BytesIO(_docx(report)))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "五、年度工作要点完成情况" in body
    assert (
        f"《{YEAR}年全市外事工作要点》确定工作任务4项，已完成1项，正在推进1项，尚未启动2项，"
        "完成率25.0%；未完成的任务中已逾期2项。"
    ) in body
    assert "年度工作要点4项已完成1项，完成率25.0%" in body  # the overview
    rows = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    assert ["1", "市商务局", "3", "1", "1"] in rows and ["2", "市教育局", "1", "0", "1"] in rows
    assert len(doc.inline_shapes) == 1  # the plan's progress chart (no delegations this year)
    assert "年度工作要点任务进展（项）" in body


def test_the_page_shows_the_work_plan_completion(work_plan):
    assert headline(YEAR)["work_plan"]["completion_rate"] == 0.25


def test_a_year_without_a_plan_says_so(secretariat):
    from tests.commission.annual_report_support import meeting_of

    meeting_of(secretariat, day(5, 20), title="市委外事工作委员会会议")
    body = "\n".join(
        p.text for p in Document(io.BytesIO(_docx(annual_report_data(YEAR)))).paragraphs
    )
    assert f"系统中没有{YEAR}年度工作要点的任务。" in body


def _docx(report) -> bytes:
    from waishi.commission.annual_report_docx import annual_report_docx

    return annual_report_docx(report)
