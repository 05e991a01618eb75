"""meeting_create_draft: an imported release becomes a draft meeting, with its audit event."""

import pytest

from waishi.commission.models import Meeting
from waishi.commission.news import parse_release
from waishi.commission.services import meeting_create_draft
from waishi.core.audit import audit_verify
from waishi.core.models import AuditEvent

RELEASE = (
    "6月3日，市委外事工作委员会召开专题会议。林海峰主持会议。周明远、宋佳琪出席会议。"
    "会议研究了《江海市重大涉外活动管理办法（征求意见稿）》。"
)

pytestmark = pytest.mark.django_db


def test_a_user_importing_a_release_is_recorded_as_its_creator_and_in_the_audit_chain(
    secretariat,
):
    meeting = meeting_create_draft(actor=secretariat, draft=parse_release(RELEASE, year=2026))
    assert meeting.created_by == secretariat
    assert meeting.status == Meeting.Status.DRAFT
    assert meeting.attendee_names == ["周明远", "宋佳琪"]
    assert [d.title for d in meeting.documents.all()] == ["江海市重大涉外活动管理办法(征求意见稿)"]
    assert meeting.year_source == "argument"
    event = AuditEvent.objects.get(action="meeting.import")
    assert event.actor_id == secretariat.pk and event.changes["date"] == "2026-06-03"
    assert audit_verify().ok


def test_a_release_without_a_year_keeps_the_day_and_leaves_the_date_empty():
    meeting = meeting_create_draft(actor=None, draft=parse_release(RELEASE))
    assert meeting.date is None
    assert meeting.month_day == "06-03"
    assert meeting.created_by is None
    assert AuditEvent.objects.get(action="meeting.import").actor_name == "system"
    assert "year unknown" in AuditEvent.objects.get().changes["warnings"][0]


def test_the_source_text_is_kept_for_the_reviewer_to_check_against():
    meeting = meeting_create_draft(actor=None, draft=parse_release(RELEASE, year=2026))
    assert meeting.source_text.startswith("6月3日，市委外事工作委员会召开专题会议")
    assert str(meeting) == "市委外事工作委员会专题会议"
