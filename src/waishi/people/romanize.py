"""Passport-style romanisation of Chinese personal names (护照姓名拼音).

What a Chinese passport prints: Hanyu Pinyin without tones, all upper case, the surname and the
given name each written as one word with no hyphen or apostrophe (西安 → XIAN), ü written YU
(吕 → LYU, 略 → LYUE; 于, 居, 徐 stay YU, JU, XU). Surnames take their surname reading from our
table (单 SHAN, not DAN); given names are read by pypinyin over the whole given name, so phrases
pick the reading of a polyphonic character.

Names written with a separating dot (阿依古丽·买买提: personal name · father's name, the usual
Chinese rendering of Uyghur, Kazakh and foreign names) have no Han-style surname: the last part(s)
go to the surname field and the first to the given name, as on a Western passport.

Pure Python, no Django: `waishi romanize` runs without settings.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from pypinyin import Style, lazy_pinyin

from waishi.people.surnames import COMPOUND_SURNAMES, SURNAMES

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
# U+00B7 is the standard (GB 13000) separator; people type the look-alikes too.
DOTS = "\u00b7\u30fb\uff65\u2022\u2027\u2219\u22c5\uff0e."
DOT_SPLIT = re.compile(f"[{re.escape(DOTS)}]+")
LONGEST_COMPOUND = max(len(surname) for surname in COMPOUND_SURNAMES)
# Longer names without a known surname are not Han-style names: ask for the dotted form.
MAX_WITHOUT_KNOWN_SURNAME = 6
MAX_CHARACTERS = 30
# t2s would turn 乾 (qián, 乾坤) into 干 (gān): keep it, pypinyin reads it right as it is.
KEEP_UNCONVERTED = frozenset("乾")
# A given name starting with 长 is nearly always CHANG (长林, 长顺, 长明); pypinyin reads a lone
# 长 as "zhang" when no phrase covers it.
GIVEN_NAME_FIRST_CHAR = {"长": "chang"}


class RomanizeError(ValueError):
    """The text cannot be read as a Chinese name; the message says why in one line."""


@dataclass(frozen=True)
class Romanized:
    name: str
    surname: str
    given: str
    passport: str

    def as_dict(self) -> dict[str, str]:
        return {
            "name": self.name,
            "surname": self.surname,
            "given": self.given,
            "passport": self.passport,
        }


@dataclass(frozen=True)
class _Parts:
    surname: str
    given: str
    dotted: bool  # a transliterated name: no surname table, no given-name phrase rules


def romanize(name: str) -> Romanized:
    """Passport spelling of `name`; RomanizeError if it cannot be a Chinese name."""
    parts = _parse(name)
    if parts.dotted:
        surname = "".join(_spell(part) for part in parts.surname.split("·"))
        given = _spell(parts.given)
    else:
        surname = _spell_surname(parts.surname)
        given = _spell_given(parts.given)
    return Romanized(name=name.strip(), surname=surname, given=given, passport=f"{surname} {given}")


def split_name(name: str) -> tuple[str, str]:
    """(surname, given name) in the characters the name was written in: 歐陽春 → (歐陽, 春)."""
    parts = _parse(name)
    return parts.surname, parts.given


# --- reading the input -------------------------------------------------------------------


def _parse(name: str) -> _Parts:
    text = unicodedata.normalize("NFKC", name or "").strip()
    _check_characters(text)
    segments = [_squeeze(part) for part in DOT_SPLIT.split(text)]
    segments = [part for part in segments if part]
    if not segments:
        raise RomanizeError("the name is empty")
    if sum(len(part) for part in segments) > MAX_CHARACTERS:
        raise RomanizeError(f"more than {MAX_CHARACTERS} characters is too long for a name")
    if len(segments) > 1:
        return _Parts(surname="·".join(segments[1:]), given=segments[0], dotted=True)
    words = DOT_SPLIT.sub("", text).split()
    if len(words) == 2:
        return _explicit_split(*words)
    return _automatic_split("".join(words))


def _check_characters(text: str):
    for char in text:
        if char.isspace() or char in DOTS or HAN.match(char):
            continue
        if char.isascii() and char.isalnum():
            raise RomanizeError(
                "contains Latin letters or digits; give the name in Chinese characters"
            )
        raise RomanizeError(f"contains {char!r}, which is not a Chinese character")


def _squeeze(text: str) -> str:
    return "".join(text.split())


def _explicit_split(surname: str, given: str) -> _Parts:
    """The writer put a space after the surname ("欧 阳", "张王 淑芬"): trust it."""
    if len(surname) > 2 and _simplified(surname) not in SURNAMES:
        raise RomanizeError(f"{surname!r} is too long for a surname; give one name at a time")
    return _Parts(surname=surname, given=given, dotted=False)


def _automatic_split(chars: str) -> _Parts:
    if len(chars) < 2:
        raise RomanizeError("a single character is not a full name: surname and given name needed")
    simplified = _simplified(chars)
    for length in range(min(LONGEST_COMPOUND, len(chars)), 1, -1):
        if simplified[:length] not in COMPOUND_SURNAMES:
            continue
        if length == len(chars):
            raise RomanizeError(
                f"{chars} is a compound surname with no given name; "
                f"write '{chars[0]} {chars[1:]}' if the surname is {chars[0]}"
            )
        return _Parts(surname=chars[:length], given=chars[length:], dotted=False)
    if len(chars) > MAX_WITHOUT_KNOWN_SURNAME and simplified[0] not in SURNAMES:
        raise RomanizeError(
            f"{len(chars)} characters and no known surname: if this is a transliterated name, "
            "separate its parts with '·'"
        )
    return _Parts(surname=chars[0], given=chars[1:], dotted=False)


# --- spelling ----------------------------------------------------------------------------


def _spell_surname(surname: str) -> str:
    simplified = _simplified(surname)
    if simplified in SURNAMES:
        return SURNAMES[simplified]
    # An unlisted or two-surname form (张王 淑芬): each character on its own.
    return "".join(SURNAMES.get(char) or _spell(char) for char in simplified)


def _spell_given(given: str) -> str:
    syllables = _syllables(given)
    first = GIVEN_NAME_FIRST_CHAR.get(_simplified(given[0]))
    if first and len(given) > 1:
        syllables[0] = first
    return "".join(syllables).upper()


def _spell(text: str) -> str:
    return "".join(_syllables(text)).upper()


def _syllables(text: str) -> list[str]:
    """Toneless passport syllables, one per character, read as one phrase-aware run."""
    readings = lazy_pinyin(
        _simplified(text), style=Style.NORMAL, errors=lambda chunk: [""] * len(chunk)
    )
    if len(readings) != len(text):
        raise RomanizeError(f"cannot read {text!r} character by character")
    syllables = []
    for char, reading in zip(text, readings, strict=True):
        # pypinyin writes ü as "v" after n/l only (nv, lve); the passport writes YU.
        syllable = reading.replace("ü", "v").replace("v", "yu").replace("ê", "e")
        if not re.fullmatch(r"[a-z]+", syllable):
            raise RomanizeError(f"no pinyin reading is known for {char!r}")
        syllables.append(syllable)
    return syllables


def _simplified(text: str) -> str:
    return "".join(_simplified_char(char) for char in text)


@cache
def _simplified_char(char: str) -> str:
    if char in KEEP_UNCONVERTED:
        return char
    converted = _t2s().convert(char)
    # Character by character keeps positions aligned with the input.
    return converted if len(converted) == 1 else char


@cache
def _t2s():
    import opencc  # loads its dictionaries: only when a name is actually read

    return opencc.OpenCC("t2s")
