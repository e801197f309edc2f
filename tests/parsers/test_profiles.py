"""Mapping profiles: a profile round trip on synthetic files of a made-up layout, through the real ingest.

The export is built here, in the test: a `;`-delimited CSV with decimal commas and day-first dates, an
XLSX workbook written with openpyxl, a nested JSON file, a PDF and a stray file. Expected values are
written down from what was planted (UTC instants computed with `zoneinfo`), never read back from the code
under test. The profile is the package's synthetic example, registered in-process as the only platform.
"""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pandas as pd
import pytest

import parsers.registry as registry
from parsers.ingest import ingest_export
from parsers.profiles import (
    BUILTIN_DIR,
    FileEntry,
    Profile,
    ProfileError,
    available_profiles,
    check_profile,
    dump_profile,
    load_profile,
    load_profile_text,
    profile_module,
    profile_modules,
    propose_mapping,
    read_frames,
    save_profile,
    scan_profiles,
)
from parsers.profiles.mapping import map_frame
from parsers.profiles.validate import profile_from_dict
from tests.parsers.conftest import BytesMember, lenient_ctx, strict_ctx
from toolkit import store
from toolkit.errors import IngestError, StrictIssueError

PARIS = ZoneInfo("Europe/Paris")
EXAMPLE = BUILTIN_DIR / "example-courier.toml"
CSV_HEADER = "Order ref;Ordered at;Picked up;Delivered;Status;Distance (km, GPS);Pay (EUR);Vehicle;Note"
CSV_ROWS = [
    "A-1;24/03/2024 18:05;24/03/2024 18:21;24/03/2024 18:40;Livrée;3,4;5,80;Vélo;porte 2",
    # the night clocks went forward in Paris: 01:30 is CET (+1), 03:10 CEST (+2)
    "A-2;31/03/2024 01:30;31/03/2024 03:10;31/03/2024 03:30;annulée par le client;1,25;0;;",
]
REAL_PLATFORMS = ("bolt", "glovo", "foodinho", "just", "scoober", "lieferando", "takeaway", "stuart", "lyft",
                  "amazon", "flex", "uber", "deliveroo", "wolt", "doordash")


def paris(*parts: int) -> pd.Timestamp:
    """A Paris wall-clock time as a UTC instant (by zoneinfo, independently of the code under test)."""
    return pd.Timestamp(datetime(*parts, tzinfo=PARIS).astimezone(UTC))  # type: ignore[misc]


def utc(*parts: int) -> pd.Timestamp:
    return pd.Timestamp(datetime(*parts, tzinfo=UTC))  # type: ignore[misc]


def values(frame: pd.DataFrame, columns: list[str]) -> list[list[Any]]:
    """Rows of `frame` as lists, nulls as None."""
    return frame[columns].astype(object).where(frame[columns].notna(), None).values.tolist()


def csv_file(rows: list[str] = CSV_ROWS, header: str = CSV_HEADER) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode("utf-8")


def xlsx_file(rows: list[list[Any]] | None = None, sheet: str = "Payouts") -> bytes:
    """A workbook whose header is on row 2 (a title above it), with a blank row among the data."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(["Payouts of March"])
    ws.append(["Date", "Order", "Type", "Amount", "Description"])
    for row in rows if rows is not None else [
        [datetime(2024, 3, 24, 18, 40), "A-1", "Delivery fee", 5.8, "course"],
        [None, None, None, None, None],
        [datetime(2024, 3, 24, 18, 41), "A-1", "Tip", "1,50", None],
        [datetime(2024, 3, 31, 12, 0), None, "Bonus", 12, "week"],
    ]:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def json_file(sessions: list[Any] | None = None) -> bytes:
    return json.dumps({"courier": {"city": "Lyon"}, "sessions": sessions if sessions is not None else [
        {"state": "available", "start": "2024-03-24T17:00:00Z", "end": "2024-03-24T17:05:00Z",
         "position": {"lat": 45.76, "lon": 4.84}},
        {"state": "delivering", "start": "2024-03-24T17:05:00Z", "end": "2024-03-24T17:40:00Z",
         "position": {"lat": 45.75, "lon": 4.85}, "battery": 80},
    ]}).encode("utf-8")


def export_zip(tmp_path: Path, **replace: bytes | None) -> Path:
    """The synthetic export; `replace` gives other bytes for a file (None leaves it out)."""
    files: dict[str, bytes | None] = {
        "export/courier_deliveries.csv": csv_file(), "export/courier_payouts.xlsx": xlsx_file(),
        "export/courier_sessions.json": json_file(), "export/contract.pdf": b"%PDF-1.4\n",
        "export/notes.txt": b"a file no rule knows\n", "__MACOSX/._notes.txt": b"\x00\x05",
    }
    for key, data in replace.items():
        files[next(p for p in files if p.endswith(key))] = data
    out = tmp_path / "export.zip"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in files.items():
            if data is not None:
                archive.writestr(path, data)
    return out


@pytest.fixture
def example() -> Profile:
    return load_profile(EXAMPLE)


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch, example: Profile) -> Profile:
    """The example profile as the only platform the registry knows (registry.py is not changed)."""
    monkeypatch.setattr(registry, "PLATFORM_MODULES", [profile_module(example)])
    return example


def test_builtin_profiles_are_labelled_synthetic_examples_and_round_trip(monkeypatch: pytest.MonkeyPatch,
                                                                        tmp_path: Path) -> None:
    paths = sorted(BUILTIN_DIR.glob("*.toml"))
    assert paths
    for path in paths:
        profile = load_profile(path)
        assert profile.example and profile.source == "synthetic example, not a real platform layout"
        assert not any(word in f"{profile.name} {profile.platform}" for word in REAL_PLATFORMS)
        assert load_profile_text(dump_profile(profile)) == profile
    monkeypatch.setenv("GIGDATA_PROFILES", str(tmp_path / "empty"))
    assert profile_modules() == []  # examples never recognise an export on their own
    assert [m.LAYOUT for m in profile_modules(include_examples=True)] == ["profile:example-courier"]


def test_round_trip_through_the_ingest(registered: Profile, tmp_path: Path) -> None:
    report = ingest_export(export_zip(tmp_path), tmp_path / "store", worker="w1", strict=True)
    assert report.status == "ingested", report.error
    assert (report.platform, report.layout) == ("example-courier", "profile:example-courier")
    statuses = {f.path: (f.status, f.tables) for f in report.files}
    assert statuses == {
        "__MACOSX/._notes.txt": ("ignored", {}), "export/contract.pdf": ("ignored", {}),
        "export/courier_deliveries.csv": ("parsed", {"jobs": 2}),
        "export/courier_payouts.xlsx": ("parsed", {"earnings": 3}),
        "export/courier_sessions.json": ("parsed", {"status_segments": 2}),
        "export/notes.txt": ("unknown", {}),
    }
    root = tmp_path / "store"
    jobs = store.load_table(root, "jobs").sort_values("source_row").reset_index(drop=True)
    assert values(jobs, ["job_id", "kind", "status", "raw_status", "product", "job_distance_m", "fare",
                         "currency", "source_row", "extra"]) == [
        ["A-1", "delivery", "completed", "Livrée", "Vélo", 3400.0, 5.8, "EUR", 2, '{"Note":"porte 2"}'],
        ["A-2", "delivery", "cancelled_by_customer", "annulée par le client", None, 1250.0, 0.0, "EUR", 3,
         None],
    ]
    assert jobs["requested_at"].tolist() == [paris(2024, 3, 24, 18, 5), paris(2024, 3, 31, 1, 30)]
    assert jobs["picked_up_at"].tolist() == [paris(2024, 3, 24, 18, 21), utc(2024, 3, 31, 1, 10)]
    assert jobs["dropped_off_at"].tolist() == [paris(2024, 3, 24, 18, 40), utc(2024, 3, 31, 1, 30)]
    earnings = store.load_table(root, "earnings").sort_values("source_row")
    assert values(earnings, ["source_row", "amount", "category", "classification", "job_id", "extra"]) == [
        [3, 5.8, "fare", "Delivery fee", "A-1", '{"Description":"course"}'],
        [5, 1.5, "tip", "Tip", "A-1", None],
        [6, 12.0, "incentive", "Bonus", None, '{"Description":"week"}'],
    ]
    assert earnings["earned_at"].tolist() == [paris(2024, 3, 24, 18, 40), paris(2024, 3, 24, 18, 41),
                                              paris(2024, 3, 31, 12, 0)]
    segments = store.load_table(root, "status_segments").sort_values("source_row")
    assert values(segments, ["source_row", "state", "raw_state", "start_lat", "start_lon", "extra"]) == [
        [1, "waiting", "available", 45.76, 4.84, None],
        [2, "on_job", "delivering", 45.75, 4.85, '{"battery":"80"}'],
    ]
    assert segments["end_at"].tolist() == [utc(2024, 3, 24, 17, 5), utc(2024, 3, 24, 17, 40)]
    for table in (jobs, earnings, segments):
        assert set(table["worker_id"]) == {"w1"} and set(table["platform"]) == {"example-courier"}
        assert set(table["export_id"]) == {report.export_id}
    manifest = store.load_manifest(root, report.export_id or "")
    assert manifest is not None and manifest["layout"] == "profile:example-courier"
    assert "mapping profile example-courier version 1" in manifest["detection_evidence"]
    assert "layout source: synthetic example, not a real platform layout" in manifest["detection_evidence"]
    zones = {(d["file"].rsplit("/", 1)[-1], d["column"]): (d["zone"], d["source"])
             for d in manifest["tz_decisions"]}
    assert zones[("courier_deliveries.csv", "Ordered at")] == ("Europe/Paris", "profile")
    assert zones[("courier_sessions.json", "start")] == ("UTC", "profile")


def test_strict_mode_raises_on_a_malformed_row_and_lenient_mode_counts_it(registered: Profile,
                                                                        tmp_path: Path) -> None:
    bad = csv_file(CSV_ROWS + ["A-3;24/03/2024 19:00;Livrée"])
    with pytest.raises(StrictIssueError, match="row 4"):
        ingest_export(export_zip(tmp_path, **{"deliveries.csv": bad}), tmp_path / "s1", strict=True)
    report = ingest_export(export_zip(tmp_path, **{"deliveries.csv": bad}), tmp_path / "s2")
    assert report.status == "ingested" and report.issues == {"malformed_row": 1}
    assert report.rows["jobs"] == 2


def test_unknown_label_and_bad_number_are_issues_naming_the_place(registered: Profile,
                                                                   tmp_path: Path) -> None:
    rows = [CSV_ROWS[0], "A-9;24/03/2024 19:00;;;Perdue;1.234,5;x;;"]
    report = ingest_export(export_zip(tmp_path, **{"deliveries.csv": csv_file(rows)}), tmp_path / "s")
    assert report.rows["jobs"] == 1
    places = {(i["kind"], i["row"], i["column"]) for i in report.issue_samples}
    assert places == {("unknown_value", 3, "Status"), ("bad_number", 3, "Distance (km, GPS)"),
                      ("bad_number", 3, "Pay (EUR)")}
    assert not any("Perdue" in i["detail"] for i in report.issue_samples)


def test_local_times_without_a_stated_zone_need_tz(example: Profile, monkeypatch: pytest.MonkeyPatch,
                                                    tmp_path: Path) -> None:
    unzoned = dataclasses.replace(example, timezone="")
    monkeypatch.setattr(registry, "PLATFORM_MODULES", [profile_module(unzoned)])
    refused = ingest_export(export_zip(tmp_path), tmp_path / "s1")
    assert refused.status == "refused" and refused.error and refused.error["kind"] == "needs_timezone"
    report = ingest_export(export_zip(tmp_path), tmp_path / "s2", tz="Europe/Paris")
    assert report.status == "ingested"
    sources = {(d["column"], d["source"]) for d in report.tz_decisions}
    assert ("Ordered at", "user") in sources and ("start", "profile") in sources


def test_check_reports_missed_files_unmatched_entries_and_failures(example: Profile, tmp_path: Path) -> None:
    export = export_zip(tmp_path, **{"sessions.json": None, "payouts.xlsx": csv_file()})
    result = check_profile(example, export)
    assert result.error is None
    assert result.missed_files == ["export/notes.txt"]
    assert result.unmatched_entries == ["payouts", "sessions"]
    by_path = {f.path: f for f in result.files}
    assert by_path["export/courier_deliveries.csv"].status == "parsed"
    assert by_path["export/courier_deliveries.csv"].rows == {"jobs": 2}
    preview = by_path["export/courier_deliveries.csv"].preview["jobs"]
    assert preview["job_id"].tolist() == ["A-1", "A-2"]
    failed = by_path["export/courier_payouts.xlsx"]
    assert failed.status == "failed" and "first bytes say it is plain text" in failed.reason
    assert result.rows == {"jobs": 2}
    assert json.loads(json.dumps(result.to_dict()))["missed_files"] == ["export/notes.txt"]


def test_a_file_lacking_the_header_signature_fails_and_a_required_one_refuses(registered: Profile,
                                                                               tmp_path: Path) -> None:
    lacking = csv_file(["A-1;24/03/2024 18:05"], header="Order ref;Ordered at")
    check = check_profile(registered, export_zip(tmp_path, **{"deliveries.csv": lacking}))
    deliveries = next(f for f in check.files if f.path.endswith("deliveries.csv"))
    assert deliveries.status == "failed" and "lacks the column(s) Status" in deliveries.reason
    report = ingest_export(export_zip(tmp_path, **{"deliveries.csv": lacking}), tmp_path / "s")
    assert report.status == "refused" and report.error and report.error["kind"] == "unknown_platform"
    assert "required file(s) deliveries" in report.error["detail"]


def test_csv_named_xlsx_and_xlsx_named_csv_are_refused_cleanly() -> None:
    entry = FileEntry(table="jobs", path="*.csv", delimiter=";")
    with pytest.raises(IngestError) as caught:
        list(read_frames(BytesMember("x/courier_deliveries.csv", xlsx_file()), entry, strict_ctx()))
    assert caught.value.kind == "wrong_type" and "XLSX" in caught.value.detail
    workbook = FileEntry(table="earnings", path="*.xlsx", format="xlsx")
    with pytest.raises(IngestError) as caught:
        list(read_frames(BytesMember("x/courier_payouts.xlsx", csv_file()), workbook, strict_ctx()))
    assert caught.value.kind == "wrong_type"
    with pytest.raises(IngestError) as caught:  # a zip that is no workbook
        list(read_frames(BytesMember("x/p.xlsx", _zip({"a.txt": b"x"})), workbook, strict_ctx()))
    assert caught.value.kind == "unreadable"


def test_an_xlsx_entity_bomb_is_refused_by_defusedxml() -> None:
    entities = "".join(f'<!ENTITY e{i} "{("&e" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    sheet = (f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e0 "lol">{entities}]><worksheet xmlns='
             '"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
             '<c r="A1" t="inlineStr"><is><t>&e9;</t></is></c></row></sheetData></worksheet>')
    source = zipfile.ZipFile(io.BytesIO(xlsx_file()))
    parts = {i.filename: sheet.encode() if i.filename.endswith("sheet1.xml") else source.read(i.filename)
             for i in source.infolist()}
    assert openpyxl.xml.DEFUSEDXML
    with pytest.raises(IngestError) as caught:
        list(read_frames(BytesMember("p.xlsx", _zip(parts)), FileEntry(table="earnings", path="*",
                                                                        format="xlsx"), strict_ctx()))
    assert caught.value.kind == "unreadable"
    chain, error = [], caught.value.__cause__
    while error is not None:
        chain.append(type(error).__name__)
        error = error.__cause__ or error.__context__
    assert "EntitiesForbidden" in chain  # refused by defusedxml, not by some other XML fault


@pytest.mark.parametrize(("data", "detail"), [
    (b"[" * 100_000 + b"]" * 100_000, "deeper than 64"),
    (b'{"sessions": ' + b"[" * 64 + b"]" * 64 + b"}", "deeper than 64"),
    (b'{"sessions": [{"state": "paused", "state": "offline"}]}', "same key twice"),
    (b'{"sessions": [{"start": NaN}]}', "NaN"),
    (b'{"sessions": [{"start": 1e400}]}', "infinite"),
    (b'{"sessions": [{"start": "x"', "not valid JSON"),
])
def test_hostile_json_is_refused_cleanly(example: Profile, data: bytes, detail: str) -> None:
    with pytest.raises(IngestError) as caught:
        list(read_frames(BytesMember("courier_sessions.json", data), example.files[2], strict_ctx()))
    assert caught.value.kind == "unreadable" and detail in caught.value.detail


def test_json_at_the_depth_limit_is_read(example: Profile) -> None:
    deep: Any = "leaf"
    for _ in range(61):
        deep = {"k": deep}
    data = json.dumps({"sessions": [{"state": "paused", "deep": deep}]}).encode()  # depth 64
    frame = next(read_frames(BytesMember("s.json", data), example.files[2], strict_ctx()))
    assert frame["state"].tolist() == ["paused"] and frame.columns[1].count(".") == 61


def test_hostile_json_fails_alone_in_the_ingest(registered: Profile, tmp_path: Path) -> None:
    report = ingest_export(export_zip(tmp_path, **{"sessions.json": b"[" * 5000 + b"]" * 5000}),
                           tmp_path / "s")
    assert report.status == "ingested"
    statuses = {f.path.rsplit("/", 1)[-1]: f.status for f in report.files}
    assert statuses["courier_sessions.json"] == "failed" and statuses["courier_deliveries.csv"] == "parsed"


def test_a_delimiter_the_sniffer_misses_is_read_as_the_profile_says() -> None:
    data = b"Ref;Dist (km, GPS)\n1;3,4\n2;\\N\n3;1;2\n"  # ',' splits every line in two as well
    entry = FileEntry(table="jobs", path="*.csv", delimiter=";", decimal=",")
    ctx = lenient_ctx()
    frame = next(read_frames(BytesMember("a.csv", data), entry, ctx))
    assert values(frame, list(frame.columns)) == [["1", "3,4", 2], ["2", None, 3]]
    assert [(i.kind, i.row) for i in ctx.issues.issues] == [("malformed_row", 4)]


def test_xlsx_rows_keep_their_sheet_numbers_and_cells_past_the_header_are_issues() -> None:
    entry = FileEntry(table="earnings", path="*.xlsx", format="xlsx", sheet="Payouts", decimal=",",
                      header=["Date", "Amount"])
    rows = [[datetime(2024, 3, 24, 18, 40), "A-1", "Tip", 1.25, None], [None, "A-2", "Tip", 2, None, "stray"]]
    ctx = lenient_ctx()
    frame = next(read_frames(BytesMember("p.xlsx", xlsx_file(rows)), entry, ctx))
    assert frame[["Date", "Amount", "source_row"]].values.tolist() == [["2024-03-24 18:40:00", "1,25", 3]]
    assert [(i.kind, i.row) for i in ctx.issues.issues] == [("malformed_row", 4)]
    with pytest.raises(IngestError) as caught:
        next(read_frames(BytesMember("p.xlsx", xlsx_file(rows, sheet="Other")), entry, ctx))
    assert caught.value.kind == "schema_mismatch"


def test_units_epochs_row_zones_and_durations() -> None:
    entry = FileEntry(table="jobs", path="*.json", format="json", timezone_column="tz",
                      columns={"t": "requested_at", "ms": "accepted_at", "d": "job_duration_s",
                           "cents": "fare", "mi": "job_distance_m", "lat": "pickup_lat"},
                      units={"accepted_at": "epoch_ms", "job_duration_s": "hms", "fare": "cents",
                             "job_distance_m": "mi", "pickup_lat": "e7"},
                      constants={"kind": "ride", "status": "other"}, timestamp_format=["%d.%m.%Y %H:%M"])
    frame = pd.DataFrame({"t": ["01.07.2024 12:00", "01.07.2024 12:00"], "tz": ["America/New_York", None],
                          "ms": ["1719835200000", None], "d": ["00:10:30", None], "cents": ["1250", None],
                          "mi": ["2", None], "lat": ["488566000", None], "source_row": [1, 2]}, index=[1, 2])
    ctx = strict_ctx(user_tz="Europe/Paris")
    out = map_frame(frame, entry, Profile("p", "p", "s", [entry]), ctx, "a.json")
    assert out["requested_at"].tolist() == [utc(2024, 7, 1, 16, 0), utc(2024, 7, 1, 10, 0)]
    assert out["accepted_at"].tolist()[0] == utc(2024, 7, 1, 12, 0)
    assert out[["job_duration_s", "fare", "job_distance_m"]].values.tolist()[0] == [630.0, 12.5, 3218.688]
    assert out["pickup_lat"].tolist()[0] == pytest.approx(48.8566)
    assert {(d.column, d.source) for d in ctx.tz_decisions} == {
        ("t", "row_timezone_column"), ("t (rows without their own zone)", "user"), ("ms", "utc_column")}


@pytest.mark.parametrize(("change", "key"), [
    ({"colums": {}}, "files[0].colums"),
    ({"table": "trips"}, "files[0].table"),
    ({"columns": {"Km": "distance"}}, "files[0].columns.Km"),
    ({"units": {"job_distance_m": "furlongs"}}, "files[0].units.job_distance_m"),
    ({"values": {"status": {"Done": "finished"}}}, "files[0].values.status.Done"),
    ({"constants": {"kind": "scooter"}}, "files[0].constants.kind"),
    ({"constants": {}}, "files[0].constants"),
    ({"timezone": "Paris"}, "files[0].timezone"),
    ({"delimiter": ";;"}, "files[0].delimiter"),
    ({"sheet": "S"}, "files[0].sheet"),
    ({"timestamp_format": "dd/mm/yyyy"}, "files[0].timestamp_format"),
    ({"path": "", "path_regex": "("}, "files[0].path_regex"),
])
def test_a_bad_profile_is_refused_naming_the_key(change: dict[str, Any], key: str) -> None:
    entry = {"path": "a.csv", "table": "jobs", "columns": {"Km": "job_distance_m", "Done": "status"},
             "constants": {"kind": "delivery"}} | change
    with pytest.raises(ProfileError) as caught:
        profile_from_dict({"profile": {"name": "p", "platform": "p", "source": "s"}, "files": [entry]})
    assert key in [k for k, _ in caught.value.problems], caught.value.problems


def test_profiles_load_from_the_user_folder(example: Profile, monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    monkeypatch.setenv("GIGDATA_PROFILES", str(tmp_path / "mine"))
    mine = dataclasses.replace(example, name="my-courier-2024", platform="my-courier", example=False,
                               source="written from my own export received in May 2024")
    saved = save_profile(mine)
    assert saved == tmp_path / "mine" / "my-courier-2024.toml"
    with pytest.raises(FileExistsError):
        save_profile(mine)
    (tmp_path / "mine" / "broken.toml").write_text('[profile]\nname = "x"\n', encoding="utf-8")
    (tmp_path / "mine" / "twin.toml").write_text(saved.read_text(encoding="utf-8"), encoding="utf-8")
    profiles, problems = scan_profiles()
    assert [p.name for p in profiles] == ["example-courier", "my-courier-2024"]
    assert "profile.platform: missing" in problems["user:broken.toml"]
    assert "already used by user:my-courier-2024.toml" in problems["user:twin.toml"]
    origins = [p.origin for p in available_profiles()]
    assert origins == ["builtin:example-courier.toml", "user:my-courier-2024.toml"]
    assert [m.PLATFORM for m in profile_modules()] == ["my-courier"]


def test_propose_mapping_finds_the_obvious_columns(tmp_path: Path) -> None:
    headers = {
        "export/courier_deliveries.csv": CSV_HEADER.split(";"),
        "export/gps_2024-03.csv": ["Recorded at", "Latitude", "Longitude", "Speed (km/h)", "Accuracy"],
        "export/ratings.json": ["order.id", "stars", "created"],
        "export/contract.pdf": [],
    }
    sample = pd.DataFrame([r.split(";") for r in CSV_ROWS], columns=CSV_HEADER.split(";"))
    draft = propose_mapping(headers, samples={"export/courier_deliveries.csv": sample})
    deliveries, gps, ratings = draft.files
    assert deliveries.table == "jobs" and deliveries.path == "courier_deliveries.csv"
    assert deliveries.columns == {
        "Order ref": "job_id", "Ordered at": "requested_at", "Picked up": "picked_up_at",
        "Delivered": "dropped_off_at", "Status": "status", "Distance (km, GPS)": "job_distance_m",
        "Pay (EUR)": "fare", "Vehicle": "product"}
    assert deliveries.units == {"job_distance_m": "km"} and deliveries.decimal == ","
    assert deliveries.timestamp_format == ["%d/%m/%Y %H:%M"]
    assert gps.table == "locations" and gps.path == "gps_*-*.csv"
    assert gps.columns == {"Recorded at": "ts", "Latitude": "lat", "Longitude": "lon",
                           "Speed (km/h)": "speed_mps", "Accuracy": "accuracy_m"}
    assert gps.units == {"speed_mps": "km/h"}
    assert ratings.table == "ratings" and ratings.columns["stars"] == "rating"
    assert ratings.constants == {"rater": "unknown"}
    assert [i.path for i in draft.ignore] == ["contract.pdf"] and draft.source == ""


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()
