"""Commission fixtures: the secretariat, meetings in both states, and the releases to import."""

from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.factories import UserFactory, grant
from waishi.commission import services
from waishi.commission.models import Meeting
from waishi.core.roles import Role

SAMPLES = Path(__file__).parent / "samples"
COMMISSION_URLS = "tests.commission.urls_for_test"


@pytest.fixture
def secretariat(city):
    """The commission's secretariat (市委外办秘书处): writes meetings."""
    return grant(UserFactory(username="secretariat", unit=city), Role.SECRETARIAT, city)


@pytest.fixture
def roleless(commerce):
    """Signed in, but holding no role at all."""
    return UserFactory(username="roleless", unit=commerce)


@pytest.fixture
def draft_meeting(secretariat):
    return services.meeting_create(
        actor=secretariat,
        number="2026年第1次",
        title="市委外事工作委员会第一次会议",
        date=date(2026, 3, 15),
        place="市委常委会议室",
        chairs=["林海峰"],
        attendees=["周明远", "欧阳春"],
        agenda=["听取2025年全市外事工作情况汇报", "审议2026年工作要点"],
        documents=["市委外事工作委员会2026年工作要点"],
    )


@pytest.fixture
def confirmed_meeting(secretariat, commerce):
    meeting = services.meeting_create(
        actor=secretariat,
        number="2025年第3次",
        title="市委外事工作委员会第三次会议",
        date=date(2025, 11, 6),
        chairs=["林海峰"],
    )
    decision = services.meeting_add_decision(
        actor=secretariat, meeting=meeting, text="修订因公临时出国管理办法。"
    )
    services.task_add(
        actor=secretariat,
        meeting=meeting,
        decision=decision,
        text="提交管理办法修订稿",
        owner_unit=commerce,
        deadline=date.today() - timedelta(days=10),
    )
    meeting.refresh_from_db()
    return services.meeting_confirm(
        actor=secretariat, meeting=meeting, expected_version=meeting.version
    )


def fresh(meeting: Meeting) -> Meeting:
    return Meeting.objects.get(pk=meeting.pk)
