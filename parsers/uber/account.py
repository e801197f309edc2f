"""Uber account-level files about the worker: app restrictions -> `sanctions`, ratings -> `ratings`.

`NN - Driver App Restrictions.csv` (French 2021 access request, `;`, export-formats.md §2.8): one row per
"penalty box" event; `msg.penaltyboxdurationms` 0 is a notification, 21,600,000 a 6-hour block; `Time`
is UTC (inferred from the data); coordinates can be 0/0 (no fix). `driver_lifetime_ratings_received-N.csv`
(2025 portal, §2.11): one column `five_star_rating`, no date and no trip. Mapping: docs/uber-mapping.md.

Example:
    >>> RATING_SCALE
    5.0
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from parsers.base import Batch, Member, ParseContext
from parsers.common import (
    coordinates,
    extra_json,
    finish,
    pick_variant,
    read_csv,
    require,
    to_float,
    utc,
)

CHUNK_ROWS = 200_000
RATING_SCALE = 5.0
RESTRICTION_VARIANTS = {"French 2021": ("msg.penaltyboxdurationms", "msg.rule", "Time")}
RATING_VARIANTS = {"portal 2025": ("five_star_rating",)}


def parse_restrictions(member: Member, ctx: ParseContext) -> Iterator[Batch]:
    """`Driver App Restrictions` -> `sanctions` (`block` when the penalty box lasts, else `notification`).

    Example:
        >>> import io
        >>> class M:
        ...     path, size = "11 - Driver App Restrictions.csv", 0
        ...     def open(self): return io.BytesIO(b"msg.cityid;msg.penaltyboxdurationms;msg.rule;Time;"
        ...         b"msg.latitude;msg.longitude\\r\\n"
        ...         b"3;21600000;consecutiveReject;2021-02-28 23:55:40;0;0\\r\\n")
        >>> rows = next(parse_restrictions(M(), ParseContext("uber", "sar-fr-2021"))).rows
        >>> rows[["kind", "rule", "duration_s", "lat"]].to_dict("records")
        [{'kind': 'block', 'rule': 'consecutiveReject', 'duration_s': 21600.0, 'lat': nan}]
    """
    for frame in read_csv(member, ctx, CHUNK_ROWS):
        pick_variant(member.path, frame.columns, RESTRICTION_VARIANTS)
        file = member.path
        ms = to_float(frame["msg.penaltyboxdurationms"], ctx, file)
        out = pd.DataFrame(index=frame.index)
        out["at"] = utc(frame["Time"], ctx, file)
        if frame["Time"].notna().any():
            ctx.record_tz(file, "Time", "UTC", "utc_column",
                          "read as UTC: rows match the offer and online files in UTC (§2.8)")
        out["kind"] = np.select([ms > 0, ms == 0], ["block", "notification"], default="other")
        out["rule"] = frame["msg.rule"]
        out["duration_s"] = ms / 1000.0
        out["lat"], out["lon"] = coordinates(frame, ctx, file, "msg.latitude", "msg.longitude")
        out["source_row"] = frame["source_row"]
        out["extra"] = extra_json(frame, ["msg.penaltyboxdurationms", "msg.rule", "Time", "msg.latitude",
                                          "msg.longitude"])
        yield Batch("sanctions", finish(require(out, frame, ctx, file, {"at": "Time"}), "sanctions"))


def parse_ratings(member: Member, ctx: ParseContext) -> Iterator[Batch]:
    """`driver_lifetime_ratings_received-N.csv` -> `ratings` by customers, out of 5, undated.

    Example:
        >>> import io
        >>> class M:
        ...     path, size = "driver_lifetime_ratings_received-0.csv", 0
        ...     def open(self): return io.BytesIO(b"five_star_rating\\n5\\n4.0\\n")
        >>> next(parse_ratings(M(), ParseContext("uber", "portal-2025"))).rows["rating"].tolist()
        [5.0, 4.0]
    """
    for frame in read_csv(member, ctx, CHUNK_ROWS):
        pick_variant(member.path, frame.columns, RATING_VARIANTS)
        out = pd.DataFrame(index=frame.index)
        out["rating"] = to_float(frame["five_star_rating"], ctx, member.path)
        out["scale"] = RATING_SCALE
        out["rater"] = "customer"
        out["source_row"] = frame["source_row"]
        out["extra"] = extra_json(frame, ["five_star_rating"])
        needed = {"rating": "five_star_rating"}
        yield Batch("ratings", finish(require(out, frame, ctx, member.path, needed), "ratings"))
