"""The `waishi` command as an administrator meets it: help that works, refusals in one line."""

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from waishi.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
CONFIG_VARS = {
    "DJANGO_SETTINGS_MODULE",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "WAISHI_FIELD_KEYS",
    "WAISHI_DEMO",
    "WAISHI_DEBUG",
    "WAISHI_DATA_DIR",
    "DATABASE_URL",
}
GOOD_SECRET = "k" * 50


def waishi(*args: str, data_dir: Path, **env_vars: str) -> subprocess.CompletedProcess:
    """`python -m waishi.cli …` with only the configuration given here."""
    env = {k: v for k, v in os.environ.items() if k not in CONFIG_VARS}
    env.update(
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        WAISHI_DATA_DIR=str(data_dir),
        **env_vars,
    )
    return subprocess.run(
        [sys.executable, "-m", "waishi.cli", *args],
        env=env,
        cwd=data_dir,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def subcommand_argvs() -> list[list[str]]:
    """Every command `waishi --help` lists, with the action word for those that take one."""
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    argvs = []
    for name, parser in sub.choices.items():
        action = next((a for a in parser._actions if a.dest == "action"), None)
        for word in action.choices if action else [None]:
            argvs.append([name, word] if word else [name])
    return argvs


def test_top_level_help_lists_every_command_without_any_configuration(tmp_path):
    result = waishi("--help", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    for argv in subcommand_argvs():
        assert argv[0] in result.stdout


@pytest.mark.parametrize("argv", subcommand_argvs(), ids=" ".join)
def test_help_of_each_command_works(tmp_path, argv):
    result = waishi(*argv, "--help", data_dir=tmp_path, DJANGO_SETTINGS_MODULE="tests.settings")
    assert result.returncode == 0, result.stderr
    assert "usage" in result.stdout.lower() or "Type 'waishi help" in result.stdout
    assert not (tmp_path / "waishi.sqlite3").exists()  # asking for help changes nothing


@pytest.mark.parametrize(
    ("missing", "extra", "first_words"),
    [
        ("SECRET_KEY", {}, "waishi: SECRET_KEY is not set"),
        ("SECRET_KEY", {"SECRET_KEY": "too-short"}, "waishi: SECRET_KEY is not set"),
        ("SECRET_KEY", {"WAISHI_DEMO": "1"}, "waishi: SECRET_KEY is not set"),
        ("ALLOWED_HOSTS", {}, "waishi: ALLOWED_HOSTS is not set"),
        ("WAISHI_FIELD_KEYS", {}, "waishi: WAISHI_FIELD_KEYS is not set"),
    ],
    ids=["no secret", "short secret", "demo flag", "no hosts", "no field keys"],
)
def test_serve_refuses_to_start_without_production_settings(tmp_path, missing, extra, first_words):
    config = {
        "SECRET_KEY": GOOD_SECRET,
        "ALLOWED_HOSTS": "waishi.jianghai.gov.cn",
        "WAISHI_FIELD_KEYS": Fernet.generate_key().decode(),
    }
    config.pop(missing)
    config.update(extra)
    (tmp_path / "demo").touch()  # a data dir once used by `waishi demo` does not lend its secrets

    result = waishi("serve", "--port", "8799", data_dir=tmp_path, **config)

    assert result.returncode != 0
    assert result.stderr.startswith(first_words)
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "serving" not in result.stdout


def test_unknown_command_fails_and_says_so(tmp_path):
    result = waishi("frobnicate", data_dir=tmp_path)
    assert result.returncode != 0
    assert "invalid choice: 'frobnicate'" in result.stderr


@pytest.mark.parametrize("year", ["twenty", "1800", "99999"])
def test_report_annual_refuses_a_bad_year_in_one_line_without_any_configuration(tmp_path, year):
    result = waishi("report", "annual", "--year", year, data_dir=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("waishi: argument --year: give a year from 1949 to ")
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert list(tmp_path.iterdir()) == []  # no database, no document
