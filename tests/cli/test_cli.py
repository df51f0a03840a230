"""The icsplan command: documents without a database, the database commands, clean errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from icsplan.cli import app

REPO = Path(__file__).resolve().parents[2]
MALI = REPO / "src" / "icsplan" / "demo" / "mali-2018.txt"
runner = CliRunner()


def run_cli(*args: str, env: dict | None = None, input: bytes | None = None) -> subprocess.CompletedProcess:
    """Run the real console entry point in a subprocess, as a person would."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "icsplan", *args], capture_output=True, env=full_env, input=input, timeout=120
    )


def test_parse_mali_prints_canonical_json_matching_the_truth(mali_truth):
    proc = run_cli("parse", str(MALI), "--format", "json")
    assert proc.returncode == 0, proc.stderr.decode()
    data = json.loads(proc.stdout)
    assert data["schema"] == "icsplan.strategy/1"
    assert [g["number"] for g in data["goals"]] == [str(g["number"]) for g in mali_truth["mission_goals"]]
    assert [g["title"] for g in data["goals"]] == [g["title"] for g in mali_truth["mission_goals"]]
    objectives = [o for g in data["goals"] for o in g["objectives"]]
    assert [(o["number"], o["title"]) for o in objectives] == [
        (o["number"], o["title"]) for o in mali_truth["mission_objectives"]]
    assert [(m["number"], m["title"]) for m in data["management_objectives"]] == [
        (m["number"], m["title"]) for m in mali_truth["management_objectives"]]
    for o in objectives:
        assert o["linkages"] == mali_truth["linkages"].get(o["number"], [])


def test_lint_mali_json_lists_the_five_mismatches_and_no_error():
    proc = run_cli("lint", str(MALI), "--format", "json")
    assert proc.returncode == 0, proc.stderr.decode()
    findings = json.loads(proc.stdout)
    assert all(set(f) == {"code", "severity", "element", "line", "message"} for f in findings)
    mismatches = sorted(f["element"] for f in findings if f["code"] == "framework-title-mismatch")
    assert mismatches == ["1.1", "1.2", "3.2", "3.3", "management objective 1"]
    assert not [f for f in findings if f["severity"] == "error"]


def test_schema_is_a_json_schema():
    proc = run_cli("schema")
    assert proc.returncode == 0
    schema = json.loads(proc.stdout)
    assert schema["$id"] == "icsplan.strategy/1"
    assert "goals" in schema["properties"]


@pytest.mark.parametrize(
    "name,content",
    [
        ("empty.txt", b""),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4),
        ("latin.txt", "Caf\xe9 au lait, na\xefve r\xe9sum\xe9 without any goals at all.\n".encode("latin-1") + b"\xff\xfe\x00"),
        ("prose.txt", b"Just a memo about lunch.\nNothing else here.\n"),
    ],
)
def test_bad_input_exits_2_with_one_clear_line(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    for command in ("parse", "lint"):
        proc = run_cli(command, str(path))
        assert proc.returncode == 2, (command, proc.stdout, proc.stderr)
        stderr = proc.stderr.decode().strip()
        assert "Traceback" not in stderr
        assert len(stderr.splitlines()) == 1, stderr
        assert name in stderr


def test_missing_file_is_a_clear_error(tmp_path):
    proc = run_cli("parse", str(tmp_path / "nope.txt"))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr.decode()
    assert "nope.txt" in proc.stderr.decode()


def test_unknown_format_is_refused(tmp_path):
    proc = run_cli("parse", str(MALI), "--format", "yaml")
    assert proc.returncode == 2
    assert "unknown format" in proc.stderr.decode()


@pytest.mark.django_db
def test_demo_import_export_round_trip_through_the_cli(tmp_path, mali_document):
    result = runner.invoke(app, ["demo"])
    assert result.exit_code == 0, result.output
    again = runner.invoke(app, ["demo"])
    assert "already loaded" in again.output
    out = tmp_path / "mali.json"
    result = runner.invoke(app, ["export", "Mali", "--edition", "2018", "--format", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    exported = json.loads(out.read_text())
    assert exported["mission"] == {"country": "Mali", "post": "Embassy Bamako", "bureau": "AF"}
    assert [g["title"] for g in exported["goals"]] == [g.title for g in mali_document.goals]
    # The exported JSON imports again as another edition, unchanged.
    result = runner.invoke(app, ["import", str(out), "--edition", "2018-copy"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["export", "Mali", "--edition", "2018-copy", "--format", "json"])
    again = json.loads(result.stdout)
    assert again["goals"] == exported["goals"]


@pytest.mark.django_db
def test_export_of_unknown_mission_is_a_clear_error():
    result = runner.invoke(app, ["export", "Atlantis"])
    assert result.exit_code == 2
    assert "No mission named 'Atlantis'" in result.output


def test_invalid_interchange_json_names_the_field(tmp_path):
    bad = tmp_path / "broken.json"
    bad.write_text(json.dumps({"schema": "icsplan.strategy/1", "mission": {"country": "Mali"},
                               "goals": [{"number": "1"}]}))
    proc = run_cli("parse", str(bad))
    assert proc.returncode == 2
    message = proc.stderr.decode()
    assert "broken.json" in message and "goals.0.title" in message and "Traceback" not in message
    garbled = tmp_path / "garbled.json"
    garbled.write_text('{"schema": "icsplan.strategy/1",\n "mission": }')
    proc = run_cli("parse", str(garbled))
    assert proc.returncode == 2 and "line 2" in proc.stderr.decode()
