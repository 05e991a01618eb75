import json
import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"


def run_waishi(*args, cwd):
    """`python -m waishi.cli …` as a user runs it: no Django settings, no secrets in the env."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DJANGO_SETTINGS_MODULE", "WAISHI_DEMO", "WAISHI_FIELD_KEYS"}
    }
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    env["WAISHI_DATA_DIR"] = str(cwd)
    return subprocess.run(
        [sys.executable, "-m", "waishi.cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env=env,
        timeout=60,
    )


def test_romanize_prints_one_json_line_per_name_without_django_settings(tmp_path):
    result = run_waishi("romanize", "吕蒙", "单立新", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert [json.loads(line) for line in lines] == [
        {"name": "吕蒙", "surname": "LYU", "given": "MENG", "passport": "LYU MENG"},
        {"name": "单立新", "surname": "SHAN", "given": "LIXIN", "passport": "SHAN LIXIN"},
    ]
    assert "吕蒙" in lines[0]  # Chinese as it is, not \\u escapes


def test_romanize_refuses_bad_input_with_one_line_and_exit_2(tmp_path):
    result = run_waishi("romanize", "abc", cwd=tmp_path)

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "waishi: abc: contains Latin letters or digits; give the name in Chinese characters"
    ]
    assert "Traceback" not in result.stderr


def test_romanize_still_prints_the_good_names_when_one_is_bad(tmp_path):
    result = run_waishi("romanize", "诸葛亮", "欧阳", "歐陽春", cwd=tmp_path)

    assert result.returncode == 2
    assert [json.loads(line)["passport"] for line in result.stdout.splitlines()] == [
        "ZHUGE LIANG",
        "OUYANG CHUN",
    ]
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("waishi: 欧阳: ")
