"""`validate-playbooks [DIR]`: the shipped files pass (exit 0), broken files give file:line (exit 1)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BROKEN = ROOT / "tests" / "fixtures" / "playbooks_broken"

# file -> the first line of its expected report
EXPECTED = {
    "duplicate-key.yaml": "duplicate-key.yaml:4: duplicate key 'title' (first defined on line 2)",
    "key-mismatch.yaml": "key-mismatch.yaml:2: key: must match the file name 'key-mismatch'",
    "missing-title.yaml": "missing-title.yaml:2: title: required field is missing",
    "negative-due.yaml": "negative-due.yaml:11: tasks[0].due_in_minutes: must be a positive integer (minutes), got -10",
    "reminder-too-frequent.yaml": "reminder-too-frequent.yaml:17: reminders[0].every_minutes: must be a whole number of at least 15",
    "syntax-error.yaml": "syntax-error.yaml:12: YAML syntax error",
    "task-position.yaml": "task-position.yaml:10: tasks[0].position: 'kommunikation' is not one of the playbook's positions",
    "unknown-category.yaml": "unknown-category.yaml:18: highlight_categories[1]: unknown value 'electricity'",
    "unknown-field.yaml": "unknown-field.yaml:19: checklsit: unknown field (did you mean 'checklist'?)",
    "unknown-level.yaml": "unknown-level.yaml:4: default_level: unknown value 'stabsläge'",
    "wrong-type.yaml": "wrong-type.yaml:19: checklist: must be a list, got 'Ring kommundirektören'",
    "exercises/duplicate-inject-id.yaml": "duplicate-inject-id.yaml:13: injects[1].id: duplicate inject id 'forsta'",
    "exercises/offset-beyond-duration.yaml": "offset-beyond-duration.yaml:14: injects[1].offset_minutes: 90 min is beyond",
    "exercises/out-of-order.yaml": "out-of-order.yaml:14: injects[1].offset_minutes: 30 min is earlier than",
    "exercises/unknown-channel.yaml": "unknown-channel.yaml:16: injects[1].channel: unknown value 'fax'",
    "exercises/unknown-playbook.yaml": "unknown-playbook.yaml:3: playbook: unknown playbook 'strombrott'",
}


def _run(app, *args):
    return app.test_cli_runner().invoke(args=["validate-playbooks", *args])


def test_every_shipped_playbook_and_scenario_validates(app):
    result = _run(app)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK: 9 valid playbook(s), 4 valid scenario(s)")


def test_broken_files_each_give_file_line_and_exit_1(app):
    result = _run(app, str(BROKEN))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    for name, expected in EXPECTED.items():
        path = str(BROKEN / name)
        mine = [line for line in lines if line.startswith(path + ":")]
        assert mine, f"no error reported for {name}"
        prefix = str(BROKEN / Path(name).parent / expected)
        assert any(line.startswith(prefix) for line in mine), (name, mine)
    assert "0 valid playbook(s)" in result.stderr


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if "/" not in n))
def test_each_broken_playbook_alone(app, tmp_path, name):
    shutil.copy(ROOT / "playbooks" / "storm.yaml", tmp_path)
    shutil.copy(BROKEN / name, tmp_path)
    result = _run(app, str(tmp_path))
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0].startswith(str(tmp_path / EXPECTED[name]))
    assert "1 valid playbook(s)" in result.stderr  # storm still loads


def test_a_scenario_must_fit_its_playbook(app, tmp_path):
    shutil.copy(ROOT / "playbooks" / "dricksvatten.yaml", tmp_path)
    (tmp_path / "exercises").mkdir()
    scenario = (ROOT / "playbooks" / "exercises" / "fororenat-vatten.yaml").read_text(encoding="utf-8")
    assert "target_position: kommunikation" in scenario
    (tmp_path / "exercises" / "fororenat-vatten.yaml").write_text(
        scenario.replace("target_position: kommunikation", "target_position: presstjanst", 1), encoding="utf-8"
    )
    result = _run(app, str(tmp_path))
    assert result.exit_code == 1
    assert "target_position: 'presstjanst' is not a position of playbook 'dricksvatten'" in result.stdout


def test_a_missing_directory(app, tmp_path):
    result = _run(app, str(tmp_path / "finns-inte"))
    assert result.exit_code == 1
    assert "not a directory" in result.stdout


@pytest.mark.parametrize("args,code", [([], 0), ([str(BROKEN)], 1)])
def test_through_the_real_command_line(tmp_path, args, code):
    env = dict(
        os.environ,
        CRISIS_TESTING="on",
        CRISIS_DATABASE_URL=f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        CRISIS_SCHEDULER="off",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "validate-playbooks", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == code, proc.stdout + proc.stderr
    if code == 0:
        assert "OK: 9 valid playbook(s)" in proc.stdout
    else:
        assert f"{BROKEN / 'negative-due.yaml'}:11: tasks[0].due_in_minutes" in proc.stdout
