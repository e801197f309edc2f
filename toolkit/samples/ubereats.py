"""Synthetic Uber Eats courier export in the Lausanne 2025 access-request layout (`sar-eats-2025`).

Imitates export-formats.md §3, §2.4b and §2.7b (headers verbatim): `11 - Driver Online Offline.csv`
(7 columns, no coordinates), `23a - Driver Payments.csv` (`city_name` first, every 7th `category` empty
as in the real file, which must then be derived from `classification`) and `31 - Courier Lifetime Trip
Data.csv` (22 columns: distances in miles, `dropoff_delivery_distance_km` in km, `UBER VÉLO` on some
rows). `,`, LF, empty cells for null, `2023-11-10 11:36:35` timestamps (UTC in `*_utc` columns, local
wall clock in `*_local` ones). The still-open last Online Offline row has neither end nor duration. The
folder name `CH-Lausanne/` is made up (the public sample ships the files in a curator's folder).

Example:
    >>> from toolkit.simulate import SimParams, simulate_worker
    >>> w = simulate_worker(SimParams(days=2, kind="delivery", commission=0.0, gps_every_s=0))
    >>> sorted(sar_eats_2025(w).expected)
    ['earnings', 'jobs', 'status_segments']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.samples.common import (
    EATS,
    MILE_M,
    PLAIN,
    Export,
    expected_frame,
    fint,
    fnum,
    fts,
    rnum,
    rutc,
)
from toolkit.samples.uber_files import (
    OnlineVariant,
    expected_online_offline,
    expected_payments,
    online_offline,
    payments,
)
from toolkit.simulate import World

EATS_ONLINE = OnlineVariant(
    header=["earner_state", "city_id", "begin_timestamp_utc", "end_timestamp_utc", "duration_ms",
            "begin_timestamp_local", "end_timestamp_local"],
    state="earner_state", begin="begin_timestamp_utc", begin_local="begin_timestamp_local",
    duration="duration_ms", duration_unit_s=0.001, fmt=PLAIN, coordinates=False,
    open_end_keeps_duration=False)
PAYMENTS_HEADER = ["city_name", "amount_local", "currency_code", "classification", "category",
                   "recognize_timestamp_local"]
PAY_NAMES = {"amount": "amount_local", "currency": "currency_code", "classification": "classification",
             "category": "category", "timestamp": "recognize_timestamp_local"}
TRIPS_HEADER = [
    "city_name", "courier_accept_timestamp_local", "courier_accept_timestamp_utc",
    "courier_accept_to_pickup_distance_miles", "courier_accept_to_pickup_duration_seconds",
    "courier_accept_trip_lat", "courier_accept_trip_lng", "courier_app_version",
    "courier_arrival_pickup_timestamp_local", "courier_begintrip_lat", "courier_begintrip_lng",
    "courier_begintrip_timestamp_local", "courier_begintrip_to_dropoff_miles",
    "courier_begintrip_to_dropoff_seconds", "courier_commission_rate", "courier_device",
    "courier_arrival_dropoff_timestamp_local", "courier_dropoff_timestamp_local", "delivery_status",
    "dropoff_delivery_distance_km", "restaurant_request_timestamp_local", "license_plate"]
_RAW_STATUS = {"completed": "completed", "failed": "failed", "cancelled_by_worker": "driver_canceled",
               "cancelled_by_customer": "canceled"}
_STATUS = {"completed": "completed", "failed": "failed", "driver_canceled": "cancelled_by_worker"}
_LOCAL = {"requested_at": "restaurant_request_timestamp_local",
          "arrived_pickup_at": "courier_arrival_pickup_timestamp_local",
          "picked_up_at": "courier_begintrip_timestamp_local",
          "arrived_dropoff_at": "courier_arrival_dropoff_timestamp_local",
          "dropped_off_at": "courier_dropoff_timestamp_local"}
CITY, CITY_ID = "Lausanne", "1019"


def sar_eats_2025(world: World) -> Export:
    """The Uber Eats courier response of `world` (see the module docstring).

    Example:
        >>> from toolkit.simulate import SimParams, simulate_worker
        >>> w = simulate_worker(SimParams(days=2, kind="delivery", gps_every_s=0))
        >>> sorted(sar_eats_2025(w).files)[0]
        'CH-Lausanne/11 - Driver Online Offline.csv'
    """
    ex, folder, zone = Export(), "CH-Lausanne/", world.params.zone
    online = online_offline(world, EATS_ONLINE, {"city_id": CITY_ID})
    ex.add(folder + "11 - Driver Online Offline.csv", EATS_ONLINE.header, online, EATS, "status_segments",
           lambda p, r: expected_online_offline(p, r, EATS_ONLINE))
    pay = payments(world, PAY_NAMES, {"city_name": CITY}, blank_every=7)
    ex.add(folder + "23a - Driver Payments.csv", PAYMENTS_HEADER, pay, EATS, "earnings",
           lambda p, r: expected_payments(p, r, PAY_NAMES, zone))
    ex.add(folder + "31 - Courier Lifetime Trip Data.csv", TRIPS_HEADER, courier_trips(world), EATS, "jobs",
           expected_courier_trips)
    return ex


def courier_trips(world: World) -> pd.DataFrame:
    """One row of `Courier Lifetime Trip Data` per simulated delivery, by accept time.

    Example:
        >>> from toolkit.simulate import SimParams, simulate_worker
        >>> w = simulate_worker(SimParams(days=2, kind="delivery", gps_every_s=0))
        >>> len(courier_trips(w)) == len(w.jobs)
        True
    """
    jobs = world.jobs.sort_values("accepted_at", kind="stable").reset_index(drop=True)
    zone = world.params.zone
    picked = jobs["picked_up_at"].notna().to_numpy()
    rng = np.random.default_rng([world.params.seed, 31])
    near = rng.uniform(0.005, 0.05, len(jobs)).round(4)
    cells = pd.DataFrame({
        "city_name": CITY, "courier_accept_timestamp_local": fts(jobs["accepted_at"], PLAIN, zone),
        "courier_accept_timestamp_utc": fts(jobs["accepted_at"], PLAIN),
        "courier_accept_to_pickup_distance_miles": fnum(jobs["to_pickup_distance_m"] / MILE_M),
        "courier_accept_to_pickup_duration_seconds": fint(jobs["to_pickup_duration_s"]),
        "courier_accept_trip_lat": fnum(jobs["accept_lat"].round(6)),
        "courier_accept_trip_lng": fnum(jobs["accept_lon"].round(6)), "courier_app_version": "4.433.10001",
        "courier_begintrip_lat": fnum(jobs["pickup_lat"].round(6).where(picked)),
        "courier_begintrip_lng": fnum(jobs["pickup_lon"].round(6).where(picked)),
        "courier_begintrip_to_dropoff_miles": fnum(jobs["job_distance_m"] / MILE_M),
        "courier_begintrip_to_dropoff_seconds": fint(jobs["job_duration_s"]),
        "courier_commission_rate": "0.0",
        "courier_device": "iphone", "delivery_status": [_RAW_STATUS[s] for s in jobs["status"]],
        "dropoff_delivery_distance_km": fnum(np.where(jobs["dropped_off_at"].notna(), near, np.nan)),
        "license_plate": ["UBER VÉLO" if i % 5 == 2 else None for i in range(len(jobs))],
    }, dtype="object")
    for column, source in _LOCAL.items():
        cells[source] = fts(jobs[column], PLAIN, zone)
    return cells


def expected_courier_trips(path: str, rows: pd.DataFrame) -> pd.DataFrame:
    """The `jobs` rows from `Courier Lifetime Trip Data`: each row's local times are placed with that
    row's own offset (`courier_accept_timestamp_local - courier_accept_timestamp_utc`).

    Example:
        >>> rows = pd.DataFrame({c: [None] for c in TRIPS_HEADER})
        >>> rows.loc[0, ["courier_accept_timestamp_local", "courier_accept_timestamp_utc",
        ...              "restaurant_request_timestamp_local", "delivery_status"]] = [
        ...     "2023-11-10 11:36:35", "2023-11-10 10:36:35", "2023-11-10 11:30:00", "unfulfilled"]
        >>> e = expected_courier_trips("t.csv", rows)
        >>> str(e["requested_at"][0]), e["status"][0]
        ('2023-11-10 10:30:00+00:00', 'other')
    """
    accepted = rutc(rows, "courier_accept_timestamp_utc")
    offset = rutc(rows, "courier_accept_timestamp_local") - accepted
    data: dict[str, object] = {column: rutc(rows, source) - offset for column, source in _LOCAL.items()}
    data.update(
        kind="delivery", status=[_STATUS.get(s, "other") for s in rows["delivery_status"]],
        raw_status=rows["delivery_status"], accepted_at=accepted,
        accept_lat=rnum(rows, "courier_accept_trip_lat"), accept_lon=rnum(rows, "courier_accept_trip_lng"),
        pickup_lat=rnum(rows, "courier_begintrip_lat"), pickup_lon=rnum(rows, "courier_begintrip_lng"),
        to_pickup_distance_m=rnum(rows, "courier_accept_to_pickup_distance_miles") * MILE_M,
        to_pickup_duration_s=rnum(rows, "courier_accept_to_pickup_duration_seconds"),
        job_distance_m=rnum(rows, "courier_begintrip_to_dropoff_miles") * MILE_M,
        job_duration_s=rnum(rows, "courier_begintrip_to_dropoff_seconds"))
    return expected_frame("jobs", path, rows, data)
