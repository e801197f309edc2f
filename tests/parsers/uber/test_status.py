"""Uber Online Offline and Trip Status -> status_segments and offers."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from parsers.uber.status import parse_online_offline, parse_trip_status
from tests.parsers.conftest import BytesMember, csv_bytes, lenient_ctx, row_of, strict_ctx, tables, ts
from tests.parsers.uber import headers as h
from toolkit.errors import IngestError, StrictIssueError


def fr_online(*rows: list[object]) -> BytesMember:
    return BytesMember("FR-Paris/05 - Driver Online Offline.csv", csv_bytes(h.FR_ONLINE, rows, ";", "\r\n"))


def test_french_segments_with_duration_ms_and_coordinates() -> None:
    rows = [
        row_of(
            h.FR_ONLINE,
            ";",
            earner_state="open",
            city_id="3",
            begin_lat="48.78113555908203",
            begin_lng="2.1",
            end_lat="0",
            end_lng="0",
            begin_timestamp_utc="2021-02-01T09:40:46.000Z",
            end_timestamp_utc="2021-02-01T09:50:46.000Z",
            duration_ms="600000",
            begin_timestamp_local="2021-02-01T10:40:46.000Z",
            end_timestamp_local="2021-02-01T10:50:46.000Z",
        ),
        row_of(
            h.FR_ONLINE,
            ";",
            earner_state="ontrip",
            city_id="3",
            begin_timestamp_utc="2021-02-01T09:50:46.000Z",
            duration_ms="90500",
        ),
        row_of(h.FR_ONLINE, ";", earner_state="enroute", begin_timestamp_utc="2021-02-01T09:52:00.000Z"),
    ]
    segments = tables(parse_online_offline(fr_online(*rows), strict_ctx("sar-fr-2021")))["status_segments"]
    assert segments["state"].tolist() == ["waiting", "on_job", "to_pickup"]
    assert segments["raw_state"].tolist() == ["open", "ontrip", "enroute"]
    assert segments["start_at"].tolist() == [
        ts("2021-02-01T09:40:46Z"),
        ts("2021-02-01T09:50:46Z"),
        ts("2021-02-01T09:52:00Z"),
    ]
    # An empty end is start + duration_ms / 1000; with no duration either it stays unknown.
    assert segments["end_at"].tolist()[:2] == [ts("2021-02-01T09:50:46Z"), ts("2021-02-01T09:52:16.500Z")]
    assert pd.isna(segments["end_at"].iloc[2])
    assert segments["start_lat"].iloc[0] == 48.78113555908203
    assert pd.isna(segments["end_lat"].iloc[0]) and pd.isna(segments["end_lon"].iloc[0])  # 0/0
    assert json.loads(segments["extra"].iloc[0]) == {"city_id": "3"}
    assert segments["source_row"].tolist() == [2, 3, 4]


def test_eats_seven_column_file() -> None:
    row = [
        "offline",
        "1366",
        "2023-11-10 08:00:00",
        "2023-11-10 11:00:00",
        "10800000",
        "2023-11-10 09:00:00",
        "2023-11-10 12:00:00",
    ]
    member = BytesMember("11 - Driver Online Offline.csv", csv_bytes(h.EATS_ONLINE, [row]))
    [segment] = tables(parse_online_offline(member, strict_ctx("sar-eats-2025", "ubereats")))[
        "status_segments"
    ].to_dict("records")
    assert (segment["state"], segment["start_at"], segment["end_at"]) == (
        "offline",
        ts("2023-11-10T08:00:00Z"),
        ts("2023-11-10T11:00:00Z"),
    )
    assert pd.isna(segment["start_lat"])


def test_geneva_offline_spelling_with_spaces_and_seconds() -> None:
    rows = [
        row_of(
            h.GENEVA_ONLINE,
            begin_timestamp="2021-11-18 12:00:00",
            end_timestamp="2021-11-18 12:05:00",
            duration_seconds="300",
            status="en route",
            begin_timestamp_local="2021-11-18 13:00:00",
        ),
        row_of(
            h.GENEVA_ONLINE,
            begin_timestamp="2021-11-18 12:05:00",
            end_timestamp="\\N",
            duration_seconds="600",
            status="on trip",
            vehicle_uuid="\\N",
            city_id="\\N",
        ),
        row_of(h.GENEVA_ONLINE, begin_timestamp="2021-11-18 12:15:00", status="Open"),
    ]
    member = BytesMember("02 - Driver Online OffLine.csv", csv_bytes(h.GENEVA_ONLINE, rows))
    segments = tables(parse_online_offline(member, strict_ctx("sar-geneva-2022")))["status_segments"]
    assert segments["state"].tolist() == ["to_pickup", "on_job", "waiting"]
    assert segments["end_at"].tolist()[:2] == [ts("2021-11-18T12:05:00Z"), ts("2021-11-18T12:15:00Z")]
    assert segments["extra"].isna().all()


def test_unknown_state_is_an_issue_and_the_row_is_left_out() -> None:
    rows = [
        row_of(h.FR_ONLINE, ";", earner_state="open", begin_timestamp_utc="2021-02-01T09:40:46.000Z"),
        row_of(h.FR_ONLINE, ";", earner_state="napping", begin_timestamp_utc="2021-02-01T09:45:00.000Z"),
        row_of(h.FR_ONLINE, ";", earner_state="open"),
    ]
    ctx = lenient_ctx("sar-fr-2021")
    segments = tables(parse_online_offline(fr_online(*rows), ctx))["status_segments"]
    assert segments["source_row"].tolist() == [2]
    assert [(i.kind, i.row, i.column) for i in ctx.issues.issues] == [
        ("unknown_value", 3, "earner_state"),
        ("missing_value", 4, "begin_timestamp_utc"),
    ]
    with pytest.raises(StrictIssueError):
        list(parse_online_offline(fr_online(*rows), strict_ctx()))


TRIP_STATUS_ROWS = [
    ["2017-11-02 14:16:18", "2017-11-02 14:16:30", "dispatching", "driver_rejected"],
    ["2017-11-02 14:16:40", "2017-11-02 14:16:55", "dispatching", "dispatch_resent"],
    ["2017-11-02 14:17:00", "2017-11-02 14:17:05", "dispatching", "driver_accepted"],
    ["2017-11-02 14:17:05", "2017-11-02 14:25:00", "to_pickup", "arrived"],
    ["2017-11-02 14:25:00", "2017-11-02 14:27:40", "at_pickup", "trip_started"],
    ["2017-11-02 14:27:40", "2017-11-02 14:40:00", "to_destination", "at_stop"],
    ["2017-11-02 14:40:00", "2017-11-02 14:42:00", "at_stop", "completed"],
    ["2017-11-02 15:00:00", "2017-11-02 15:00:20", "dispatching", "client_canceled"],
]


def test_trip_status_offers_and_stages_in_the_export_zone() -> None:
    member = BytesMember("04 - Driver Trip Status.csv", csv_bytes(h.TRIP_STATUS, TRIP_STATUS_ROWS))
    ctx = strict_ctx("sar-geneva-2022", export_tz="Europe/Zurich", export_tz_evidence="pairs")
    got = tables(parse_trip_status(member, ctx))
    offers, stages = got["offers"], got["status_segments"]
    assert offers["outcome"].tolist() == ["rejected", "expired", "accepted", "cancelled"]
    assert offers["raw_outcome"].tolist() == [
        "driver_rejected",
        "dispatch_resent",
        "driver_accepted",
        "client_canceled",
    ]
    # Zurich is UTC+1 in November.
    assert offers["offered_at"].iloc[0] == ts("2017-11-02T13:16:18Z")
    assert offers["ended_at"].iloc[0] == ts("2017-11-02T13:16:30Z")
    assert offers["job_id"].isna().all() and offers["source_row"].tolist() == [2, 3, 4, 9]
    assert stages["state"].tolist() == ["to_pickup", "at_pickup", "on_job", "on_job"]
    assert json.loads(stages["extra"].iloc[0]) == {"end_reason": "arrived"}


def test_trip_status_needs_a_zone() -> None:
    member = BytesMember("04 - Driver Trip Status.csv", csv_bytes(h.TRIP_STATUS, TRIP_STATUS_ROWS[:1]))
    with pytest.raises(IngestError) as caught:
        list(parse_trip_status(member, strict_ctx("sar-geneva-2022")))
    assert caught.value.kind == "needs_timezone"
