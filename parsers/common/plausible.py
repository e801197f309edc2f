"""Values outside physical sense, stored as empty and counted, so that nothing an ingest accepted can break
a later command (a year-9999 trip, a fare of 1e308, a latitude of 400).

Every batch a parser yields passes here before it is conformed to the data model (`parsers.ingest`): a
time outside 2000–2100, a non-finite number, or a number outside the bounds of its column (`BOUNDS`) becomes
null, with one `implausible_value` issue per row naming the file, the row and the column. A row whose
required column (`toolkit.schema.REQUIRED`) is thereby emptied is left out, with its issue. The bounds are
far outside anything a real export holds: they catch corruption and hostile files, never real work.

Example:
    >>> import pyarrow as pa
    >>> from parsers.base import ParseContext
    >>> ctx = ParseContext("uber", "x")
    >>> t = pa.table({"source_row": [2, 3], "fare": [12.5, float("inf")], "pickup_lat": [48.8, 400.0]})
    >>> plausible(t, "jobs", ctx, "trips.csv").to_pydict()
    {'source_row': [2, 3], 'fare': [12.5, None], 'pickup_lat': [48.8, None]}
    >>> sorted(ctx.issues.counts().items())
    [('implausible_value', 2)]
"""

from __future__ import annotations

from datetime import UTC, datetime

import pyarrow as pa
import pyarrow.compute as pc

from parsers.base import ParseContext
from parsers.common.values import report_rows
from toolkit.schema import REQUIRED

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
"""Times outside [EARLIEST, LATEST) are not times of platform work."""
DAY_S = 86_400.0
BOUNDS: dict[str, tuple[float, float]] = {
    "lat": (-90.0, 90.0), "lon": (-180.0, 180.0),
    "distance_m": (0.0, 20_000_000.0),         # half the Earth's circumference
    "duration_s": (0.0, 3_660.0 * DAY_S),      # ten years: the longest block or deactivation said in seconds
    "fare": (-10_000_000.0, 10_000_000.0), "amount": (-10_000_000.0, 10_000_000.0),
    "total": (-10_000_000.0, 10_000_000.0), "fares": (-10_000_000.0, 10_000_000.0),
    "surge_multiplier": (0.0, 100.0),
    "accuracy_m": (0.0, 1_000_000.0), "altitude_m": (-12_000.0, 100_000.0), "speed_mps": (0.0, 1_000.0),
    "rating": (-1_000.0, 1_000.0), "scale": (0.0, 1_000.0),
    "minutes": (0.0, 60.0 * 24 * 3_660),
}
"""Per column (or column-name ending: `pickup_lat` takes `lat`, `job_duration_s` takes `duration_s`,
`minutes_online` takes `minutes`), the closed range a value must lie in."""


def bounds_of(column: str) -> tuple[float, float] | None:
    """The range `column` must lie in, if it has one.

    Example:
        >>> bounds_of("dropoff_lon"), bounds_of("minutes_on_job"), bounds_of("currency")
        ((-180.0, 180.0), (0.0, 5270400.0), None)
    """
    if column in BOUNDS:
        return BOUNDS[column]
    for suffix, limits in BOUNDS.items():
        if column.endswith("_" + suffix) or column.startswith(suffix + "_"):
            return limits
    return None


def plausible(table: pa.Table, name: str, ctx: ParseContext, file: str) -> pa.Table:
    """`table` (a batch of data-model table `name`) with implausible values emptied and counted, and the
    rows whose required values were emptied left out."""
    rows = table.column("source_row").to_pylist() if "source_row" in table.column_names else None
    emptied_required = None
    for index, column in enumerate(table.column_names):
        values = table.column(index)
        bad = _implausible(values, column)
        if bad is None or not pc.any(bad).as_py():
            continue
        positions = pc.indices_nonzero(bad).to_pylist()
        report_rows(ctx, file, "implausible_value", _said(values[positions[0]].as_py(), column),
                    [rows[p] for p in positions] if rows is not None else positions, column=column)
        table = table.set_column(index, column, pc.if_else(bad, pa.scalar(None, values.type), values))
        if column in REQUIRED.get(name, ()):
            emptied_required = bad if emptied_required is None else pc.or_(emptied_required, bad)
    if emptied_required is not None:
        table = table.filter(pc.invert(emptied_required))
    return _ordered(table, name, ctx, file)


ORDERED: dict[str, tuple[str, str]] = {
    "status_segments": ("start_at", "end_at"), "offers": ("offered_at", "ended_at"),
    "offer_windows": ("window_start", "window_end"), "statements": ("period_start", "period_end"),
}
"""Periods whose end cannot come before their start: a negative length would be counted as time."""


def _ordered(table: pa.Table, name: str, ctx: ParseContext, file: str) -> pa.Table:
    """An end before its start emptied (the period's length is then unknown, not negative)."""
    if name not in ORDERED or not set(ORDERED[name]) <= set(table.column_names) or table.num_rows == 0:
        return table
    start, end = (table.column(c) for c in ORDERED[name])
    if not (pa.types.is_timestamp(start.type) and pa.types.is_timestamp(end.type)):
        return table
    backwards = pc.fill_null(pc.less(end, start.cast(end.type)), False)
    if not pc.any(backwards).as_py():
        return table
    positions = pc.indices_nonzero(backwards).to_pylist()
    rows = table.column("source_row").to_pylist() if "source_row" in table.column_names else None
    first, last = ORDERED[name]
    report_rows(ctx, file, "implausible_value", f"{last} before {first}: stored as empty",
                [rows[p] for p in positions] if rows is not None else positions, column=last)
    index = table.column_names.index(ORDERED[name][1])
    return table.set_column(index, ORDERED[name][1], pc.if_else(backwards, pa.scalar(None, end.type), end))


def _implausible(values: pa.ChunkedArray, column: str) -> pa.ChunkedArray | None:
    """True where a value is outside sense (null stays unflagged); None for a column with no rule."""
    kind = values.type
    if pa.types.is_timestamp(kind):
        naive = kind.tz is None
        low = pa.scalar(EARLIEST.replace(tzinfo=None) if naive else EARLIEST, type=kind)
        high = pa.scalar(LATEST.replace(tzinfo=None) if naive else LATEST, type=kind)
        return pc.fill_null(pc.or_(pc.less(values, low), pc.greater_equal(values, high)), False)
    if not pa.types.is_floating(kind):
        return None
    finite = pc.is_finite(values)
    limits = bounds_of(column)
    if limits is None:
        inside = finite
    else:
        between = pc.and_(pc.greater_equal(values, limits[0]), pc.less_equal(values, limits[1]))
        inside = pc.and_(finite, between)
    return pc.fill_null(pc.invert(inside), False)


def _said(value: object, column: str) -> str:
    limits = bounds_of(column)
    where = f"between {limits[0]:g} and {limits[1]:g}" if limits else "a finite number"
    if isinstance(value, datetime):
        return f"a time outside 2000-2100 (first: {value.isoformat()}): stored as empty"
    return f"a value not {where} (first: {value!r}): stored as empty"
