"""The `gigdata` command line, as a user types it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from toolkit.cli import app

runner = CliRunner(env={"COLUMNS": "200"})


def test_sample_then_ingest_prints_what_was_understood(tmp_path: Path) -> None:
    out = tmp_path / "uber.zip"
    made = runner.invoke(app, ["sample", "uber", "--out", str(out), "--days", "4", "--seed", "2"])
    assert made.exit_code == 0, made.output
    result = runner.invoke(app, ["ingest", str(out), "--store", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "uber export, layout sar-fr-2021" in text
    assert "Driver Lifetime Trips.csv" in text and "jobs" in text
    assert "Driver Performance Badges.csv" in text
    assert "Time zone:" in text
    again = runner.invoke(app, ["ingest", str(out), "--store", str(tmp_path / "s")])
    assert "already in the store" in again.output


def test_ingest_json_and_refusal_exit_code(tmp_path: Path) -> None:
    bad = tmp_path / "not-a-zip.zip"
    bad.write_bytes(b"%PDF-1.4 not a zip")
    result = runner.invoke(app, ["ingest", str(bad), "--store", str(tmp_path / "s"), "--json"])
    assert result.exit_code == 1
    reports = json.loads(result.output)
    assert reports[0]["status"] == "refused"
    assert reports[0]["error"]["kind"] in {"wrong_type", "corrupt_archive"}


def test_tables_lists_rows_per_worker_and_platform(tmp_path: Path) -> None:
    out = tmp_path / "eats.zip"
    runner.invoke(app, ["sample", "ubereats", "--out", str(out), "--days", "3"])
    runner.invoke(app, ["ingest", str(out), "--store", str(tmp_path / "s"), "--worker", "lea"])
    result = runner.invoke(app, ["tables", "--store", str(tmp_path / "s"), "--json"])
    rows = json.loads(result.output)
    assert {r["worker_id"] for r in rows} == {"lea"}
    assert {r["platform"] for r in rows} == {"ubereats"}
    assert any(r["table"] == "jobs" and r["rows"] > 0 for r in rows)


def test_unknown_layout_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["sample", "uber", "--out", str(tmp_path / "x.zip"), "--layout", "nope"])
    assert result.exit_code == 2 and "nope" in result.output


def test_installed_command_has_help_for_every_command() -> None:
    for command in ["ingest", "tables", "metrics", "sample", "verify", "app"]:
        done = subprocess.run([sys.executable, "-m", "toolkit.cli", command, "--help"],
                              capture_output=True, text=True, check=False)
        assert done.returncode == 0 and "Usage" in done.stdout, command
