"""Uber App Restrictions -> sanctions, ratings received -> ratings."""

from __future__ import annotations

import pandas as pd

from parsers.uber.account import parse_ratings, parse_restrictions
from tests.parsers.conftest import BytesMember, csv_bytes, lenient_ctx, strict_ctx, tables, ts
from tests.parsers.uber import headers as h


def test_restrictions_block_notification_ms_and_null_island() -> None:
    rows = [
        ["3", "21600000", "consecutiveReject", "2021-02-28 23:55:40", "48.85", "2.35"],
        ["3", "0", "drivingHourLimits", "2021-02-27 10:00:00", "0", "0"],
    ]
    member = BytesMember(
        "FR-Paris/11 - Driver App Restrictions.csv", csv_bytes(h.RESTRICTIONS, rows, ";", "\r\n")
    )
    ctx = strict_ctx("sar-fr-2021")
    sanctions = tables(parse_restrictions(member, ctx))["sanctions"]
    assert sanctions["kind"].tolist() == ["block", "notification"]
    assert sanctions["duration_s"].tolist() == [21600.0, 0.0]
    assert sanctions["rule"].tolist() == ["consecutiveReject", "drivingHourLimits"]
    assert sanctions["at"].tolist() == [ts("2021-02-28T23:55:40Z"), ts("2021-02-27T10:00:00Z")]  # UTC (§2.8)
    assert (
        sanctions["lat"].iloc[0] == 48.85
        and pd.isna(sanctions["lat"].iloc[1])
        and pd.isna(sanctions["lon"].iloc[1])
    )
    assert sanctions["extra"].tolist() == ['{"msg.cityid":"3"}'] * 2
    assert [(d.column, d.source) for d in ctx.tz_decisions] == [("Time", "utc_column")]


def test_ratings_are_undated_customer_stars_out_of_five() -> None:
    member = BytesMember(
        "Uber Data/Driver/driver_lifetime_ratings_received-0.csv",
        csv_bytes(h.RATINGS, [["5"], ["4.0"], ["\\N"], ["1"]]),
    )
    ctx = lenient_ctx("portal-2025")
    ratings = tables(parse_ratings(member, ctx))["ratings"]
    assert ratings["rating"].tolist() == [5.0, 4.0, 1.0] and ratings["source_row"].tolist() == [2, 3, 5]
    assert set(ratings["scale"]) == {5.0} and set(ratings["rater"]) == {"customer"}
    assert ratings["rated_at"].isna().all() and ratings["job_id"].isna().all()
    assert [(i.kind, i.row) for i in ctx.issues.issues] == [("missing_value", 4)]
