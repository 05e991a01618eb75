"""The meeting's date in a release, and where its year comes from.

A release gives the month and day ("3月15日上午"); the year comes, in this order, from the date
itself ("2026年3月15日"), a publication timestamp ("2026-03-16 09:30", "发布时间：2026年03月16日"),
a numbered meeting ("2026年第一次会议"), or the reports heard and plans reviewed (the 2025 report
and the 2026 plan → 2026), or --year. Nothing is guessed.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
           "八": 8, "九": 9, "两": 2}  # fmt: skip
_NUM = r"\d{1,2}|[一二三四五六七八九十]{1,3}"
_YEAR = r"\d{4}|[〇零一二三四五六七八九]{4}"

DATE = re.compile(rf"(?:(?P<y>{_YEAR})\s*年\s*)?(?P<m>{_NUM})\s*月\s*(?P<d>{_NUM})\s*[日号]")
_DAY_ONLY = re.compile(r"(?<![\d月])(?P<d>\d{1,2})日(?=上午|下午|晚|早|中午|，|\s)")
_RELATIVE = {"前天": -2, "昨天": -1, "昨日": -1, "今天": 0, "今日": 0}
_RELATIVE_RE = re.compile("|".join(_RELATIVE))

_STAMP_NUMERIC = re.compile(
    r"(?<![\d.])(?P<y>(?:19|20)\d{2})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?![\d.])"
)
_STAMP_LABEL = re.compile(
    r"(?:发布时间|发布日期|发表时间|发表日期|更新时间|发布于|时间|日期|来源[^\n]{0,20}?)\s*[：:]?\s*$"
)
# After a date, these make it a timestamp or a newspaper's page header, not the meeting's date.
_CLOCK = re.compile(
    r"^\s*(?:\d{1,2}[:：]\d{2}|(?:星期|周)[一二三四五六日天]|第\s*[\d一二三四五六七八九十]+\s*版)"
)

_PLAN = "工作要点|要点|工作计划|计划|工作安排|安排|规划|方案|任务清单"
_REPORT = "工作情况|情况|总结|工作报告|报告|汇报|完成情况"
_YEAR_WORD = re.compile(r"(?<![\d—–\-~至到])(\d{4})\s*年度?(?![\d—–\-~至到])")
_KIND = re.compile(rf"({_PLAN})|({_REPORT})")
_HEARD = re.compile(r"听取|审议|研究|讨论|通过|审定|印发|总结")


def cn_number(text: str) -> int:
    """Arabic or Chinese numerals → int: 15, 十五, 二十一, 二〇二六."""
    if text.isdigit():
        return int(text)
    if "十" not in text:
        return int("".join(str(_DIGITS[ch]) for ch in text))
    tens, _, units = text.partition("十")
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[units] if units else 0)


@dataclass
class Found:
    value: object
    start: int
    end: int


def find_timestamp(text: str) -> Found | None:
    """A publication timestamp: a numeric date, or a Chinese date labelled, clocked or alone."""
    for match in _STAMP_NUMERIC.finditer(text):
        stamp = _make_date(match["y"], match["m"], match["d"])
        if stamp:
            return Found(stamp, match.start(), match.end())
    for match in DATE.finditer(text):
        if not match["y"]:
            continue
        line_start = text.rfind("\n", 0, match.start()) + 1
        line_end = text.find("\n", match.end())
        before = text[line_start : match.start()]
        after = text[match.end() : line_end if line_end != -1 else len(text)]
        alone = not before.strip() and not after.strip()
        if _STAMP_LABEL.search(before) or _CLOCK.match(after) or alone:
            stamp = _make_date(match["y"], match["m"], match["d"])
            if stamp:
                return Found(stamp, match.start(), match.end())
    return None


def _make_date(year, month, day) -> date | None:
    try:
        return date(cn_number(year), cn_number(month), cn_number(day))
    except (ValueError, KeyError):
        return None


def find_meeting_day(text: str, skip: list[tuple[int, int]], stamp: date | None) -> Found | None:
    """The first date of the body (not a timestamp, not inside 《》): Found((year|None, m, d)).
    The year is only what the date itself says; `year_from_stamp` places the others."""
    for match in DATE.finditer(text):
        if _inside(match.start(), skip):
            continue
        month, day = cn_number(match["m"]), cn_number(match["d"])
        year = cn_number(match["y"]) if match["y"] else None
        if 1 <= month <= 12 and 1 <= day <= 31:
            return Found((year, month, day), match.start(), match.end())
    if stamp is None:
        return None
    # Wire style: "15日上午" or "昨天" — only the publication date can say which month.
    for match in _DAY_ONLY.finditer(text):
        if not _inside(match.start(), skip):
            day = int(match["d"])
            month = stamp.month if day <= stamp.day else (stamp.month - 2) % 12 + 1
            return Found((None, month, day), match.start(), match.end())
    match = _RELATIVE_RE.search(text)
    if match and not _inside(match.start(), skip):
        when = stamp + timedelta(days=_RELATIVE[match.group()])
        return Found((None, when.month, when.day), match.start(), match.end())
    return None


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)


def year_from_stamp(stamp: date, month: int, day: int) -> int:
    """The meeting happened before its release; a December meeting published in January → Y−1."""
    try:
        candidate = date(stamp.year, month, day)
    except ValueError:
        return stamp.year
    return stamp.year - 1 if candidate > stamp + timedelta(days=60) else stamp.year


def year_from_documents(text: str, titles: list[tuple[str, int]]) -> Found | None:
    """The plan reviewed gives the year; a report of year Y heard alone gives Y+1."""
    plans, reports = [], []
    for phrase, offset in _phrases_with_years(text, titles):
        for match in _YEAR_WORD.finditer(phrase):
            kinds = list(_KIND.finditer(phrase, match.end()))
            if not kinds:
                continue
            year = int(match.group(1))
            span = (offset + match.start(), offset + kinds[-1].end())
            (plans if kinds[-1].group(1) else reports).append((year, span))
    if plans:
        year, span = max(plans)
        return Found(year, *span)
    if reports:
        year, span = max(reports)
        return Found(year + 1, *span)
    return None


def _phrases_with_years(text: str, titles: list[tuple[str, int]]):
    """The reviewed titles, and clauses that hear or review something ("听取2025年…汇报")."""
    yield from titles
    for clause in re.finditer(r"[^，。；！？\n《》]+", text):
        heard = _HEARD.search(clause.group())
        if heard:
            yield clause.group()[heard.start() :], clause.start() + heard.start()
