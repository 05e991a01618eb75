"""Settings fail closed: production checks pass, DEBUG is opt-in, demo secrets are made once."""

import io
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.urls import reverse

from tests.conftest import client_for

ROOT = Path(__file__).resolve().parents[2]
CONFIG_VARS = {
    "DJANGO_SETTINGS_MODULE",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "WAISHI_FIELD_KEYS",
    "WAISHI_DEMO",
    "WAISHI_DEBUG",
    "WAISHI_HTTPS",
    "WAISHI_DATA_DIR",
    "DATABASE_URL",
}
SHOW = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'debug': s.DEBUG, 'secret': s.SECRET_KEY, 'field_keys': s.FIELD_KEYS}))"
)


def production_env(data_dir: Path, **extra: str) -> dict:
    """The environment of a real server: production settings, our own secrets, nothing else."""
    env = {k: v for k, v in os.environ.items() if k not in CONFIG_VARS}
    env.update(
        DJANGO_SETTINGS_MODULE="waishi.config.settings",
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        SECRET_KEY=secrets.token_urlsafe(50)[:50],
        ALLOWED_HOSTS="waishi.jianghai.gov.cn",
        WAISHI_FIELD_KEYS=Fernet.generate_key().decode(),
        WAISHI_DATA_DIR=str(data_dir),
    )
    env.update(extra)
    return env


def run(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deploy_checks_pass_with_production_settings(tmp_path):
    result = run(
        production_env(tmp_path), "-m", "django", "check", "--deploy", "--fail-level", "WARNING"
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_models_and_migrations_agree(db):
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.parametrize(("value", "debug"), [(None, False), ("0", False), ("1", True)])
def test_debug_is_off_unless_waishi_debug_is_1(tmp_path, value, debug):
    env = production_env(tmp_path)
    if value is not None:
        env["WAISHI_DEBUG"] = value
    result = run(env, "-c", SHOW)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["debug"] is debug


def test_a_debug_value_that_is_neither_yes_nor_no_stops_the_command_in_one_line(tmp_path):
    result = run(
        production_env(tmp_path, WAISHI_DEBUG="maybe"), "-m", "waishi.cli", "manage", "check"
    )
    assert result.returncode != 0
    assert result.stderr.strip() == "waishi: WAISHI_DEBUG must be 1 or 0, not 'maybe'"


def test_demo_mode_makes_its_secrets_once_private_to_the_owner_and_reuses_them(tmp_path):
    env = production_env(tmp_path, WAISHI_DEMO="1")
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "WAISHI_FIELD_KEYS"):
        env.pop(name)

    first = run(env, "-c", SHOW)
    second = run(env, "-c", SHOW)

    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    made = json.loads(first.stdout)
    assert len(made["secret"]) >= 50
    assert (tmp_path / "secret_key").read_text().strip() == made["secret"]
    assert (tmp_path / "field_key").read_text().strip() == made["field_keys"][0]
    for name in ("secret_key", "field_key"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o600


def test_two_demo_data_dirs_do_not_share_a_secret(tmp_path):
    made = []
    for name in ("one", "two"):
        env = production_env(tmp_path / name, WAISHI_DEMO="1")
        env.pop("SECRET_KEY")
        made.append(json.loads(run(env, "-c", SHOW).stdout)["secret"])
    assert made[0] != made[1]


def test_pages_carry_security_headers_and_a_strict_content_security_policy(client, liaison):
    for response in (
        client.get("/accounts/login/"),
        client_for(liaison).get(reverse("core:dashboard")),
    ):
        assert response.status_code == 200
        csp = response["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
        assert directives["default-src"] == "'self'"
        assert directives["script-src"] == "'self'"
        assert directives["object-src"] == "'none'"
        assert directives["frame-ancestors"] == "'none'"
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
