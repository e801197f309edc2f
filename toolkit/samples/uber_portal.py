"""Synthetic Uber driver exports in the download-portal ("Download your data") layouts.

- `portal-2022`: the Title-Case `driver_lifetime_trips-0.csv` alone (export-formats.md §2.2a, header
  verbatim): local times only, written `...T...000Z` although local, so the ingest needs `--tz`.
- `portal-2025`: `Uber Data/<Folder>/<name>-<n>.csv` (§1.1, 2.2b, 2.7c, 2.10, 2.11): snake_case trips
  (73 columns: the 52 the reference lists as confirmed (it says 53), in its order, then the 3 documented
  local timestamps, then 18 assumed ones: the `_local` twins of the money columns,
  `earnings_boost_local/usd` and `is_wait_time_eligible`), naive UTC
  `*_utc` strings; Title-Case payments with `Trip UUID` (documented names, assumed order); the 18-column
  app analytics (verbatim) split into parts `-0` and `-1`, last 30 days only, with some rows that have no
  position; ratings with no date and no trip; and the rider-side `Rider/trips_data.csv` (verbatim header)
  and `Account and Profile/profile_data.csv` (documented columns only) that the ingest must ignore.
Line endings are not documented for either: LF is written.

Example:
    >>> from toolkit.simulate import SimParams, simulate_worker
    >>> export = portal_2022(simulate_worker(SimParams(days=2, gps_every_s=0)))
    >>> list(export.files), export.needs_tz
    (['driver_lifetime_trips-0.csv'], True)
"""

from __future__ import annotations

import pandas as pd

from toolkit.samples.common import (
    ISO_Z,
    MILE_M,
    PLAIN,
    PORTAL,
    RAW_TRIP_STATUS,
    Export,
    expected_frame,
    fbool,
    fint,
    fnum,
    fts,
    job_status,
    pay_of,
    rlocal,
    rnum,
    rutc,
)
from toolkit.samples.uber_files import expected_payments, payments
from toolkit.samples.uber_trips import expected_trips, sorted_jobs, trip_cells
from toolkit.simulate import World

TITLE_TRIPS_HEADER = [
    "Product Name", "Status", "Local Request Timestamp", "Begin Trip Local Timestamp",
    "Local Dropoff Timestamp", "Trip Distance (miles)", "Duration (Seconds)", "Local Base Fare",
    "Local Original Fare", "Local Cancellation Fee", "Currency Code", "Set Destination Trip"]
_CONFIRMED = (
    "city_name, currency_code, timezone, flow_type, product_type_name, global_product_name, license_plate, "
    "driver_trip_number, vehicle_trip_number, request_timestamp_utc, begintrip_timestamp_utc, "
    "dropoff_timestamp_utc, eta, trip_distance_miles, trip_duration_seconds, fare_distance_miles, "
    "fare_duration_minutes, wait_duration_minutes, status, is_completed, is_flat_rate, is_cash_trip, "
    "is_surged, is_pool_matched, has_destination, has_driver_upfront_fare, is_multidestination, "
    "is_scheduled_trip, is_airport_trip, is_directed_dispatch_trip, surge_multiplier, "
    "driver_surge_multiplier, guaranteed_surge_multiplier, original_fare_usd, base_fare_usd, surge_fare_usd, "
    "per_mile_fare_usd, "
    "per_minute_fare_usd, minimum_fare_roundup_usd, wait_time_fare_usd, long_distance_surcharge_usd, "
    "toll_amount_usd, booking_fee_usd, service_fee_usd, cancellation_fee_usd, driver_upfront_fare_usd, "
    "promotion_usd, credits_usd, driver_cancellation_reason, cancellation_type, ufp_type, "
    "concierge_source_type")
_ASSUMED = [f"{m}_local" for m in (
    "original_fare", "base_fare", "surge_fare", "per_mile_fare", "per_minute_fare", "minimum_fare_roundup",
    "wait_time_fare", "long_distance_surcharge", "toll_amount", "booking_fee", "service_fee",
    "cancellation_fee", "driver_upfront_fare", "promotion", "credits")]
_ASSUMED += ["earnings_boost_local", "earnings_boost_usd", "is_wait_time_eligible"]
SNAKE_TRIPS_HEADER = ([c.strip() for c in _CONFIRMED.split(",")]
                      + ["request_timestamp_local", "begintrip_timestamp_local", "dropoff_timestamp_local"]
                      + _ASSUMED)
PAYMENTS_HEADER = ["City Name", "Trip UUID", "Local Amount", "Currency Code", "Classification", "Category",
                   "Local Timestamp"]
PAY_NAMES = {"amount": "Local Amount", "currency": "Currency Code", "classification": "Classification",
             "category": "Category", "timestamp": "Local Timestamp", "trip": "Trip UUID"}
ANALYTICS_HEADER = [
    "Analytics Event Name", "City", "Cellular Carrier", "Carrier MCC", "Carrier MNC", "IP Address",
    "Device Language", "Device Model", "Device OS", "Device OS Version", "Is Driver Online?", "Driver Status",
    "Application Version", "Event Time (UTC)", "Latitude", "Longitude", "Speed (GPS)", "Analytics Event Type"]
RIDER_TRIPS_HEADER = [
    "City", "Product Type", "Trip or Order Status", "Request Time", "Begin Trip Time", "Begin Trip Lat",
    "Begin Trip Lng", "Begin Trip Address", "Dropoff Time", "Dropoff Lat", "Dropoff Lng", "Dropoff Address",
    "Distance (miles)", "Fare Amount", "Fare Currency"]
DRIVER_STATUS = {"waiting": "open", "offered": "dispatching", "to_pickup": "accepted", "at_pickup": "arrived",
                 "on_job": "on_trip", "offline": "offline"}
"""The simulated GPS phase -> a driver status word (the 2015 device-data vocabulary, §2.10)."""
CITY, PLATE = "Los Angeles", "AA-000-AA"


def portal_2022(world: World) -> Export:
    """The Title-Case `driver_lifetime_trips-0.csv` of `world` (local times only: needs `--tz`).

    Example:
        >>> from toolkit.simulate import SimParams, simulate_worker
        >>> ex = portal_2022(simulate_worker(SimParams(days=2, gps_every_s=0)))
        >>> bool(ex.tables()["jobs"]["accepted_at"].isna().all())
        True
    """
    jobs, zone, ex = sorted_jobs(world), world.params.zone, Export(needs_tz=True)
    done = (jobs["status"] == "completed").to_numpy()
    base = jobs["job_id"].map(pay_of(world, "transport.fare.base")).fillna(0.0)
    cancel_fee = jobs["job_id"].map(pay_of(world, "transport.fare.cancellation_fee")).fillna(0.0)
    rows = pd.DataFrame({
        "Product Name": "UberX", "Status": [RAW_TRIP_STATUS[s] for s in jobs["status"]],
        "Local Request Timestamp": fts(jobs["requested_at"], ISO_Z, zone),
        "Begin Trip Local Timestamp": fts(jobs["picked_up_at"], ISO_Z, zone),
        "Local Dropoff Timestamp": fts(jobs["dropped_off_at"], ISO_Z, zone),
        "Trip Distance (miles)": fnum(jobs["job_distance_m"].where(done, 0.0) / MILE_M),
        "Duration (Seconds)": fint(jobs["job_duration_s"].where(done, 0.0)),
        "Local Base Fare": fnum(base), "Local Original Fare": fnum(jobs["fare"]),
        "Local Cancellation Fee": fnum(cancel_fee), "Currency Code": world.params.currency,
        "Set Destination Trip": fbool(jobs.index % 9 == 4),
    }, index=jobs.index, dtype="object")
    path = "driver_lifetime_trips-0.csv"
    ex.add(path, TITLE_TRIPS_HEADER, rows, PORTAL, "jobs", lambda p, r: expected_title_trips(p, r, zone))
    return ex


def portal_2025(world: World) -> Export:
    """The 2024–2025 portal export of `world` (see the module docstring).

    Example:
        >>> from toolkit.simulate import SimParams, simulate_worker
        >>> ex = portal_2025(simulate_worker(SimParams(days=2, gps_every_s=300)))
        >>> sorted(ex.expected)
        ['earnings', 'jobs', 'locations', 'ratings']
    """
    ex, folder, zone = Export(), "Uber Data/Driver/", world.params.zone
    trips = trip_cells(world, PLAIN, "0").assign(city_name=CITY, flow_type="UberX", license_plate=PLATE)
    trips = trips[SNAKE_TRIPS_HEADER]
    ex.add(folder + "driver_lifetime_trips-0.csv", SNAKE_TRIPS_HEADER, trips, PORTAL, "jobs",
           lambda p, r: expected_trips(p, r, coordinates=False))
    ex.add(folder + "driver_payments-0.csv", PAYMENTS_HEADER, payments(world, PAY_NAMES, {"City Name": CITY}),
           PORTAL, "earnings", lambda p, r: expected_payments(p, r, PAY_NAMES, zone))
    events = analytics(world)
    half = len(events) // 2
    for part, rows in enumerate([events.iloc[:half], events.iloc[half:].reset_index(drop=True)]):
        path = f"{folder}driver_app_analytics-{part}.csv"
        ex.add(path, ANALYTICS_HEADER, rows, PORTAL, "locations", expected_analytics)
    ratings = pd.DataFrame({"five_star_rating": fint(world.ratings["rating"])}, dtype="object")
    ex.add(folder + "driver_lifetime_ratings_received-0.csv", ["five_star_rating"], ratings, PORTAL,
           "ratings", expected_ratings)
    for path, header, rows in _rider_side(world):
        ex.add(path, header, rows, PORTAL)
        ex.ignored.append(path)
    return ex


def analytics(world: World) -> pd.DataFrame:
    """App-analytics rows: the GPS fixes of the last 30 days, plus an `app_launch` event with no position
    at each login.

    Example:
        >>> from toolkit.simulate import SimParams, simulate_worker
        >>> w = simulate_worker(SimParams(days=2, gps_every_s=300))
        >>> len(analytics(w)) == len(w.gps) + len(w.sessions)
        True
    """
    since = world.intervals["end_at"].max() - pd.Timedelta(days=30)
    gps = world.gps[world.gps["ts"] >= since].reset_index(drop=True)
    launches = world.sessions.loc[world.sessions["start_at"] >= since, "start_at"]
    fixes = pd.DataFrame({
        "ts": gps["ts"], "Analytics Event Name": "location_update",
        "Is Driver Online?": fbool(gps["state"] != "offline"),
        "Driver Status": [DRIVER_STATUS[p] for p in gps["phase"]], "Latitude": fnum(gps["lat"]),
        "Longitude": fnum(gps["lon"]), "Speed (GPS)": fnum(gps["speed_mps"].round(2)),
        "Analytics Event Type": "custom"}, dtype="object")
    starts = pd.DataFrame({"ts": launches.reset_index(drop=True), "Analytics Event Name": "app_launch",
                           "Is Driver Online?": "false", "Driver Status": "offline",
                           "Analytics Event Type": "lifecycle"}, dtype="object")
    rows = pd.concat([fixes, starts], ignore_index=True)
    rows["ts"] = pd.to_datetime(rows["ts"], utc=True)
    rows = rows.sort_values("ts", kind="stable").reset_index(drop=True)
    rows["Event Time (UTC)"] = [s[:-3] for s in fts(rows["ts"], "%Y-%m-%d %H:%M:%S.%f")]
    constants = {"City": CITY, "Cellular Carrier": "Synthetic Mobile", "Carrier MCC": "310",
                 "Carrier MNC": "999", "IP Address": "192.0.2.10", "Device Language": "en",
                 "Device Model": "iPhone 13", "Device OS": "iOS", "Device OS Version": "17.5.1",
                 "Application Version": "4.480.10002"}
    rows = rows.assign(**constants).drop(columns="ts").astype("object")
    return rows.where(rows.notna(), None)


def expected_analytics(path: str, rows: pd.DataFrame) -> pd.DataFrame:
    """The `locations` rows from app-analytics rows: those with a position (index = position in file).

    Example:
        >>> rows = pd.DataFrame({"Event Time (UTC)": ["2025-03-03 10:00:00.190"], "Latitude": ["34.0"],
        ...     "Longitude": ["-118.2"], "Is Driver Online?": ["true"], "Driver Status": ["open"],
        ...     "Analytics Event Name": ["location_update"]})
        >>> str(expected_analytics("a.csv", rows)["ts"][0])
        '2025-03-03 10:00:00.190000+00:00'
    """
    placed = rows[rows["Latitude"].notna() & rows["Longitude"].notna()]
    data = {"ts": rutc(placed, "Event Time (UTC)"), "lat": rnum(placed, "Latitude"),
            "lon": rnum(placed, "Longitude"), "online": [v == "true" for v in placed["Is Driver Online?"]],
            "raw_status": placed["Driver Status"], "event": placed["Analytics Event Name"]}
    return expected_frame("locations", path, placed, data)


def expected_ratings(path: str, rows: pd.DataFrame) -> pd.DataFrame:
    """The `ratings` rows from `driver_lifetime_ratings_received`: no date, no trip.

    Example:
        >>> expected_ratings("r.csv", pd.DataFrame({"five_star_rating": ["4"]}))["scale"].tolist()
        [5.0]
    """
    data = {"rating": rnum(rows, "five_star_rating"), "scale": 5.0, "rater": "customer"}
    return expected_frame("ratings", path, rows, data)


def expected_title_trips(path: str, rows: pd.DataFrame, zone: str) -> pd.DataFrame:
    """The `jobs` rows from the Title-Case trips file, local times placed in `zone` (the user's `--tz`).

    Example:
        >>> rows = pd.DataFrame({"Product Name": ["UberX"], "Status": ["completed"],
        ...     "Local Request Timestamp": ["2022-09-07T09:44:33.000Z"], "Begin Trip Local Timestamp": [None],
        ...     "Local Dropoff Timestamp": [None], "Trip Distance (miles)": ["2.0"],
        ...     "Duration (Seconds)": ["600"], "Local Original Fare": ["9.5"], "Currency Code": ["USD"]})
        >>> str(expected_title_trips("t.csv", rows, "America/Los_Angeles")["requested_at"][0])
        '2022-09-07 16:44:33+00:00'
    """
    data = {"kind": "ride", "product": rows["Product Name"], "status": job_status(rows["Status"]),
            "raw_status": rows["Status"], "requested_at": rlocal(rows, "Local Request Timestamp", zone),
            "picked_up_at": rlocal(rows, "Begin Trip Local Timestamp", zone),
            "dropped_off_at": rlocal(rows, "Local Dropoff Timestamp", zone),
            "job_distance_m": rnum(rows, "Trip Distance (miles)") * MILE_M,
            "job_duration_s": rnum(rows, "Duration (Seconds)"), "fare": rnum(rows, "Local Original Fare"),
            "currency": rows["Currency Code"]}
    return expected_frame("jobs", path, rows, data)


def _rider_side(world: World) -> list[tuple[str, list[str], pd.DataFrame]]:
    """The worker's own rides as a passenger and their profile: files the ingest must ignore."""
    p, day = world.params, world.intervals["start_at"].min().floor("D")
    rides = []
    for i, hours in enumerate((9.5, 30.25, 200.0)):
        at = day + pd.Timedelta(hours=hours)
        stamp = [f"{t:%Y-%m-%d %H:%M:%S} +0000 UTC" for t in (at, at + pd.Timedelta(minutes=4),
                                                             at + pd.Timedelta(minutes=21))]
        rides.append(["1", "UberX", "COMPLETED", stamp[0], stamp[1], repr(p.centre_lat + 0.01 * i),
                      repr(p.centre_lon), "1 Example Street", stamp[2], repr(p.centre_lat - 0.02),
                      repr(p.centre_lon + 0.01), "2 Sample Avenue", repr(3.1 + i), repr(14.5 + i),
                      p.currency])
    trips = pd.DataFrame(rides, columns=RIDER_TRIPS_HEADER, dtype="object")
    profile = pd.DataFrame({"Signup Lat": [repr(p.centre_lat)], "Signup Long": [repr(p.centre_lon)]})
    return [("Uber Data/Rider/trips_data.csv", RIDER_TRIPS_HEADER, trips),
            ("Uber Data/Account and Profile/profile_data.csv", ["Signup Lat", "Signup Long"], profile)]
