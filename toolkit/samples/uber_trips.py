"""What the Uber SAR trip and dispatch files say about a simulated World (shared by the 2021 French and
the Geneva layouts): the cells of `Driver Lifetime Trips` (export-formats.md §2.1) and the hourly windows
of `Driver Dispatches Offered and Accepted` (§2.5), and the rows the ingest must read from them.

Example:
    >>> from toolkit.simulate import SimParams, simulate_worker
    >>> w = simulate_worker(SimParams(days=2, seed=2, gps_every_s=0))
    >>> int(hourly_windows(w)["dispatches"].sum()) == len(w.offers)
    True
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
import pandas as pd

from toolkit.samples.common import (
    MILE_M,
    RAW_TRIP_STATUS,
    expected_frame,
    fbool,
    fint,
    fnum,
    fts,
    job_status,
    pay_of,
    rnum,
    rutc,
    usd,
)
from toolkit.simulate import World

FR_TRIPS_HEADER = [
    "city_id", "currency_code", "timezone", "flow", "source_tag", "product_type_name", "global_product_name",
    "request_timestamp_local", "request_timestamp_utc", "begintrip_timestamp_local",
    "begintrip_timestamp_utc", "dropoff_timestamp_local", "dropoff_timestamp_utc", "eta", "surge_multiplier",
    "is_surged", "has_destination", "is_pool_matched", "is_star_power", "request_to_begin_distance_miles",
    "request_to_begin_duration_seconds", "trip_distance_miles", "trip_duration_seconds", "status",
    "is_completed", "is_flat_rate", "is_cash_trip", "is_wait_time_eligible", "is_rewindtrip",
    "rewindtrip_timestamp_local", "rewindtrip_timestamp_utc", "promotion_local", "promotion_usd",
    "credits_local", "credits_usd", "has_driver_upfront_fare", "driver_upfront_fare_local",
    "driver_upfront_fare_usd", "original_fare_local", "original_fare_usd", "base_fare_local",
    "base_fare_usd", "surge_fare_local", "surge_fare_usd", "minimum_fare_roundup_local",
    "minimum_fare_roundup_usd", "per_mile_fare_local", "per_mile_fare_usd", "per_minute_fare_local",
    "per_minute_fare_usd", "cancellation_fee_local", "cancellation_fee_usd", "rounding_down_amount_local",
    "rounding_down_amount_usd", "service_fee_local", "service_fee_usd", "toll_amount_local",
    "toll_amount_usd", "booking_fee_local", "booking_fee_usd", "earnings_boost_local", "earnings_boost_usd",
    "fare_distance_miles", "fare_duration_minutes", "request_date_id_local", "driver_trip_number",
    "concierge_source_type", "wait_time_fare_local", "wait_time_fare_usd", "service_fee", "is_on_time",
    "driver_cancellation_reason", "vehicle_trip_number", "is_multidestination", "driver_surge_multiplier",
    "long_distance_surcharge_local", "long_distance_surcharge_usd", "guaranteed_surge_multiplier",
    "ufp_type", "cancellation_type", "carrier_mcc", "carrier_mnc", "is_directed_dispatch_trip",
    "wait_duration_minutes", "is_scheduled_trip", "is_airport_trip"]
"""French SAR 2021 `Driver Lifetime Trips`, 86 columns verbatim (export-formats.md §2.1a)."""

_LINES = {"base_fare": "transport.fare.base", "surge_fare": "transport.fare.surge",
          "per_mile_fare": "transport.fare.distance", "per_minute_fare": "transport.fare.time",
          "cancellation_fee": "transport.fare.cancellation_fee", "toll_amount": "transport.toll",
          "wait_time_fare": "transport.fare.charges.wait_time",
          "driver_upfront_fare": "transport.fare.driver_upfront_fare"}
_ZERO = ["promotion", "credits", "minimum_fare_roundup", "rounding_down_amount", "booking_fee",
         "earnings_boost",
         "long_distance_surcharge"]


def trip_cells(world: World, fmt: str, city_id: str) -> pd.DataFrame:
    """One row of `Driver Lifetime Trips` per simulated job (by request time), every column of the French
    header, timestamps written with `fmt` (local columns in the worker's zone).

    Example:
        >>> from toolkit.simulate import SimParams, simulate_worker
        >>> w = simulate_worker(SimParams(days=2, seed=2, gps_every_s=0))
        >>> len(trip_cells(w, "%Y-%m-%d %H:%M:%S", "3")) == len(w.jobs)
        True
    """
    p, jobs = world.params, sorted_jobs(world)
    n, zone, done = len(jobs), world.params.zone, (jobs["status"] == "completed").to_numpy()
    cells = pd.DataFrame({c: [None] * n for c in FR_TRIPS_HEADER}, dtype="object")
    line = {name: jobs["job_id"].map(pay_of(world, cls)).astype("float64") for name, cls in _LINES.items()}
    upfront = line["driver_upfront_fare"].notna().to_numpy()
    money = {name: values.fillna(0.0) for name, values in line.items() if name != "driver_upfront_fare"}
    money.update({name: pd.Series(0.0, index=jobs.index) for name in _ZERO})
    money["original_fare"] = jobs["fare"]
    money["service_fee"] = -jobs["job_id"].map(pay_of(world, "intermediary.commission")).fillna(0.0)
    for name, values in money.items():
        cells[f"{name}_local"] = fnum(values.round(2) + 0.0)
        cells[f"{name}_usd"] = fnum(usd(values, p.currency) + 0.0)
    cells["driver_upfront_fare_local"] = fnum(line["driver_upfront_fare"])
    cells["driver_upfront_fare_usd"] = fnum(usd(line["driver_upfront_fare"], p.currency))
    stamps = {"request": "requested_at", "begintrip": "picked_up_at", "dropoff": "dropped_off_at"}
    for prefix, column in stamps.items():
        cells[f"{prefix}_timestamp_local"] = fts(jobs[column], fmt, zone)
        cells[f"{prefix}_timestamp_utc"] = fts(jobs[column], fmt)
    miles = np.where(done, jobs["job_distance_m"] / MILE_M, 0.0)
    to_begin = (jobs["picked_up_at"] - jobs["requested_at"]).dt.total_seconds()
    surge = jobs["surge_multiplier"]
    at_pickup = (jobs["picked_up_at"] - jobs["arrived_pickup_at"]).dt.total_seconds()
    raw = [RAW_TRIP_STATUS[s] for s in jobs["status"]]
    cells = cells.assign(
        city_id=city_id, currency_code=p.currency, timezone=zone, flow="Black", source_tag="driver_app",
        product_type_name=jobs["product"].tolist(), global_product_name="UberX",
        eta=fnum(jobs["eta_s"].astype(float)), surge_multiplier=fnum(surge), is_surged=fbool(surge > 1),
        has_destination="true", is_pool_matched="false", is_star_power="false",
        request_to_begin_distance_miles=fnum(np.where(done, jobs["to_pickup_distance_m"] / MILE_M, np.nan)),
        request_to_begin_duration_seconds=fint(to_begin), trip_distance_miles=fnum(miles),
        trip_duration_seconds=fint(np.where(done, jobs["job_duration_s"], 0.0)), status=raw,
        is_completed=fbool(done), is_flat_rate="false", is_cash_trip="false", is_wait_time_eligible="true",
        is_rewindtrip="false", has_driver_upfront_fare=fbool(upfront), fare_distance_miles=fnum(miles),
        fare_duration_minutes=fnum(np.where(done, jobs["job_duration_s"] / 60.0, 0.0)),
        request_date_id_local=fts(jobs["requested_at"], "%Y-%m-%d", zone),
        driver_trip_number=[str(i + 1) for i in range(n)], vehicle_trip_number=[str(i + 1) for i in range(n)],
        service_fee=repr(float(p.commission)), is_multidestination="false",
        driver_surge_multiplier=fnum(surge),
        ufp_type=["ufp_honored" if u else "no_ufp" for u in upfront],
        cancellation_type=_when(raw, "rider_canceled", "client_standard_cancel"),
        driver_cancellation_reason=_when(raw, "driver_canceled", "other"),
        carrier_mcc="208", carrier_mnc="10", is_directed_dispatch_trip="false", is_scheduled_trip="false",
        is_airport_trip="false",
        wait_duration_minutes=fnum(at_pickup / 60),
    )
    return cells


def sorted_jobs(world: World) -> pd.DataFrame:
    """The simulated jobs in request-time order.

    Example:
        >>> from toolkit.simulate import SimParams, simulate_worker
        >>> jobs = sorted_jobs(simulate_worker(SimParams(days=2, gps_every_s=0)))
        >>> jobs["requested_at"].is_monotonic_increasing
        True
    """
    return world.jobs.sort_values("requested_at", kind="stable").reset_index(drop=True)


def expected_trips(path: str, rows: pd.DataFrame, coordinates: bool) -> pd.DataFrame:
    """The `jobs` rows the ingest must read from a SAR trips file (docs/uber-mapping.md, jobs).

    Example:
        >>> rows = pd.DataFrame({"product_type_name": ["uberX"], "status": ["fare_split"],
        ...     "request_timestamp_utc": ["2021-02-01T10:00:00.000Z"], "begintrip_timestamp_utc": [None],
        ...     "dropoff_timestamp_utc": [None], "request_to_begin_distance_miles": [None],
        ...     "request_to_begin_duration_seconds": [None], "trip_distance_miles": ["1.0"],
        ...     "trip_duration_seconds": ["60"], "surge_multiplier": ["1.0"], "original_fare_local": ["7.5"],
        ...     "currency_code": ["EUR"]})
        >>> expected_trips("t.csv", rows, False)[["status", "job_distance_m"]].values.tolist()
        [['completed', 1609.344]]
    """
    data: dict[str, object] = {
        "kind": "ride", "product": rows["product_type_name"], "status": job_status(rows["status"]),
        "raw_status": rows["status"], "requested_at": rutc(rows, "request_timestamp_utc"),
        "picked_up_at": rutc(rows, "begintrip_timestamp_utc"),
        "dropped_off_at": rutc(rows, "dropoff_timestamp_utc"),
        "job_distance_m": rnum(rows, "trip_distance_miles") * MILE_M,
        "job_duration_s": rnum(rows, "trip_duration_seconds"),
        "surge_multiplier": rnum(rows, "surge_multiplier"),
        "fare": rnum(rows, "original_fare_local"), "currency": rows["currency_code"],
    }
    if "request_to_begin_distance_miles" in rows:  # SAR layouts; not in the 2025 portal file
        data.update(to_pickup_distance_m=rnum(rows, "request_to_begin_distance_miles") * MILE_M,
                    to_pickup_duration_s=rnum(rows, "request_to_begin_duration_seconds"))
    if coordinates:
        data.update(pickup_lat=rnum(rows, "begintrip_lat"), pickup_lon=rnum(rows, "begintrip_lng"),
                    dropoff_lat=rnum(rows, "dropoff_lat"), dropoff_lon=rnum(rows, "dropoff_lng"))
    return expected_frame("jobs", path, rows, data)


def hourly_windows(world: World) -> pd.DataFrame:
    """Per UTC hour with time online: minutes online / active (P2+P3) / on trip (P3), offers by outcome
    (by offer time), job cancellations and completions and completed fares (by accept time).

    Example:
        >>> from toolkit.simulate import SimParams, simulate_worker
        >>> w = simulate_worker(SimParams(days=2, seed=2, gps_every_s=0))
        >>> round(hourly_windows(w)["minutes_online"].sum() * 60) == w.truth["time"]["logged_in_s"]
        True
    """
    acc: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    online = world.intervals[world.intervals["state"] != "offline"]
    for a, b, state in zip(_secs(online["start_at"]), _secs(online["end_at"]), online["state"], strict=True):
        hour = a - a % 3600
        while hour < b:
            seconds = min(b, hour + 3600) - max(a, hour)
            acc[hour]["minutes_online"] += seconds / 60
            acc[hour]["minutes_active"] += seconds / 60 if state != "waiting" else 0.0
            acc[hour]["minutes_on_trip"] += seconds / 60 if state == "on_job" else 0.0
            hour += 3600
    names = {"accepted": "accepts", "rejected": "rejections", "expired": "expireds", "cancelled": "cancelled"}
    for at, outcome in zip(_secs(world.offers["offered_at"]), world.offers["outcome"], strict=True):
        acc[at - at % 3600]["dispatches"] += 1
        acc[at - at % 3600][names[outcome]] += 1
    jobs_by = {"cancelled_by_worker": "driver_cancellations", "cancelled_by_customer": "rider_cancellations",
               "completed": "completed_trips"}
    for at, status, fare in zip(_secs(world.jobs["accepted_at"]), world.jobs["status"], world.jobs["fare"],
                                strict=True):
        if status in jobs_by:
            acc[at - at % 3600][jobs_by[status]] += 1
        acc[at - at % 3600]["trip_fares"] += fare if status == "completed" else 0.0
    columns = ["minutes_online", "minutes_active", "minutes_on_trip", "dispatches", "rejections", "accepts",
               "expireds", "driver_cancellations", "rider_cancellations", "completed_trips", "trip_fares"]
    hours = sorted(acc)
    frame = pd.DataFrame({c: [acc[h].get(c, 0.0) for h in hours] for c in columns}, dtype="float64")
    start = pd.to_datetime(pd.Series(hours, dtype="int64"), unit="s", utc=True).dt.as_unit("us")
    frame.insert(0, "start", start)
    frame["trip_fares"] = frame["trip_fares"].round(2)
    return frame


def expected_windows(path: str, rows: pd.DataFrame, currency: str | None) -> pd.DataFrame:
    """The `offer_windows` rows the ingest must read from a Dispatches file.

    Example:
        >>> rows = pd.DataFrame({c: ["1"] for c in ["dispatches", "accepts", "rejections", "expireds",
        ...     "driver_cancellations", "rider_cancellations", "completed_trips", "minutes_online",
        ...     "minutes_active", "minutes_on_trip", "trip_fares"]})
        >>> rows["start_timestamp_utc"] = rows["end_timestamp_utc"] = ["2021-02-01 10:00:00"]
        >>> int(expected_windows("d.csv", rows, None)["offers"][0])
        1
    """
    ints = {"offers": "dispatches", "accepted": "accepts", "rejected": "rejections", "expired": "expireds",
            "cancelled_by_worker": "driver_cancellations", "cancelled_by_customer": "rider_cancellations",
            "completed": "completed_trips"}
    data: dict[str, object] = {k: rnum(rows, v).astype("int64") for k, v in ints.items()}
    data.update(window_start=rutc(rows, "start_timestamp_utc"), window_end=rutc(rows, "end_timestamp_utc"),
                minutes_online=rnum(rows, "minutes_online"), minutes_active=rnum(rows, "minutes_active"),
                minutes_on_job=rnum(rows, "minutes_on_trip"), fares=rnum(rows, "trip_fares"),
                currency=currency,
                minutes_on_break=rnum(rows, "minutes_on_break") if "minutes_on_break" in rows else None)
    return expected_frame("offer_windows", path, rows, data)


def _secs(stamps: pd.Series) -> list[int]:
    return (stamps.astype("int64") // 10**6).astype(int).tolist()


def _when(raw: list[str], status: str, value: str) -> list[Any]:
    """`value` on the rows whose status is `status`, null elsewhere."""
    return [value if r == status else None for r in raw]
