"""Uber Driver Payments (three variants) -> earnings, with the category derived when Uber's is empty."""

from __future__ import annotations

import json

import pytest

from parsers.uber.payments import parse_payments
from tests.parsers.conftest import BytesMember, csv_bytes, strict_ctx, tables, ts
from tests.parsers.uber import headers as h
from toolkit.errors import IngestError

PARIS = {"export_tz": "Europe/Paris", "export_tz_evidence": "timezone column"}


def test_french_lines_signed_amounts_and_local_time() -> None:
    rows = [
        ["3", "12.5", "EUR", "transport.fare.base", "driver_payment_fares", "2021-02-28 23:17:18"],
        ["3", "-3.13", "EUR", "intermediary.commission", "commission", "2021-02-28 23:17:18"],
        ["3", "-0.6", "EUR", "transport.tax.vat", "tax", "2021-02-28 23:17:18"],
    ]
    member = BytesMember("FR-Paris/19a - Driver Payments.csv", csv_bytes(h.FR_PAYMENTS, rows, ";", "\r\n"))
    ctx = strict_ctx("sar-fr-2021", **PARIS)
    earnings = tables(parse_payments(member, ctx))["earnings"]
    assert earnings["amount"].tolist() == [12.5, -3.13, -0.6]
    assert earnings["category"].tolist() == ["fare", "commission", "tax"]
    assert earnings["earned_at"].tolist() == [ts("2021-02-28T22:17:18Z")] * 3  # Paris, UTC+1 in February
    assert json.loads(earnings["extra"].iloc[0]) == {"city_id": "3"}
    assert {(d.source, d.zone) for d in ctx.tz_decisions} == {("export", "Europe/Paris")}


@pytest.mark.parametrize(
    ("category", "classification", "expected"),
    [
        ("driver_payment_charges", "transport.fare.charges.wait_time", "fare"),
        ("driver_payment_tolls", "transport.toll", "toll"),
        ("tip", "transport.misc.tip", "tip"),
        ("eats_fee", "eats.mp.charges.location_change_fee", "fee"),
        ("courier_fraud_holdback", "intermediary.delivery.charge.courier.fraud.fare", "holdback"),
        ("existing_driver_incentive", "x", "incentive"),
        ("manual_adjustment", "x", "adjustment"),
        # an unknown label is an issue, not a silent "other": tests/parsers/uber/test_pay_categories.py
        (None, "delivery.fare.pickup", "fare"),
        (None, "intermediary.fare.delivery.courier_adjust", "fare"),
        (None, "transport.misc.tip", "tip"),
        (None, "delivery.courier.tax.vat", "tax"),
        (None, "intermediary.commission", "commission"),
        (None, "transport.toll", "toll"),
        (None, "eats.mp.charges.location_change_fee", "fee"),
        (None, "intermediary.delivery.charge.courier.fraud.fare", "holdback"),
        (None, "weekly.quest.bonus", "incentive"),
    ],
)
def test_eats_category_and_empty_category_from_classification(
    category: str | None, classification: str, expected: str
) -> None:
    row = ["Lausanne", "4.2", "CHF", classification, category, "2023-11-10 12:40:00"]
    member = BytesMember("23a - Driver Payments.csv", csv_bytes(h.EATS_PAYMENTS, [row]))
    ctx = strict_ctx("sar-eats-2025", "ubereats", export_tz="Europe/Zurich", export_tz_evidence="pairs")
    [line] = tables(parse_payments(member, ctx))["earnings"].to_dict("records")
    assert (line["category"], line["classification"], line["currency"]) == (expected, classification, "CHF")


def test_portal_title_case_lines_keep_the_trip_uuid() -> None:
    row = [
        "Los Angeles",
        "6f1c",
        "7.25",
        "USD",
        "transport.fare.base",
        "driver_payment_fares",
        "2024-12-19 16:16:28",
    ]
    member = BytesMember("Uber Data/Driver/driver_payments-0.csv", csv_bytes(h.PORTAL_PAYMENTS, [row]))
    ctx = strict_ctx("portal-2025", user_tz="America/Los_Angeles")
    [line] = tables(parse_payments(member, ctx))["earnings"].to_dict("records")
    assert (line["job_id"], line["amount"], line["earned_at"]) == ("6f1c", 7.25, ts("2024-12-20T00:16:28Z"))
    assert json.loads(line["extra"]) == {"City Name": "Los Angeles"}


def test_payment_at_a_repeated_local_time_is_the_first_occurrence() -> None:
    # 2021-10-31 02:30 happens twice in Paris; the first time is 00:30 UTC (UTC+2, before the change).
    row = ["3", "1", "EUR", "transport.misc.tip", "tip", "2021-10-31 02:30:00"]
    member = BytesMember("19a - Driver Payments.csv", csv_bytes(h.FR_PAYMENTS, [row], ";"))
    ctx = strict_ctx("sar-fr-2021", **PARIS)
    [line] = tables(parse_payments(member, ctx))["earnings"].to_dict("records")
    assert line["earned_at"] == ts("2021-10-31T00:30:00Z")
    assert "1 local time(s) repeated by a DST change" in ctx.tz_decisions[0].detail


def test_payments_without_a_zone_stop_and_ask_for_one() -> None:
    row = ["3", "1", "EUR", "transport.misc.tip", "tip", "2021-02-28 23:17:18"]
    member = BytesMember("19a - Driver Payments.csv", csv_bytes(h.FR_PAYMENTS, [row], ";"))
    with pytest.raises(IngestError) as caught:
        list(parse_payments(member, strict_ctx()))
    assert caught.value.kind == "needs_timezone" and "recognize_timestamp_local" in caught.value.detail


def test_unknown_payments_header_names_what_is_missing() -> None:
    member = BytesMember("19a - Driver Payments.csv", b"nothing;we;know\r\n1;2;3\r\n")
    with pytest.raises(IngestError) as caught:
        list(parse_payments(member, strict_ctx()))
    assert caught.value.kind == "schema_mismatch" and "classification" in caught.value.detail
