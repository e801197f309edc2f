"""metrics() on stores written with toolkit.store: planted workers whose figures are worked out by hand."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

from toolkit import store as st
from toolkit.config import load_config
from toolkit.metrics import metrics, render_metrics
from toolkit.schema import TABLES, conform

Row = dict[str, Any]

# The contract of DESIGN.md ("gigdata metrics --json"), copied by hand.
CONTRACT = {
    "workers": None,
    "platforms": None,
    "period": {"start", "end"},
    "time": {
        "logged_in_h",
        "waiting_h",
        "to_pickup_h",
        "on_job_h",
        "unpaid_share",
        "pickup_wait_median_s",
        "source",
    },
    "jobs": {"total", "completed", "cancelled"},
    "pay": {
        "currency",
        "earnings_total",
        "tips",
        "per_hour_engaged",
        "per_hour_logged_in",
        "net_per_hour_logged_in",
        "minimum_wage_per_hour",
    },
    "offers": {"offered", "accepted", "rejected", "expired", "acceptance_rate"},
    "ratings": {"count", "mean"},
    "sanctions": {"total", "blocked_h"},
}


def frame(table: str, rows: list[Row], worker: str, platform: str, export_id: str) -> pa.Table:
    columns: dict[str, pd.Series] = {}
    for field in TABLES[table]:
        given = {"worker_id": worker, "platform": platform, "export_id": export_id, "source_file": "t.csv"}
        values = [given[field.name] if field.name in given else r.get(field.name) for r in rows]
        if field.name == "source_row":
            values = list(range(2, len(rows) + 2))
        if pa.types.is_timestamp(field.type):
            columns[field.name] = pd.to_datetime(pd.Series(values, dtype=object), utc=True)
        elif pa.types.is_floating(field.type):
            columns[field.name] = pd.Series(values, dtype="float64")
        elif pa.types.is_integer(field.type):
            columns[field.name] = pd.Series(values, dtype="Int64")
        else:
            columns[field.name] = pd.Series(values, dtype=object)
    return conform(pd.DataFrame(columns), table)


def ingest(
    store: Path,
    tables: dict[str, list[Row]],
    worker: str = "w1",
    platform: str = "uber",
    export_id: str = "0123456789abcdef",
    zone: str = "Europe/Paris",
) -> None:
    with st.store_lock(store), st.ExportWriter(store, export_id, platform, worker) as writer:
        for table, rows in tables.items():
            writer.write(table, frame(table, rows, worker, platform, export_id))
        # the zone the export states (as a parser records it): days are cut in it
        writer.commit({"source": "test", "tz_decisions": [
            {"file": "trips.csv", "column": "begin_trip_time_local", "zone": zone, "source": "export",
             "detail": "test"}]})


def seg(state: str, start: str, end: str) -> Row:
    return {
        "state": state,
        "raw_state": state,
        "start_at": f"2026-01-05T{start}Z",
        "end_at": f"2026-01-05T{end}Z",
    }


PLANTED = {
    # 2 h waiting, 0.5 h to pickup, 2.5 h on job (UTC, Monday 5 January 2026): 40 % unpaid.
    "status_segments": [
        seg("waiting", "08:00", "10:00"),
        seg("to_pickup", "10:00", "10:30"),
        seg("on_job", "10:30", "13:00"),
        seg("offline", "13:00", "20:00"),
    ],
    "jobs": [
        {
            "job_id": "A",
            "kind": "ride",
            "status": "completed",
            "requested_at": "2026-01-05T09:59Z",
            "accepted_at": "2026-01-05T10:00Z",
            "arrived_pickup_at": "2026-01-05T10:25Z",
            "picked_up_at": "2026-01-05T10:30Z",
            "dropped_off_at": "2026-01-05T11:30Z",
            "job_distance_m": 20_000.0,
            "to_pickup_distance_m": 5_000.0,
        },
        {
            "job_id": "B",
            "kind": "ride",
            "status": "completed",
            "requested_at": "2026-01-05T11:29Z",
            "accepted_at": "2026-01-05T11:30Z",
            "arrived_pickup_at": "2026-01-05T11:30Z",
            "picked_up_at": "2026-01-05T11:32Z",
            "dropped_off_at": "2026-01-05T13:00Z",
            "job_distance_m": 15_000.0,
            "to_pickup_distance_m": 0.0,
        },
        {
            "job_id": "C",
            "kind": "ride",
            "status": "cancelled_by_customer",
            "requested_at": "2026-01-05T13:30Z",
        },
    ],
    "earnings": [
        {
            "earned_at": "2026-01-05T11:30Z",
            "amount": 60.0,
            "currency": "EUR",
            "category": "fare",
            "job_id": "A",
        },
        {
            "earned_at": "2026-01-05T11:30Z",
            "amount": 5.0,
            "currency": "EUR",
            "category": "tip",
            "job_id": "A",
        },
        {"earned_at": "2026-01-05T13:00Z", "amount": 10.0, "currency": "EUR", "category": "incentive"},
    ],
    "offer_windows": [
        {
            "window_start": "2026-01-05T09:00Z",
            "window_end": "2026-01-05T10:00Z",
            "offers": 3,
            "accepted": 2,
            "rejected": 1,
            "expired": 0,
        },
        {
            "window_start": "2026-01-05T11:00Z",
            "window_end": "2026-01-05T12:00Z",
            "offers": 2,
            "accepted": 1,
            "rejected": 0,
            "expired": 1,
        },
    ],
    "ratings": [
        {"rated_at": "2026-01-05T12:00Z", "rating": 5.0, "scale": 5.0, "rater": "customer"},
        {"rated_at": "2026-01-05T12:10Z", "rating": 4.0, "scale": 5.0, "rater": "customer"},
        {"rated_at": "2026-01-05T12:20Z", "rating": 8.0, "scale": 10.0, "rater": "merchant"},
    ],
    "sanctions": [
        {"at": "2026-01-05T14:00Z", "kind": "block", "duration_s": 7200.0},
        {"at": "2026-01-05T15:00Z", "kind": "block", "duration_s": 7200.0},
        {"at": "2026-01-05T16:00Z", "kind": "warning"},
    ],
}


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("store")
    ingest(store, PLANTED)
    ingest(
        store,
        {
            "earnings": [
                {"earned_at": "2026-01-06T10:00Z", "amount": 42.0, "currency": "EUR", "category": "fare"}
            ]
        },
        worker="w2",
        export_id="fedcba9876543210",
    )
    return store


def check_contract(m: dict[str, Any]) -> None:
    for key, inner in CONTRACT.items():
        assert key in m
        if inner is not None:
            assert inner <= set(m[key]), key
    json.dumps(m)  # plain JSON, no custom encoder needed


def test_planted_worker_figures(planted: Path) -> None:
    cfg = load_config(overrides={"costs.mode": "custom", "costs.custom_per_km": 0.5})
    m = metrics(planted, worker="w1", start=date(2026, 1, 5), end=date(2026, 1, 5), config=cfg)
    check_contract(m)
    assert (m["workers"], m["platforms"]) == (1, ["uber"])
    assert m["period"] == {"start": "2026-01-05", "end": "2026-01-05", "zone": "Europe/Paris",
                           "zone_source": "exports"}
    t = m["time"]
    assert (t["logged_in_h"], t["waiting_h"], t["to_pickup_h"], t["on_job_h"]) == pytest.approx(
        (5, 2, 0.5, 2.5)
    )
    assert t["unpaid_share"] == pytest.approx(0.4) and t["source"] == "status_log"
    assert t["pickup_wait_median_s"] == pytest.approx((300 + 120) / 2)
    assert m["jobs"]["total"] == 3 and m["jobs"]["completed"] == 2 and m["jobs"]["cancelled"] == 1
    p = m["pay"]
    assert (p["currency"], p["earnings_total"], p["tips"]) == ("EUR", 75.0, 5.0)
    assert p["per_hour_engaged"] == pytest.approx(70 / 3) and p["per_hour_logged_in"] == pytest.approx(70 / 5)
    # 40 km (25 + 15; job C has no distance) at 0.5 EUR/km, contributions 21.2 % of 75, no fixed costs.
    assert p["net_per_hour_logged_in"] == pytest.approx((75 - 40 * 0.5 - 0.212 * 75) / 5)
    assert p["minimum_wage_per_hour"] == pytest.approx(12.02)
    o = m["offers"]
    assert (o["offered"], o["accepted"], o["rejected"], o["expired"]) == (5, 3, 1, 1)
    assert o["acceptance_rate"] == pytest.approx(0.6) and o["source"] == "offer_windows"
    assert m["ratings"] == {"count": 3, "mean": pytest.approx((5 + 4 + 4) / 3)}
    assert m["sanctions"]["total"] == 3
    assert m["sanctions"]["blocked_h"] == pytest.approx(3.0)  # 14:00-16:00 and 15:00-17:00 overlap
    assert any("without a distance" in n for n in m["notes"])
    text = render_metrics(m)
    assert "40%" in text and "5.0 h" in text and "status_log" in text


def test_a_worker_with_only_earnings_has_unknown_time(planted: Path) -> None:
    m = metrics(planted, worker="w2")
    check_contract(m)
    assert all(m["time"][k] is None for k in CONTRACT["time"])
    assert m["pay"]["earnings_total"] == 42.0
    assert m["pay"]["per_hour_logged_in"] is None and m["pay"]["net_per_hour_logged_in"] is None
    assert m["jobs"]["total"] is None and m["offers"]["offered"] is None and m["ratings"]["count"] is None
    assert m["period"]["start"] == m["period"]["end"] == "2026-01-06"
    assert "unknown" in render_metrics(m)


def test_a_pool_sums_hours_and_money(planted: Path) -> None:
    m = metrics(planted, start=date(2026, 1, 5), end=date(2026, 1, 6))
    assert m["workers"] == 2
    assert m["pay"]["earnings_total"] == pytest.approx(75.0 + 42.0)
    assert m["time"]["logged_in_h"] == pytest.approx(5.0)
    assert m["pay"]["per_hour_logged_in"] is None  # w2's hours are unknown, so the pool's rate is too


def test_two_platforms_at_once_count_once(tmp_path: Path) -> None:
    ingest(tmp_path, {"status_segments": [seg("waiting", "10:00", "12:00")]}, platform="uber")
    ingest(
        tmp_path,
        {"status_segments": [seg("waiting", "11:00", "13:00"), seg("on_job", "11:30", "12:30")]},
        platform="wolt",
        export_id="1111111111111111",
    )
    m = metrics(tmp_path, worker="w1")
    assert m["platforms"] == ["uber", "wolt"]
    assert m["time"]["logged_in_h"] == pytest.approx(3.0)
    assert m["time"]["waiting_h"] == pytest.approx(2.0) and m["time"]["on_job_h"] == pytest.approx(1.0)
    only_uber = metrics(tmp_path, worker="w1", platform="uber")
    assert only_uber["time"]["logged_in_h"] == pytest.approx(2.0)


def test_an_empty_store_is_all_unknown(tmp_path: Path) -> None:
    m = metrics(tmp_path)
    check_contract(m)
    assert m["workers"] == 0 and m["period"]["start"] is None
    assert m["pay"]["earnings_total"] is None and m["sanctions"]["total"] is None
