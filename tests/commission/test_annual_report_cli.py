"""`waishi report annual --year YYYY [--output FILE]`, run through the `waishi` entry point."""

import pytest
from docx import Document

from tests.commission.annual_report_support import *  # noqa: F403
from tests.commission.annual_report_support import YEAR, day, evaluation, meeting_of
from waishi import cli

pytestmark = pytest.mark.django_db


def run(capsys, *args) -> tuple[int, str, str]:
    try:
        code = cli.main(["report", "annual", *map(str, args)])
    except SystemExit as exc:  # argparse refusals
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_the_report_is_written_to_the_default_name_and_its_path_printed(
    capsys, tmp_path, monkeypatch, secretariat
):
    meeting_of(secretariat, day(3, 15), title="市委外事工作委员会第一次会议", decisions=["通过。"])
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "--year", YEAR)
    target = tmp_path / f"全市外事工作情况-{YEAR}.docx"
    assert (code, err) == (0, "")
    assert out.strip() == str(target)
    doc = Document(str(target))
    assert doc.paragraphs[0].text == f"{YEAR}年全市外事工作情况"
    assert any("召开会议1次" in p.text for p in doc.paragraphs)


def test_output_names_a_file_or_a_folder(capsys, tmp_path):
    code, out, _ = run(capsys, "--year", YEAR, "--output", tmp_path / "report.docx")
    assert code == 0 and out.strip() == str(tmp_path / "report.docx")
    code, out, _ = run(capsys, "--year", YEAR, "-o", tmp_path)
    assert code == 0 and out.strip() == str(tmp_path / f"全市外事工作情况-{YEAR}.docx")
    assert not list(tmp_path.glob(".waishi-report-*"))  # no temp file left behind


@pytest.mark.parametrize("year", ["abc", "1800", "3000", "20 25", ""])
def test_a_bad_year_is_one_line_on_stderr_and_exit_2(capsys, tmp_path, monkeypatch, year):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "--year", year)
    assert code == 2 and out == ""
    assert err.startswith("waishi: argument --year: give a year from 1949 to ")
    assert len(err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_the_year_is_required(capsys):
    code, _, err = run(capsys)
    assert code == 2 and "--year" in err and len(err.strip().splitlines()) == 1


def test_a_missing_output_folder_is_refused_before_any_work(capsys, tmp_path):
    code, out, err = run(capsys, "--year", YEAR, "--output", tmp_path / "nowhere" / "r.docx")
    assert (code, out) == (2, "")
    assert err.strip() == (
        f"waishi: cannot write {tmp_path / 'nowhere' / 'r.docx'}: "
        f"the folder {tmp_path / 'nowhere'} does not exist"
    )


def test_help_describes_the_command(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert "usage: waishi report annual" in out and "--year" in out and "--output" in out
    assert "全市外事工作情况" in out


def test_a_missing_chinese_font_is_reported_in_one_line(
    capsys, tmp_path, monkeypatch, make_delegation
):
    from waishi.reports import charts

    evaluation(make_delegation(), grade="good", total=80)  # the report draws the grades chart
    monkeypatch.setattr(charts, "CJK_FAMILIES", ("A Font Nobody Has",))
    monkeypatch.setattr(charts, "CJK_FILE_HINTS", ("a-font-nobody-has",))
    charts.cjk_font.cache_clear()
    try:
        code, out, err = run(capsys, "--year", YEAR, "--output", tmp_path)
    finally:
        charts.cjk_font.cache_clear()
    assert (code, out) == (1, "")
    assert err.startswith("waishi: no Chinese (CJK) font is installed")
    assert "fonts-noto-cjk" in err and len(err.strip().splitlines()) == 1
    assert not list(tmp_path.iterdir())  # no document, not even half of one
