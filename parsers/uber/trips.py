"""Uber trips -> `jobs`: driver lifetime trips (every variant), 2015–16 trip details, Eats deliveries.

Layouts (export-formats.md): `NN - Driver Lifetime Trips.csv` of access requests, French 2021 (`;`, 86
columns, `*_utc` and `*_local` with a bogus `Z`, a `timezone` column) and Geneva 2017–2022 (`,`, `\\N`,
naive times, request/begintrip/dropoff coordinates), §2.1; portal `driver_lifetime_trips-0.csv`, 2022
Title-Case (local times only, §2.2a) and 2025 snake_case (naive UTC, `_usd` money, §2.2b); the Geneva
2015–16 `Trip details (Driver).csv` (non-padded hours, no zone, duration in minutes, §2.3); and the Uber
Eats courier's `NN - Courier Lifetime Trip Data.csv` (Lausanne 2025, §3). None carries a trip id. The
mapping is docs/uber-mapping.md, "jobs".

Example:
    >>> trip_status(pd.Series(["fare_split", "rider_canceled", "unfulfilled"])).tolist()
    ['completed', 'cancelled_by_customer', 'other']
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from parsers.base import Batch, Member, ParseContext
from parsers.common import (
    MILE_M,
    column,
    coordinates,
    extra_json,
    finish,
    labels,
    pick_variant,
    place_local,
    read_csv,
    row_offsets,
    to_float,
    utc_or_local,
)

CHUNK_ROWS = 20_000
"""Rows per frame: trips files are wide (86 columns), and a row of Python strings weighs ~5 kB."""
TRIP_VARIANTS = {
    "snake_case with UTC times": ("status", "request_timestamp_utc"),
    "snake_case with local times": ("status", "request_timestamp_local"),
    "Title Case portal": ("Status", "Local Request Timestamp"),
}
DETAILS_VARIANTS = {"2015-16 trip details": ("status", "request_time", "begintrip_time", "dropoff_time")}
COURIER_VARIANTS = {"Eats courier 2025": ("delivery_status", "courier_accept_timestamp_local")}
TRIP_STATUSES = {
    "completed": "completed", "fare_split": "completed", "rider_canceled": "cancelled_by_customer",
    "driver_canceled": "cancelled_by_worker", "failed": "failed",
}
DELIVERY_STATUSES = {"completed": "completed", "failed": "failed", "driver_canceled": "cancelled_by_worker"}
_STAGES = (("requested_at", "request"), ("picked_up_at", "begintrip"), ("dropped_off_at", "dropoff"))


def parse_lifetime_trips(member: Member, ctx: ParseContext) -> Iterator[Batch]:
    """`Driver Lifetime Trips` (SAR) and portal `driver_lifetime_trips-N.csv` -> `jobs` (rides).

    Example:
        >>> import io
        >>> class M:
        ...     path, size = "driver_lifetime_trips-0.csv", 0
        ...     def open(self):
        ...         return io.BytesIO(b"status,request_timestamp_utc\\ncompleted,2025-01-02 03:04:05\\n")
        >>> batch = next(parse_lifetime_trips(M(), ParseContext("uber", "portal-2025")))
        >>> batch.rows[["kind", "status"]].to_dict("records")
        [{'kind': 'ride', 'status': 'completed'}]
    """
    for frame in read_csv(member, ctx, CHUNK_ROWS):
        variant = pick_variant(member.path, frame.columns, TRIP_VARIANTS)
        if variant == "Title Case portal":
            yield Batch("jobs", _title_case_trips(frame, ctx, member.path))
        else:
            yield Batch("jobs", _snake_case_trips(frame, ctx, member.path))


def parse_trip_details(member: Member, ctx: ParseContext) -> Iterator[Batch]:
    """Geneva 2015–16 `Trip details (Driver).csv` -> `jobs`; its times are local with no zone stated.

    `distance` has no stated unit: it is left null and kept in `extra`.

    Example:
        >>> import io
        >>> class M:
        ...     path, size = "Trip details (Driver).csv", 0
        ...     def open(self): return io.BytesIO(b"request_time,begintrip_time,dropoff_time,status,"
        ...         b"duration\\r\\n2015-12-02 7:10:55,,,completed,1.5\\r\\n")
        >>> ctx = ParseContext("uber", "sar-2016", user_tz="Europe/Zurich")
        >>> rows = next(parse_trip_details(M(), ctx)).rows
        >>> str(rows["requested_at"].iloc[0]), rows["job_duration_s"].iloc[0]
        ('2015-12-02 06:10:55+00:00', np.float64(90.0))
    """
    for frame in read_csv(member, ctx, CHUNK_ROWS):
        pick_variant(member.path, frame.columns, DETAILS_VARIANTS)
        file = member.path
        out = pd.DataFrame(index=frame.index)
        out["kind"] = "ride"
        out["product"] = column(frame, "fare_profile")
        out["raw_status"] = frame["status"]
        out["status"] = trip_status(frame["status"])
        for target, stem in _STAGES:
            name = "request_time" if stem == "request" else f"{stem}_time"
            out[target] = place_local(frame[name], ctx, file)
        out["pickup_lat"], out["pickup_lon"] = coordinates(frame, ctx, file, "begintrip_latitude",
                                                           "begintrip_longitude")
        out["dropoff_lat"], out["dropoff_lon"] = coordinates(frame, ctx, file, "dropoff_latitude",
                                                             "dropoff_longitude")
        out["job_duration_s"] = to_float(column(frame, "duration"), ctx, file) * 60.0
        out["surge_multiplier"] = to_float(column(frame, "surge_multiplier"), ctx, file)
        out["fare"] = to_float(column(frame, "fare"), ctx, file)
        out["currency"] = column(frame, "currency")
        used = ["fare_profile", "status", "request_time", "begintrip_time", "dropoff_time",
                "begintrip_latitude", "begintrip_longitude", "dropoff_latitude", "dropoff_longitude",
                "duration", "surge_multiplier", "fare", "currency"]
        yield Batch("jobs", _finish(out, frame, used))


def parse_courier_trips(member: Member, ctx: ParseContext) -> Iterator[Batch]:
    """Uber Eats `Courier Lifetime Trip Data` -> `jobs` (deliveries).

    The local times of a row are placed with that row's own offset (accept local - accept UTC) when
    both are given, else with the export's zone (or `--tz`).

    Example:
        >>> import io
        >>> class M:
        ...     path, size = "31 - Courier Lifetime Trip Data.csv", 0
        ...     def open(self): return io.BytesIO(b"delivery_status,courier_accept_timestamp_local,"
        ...         b"courier_accept_timestamp_utc,courier_dropoff_timestamp_local\\n"
        ...         b"completed,2023-11-10 12:36:35,2023-11-10 11:36:35,2023-11-10 12:59:00\\n")
        >>> rows = next(parse_courier_trips(M(), ParseContext("ubereats", "sar-eats-2025"))).rows
        >>> str(rows["dropped_off_at"].iloc[0])
        '2023-11-10 11:59:00+00:00'
    """
    for frame in read_csv(member, ctx, CHUNK_ROWS):
        pick_variant(member.path, frame.columns, COURIER_VARIANTS)
        yield Batch("jobs", _courier_trips(frame, ctx, member.path))


def trip_status(raw: pd.Series) -> pd.Series:
    """Uber's trip `status` to the model's (`fare_split` is completed; unknown values are `other`).

    Example:
        >>> trip_status(pd.Series(["driver_canceled", None])).tolist()
        ['cancelled_by_worker', 'other']
    """
    return labels(raw, TRIP_STATUSES, "other")


def _snake_case_trips(frame: pd.DataFrame, ctx: ParseContext, file: str) -> pd.DataFrame:
    out = pd.DataFrame(index=frame.index)
    out["kind"] = "ride"
    out["product"] = column(frame, "product_type_name")
    out["raw_status"] = frame["status"]
    out["status"] = trip_status(frame["status"])
    for target, stem in _STAGES:
        out[target] = utc_or_local(frame, ctx, file, f"{stem}_timestamp_utc", f"{stem}_timestamp_local",
                                   zone_col="timezone")
    out["pickup_lat"], out["pickup_lon"] = coordinates(frame, ctx, file, "begintrip_lat", "begintrip_lng")
    out["dropoff_lat"], out["dropoff_lon"] = coordinates(frame, ctx, file, "dropoff_lat", "dropoff_lng")
    miles = {"to_pickup_distance_m": "request_to_begin_distance_miles",
             "job_distance_m": "trip_distance_miles"}
    for target, source in miles.items():
        out[target] = to_float(column(frame, source), ctx, file) * MILE_M
    seconds = {"to_pickup_duration_s": "request_to_begin_duration_seconds",
               "job_duration_s": "trip_duration_seconds", "surge_multiplier": "surge_multiplier"}
    for target, source in seconds.items():
        out[target] = to_float(column(frame, source), ctx, file)
    # The 2025 US portal gives money in USD only (`original_fare_usd`, no `_local` twin; §2.2b).
    usd_only = "original_fare_local" not in frame and "original_fare_usd" in frame
    fare = "original_fare_usd" if usd_only else "original_fare_local"
    out["fare"] = to_float(column(frame, fare), ctx, file)
    out["currency"] = "USD" if usd_only else column(frame, "currency_code")
    used = ["product_type_name", "status", "timezone", fare, "currency_code", "begintrip_lat",
            "begintrip_lng", "dropoff_lat", "dropoff_lng", *miles.values(), *seconds.values()]
    used += [f"{stem}_timestamp_{end}" for _, stem in _STAGES for end in ("utc", "local")]
    return _finish(out, frame, used)


def _title_case_trips(frame: pd.DataFrame, ctx: ParseContext, file: str) -> pd.DataFrame:
    # Portal 2022: only "Local …" times, ending in a misleading Z (export-formats.md §1.7).
    out = pd.DataFrame(index=frame.index)
    out["kind"] = "ride"
    out["product"] = column(frame, "Product Name")
    out["raw_status"] = frame["Status"]
    out["status"] = trip_status(frame["Status"])
    times = {"requested_at": "Local Request Timestamp", "picked_up_at": "Begin Trip Local Timestamp",
             "dropped_off_at": "Local Dropoff Timestamp"}
    for target, source in times.items():
        out[target] = place_local(column(frame, source), ctx, file)
    out["job_distance_m"] = to_float(column(frame, "Trip Distance (miles)"), ctx, file) * MILE_M
    out["job_duration_s"] = to_float(column(frame, "Duration (Seconds)"), ctx, file)
    out["fare"] = to_float(column(frame, "Local Original Fare"), ctx, file)
    out["currency"] = column(frame, "Currency Code")
    used = ["Product Name", "Status", *times.values(), "Trip Distance (miles)", "Duration (Seconds)",
            "Local Original Fare", "Currency Code"]
    return _finish(out, frame, used)


def _courier_trips(frame: pd.DataFrame, ctx: ParseContext, file: str) -> pd.DataFrame:
    offsets = row_offsets(column(frame, "courier_accept_timestamp_local"),
                          column(frame, "courier_accept_timestamp_utc"))
    offsets.name = "courier_accept_timestamp_local - courier_accept_timestamp_utc"
    out = pd.DataFrame(index=frame.index)
    out["kind"] = "delivery"
    out["raw_status"] = frame["delivery_status"]
    out["status"] = labels(frame["delivery_status"], DELIVERY_STATUSES, "other")
    out["accepted_at"] = utc_or_local(frame, ctx, file, "courier_accept_timestamp_utc",
                                      "courier_accept_timestamp_local", offsets=offsets)
    local = {"requested_at": "restaurant_request_timestamp_local",
             "arrived_pickup_at": "courier_arrival_pickup_timestamp_local",
             "picked_up_at": "courier_begintrip_timestamp_local",
             "arrived_dropoff_at": "courier_arrival_dropoff_timestamp_local",
             "dropped_off_at": "courier_dropoff_timestamp_local"}
    for target, source in local.items():
        out[target] = place_local(column(frame, source), ctx, file, offsets=offsets)
    out["accept_lat"], out["accept_lon"] = coordinates(frame, ctx, file, "courier_accept_trip_lat",
                                                       "courier_accept_trip_lng")
    out["pickup_lat"], out["pickup_lon"] = coordinates(frame, ctx, file, "courier_begintrip_lat",
                                                       "courier_begintrip_lng")
    out["to_pickup_distance_m"] = to_float(column(frame, "courier_accept_to_pickup_distance_miles"),
                                           ctx, file) * MILE_M
    out["to_pickup_duration_s"] = to_float(column(frame, "courier_accept_to_pickup_duration_seconds"),
                                           ctx, file)
    out["job_distance_m"] = to_float(column(frame, "courier_begintrip_to_dropoff_miles"), ctx, file) * MILE_M
    out["job_duration_s"] = to_float(column(frame, "courier_begintrip_to_dropoff_seconds"), ctx, file)
    used = ["delivery_status", "courier_accept_timestamp_utc", "courier_accept_timestamp_local",
            *local.values(), "courier_accept_trip_lat", "courier_accept_trip_lng", "courier_begintrip_lat",
            "courier_begintrip_lng", "courier_accept_to_pickup_distance_miles",
            "courier_accept_to_pickup_duration_seconds", "courier_begintrip_to_dropoff_miles",
            "courier_begintrip_to_dropoff_seconds"]
    return _finish(out, frame, used)


def _finish(out: pd.DataFrame, frame: pd.DataFrame, used: list[str]) -> pd.DataFrame:
    out["source_row"] = frame["source_row"]
    out["extra"] = extra_json(frame, used)
    return finish(out, "jobs")
