"""Meeting services: who may write, audit events, stale saves refused, the draft → confirmed
transition, decisions and follow-up tasks, attendees linked to people, attachments checked."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.commission.conftest import SAMPLES, fresh
from tests.core.test_uploads import pdf_bytes
from tests.factories import PersonFactory, Role, UserFactory, grant
from waishi.commission import services
from waishi.commission.models import FollowUpTask, Meeting
from waishi.commission.news import parse_release
from waishi.core.audit import audit_verify
from waishi.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_an_update_is_audited_with_what_changed_and_bumps_the_version(secretariat, draft_meeting):
    services.meeting_update(
        actor=secretariat,
        meeting=draft_meeting,
        expected_version=draft_meeting.version,
        place="市政府第一会议室",
        agenda=["审议2026年工作要点"],
    )
    meeting = fresh(draft_meeting)
    assert (meeting.place, meeting.version) == ("市政府第一会议室", 2)
    event = AuditEvent.objects.filter(action="meeting.update").get()
    assert event.changes["place"] == ["市委常委会议室", "市政府第一会议室"]
    assert set(event.changes) == {"place", "agenda"}
    assert audit_verify().ok


def test_a_save_from_a_stale_form_is_refused_and_changes_nothing(secretariat, draft_meeting):
    seen = draft_meeting.version
    services.meeting_update(actor=secretariat, meeting=draft_meeting, expected_version=seen,
                            title="第一次全体会议")  # fmt: skip
    with pytest.raises(services.ConflictError):
        services.meeting_update(actor=secretariat, meeting=draft_meeting, expected_version=seen,
                                place="别处")  # fmt: skip
    assert fresh(draft_meeting).place == "市委常委会议室"
    assert AuditEvent.objects.filter(action="meeting.update").count() == 1


def test_only_the_secretariat_and_administrators_write(liaison, inspector, admin_user):
    for reader in (liaison, inspector):
        with pytest.raises(PermissionDenied):
            services.meeting_create(actor=reader, title="会议")
    assert services.meeting_create(actor=admin_user, title="会议").is_draft
    assert Meeting.objects.count() == 1


def test_confirming_needs_the_full_date_then_freezes_the_record(secretariat):
    meeting = services.meeting_create(actor=secretariat, title="专题会议")
    with pytest.raises(ValidationError, match="会议日期"):  # the message in zh-Hans
        services.meeting_confirm(actor=secretariat, meeting=meeting, expected_version=1)
    services.meeting_update(actor=secretariat, meeting=meeting, expected_version=1,
                            date=date(2026, 6, 3))  # fmt: skip
    confirmed = services.meeting_confirm(actor=secretariat, meeting=meeting, expected_version=2)
    assert confirmed.status == Meeting.Status.CONFIRMED and confirmed.confirmed_by == secretariat
    assert AuditEvent.objects.get(action="meeting.confirm").changes["status"] == [
        "draft", "confirmed"
    ]  # fmt: skip
    with pytest.raises(ValidationError, match="该会议已确认"):
        services.meeting_update(actor=secretariat, meeting=meeting, expected_version=3, title="x")
    with pytest.raises(ValidationError, match="该会议已确认"):
        services.meeting_add_decision(actor=secretariat, meeting=meeting, text="再议")


def test_a_decision_gives_a_unit_a_task_that_turns_overdue_and_is_completed(
    secretariat, draft_meeting, commerce
):
    decision = services.meeting_add_decision(
        actor=secretariat, meeting=draft_meeting, text="各单位落实年度工作要点。"
    )
    task = services.task_add(
        actor=secretariat,
        meeting=draft_meeting,
        decision=decision,
        text="报送落实方案",
        owner_unit=commerce,
        deadline=date.today() - timedelta(days=1),
    )
    assert task.state() == FollowUpTask.Status.OVERDUE
    assert task.state(today=task.deadline) == FollowUpTask.Status.OPEN
    done = services.task_complete(actor=secretariat, task=task, expected_version=1)
    assert done.state() == FollowUpTask.Status.DONE and done.completed_by == secretariat
    event = AuditEvent.objects.get(action="task.complete")
    assert event.changes["status"] == ["overdue", "done"] and event.unit_id == commerce.pk
    with pytest.raises(services.ConflictError):
        services.task_complete(actor=secretariat, task=task, expected_version=1)


def test_tasks_may_be_added_after_confirmation_but_only_from_the_meetings_own_decisions(
    secretariat, confirmed_meeting, draft_meeting, commerce
):
    other = services.meeting_add_decision(actor=secretariat, meeting=draft_meeting, text="另案")
    with pytest.raises(ValidationError):
        services.task_add(actor=secretariat, meeting=confirmed_meeting, decision=other,
                          text="误挂", owner_unit=commerce)  # fmt: skip
    services.task_add(actor=secretariat, meeting=confirmed_meeting, text="补充任务",
                      owner_unit=commerce)  # fmt: skip
    assert confirmed_meeting.tasks.count() == 2


def test_attendees_link_to_the_one_person_of_that_name_the_editor_may_see(
    secretariat, commerce, education
):
    zhou = PersonFactory(name="周明远", unit=commerce)
    PersonFactory(name="欧阳春", unit=commerce)
    PersonFactory(name="欧阳春", unit=education)  # two of that name: stays a free name
    meeting = services.meeting_create(
        actor=secretariat, title="会议", attendees=["周明远", "欧阳春", "外宾甲", "周明远"]
    )
    assert meeting.attendees == [
        {"name": "周明远", "person_id": zhou.pk},
        {"name": "欧阳春", "person_id": None},
        {"name": "外宾甲", "person_id": None},
    ]


def test_a_link_survives_an_edit_by_someone_who_cannot_see_that_person(
    secretariat, commerce, education
):
    zhou = PersonFactory(name="周明远", unit=commerce)
    meeting = services.meeting_create(actor=secretariat, title="会议", attendees=["周明远"])
    # A secretariat member whose grant covers 市教育局 only: 周明远 is not among their people.
    narrow = grant(UserFactory(username="narrow", unit=education), Role.SECRETARIAT, education)
    services.meeting_update(actor=narrow, meeting=meeting, expected_version=1,
                            attendees=["周明远", "宋佳琪"])  # fmt: skip
    assert fresh(meeting).attendees[0] == {"name": "周明远", "person_id": zhou.pk}


def test_an_imported_release_takes_the_readers_corrections_and_the_audit_names_them(
    secretariat,
):
    draft = parse_release((SAMPLES / "meeting-traditional-pinyin.txt").read_text())
    meeting = services.meeting_create_draft(
        actor=secretariat,
        draft=draft,
        corrections={"title": "市委外事工作委员会2026年第二次会议", "date": date(2026, 3, 15),
                     "chairs": draft.chairs, "number": "2026年第2次"},
    )  # fmt: skip
    assert meeting.title == "市委外事工作委员会2026年第二次会议"
    assert (meeting.date, meeting.month_day) == (date(2026, 3, 15), "")
    assert meeting.chairs == ["林海峰"] and "欧阳春" in meeting.attendee_names
    event = AuditEvent.objects.get(action="meeting.import")
    assert event.changes["corrected"] == ["number", "title"]


def test_renaming_the_documents_keeps_the_attachment_of_a_title_that_stayed(
    secretariat, draft_meeting
):
    upload = SimpleUploadedFile("要点.pdf", pdf_bytes())
    services.document_add(actor=secretariat, meeting=draft_meeting,
                          title="市委外事工作委员会2026年工作要点", upload=upload)  # fmt: skip
    services.meeting_update(actor=secretariat, meeting=draft_meeting, expected_version=1,
                            documents=["新增文件", "市委外事工作委员会2026年工作要点"])  # fmt: skip
    kept = draft_meeting.documents.get(title="市委外事工作委员会2026年工作要点")
    assert kept.attachment.name.endswith(".pdf") and kept.position == 1
    assert kept.content_type == "application/pdf"


def test_an_attachment_that_is_not_what_its_name_says_is_refused(secretariat, draft_meeting):
    fake = SimpleUploadedFile("纪要.pdf", "只是文本".encode())
    with pytest.raises(ValidationError):
        services.document_add(actor=secretariat, meeting=draft_meeting, title="纪要", upload=fake)
    assert not draft_meeting.documents.filter(title="纪要").exists()
    assert not AuditEvent.objects.filter(action="meeting.document_add").exists()
