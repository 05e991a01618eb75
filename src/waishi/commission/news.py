"""A meeting news release → a draft meeting. Pure Python: no Django, so the CLI parses anywhere.

`parse_release(text)` cleans the text (news_text), then reads the meeting's title, date
(news_dates), chairs, attendees (news_names), the documents reviewed, the reporters and the source.
Every value carries the span of `text` it came from, so the UI can highlight the evidence.
"""

import re
from dataclasses import asdict, dataclass, field

from waishi.commission import news_dates, news_names
from waishi.commission.news_text import EDITOR_LABELS, NewsImportError, clean, decode

__all__ = ["MeetingDraft", "NewsImportError", "parse_bytes", "parse_release"]

Span = tuple[int, int]


@dataclass
class MeetingDraft:
    title: str | None = None
    date: str | None = None  # "2026-03-15"; "--11-06" (ISO 8601 month-day) when the year is unknown
    date_evidence: str = ""
    chairs: list[str] = field(default_factory=list)
    attendees: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    reporters: list[str] = field(default_factory=list)
    source: str | None = None
    text: str = ""
    year_source: str | None = None  # explicit | timestamp | documents | argument | None
    warnings: list[str] = field(default_factory=list)
    evidence: dict[str, list[Span]] = field(default_factory=dict)

    def as_output(self) -> dict:
        """The contract's JSON object (plus year_source and warnings)."""
        data = asdict(self)
        keys = ("title", "date", "chairs", "attendees", "documents", "reporters", "source", "text")
        return {**{key: data[key] for key in keys}, "year_source": self.year_source,
                "warnings": self.warnings}  # fmt: skip

    def add(self, kind: str, value: str, start: int, end: int | None = None):
        values = getattr(self, kind)
        if value and value not in values:
            values.append(value)
            self.evidence.setdefault(kind, []).append((start, end or start + len(value)))


def parse_bytes(data: bytes, *, year: int | None = None) -> MeetingDraft:
    return parse_release(decode(data), year=year)


def parse_release(text: str, *, year: int | None = None) -> MeetingDraft:
    """Read a release (Simplified, Traditional, or with inline pinyin) into a draft meeting."""
    if not text or not text.strip():
        raise NewsImportError("the input is empty", "empty")
    cleaned, _ = clean(text)
    draft = MeetingDraft(text=cleaned)
    _read_chairs(draft)
    _read_attendees(draft)
    _read_documents(draft)
    _read_title(draft)
    if not (draft.title or draft.chairs) or not re.search("会议|召开|主持|全会|座谈会", cleaned):
        raise NewsImportError(
            "this is not a meeting news release: no meeting is convened or chaired in it "
            "(召开/主持…会议)",
            "not_meeting",
        )
    _read_reporters(draft)
    _read_source(draft)
    _read_date(draft, year)
    return draft


# --- who chaired, who attended ----------------------------------------------------------------

_CLAUSE_STOP = re.compile(r"[。；！？\n]")
# A clause in a list of people holds no verb of the meeting's story.
_STORY_VERB = re.compile(
    r"会议|召开|主持|出席|参加|列席|讲话|指出|强调|要求|听取|审议|传达|学习|研究|部署|通过|表示|"
    r"介绍|汇报|举行|来到|调研|会见|指出|发言"
)
_SUBJECT_TAIL = re.compile(r"(?:在[^、，]*)?(?:分别|共同|一同|一起|亲自|专门|也|还|亦)*$")
_CHAIR = re.compile(r"(?:出席会议并|出席并|到会并)?主持")
_CHAIR_BY = re.compile(r"由([^。；！？\n]{2,80}?)(?:共同)?主持")
_ATTEND = re.compile(
    r"(?:出席|参加|列席)(?:本次)?会议的[^，。；！？\n]{0,6}?有[：:]?"  # 出席会议的市领导还有：A、B
    r"|(?:出席|参加|列席)(?=了?(?:本次)?会议|并|。|，|；|$)"  # A、B出席会议 (not 出席论坛)
)


def _subject_before(text: str, verb_start: int) -> tuple[str, int]:
    """The list of people before a verb: the clause, and the comma clauses before it that are
    lists too ("市委副书记、市长周明远，市领导欧阳春、单立新出席会议")."""
    sentence_start = max((m.end() for m in _CLAUSE_STOP.finditer(text, 0, verb_start)), default=0)
    start = verb_start
    while start > sentence_start:
        comma = max(
            text.rfind("，", sentence_start, start - 1), text.rfind(",", sentence_start, start - 1)
        )
        clause_start = comma + 1 if comma >= sentence_start else sentence_start
        clause = text[clause_start:start]
        if start != verb_start and _STORY_VERB.search(clause):
            break
        start = clause_start
        if comma < sentence_start:
            break
    subject = text[start:verb_start]
    tail = _SUBJECT_TAIL.search(subject)
    return subject[: tail.start()], start


def _read_chairs(draft: MeetingDraft):
    text = draft.text
    read_by = set()
    for match in _CHAIR_BY.finditer(text):
        read_by.add(match.end())
        for name, at in news_names.names_in(match.group(1), match.start(1)):
            draft.add("chairs", name, at)
    for match in _CHAIR.finditer(text):
        if match.end() in read_by:
            continue
        subject, start = _subject_before(text, match.start())
        for name, at in news_names.names_in(subject, start):
            draft.add("chairs", name, at)


def _read_attendees(draft: MeetingDraft):
    text = draft.text
    for match in _ATTEND.finditer(text):
        if match.group().endswith(("有", "：", ":")):
            end = _CLAUSE_STOP.search(text, match.end())
            found = news_names.names_in(
                text[match.end() : end.start() if end else None], match.end()
            )
        else:
            subject, start = _subject_before(text, match.start())
            found = news_names.names_in(subject, start)
        for name, at in found:
            if name not in draft.chairs:
                draft.add("attendees", name, at)


# --- documents ---------------------------------------------------------------------------------

_TITLE_GROUP = re.compile(r"《[^《》\n]+》(?:\s*(?:、|，|,|和|及|以及|与|还有)?\s*《[^《》\n]+》)*")
_REVIEW = "审议|审定|审阅|研究|讨论|通过|原则同意|表决"
_BASIS = "根据|按照|依据|依照|遵照|对照|参照|贯彻|落实|学习|传达|印发|执行|围绕|结合|宣读|解读"
_LAST_VERB = re.compile(rf"({_REVIEW})|({_BASIS})")
_REVIEW_AFTER = re.compile(rf"^[^，。；！？\n]{{0,12}}?(?:进行了?|予以|经)?(?:{_REVIEW})")


def _read_documents(draft: MeetingDraft):
    text = draft.text
    for group in _TITLE_GROUP.finditer(text):
        clause_start = max(
            (m.end() for m in re.finditer(r"[，。；！？\n]", text[: group.start()])), default=0
        )
        verbs = list(_LAST_VERB.finditer(text, clause_start, group.start()))
        if verbs:
            reviewed = bool(verbs[-1].group(1))
        else:
            reviewed = bool(_REVIEW_AFTER.match(text[group.end() :]))
        if not reviewed:
            continue
        for title in re.finditer(r"《([^《》\n]+)》", group.group()):
            name = title.group(1).strip()
            draft.add("documents", name, group.start() + title.start(1))


# --- title -------------------------------------------------------------------------------------

_BOUNDARY = r"[，。；！？\n]"
_CONVENE = re.compile(r"(?:主持)?(?:召开|举行)了?([^，。；！？\n]+)")
_PASSIVE = re.compile(r"[^，。；！？\n]{4,80}?(?=召开|举行)")
_MEETING_END = re.compile(r".*(?:会议|全会|座谈会|推进会|协调会|联席会|专题会|务虚会|例会)")
_BARE_OBJECT = re.compile(r"^(?:第|全体|专题|本次|这次|\d{4}年|年度|会议)")
# A meeting title that names its body ("市委外事工作委员会…", "全市外事工作会议").
_NAMES_BODY = re.compile(r"委员会|市|省|区|县|州|政府|小组|办公室|协会|党委|人大|政协|全国")


def _read_title(draft: MeetingDraft):
    """The earliest meeting convened ("召开…会议") or held ("…会议在…召开")."""
    candidates = [_convened(draft.text, m) for m in _CONVENE.finditer(draft.text)]
    candidates += [_held(m) for m in _PASSIVE.finditer(draft.text)]
    candidates = [found for found in candidates if found]
    if candidates:
        start, end, title = min(candidates)
        draft.title = title
        draft.evidence["title"] = [(start, end)]


def _convened(text: str, match) -> tuple[int, int, str] | None:
    obj = re.split(r"并|，", match.group(1))[0]
    ends = _MEETING_END.match(obj)
    if not ends:
        return None
    title, start = ends.group(), match.start(1)
    bare = _BARE_OBJECT.match(title) or not _NAMES_BODY.search(title)
    if bare and not match.group().startswith("主持"):
        org, org_start = _organisation_before(text, match.start())
        if org:
            return org_start, start + len(title), org + title
    return start, start + len(title), title


def _held(match) -> tuple[int, int, str] | None:
    """A meeting held (…第三次会议在成都召开, …会议于3月15日召开): the clause up to the venue."""
    clause = match.group()
    cuts = [len(clause)] + [m.start() for m in re.finditer("在|于", clause)]
    for cut in sorted(cuts, reverse=True):
        lead = news_names.LEAD.match(clause).end()
        title = clause[lead:cut].strip()
        if _MEETING_END.fullmatch(title) and not _STORY_VERB.search(title.replace("会议", "")):
            start = match.start() + lead + (len(clause[lead:cut]) - len(clause[lead:cut].lstrip()))
            return start, start + len(title), title
    return None


def _organisation_before(text: str, position: int) -> tuple[str, int]:
    """Who convenes (市委外事工作委员会 召开第五次全体会议), without the date before it."""
    clause_start = max((m.end() for m in re.finditer(_BOUNDARY, text[:position])), default=0)
    raw = text[clause_start:position]
    lead = re.match(r"^.*?(?:讯|电)\s*", raw)
    cut = lead.end() if lead else 0
    cut += news_names.LEAD.match(raw[cut:]).end()
    org = raw[cut:].strip()
    if not re.fullmatch(r"[\u4e00-\u9fff\d]{2,40}", org):
        return "", position
    return org, position - len(raw[cut:].lstrip())


# --- reporters and source ----------------------------------------------------------------------

_BYLINE_ROLE = (
    "本报记者|本台记者|特约记者|实习记者|见习记者|融媒体记者|全媒体记者|首席记者|记者|"
    "特约通讯员|通讯员|实习生|作者|文/"
)
_MEDIA = r"(?:[\u4e00-\u9fff]{2,10}?(?:社|报|台|网|发布|新闻|融媒体中心))?"  # (江海日报记者 张三)
_BYLINE = re.compile(
    rf"(?:^|(?<=[(\[【 讯电/|：:])){_MEDIA}(?:{_BYLINE_ROLE})\s*[：:]?\s*"
    rf"((?:[\u4e00-\u9fff·]{{2,12}}(?:[ 、，,]+|$|(?=[)\]】\n]))){{1,8}})",
    re.MULTILINE,
)
_ROLE_TOKEN = re.compile(_BYLINE_ROLE)
_EDITOR_TOKEN = re.compile(rf"^(?:{EDITOR_LABELS})")
_BYLINE_TAIL = re.compile(r"(?:报道|/?摄|/文|/图)$")  # not 文 alone: 诸葛文 is a name


def _read_reporters(draft: MeetingDraft):
    for match in _BYLINE.finditer(draft.text):
        position = match.start(1)
        for token in re.split(r"([ 、，,]+)", match.group(1)):
            if _EDITOR_TOKEN.match(token):
                break  # "(记者 张三 编辑 李四)": editors are not reporters
            name = _BYLINE_TAIL.sub("", token)
            if not _ROLE_TOKEN.fullmatch(token) and news_names.valid_name(name):
                draft.add("reporters", name, position)
            position += len(token)


_SOURCE_LABEL = re.compile(
    r"(?:信息来源|稿件来源|文章来源|新闻来源|来源|稿源)\s*[：:]\s*([^\s|｜/，。；,;【】\[\]()]{2,30})"
)
_SOURCE_TAIL = re.compile(r"(?:\d.*|发布时间.*|作者.*|编辑.*|时间.*)$")
_WIRE = re.compile(
    r"^\s*(?:([\u4e00-\u9fff]{2,12}?)讯(?!员)|([\u4e00-\u9fff]{1,10}?(?:社|台|网|报))"
    r"[\u4e00-\u9fff]{0,4}\d{1,2}月\d{1,2}日电)"
)
_HOUSE = {"本报", "本台", "本网", "本刊", "本站", "本报记者", "本台记者"}
_BRACKETED = re.compile(r"^\s*【([\u4e00-\u9fff]{2,12})】")  # 【江海发布】3月28日，…
_MASTHEAD = re.compile(r"^\s*([\u4e00-\u9fff]{2,10}(?:日报|晚报|时报|报|新闻网|发布))\s")


def _read_source(draft: MeetingDraft):
    text = draft.text
    label = _SOURCE_LABEL.search(text)
    if label:
        value = _SOURCE_TAIL.sub("", label.group(1))
        if value:
            draft.source = value
            draft.evidence["source"] = [(label.start(1), label.start(1) + len(value))]
            return
    lines = list(re.finditer(r"^.+$", text, re.MULTILINE))
    for line in lines:
        for pattern in (_BRACKETED, _WIRE):
            found = pattern.match(line.group())
            group = found and (found.lastindex or 1)
            if found and found.group(group) not in _HOUSE:
                start = line.start() + found.start(group)
                draft.source = found.group(group)
                draft.evidence["source"] = [(start, start + len(draft.source))]
                return
    # "本报讯" under a masthead line ("江海日报 2026年09月11日 第01版"): the paper is the source.
    masthead = _MASTHEAD.match(lines[0].group()) if lines else None
    if masthead and re.search(r"本报讯|本报记者", text):
        draft.source = masthead.group(1)
        draft.evidence["source"] = [masthead.span(1)]


# --- date --------------------------------------------------------------------------------------


def _read_date(draft: MeetingDraft, year_argument: int | None):
    text = draft.text
    stamp = news_dates.find_timestamp(text)
    skip = [m.span() for m in re.finditer(r"《[^《》]*》", text)]
    if stamp:
        skip.append((stamp.start, stamp.end))
    day = news_dates.find_meeting_day(text, skip, stamp.value if stamp else None)
    if day is None:
        draft.warnings.append("the release gives no meeting date; enter it by hand")
        return
    year, month, mday = day.value
    draft.evidence["date"] = [(day.start, day.end)]
    draft.date_evidence = text[day.start : day.end]
    year, source, evidence = _year(draft, year, month, mday, stamp, year_argument)
    if year is None:
        draft.date = f"--{month:02d}-{mday:02d}"
        draft.warnings.append(
            f"year unknown: the release gives {month}月{mday}日 but no year "
            "(no timestamp, no dated report or plan); give it with --year"
        )
        return
    try:
        draft.date = news_dates.date(year, month, mday).isoformat()
    except ValueError:
        draft.warnings.append(f"{year}年{month}月{mday}日 is not a real date; enter it by hand")
        return
    draft.year_source = source
    if evidence:
        draft.evidence["year"] = [evidence]
        draft.date_evidence += "；" + text[evidence[0] : evidence[1]]
    if year_argument and year_argument != year:
        draft.warnings.append(f"--year {year_argument} ignored: the release says {year}")


_NUMBERED_MEETING = re.compile(r"(\d{4})\s*年度?第[一二三四五六七八九十\d]+次")


def _year(draft, year, month, mday, stamp, year_argument):
    if year:
        return year, "explicit", None
    if stamp:
        return (
            news_dates.year_from_stamp(stamp.value, month, mday),
            "timestamp",
            (stamp.start, stamp.end),
        )
    numbered = _NUMBERED_MEETING.search(draft.title or "")
    if numbered:  # "市委外事工作委员会2024年第一次全体会议": the meeting names its year
        start = draft.evidence["title"][0][1] - len(draft.title) + numbered.start()
        return int(numbered.group(1)), "explicit", (start, start + len(numbered.group()))
    titles = [(title, start) for title, (start, _) in zip(
        draft.documents, draft.evidence.get("documents", []), strict=True
    )]  # fmt: skip
    from_documents = news_dates.year_from_documents(draft.text, titles)
    if from_documents:
        return from_documents.value, "documents", (from_documents.start, from_documents.end)
    if year_argument:
        return year_argument, "argument", None
    return None, None, None
