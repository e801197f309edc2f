"""Uber hourly Dispatches Offered and Accepted -> offer_windows."""

from __future__ import annotations

import json

import pandas as pd

from parsers.uber.offers import parse_dispatches
from tests.parsers.conftest import BytesMember, csv_bytes, row_of, strict_ctx, tables, ts
from tests.parsers.uber import headers as h


def test_french_hourly_window_counts_minutes_and_currency() -> None:
    row = [
        "2021-02-28T23:00:00.000Z",
        "2021-03-01T00:00:00.000Z",
        "2021-03-01T00:00:00.000Z",
        "2021-03-01T01:00:00.000Z",
        "3",
        "55.5",
        "40.25",
        "21",
        "19",
        "2",
        "3",
        "1",
        "0",
        "2",
        "31.4",
        "30.0",
        "Black",
        None,
        "22.5",
    ]
    member = BytesMember(
        "FR-Paris/08 - Driver Dispatches Offered and Accepted.csv",
        csv_bytes(h.FR_DISPATCHES, [row], ";", "\r\n"),
    )
    ctx = strict_ctx("sar-fr-2021", facts={"currency": "EUR"})
    [window] = tables(parse_dispatches(member, ctx))["offer_windows"].to_dict("records")
    assert (window["window_start"], window["window_end"]) == (
        ts("2021-02-28T23:00:00Z"),
        ts("2021-03-01T00:00:00Z"),
    )
    # Kept as given: 21 offers although accepts + rejections + expireds = 24 (export-formats.md §2.5).
    counts = [
        window[c]
        for c in (
            "offers",
            "accepted",
            "rejected",
            "expired",
            "cancelled_by_worker",
            "cancelled_by_customer",
            "completed",
        )
    ]
    assert counts == [21, 2, 19, 3, 1, 0, 2]
    assert (window["minutes_online"], window["minutes_active"], window["minutes_on_job"]) == (
        55.5,
        40.25,
        22.5,
    )
    assert pd.isna(window["minutes_on_break"])
    assert (window["fares"], window["currency"]) == (31.4, "EUR")
    assert json.loads(window["extra"]) == {
        "city_id": "3",
        "driver_adjusted_fares": "30.0",
        "flow_type": "Black",
    }


def test_geneva_window_without_break_minutes_and_no_currency_known() -> None:
    row = row_of(
        h.GENEVA_DISPATCHES,
        start_timestamp_utc="2021-11-18 12:00:00",
        end_timestamp_utc="2021-11-18 13:00:00",
        start_timestamp_local="2021-11-18 13:00:00",
        end_timestamp_local="2021-11-18 14:00:00",
        driver_uuid="d",
        dispatches="4",
        accepts="3",
        rejections="1",
        expireds="0",
        trip_fares="40",
        partner_uuids='["p1"]',
        minutes_on_trip="35.0",
    )
    member = BytesMember(
        "03 - Driver Dispatches Offered and Accepted.csv", csv_bytes(h.GENEVA_DISPATCHES, [row])
    )
    [window] = tables(parse_dispatches(member, strict_ctx("sar-geneva-2022")))["offer_windows"].to_dict(
        "records"
    )
    assert window["window_start"] == ts("2021-11-18T12:00:00Z") and window["offers"] == 4
    assert (
        pd.isna(window["minutes_on_break"]) and pd.isna(window["currency"]) and pd.isna(window["completed"])
    )
    # driver_uuid and partner_uuids identify people: dropped at parse time (security.md §3.3), so this
    # window keeps nothing else in extra
    assert pd.isna(window["extra"])
