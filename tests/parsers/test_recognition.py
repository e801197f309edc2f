"""Recognition by content: renamed files read by their header, rider-only exports said to be so, and an
ingest that leaves a file unread failing. Every export here is a tiny folder written by the test, with
the outcome worked out by hand."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from parsers.ingest import ingest_export
from parsers.registry import BY_HEADER, recognise
from tests.parsers.conftest import BytesMember, csv_bytes
from tests.parsers.uber import headers as h
from toolkit import store
from toolkit.cli import app

SAMPLES = Path(__file__).resolve().parents[2] / "sample_exports"
runner = CliRunner(env={"COLUMNS": "250"})

# Two Geneva 2015 trips (§2.3 header), local times of Zurich in winter (UTC+1).
TRIPS_2016 = [
    ["2015-12-02 7:10:55", "2015-12-02 7:15:00", "46.2", "6.14", "2015-12-02 7:40:00", "46.21", "6.15",
     "completed", "CHF", "uberX", "18.92", "6.0", "25.0", "1.0"],
    ["2015-12-02 9:00:00", "", "", "", "", "", "", "rider_canceled", "CHF", "uberX", "5.0", "", "", "1.0"],
]
RENAMED = "Trip details (Driver)-Table 1.csv"  # what a spreadsheet's "export to CSV" names the file


def write(folder: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return folder


def outcome(report_files: list, path: str) -> dict:  # type: ignore[type-arg]
    return next(f.to_dict() for f in report_files if f.path == path)


def test_a_re_exported_trips_file_is_read_by_its_columns(tmp_path: Path) -> None:
    export = write(tmp_path / "geneva-2015", {RENAMED: csv_bytes(h.TRIP_DETAILS, TRIPS_2016, eol="\r\n")})
    report = ingest_export(export, tmp_path / "store", tz="Europe/Zurich", strict=True)
    assert (report.status, report.platform, report.layout) == ("ingested", "uber", "sar-2016")
    read = outcome(report.files, RENAMED)
    assert read["status"] == "parsed" and read["tables"] == {"jobs": 2}
    assert BY_HEADER in read["reason"] and "Trip details (Driver).csv" in read["reason"]
    assert report.unread() == []
    jobs = store.load_table(tmp_path / "store", "jobs").sort_values("source_row")
    assert jobs["requested_at"].tolist() == [pd.Timestamp("2015-12-02 06:10:55", tz="UTC"),
                                             pd.Timestamp("2015-12-02 08:00:00", tz="UTC")]
    assert jobs["status"].tolist() == ["completed", "cancelled_by_customer"]
    assert jobs["source_file"].tolist() == [RENAMED, RENAMED]
    assert jobs["job_duration_s"].iloc[0] == 1500.0  # 25 minutes
    manifest = store.load_manifest(tmp_path / "store", report.export_id or "")
    assert manifest is not None
    assert any(RENAMED in e and BY_HEADER in e for e in manifest["detection_evidence"])
    assert BY_HEADER in outcome(report.files, RENAMED)["reason"]


def test_a_renamed_file_beside_known_ones_is_read_and_named(tmp_path: Path) -> None:
    export = tmp_path / "paris"
    shutil.copytree(SAMPLES / "uber-sar-fr-2021", export)
    original = export / "FR-Paris" / "19a - Driver Payments.csv"
    lines = original.read_bytes().count(b"\n") - 1  # data rows: every line but the header
    original.rename(export / "FR-Paris" / "Driver Payments (copy).csv")
    report = ingest_export(export, tmp_path / "store", strict=True)
    assert (report.status, report.layout) == ("ingested", "sar-fr-2021")
    read = outcome(report.files, "FR-Paris/Driver Payments (copy).csv")
    assert read["status"] == "parsed" and read["tables"] == {"earnings": lines}
    assert read["reason"].startswith("pay lines (access request); " + BY_HEADER)


def test_geneva_online_log_renamed_keeps_its_layout() -> None:
    header = "begin_timestamp,end_timestamp,begin_timestamp_local,end_timestamp_local,duration_seconds,status"
    member = BytesMember("CH/online.csv", csv_bytes(header))
    found = recognise([member, BytesMember("CH/trips.csv", csv_bytes(h.GENEVA_TRIPS))])
    assert found.detection is not None and found.detection.layout == "sar-geneva-2022"
    assert found.by_header == {"CH/online.csv": "CH/00 - Driver Online OffLine.csv",
                               "CH/trips.csv": "CH/00 - Driver Lifetime Trips.csv"}


def test_a_header_no_layout_knows_stays_unknown() -> None:
    found = recognise([BytesMember("notes.csv", b"status,when\nok,today\n"),
                       BytesMember("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00")])
    assert (found.detection, found.by_header, found.not_work) == (None, {}, None)


RIDER_TRIPS = ("City,Product Type,Trip or Order Status,Request Time,Begin Trip Time,Begin Trip Lat,"
               "Begin Trip Lng,Begin Trip Address,Dropoff Time,Dropoff Lat,Dropoff Lng,Dropoff Address,"
               "Distance (miles),Fare Amount,Fare Currency")  # §2.12


def test_a_rider_only_export_says_it_is_passenger_data_and_what_to_ask_for(tmp_path: Path) -> None:
    export = write(tmp_path / "rider", {
        "Uber Data/Rider/trips_data.csv": csv_bytes(RIDER_TRIPS),
        "Uber Data/Account and Profile/profile_data.csv": b"Signup Lat,Signup Long\n0.0,0.0\n",
        "My trips-Table 1.csv": csv_bytes(RIDER_TRIPS),  # renamed, out of Rider/: known by its columns
    })
    report = ingest_export(export, tmp_path / "store")
    assert report.status == "refused" and report.error is not None
    detail = report.error["detail"]
    assert "this is your data as a passenger/customer, not as a driver/courier" in detail
    assert "2 customer file(s) and 1 account and profile file(s)" in detail
    assert "Driver Payments" in detail and "Driver Online Offline" in detail
    assert {f.status for f in report.files} == {"ignored"}
    assert BY_HEADER in outcome(report.files, "My trips-Table 1.csv")["reason"]
    assert not (tmp_path / "store").exists() or store.list_manifests(tmp_path / "store") == []
    result = runner.invoke(app, ["ingest", str(export), "--store", str(tmp_path / "store")])
    assert result.exit_code == 1
    assert "passenger/customer" in " ".join(result.output.split())


def test_an_account_only_export_says_so(tmp_path: Path) -> None:
    export = write(tmp_path / "account", {
        "Uber Data/Account and Profile/profile_data.csv": b"Signup Lat\n1\n", "readme.txt": b"hello\n"})
    report = ingest_export(export, tmp_path / "store")
    assert report.error is not None
    assert "only account and profile data, not your data as a driver/courier" in report.error["detail"]
    assert "1 other file(s) were not recognised" in report.error["detail"]


def test_an_unread_file_makes_the_ingest_exit_non_zero_but_the_rest_is_stored(tmp_path: Path) -> None:
    export = write(tmp_path / "geneva-2015", {
        "Trip details (Driver).csv": csv_bytes(h.TRIP_DETAILS, TRIPS_2016),
        "summary.csv": b"week,total\n1,2\n",  # nobody knows this layout
    })
    result = runner.invoke(app, ["ingest", str(export), "--store", str(tmp_path / "store"),
                                 "--tz", "Europe/Zurich", "--json"])
    assert result.exit_code == 1
    [report] = json.loads(result.stdout)
    assert report["status"] == "ingested" and report["rows"] == {"jobs": 2}
    unread = [f for f in report["files"] if f["status"] == "unknown"]
    assert [f["path"] for f in unread] == ["summary.csv"] and "not read" in unread[0]["reason"]
    assert len(store.load_table(tmp_path / "store", "jobs")) == 2
    again = runner.invoke(app, ["ingest", str(export), "--store", str(tmp_path / "store")])
    assert again.exit_code == 1 and "1 file(s) of this export were not read" in " ".join(again.output.split())


def test_a_failed_file_makes_the_ingest_exit_non_zero(tmp_path: Path) -> None:
    export = write(tmp_path / "geneva-2015", {
        "Trip details (Driver).csv": csv_bytes(h.TRIP_DETAILS, TRIPS_2016),
        "1 - Driver Detailed Device Data.csv": b"something,else\n1,2\n",  # the known name, a wrong header
    })
    result = runner.invoke(app, ["ingest", str(export), "--store", str(tmp_path / "store"),
                                 "--tz", "Europe/Zurich"])
    assert result.exit_code == 1
    assert "1 file(s) of this export were not read" in " ".join(result.output.split())


def test_a_complete_export_still_exits_zero(tmp_path: Path) -> None:
    trips = csv_bytes(h.TRIP_DETAILS, TRIPS_2016)
    export = write(tmp_path / "geneva-2015", {"Trip details (Driver).csv": trips})
    result = runner.invoke(app, ["ingest", str(export), "--store", str(tmp_path / "store"),
                                 "--tz", "Europe/Zurich"])
    assert result.exit_code == 0, result.output


def test_a_renamed_trips_file_still_states_the_export_zone_under_its_real_name(tmp_path: Path) -> None:
    export = tmp_path / "paris"
    shutil.copytree(SAMPLES / "uber-sar-fr-2021", export)
    (export / "FR-Paris" / "02 - Driver Lifetime Trips.csv").rename(export / "FR-Paris" / "trips-Table 1.csv")
    (export / "FR-Paris" / "05 - Driver Online Offline.csv").unlink()  # the trips' timezone column alone
    report = ingest_export(export, tmp_path / "store", strict=True)
    assert report.status == "ingested", report.error
    placed = [d for d in report.tz_decisions if d["source"] == "export"]
    assert placed and {d["zone"] for d in placed} == {"Europe/Paris"}
    assert all("FR-Paris/trips-Table 1.csv" in d["detail"] and "00 - " not in d["detail"] for d in placed)
