"""Whole releases in, draft meetings out: the shared samples and our own releases in many styles."""

import json
from pathlib import Path

import pytest

from waishi.commission.news import parse_bytes

# A copy of /work/shared/samples/news, so the suite stands on its own.
SAMPLES = Path(__file__).parent / "samples"
RELEASES = Path(__file__).parent / "releases"
FIELDS = ("title", "date", "chairs", "attendees", "documents", "reporters", "source")

SAMPLE_RECORD = {
    "title": "市委外事工作委员会第二次会议",
    "date": "2026-03-15",
    "chairs": ["林海峰"],
    "attendees": ["周明远", "欧阳春", "单立新", "吕晓梅", "曾志刚"],
    "documents": ["市委外事工作委员会2026年工作要点", "江海市因公临时出国(境)团组管理办法(修订)"],
    "reporters": ["何静怡", "诸葛文"],
    "source": "江海发布",
}


def record(draft) -> dict:
    output = draft.as_output()
    return {field: output[field] for field in FIELDS}


def test_the_simplified_sample_gives_the_record_its_readme_describes():
    draft = parse_bytes((SAMPLES / "meeting-simplified.txt").read_bytes())
    assert record(draft) == SAMPLE_RECORD
    assert draft.year_source == "documents"
    assert draft.warnings == []


def test_the_traditional_copy_with_pinyin_gives_the_same_record_in_simplified():
    traditional = parse_bytes((SAMPLES / "meeting-traditional-pinyin.txt").read_bytes())
    simplified = parse_bytes((SAMPLES / "meeting-simplified.txt").read_bytes())
    assert record(traditional) == SAMPLE_RECORD
    assert traditional.text == simplified.text


def test_the_brief_wire_item_says_its_year_is_unknown_instead_of_guessing():
    draft = parse_bytes((SAMPLES / "meeting-brief.txt").read_bytes())
    assert record(draft) == {
        "title": "市委外事工作委员会第五次全体会议",
        "date": "--11-06",
        "chairs": ["周明远"],
        "attendees": ["查文斌", "韩东"],
        "documents": ["关于加强全市民间对外交往工作的意见"],
        "reporters": [],
        "source": "江海日报",
    }
    assert draft.year_source is None
    assert any("year unknown" in warning for warning in draft.warnings)
    assert "王丽" not in draft.text  # the editor's footer is gone


def test_the_brief_wire_item_takes_its_year_from_the_command_line_when_given():
    draft = parse_bytes((SAMPLES / "meeting-brief.txt").read_bytes(), year=2025)
    assert (draft.date, draft.year_source, draft.warnings) == ("2025-11-06", "argument", [])


def _releases():
    return sorted(RELEASES.glob("*.txt"))


@pytest.mark.parametrize("path", _releases(), ids=lambda path: path.stem)
def test_each_release_we_wrote_gives_its_hand_written_record(path):
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    args = expected.pop("args", [])
    warning = expected.pop("warnings_contain", None)
    year = int(args[args.index("--year") + 1]) if "--year" in args else None
    draft = parse_bytes(path.read_bytes(), year=year)
    output = draft.as_output()
    assert {key: output[key] for key in expected} == expected
    if warning:
        assert any(warning in line for line in draft.warnings)


def test_there_are_at_least_twelve_releases_of_our_own():
    assert len(_releases()) >= 12


@pytest.mark.parametrize("path", _releases(), ids=lambda path: path.stem)
def test_every_extracted_value_points_at_its_evidence_in_the_text(path):
    draft = parse_bytes(path.read_bytes(), year=2026)
    for kind in ("chairs", "attendees", "documents", "reporters"):
        spans = draft.evidence.get(kind, [])
        assert [draft.text[start:end] for start, end in spans] == getattr(draft, kind)
    if draft.source:
        start, end = draft.evidence["source"][0]
        assert draft.text[start:end] == draft.source


def test_a_meeting_in_december_published_in_january_belongs_to_the_year_before():
    draft = parse_bytes((RELEASES / "14-year-end-published-january.txt").read_bytes())
    assert draft.date == "2026-12-29"
    assert draft.date_evidence.startswith("12月29日")


def test_a_year_given_on_the_command_line_never_overrides_the_release():
    draft = parse_bytes((RELEASES / "02-traditional-chaired-by.txt").read_bytes(), year=2030)
    assert draft.date == "2025-12-18"
    assert any("--year 2030 ignored" in warning for warning in draft.warnings)


def test_documents_cited_as_a_basis_are_not_counted_as_reviewed():
    draft = parse_bytes((RELEASES / "13-government-basis-documents.txt").read_bytes())
    assert "江海市重大涉外活动管理办法" not in draft.documents
    draft = parse_bytes((RELEASES / "10-district-gb18030.txt").read_bytes())
    assert "中国共产党领导外事工作条例" not in draft.documents


def test_editors_and_duty_officers_are_neither_reporters_nor_kept_in_the_text():
    draft = parse_bytes((RELEASES / "08-traditional-pinyin-portal.txt").read_bytes())
    assert draft.reporters == ["钟晓燕", "东方朔"]
    assert "陈平" not in draft.text and "李阳" not in draft.text
    assert "?" not in draft.text
