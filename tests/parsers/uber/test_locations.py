"""Uber device GPS data and app analytics -> locations, streamed through pyarrow."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pandas as pd
import pytest

from parsers.common import arrowcsv
from parsers.uber import locations
from parsers.uber.locations import parse_app_analytics, parse_device_data
from tests.parsers.conftest import BytesMember, csv_bytes, lenient_ctx, row_of, strict_ctx, tables, ts
from tests.parsers.uber import headers as h
from toolkit.errors import IngestError, StrictIssueError

DEVICE_PATH = "1 - Driver Detailed Device Data.csv"


def device(*rows: list[object]) -> BytesMember:
    return BytesMember(DEVICE_PATH, csv_bytes(h.DEVICE, rows, eol="\r\n"))


def test_device_data_epoch_ms_status_and_extra() -> None:
    rows = [
        ["46.2", "6.14", "1449041455000", "380.5", "12.5", "5", "3", "on_trip", "0.87", "lifecycle"],
        ["46.21", "6.15", "1449041456500", "\\N", "\\N", "\\N", "\\N", "offline", "\\N", "tap"],
        ["46.22", "6.16", "1449041457000", "\\N", "\\N", "\\N", "\\N", "\\N", "\\N", "\\N"],
    ]
    ctx = strict_ctx("sar-2016")
    got = tables(parse_device_data(device(*rows), ctx))["locations"].to_dict("records")
    first = got[0]
    assert first["ts"] == pd.Timestamp(datetime.fromtimestamp(1449041455, UTC))
    assert got[1]["ts"] == pd.Timestamp(datetime.fromtimestamp(1449041456.5, UTC))
    assert (first["lat"], first["lon"], first["altitude_m"], first["speed_mps"], first["accuracy_m"]) == (
        46.2,
        6.14,
        380.5,
        12.5,
        5.0,
    )
    assert [r["online"] for r in got][:2] == [True, False] and pd.isna(got[2]["online"])
    assert [r["raw_status"] for r in got][:2] == ["on_trip", "offline"]
    assert first["event"] == "lifecycle"
    assert json.loads(first["extra"]) == {"vertical_accuracy": "3", "battery_level": "0.87"}
    assert pd.isna(got[1]["extra"])
    assert [r["source_row"] for r in got] == [2, 3, 4]


def test_rows_without_position_are_left_out_and_counted() -> None:
    rows = [
        ["0", "0", "1449041455000", *[None] * 7],
        [None, None, "1449041456000", *[None] * 7],
        ["46.2", "6.14", "1449041457000", *[None] * 7],
    ]
    ctx = strict_ctx("sar-2016")
    got = tables(parse_device_data(device(*rows), ctx))["locations"]
    assert got["source_row"].tolist() == [4]
    assert ctx.facts["rows_without_position"] == {DEVICE_PATH: 2}


def analytics(*rows: list[object], path: str = "Uber Data/Driver/driver_app_analytics-0.csv") -> BytesMember:
    return BytesMember(path, csv_bytes(h.ANALYTICS, rows))


def analytics_row(**values: object) -> list[object]:
    base = {
        "Analytics Event Name": "location_update",
        "City": "Los Angeles",
        "Device Model": '"iPhone12,1"',
        "Is Driver Online?": "true",
        "Driver Status": "open",
        "Event Time (UTC)": "2026-08-25 15:28:46.190",
        "Latitude": "34.05",
        "Longitude": "-118.24",
        "Speed (GPS)": "7.5",
        "Analytics Event Type": "custom",
    }
    return row_of(h.ANALYTICS, **{**base, **values})


def test_app_analytics_parts() -> None:
    ctx = strict_ctx("portal-2025")
    part0 = tables(parse_app_analytics(analytics(analytics_row()), ctx))["locations"]
    part1 = tables(
        parse_app_analytics(
            analytics(
                analytics_row(**{"Is Driver Online?": "false", "Driver Status": "offline"}),
                path="Uber Data/Driver/driver_app_analytics-1.csv",
            ),
            ctx,
        )
    )["locations"]
    [row] = part0.to_dict("records")
    assert (row["ts"], row["lat"], row["lon"]) == (ts("2026-08-25T15:28:46.190Z"), 34.05, -118.24)
    assert (row["online"], row["raw_status"], row["event"]) == (True, "open", "location_update")
    assert pd.isna(row["speed_mps"])  # "Speed (GPS)" states no unit
    assert json.loads(row["extra"]) == {
        "City": "Los Angeles",
        "Device Model": "iPhone12,1",
        "Speed (GPS)": "7.5",
        "Analytics Event Type": "custom",
    }
    assert part1["online"].tolist() == [False]
    assert [(d.file, d.column) for d in ctx.tz_decisions] == []  # epoch and (UTC) columns: no zone involved


def test_malformed_rows_keep_the_right_row_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    # Small blocks and batches, so the skipped rows fall in later blocks than the first.
    monkeypatch.setattr(arrowcsv, "PIECE_BYTES", 200)
    monkeypatch.setattr(locations, "BATCH_ROWS", 3)
    rows: list[list[object]] = [[f"46.{i}", "6.1", str(1449041455000 + i), *[None] * 7] for i in range(2, 12)]
    data = csv_bytes(h.DEVICE, rows, eol="\r\n").split(b"\r\n")
    data[5] = b"46.9,6.1"  # row 6: too few fields
    data[9] = b"46.9,6.1,1,2,3,4,5,6,7,8,9,10"  # row 10: too many
    member = BytesMember(DEVICE_PATH, b"\r\n".join(data))
    ctx = lenient_ctx("sar-2016")
    batches = list(parse_device_data(member, ctx))
    assert len(batches) > 1
    got = tables(batches)["locations"]
    assert got["source_row"].tolist() == [2, 3, 4, 5, 7, 8, 9, 11]
    assert got["lat"].tolist() == [46.2, 46.3, 46.4, 46.5, 46.7, 46.8, 46.9, 46.11]
    assert [(i.kind, i.row) for i in ctx.issues.issues] == [("malformed_row", 6), ("malformed_row", 10)]
    with pytest.raises(StrictIssueError):
        list(parse_device_data(member, strict_ctx()))


def test_quoted_newline_and_unreadable_values() -> None:
    rows = [
        analytics_row(**{"Device Model": '"iPhone\nSE"'}),
        analytics_row(Latitude="north"),
        analytics_row(**{"Event Time (UTC)": "25/08/2026 15:28"}),
        analytics_row(),
    ]
    ctx = lenient_ctx("portal-2025")
    got = tables(parse_app_analytics(analytics(*rows), ctx))["locations"]
    assert json.loads(got["extra"].iloc[0])["Device Model"] == "iPhone\nSE"
    assert got["source_row"].tolist() == [2, 5]  # rows count records, not lines
    assert sorted((i.row, i.kind, i.column) for i in ctx.issues.issues) == [
        (3, "bad_number", "Latitude"),
        (4, "bad_timestamp", "Event Time (UTC)"),
    ]
    assert ctx.facts["rows_without_position"] == {"Uber Data/Driver/driver_app_analytics-0.csv": 1}


def test_unknown_location_header_and_empty_file() -> None:
    with pytest.raises(IngestError) as caught:
        list(parse_device_data(BytesMember(DEVICE_PATH, b"x,y\n1,2\n"), strict_ctx()))
    assert caught.value.kind == "schema_mismatch" and "gps_time_ms" in caught.value.detail
    assert list(parse_device_data(BytesMember(DEVICE_PATH, b""), strict_ctx())) == []


def test_a_bad_number_in_a_later_piece_is_reread_as_text_with_the_right_rows(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Pieces of ~200 bytes: the bad latitude (row 9) and the short row (row 6) fall in later pieces,
    # which are parsed as numbers first and read again as text when a value is not a number.
    monkeypatch.setattr(arrowcsv, "PIECE_BYTES", 200)
    rows: list[list[object]] = [[f"46.{i}", "6.1", str(1449041455000 + i), *[None] * 7] for i in range(2, 13)]
    rows[7][0] = "north"  # row 9
    data = csv_bytes(h.DEVICE, rows, eol="\r\n").split(b"\r\n")
    data[5] = b"46.9,6.1"  # row 6: too few fields
    ctx = lenient_ctx("sar-2016")
    got = tables(parse_device_data(BytesMember(DEVICE_PATH, b"\r\n".join(data)), ctx))["locations"]
    assert got["source_row"].tolist() == [2, 3, 4, 5, 7, 8, 10, 11, 12]
    assert got["lat"].tolist() == [46.2, 46.3, 46.4, 46.5, 46.7, 46.8, 46.10, 46.11, 46.12]
    assert sorted((i.row, i.kind) for i in ctx.issues.issues) == [(6, "malformed_row"), (9, "bad_number")]
