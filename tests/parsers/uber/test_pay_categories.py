"""Every Uber pay label known from the reference (export-formats.md §2.7) and the samples, with the model's
category written by hand; VAT lines are tax, commissions of every product are commission, and a label
nobody listed is an issue naming the column, never a silent `other`."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from parsers.base import ParseContext
from parsers.uber.payments import parse_payments
from tests.parsers.conftest import BytesMember, csv_bytes, lenient_ctx, strict_ctx, tables
from tests.parsers.uber import headers as h

SAMPLES = Path(__file__).resolve().parents[3] / "sample_exports"

CLASSIFICATIONS = {  # Uber's classification -> category (reference table §2.7, then the samples)
    "transport.fare.driver_upfront_fare": "fare",
    "transport.fare.base": "fare",
    "transport.fare.distance": "fare",
    "transport.fare.time": "fare",
    "transport.fare.surge": "fare",
    "transport.fare.cancellation_fee": "fare",
    "transport.fare.charges.wait_time": "fare",
    "transport.toll": "toll",
    "transport.misc.tip": "tip",
    "transport.tax.vat": "tax",
    "delivery.courier.tax.vat": "tax",
    "intermediary.commission": "commission",
    "delivery.fare.pickup": "fare",
    "delivery.fare.dropoff": "fare",
    "delivery.fare.distance": "fare",
    "delivery.fare.batch_discount": "fare",
    "eats.mp.charges.location_change_fee": "fee",
    "intermediary.delivery.charge.courier.fraud.fare": "holdback",
    "intermediary.fare.delivery.courier_adjust": "fare",  # Uber's own category: driver_payment_fares
    "transport.incentive.quest": "incentive",  # samples
    "delivery.incentive.quest": "incentive",  # samples
}
CATEGORIES = {  # Uber's category -> category (reference §2.7, issue 8 for eats_commission)
    "driver_payment_fares": "fare",
    "driver_payment_charges": "fare",
    "driver_payment_tolls": "toll",
    "tip": "tip",
    "tax": "tax",
    "commission": "commission",
    "eats_commission": "commission",
    "eats_fee": "fee",
    "courier_fraud_holdback": "holdback",
    "existing_driver_incentive": "incentive",
}
EATS = {"export_tz": "Europe/Zurich", "export_tz_evidence": "pairs"}


def lines(pairs: list[tuple[str | None, str | None]],
          ctx_strict: bool = True) -> tuple[list[str], ParseContext]:
    rows = [["Lausanne", "1.5", "CHF", cls, cat, "2024-03-25 12:00:00"] for cls, cat in pairs]
    member = BytesMember("CH-Lausanne/23a - Driver Payments.csv", csv_bytes(h.EATS_PAYMENTS, rows))
    ctx = (strict_ctx if ctx_strict else lenient_ctx)("sar-eats-2025", "ubereats", **EATS)
    earnings = tables(parse_payments(member, ctx))["earnings"]
    return earnings["category"].tolist(), ctx


@pytest.mark.parametrize(("classification", "expected"), sorted(CLASSIFICATIONS.items()))
def test_every_known_classification_alone_names_its_category(classification: str, expected: str) -> None:
    assert lines([(classification, None)])[0] == [expected]


@pytest.mark.parametrize(("category", "expected"), sorted(CATEGORIES.items()))
def test_every_known_category_with_an_unlisted_classification(category: str, expected: str) -> None:
    assert lines([("eats.some_future_label", category)])[0] == [expected]


def test_every_label_of_the_samples_and_the_reference_is_listed() -> None:
    seen: set[tuple[str, str]] = set()
    for path in SAMPLES.rglob("*"):
        if path.is_file() and "ayments" in path.name and path.suffix == ".csv":
            text = path.read_text(encoding="utf-8-sig")
            reader = csv.DictReader(io.StringIO(text), delimiter=";" if ";" in text.split("\n")[0] else ",")
            for row in reader:
                low = {k.lower(): v for k, v in row.items()}
                seen.add((low["classification"], low["category"]))
    assert seen, "no payments file among the samples"
    assert {cls for cls, _ in seen} <= set(CLASSIFICATIONS)
    assert {cat for _, cat in seen if cat} <= set(CATEGORIES)
    for cls, cat in seen:  # the samples' own pairs agree with both tables
        assert not cat or CATEGORIES[cat] == CLASSIFICATIONS[cls], (cls, cat)


def test_swiss_courier_vat_lines_are_tax_whatever_the_category_says() -> None:
    # VAT on a Lausanne courier's pay: positive lines, sometimes with an empty category (§2.7b),
    # and, in a re-export, under a fare category: the classification decides.
    got, _ = lines([("delivery.courier.tax.vat", "tax"), ("delivery.courier.tax.vat", None),
                    ("delivery.courier.tax.vat", "driver_payment_fares"), ("eats.courier.vat.adjust", None)])
    assert got == ["tax", "tax", "tax", "tax"]


def test_commissions_of_every_product_are_commission() -> None:
    got, _ = lines([(None, "eats_commission"), ("intermediary.delivery.commission", None),
                    ("eats.commission.service", "eats_commission"),
                    ("intermediary.commission", "commission")])
    assert got == ["commission"] * 4


def test_an_unknown_label_is_an_issue_naming_the_column_and_the_label() -> None:
    got, ctx = lines([("brand.new.thing", "something_new"), ("brand.new.thing", None),
                      ("transport.fare.base", "driver_payment_fares"), (None, None)], ctx_strict=False)
    assert got == ["other", "other", "fare", "other"]
    issues = ctx.issues.issues
    assert [(i.kind, i.row, i.column) for i in issues] == [("unknown_value", 2, "classification"),
                                                          ("unknown_value", 5, "classification")]
    assert "brand.new.thing" in issues[0].detail and "(2 row(s))" in issues[0].detail
    assert issues[1].detail.startswith("no label (1 row(s))")
    assert ctx.issues.counts() == {"unknown_value": 2}


def test_a_label_that_is_not_a_label_is_counted_without_being_quoted() -> None:
    _, ctx = lines([("Jane Doe 12 rue X", None)], ctx_strict=False)
    [issue] = ctx.issues.issues
    assert "Jane" not in issue.detail and issue.column == "classification"
