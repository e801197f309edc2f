"""Synthetic exports: the real layouts' files, headers and formats, deterministic bytes, and expected rows
that say what the files say (read back here with pandas, independently of the writers) and what the
simulation did. Reference headers below are copied from ../shared/reference/export-formats.md."""

from __future__ import annotations

import csv
import importlib.util
import io
import re
from pathlib import Path

import pandas as pd
import pytest

from toolkit.samples import LAYOUTS, SampleTruth, layout_params, write_locations_csv, write_sample
from toolkit.schema import conform

ROOT = Path(__file__).resolve().parents[2]
CRLF, LF = "\r\n", "\n"

# --- verbatim from export-formats.md ----------------------------------------------------------------
FR_TRIPS = (
    "city_id;currency_code;timezone;flow;source_tag;product_type_name;global_product_name;"
    "request_timestamp_local;"
    "request_timestamp_utc;begintrip_timestamp_local;begintrip_timestamp_utc;dropoff_timestamp_local;"
    "dropoff_timestamp_utc;eta;surge_multiplier;is_surged;has_destination;is_pool_matched;is_star_power;"
    "request_to_begin_distance_miles;request_to_begin_duration_seconds;trip_distance_miles;"
    "trip_duration_seconds;"
    "status;is_completed;is_flat_rate;is_cash_trip;is_wait_time_eligible;is_rewindtrip;"
    "rewindtrip_timestamp_local;"
    "rewindtrip_timestamp_utc;promotion_local;promotion_usd;credits_local;credits_usd;"
    "has_driver_upfront_fare;"
    "driver_upfront_fare_local;driver_upfront_fare_usd;original_fare_local;original_fare_usd;base_fare_local;"
    "base_fare_usd;surge_fare_local;surge_fare_usd;minimum_fare_roundup_local;minimum_fare_roundup_usd;"
    "per_mile_fare_local;per_mile_fare_usd;per_minute_fare_local;per_minute_fare_usd;cancellation_fee_local;"
    "cancellation_fee_usd;rounding_down_amount_local;rounding_down_amount_usd;service_fee_local;"
    "service_fee_usd;"
    "toll_amount_local;toll_amount_usd;booking_fee_local;booking_fee_usd;earnings_boost_local;"
    "earnings_boost_usd;"
    "fare_distance_miles;fare_duration_minutes;request_date_id_local;driver_trip_number;"
    "concierge_source_type;"
    "wait_time_fare_local;wait_time_fare_usd;service_fee;is_on_time;driver_cancellation_reason;"
    "vehicle_trip_number;"
    "is_multidestination;driver_surge_multiplier;long_distance_surcharge_local;long_distance_surcharge_usd;"
    "guaranteed_surge_multiplier;ufp_type;cancellation_type;carrier_mcc;carrier_mnc;"
    "is_directed_dispatch_trip;"
    "wait_duration_minutes;is_scheduled_trip;is_airport_trip")
FR_ONLINE = ("earner_state;city_id;begin_lat;begin_lng;end_lat;end_lng;begin_timestamp_utc;end_timestamp_utc;"
             "duration_ms;begin_timestamp_local;end_timestamp_local")
FR_DISPATCH = (
    "start_timestamp_utc;end_timestamp_utc;start_timestamp_local;end_timestamp_local;city_id;minutes_online;"
    "minutes_active;dispatches;rejections;accepts;expireds;driver_cancellations;rider_cancellations;"
    "completed_trips;trip_fares;driver_adjusted_fares;flow_type;minutes_on_break;minutes_on_trip")
FR_PAYMENTS = "city_id;amount_local;currency_code;classification;category;recognize_timestamp_local"
FR_RESTRICTIONS = "msg.cityid;msg.penaltyboxdurationms;msg.rule;Time;msg.latitude;msg.longitude"
GENEVA_DISPATCH = (
    "start_timestamp_utc,end_timestamp_utc,start_timestamp_local,end_timestamp_local,driver_uuid,city_id,"
    "minutes_online,minutes_active,dispatches,rejections,accepts,expireds,driver_cancellations,"
    "rider_cancellations,"
    "completed_trips,trip_fares,driver_adjusted_fares,flow_type,partner_uuids,vehicle_uuids,minutes_on_trip")
TITLE_TRIPS = ("Product Name,Status,Local Request Timestamp,Begin Trip Local Timestamp,"
               "Local Dropoff Timestamp,Trip Distance (miles),Duration (Seconds),Local Base Fare,"
               "Local Original Fare,Local Cancellation Fee,Currency Code,Set Destination Trip")
TRIP_DETAILS = ("request_time,begintrip_time,begintrip_latitude,begintrip_longitude,dropoff_time,"
                "dropoff_latitude,dropoff_longitude,status,currency,fare_profile,fare,distance,duration,"
                "surge_multiplier")
DEVICE = ("lat,lng,gps_time_ms,altitude,speed,horizontal_accuracy,vertical_accuracy,driver_status,"
          "battery_level,type")
RIDER_DEVICE = ("lat,lng,occurred_at,speed,horizontal_accuracy,vertical_accuracy,driver_status,rider_status,"
                "battery_level,type")
LOST_TIME = (
    "previous_dropoff_time,previous_dropoff_latitude,previous_dropoff_longitude,previous_status,"
    "next_request_time,"
    "next_begintrip_time,next_begintrip_latitude,next_begintrip_longitude,previous_currency,"
    "previous_fare_profile,"
    "previous_fare,previous_distance,previous_duration,previous_surge_multiplier,notask_minutes,"
    "nopassenger_minutes,nopassenger_pythagorean_distance,nopassenger_speed")
ANALYTICS = (
    "Analytics Event Name,City,Cellular Carrier,Carrier MCC,Carrier MNC,IP Address,Device Language,"
    "Device Model,"
    "Device OS,Device OS Version,Is Driver Online?,Driver Status,Application Version,Event Time (UTC),"
    "Latitude,"
    "Longitude,Speed (GPS),Analytics Event Type")
RIDER_TRIPS = (
    "City,Product Type,Trip or Order Status,Request Time,Begin Trip Time,Begin Trip Lat,Begin Trip Lng,"
    "Begin Trip Address,Dropoff Time,Dropoff Lat,Dropoff Lng,Dropoff Address,Distance (miles),Fare Amount,"
    "Fare Currency")
EATS_ONLINE = ("earner_state,city_id,begin_timestamp_utc,end_timestamp_utc,duration_ms,begin_timestamp_local,"
               "end_timestamp_local")
EATS_PAYMENTS = "city_name,amount_local,currency_code,classification,category,recognize_timestamp_local"
EATS_TRIPS = (
    "city_name,courier_accept_timestamp_local,courier_accept_timestamp_utc,"
    "courier_accept_to_pickup_distance_miles,"
    "courier_accept_to_pickup_duration_seconds,courier_accept_trip_lat,courier_accept_trip_lng,"
    "courier_app_version,"
    "courier_arrival_pickup_timestamp_local,courier_begintrip_lat,courier_begintrip_lng,"
    "courier_begintrip_timestamp_local,courier_begintrip_to_dropoff_miles,"
    "courier_begintrip_to_dropoff_seconds,"
    "courier_commission_rate,courier_device,courier_arrival_dropoff_timestamp_local,"
    "courier_dropoff_timestamp_local,"
    "delivery_status,dropoff_delivery_distance_km,restaurant_request_timestamp_local,license_plate")
# Names seen but not as a verbatim header (§2.1b, §2.4c, §2.6, §2.2b, §2.7c)
GENEVA_TRIP_NAMES = {"request_timestamp_local", "request_timestamp_utc", "begintrip_timestamp_local",
                     "begintrip_timestamp_utc", "dropoff_timestamp_local", "dropoff_timestamp_utc", "status",
                     "original_fare_local", "request_lat", "request_lng", "begintrip_lat", "begintrip_lng",
                     "dropoff_lat", "dropoff_lng", "trip_distance_miles", "trip_duration_seconds"}
GENEVA_ONLINE_NAMES = {"begin_timestamp", "end_timestamp", "begin_timestamp_local", "end_timestamp_local",
                       "duration_seconds", "status", "begin_lat", "begin_lng", "end_lat", "end_lng",
                       "vehicle_uuid", "city_id"}
PORTAL_PAYMENT_NAMES = {"City Name", "Trip UUID", "Local Amount", "Currency Code", "Classification",
                        "Category", "Local Timestamp"}
PAIRS = {  # classification -> category pairs of §2.7
    ("transport.fare.driver_upfront_fare", "driver_payment_fares"),
    ("transport.fare.base", "driver_payment_fares"),
    ("transport.fare.distance", "driver_payment_fares"), ("transport.fare.time", "driver_payment_fares"),
    ("transport.fare.surge", "driver_payment_fares"),
    ("transport.fare.cancellation_fee", "driver_payment_fares"),
    ("transport.fare.charges.wait_time", "driver_payment_charges"),
    ("transport.toll", "driver_payment_tolls"),
    ("transport.misc.tip", "tip"), ("transport.tax.vat", "tax"), ("delivery.courier.tax.vat", "tax"),
    ("intermediary.commission", "commission"), ("delivery.fare.pickup", "driver_payment_fares"),
    ("delivery.fare.dropoff", "driver_payment_fares"), ("delivery.fare.distance", "driver_payment_fares"),
    ("eats.mp.charges.location_change_fee", "eats_fee"),
    ("intermediary.delivery.charge.courier.fraud.fare", "courier_fraud_holdback"),
    ("intermediary.fare.delivery.courier_adjust", "driver_payment_fares"),
}
QUEST_PAIRS = {("transport.incentive.quest", "existing_driver_incentive"),  # invented classification for the
               ("delivery.incentive.quest", "existing_driver_incentive")}  # documented (US) quest category
CATEGORY = {"driver_payment_fares": "fare", "driver_payment_charges": "fare", "driver_payment_tolls": "toll",
            "tip": "tip", "tax": "tax", "commission": "commission", "eats_fee": "fee",
            "courier_fraud_holdback": "holdback", "existing_driver_incentive": "incentive"}

# layout -> {file: (reference header or None, delimiter, line end)}
FILES: dict[str, dict[str, tuple[str | None, str, str]]] = {
    "sar-fr-2021": {
        "FR-Paris/02 - Driver Lifetime Trips.csv": (FR_TRIPS, ";", CRLF),
        "FR-Paris/05 - Driver Online Offline.csv": (FR_ONLINE, ";", CRLF),
        "FR-Paris/06 - Driver Performance Badges.csv": (None, ";", CRLF),
        "FR-Paris/08 - Driver Dispatches Offered and Accepted.csv": (FR_DISPATCH, ";", CRLF),
        "FR-Paris/11 - Driver App Restrictions.csv": (FR_RESTRICTIONS, ";", CRLF),
        "FR-Paris/19a - Driver Payments.csv": (FR_PAYMENTS, ";", CRLF)},
    "sar-geneva-2022": {
        "CH-Geneva/01 - Driver Lifetime Trips.csv": (None, ",", CRLF),
        "CH-Geneva/02 - Driver Online OffLine.csv": (None, ",", CRLF),
        "CH-Geneva/03 - Driver Dispatches Offered and Accepted.csv": (GENEVA_DISPATCH, ",", CRLF),
        "CH-Geneva/04 - Driver Trip Status.csv": (None, ",", CRLF),
        "CH-Geneva/19a - Driver Payments.csv": (FR_PAYMENTS.replace(";", ","), ",", CRLF)},
    "portal-2022": {"driver_lifetime_trips-0.csv": (TITLE_TRIPS, ",", LF)},
    "portal-2025": {
        "Uber Data/Driver/driver_lifetime_trips-0.csv": (None, ",", LF),
        "Uber Data/Driver/driver_payments-0.csv": (None, ",", LF),
        "Uber Data/Driver/driver_app_analytics-0.csv": (ANALYTICS, ",", LF),
        "Uber Data/Driver/driver_app_analytics-1.csv": (ANALYTICS, ",", LF),
        "Uber Data/Driver/driver_lifetime_ratings_received-0.csv": ("five_star_rating", ",", LF),
        "Uber Data/Rider/trips_data.csv": (RIDER_TRIPS, ",", LF),
        "Uber Data/Account and Profile/profile_data.csv": (None, ",", LF)},
    "sar-2016": {
        "Trip details (Driver).csv": (TRIP_DETAILS, ",", CRLF),
        "1 - Driver Detailed Device Data.csv": (DEVICE, ",", CRLF),
        "2 - Rider Detailed Device Data.csv": (RIDER_DEVICE, ",", CRLF),
        "Lost Time details (Driver).csv": (LOST_TIME, ",", CRLF)},
    "sar-eats-2025": {
        "CH-Lausanne/11 - Driver Online Offline.csv": (EATS_ONLINE, ",", LF),
        "CH-Lausanne/23a - Driver Payments.csv": (EATS_PAYMENTS, ",", LF),
        "CH-Lausanne/31 - Courier Lifetime Trip Data.csv": (EATS_TRIPS, ",", LF)},
}
NULL = {"sar-geneva-2022": "\\N", "sar-2016": "\\N"}
PLATFORM = {layout: platform for platform, layouts in LAYOUTS.items() for layout in layouts}


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[SampleTruth, Path]]:
    root = tmp_path_factory.mktemp("samples")
    made = {layout: write_sample(PLATFORM[layout], root / layout, layout=layout, days=10, seed=3)
            for layout in FILES}
    return {layout: (truth, root / layout) for layout, truth in made.items()}


def read(folder: Path, path: str, delimiter: str) -> pd.DataFrame:
    """A written file as strings, with both null markers turned into None."""
    frame = pd.read_csv(folder / path, sep=delimiter, dtype=str, keep_default_na=False, encoding="utf-8")
    return frame.astype(object).where(~frame.isin(["", "\\N"]), None)


@pytest.mark.parametrize("layout", FILES)
def test_each_layout_writes_exactly_its_files(samples: dict, layout: str) -> None:
    truth, folder = samples[layout]
    on_disk = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert on_disk == sorted(FILES[layout]) == truth.files


@pytest.mark.parametrize("layout", FILES)
def test_headers_delimiters_line_ends_and_null_markers(samples: dict, layout: str) -> None:
    _, folder = samples[layout]
    for path, (header, delimiter, newline) in FILES[layout].items():
        text = (folder / path).read_bytes().decode("utf-8")
        if path.endswith("Performance Badges.csv"):
            assert text == ""
            continue
        if header is not None:
            assert text.split(newline, 1)[0] == header, path
        assert text.count("\n") == text.count(newline) and text.endswith(newline), path
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        assert len({len(r) for r in rows}) == 1 and len(rows[0]) > 1 or rows[0] == ["five_star_rating"], path
        cells = {c for r in rows[1:] for c in r}
        other = "" if NULL.get(layout) else "\\N"
        assert other not in cells, path


def header(path: Path) -> list[str]:
    return path.read_bytes().decode("utf-8").splitlines()[0].split(",")


def test_headers_known_only_by_name(samples: dict) -> None:
    geneva = samples["sar-geneva-2022"][1] / "CH-Geneva"
    trips = header(geneva / "01 - Driver Lifetime Trips.csv")
    assert len(trips) == 89 and set(trips) >= GENEVA_TRIP_NAMES
    assert set(header(geneva / "02 - Driver Online OffLine.csv")) == GENEVA_ONLINE_NAMES
    status = header(geneva / "04 - Driver Trip Status.csv")
    assert {"begin_timestamp_local", "end_timestamp_local", "status", "end_reason"} <= set(status)
    driver = samples["portal-2025"][1] / "Uber Data" / "Driver"
    snake = header(driver / "driver_lifetime_trips-0.csv")
    assert len(snake) == len(set(snake)) == 73 and snake[:3] == ["city_name", "currency_code", "timezone"]
    assert {"license_plate", "flow_type", "request_timestamp_utc", "original_fare_usd", "eta"} <= set(snake)
    assert "city_id" not in snake and not {"begintrip_lat", "dropoff_lat"} & set(snake)
    assert set(header(driver / "driver_payments-0.csv")) == PORTAL_PAYMENT_NAMES


def test_timestamp_formats_and_vocabularies(samples: dict) -> None:
    fr = samples["sar-fr-2021"][1]
    trips = read(fr, "FR-Paris/02 - Driver Lifetime Trips.csv", ";")
    assert trips["request_timestamp_local"].str.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$").all()
    shift = (pd.to_datetime(trips["request_timestamp_local"].str.rstrip("Z"))
             - pd.to_datetime(trips["request_timestamp_utc"].str.rstrip("Z")))
    assert (shift == pd.Timedelta(hours=1)).all()  # Paris in February: local = UTC + 1 h, `Z` or not
    assert set(trips["status"]) <= {"completed", "rider_canceled", "driver_canceled"}
    online = read(fr, "FR-Paris/05 - Driver Online Offline.csv", ";")
    assert set(online["earner_state"]) == {"open", "enroute", "ontrip", "offline"}
    geneva = samples["sar-geneva-2022"][1] / "CH-Geneva"
    states = set(read(geneva, "02 - Driver Online OffLine.csv", ",")["status"])
    assert states == {"open", "en route", "on trip", "offline"}
    status = read(geneva, "04 - Driver Trip Status.csv", ",")
    assert set(status["status"]) <= {"dispatching", "to_pickup", "at_pickup", "to_destination",
                                     "at_destination", "at_stop", "to_next_stop"}
    assert set(status["end_reason"]) <= {
        "driver_rejected", "dispatch_resent", "driver_accepted", "arrived", "trip_started", "trip_completed",
        "driver_canceled", "client_canceled", "completed", "at_stop", "arrived_at_stop"}
    old = samples["sar-2016"][1]
    details = read(old, "Trip details (Driver).csv", ",")
    assert details["request_time"].str.contains(r" \d:\d\d:\d\d$").any()
    assert not details["request_time"].str.contains(r" 0\d:").any()
    device = read(old, "1 - Driver Detailed Device Data.csv", ",")
    assert device["gps_time_ms"].str.fullmatch(r"\d{13}").all()
    assert set(device["driver_status"].dropna()) <= {"open", "on_trip", "arrived", "accepted", "dispatching",
                                                     "offline"}
    assert device["driver_status"].isna().any()
    assert set(device["type"]) <= {"impression", "tap", "lifecycle", "custom"}
    eats = read(samples["sar-eats-2025"][1], "CH-Lausanne/31 - Courier Lifetime Trip Data.csv", ",")
    assert eats["courier_accept_timestamp_utc"].str.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d").all()
    assert set(eats["delivery_status"]) <= {"completed", "failed", "canceled", "driver_canceled",
                                            "unfulfilled"}
    assert (eats["license_plate"] == "UBER VÉLO").any()
    analytics = read(samples["portal-2025"][1], "Uber Data/Driver/driver_app_analytics-0.csv", ",")
    assert analytics["Event Time (UTC)"].str.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}").all()
    assert analytics["Latitude"].isna().any() and set(analytics["Is Driver Online?"]) == {"true", "false"}


@pytest.mark.parametrize(("layout", "path", "delimiter"), [
    ("sar-fr-2021", "FR-Paris/19a - Driver Payments.csv", ";"),
    ("sar-eats-2025", "CH-Lausanne/23a - Driver Payments.csv", ","),
    ("portal-2025", "Uber Data/Driver/driver_payments-0.csv", ",")])
def test_payment_lines_use_uber_classification_pairs(samples: dict, layout: str, path: str,
                                                     delimiter: str) -> None:
    rows = read(samples[layout][1], path, delimiter).rename(columns={"Classification": "classification",
                                                                     "Category": "category"})
    named = rows[rows["category"].notna()]
    assert set(zip(named["classification"], named["category"], strict=True)) <= PAIRS | QUEST_PAIRS
    assert rows["category"].isna().any() == (layout == "sar-eats-2025")


@pytest.mark.parametrize("layout", FILES)
def test_expected_rows_count_the_files_rows_and_fit_the_schema(samples: dict, layout: str) -> None:
    truth, folder = samples[layout]
    for table, expected in truth.expected.items():
        assert expected.columns[:2].tolist() == ["source_file", "source_row"]
        for path, rows in expected.groupby("source_file"):
            written = read(folder, str(path), FILES[layout][str(path)][1])
            assert rows["source_row"].between(2, len(written) + 1).all() and rows["source_row"].is_unique
            if not path.endswith(("Trip Status.csv", "analytics-0.csv", "analytics-1.csv")):
                assert len(rows) == len(written), path
        frame = expected.assign(worker_id="w", platform=truth.platform, export_id="0" * 16, extra=None)
        assert conform(frame, table).num_rows == len(expected)
    assert not set(truth.expected) & {"extra"}


def test_expected_rows_say_what_the_files_say(samples: dict) -> None:
    truth, folder = samples["sar-fr-2021"]
    trips = read(folder, "FR-Paris/02 - Driver Lifetime Trips.csv", ";")
    jobs = truth.expected["jobs"]
    assert (jobs["requested_at"] == pd.to_datetime(trips["request_timestamp_utc"], utc=True)).all()
    assert (jobs["job_distance_m"] == trips["trip_distance_miles"].astype(float) * 1609.344).all()
    assert (jobs["fare"] == trips["original_fare_local"].astype(float)).all()
    assert jobs["accepted_at"].isna().all() and jobs["pickup_lat"].isna().all()
    assert jobs["job_id"].isna().all()
    pay = read(folder, "FR-Paris/19a - Driver Payments.csv", ";")
    earnings = truth.expected["earnings"]
    local = pd.to_datetime(pay["recognize_timestamp_local"]).dt.tz_localize("Europe/Paris")
    assert (earnings["earned_at"] == local).all()
    assert earnings["category"].tolist() == [CATEGORY[c] for c in pay["category"]]
    online = read(folder, "FR-Paris/05 - Driver Online Offline.csv", ";")
    segments = truth.expected["status_segments"]
    open_end = online["end_timestamp_utc"].isna()
    assert open_end.sum() == 1 and bool(open_end.iloc[-1])
    assert segments["end_at"].iloc[-1] == (segments["start_at"].iloc[-1]
                                           + pd.Timedelta(milliseconds=int(online["duration_ms"].iloc[-1])))
    portal, pfolder = samples["portal-2022"]
    title = read(pfolder, "driver_lifetime_trips-0.csv", ",")
    local = pd.to_datetime(title["Local Request Timestamp"].str.rstrip("Z"))
    local = local.dt.tz_localize("America/Los_Angeles")
    assert portal.needs_tz and (portal.expected["jobs"]["requested_at"] == local).all()
    old, ofolder = samples["sar-2016"]
    details = read(ofolder, "Trip details (Driver).csv", ",")
    assert old.needs_tz and old.expected["jobs"]["job_distance_m"].isna().all()
    minutes = details["duration"].astype(float)
    assert old.expected["jobs"]["job_duration_s"].equals(minutes * 60)
    eats, efolder = samples["sar-eats-2025"]
    courier = read(efolder, "CH-Lausanne/31 - Courier Lifetime Trip Data.csv", ",")
    offset = (pd.to_datetime(courier["courier_accept_timestamp_local"])
              - pd.to_datetime(courier["courier_accept_timestamp_utc"]))
    requested = (pd.to_datetime(courier["restaurant_request_timestamp_local"]) - offset).dt.tz_localize("UTC")
    assert (eats.expected["jobs"]["requested_at"] == requested).all()
    ratings = samples["portal-2025"][0].expected["ratings"]
    assert ratings["rated_at"].isna().all() and ratings["job_id"].isna().all()
    assert (ratings["scale"] == 5).all()


@pytest.mark.parametrize("layout", ["sar-fr-2021", "sar-geneva-2022", "sar-eats-2025"])
def test_expected_rows_tell_the_simulated_truth(samples: dict, layout: str) -> None:
    truth, _ = samples[layout]
    world, expected = truth.world, truth.expected
    segments = expected["status_segments"]
    log = segments[segments["source_file"].str.contains("Online Off")]
    length = (log["end_at"] - log["start_at"]).dt.total_seconds()
    iv = world.intervals
    for state in ["waiting", "to_pickup", "on_job"]:
        assert length[log["state"] == state].sum() == (iv["end_at"] - iv["start_at"]).dt.total_seconds()[
            iv["state"] == state].sum()
    assert len(expected["jobs"]) == len(world.jobs)
    # Uber Eats writes a customer's cancellation `canceled`, which the model can only call `other`
    lossy = {"cancelled_by_customer": "other"} if layout == "sar-eats-2025" else {}
    statuses = world.jobs["status"].replace(lossy)
    assert expected["jobs"]["status"].value_counts().to_dict() == statuses.value_counts().to_dict()
    assert expected["earnings"]["amount"].sum() == pytest.approx(world.pay["amount"].sum(), abs=1e-6)
    assert expected["earnings"]["category"].tolist() == world.pay["category"].tolist()
    if "offer_windows" in expected:
        windows = expected["offer_windows"]
        assert windows["offers"].sum() == len(world.offers)
        assert windows["accepted"].sum() == (world.offers["outcome"] == "accepted").sum()
        assert windows["minutes_on_job"].sum() * 60 == pytest.approx(truth.truth["time"]["on_job_s"])
    if "offers" in expected:
        assert (expected["offers"]["outcome"].value_counts().to_dict()
                == world.offers["outcome"].value_counts().to_dict())


def test_same_seed_same_zip_bytes(tmp_path: Path) -> None:
    first = write_sample("uber", tmp_path / "a.zip", days=3, seed=5)
    write_sample("uber", tmp_path / "b.zip", days=3, seed=5)
    write_sample("uber", tmp_path / "c.zip", days=3, seed=6)
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()
    assert (tmp_path / "a.zip").read_bytes() != (tmp_path / "c.zip").read_bytes()
    assert first.layout == "sar-fr-2021" and first.world.params.days == 3


def test_params_win_over_days_and_seed(tmp_path: Path) -> None:
    params = layout_params("ubereats", "sar-eats-2025", days=4, seed=2, waiting_share=0.6)
    truth = write_sample("ubereats", tmp_path / "e", days=30, seed=9, params=params)
    assert truth.world.params == params and truth.truth["params"]["waiting_share"] == 0.6


def test_unknown_names_and_a_driver_on_uber_eats_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="nope"):
        write_sample("uber", tmp_path / "x.zip", layout="nope")
    with pytest.raises(ValueError, match="lyft"):
        write_sample("lyft", tmp_path / "x.zip")
    with pytest.raises(ValueError, match="delivery"):
        write_sample("ubereats", tmp_path / "x.zip", params=layout_params("uber", "sar-fr-2021"))


def test_sample_exports_equal_a_fresh_regeneration(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_samples", ROOT / "scripts" / "make_samples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.make_samples(tmp_path)
    bundled = ROOT / "sample_exports"
    for folder in sorted(p for p in tmp_path.iterdir() if p.is_dir()):
        fresh = {p.relative_to(tmp_path).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
        kept = {p.relative_to(bundled).as_posix(): p.read_bytes()
                for p in (bundled / folder.name).rglob("*") if p.is_file()}
        assert kept.keys() == fresh.keys(), folder.name
        assert [k for k in fresh if fresh[k] != kept[k]] == [], "run `make samples` and commit the result"
    assert (bundled / "README.md").read_bytes() == (tmp_path / "README.md").read_bytes()
    size = sum(p.stat().st_size for p in tmp_path.rglob("*") if p.is_file())
    assert size < 3_000_000


def test_large_gps_files_are_well_formed(tmp_path: Path) -> None:
    device = tmp_path / "1 - Driver Detailed Device Data.csv"
    write_locations_csv(device, 600_001)  # more than one chunk
    data = device.read_bytes()
    assert data.count(b"\r\n") == data.count(b"\n") == 600_002
    assert data.split(b"\r\n", 1)[0].decode() == DEVICE
    frame = pd.read_csv(device, dtype={"driver_status": str}, keep_default_na=False)
    assert frame["gps_time_ms"].is_monotonic_increasing and frame["lat"].between(45, 47).all()
    assert set(frame["driver_status"]) <= {"open", "on_trip", "arrived", "accepted", "dispatching", "offline",
                                           "\\N"}
    analytics = tmp_path / "driver_app_analytics-0.csv"
    write_locations_csv(analytics, 1000, layout="analytics", seed=2)
    text = analytics.read_text()
    assert "\r" not in text and text.split("\n", 1)[0] == ANALYTICS and text.count("\n") == 1001
    assert re.search(r",\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3},", text)
