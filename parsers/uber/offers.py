"""Uber hourly offer counts -> `offer_windows`.

`NN - Driver Dispatches Offered and Accepted.csv` (export-formats.md §2.5): one row per hour with
activity, counts of offers (`dispatches`) and of their outcomes, minutes online/active/on trip, and the
trip fares of the hour. French 2021: `;`, 19 columns, `*_utc` with `Z`; Geneva 2017–2022: `,`, 21
columns, naive UTC times, no `minutes_on_break`. The file states no currency: the export's trip
currency is used when the export states one (`ctx.facts["currency"]`, set by `prepare`). Counts are kept
as given (`dispatches = accepts + rejections + expireds` does not always hold in real files).

Example:
    >>> WINDOW_COUNTS["dispatches"]
    'offers'
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from parsers.base import Batch, Member, ParseContext
from parsers.common import (
    column,
    extra_json,
    finish,
    note_worker_id,
    pick_variant,
    read_csv,
    require,
    to_float,
    to_int,
    utc_or_local,
)

CHUNK_ROWS = 200_000
DISPATCH_VARIANTS = {
    "UTC windows": ("start_timestamp_utc", "end_timestamp_utc", "dispatches"),
    "local windows": ("start_timestamp_local", "end_timestamp_local", "dispatches"),
}
WINDOW_COUNTS = {
    "dispatches": "offers", "accepts": "accepted", "rejections": "rejected", "expireds": "expired",
    "driver_cancellations": "cancelled_by_worker", "rider_cancellations": "cancelled_by_customer",
    "completed_trips": "completed",
}
WINDOW_AMOUNTS = {"minutes_online": "minutes_online", "minutes_active": "minutes_active",
                  "minutes_on_trip": "minutes_on_job", "minutes_on_break": "minutes_on_break",
                  "trip_fares": "fares"}


def parse_dispatches(member: Member, ctx: ParseContext) -> Iterator[Batch]:
    """`Driver Dispatches Offered and Accepted` -> `offer_windows`.

    Example:
        >>> import io
        >>> class M:
        ...     path, size = "08 - Driver Dispatches Offered and Accepted.csv", 0
        ...     def open(self): return io.BytesIO(b"start_timestamp_utc;end_timestamp_utc;dispatches;"
        ...         b"trip_fares\\r\\n2021-02-28T23:00:00.000Z;2021-03-01T00:00:00.000Z;21;12.5\\r\\n")
        >>> ctx = ParseContext("uber", "sar-fr-2021", facts={"currency": "EUR"})
        >>> next(parse_dispatches(M(), ctx)).rows[["offers", "fares", "currency"]].to_dict("records")
        [{'offers': 21, 'fares': 12.5, 'currency': 'EUR'}]
    """
    for frame in read_csv(member, ctx, CHUNK_ROWS):
        pick_variant(member.path, frame.columns, DISPATCH_VARIANTS)
        yield Batch("offer_windows", _windows(frame, ctx, member.path))


def _windows(frame: pd.DataFrame, ctx: ParseContext, file: str) -> pd.DataFrame:
    out = pd.DataFrame(index=frame.index)
    for target, stem in (("window_start", "start"), ("window_end", "end")):
        out[target] = utc_or_local(frame, ctx, file, f"{stem}_timestamp_utc", f"{stem}_timestamp_local")
    for source, target in WINDOW_COUNTS.items():
        out[target] = to_int(column(frame, source), ctx, file)
    for source, target in WINDOW_AMOUNTS.items():
        out[target] = to_float(column(frame, source), ctx, file)
    out["currency"] = ctx.facts.get("currency")
    out["source_row"] = frame["source_row"]
    note_worker_id(frame, ctx, "driver_uuid")
    used = [*WINDOW_COUNTS, *WINDOW_AMOUNTS, "start_timestamp_utc", "start_timestamp_local",
            "end_timestamp_utc", "end_timestamp_local"]
    out["extra"] = extra_json(frame, used)
    start = "start_timestamp_utc" if "start_timestamp_utc" in frame else "start_timestamp_local"
    end = "end_timestamp_utc" if "end_timestamp_utc" in frame else "end_timestamp_local"
    return finish(require(out, frame, ctx, file, {"window_start": start, "window_end": end}), "offer_windows")
