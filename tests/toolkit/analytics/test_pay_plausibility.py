"""Implausible distances, speeds and dates are flagged with their rows and replaced by stated estimates;
the vehicle costs use the corrected km. Every expected figure is worked out by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from tests.toolkit.analytics.test_pay import earnings, segments, utc
from toolkit.analytics.pay import pay_summary
from toolkit.analytics.plausibility import (
    implausible_dates,
    implausible_job_distances,
    implausible_pickup_distances,
    pickup_distance_km,
)
from toolkit.analytics.time import time_accounting
from toolkit.config import load_config

MILE_M = 1609.344
EARTH_KM = 6371.0088
CFG = load_config(overrides={"costs.mode": "custom", "costs.custom_per_km": 0.5})


def _paris_trips() -> pd.DataFrame:
    """Three rides on 8 January 2024: the first two have a pickup of 0.013 mi over 5.3 min (318 s), the
    unit slip of a real Paris export; the third a sound 1.5 km in 5 min."""
    def ts(times: list[str]) -> pd.Series:
        return pd.Series([utc(t) for t in times], dtype="datetime64[us, UTC]")

    return pd.DataFrame({
        "source_file": "Driver/trips.csv", "source_row": [2, 3, 4], "job_id": ["a", "b", "c"],
        "accepted_at": ts(["2024-01-08 09:00", "2024-01-08 10:00", "2024-01-08 11:00"]),
        "picked_up_at": ts(["2024-01-08 09:05:18", "2024-01-08 10:05:18", "2024-01-08 11:05"]),
        "dropped_off_at": ts(["2024-01-08 09:25:18", "2024-01-08 10:25:18", "2024-01-08 11:25"]),
        "to_pickup_distance_m": [0.013 * MILE_M, 0.013 * MILE_M, 1500.0],
        "to_pickup_duration_s": [318.0, 318.0, 300.0],
        "job_distance_m": [5000.0, 5000.0, 5000.0],
        # the first ride has its positions: accepted 0.01 degree of latitude south of the pickup
        "accept_lat": [48.85, None, None], "accept_lon": [2.35, None, None],
        "pickup_lat": [48.86, None, None], "pickup_lon": [2.35, None, None],
    })


def test_a_pickup_distance_in_the_wrong_unit_is_flagged_and_replaced() -> None:
    trips = _paris_trips()
    flagged = implausible_pickup_distances(trips, CFG)
    assert flagged["source_row"].tolist() == [2, 3]
    assert flagged["reason"].tolist() == ["slower than 2 km/h"] * 2
    assert flagged["implied_kmh"].iloc[0] == pytest.approx(0.013 * 1.609344 / (318 / 3600))
    km, _ = pickup_distance_km(trips, CFG)
    # by hand: 0.01 degree along a meridian x 1.4 detour; 318 s x 15 km/h; the sound one kept
    from_positions = EARTH_KM * math.radians(0.01) * 1.4
    assert km.tolist() == pytest.approx([from_positions, 318 / 3600 * 15, 1.5])
    assert "estimate" in flagged["how"].iloc[0] and "estimate" in flagged["how"].iloc[1]


def test_vehicle_costs_use_the_corrected_pickup_km_and_say_so() -> None:
    trips = _paris_trips()
    day = (utc("2024-01-07 23:00"), utc("2024-01-08 23:00"))
    seg = segments([("waiting", "2024-01-08 08:00", "2024-01-08 09:00"),
                    ("on_job", "2024-01-08 09:00", "2024-01-08 12:00")])
    time = time_accounting(seg, trips, day, "Europe/Paris", config=CFG)
    s = pay_summary(earnings([("2024-01-08 12:00", 60.0, "fare")]), trips, time, day, CFG)
    km = 3 * 5.0 + EARTH_KM * math.radians(0.01) * 1.4 + 318 / 3600 * 15 + 1.5
    assert s["distance_km"] == pytest.approx(km)
    assert s["vehicle_cost"] == pytest.approx(0.5 * km)
    assert s["distances_replaced"] == 2
    assert any("2 distance(s) to the pickup" in n and "estimates" in n for n in s["notes"])
    assert "impossible speed" in s["methods"]["distance_km"]


def test_impossible_trip_speeds_and_dates_are_flagged() -> None:
    trips = pd.DataFrame({"source_file": "t.csv", "source_row": [2, 3, 4],
                          "job_distance_m": [5e6, 4000.0, 10.0], "job_duration_s": [600.0, 600.0, 1800.0]})
    flagged = implausible_job_distances(trips, CFG)
    # 5,000 km in 10 min is too fast; 10 m in 30 min (0.02 km/h) too slow; 4 km in 10 min is sound
    assert flagged[["source_row", "reason"]].to_dict("records") == [
        {"source_row": 2, "reason": "faster than 150 km/h"},
        {"source_row": 4, "reason": "slower than 1 km/h"}]
    assert flagged["used_km"].tolist() == pytest.approx([600 / 3600 * 15, 1800 / 3600 * 15])
    lines = pd.DataFrame({"source_file": "p.csv", "source_row": [2, 3, 4],
                          "earned_at": pd.to_datetime(["1970-01-01", "2024-05-01", "2099-01-01"], utc=True)})
    odd = implausible_dates(lines, "earnings", CFG, today=utc("2026-12-01"))
    assert odd["source_row"].tolist() == [2, 4]
    assert odd["reason"].tolist() == ["dated before 2009-03-01", "dated after today"]


def test_a_driver_already_at_the_pickup_is_not_flagged() -> None:
    at = pd.Series([utc("2026-01-05 11:30")], dtype="datetime64[us, UTC]")
    trips = pd.DataFrame({"accepted_at": at, "arrived_pickup_at": at,
                          "picked_up_at": at + pd.Timedelta(minutes=2), "to_pickup_distance_m": [0.0]})
    assert implausible_pickup_distances(trips, CFG).empty
