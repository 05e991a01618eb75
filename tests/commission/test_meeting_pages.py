"""Meeting pages: the list with its filters and export, a meeting with its tasks, the forms that
change it, attachments, and who sees what."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from tests.commission.conftest import COMMISSION_URLS, fresh
from tests.conftest import client_for
from tests.core.test_uploads import png_bytes
from waishi.commission.models import FollowUpTask, Meeting

pytestmark = [pytest.mark.django_db, pytest.mark.urls(COMMISSION_URLS)]
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def page(user, name, *args, **params):
    response = client_for(user).get(reverse(name, args=args), params, **EN)
    return response, response.content.decode()


def test_the_secretariat_lists_drafts_and_confirmed_meetings_and_filters_them(
    secretariat, draft_meeting, confirmed_meeting
):
    _, html = page(secretariat, "commission:meetings")
    assert draft_meeting.title in html and confirmed_meeting.title in html
    assert "1 overdue" in html
    _, html = page(secretariat, "commission:meetings", year=2025)
    assert confirmed_meeting.title in html and draft_meeting.title not in html
    _, html = page(secretariat, "commission:meetings", status="draft", q="第一次")
    assert draft_meeting.title in html and confirmed_meeting.title not in html


def test_a_unit_liaison_reads_confirmed_meetings_only(liaison, draft_meeting, confirmed_meeting):
    _, html = page(liaison, "commission:meetings")
    assert confirmed_meeting.title in html and draft_meeting.title not in html
    assert "Import a news release" not in html
    response, _ = page(liaison, "commission:detail", draft_meeting.pk)
    assert response.status_code == 404
    response, html = page(liaison, "commission:detail", confirmed_meeting.pk)
    assert response.status_code == 200 and "Record the decision" not in html


def test_an_inspector_reads_drafts_but_may_not_change_them(inspector, draft_meeting):
    response, html = page(inspector, "commission:detail", draft_meeting.pk)
    assert response.status_code == 200 and "Edit" not in html
    refused = client_for(inspector).post(
        reverse("commission:decision_add", args=[draft_meeting.pk]), {"text": "越权"}
    )
    assert refused.status_code == 403 and not draft_meeting.decisions.exists()


def test_someone_without_any_role_sees_no_meeting(roleless, confirmed_meeting):
    _, html = page(roleless, "commission:meetings")
    assert confirmed_meeting.title not in html
    response, _ = page(roleless, "commission:detail", confirmed_meeting.pk)
    assert response.status_code == 404


def test_the_detail_shows_every_field_and_flags_the_overdue_task_with_its_owner_unit(
    secretariat, confirmed_meeting
):
    _, html = page(secretariat, "commission:detail", confirmed_meeting.pk)
    for text in (
        "2025年第3次",
        "林海峰",
        "修订因公临时出国管理办法",
        "提交管理办法修订稿",
        "市商务局",
    ):
        assert text in html
    assert 'class="task-overdue"' in html and "badge-overdue" in html


def test_editing_a_draft_saves_the_fields_and_a_stale_form_is_refused(secretariat, draft_meeting):
    client = client_for(secretariat)
    url = reverse("commission:edit", args=[draft_meeting.pk])
    form = {
        "version": draft_meeting.version, "title": draft_meeting.title, "number": "2026年第1次",
        "date": "2026-03-16", "place": "市委常委会议室", "chairs": "林海峰",
        "attendees": "周明远、欧阳春、单立新",
        "agenda": "听取汇报\n审议要点", "documents": "市委外事工作委员会2026年工作要点",
    }  # fmt: skip
    assert client.post(url, form, **EN).status_code == 302
    meeting = fresh(draft_meeting)
    assert meeting.attendee_names == ["周明远", "欧阳春", "单立新"]
    assert meeting.agenda == ["听取汇报", "审议要点"] and str(meeting.date) == "2026-03-16"
    stale = client.post(url, {**form, "place": "别处"}, **EN)
    assert "Someone else changed this meeting" in stale.content.decode()
    assert fresh(draft_meeting).place == "市委常委会议室"


def test_adding_a_decision_then_a_task_from_it_and_marking_it_done(
    secretariat, draft_meeting, commerce
):
    client = client_for(secretariat)
    client.post(reverse("commission:decision_add", args=[draft_meeting.pk]), {"text": "抓好落实"})
    decision = draft_meeting.decisions.get()
    response = client.post(
        reverse("commission:task_add", args=[draft_meeting.pk]),
        {"decision": decision.pk, "text": "报送方案", "owner_unit": commerce.pk,
         "deadline": "2026-12-31"},
    )  # fmt: skip
    assert response.status_code == 302
    task = FollowUpTask.objects.get()
    assert (task.decision, task.owner_unit) == (decision, commerce)
    client.post(reverse("commission:task_complete", args=[task.pk]), {"version": task.version})
    assert FollowUpTask.objects.get().status == FollowUpTask.Status.DONE


def test_a_task_without_an_owner_unit_is_shown_back_with_the_error_at_the_field(
    secretariat, draft_meeting
):
    response = client_for(secretariat).post(
        reverse("commission:task_add", args=[draft_meeting.pk]), {"text": "无主任务"}, **EN
    )
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not FollowUpTask.objects.exists()


def test_confirming_from_the_page_moves_the_meeting_and_hides_the_edit_forms(
    secretariat, draft_meeting
):
    client = client_for(secretariat)
    client.post(reverse("commission:confirm", args=[draft_meeting.pk]), {"version": 1})
    assert fresh(draft_meeting).status == Meeting.Status.CONFIRMED
    _, html = page(secretariat, "commission:detail", draft_meeting.pk)
    assert "Record the decision" not in html and "Add the task" in html


@pytest.mark.parametrize(
    ("name", "content"),
    [("纪要.pdf", "会议纪要正文".encode()), ("photo.png", b"MZ\x90\x00" + b"\x00" * 200)],
)
def test_a_disguised_attachment_is_refused_at_the_field(secretariat, draft_meeting, name, content):
    response = client_for(secretariat).post(
        reverse("commission:document_add", args=[draft_meeting.pk]),
        {"title": "附件", "attachment": SimpleUploadedFile(name, content)},
        **EN,
    )
    assert response.status_code == 400
    assert "whatever its name says" in response.content.decode()
    assert not draft_meeting.documents.filter(title="附件").exists()


def test_a_real_image_is_stored_under_its_true_type_and_downloads_for_readers(
    secretariat, liaison, draft_meeting
):
    client_for(secretariat).post(
        reverse("commission:document_add", args=[draft_meeting.pk]),
        {"title": "合影", "attachment": SimpleUploadedFile("合影.exe", png_bytes())},
    )
    document = draft_meeting.documents.get(title="合影")
    assert document.attachment.name.endswith("合影.png")
    response = client_for(secretariat).get(
        reverse("commission:document_download", args=[document.pk])
    )
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == png_bytes()
    # The liaison may not read the draft, so not its files either.
    hidden = client_for(liaison).get(reverse("commission:document_download", args=[document.pk]))
    assert hidden.status_code == 404


def test_the_excel_export_holds_the_filtered_meetings_with_their_task_counts(
    secretariat, draft_meeting, confirmed_meeting
):
    response = client_for(secretariat).get(reverse("commission:export"), {"year": 2025}, **EN)
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header[:2] == ("Number", "Title")
    assert len(rows) == 1
    number, title, _when, status, chairs, _attendees, open_tasks, overdue, _src = rows[0]
    assert (number, title, chairs) == ("2025年第3次", confirmed_meeting.title, "林海峰")
    assert (status, open_tasks, overdue) == ("Confirmed", 1, 1)


def test_a_meeting_entered_by_hand_starts_as_a_draft(secretariat):
    response = client_for(secretariat).post(
        reverse("commission:create"), {"title": "外事工作专题会", "chairs": "林海峰"}
    )
    meeting = Meeting.objects.get()
    assert response.url == reverse("commission:detail", args=[meeting.pk])
    assert meeting.is_draft and meeting.chairs == ["林海峰"]


def test_a_confirmed_meeting_no_longer_opens_for_editing(secretariat, confirmed_meeting):
    client = client_for(secretariat)
    response = client.get(
        reverse("commission:edit", args=[confirmed_meeting.pk]), follow=True, **EN
    )
    assert response.redirect_chain[-1][0] == reverse(
        "commission:detail", args=[confirmed_meeting.pk]
    )
    assert "can no longer be changed" in response.content.decode()
