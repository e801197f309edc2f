"""Uber trips -> jobs, one test per layout quirk. Expected values are worked out by hand:
miles x 1609.344 = metres, minutes x 60 = seconds, local time minus the zone's UTC offset = UTC."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from parsers.uber.trips import parse_courier_trips, parse_lifetime_trips, parse_trip_details
from tests.parsers.conftest import BytesMember, csv_bytes, row_of, strict_ctx, tables, ts
from tests.parsers.uber import headers as h
from toolkit.errors import IngestError

FR_PATH = "FR-Paris/02 - Driver Lifetime Trips.csv"


def fr_trips(*rows: list[object]) -> BytesMember:
    return BytesMember(FR_PATH, csv_bytes(h.FR_TRIPS, rows, ";", "\r\n"))


def test_french_local_columns_with_bogus_z_are_paris_time() -> None:
    # export-formats.md §1.7: utc 2021-02-28T23:16:48.000Z, local 2021-03-01T00:16:48.000Z (Paris, +1 h).
    both = row_of(
        h.FR_TRIPS,
        ";",
        timezone="Europe/Paris",
        status="completed",
        request_timestamp_utc="2021-02-28T23:16:48.000Z",
        request_timestamp_local="2021-03-01T00:16:48.000Z",
    )
    local_only = row_of(
        h.FR_TRIPS,
        ";",
        timezone="Europe/Paris",
        status="rider_canceled",
        request_timestamp_local="2021-03-01T00:16:48.000Z",
    )
    ctx = strict_ctx("sar-fr-2021")
    jobs = tables(parse_lifetime_trips(fr_trips(both, local_only), ctx))["jobs"]
    assert jobs["requested_at"].tolist() == [ts("2021-02-28T23:16:48Z")] * 2
    assert jobs["status"].tolist() == ["completed", "cancelled_by_customer"]
    assert {(d.column, d.source, d.zone) for d in ctx.tz_decisions} == {
        ("request_timestamp_utc", "utc_column", "UTC"),
        ("request_timestamp_local", "row_timezone_column", "Europe/Paris"),
    }


def test_french_trip_units_money_and_extra() -> None:
    row = row_of(
        h.FR_TRIPS,
        ";",
        city_id="3",
        currency_code="EUR",
        timezone="Europe/Paris",
        flow="Black",
        product_type_name="uberX",
        status="completed",
        surge_multiplier="1.2",
        request_timestamp_utc="2021-02-28T23:16:48.000Z",
        begintrip_timestamp_utc="2021-02-28T23:20:00.000Z",
        dropoff_timestamp_utc="2021-02-28T23:40:00.000Z",
        request_to_begin_distance_miles="0.5",
        request_to_begin_duration_seconds="240",
        trip_distance_miles="3.0",
        trip_duration_seconds="1200",
        original_fare_local="15.5",
        original_fare_usd="18.7",
        carrier_mcc="208",
        begintrip_timestamp_local="2021-03-01T00:20:00.000Z",
    )
    [job] = tables(parse_lifetime_trips(fr_trips(row), strict_ctx("sar-fr-2021")))["jobs"].to_dict("records")
    assert (job["kind"], job["product"], job["raw_status"]) == ("ride", "uberX", "completed")
    assert (job["picked_up_at"], job["dropped_off_at"]) == (
        ts("2021-02-28T23:20:00Z"),
        ts("2021-02-28T23:40:00Z"),
    )
    assert job["to_pickup_distance_m"] == pytest.approx(804.672)
    assert job["job_distance_m"] == pytest.approx(4828.032)
    assert (job["to_pickup_duration_s"], job["job_duration_s"], job["surge_multiplier"]) == (240, 1200, 1.2)
    assert (job["fare"], job["currency"], job["source_row"]) == (15.5, "EUR", 2)
    assert json.loads(job["extra"]) == {
        "city_id": "3",
        "flow": "Black",
        "original_fare_usd": "18.7",
        "carrier_mcc": "208",
    }


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("completed", "completed"),
        ("fare_split", "completed"),
        ("rider_canceled", "cancelled_by_customer"),
        ("driver_canceled", "cancelled_by_worker"),
        ("failed", "failed"),
        ("unfulfilled", "other"),
    ],
)
def test_trip_statuses(raw: str, status: str) -> None:
    row = row_of(h.FR_TRIPS, ";", status=raw, request_timestamp_utc="2021-02-28T23:16:48.000Z")
    jobs = tables(parse_lifetime_trips(fr_trips(row), strict_ctx()))["jobs"]
    assert jobs["status"].tolist() == [status] and jobs["raw_status"].tolist() == [raw]


def test_geneva_trips_naive_utc_nulls_and_coordinates() -> None:
    row = row_of(
        h.GENEVA_TRIPS,
        request_timestamp_utc="2017-11-02 14:27:40",
        begintrip_timestamp_utc="\\N",
        dropoff_timestamp_utc="\\N",
        status="fare_split",
        request_lat="46.19",
        request_lng="6.13",
        begintrip_lat="46.2",
        begintrip_lng="6.14",
        dropoff_lat="46.21",
        dropoff_lng="6.15",
        original_fare_local="20",
        trip_distance_miles="\\N",
    )
    ctx = strict_ctx("sar-geneva-2022")  # no zone known: UTC columns need none
    [job] = tables(
        parse_lifetime_trips(
            BytesMember("01 - Driver Lifetime Trips.csv", csv_bytes(h.GENEVA_TRIPS, [row])), ctx
        )
    )["jobs"].to_dict("records")
    assert job["requested_at"] == ts("2017-11-02T14:27:40Z") and pd.isna(job["picked_up_at"])
    assert (job["pickup_lat"], job["pickup_lon"], job["dropoff_lat"], job["dropoff_lon"]) == (
        46.2,
        6.14,
        46.21,
        6.15,
    )
    assert pd.isna(job["job_distance_m"]) and job["status"] == "completed"
    assert json.loads(job["extra"]) == {"request_lat": "46.19", "request_lng": "6.13"}


def title_trips() -> BytesMember:
    row = [
        "UberX",
        "completed",
        "2022-09-07T09:44:33.000Z",
        "2022-09-07T09:50:00.000Z",
        "2022-09-07T10:05:00.000Z",
        "2",
        "900",
        "3.5",
        "12.75",
        None,
        "USD",
        "false",
    ]
    return BytesMember("driver_lifetime_trips-0.csv", csv_bytes(h.TITLE_TRIPS, [row]))


def test_title_case_trips_need_a_zone() -> None:
    with pytest.raises(IngestError) as caught:
        list(parse_lifetime_trips(title_trips(), strict_ctx("portal-2022")))
    assert caught.value.kind == "needs_timezone" and caught.value.member == "driver_lifetime_trips-0.csv"


def test_title_case_trips_with_the_users_zone() -> None:
    ctx = strict_ctx("portal-2022", user_tz="America/Los_Angeles")
    [job] = tables(parse_lifetime_trips(title_trips(), ctx))["jobs"].to_dict("records")
    # Los Angeles is UTC-7 in September (PDT).
    assert job["requested_at"] == ts("2022-09-07T16:44:33Z") and job["dropped_off_at"] == ts(
        "2022-09-07T17:05:00Z"
    )
    assert job["job_distance_m"] == pytest.approx(3218.688) and job["job_duration_s"] == 900
    assert (job["product"], job["fare"], job["currency"]) == ("UberX", 12.75, "USD")
    assert json.loads(job["extra"]) == {"Local Base Fare": "3.5", "Set Destination Trip": "false"}
    assert {(d.source, d.zone) for d in ctx.tz_decisions} == {("user", "America/Los_Angeles")}


def test_portal_2025_trips_in_usd_without_local_money() -> None:
    row = row_of(
        h.PORTAL_2025_TRIPS,
        currency_code="USD",
        timezone="America/Los_Angeles",
        status="completed",
        request_timestamp_utc="2024-12-20 00:16:28",
        original_fare_usd="12.3",
        trip_distance_miles="1",
    )
    member = BytesMember(
        "Uber Data/Driver/driver_lifetime_trips-0.csv", csv_bytes(h.PORTAL_2025_TRIPS, [row])
    )
    [job] = tables(parse_lifetime_trips(member, strict_ctx("portal-2025")))["jobs"].to_dict("records")
    assert (job["requested_at"], job["fare"], job["currency"]) == (ts("2024-12-20T00:16:28Z"), 12.3, "USD")


def test_2016_trip_details_minutes_and_unitless_distance() -> None:
    row = [
        "2015-12-02 7:10:55",
        "2015-12-02 7:15:00",
        "46.2",
        "6.14",
        "2015-12-02 7:27:30",
        "0",
        "0",
        "completed",
        "CHF",
        "uberX",
        "25.5",
        "3.2",
        "12.5",
        "1.0",
    ]
    member = BytesMember("Trip details (Driver).csv", csv_bytes(h.TRIP_DETAILS, [row], eol="\r\n"))
    ctx = strict_ctx("sar-2016", user_tz="Europe/Zurich")
    [job] = tables(parse_trip_details(member, ctx))["jobs"].to_dict("records")
    # Zurich is UTC+1 in December; the hour is not zero-padded in this file.
    assert job["requested_at"] == ts("2015-12-02T06:10:55Z") and job["dropped_off_at"] == ts(
        "2015-12-02T06:27:30Z"
    )
    assert job["job_duration_s"] == 750 and pd.isna(job["job_distance_m"])
    assert pd.isna(job["dropoff_lat"]) and pd.isna(job["dropoff_lon"])  # 0/0 is no position
    assert (job["product"], job["fare"], job["currency"]) == ("uberX", 25.5, "CHF")
    assert json.loads(job["extra"]) == {"distance": "3.2"}


def courier_rows() -> list[list[object]]:
    winter = row_of(
        h.COURIER,
        city_name="Lausanne",
        courier_accept_timestamp_local="2023-11-10 12:36:35",
        courier_accept_timestamp_utc="2023-11-10 11:36:35",
        courier_accept_to_pickup_distance_miles="1.0",
        courier_accept_to_pickup_duration_seconds="400",
        courier_accept_trip_lat="46.52",
        courier_accept_trip_lng="6.63",
        courier_arrival_pickup_timestamp_local="2023-11-10 12:45:00",
        courier_begintrip_lat="46.521",
        courier_begintrip_lng="6.64",
        courier_begintrip_timestamp_local="2023-11-10 12:50:10",
        courier_begintrip_to_dropoff_miles="2.0",
        courier_begintrip_to_dropoff_seconds="900",
        courier_device="iphone",
        courier_arrival_dropoff_timestamp_local="2023-11-10 13:05:00",
        courier_dropoff_timestamp_local="2023-11-10 13:06:30",
        delivery_status="completed",
        dropoff_delivery_distance_km="0.0098",
        restaurant_request_timestamp_local="2023-11-10 12:30:00",
    )
    no_accept = row_of(
        h.COURIER, delivery_status="driver_canceled", restaurant_request_timestamp_local="2024-06-01 13:00:00"
    )
    return [winter, no_accept]


def test_courier_times_by_row_offset_then_export_zone() -> None:
    member = BytesMember("31 - Courier Lifetime Trip Data.csv", csv_bytes(h.COURIER, courier_rows()))
    ctx = strict_ctx("sar-eats-2025", "ubereats", export_tz="Europe/Zurich", export_tz_evidence="pairs")
    first, second = tables(parse_courier_trips(member, ctx))["jobs"].to_dict("records")
    assert [
        first[c]
        for c in (
            "requested_at",
            "accepted_at",
            "arrived_pickup_at",
            "picked_up_at",
            "arrived_dropoff_at",
            "dropped_off_at",
        )
    ] == [
        ts("2023-11-10T11:30:00Z"),
        ts("2023-11-10T11:36:35Z"),
        ts("2023-11-10T11:45:00Z"),
        ts("2023-11-10T11:50:10Z"),
        ts("2023-11-10T12:05:00Z"),
        ts("2023-11-10T12:06:30Z"),
    ]
    assert (first["kind"], first["status"]) == ("delivery", "completed")
    assert pd.isna(first["product"]) and pd.isna(first["fare"]) and pd.isna(first["currency"])
    assert (first["accept_lat"], first["pickup_lon"]) == (46.52, 6.64)
    assert first["to_pickup_distance_m"] == pytest.approx(1609.344)
    assert first["job_distance_m"] == pytest.approx(3218.688) and first["job_duration_s"] == 900
    assert json.loads(first["extra"]) == {
        "city_name": "Lausanne",
        "courier_device": "iphone",
        "dropoff_delivery_distance_km": "0.0098",
    }
    # Zurich is UTC+2 in June; the row has no accept pair, so the export's zone places it.
    assert second["requested_at"] == ts("2024-06-01T11:00:00Z") and second["status"] == "cancelled_by_worker"
    sources = {(d.column, d.source) for d in ctx.tz_decisions}
    assert ("restaurant_request_timestamp_local", "row_offset") in sources
    assert ("restaurant_request_timestamp_local (rows without their own zone)", "export") in sources


def test_courier_rows_with_their_own_offset_need_no_zone() -> None:
    member = BytesMember("31 - Courier Lifetime Trip Data.csv", csv_bytes(h.COURIER, courier_rows()[:1]))
    jobs = tables(parse_courier_trips(member, strict_ctx("sar-eats-2025", "ubereats")))["jobs"]
    assert jobs["dropped_off_at"].tolist() == [ts("2023-11-10T12:06:30Z")]


def test_unknown_trips_header_is_a_schema_mismatch() -> None:
    member = BytesMember(FR_PATH, b"Kennzeichen;Fahrtstatus\r\nAB12;completed\r\n")
    with pytest.raises(IngestError) as caught:
        list(parse_lifetime_trips(member, strict_ctx()))
    assert caught.value.kind == "schema_mismatch" and "status" in caught.value.detail
