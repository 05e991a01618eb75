"""`waishi news import FILE [--year YYYY] [--dry-run] [--json]` as a user runs it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from waishi.commission import news_cli
from waishi.commission.models import Meeting
from waishi.core.models import AuditEvent

HERE = Path(__file__).parent
SIMPLIFIED = HERE / "samples" / "meeting-simplified.txt"
TRADITIONAL = HERE / "samples" / "meeting-traditional-pinyin.txt"


def run_cli(*args, stdin: bytes | None = None, cwd=None) -> subprocess.CompletedProcess:
    """The real command in a fresh process, with no Django secrets in its environment."""
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DJANGO_SETTINGS_MODULE")}
    env.pop("WAISHI_FIELD_KEYS", None)
    return subprocess.run(
        [sys.executable, "-m", "waishi.cli", "news", "import", *map(str, args)],
        input=stdin, capture_output=True, env=env, cwd=cwd, timeout=60, check=False,
    )  # fmt: skip


def test_a_dry_run_prints_the_contract_json_without_any_secret_key(tmp_path):
    result = run_cli(TRADITIONAL, "--dry-run", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    output = json.loads(result.stdout)
    assert set(output) >= {"title", "date", "chairs", "attendees", "documents", "reporters",
                           "source", "text", "year_source", "warnings"}  # fmt: skip
    assert output["date"] == "2026-03-15"
    assert output["attendees"] == ["周明远", "欧阳春", "单立新", "吕晓梅", "曾志刚"]
    assert output["reporters"] == ["何静怡", "诸葛文"]


def test_a_release_can_come_from_stdin_and_is_summarised_in_chinese(tmp_path):
    result = run_cli("-", "--dry-run", stdin=SIMPLIFIED.read_bytes(), cwd=tmp_path)
    assert result.returncode == 0
    summary = result.stdout.decode()
    assert "主持：林海峰" in summary
    assert "日期：2026-03-15" in summary


def test_without_a_year_the_summary_says_the_year_is_unknown(tmp_path):
    result = run_cli(HERE / "samples" / "meeting-brief.txt", "--dry-run", cwd=tmp_path)
    assert result.returncode == 0
    assert "年份不明" in result.stdout.decode()


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02\x03\xff\xfe binary", "binary"),
        ("明天多云转晴，东南风3到4级。".encode(), "not a meeting news release"),
    ],
)
def test_bad_input_gets_one_line_on_stderr_and_exit_2(tmp_path, stdin, message):
    result = run_cli("-", "--json", stdin=stdin, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("waishi: ") and message in lines[0]
    assert result.stdout == b""


def test_a_missing_file_or_a_bad_year_is_one_line_and_exit_2(tmp_path):
    for args in (["missing.txt", "--dry-run"], [SIMPLIFIED, "--year", "twenty"]):
        result = run_cli(*args, cwd=tmp_path)
        assert result.returncode == 2
        assert len(result.stderr.decode().strip().splitlines()) == 1


def test_help_describes_the_command():
    result = run_cli("--help")
    assert result.returncode == 0
    assert b"waishi news import" in result.stdout and b"--dry-run" in result.stdout


@pytest.mark.django_db
def test_importing_without_dry_run_creates_one_audited_draft_meeting(capsys):
    assert news_cli.main([str(TRADITIONAL), "--json"]) == 0
    output = json.loads(capsys.readouterr().out)
    meeting = Meeting.objects.get(pk=output["meeting_id"])
    assert meeting.status == Meeting.Status.DRAFT
    assert meeting.title == "市委外事工作委员会第二次会议"
    assert str(meeting.date) == "2026-03-15"
    assert meeting.chairs == ["林海峰"]
    event = AuditEvent.objects.get(action="meeting.import", object_id=str(meeting.pk))
    assert event.actor_name == "system"


@pytest.mark.django_db
def test_bad_input_creates_nothing(capsys, tmp_path):
    weather = tmp_path / "weather.txt"
    weather.write_text("明天多云转晴，最高气温25摄氏度。", encoding="utf-8")
    assert news_cli.main([str(weather)]) == 2
    assert "waishi: " in capsys.readouterr().err
    assert not Meeting.objects.exists()
    assert not AuditEvent.objects.filter(action="meeting.import").exists()


@pytest.mark.django_db
def test_a_dry_run_saves_nothing(capsys):
    assert news_cli.main([str(SIMPLIFIED), "--dry-run"]) == 0
    assert not Meeting.objects.exists()
