"""A release's bytes → clean Simplified text: decode, normalise, strip pinyin, convert, drop noise.

Pure Python (no Django), so the CLI can parse a release on any machine.
"""

import codecs
import re
import unicodedata
from functools import cache

MAX_BYTES = 1_000_000  # a news release is a few KB; anything this big is not one

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff〇"


class NewsImportError(ValueError):
    """The input cannot be read as a meeting news release (one clear sentence for the user).

    `reason` names the kind of failure (empty, too_large, binary, encoding, not_meeting,
    unreadable), so a page can say it in the user's own language.
    """

    def __init__(self, message: str, reason: str = "unreadable"):
        super().__init__(message)
        self.reason = reason


# --- decoding --------------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Frequent characters in both scripts: picks GB18030 or Big5 when UTF-8 fails.
_COMMON = set("的一是在不了有和人中大为為上国國年月日会會议議市委员員主持召开開出席参參加工作要")


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 or Big5; refuse binary."""
    if len(data) > MAX_BYTES:
        raise NewsImportError(
            "the input is too large to be a news release (over 1 MB)", "too_large"
        )
    if not data.strip():
        raise NewsImportError("the input is empty", "empty")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _check_text(data.decode(encoding))
            except UnicodeDecodeError as exc:
                raise NewsImportError(
                    "the input is not valid text in its own encoding", "encoding"
                ) from exc
    if b"\x00" in data:
        raise NewsImportError(
            "the input is a binary file, not the text of a news release", "binary"
        )
    try:
        return _check_text(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    candidates = []
    for encoding in ("gb18030", "big5"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        candidates.append((sum(ch in _COMMON for ch in text), text))
    if not candidates:
        raise NewsImportError(
            "the input is not text in an encoding we read (UTF-8, GB18030, Big5); "
            "it looks like a binary file",
            "binary",
        )
    return _check_text(max(candidates, key=lambda pair: pair[0])[1])


def _check_text(text: str) -> str:
    controls = sum(
        1
        for ch in text
        if ch == "\ufffd" or (unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f")
    )
    if controls > max(2, len(text) // 100):
        raise NewsImportError(
            "the input is a binary file, not the text of a news release", "binary"
        )
    return text


# --- normalising -----------------------------------------------------------------------------

# Full-width ASCII forms → ASCII (（）→(), ＡＢ１２ → AB12), but keep the Chinese punctuation that
# carries meaning in running text (，：；！？); the ideographic space becomes a space.
_KEEP_FULLWIDTH = set("，：；！？")


@cache
def _translation() -> dict[int, str]:
    table = {cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F) if chr(cp) not in _KEEP_FULLWIDTH}
    table.update({0x3000: " ", 0x00A0: " ", 0x2002: " ", 0x2003: " ", 0x0009: " "})
    table.update(dict.fromkeys((0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD)))  # invisible
    table.update({ord("﹙"): "(", ord("﹚"): ")", ord("﹝"): "〔", ord("﹞"): "〕"})
    # Compatibility ideographs and Kangxi radicals look like ordinary characters but do not match.
    for start, end in ((0xF900, 0xFB00), (0x2F00, 0x2FE0), (0x2E80, 0x2F00)):
        for cp in range(start, end):
            folded = unicodedata.normalize("NFKC", chr(cp))
            if folded != chr(cp):
                table[cp] = folded
    return table


_HALF_PUNCT_AFTER = re.compile(rf"(?<=[{HAN}》”」』）)])[ ]*([,;:!])[ ]*")
_HALF_PUNCT_BEFORE = re.compile(rf"[ ]*([,;:!])[ ]*(?=[{HAN}《“「『])")
_FULL = {",": "，", ";": "；", ":": "：", "!": "！"}
_HALF_STOP = re.compile(rf"(?<=[{HAN}》”)])\.(?=\s|$|[{HAN}])")  # "…召开." → "…召开。"


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_translation())

    def full(match):
        return _FULL[match.group(1)]

    text = _HALF_PUNCT_AFTER.sub(full, text)
    text = _HALF_PUNCT_BEFORE.sub(full, text)
    return _HALF_STOP.sub("。", text)


# --- inline pinyin ---------------------------------------------------------------------------

_TONE_MARKS = {
    **dict.fromkeys("āáǎà", "a"), **dict.fromkeys("ēéěèê", "e"), **dict.fromkeys("īíǐì", "i"),
    **dict.fromkeys("ōóǒò", "o"), **dict.fromkeys("ūúǔù", "u"), **dict.fromkeys("ǖǘǚǜ", "u"),
    **dict.fromkeys("ńňǹ", "n"), "ḿ": "m",
}  # fmt: skip
_TONED = "".join(_TONE_MARKS) + "".join(_TONE_MARKS).upper()
# Every toneless syllable of Mandarin (ü written u); the bare nasals m/n/ng are left out on
# purpose: "(n)" after a character is far more often a footnote than a reading.
_SYLLABLE_TABLE = """
a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai can cang
cao ce cei cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai chuan
chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de dei den deng di dia
dian diao die ding diu dong dou du duan dui dun duo e ei en eng er fa fan fang fei fen feng fo
fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang gui gun guo ha hai han
hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo ji jia jian jiang jiao jie
jin jing jiong jiu ju juan jue jun ka kai kan kang kao ke kei ken keng kong kou ku kua kuai kuan
kuang kui kun kuo la lai lan lang lao le lei leng li lia lian liang liao lie lin ling liu lo long
lou lu luan lue lun luo ma mai man mang mao me mei men meng mi mian miao mie min ming miu mo mou
mu na nai nan nang nao ne nei nen neng ni nian niang niao nie nin ning niu nong nou nu nuan nue
nun nuo o ou pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pou pu qi qia qian
qiang qiao qie qin qing qiong qiu qu quan que qun ran rang rao re ren reng ri rong rou ru rua
ruan rui run ruo sa sai san sang sao se sen seng sha shai shan shang shao she shei shen sheng shi
shou shu shua shuai shuan shuang shui shun shuo si song sou su suan sui sun suo ta tai tan tang
tao te teng ti tian tiao tie ting tong tou tu tuan tui tun tuo wa wai wan wang wei wen weng wo wu
xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun ya yan yang yao ye yi yin ying yo
yong you yu yuan yue yun za zai zan zang zao ze zei zen zeng zha zhai zhan zhang zhao zhe zhei
zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun
zuo
"""
_SYLLABLES = frozenset(_SYLLABLE_TABLE.split())

# A parenthesised run of Latin letters (with tone marks or tone digits) right after a character.
_ANNOTATION = re.compile(rf"(?<=[{HAN}])\(([A-Za-z{_TONED}ÜüÊ0-5' ]{{1,48}})\)")
_HAN_RUN = re.compile(rf"[{HAN}]+$")


def _segment(word: str) -> list[str] | None:
    """Split a toneless letter string into pinyin syllables (a digit may follow each), or None."""
    best: list[list[str] | None] = [None] * (len(word) + 1)
    best[0] = []
    for start in range(len(word)):
        if best[start] is None:
            continue
        for size in range(1, 7):
            syllable = word[start : start + size]
            if not syllable.isalpha() or len(syllable) < size:
                break
            if syllable not in _SYLLABLES:
                continue
            end = start + size
            if end < len(word) and word[end] in "12345":
                end += 1
            if best[end] is None:
                best[end] = [*best[start], syllable]
    return best[len(word)]


def is_pinyin(content: str, han_before: int = 1) -> bool:
    """Whether the text inside a parenthesis is a reading of the characters just before it."""
    toned = any(ch.lower() in _TONE_MARKS or ch in "12345" for ch in content)
    if not toned and content != content.lower():
        return False  # "(WTO)", "(Hamburg)": names and acronyms, not readings
    plain = "".join(_TONE_MARKS.get(ch, ch) for ch in content.lower()).replace("ü", "u")
    plain = plain.replace("v", "u").replace("ê", "e")
    syllables: list[str] = []
    for word in re.split(r"[ ']+", plain.strip()):
        parts = _segment(word) if word else None
        if not parts:
            return False
        syllables += parts
    if toned:
        return True
    # Without tones a reading still has one syllable per character and is more than a vowel.
    return len(syllables) <= han_before and not (len(syllables) == 1 and len(syllables[0]) < 2)


def strip_pinyin(text: str) -> tuple[str, int]:
    """Remove readings like 會(huì)議(yì), 會(hui4); keep 出國(境), (记者 …), (修订), (WTO)."""
    removed = 0

    def replace(match):
        nonlocal removed
        run = _HAN_RUN.search(text, 0, match.start())
        if is_pinyin(match.group(1), len(run.group()) if run else 1):
            removed += 1
            return ""
        return match.group()

    return _ANNOTATION.sub(replace, text), removed


# --- script ----------------------------------------------------------------------------------


@cache
def _t2s():
    from opencc import OpenCC

    return OpenCC("t2s")


_CORNER_QUOTES = str.maketrans("「」『』", "“”‘’")  # Simplified texts quote with “”


def to_simplified(text: str) -> tuple[str, bool]:
    """Traditional → Simplified; Simplified text with one stray variant (乾, 著) stays as is."""
    converted = _t2s().convert(text)
    if converted == text:
        return text, False
    changed = sum(a != b for a, b in zip(text, converted, strict=False))
    han = len(re.findall(rf"[{HAN}]", text)) or 1
    if changed >= 3 or changed / han >= 0.02 or len(converted) != len(text):
        return converted.translate(_CORNER_QUOTES), True
    return text, False


# --- noise lines -----------------------------------------------------------------------------

EDITOR_LABELS = (
    "责任编辑|责编|值班编辑|值班主任|值班领导|值班审核|值班|总编辑|执行编辑|编辑|编审|审核|审校|"
    "审签|校对|终审|初审|复审|一审|二审|三审|签发|监制|美编|制作|排版|编校|责任校对"
)
_EDITOR_LINE = re.compile(rf"^[(\[【〔]?\s*(?:{EDITOR_LABELS})\s*[：:/|｜ ]")
_EDITOR_GROUP = re.compile(rf"[(\[【〔]\s*(?:{EDITOR_LABELS})\s*[：:/ ][^)\]】〕\n]*[)\]】〕]")
# Web-page chrome: removed where it sits; a navigation line (上一篇：another article) goes whole,
# since it names other meetings.
_CHROME = re.compile(
    r"【(?:打印|关闭|纠错|收藏|分享|返回)[^】]{0,6}】|字号[：:]\s*(?:[大中小]\s*)+|"
    r"(?:打印本页|关闭窗口|返回顶部|扫一扫在手机打开当前页|浏览次数[：:]\s*\d*|阅读量[：:]?\s*\d*)"
)
_NAVIGATION = re.compile(r"^(?:上一篇|下一篇|相关链接|相关新闻|相关阅读|延伸阅读|推荐阅读|分享到)")
_STRAY = re.compile(r"^[?？\s]+$")


def drop_noise(text: str) -> str:
    """Drop stray '?' lines, editors' and duty officers' footers, and web-page chrome."""
    kept = []
    for raw in text.split("\n"):
        line = _CHROME.sub("", _EDITOR_GROUP.sub("", raw)).strip()
        if not line or _STRAY.match(line) or _EDITOR_LINE.match(line) or _NAVIGATION.match(line):
            continue
        kept.append(re.sub(r"[ ]{2,}", " ", line))
    return "\n".join(kept)


def clean(text: str) -> tuple[str, dict]:
    """The whole text pipeline; returns the clean Simplified text and what was done to it."""
    text = normalise(text)
    text, readings = strip_pinyin(text)
    text, converted = to_simplified(text)
    text = drop_noise(text)
    if not text.strip():
        raise NewsImportError("the input is empty", "empty")
    return text, {"pinyin_removed": readings, "converted_from_traditional": converted}
