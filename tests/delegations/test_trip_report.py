"""The structured trip report, its filing, and both documents read back with python-docx."""

import io
import struct
import zlib
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn

from tests.delegations.trip_support import TripKit, english  # noqa: F401
from waishi.delegations.documents import application_docx, trip_report_docx
from waishi.delegations.models import Status
from waishi.delegations.selectors_trip import spending_rows
from waishi.delegations.services_report import photo_add, report_file, report_save
from waishi.delegations.services_trip import ConflictError, InvalidTransition


def png(width=4, height=3) -> bytes:
    """A small valid grey PNG, built by hand (no imaging library in the environment)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\x80" * width for _ in range(height)))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@pytest.fixture
def kit(make_delegation, act, liaison, city):
    return TripKit(make_delegation, act, liaison, city)


def full_report(delegation):
    objectives = list(delegation.objectives.all())
    return {
        "summary": "访问取得圆满成功。",
        "compliance_declared": True,
        "compliance_note": "无违规情况。",
        "results": [
            {"objective": objectives[0].pk, "status": "met", "result": "签署了港口合作备忘录"},
            {"objective": objectives[1].pk, "status": "partly", "result": "考察了两个园区"},
        ],
        "agreements": [
            {"title": "港口合作备忘录", "partner": "汉堡港务局", "signed_on": "2025-03-03"}
        ],
        "projects": [
            {"kind": "intention", "name": "物流园区合作", "amount": "5000000", "currency": "EUR"}
        ],
        "partners": [{"name": "Jens Meier", "organisation": "HPA", "country": "DE"}],
        "follow_ups": [{"plan": "邀请对方来访", "responsible": "外事处"}],
        "spending": [{"kind": "lodging", "amount": "600", "currency": "EUR"}],
    }


def test_a_saved_report_keeps_every_structured_part(kit):
    delegation = kit.returned()
    report = report_save(
        actor=kit.liaison, delegation=delegation, expected_version=None, **full_report(delegation)
    )
    assert [r.status for r in report.results.all()] == ["met", "partly"]
    assert report.agreements.get().partner == "汉堡港务局"
    assert report.projects.get().amount == Decimal("5000000.00")
    assert report.partners.get().country.code == "DE"
    (row,) = spending_rows(delegation, report)
    assert row["budget"] == Decimal("500.00") and row["actual"] == Decimal("600.00")
    assert row["over"] and row["difference"] == Decimal("100.00")


def test_filing_moves_the_delegation_to_report_filed(kit):
    delegation = kit.returned()
    report = report_save(
        actor=kit.liaison, delegation=delegation, expected_version=None, **full_report(delegation)
    )
    report_file(actor=kit.liaison, delegation=delegation, expected_version=report.version)
    delegation.refresh_from_db()
    assert delegation.status == Status.REPORT_FILED and delegation.report_filed_at
    with pytest.raises(InvalidTransition):
        report_save(actor=kit.liaison, delegation=delegation, expected_version=report.version)


def test_an_incomplete_report_cannot_be_filed_and_says_what_is_missing(kit):
    delegation = kit.returned()
    data = full_report(delegation)
    data["results"], data["compliance_declared"] = data["results"][:1], False
    report = report_save(actor=kit.liaison, delegation=delegation, expected_version=None, **data)
    with pytest.raises(ValidationError) as refused:
        report_file(actor=kit.liaison, delegation=delegation, expected_version=report.version)
    messages = " ".join(refused.value.messages)
    assert "考察物流园区" in messages and "compliance declaration" in messages


def test_two_editors_of_one_report_cannot_both_win(kit):
    delegation = kit.returned()
    first = report_save(actor=kit.liaison, delegation=delegation, expected_version=None)
    report_save(actor=kit.liaison, delegation=delegation, expected_version=first.version)
    with pytest.raises(ConflictError):
        report_save(actor=kit.liaison, delegation=delegation, expected_version=first.version)


def test_bad_rows_are_refused_with_the_row_named(kit):
    delegation = kit.returned()
    with pytest.raises(ValidationError) as refused:
        report_save(
            actor=kit.liaison,
            delegation=delegation,
            expected_version=None,
            spending=[{"kind": "lodging", "amount": "-5"}],
        )
    assert "Row 1" in str(refused.value)


def paragraphs(data: bytes) -> tuple:
    document = Document(io.BytesIO(data))
    return document, [p.text for p in document.paragraphs]


def east_asian_font(paragraph) -> str:
    return paragraph.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia"))


def test_the_trip_report_docx_is_in_the_official_layout_with_the_report_in_it(
    kit, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    delegation = kit.returned()
    report_save(
        actor=kit.liaison, delegation=delegation, expected_version=None, **full_report(delegation)
    )
    photo_add(
        actor=kit.liaison,
        delegation=delegation,
        upload=SimpleUploadedFile("signing.png", png()),
        caption="签约仪式",
    )
    document, texts = paragraphs(trip_report_docx(delegation))
    assert texts[0] == f"{delegation.title}出访报告"
    assert east_asian_font(document.paragraphs[0]) == "方正小标宋简体"
    assert east_asian_font(document.paragraphs[1]) == "仿宋_GB2312"
    assert "完成情况：已完成。签署了港口合作备忘录" in texts
    assert "行程按批准的计划执行，无变更。" in texts and "签约仪式" in texts
    tables = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    assert ["港口合作备忘录", "汉堡港务局", "2025年3月3日"] in tables
    assert ["住宿费", "EUR", "500.00", "600.00", "100.00"] in tables
    footer = document.sections[0].footer.paragraphs[0]._p.xml
    assert "PAGE" in footer  # page numbers
    assert len(document.inline_shapes) == 1  # the photo


def test_the_application_docx_lists_members_itinerary_and_budget(kit):
    delegation = kit.approved()
    document, texts = paragraphs(application_docx(delegation))
    assert texts[0] == f"关于{delegation.title}的请示"
    assert texts[-3:][-1].startswith(str(timezone.localdate().year))
    assert "妥否，请批示。" in texts
    rows = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    assert any("德国" in row[1] and row[2] == "Hamburg" for row in rows)
    assert any(row[-1] == "团长" for row in rows)


def test_a_photo_is_judged_by_its_content(kit, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    delegation = kit.returned()
    with pytest.raises(ValidationError):
        photo_add(
            actor=kit.liaison,
            delegation=delegation,
            upload=SimpleUploadedFile("photo.png", b"MZ not really a picture"),
        )
    assert not delegation.attachments.exists()


def test_the_plain_file_report_action_is_refused_without_a_complete_report(kit):
    from waishi.delegations.services import delegation_transition

    delegation = kit.returned()
    with pytest.raises(ValidationError):
        delegation_transition(
            actor=kit.liaison,
            delegation=delegation,
            action="file_report",
            expected_version=delegation.version,
        )
    delegation.refresh_from_db()
    assert delegation.status == Status.RETURNED_HOME
