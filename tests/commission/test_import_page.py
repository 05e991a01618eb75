"""The import page: a release in, the fields read shown beside the highlighted text, corrected,
saved as a draft meeting; bad input explained and nothing created."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.commission.conftest import COMMISSION_URLS, SAMPLES
from tests.conftest import client_for
from tests.core.test_uploads import pdf_bytes, png_bytes
from waishi.commission.models import Meeting
from waishi.core.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.urls(COMMISSION_URLS)]
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
IMPORT = "commission:import"
PINYIN_SAMPLE = SAMPLES / "meeting-traditional-pinyin.txt"


def read(client, **data):
    return client.post(reverse(IMPORT), {"action": "read", **data}, **EN)


def submitted(form) -> dict:
    """What the browser would send back for the review form, untouched."""
    values = {bound.name: bound.value() for bound in form}
    return {name: "" if value is None else str(value) for name, value in values.items()}


def test_the_import_page_is_for_the_secretariat_only(secretariat, liaison):
    assert client_for(secretariat).get(reverse(IMPORT)).status_code == 200
    assert client_for(liaison).get(reverse(IMPORT)).status_code == 403


def test_an_uploaded_traditional_release_with_pinyin_is_shown_cleaned_and_highlighted(
    secretariat,
):
    with PINYIN_SAMPLE.open("rb") as handle:
        response = read(client_for(secretariat), file=handle)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<mark class="evidence evidence-chairs" title="Chair">林海峰</mark>' in html
    assert '<mark class="evidence evidence-attendees" title="Attendee">欧阳春</mark>' in html
    shown = html.split('class="release-text"')[1].split("</div>")[0]
    assert "(shū)" not in shown and "市委书记" in shown  # pinyin stripped, Simplified
    form = response.context["form"]
    assert form["title"].value() == "市委外事工作委员会第二次会议"
    assert str(form["date"].value()) == "2026-03-15"
    assert "reports heard and plans reviewed" in html  # where the year came from
    assert "會(huì)議(yì)" in response.context["source"]["text"].value()  # the text, to edit


def test_correcting_one_field_and_saving_creates_the_draft_with_the_corrected_value(secretariat):
    client = client_for(secretariat)
    with PINYIN_SAMPLE.open("rb") as handle:
        review = read(client, file=handle).context["form"]
    data = {**submitted(review), "action": "save", "title": "市委外事工作委员会2026年第二次会议"}
    response = client.post(reverse(IMPORT), data)
    meeting = Meeting.objects.get()
    assert response.url == reverse("commission:detail", args=[meeting.pk])
    assert meeting.title == "市委外事工作委员会2026年第二次会议"
    assert meeting.is_draft and str(meeting.date) == "2026-03-15"
    assert meeting.chairs == ["林海峰"]
    assert meeting.attendee_names == ["周明远", "欧阳春", "单立新", "吕晓梅", "曾志刚"]
    assert [d.title for d in meeting.documents.all()][
        1
    ] == "江海市因公临时出国(境)团组管理办法(修订)"
    assert meeting.source == "江海发布" and "林海峰主持召开" in meeting.source_text
    assert AuditEvent.objects.get(action="meeting.import").changes["corrected"] == ["title"]


def test_a_release_without_a_year_asks_for_the_date_and_saves_once_it_is_given(secretariat):
    client = client_for(secretariat)
    text = "6月3日，市委外事工作委员会召开专题会议。林海峰主持会议。周明远出席会议。"
    response = read(client, text=text)
    assert "gives the day (06-03) but no year" in response.content.decode()
    data = {**submitted(response.context["form"]), "action": "save", "date": "2026-06-03"}
    client.post(reverse(IMPORT), data)
    assert str(Meeting.objects.get().date) == "2026-06-03"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "   \n "}, "There is no text to read"),
        (
            {"text": "今天天气晴朗，市民纷纷走出家门踏青赏花。"},
            "This is not a meeting news release",
        ),
        ({"file": SimpleUploadedFile("release.txt", png_bytes())}, "This file is not text"),
        ({"file": SimpleUploadedFile("release.txt", pdf_bytes())}, "This file is not text"),
        (
            {"file": SimpleUploadedFile("release.txt", b"MZ\x90\x00\x03" + b"\x00\xff" * 300)},
            "This file is not text",
        ),
    ],
    ids=["empty", "not-a-meeting", "png-named-txt", "pdf-named-txt", "exe-named-txt"],
)
def test_bad_input_gets_one_clear_message_and_creates_nothing(secretariat, data, message):
    response = read(client_for(secretariat), **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "form" not in response.context or response.context.get("draft") is None
    assert not Meeting.objects.exists()


def test_markup_in_a_release_is_shown_as_text_never_run(secretariat):
    text = "3月15日，林海峰主持召开市委外事工作委员会第二次会议<script>alert(1)</script>。"
    html = read(client_for(secretariat), text=text).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_saving_a_text_that_is_no_longer_a_release_creates_nothing(secretariat):
    response = client_for(secretariat).post(
        reverse(IMPORT), {"action": "save", "text": "随便写点什么。", "title": "会议"}, **EN
    )
    assert response.status_code == 400
    assert "This is not a meeting news release" in response.content.decode()
    assert not Meeting.objects.exists()


def test_the_live_preview_returns_only_the_review_column(secretariat):
    response = client_for(secretariat).post(
        reverse("commission:import_preview"),
        {"text": PINYIN_SAMPLE.read_text()},
        HTTP_HX_REQUEST="true",
        **EN,
    )
    html = response.content.decode()
    assert '<mark class="evidence evidence-documents"' in html
    assert "<html" not in html and 'name="action" value="save"' in html


def test_the_live_preview_explains_a_text_it_cannot_read(secretariat):
    response = client_for(secretariat).post(
        reverse("commission:import_preview"), {"text": "你好"}, HTTP_HX_REQUEST="true", **EN
    )
    assert 'role="alert"' in response.content.decode()
    assert "This is not a meeting news release" in response.content.decode()
