"""Uber pay lines -> `earnings`.

`NN - Driver Payments.csv` of access requests (export-formats.md §2.7): French 2021 (`;`, `city_id`
first) and Uber Eats 2025 (`,`, `city_name` first, some rows with an empty `category`); the 2025 US
portal's `driver_payments-N.csv` in Title Case with a `Trip UUID`. Amounts are signed (commission and VAT
negative) in `currency_code`; `recognize_timestamp_local`/`Local Timestamp` is local time with no zone
(placed with the export's zone or `--tz`). The model's category comes from the `classification`, else
from Uber's `category` (`category_of`; docs/uber-mapping.md, "earnings"): every label of the reference
and the samples is listed, and a label that is not is reported, never silently `other`.

Example:
    >>> uber_category = pd.Series(["tip", None])
    >>> category_of(uber_category, pd.Series(["transport.misc.tip", "delivery.fare.pickup"])).tolist()
    ['tip', 'fare']
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from parsers.base import Batch, Member, ParseContext
from parsers.common import (
    column,
    extra_json,
    finish,
    pick_variant,
    place_local,
    read_csv,
    require,
    to_float,
)
from parsers.common.values import label_category, report_labels

CHUNK_ROWS = 200_000
PAYMENT_VARIANTS = {
    "snake_case (access request)": ("amount_local", "currency_code", "classification",
                                    "recognize_timestamp_local"),
    "Title Case (portal)": ("Local Amount", "Currency Code", "Classification", "Local Timestamp"),
}
_COLUMNS = {  # model column -> source column, per variant
    "snake_case (access request)": {"amount": "amount_local", "currency": "currency_code",
                                    "classification": "classification", "category": "category",
                                    "earned_at": "recognize_timestamp_local"},
    "Title Case (portal)": {"amount": "Local Amount", "currency": "Currency Code",
                            "classification": "Classification", "category": "Category",
                            "earned_at": "Local Timestamp", "job_id": "Trip UUID"},
}
CLASSIFICATIONS = {  # Uber's classification -> the model's category (export-formats.md §2.7, the samples)
    "transport.fare.driver_upfront_fare": "fare", "transport.fare.base": "fare",
    "transport.fare.distance": "fare", "transport.fare.time": "fare", "transport.fare.surge": "fare",
    "transport.fare.cancellation_fee": "fare", "transport.fare.charges.wait_time": "fare",
    "delivery.fare.pickup": "fare", "delivery.fare.dropoff": "fare", "delivery.fare.distance": "fare",
    "delivery.fare.batch_discount": "fare",
    "intermediary.fare.delivery.courier_adjust": "fare",  # Uber files it under driver_payment_fares
    "transport.toll": "toll", "transport.misc.tip": "tip",
    "transport.tax.vat": "tax", "delivery.courier.tax.vat": "tax",
    "intermediary.commission": "commission",
    "eats.mp.charges.location_change_fee": "fee",
    "intermediary.delivery.charge.courier.fraud.fare": "holdback",
    "transport.incentive.quest": "incentive", "delivery.incentive.quest": "incentive",
}
CATEGORIES = {  # Uber's category -> the model's
    "driver_payment_fares": "fare", "driver_payment_charges": "fare", "driver_payment_tolls": "toll",
    "tip": "tip", "tax": "tax", "commission": "commission", "eats_commission": "commission",
    "eats_fee": "fee", "courier_fraud_holdback": "holdback", "existing_driver_incentive": "incentive",
}
FAMILIES = (  # labels not seen verbatim yet whose words leave no doubt; first match wins
    ("tax", r"(?:^|[._])(?:tax|vat)(?:[._]|$)"),  # VAT and other taxes, whatever the product
    ("commission", r"(?:^|[._])commission(?:[._]|$)"),  # commissions of every product
    ("holdback", r"fraud|holdback"),
    ("tip", r"(?:^|[._])tips?$"),
    ("toll", r"(?:^|[._])tolls?(?:[._]|$)"),
    ("fare", r"^(?:transport|delivery)\.fare\."),
    ("incentive", r"incentive|promotion|quest|boost|bonus"),
    ("adjustment", r"adjust"),
    ("fee", r"(?:^|[._])fees?(?:[._]|$)"),
)
UNKNOWN = "kept with category other, counted in the totals; please report the label"


def parse_payments(member: Member, ctx: ParseContext) -> Iterator[Batch]:
    """`Driver Payments` (access request) and `driver_payments-N.csv` (portal) -> `earnings`.

    Example:
        >>> import io
        >>> class M:
        ...     path, size = "19a - Driver Payments.csv", 0
        ...     def open(self): return io.BytesIO(b"city_id;amount_local;currency_code;classification;"
        ...         b"category;recognize_timestamp_local\\r\\n3;-2.5;EUR;intermediary.commission;commission;"
        ...         b"2021-02-28 23:17:18\\r\\n")
        >>> ctx = ParseContext("uber", "sar-fr-2021", export_tz="Europe/Paris")
        >>> rows = next(parse_payments(M(), ctx)).rows
        >>> rows[["amount", "category", "extra"]].to_dict("records")
        [{'amount': -2.5, 'category': 'commission', 'extra': '{"city_id":"3"}'}]
        >>> str(rows["earned_at"].iloc[0])
        '2021-02-28 22:17:18+00:00'
    """
    for frame in read_csv(member, ctx, CHUNK_ROWS):
        names = _COLUMNS[pick_variant(member.path, frame.columns, PAYMENT_VARIANTS)]
        file = member.path
        out = pd.DataFrame(index=frame.index)
        out["amount"] = to_float(frame[names["amount"]], ctx, file)
        out["currency"] = frame[names["currency"]]
        out["classification"] = frame[names["classification"]]
        out["category"] = category_of(column(frame, names["category"]), frame[names["classification"]], ctx,
                                      file)
        out["earned_at"] = place_local(frame[names["earned_at"]], ctx, file)
        out["job_id"] = column(frame, names["job_id"]) if "job_id" in names else None
        out["source_row"] = frame["source_row"]
        out["extra"] = extra_json(frame, names.values())
        needed = {"amount": names["amount"], "currency": names["currency"]}
        yield Batch("earnings", finish(require(out, frame, ctx, file, needed), "earnings"))


def category_of(category: pd.Series, classification: pd.Series, ctx: ParseContext | None = None,
                file: str = "") -> pd.Series:
    """The model's earnings category of each pay line; with `ctx`, a line neither label places is an issue.

    The classification (Uber's finer label) decides first, exactly (`CLASSIFICATIONS`) or by its words
    (`FAMILIES`: a VAT line is tax, a commission of any product is commission), then Uber's category
    (`CATEGORIES`, then `FAMILIES`); a line that none places is `other` and, never silently, an
    `unknown_value` issue naming the classification column and the label.

    Example:
        >>> category_of(pd.Series([None, "existing_driver_incentive", "eats_commission"]),
        ...             pd.Series(["intermediary.delivery.charge.courier.fraud.fare", "x", None])).tolist()
        ['holdback', 'incentive', 'commission']
    """
    found = label_category(classification, CLASSIFICATIONS, FAMILIES)
    found = found.where(found.notna(), label_category(category, CATEGORIES, FAMILIES))
    unknown = found.isna()
    if ctx is not None and unknown.any():
        report_labels(ctx, file, classification, unknown, UNKNOWN)
    return found.where(~unknown, "other").astype(object)
