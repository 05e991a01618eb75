"""Telling a person's name from the official titles around it, in Simplified Chinese.

Releases write leaders as 「titles + name」 ("市委副书记、市长周明远"): titles end in a small set of
words (书记, 市长, 主任 …), a name is 2–3 characters after a surname (4 with a compound surname).
The name of an item is what follows the last title word and passes the surname check.
"""

import re

from waishi.people.surnames import COMPOUND_SURNAMES as PASSPORT_COMPOUNDS
from waishi.people.surnames import SINGLE_SURNAMES

# Surnames come from the passport table (waishi.people.surnames). Characters that are surnames but
# far more often ordinary words (有, 年, 能, 长 …) are left out: here a surname must make a bare
# list item a name, and "长明" in "市长明确要求" must not become one.
_WORDLIKE = set(
    "么有才年员能那都通过门长相家空言法海福重黑后伯折繁秘赏召句刀爱琴种祭占修初仪达寻巨藏区"
)
# Common surnames the passport table may not list yet; harmless if it does.
_MORE = set("位保僧却台宇扬栗檀畅禚税稽苑辜郄鄞")
SURNAMES = frozenset((set(SINGLE_SURNAMES) - _WORDLIKE) | _MORE)
COMPOUND_SURNAMES = frozenset(PASSPORT_COMPOUNDS)

# Words an official title ends with. Longer forms first only matters for readability: every
# occurrence is tried, the name is what follows the last one that leaves a valid name.
_TITLE_TABLE = (
    "书记 副书记 市长 省长 区长 县长 镇长 乡长 州长 盟长 旗长 秘书长 主任 部长 局长 厅长 处长 科长 "
    "司长 署长 关长 行长 校长 院长 馆长 社长 台长 团长 会长 所长 站长 队长 组长 董事长 理事长 "
    "检察长 庭长 委员 常委 成员 主席 领导 负责人 巡视员 调研员 督察 总监 经理 总裁 政委 司令员 "
    "大使 总领事 领事 参赞 专员 秘书 助理 顾问 教授 院士 代表 干部 工程师 经济师 会计师 总编辑"
)
TITLE_WORDS = _TITLE_TABLE.split()

# Never part of a name: they mark committee boilerplate (各成员单位负责同志) or a clause.
_NOT_IN_NAME = re.compile(
    r"负责|单位|部门|有关|相关|各|们|的|了|会议|委员|领导|成员|人员|同志|代表|工作|全体|主要|"
    r"分别|以及|出席|参加|列席|主持|讲话|会见|发言"
)
_NAME_CHARS = re.compile(r"[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]{1,6}·[\u4e00-\u9fff·]{1,12}")
_TITLE_CHARS = set("长任记员委席导理师官使事书督监人授士表问助部办")

LEAD = re.compile(
    r"^(?:(?:\d{4}年)?\d{1,2}月\d{1,2}[日号]|\d{1,2}[日号]|今天|今日|昨天|昨日|日前|近日)?"
    r"(?:上午|下午|晚上|晚间|早上|中午|晚)?\s*"
)
_TRAIL = re.compile(r"(?:同志|先生|女士|等同志|等人|等)+$")
_CONJUNCTION = re.compile(r"^(?:以及|及|和|与|还有|并|另有|另外)")
SEPARATORS = re.compile(r"[、，,；;]|\s+")  # "出席：张三 李四", "…会议召开 陈吉宁主持"
_JOINERS = re.compile(r"以及|和|及|与")


def valid_name(text: str) -> bool:
    if not _NAME_CHARS.fullmatch(text) or _NOT_IN_NAME.search(text):
        return False
    if any(text.endswith(word) for word in TITLE_WORDS):
        return False  # "常委", "市长": a title on its own
    if "·" in text:
        return True  # a minority or foreign name written with the separator dot
    if text[:2] in COMPOUND_SURNAMES:
        return len(text) in (3, 4)
    return len(text) in (2, 3) and text[0] in SURNAMES


def _title_ends(item: str) -> list[int]:
    ends = set()
    for word in TITLE_WORDS:
        start = item.find(word)
        while start != -1:
            ends.add(start + len(word))
            start = item.find(word, start + 1)
    return sorted(ends, reverse=True)


def name_at_end(item: str) -> tuple[str, int] | None:
    """The name that closes `item` ("市委外事工作委员会副主任周明远" → 周明远) and its offset."""
    for end in _title_ends(item):
        if valid_name(item[end:]):
            return item[end:], end
    lead = LEAD.match(item).end()
    if valid_name(item[lead:]):
        return item[lead:], lead
    # A title we do not know, still ending like one (…巡察专员张三): take a name after it.
    for size in (3, 2, 4):
        cut = len(item) - size
        if cut > lead and item[cut - 1] in _TITLE_CHARS and valid_name(item[cut:]):
            return item[cut:], cut
    return None


def names_in(segment: str, offset: int = 0) -> list[tuple[str, int]]:
    """Names in a list like "市领导欧阳春、单立新、吕晓梅等", with their offsets in the text."""
    found = []
    position = 0
    for piece in SEPARATORS.split(segment):
        start = position
        position += len(piece) + 1
        found += _names_in_item(piece, offset + start)
    return found


def _names_in_item(piece: str, offset: int) -> list[tuple[str, int]]:
    item, start = _tidy(piece)
    if not item:
        return []
    whole = name_at_end(item)
    parts = _split_joined(item)
    if parts and (whole is None or len(parts) > 1):
        return [(name, offset + start + at) for name, at in parts]
    return [(whole[0], offset + start + whole[1])] if whole else []


def _tidy(piece: str) -> tuple[str, int]:
    """Trim spaces, a leading 和/以及, everything from 等 on, a trailing 同志; keep the offset."""
    start = len(piece) - len(piece.lstrip())
    item = piece.strip()
    lead = _CONJUNCTION.match(item)
    if lead:
        start += lead.end()
        item = item[lead.end() :]
    # "韩东等" / "韩东等市领导": the list ends at 等; "高等学校" is not cut.
    for found in re.finditer("等", item):
        rest = item[found.end() :]
        if name_at_end(item[: found.start()]) and not name_at_end(rest):
            item = item[: found.start()]
            break
    return _TRAIL.sub("", item).rstrip(), start


def _split_joined(item: str) -> list[tuple[str, int]] | None:
    """Split 张三和李四 in two, but keep 王和平 whole: split only when every part is a name
    or a bare title ("市长周明远与汉堡市副市长": the guest has no name here)."""
    if not _JOINERS.search(item):
        return None
    parts, position, untitled = [], 0, 0
    for chunk in re.split(r"(以及|和|及|与)", item):
        if chunk and not _JOINERS.fullmatch(chunk):
            named = name_at_end(chunk)
            if named:
                parts.append((named[0], position + named[1]))
            elif not any(chunk.endswith(word) for word in TITLE_WORDS):
                return None
            else:
                untitled += 1
        position += len(chunk)
    return parts if parts and len(parts) + untitled > 1 else None
