"""Demo meetings of the 江海市 commission: read from made-up news releases, as staff would."""

from datetime import date, timedelta

from waishi.commission.news import parse_release
from waishi.commission.services import (
    meeting_add_decision,
    meeting_confirm,
    meeting_create_draft,
    task_add,
)

FIRST_MEETING = """江海发布 2025-12-20 10:05
市委外事工作委员会召开2025年第二次会议
12月19日，市委外事工作委员会召开2025年第二次会议。市委书记、市委外事工作委员会主任林海峰主持会议并讲话。
会议审议了《江海市友好城市交流合作三年行动计划（2026—2028年）》和《江海市境外企业和人员安全风险防范工作方案》。
市委副书记、市长周明远，市委常委、秘书长欧阳春，副市长单立新出席会议。
会议强调，要统筹发展和安全，扎实做好海外利益保护工作。
（记者 何静怡）
"""

SECOND_MEETING = """江海市委外事工作委员会召开2026年第一次会议
3月15日，市委外事工作委员会召开2026年第一次会议，听取2025年全市外事工作情况汇报，审议《市委外事工作委员会2026年工作要点》。
市委书记、市委外事工作委员会主任林海峰主持会议。
周明远、欧阳春、单立新、吕晓梅、曾志刚出席会议。
（记者 何静怡 通讯员 诸葛文）
来源：江海发布
"""


def load_demo_meetings(*, actor, units) -> int:
    """A confirmed meeting with decisions and follow-up tasks, and a draft still to check."""
    first = meeting_create_draft(actor=actor, draft=parse_release(FIRST_MEETING))
    decision = meeting_add_decision(
        actor=actor,
        meeting=first,
        text="原则通过友好城市交流合作三年行动计划，由市外办牵头组织实施。",
    )
    today = date.today()
    task_add(
        actor=actor,
        meeting=first,
        decision=decision,
        text="制定2026年友城交流项目清单并报委员会办公室",
        owner_unit=units["WB"],
        deadline=today + timedelta(days=45),
    )
    task_add(
        actor=actor,
        meeting=first,
        decision=decision,
        text="梳理在外企业和项目安全风险台账",
        owner_unit=units["SWJ"],
        deadline=today - timedelta(days=10),
    )
    meeting_confirm(actor=actor, meeting=first, expected_version=first.version)
    meeting_create_draft(actor=actor, draft=parse_release(SECOND_MEETING))
    return 2


def load_demo_work_plans(*, actor, units) -> int:
    """This year's and last year's work plans (demo_workplan.py). Call after the demo
    delegations: the items link to them and are reported on by the units' liaisons."""
    from waishi.commission.demo_workplan import load_demo_workplan

    return load_demo_workplan(actor=actor, units=units)
