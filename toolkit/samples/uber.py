"""Synthetic Uber driver exports in the EU access-request (SAR) layouts.

- `sar-fr-2021`: the French response of 2021 (export-formats.md §2.1a, 2.4a, 2.5a, 2.7a, 2.8, 2.9):
  `FR-Paris/NN - Title.csv`, `;`, CRLF, empty cells for null, `...T...000Z` timestamps also on the
  local columns (which hold local time), local `recognize_timestamp_local` in payments, UTC `Time` in
  App Restrictions, and an empty (0-byte) Performance Badges file. Headers verbatim from the reference.
- `sar-geneva-2022`: the Geneva responses of 2017–2022 (§2.1b, 2.4c, 2.5b, 2.6): `,`, CRLF (assumed),
  `\\N` for null, naive `YYYY-MM-DD HH:MM:SS` timestamps (UTC unless the column says local), Online
  OffLine with a capital L and `status` words with spaces, a per-offer Trip Status file. Only the
  Dispatches header (21 columns) is verbatim; the trips header (89 columns: the 2021 French one without
  `carrier_mcc`, `carrier_mnc`, `is_directed_dispatch_trip`, with six coordinate columns after the
  drop-off times), the Online OffLine column order and Trip Status's four columns are assumptions built
  from the names the reference saw.

Example:
    >>> from toolkit.simulate import SimParams, simulate_worker
    >>> export = sar_fr_2021(simulate_worker(SimParams(days=2, gps_every_s=0)))
    >>> export.files["FR-Paris/06 - Driver Performance Badges.csv"]
    b''
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pandas as pd

from toolkit.samples.common import (
    ISO_Z,
    PLAIN,
    SAR_FR,
    SAR_GENEVA,
    CsvSpec,
    Export,
    expected_frame,
    fint,
    fnum,
    fts,
    rlocal,
)
from toolkit.samples.uber_files import (
    RESTRICTIONS_HEADER,
    OnlineVariant,
    expected_online_offline,
    expected_payments,
    expected_restrictions,
    online_offline,
    payments,
    restrictions,
)
from toolkit.samples.uber_trips import (
    FR_TRIPS_HEADER,
    expected_trips,
    expected_windows,
    hourly_windows,
    sorted_jobs,
    trip_cells,
)
from toolkit.simulate import World

FR_ONLINE = OnlineVariant(
    header=["earner_state", "city_id", "begin_lat", "begin_lng", "end_lat", "end_lng", "begin_timestamp_utc",
            "end_timestamp_utc", "duration_ms", "begin_timestamp_local", "end_timestamp_local"],
    state="earner_state", begin="begin_timestamp_utc", begin_local="begin_timestamp_local",
    duration="duration_ms", duration_unit_s=0.001, fmt=ISO_Z, coordinates=True, open_end_keeps_duration=True)
GENEVA_ONLINE = OnlineVariant(
    header=["begin_timestamp", "end_timestamp", "begin_timestamp_local", "end_timestamp_local",
            "duration_seconds", "status", "begin_lat", "begin_lng", "end_lat", "end_lng", "vehicle_uuid",
            "city_id"],
    state="status", begin="begin_timestamp", begin_local="begin_timestamp_local",
    duration="duration_seconds", duration_unit_s=1.0, fmt=PLAIN, coordinates=True,
    open_end_keeps_duration=True)
FR_DISPATCH_HEADER = [
    "start_timestamp_utc", "end_timestamp_utc", "start_timestamp_local", "end_timestamp_local", "city_id",
    "minutes_online", "minutes_active", "dispatches", "rejections", "accepts", "expireds",
    "driver_cancellations", "rider_cancellations", "completed_trips", "trip_fares", "driver_adjusted_fares",
    "flow_type", "minutes_on_break", "minutes_on_trip"]
GENEVA_DISPATCH_HEADER = [
    "start_timestamp_utc", "end_timestamp_utc", "start_timestamp_local", "end_timestamp_local", "driver_uuid",
    "city_id", "minutes_online", "minutes_active", "dispatches", "rejections", "accepts", "expireds",
    "driver_cancellations", "rider_cancellations", "completed_trips", "trip_fares", "driver_adjusted_fares",
    "flow_type", "partner_uuids", "vehicle_uuids", "minutes_on_trip"]
_COORDS = {"request_lat": "pickup_lat", "request_lng": "pickup_lon", "begintrip_lat": "pickup_lat",
           "begintrip_lng": "pickup_lon", "dropoff_lat": "dropoff_lat", "dropoff_lng": "dropoff_lon"}
GENEVA_TRIPS_HEADER = [c for c in FR_TRIPS_HEADER if c not in ("carrier_mcc", "carrier_mnc",
                                                                "is_directed_dispatch_trip")]
GENEVA_TRIPS_HEADER[GENEVA_TRIPS_HEADER.index("dropoff_timestamp_utc") + 1:1] = list(_COORDS)
PAYMENTS_HEADER = ["city_id", "amount_local", "currency_code", "classification", "category",
                   "recognize_timestamp_local"]
PAY_NAMES = {"amount": "amount_local", "currency": "currency_code", "classification": "classification",
             "category": "category", "timestamp": "recognize_timestamp_local"}
TRIP_STATUS_HEADER = ["begin_timestamp_local", "end_timestamp_local", "status", "end_reason"]
_OFFER_END = {"accepted": "driver_accepted", "rejected": "driver_rejected", "expired": "dispatch_resent",
              "cancelled": "client_canceled"}
_OUTCOME = {"driver_accepted": "accepted", "driver_rejected": "rejected", "dispatch_resent": "expired"}
_TRIP_STATE = {"to_pickup": "to_pickup", "at_pickup": "at_pickup", "to_destination": "on_job",
               "at_destination": "on_job", "at_stop": "on_job", "to_next_stop": "on_job"}
FR_CITY, GENEVA_CITY = "3", "52"


def sar_fr_2021(world: World) -> Export:
    """The French 2021 SAR response of `world` (see the module docstring).

    Example:
        >>> from toolkit.simulate import SimParams, simulate_worker
        >>> ex = sar_fr_2021(simulate_worker(SimParams(days=2, gps_every_s=0)))
        >>> sorted(ex.expected)
        ['earnings', 'jobs', 'offer_windows', 'sanctions', 'status_segments']
    """
    ex, folder = Export(), "FR-Paris/"
    trips = trip_cells(world, ISO_Z, FR_CITY)
    _add(ex, folder + "02 - Driver Lifetime Trips.csv", FR_TRIPS_HEADER, trips, "jobs",
         lambda p, r: expected_trips(p, r, coordinates=False))
    online = online_offline(world, FR_ONLINE, {"city_id": FR_CITY})
    _add(ex, folder + "05 - Driver Online Offline.csv", FR_ONLINE.header, online, "status_segments",
         lambda p, r: expected_online_offline(p, r, FR_ONLINE))
    windows = dispatches(world, ISO_Z, {"city_id": FR_CITY, "flow_type": "Black"})
    _add(ex, folder + "08 - Driver Dispatches Offered and Accepted.csv", FR_DISPATCH_HEADER, windows,
         "offer_windows", lambda p, r: expected_windows(p, r, world.params.currency))
    pay = payments(world, PAY_NAMES, {"city_id": FR_CITY})
    _add(ex, folder + "19a - Driver Payments.csv", PAYMENTS_HEADER, pay, "earnings",
         lambda p, r: expected_payments(p, r, PAY_NAMES, world.params.zone))
    _add(ex, folder + "11 - Driver App Restrictions.csv", RESTRICTIONS_HEADER, restrictions(world, FR_CITY),
         "sanctions", expected_restrictions)
    ex.files[folder + "06 - Driver Performance Badges.csv"] = b""
    ex.ignored.append(folder + "06 - Driver Performance Badges.csv")
    return ex


def sar_geneva_2022(world: World) -> Export:
    """The Geneva 2017–2022 SAR response of `world` (see the module docstring).

    Example:
        >>> from toolkit.simulate import SimParams, simulate_worker
        >>> ex = sar_geneva_2022(simulate_worker(SimParams(days=2, gps_every_s=0)))
        >>> sorted(ex.expected)
        ['earnings', 'jobs', 'offer_windows', 'offers', 'status_segments']
    """
    ex, folder, spec = Export(), "CH-Geneva/", SAR_GENEVA
    trips = trip_cells(world, PLAIN, GENEVA_CITY)
    jobs = sorted_jobs(world)
    for column, source in _COORDS.items():
        trips[column] = fnum(jobs[source].round(6))
    trips.loc[trips["begintrip_timestamp_utc"].isna(), ["begintrip_lat", "begintrip_lng"]] = None
    _add(ex, folder + "01 - Driver Lifetime Trips.csv", GENEVA_TRIPS_HEADER, trips, "jobs",
         lambda p, r: expected_trips(p, r, coordinates=True), spec)
    vehicle = _fake_uuid("vehicle", world)
    online = online_offline(world, GENEVA_ONLINE, {"city_id": GENEVA_CITY, "vehicle_uuid": vehicle})
    _add(ex, folder + "02 - Driver Online OffLine.csv", GENEVA_ONLINE.header, online, "status_segments",
         lambda p, r: expected_online_offline(p, r, GENEVA_ONLINE), spec)
    windows = dispatches(world, PLAIN, {"city_id": GENEVA_CITY, "flow_type": "UberX",
                                        "driver_uuid": _fake_uuid("driver", world),
                                        "partner_uuids": f'["{_fake_uuid("partner", world)}"]',
                                        "vehicle_uuids": f'["{vehicle}"]'})
    _add(ex, folder + "03 - Driver Dispatches Offered and Accepted.csv", GENEVA_DISPATCH_HEADER, windows,
         "offer_windows", lambda p, r: expected_windows(p, r, world.params.currency), spec)
    path = folder + "04 - Driver Trip Status.csv"
    status = ex.add(path, TRIP_STATUS_HEADER, trip_status(world), spec)
    offers, segments = _split_trip_status(status)
    ex.expect("offers", expected_offers(path, offers, world.params.zone))
    ex.expect("status_segments", expected_trip_segments(path, segments, world.params.zone))
    pay = payments(world, PAY_NAMES, {"city_id": GENEVA_CITY})
    _add(ex, folder + "19a - Driver Payments.csv", PAYMENTS_HEADER, pay, "earnings",
         lambda p, r: expected_payments(p, r, PAY_NAMES, world.params.zone), spec)
    return ex


def dispatches(world: World, fmt: str, constants: dict[str, str]) -> pd.DataFrame:
    """Hourly rows of `Driver Dispatches Offered and Accepted` (both SAR variants' columns).

    Example:
        >>> from toolkit.simulate import SimParams, simulate_worker
        >>> w = simulate_worker(SimParams(days=2, gps_every_s=0))
        >>> int(dispatches(w, PLAIN, {})["dispatches"].astype(int).sum()) == len(w.offers)
        True
    """
    h, zone = hourly_windows(world), world.params.zone
    end = h["start"] + pd.Timedelta(hours=1)
    cells = pd.DataFrame({c: [v] * len(h) for c, v in constants.items()}, dtype="object")
    cells["start_timestamp_utc"], cells["end_timestamp_utc"] = fts(h["start"], fmt), fts(end, fmt)
    cells["start_timestamp_local"] = fts(h["start"], fmt, zone)
    cells["end_timestamp_local"] = fts(end, fmt, zone)
    for column in ["minutes_online", "minutes_active", "minutes_on_trip", "trip_fares"]:
        cells[column] = fnum(h[column])
    for column in ["dispatches", "rejections", "accepts", "expireds", "driver_cancellations",
                   "rider_cancellations", "completed_trips"]:
        cells[column] = fint(h[column])
    cells["driver_adjusted_fares"] = fnum((h["trip_fares"] * (1 - world.params.commission)).round(2) + 0.0)
    cells["minutes_on_break"] = ["0.0" if d else None for d in h["dispatches"]]
    return cells


def trip_status(world: World) -> pd.DataFrame:
    """Rows of Geneva's `Driver Trip Status`: one `dispatching` row per offer (its `end_reason` the
    outcome), then `to_pickup`, `at_pickup`, `to_destination` rows per job, by begin time, local times.

    Example:
        >>> from toolkit.simulate import SimParams, simulate_worker
        >>> w = simulate_worker(SimParams(days=2, gps_every_s=0))
        >>> int((trip_status(w)["status"] == "dispatching").sum()) == len(w.offers)
        True
    """
    offers = world.offers
    rows: list[tuple[Any, Any, str, str]] = [
        (a, b, "dispatching", _OFFER_END[o]) for a, b, o in zip(offers["offered_at"], offers["ended_at"],
                                                                offers["outcome"], strict=True)]
    stop = {"cancelled_by_customer": "client_canceled", "cancelled_by_worker": "driver_canceled"}
    for j in world.jobs.to_dict("records"):
        reason, arrived = stop.get(j["status"], ""), j["arrived_pickup_at"]
        if pd.notna(arrived):
            rows.append((j["accepted_at"], arrived, "to_pickup", "arrived"))
            picked = j["picked_up_at"] if pd.notna(j["picked_up_at"]) else j["cancelled_at"]
            rows.append((arrived, picked, "at_pickup", reason or "trip_started"))
        else:
            rows.append((j["accepted_at"], j["cancelled_at"], "to_pickup", reason))
        if pd.notna(j["picked_up_at"]):
            rows.append((j["picked_up_at"], j["dropped_off_at"], "to_destination", "trip_completed"))
    frame = pd.DataFrame(rows, columns=["begin", "end", "status", "end_reason"])
    frame = frame[frame["end"] > frame["begin"]].sort_values("begin", kind="stable").reset_index(drop=True)
    zone = world.params.zone
    return pd.DataFrame({"begin_timestamp_local": fts(frame["begin"], PLAIN, zone),
                         "end_timestamp_local": fts(frame["end"], PLAIN, zone),
                         "status": frame["status"].tolist(), "end_reason": frame["end_reason"].tolist()},
                        dtype="object")


def expected_offers(path: str, rows: pd.DataFrame, zone: str) -> pd.DataFrame:
    """The `offers` rows from Trip Status `dispatching` rows (index = position in the file).

    Example:
        >>> rows = pd.DataFrame({"begin_timestamp_local": ["2021-11-02 10:00:00"],
        ...     "end_timestamp_local": ["2021-11-02 10:00:15"], "end_reason": ["dispatch_resent"]}, index=[4])
        >>> expected_offers("s.csv", rows, "Europe/Zurich")[["source_row", "outcome"]].values.tolist()
        [[6, 'expired']]
    """
    data = {"offered_at": rlocal(rows, "begin_timestamp_local", zone),
            "ended_at": rlocal(rows, "end_timestamp_local", zone),
            "outcome": [_OUTCOME.get(r, "cancelled") for r in rows["end_reason"]],
            "raw_outcome": rows["end_reason"]}
    return expected_frame("offers", path, rows, data)


def expected_trip_segments(path: str, rows: pd.DataFrame, zone: str) -> pd.DataFrame:
    """The `status_segments` rows from Trip Status rows other than `dispatching`.

    Example:
        >>> rows = pd.DataFrame({"begin_timestamp_local": ["2021-11-02 10:00:00"],
        ...     "end_timestamp_local": ["2021-11-02 10:09:00"], "status": ["to_destination"]})
        >>> expected_trip_segments("s.csv", rows, "Europe/Zurich")["state"].tolist()
        ['on_job']
    """
    data = {"state": [_TRIP_STATE[s] for s in rows["status"]], "raw_state": rows["status"],
            "start_at": rlocal(rows, "begin_timestamp_local", zone),
            "end_at": rlocal(rows, "end_timestamp_local", zone)}
    return expected_frame("status_segments", path, rows, data)


def _split_trip_status(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    offer = (rows["status"] == "dispatching").to_numpy()
    return rows[offer], rows[~offer]


def _add(ex: Export, path: str, header: list[str], rows: pd.DataFrame, table: str,
         expect: Callable[[str, pd.DataFrame], pd.DataFrame], spec: CsvSpec = SAR_FR) -> None:
    ex.add(path, header, rows, spec, table, expect)


def _fake_uuid(label: str, world: World) -> str:
    """A stable made-up identifier (never a real account's)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://gigdata.invalid/{label}/{world.params.seed}"))

