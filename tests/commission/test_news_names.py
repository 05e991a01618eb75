"""Telling leaders' names from their titles in the lists a release gives."""

import pytest

from waishi.commission.news import parse_release
from waishi.commission.news_names import names_in


def names(segment: str) -> list[str]:
    return [name for name, _ in names_in(segment)]


@pytest.mark.parametrize(
    ("segment", "expected"),
    [
        ("市委副书记、市长、市委外事工作委员会副主任周明远，市领导欧阳春、单立新",
         ["周明远", "欧阳春", "单立新"]),
        ("市领导查文斌、韩东等", ["查文斌", "韩东"]),
        ("市委常委、秘书长李四，副市长王五等市领导", ["李四", "王五"]),
        ("市人大常委会副主任刘长明，市长周长春", ["刘长明", "周长春"]),
        ("张三和李四", ["张三", "李四"]),
        ("市领导王和平", ["王和平"]),
        ("江海高等专科学校校长张三", ["张三"]),
        ("市委外办一级巡察专员张三", ["张三"]),
        ("林海峰同志", ["林海峰"]),
        ("市委外事工作委员会副主任司马南、诸葛文君", ["司马南", "诸葛文君"]),
        ("买买提·艾力", ["买买提·艾力"]),
    ],
)  # fmt: skip
def test_the_name_is_what_follows_the_titles(segment, expected):
    assert names(segment) == expected


@pytest.mark.parametrize(
    "segment",
    ["市委外事工作委员会委员", "各成员单位负责同志", "市委外事工作委员会成员单位主要负责人",
     "市直有关部门主要负责同志", "市委常委", "各区县党委和政府主要负责同志"],
)  # fmt: skip
def test_committee_boilerplate_names_nobody(segment):
    assert names(segment) == []


def test_a_leader_who_attends_and_chairs_is_a_chair_only():
    draft = parse_release("3月1日，市委外事工作委员会召开会议。市委书记林海峰出席会议并主持。")
    assert (draft.chairs, draft.attendees) == (["林海峰"], [])


def test_words_like_attend_inside_the_meetings_decisions_name_nobody():
    draft = parse_release(
        "3月1日，市委外事工作委员会召开会议，林海峰主持。会议要求，要组织企业参加进博会，"
        "支持高校师生出席国际学术会议。"
    )
    assert draft.attendees == []
