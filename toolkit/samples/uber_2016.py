"""Synthetic Uber driver export in the Geneva 2015–2016 access-request layout (`sar-2016`).

Imitates export-formats.md §2.3, §2.10 and §2.14 (headers verbatim): `Trip details (Driver).csv` with
local times whose hour is not zero-padded (`2015-12-02 7:10:55`) and no stated zone (the ingest needs
`--tz`), `duration` in float minutes and `distance` in an unstated unit; `1 - Driver Detailed Device
Data.csv` with epoch-millisecond GPS times and the app's driver statuses; and two files the ingest must
ignore: the worker's own rider-app device data (`2 - Rider Detailed Device Data.csv`) and the analyst-made
`Lost Time details (Driver).csv`. `,`, CRLF, `\\N` for null.

Example:
    >>> from toolkit.simulate import SimParams, simulate_worker
    >>> export = sar_2016(simulate_worker(SimParams(days=2, gps_every_s=600)))
    >>> sorted(export.expected), export.needs_tz
    (['jobs', 'locations'], True)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.samples.common import (
    MILE_M,
    RAW_TRIP_STATUS,
    CsvSpec,
    Export,
    expected_frame,
    fint,
    fnum,
    job_status,
    rlocal,
    rnum,
    unpadded,
)
from toolkit.samples.uber_portal import DRIVER_STATUS
from toolkit.samples.uber_trips import sorted_jobs
from toolkit.simulate import World

SAR_2016 = CsvSpec(",", "\r\n", "\\N")
TRIP_DETAILS_HEADER = [
    "request_time", "begintrip_time", "begintrip_latitude", "begintrip_longitude", "dropoff_time",
    "dropoff_latitude", "dropoff_longitude", "status", "currency", "fare_profile", "fare", "distance",
    "duration", "surge_multiplier"]
DEVICE_HEADER = ["lat", "lng", "gps_time_ms", "altitude", "speed", "horizontal_accuracy", "vertical_accuracy",
                 "driver_status", "battery_level", "type"]
RIDER_DEVICE_HEADER = ["lat", "lng", "occurred_at", "speed", "horizontal_accuracy", "vertical_accuracy",
                       "driver_status", "rider_status", "battery_level", "type"]
LOST_TIME_HEADER = [
    "previous_dropoff_time", "previous_dropoff_latitude", "previous_dropoff_longitude", "previous_status",
    "next_request_time", "next_begintrip_time", "next_begintrip_latitude", "next_begintrip_longitude",
    "previous_currency", "previous_fare_profile", "previous_fare", "previous_distance", "previous_duration",
    "previous_surge_multiplier", "notask_minutes", "nopassenger_minutes", "nopassenger_pythagorean_distance",
    "nopassenger_speed"]


def sar_2016(world: World) -> Export:
    """The Geneva 2015–2016 response of `world` (see the module docstring).

    Example:
        >>> from toolkit.simulate import SimParams, simulate_worker
        >>> ex = sar_2016(simulate_worker(SimParams(days=2, gps_every_s=600)))
        >>> sorted(ex.ignored)
        ['2 - Rider Detailed Device Data.csv', 'Lost Time details (Driver).csv']
    """
    ex = Export(needs_tz=True)
    zone = world.params.zone
    trips = ex.add("Trip details (Driver).csv", TRIP_DETAILS_HEADER, trip_details(world), SAR_2016, "jobs",
                   lambda path, rows: expected_trip_details(path, rows, zone))
    ex.add("1 - Driver Detailed Device Data.csv", DEVICE_HEADER, device_data(world), SAR_2016, "locations",
           expected_device)
    ex.add("2 - Rider Detailed Device Data.csv", RIDER_DEVICE_HEADER, _rider_device(world), SAR_2016)
    ex.add("Lost Time details (Driver).csv", LOST_TIME_HEADER, _lost_time(trips), SAR_2016)
    ex.ignored += ["2 - Rider Detailed Device Data.csv", "Lost Time details (Driver).csv"]
    return ex


def trip_details(world: World) -> pd.DataFrame:
    """One row per job; every 17th completed trip is written `fare_split`.

    Example:
        >>> from toolkit.simulate import SimParams, simulate_worker
        >>> w = simulate_worker(SimParams(days=2, gps_every_s=0))
        >>> len(trip_details(w)) == len(w.jobs)
        True
    """
    jobs, zone = sorted_jobs(world), world.params.zone
    done = (jobs["status"] == "completed").to_numpy()
    raw = [RAW_TRIP_STATUS[s] for s in jobs["status"]]
    split = done & (np.cumsum(done) % 17 == 0)
    return pd.DataFrame({
        "request_time": unpadded(jobs["requested_at"], zone),
        "begintrip_time": unpadded(jobs["picked_up_at"], zone),
        "begintrip_latitude": fnum(jobs["pickup_lat"].round(6).where(done)),
        "begintrip_longitude": fnum(jobs["pickup_lon"].round(6).where(done)),
        "dropoff_time": unpadded(jobs["dropped_off_at"], zone),
        "dropoff_latitude": fnum(jobs["dropoff_lat"].round(6)),
        "dropoff_longitude": fnum(jobs["dropoff_lon"].round(6)),
        "status": ["fare_split" if s else r for s, r in zip(split, raw, strict=True)],
        "currency": world.params.currency, "fare_profile": jobs["product"].tolist(),
        "fare": fnum(jobs["fare"]),
        "distance": fnum((jobs["job_distance_m"].where(done, 0.0) / MILE_M).round(4)),
        "duration": fnum(jobs["job_duration_s"].where(done) / 60),
        "surge_multiplier": fnum(jobs["surge_multiplier"]),
    }, dtype="object")


def expected_trip_details(path: str, rows: pd.DataFrame, zone: str) -> pd.DataFrame:
    """The `jobs` rows from `Trip details (Driver).csv`, local times placed in `zone` (the user's `--tz`);
    `distance` has no stated unit, so `job_distance_m` stays null.

    Example:
        >>> rows = pd.DataFrame({"request_time": ["2015-12-02 7:10:55"], "begintrip_time": [None],
        ...     "dropoff_time": [None], "begintrip_latitude": [None], "begintrip_longitude": [None],
        ...     "dropoff_latitude": [None], "dropoff_longitude": [None], "status": ["rider_canceled"],
        ...     "currency": ["CHF"], "fare_profile": ["uberX"], "fare": ["0.0"], "duration": [None],
        ...     "surge_multiplier": ["1.0"]})
        >>> str(expected_trip_details("t.csv", rows, "Europe/Zurich")["requested_at"][0])
        '2015-12-02 06:10:55+00:00'
    """
    data = {"kind": "ride", "product": rows["fare_profile"], "status": job_status(rows["status"]),
            "raw_status": rows["status"], "requested_at": rlocal(rows, "request_time", zone),
            "picked_up_at": rlocal(rows, "begintrip_time", zone),
            "dropped_off_at": rlocal(rows, "dropoff_time", zone),
            "pickup_lat": rnum(rows, "begintrip_latitude"), "pickup_lon": rnum(rows, "begintrip_longitude"),
            "dropoff_lat": rnum(rows, "dropoff_latitude"), "dropoff_lon": rnum(rows, "dropoff_longitude"),
            "job_duration_s": rnum(rows, "duration") * 60, "surge_multiplier": rnum(rows, "surge_multiplier"),
            "fare": rnum(rows, "fare"), "currency": rows["currency"]}
    return expected_frame("jobs", path, rows, data)


def device_data(world: World) -> pd.DataFrame:
    """One row per GPS fix; a few fixes carry no status (`\\N`) and some are taps or impressions.

    Example:
        >>> from toolkit.simulate import SimParams, simulate_worker
        >>> w = simulate_worker(SimParams(days=2, gps_every_s=600))
        >>> len(device_data(w)) == len(w.gps)
        True
    """
    gps = world.gps.reset_index(drop=True)
    rng = np.random.default_rng([world.params.seed, 2016])
    i = np.arange(len(gps))
    ms = gps["ts"].astype("int64").to_numpy() // 1000
    kind = np.where(gps["phase"] == "offline", "lifecycle",
                    np.where(i % 13 == 5, "impression", np.where(i % 29 == 7, "tap", "custom")))
    status = [None if k % 97 == 50 else DRIVER_STATUS[p] for k, p in zip(i, gps["phase"], strict=True)]
    battery = 1.0 - (ms // 1000 % 86400) / 86400 * 0.7
    return pd.DataFrame({
        "lat": fnum(gps["lat"]), "lng": fnum(gps["lon"]), "gps_time_ms": fint(ms),
        "altitude": fnum(gps["altitude_m"].round(1)),
        "speed": fnum(gps["speed_mps"].round(2)), "horizontal_accuracy": fnum(gps["accuracy_m"].round(1)),
        "vertical_accuracy": fnum(rng.uniform(2.0, 12.0, len(gps)).round(1)), "driver_status": status,
        "battery_level": fnum(battery.round(2)), "type": kind.tolist(),
    }, dtype="object")


def expected_device(path: str, rows: pd.DataFrame) -> pd.DataFrame:
    """The `locations` rows from the driver device data.

    Example:
        >>> rows = pd.DataFrame({"lat": ["46.2"], "lng": ["6.1"], "gps_time_ms": ["1449036655000"],
        ...     "altitude": ["375.0"], "speed": ["3.5"], "horizontal_accuracy": ["5.0"],
        ...     "driver_status": [None], "type": ["custom"]})
        >>> e = expected_device("d.csv", rows)
        >>> str(e["ts"][0]), e["online"].tolist()
        ('2015-12-02 06:10:55+00:00', [None])
    """
    ms = rnum(rows, "gps_time_ms").astype("int64")
    status = rows["driver_status"]
    data = {"ts": pd.to_datetime(ms, unit="ms", utc=True).dt.as_unit("us"), "lat": rnum(rows, "lat"),
            "lon": rnum(rows, "lng"), "accuracy_m": rnum(rows, "horizontal_accuracy"),
            "altitude_m": rnum(rows, "altitude"), "speed_mps": rnum(rows, "speed"),
            "online": pd.array([None if s is None else s != "offline" for s in status], dtype="boolean"),
            "raw_status": status, "event": rows["type"]}
    return expected_frame("locations", path, rows, data)


def _rider_device(world: World) -> pd.DataFrame:
    """A dozen fixes of the worker's own rider app, one morning before the first login (ignored)."""
    p = world.params
    first = int(world.intervals["start_at"].min().timestamp() * 1000) - 3 * 3600 * 1000
    return pd.DataFrame({
        "lat": fnum([p.centre_lat + 0.001 * k for k in range(12)]), "lng": fnum([p.centre_lon] * 12),
        "occurred_at": [str(first + 5000 * k) for k in range(12)], "speed": "0.0",
        "horizontal_accuracy": "10.0",
        "vertical_accuracy": "4.0", "driver_status": None, "rider_status": "looking", "battery_level": "0.8",
        "type": "custom"}, dtype="object")


def _lost_time(trips: pd.DataFrame) -> pd.DataFrame:
    """An analyst's pairing of consecutive completed trips (what the real file seems to be)."""
    done = trips[trips["begintrip_time"].notna()].reset_index(drop=True)
    prev, nxt = done.iloc[:-1].reset_index(drop=True), done.iloc[1:].reset_index(drop=True)
    minutes = [(pd.Timestamp(b) - pd.Timestamp(a)).total_seconds() / 60
               for a, b in zip(prev["dropoff_time"], nxt["begintrip_time"], strict=True)]
    notask = [(pd.Timestamp(b) - pd.Timestamp(a)).total_seconds() / 60
              for a, b in zip(prev["dropoff_time"], nxt["request_time"], strict=True)]
    km = np.hypot((rnum(nxt, "begintrip_latitude") - rnum(prev, "dropoff_latitude")) * 111.2,
                  (rnum(nxt, "begintrip_longitude") - rnum(prev, "dropoff_longitude")) * 77.0)
    return pd.DataFrame({
        "previous_dropoff_time": prev["dropoff_time"], "previous_dropoff_latitude": prev["dropoff_latitude"],
        "previous_dropoff_longitude": prev["dropoff_longitude"], "previous_status": prev["status"],
        "next_request_time": nxt["request_time"], "next_begintrip_time": nxt["begintrip_time"],
        "next_begintrip_latitude": nxt["begintrip_latitude"],
        "next_begintrip_longitude": nxt["begintrip_longitude"],
        "previous_currency": prev["currency"], "previous_fare_profile": prev["fare_profile"],
        "previous_fare": prev["fare"], "previous_distance": prev["distance"],
        "previous_duration": prev["duration"],
        "previous_surge_multiplier": prev["surge_multiplier"], "notask_minutes": fnum(notask),
        "nopassenger_minutes": fnum(minutes), "nopassenger_pythagorean_distance": fnum(km.round(3)),
        "nopassenger_speed": fnum((km / np.maximum(np.asarray(minutes) / 60, 1e-6)).round(2)),
    }, dtype="object")
