"""The `gigdata` command line, as a user types it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
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


DESIGN_KEYS = {
    "time": {"logged_in_h", "waiting_h", "to_pickup_h", "on_job_h", "unpaid_share", "pickup_wait_median_s",
             "source"},
    "jobs": {"total", "completed", "cancelled"},
    "pay": {"currency", "earnings_total", "tips", "per_hour_engaged", "per_hour_logged_in",
            "net_per_hour_logged_in", "minimum_wage_per_hour"},
    "offers": {"offered", "accepted", "rejected", "expired", "acceptance_rate"},
    "ratings": {"count", "mean"},
    "sanctions": {"total", "blocked_h"},
}


def test_metrics_json_has_the_design_contract_and_the_simulated_truth(tmp_path: Path) -> None:
    from toolkit.samples import write_sample

    truth = write_sample("uber", tmp_path / "u.zip", layout="sar-fr-2021", days=6, seed=8).truth
    runner.invoke(app, ["ingest", str(tmp_path / "u.zip"), "--store", str(tmp_path / "s")])
    result = runner.invoke(app, ["metrics", "--store", str(tmp_path / "s"), "--json"])
    assert result.exit_code == 0, result.output
    got = json.loads(result.output)
    assert got["workers"] == 1 and got["platforms"] == ["uber"] and {"start", "end"} <= set(got["period"])
    for section, keys in DESIGN_KEYS.items():
        assert keys <= set(got[section]), section
    assert got["jobs"]["total"] == truth["jobs"]["total"]
    for section, key in [("time", "waiting_h"), ("time", "on_job_h"), ("time", "logged_in_h"),
                         ("pay", "earnings_total"), ("pay", "tips"), ("offers", "offered"),
                         ("offers", "accepted"), ("sanctions", "blocked_h")]:
        assert got[section][key] == pytest.approx(truth[section][key], rel=1e-9, abs=1e-6), (section, key)
    assert got["ratings"]["count"] is None  # the French response has no ratings file: unknown, not 0
    table = runner.invoke(app, ["metrics", "--store", str(tmp_path / "s")])
    assert "waiting" in table.output and "logged in" in table.output


def test_metrics_with_a_misspelt_config_key_says_which(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[costs]\nprofil = "bike"\n')
    result = runner.invoke(app, ["metrics", "--store", str(tmp_path / "s"), "--config", str(bad)])
    assert result.exit_code == 2 and "costs.profil" in result.output and "Traceback" not in result.output


def test_a_worker_name_that_cannot_name_a_folder_is_a_clear_error(tmp_path: Path) -> None:
    store = str(tmp_path / "s")
    result = runner.invoke(app, ["ingest", str(tmp_path), "--store", store, "--worker", "José R"])
    assert result.exit_code == 2 and "--worker" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "s").exists()


def test_an_empty_store_is_said_on_stderr_and_json_stays_clean(tmp_path: Path) -> None:
    result = CliRunner(env={"COLUMNS": "200"}).invoke(
        app, ["metrics", "--store", str(tmp_path / "none"), "--json"])
    assert result.exit_code == 0
    assert "No export in the store" in result.stderr
    assert json.loads(result.stdout)["time"]["logged_in_h"] is None
