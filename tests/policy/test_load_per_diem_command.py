"""`waishi manage load_per_diem FILE --label TEXT`: loads a table, or says in one line why not."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from waishi.core.models import AuditEvent
from waishi.policy.selectors import active_per_diem_table, active_version

HEADER = "seq,continent,country,cities,currency,lodging_cap,meals,incidentals\n"
ROOT = Path(__file__).parents[2]


def test_a_table_file_is_loaded_and_put_in_force(db, tmp_path, capsys):
    path = tmp_path / "2026.csv"
    path.write_text(HEADER + "1,亚洲,日本,东京,日元,22000,11000,5500\n", encoding="utf-8")
    call_command("load_per_diem", str(path), "--label", "2026 update")
    assert capsys.readouterr().out.strip() == "loaded “2026 update”: 1 rows, in force"
    assert active_version().label == "2026 update"
    assert active_per_diem_table().rate_for("JP", "Tokyo").lodging == 22000
    event = AuditEvent.objects.get(action="perdiem_table.import")
    assert event.actor_name == "system"


def test_a_table_can_be_loaded_without_putting_it_in_force(db, tmp_path):
    path = tmp_path / "draft.csv"
    path.write_text(HEADER + "1,亚洲,日本,东京,日元,22000,11000,5500\n", encoding="utf-8")
    call_command("load_per_diem", str(path), "--label", "draft", "--inactive")
    assert active_version().label == "516/434, 2019 reproduction"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            HEADER + "1,亚洲,日本,东京,日元,abc,11000,5500\n",
            "line 2: “abc” in column “lodging_cap”",
        ),
        (None, "No such file or directory"),
    ],
)
def test_a_bad_file_gets_one_line_on_stderr_and_a_failing_exit(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}",
        "WAISHI_DATA_DIR": str(tmp_path / "data"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "django", "load_per_diem", str(path), "--label", "bad"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in done.stderr
