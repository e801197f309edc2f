"""Uber pay lines -> `earnings`.

`NN - Driver Payments.csv` of access requests (export-formats.md §2.7): French 2021 (`;`, `city_id`
first) and Uber Eats 2025 (`,`, `city_name` first, some rows with an empty `category`); the 2025 US
portal's `driver_payments-N.csv` in Title Case with a `Trip UUID`. Amounts are signed (commission and VAT
negative) in `currency_code`; `recognize_timestamp_local`/`Local Timestamp` is local time with no zone
(placed with the export's zone or `--tz`). The model's category comes from Uber's `category`, or from
the `classification` when the category is empty (docs/uber-mapping.md, "earnings").

Example:
    >>> uber_category = pd.Series(["tip", None])
    >>> category_of(uber_category, pd.Series(["transport.misc.tip", "delivery.fare.pickup"])).tolist()
    ['tip', 'fare']
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
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
_INCENTIVE = r"incentive|promotion|quest|boost"
CATEGORY_RULES = (  # Uber's category (lower case) -> the model's, first match wins
    ("fare", r"^(?:driver_payment_fares|driver_payment_charges)$"), ("tip", r"^tip$"), ("tax", r"^tax$"),
    ("commission", r"^commission$"), ("toll", r"^driver_payment_tolls$"), ("fee", r"^eats_fee$"),
    ("holdback", r"^courier_fraud_holdback$"), ("incentive", _INCENTIVE), ("adjustment", r"adjust"),
)
CLASSIFICATION_RULES = (  # Uber's classification, when the category is empty
    ("fare", r"^(?:transport|delivery)\.fare\.|\.courier_adjust$"), ("tip", r"\.tip$"), ("tax", r"\.tax\."),
    ("commission", r"^intermediary\.commission$"), ("toll", r"^transport\.toll$"),
    ("fee", r"^eats\.mp\.charges\."), ("holdback", r"fraud"), ("incentive", _INCENTIVE),
)


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
        out["category"] = category_of(column(frame, names["category"]), frame[names["classification"]])
        out["earned_at"] = place_local(frame[names["earned_at"]], ctx, file)
        out["job_id"] = column(frame, names["job_id"]) if "job_id" in names else None
        out["source_row"] = frame["source_row"]
        out["extra"] = extra_json(frame, names.values())
        needed = {"amount": names["amount"], "currency": names["currency"]}
        yield Batch("earnings", finish(require(out, frame, ctx, file, needed), "earnings"))


def category_of(category: pd.Series, classification: pd.Series) -> pd.Series:
    """The model's earnings category from Uber's `category`, or its `classification` when empty.

    Example:
        >>> category_of(pd.Series([None, "existing_driver_incentive"]),
        ...             pd.Series(["intermediary.delivery.charge.courier.fraud.fare", "x"])).tolist()
        ['holdback', 'incentive']
    """
    from_category = _classify(category, CATEGORY_RULES)
    from_classification = _classify(classification, CLASSIFICATION_RULES)
    use_category = category.notna().to_numpy()
    return pd.Series(np.where(use_category, from_category, from_classification), index=category.index,
                     dtype=object)


def _classify(values: pd.Series, rules: tuple[tuple[str, str], ...]) -> np.ndarray:
    lower = values.astype("str").str.strip().str.lower()
    conditions = [lower.str.contains(pattern, regex=True).fillna(False).to_numpy(dtype=bool)
                  for _, pattern in rules]
    return np.select(conditions, [name for name, _ in rules], default="other")
