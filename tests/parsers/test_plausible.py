"""Values outside sense in otherwise valid exports: the ingest is accepted with the values emptied and
counted, and every later command works on the store (issue 13: nothing accepted breaks a later command)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parsers.ingest import ingest_export
from toolkit.cli import app
from toolkit.metrics import metrics
from toolkit.store import load_table, verify

SAMPLES = Path(__file__).resolve().parents[2] / "sample_exports"
runner = CliRunner(env={"COLUMNS": "200"})


def _poisoned(tmp_path: Path) -> Path:
    """The Paris SAR sample with a year-9999 trip, an infinite fare, a 1e308 status duration, a latitude of
    400 and an epoch far past any time."""
    export = tmp_path / "poisoned"
    shutil.copytree(SAMPLES / "uber-sar-fr-2021", export)
    folder = export / "FR-Paris"
    trips = folder / "02 - Driver Lifetime Trips.csv"
    lines = trips.read_text(encoding="utf-8").split("\n")
    lines[1] = lines[1].replace("2021-02-01T06:46:57.000Z", "9999-02-01T06:46:57.000Z")  # dropoff, UTC
    lines[2] = lines[2].replace(";1.0;false;", ";inf;false;", 1)
    trips.write_text("\n".join(lines), encoding="utf-8")
    online = folder / "05 - Driver Online Offline.csv"
    lines = online.read_text(encoding="utf-8").split("\n")
    cells = lines[1].split(";")
    cells[2], cells[6], cells[7], cells[8] = "400", "2021-02-01T06:12:58.000Z", "", "1e308"
    lines[1] = ";".join(cells)
    online.write_text("\n".join(lines), encoding="utf-8")
    return export


def test_values_outside_sense_are_emptied_counted_and_the_store_stays_usable(tmp_path: Path) -> None:
    store = tmp_path / "store"
    good = ingest_export(SAMPLES / "uber-sar-2016", store, worker="other", tz="Europe/Zurich")
    assert good.status == "ingested"
    report = ingest_export(_poisoned(tmp_path), store, worker="me")
    assert report.status == "ingested", report.error
    found = [i for i in report.issue_samples if i["kind"] == "implausible_value"]
    columns = {i["column"] for i in found}
    assert {"dropped_off_at", "surge_multiplier", "start_lat", "duration_ms"} <= columns, found
    assert all("stored as empty" in i["detail"] for i in found)
    jobs = load_table(store, "jobs", worker="me")
    assert jobs["dropped_off_at"].max().year < 2100 and jobs["surge_multiplier"].max() < 100
    segments = load_table(store, "status_segments", worker="me")
    assert segments["start_lat"].abs().max() <= 90
    assert verify(store) == []
    for worker in ("me", "other"):
        assert metrics(store, worker=worker)["workers"] == 1
    shown = runner.invoke(app, ["metrics", "--store", str(store), "--json"])
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)["workers"] == 2
    assert runner.invoke(app, ["report", "--store", str(store), "--worker", "me", "--out",
                               str(tmp_path / "r.pdf")]).exit_code == 0


@pytest.mark.parametrize("value", ["9e18", "1e308", "inf", "-1e20", "nan"])
def test_an_epoch_past_any_time_is_a_counted_issue_not_a_traceback(tmp_path: Path, value: str) -> None:
    export = tmp_path / "geneva"
    shutil.copytree(SAMPLES / "uber-sar-2016", export)
    device = export / "1 - Driver Detailed Device Data.csv"
    lines = device.read_text(encoding="utf-8").split("\n")
    cells = lines[1].split(",")
    cells[2] = value
    lines[1] = ",".join(cells)
    device.write_text("\n".join(lines), encoding="utf-8")
    report = ingest_export(export, tmp_path / "store", worker="me", tz="Europe/Zurich")
    assert report.status == "ingested", report.error
    assert sum(report.issues.get(k, 0) for k in ("implausible_value", "bad_number", "bad_timestamp")) >= 1
    assert verify(tmp_path / "store") == []
    assert metrics(tmp_path / "store", worker="me")["workers"] == 1


def test_a_killed_writers_leftovers_go_with_the_next_command(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert ingest_export(SAMPLES / "uber-sar-fr-2021", store, worker="me").status == "ingested"
    jobs = next(store.glob("jobs/platform=*/worker_id=me"))
    (jobs / ".deadbeef.0123.parquet.tmp").write_bytes(b"half a file")
    (store / "_exports" / ".deadbeef.0456.json.tmp").write_text("{", encoding="utf-8")
    (store / ".spill.tmp").mkdir()
    assert len(verify(store)) == 2  # what `gigdata verify` reports after a kill
    added = runner.invoke(app, ["request", "track", "add", "--store", str(store), "--platform", "uber",
                                "--sent", "2026-01-05", "--via", "email"])
    assert added.exit_code == 0, added.output  # any command taking the store's lock sweeps
    assert verify(store) == [] and not list(store.rglob("*.tmp"))


def test_a_store_that_cannot_be_written_ends_with_one_sentence(tmp_path: Path) -> None:
    import subprocess
    import sys

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", "from toolkit.cli import main; main()", "ingest",
                           str(SAMPLES / "uber-sar-fr-2021"), "--store", str(blocker)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "Nothing already in the store was changed" in done.stderr
    assert blocker.read_text(encoding="utf-8") == "not a folder"
