"""`waishi policy check PLAN.json [--json]` as a user runs it: a fresh process, no SECRET_KEY."""

import json
import os
import subprocess
import sys

import pytest

from .plans import CONTRACT_EXAMPLE, tokyo_plan


def run(tmp_path, plan, *args, raw: str | None = None):
    path = tmp_path / "plan.json"
    path.write_text(raw if raw is not None else json.dumps(plan, ensure_ascii=False), "utf-8")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DJANGO_SETTINGS_MODULE", "WAISHI_FIELD_KEYS", "WAISHI_DEMO"}
    }
    env["WAISHI_DATA_DIR"] = str(tmp_path / "var")
    return subprocess.run(
        [sys.executable, "-m", "waishi.cli", "policy", "check", str(path), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=tmp_path,
        timeout=60,
    )


def test_the_contract_example_passes_with_warnings_and_prints_the_contract_shape(tmp_path):
    done = run(tmp_path, CONTRACT_EXAMPLE, "--json")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    result = json.loads(done.stdout)
    assert {"compliant", "findings", "not_checked", "budget"} <= set(result)
    assert result["compliant"] is True
    for finding in result["findings"]:
        assert set(finding) == {"rule", "severity", "message", "basis"}
        assert finding["severity"] in {"block", "warn", "info"}
    assert {f["rule"] for f in result["findings"]} == {"lead_time", "budget_standard"}
    assert {"substantive_schedule", "passport_kind"} <= {n["rule"] for n in result["not_checked"]}
    budget = result["budget"]
    assert {"days", "nights", "standard", "claimed", "over_standard"} <= set(budget)
    assert (budget["days"], budget["nights"]) == (6, 4)
    assert budget["standard"] == {"EUR": {"lodging": 560, "meals": 360, "incidentals": 228}}


def test_a_blocked_plan_exits_3_and_is_not_compliant(tmp_path):
    done = run(tmp_path, tokyo_plan(members=7), "--json")
    assert done.returncode == 3, done.stderr
    result = json.loads(done.stdout)
    assert result["compliant"] is False
    assert any(f["severity"] == "block" for f in result["findings"])


@pytest.mark.parametrize(
    ("plan", "raw", "words"),
    [
        (None, "{ not json", "not JSON"),
        ({"stops": [], "leave_china": "2026-05-10", "return_china": "2026-05-12"}, None, "members"),
        (
            tokyo_plan(stops=[{"country": "ZZ", "arrive": "2026-05-10", "depart": "2026-05-11"}]),
            None,
            "'ZZ'",
        ),
        (tokyo_plan(return_china="2026-05-01"), None, "before leave_china"),
    ],
    ids=["not json", "no members", "unknown country", "return before leaving"],
)
def test_an_invalid_plan_exits_2_with_one_line_and_no_traceback(tmp_path, plan, raw, words):
    done = run(tmp_path, plan, "--json", raw=raw)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("waishi: ") and done.stderr.count("\n") == 1
    assert words in done.stderr and "Traceback" not in done.stderr


def test_without_json_the_report_is_readable_chinese(tmp_path):
    done = run(tmp_path, tokyo_plan(members=7, days=6))
    assert done.returncode == 3
    report = done.stdout
    assert "结论：不符合规定：2项阻断" in report
    assert "[阻断] 团组人数：团组共7人" in report
    assert "依据：中办发〔2013〕16号" in report
    assert "未能检查" in report and "实质性公务活动" in report
    assert "标准 JPY：住宿费 700000，伙食费 420000，公杂费 210000" in report
