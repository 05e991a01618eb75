"""The minutes (会议纪要) of a meeting as .docx in the official layout, read back as Word would."""

import io
from datetime import date

import pytest
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from tests.commission.conftest import COMMISSION_URLS
from tests.conftest import client_for
from waishi.commission import services

pytestmark = [pytest.mark.django_db, pytest.mark.urls(COMMISSION_URLS)]
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def minutes_of(user, meeting) -> Document:
    response = client_for(user).get(reverse("commission:minutes", args=[meeting.pk]))
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    assert "attachment;" in response["Content-Disposition"]
    return Document(io.BytesIO(b"".join(response.streaming_content)))


def east_asian(run) -> str:
    return run._element.rPr.rFonts.get(qn("w:eastAsia"))


@pytest.fixture
def full_meeting(secretariat, draft_meeting, commerce):
    decision = services.meeting_add_decision(
        actor=secretariat, meeting=draft_meeting, text="原则通过2026年工作要点，由各单位抓好落实。"
    )
    services.task_add(
        actor=secretariat,
        meeting=draft_meeting,
        decision=decision,
        text="制定落实方案",
        owner_unit=commerce,
        deadline=date(2026, 4, 30),
    )
    return draft_meeting


def test_the_minutes_carry_the_title_particulars_agenda_documents_and_decisions(
    secretariat, full_meeting
):
    document = minutes_of(secretariat, full_meeting)
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "市委外事工作委员会第一次会议纪要"
    assert "（2026年第1次）" in texts
    assert "时间：2026年3月15日" in texts and "地点：市委常委会议室" in texts
    assert "主持：林海峰" in texts and "出席：周明远、欧阳春" in texts
    assert [t for t in texts if t[:2] in ("一、", "二、", "三、", "四、")] == [
        "一、会议议程",
        "二、审议文件",
        "三、会议决定",
        "四、督办事项",
    ]
    assert "1. 听取2025年全市外事工作情况汇报" in texts
    assert "1. 《市委外事工作委员会2026年工作要点》" in texts
    assert "1. 原则通过2026年工作要点，由各单位抓好落实。" in texts


def test_the_follow_up_tasks_are_a_table_with_owner_unit_and_deadline(secretariat, full_meeting):
    [table] = minutes_of(secretariat, full_meeting).tables
    assert [c.text for c in table.rows[0].cells] == ["序号", "事项", "责任单位", "完成时限", "状态"]
    assert [c.text for c in table.rows[1].cells][1:4] == [
        "制定落实方案",
        "市商务局",
        "2026年4月30日",
    ]


def test_the_minutes_use_the_official_fonts_margins_and_page_numbers(secretariat, full_meeting):
    document = minutes_of(secretariat, full_meeting)
    title = document.paragraphs[0].runs[0]
    assert (east_asian(title), title.font.size) == ("方正小标宋简体", Pt(22))
    body = next(p for p in document.paragraphs if p.text.startswith("1. 听取"))
    assert (east_asian(body.runs[0]), body.runs[0].font.size) == ("仿宋_GB2312", Pt(16))
    section = document.sections[0]
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]
    footer = section.footer.paragraphs[0]
    assert [t.text.strip() for t in footer._p.iter(qn("w:instrText"))] == ["PAGE"]


def test_a_reader_of_confirmed_meetings_may_export_their_minutes_but_not_a_drafts(
    liaison, confirmed_meeting, draft_meeting
):
    assert minutes_of(liaison, confirmed_meeting).paragraphs[0].text.endswith("会议纪要")
    hidden = client_for(liaison).get(reverse("commission:minutes", args=[draft_meeting.pk]))
    assert hidden.status_code == 404


def test_a_meeting_with_nothing_recorded_yet_still_gives_readable_minutes(secretariat):
    meeting = services.meeting_create(actor=secretariat, title="外事工作专题会")
    texts = [p.text for p in minutes_of(secretariat, meeting).paragraphs]
    assert texts[0] == "外事工作专题会纪要"
    assert "时间：待定" in texts and "主持：无" in texts and texts.count("无") == 4
