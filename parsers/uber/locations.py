"""Uber GPS and app-event positions -> `locations`, streamed: these files reach millions of rows.

`1 - Driver Detailed Device Data.csv` (Geneva 2015–16 access request, export-formats.md §2.10): `lat`,
`lng`, `gps_time_ms` (epoch ms), `altitude`, `speed` (m/s), `horizontal_accuracy`, `driver_status`
(`open`, `on_trip`, …, `offline`, `\\N`), `type` (app event kind). `driver_app_analytics-N.csv` (download
portal, split in parts): 18 Title-Case columns, `Event Time (UTC)`, `Latitude`, `Longitude`, `Is Driver
Online?`, `Driver Status`, `Analytics Event Name`; `Speed (GPS)` has no stated unit and stays in `extra`.
Rows without a position are not location rows: they are left out and counted in
`ctx.facts["rows_without_position"][file]`.

The file is read in bounded pieces by pyarrow's CSV reader as strings (`parsers.common.read_csv_arrow`),
converted with `pyarrow.compute` (pandas only as the fallback for a block holding unreadable values,
which become issues), and yielded as Arrow tables of at most `BATCH_ROWS` rows or `BATCH_BYTES`, so
memory stays flat whatever the file's length.

Example:
    >>> DEVICE_LAYOUT.required
    ('lat', 'lng', 'gps_time_ms')
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from parsers.base import Batch, Member, ParseContext
from parsers.common import (
    finish,
    json_objects,
    pick_variant,
    read_csv_arrow,
    report_rows,
    to_bool,
    to_float,
    utc,
)

BATCH_ROWS = 1_000_000
BATCH_BYTES = 16 * 1024**2
"""A batch is yielded once it holds `BATCH_ROWS` rows or this many bytes, whichever comes first (about
130,000 device rows or 65,000 app-analytics rows): measured on 10M device rows, the whole ingest then
peaks at ~480 MiB, against ~540 MiB with 32 MiB batches and ~720 MiB with 64 MiB."""
_MAX_EPOCH_MS = 4.1e12  # 2099: beyond, a value is not a GPS time
Columns = dict[str, pa.Array | pa.ChunkedArray]


def parse_device_data(member: Member, ctx: ParseContext) -> Iterator[Batch]:
    """`Driver Detailed Device Data` -> `locations`.

    Example:
        >>> import io
        >>> class M:
        ...     path, size = "1 - Driver Detailed Device Data.csv", 0
        ...     def open(self): return io.BytesIO(b"lat,lng,gps_time_ms,driver_status,battery_level\\r\\n"
        ...         b"46.2,6.1,1449041455000,offline,0.5\\r\\n0,0,1449041456000,\\\\N,\\\\N\\r\\n")
        >>> rows = next(parse_device_data(M(), ParseContext("uber", "sar-2016"))).rows.to_pylist()
        >>> [(r["lat"], r["online"], r["source_row"], r["extra"]) for r in rows]
        [(46.2, False, 2, '{"battery_level":"0.5"}')]
    """
    yield from _stream(member, ctx, DEVICE_LAYOUT)


def parse_app_analytics(member: Member, ctx: ParseContext) -> Iterator[Batch]:
    """`driver_app_analytics-N.csv` -> `locations` (each part is one file).

    Example:
        >>> import io
        >>> class M:
        ...     path, size = "Driver/driver_app_analytics-1.csv", 0
        ...     def open(self): return io.BytesIO(b"Event Time (UTC),Latitude,Longitude,Is Driver Online?\\n"
        ...         b"2026-08-25 15:28:46.190,34.05,-118.24,true\\n")
        >>> row = next(parse_app_analytics(M(), ParseContext("uber", "portal-2025"))).rows.to_pylist()[0]
        >>> str(row["ts"]), row["online"]
        ('2026-08-25 15:28:46.190000+00:00', True)
    """
    yield from _stream(member, ctx, ANALYTICS_LAYOUT)


@dataclass(frozen=True)
class _Layout:
    name: str
    required: tuple[str, ...]
    time_column: str
    used: tuple[str, ...]
    build: Callable[[pa.Table, _Convert], Columns]
    numbers: tuple[str, ...] = ()  # cast to float64 by the reader, on its own thread


@dataclass
class _Convert:
    """Converts the string columns of one batch, naming its file and rows in any issue."""

    ctx: ParseContext
    file: str
    rows: np.ndarray

    def floats(self, table: pa.Table, name: str) -> pa.Array | pa.ChunkedArray:
        if name not in table.column_names:
            return pa.nulls(table.num_rows, type=pa.float64())
        try:
            return pc.cast(table[name], pa.float64())
        except pa.ArrowInvalid:  # some value is not a plain number: report it, row by row
            return pa.array(to_float(self._series(table, name), self.ctx, self.file), from_pandas=True)

    def bools(self, table: pa.Table, name: str) -> pa.Array | pa.ChunkedArray:
        try:
            return pc.cast(table[name], pa.bool_())
        except pa.ArrowInvalid:
            return pa.array(to_bool(self._series(table, name), self.ctx, self.file), type=pa.bool_(),
                            from_pandas=True)

    def epoch_ms(self, table: pa.Table, name: str) -> pa.Array | pa.ChunkedArray:
        ms = self.floats(table, name)
        sane = pc.and_(pc.greater_equal(ms, 0), pc.less(ms, _MAX_EPOCH_MS))
        report_rows(self.ctx, self.file, "bad_timestamp", "not an epoch time in milliseconds",
                    self.rows[_mask(pc.invert(sane))], column=name)
        us = pc.cast(pc.round(pc.multiply(pc.if_else(sane, ms, None), 1000.0)), pa.int64())
        return pc.cast(us, pa.timestamp("us", tz="UTC"))

    def utc_text(self, table: pa.Table, name: str) -> pa.Array | pa.ChunkedArray:
        values = table[name]
        for attempt in range(2):
            try:
                return pc.cast(pc.cast(values, pa.timestamp("us")), pa.timestamp("us", tz="UTC"))
            except pa.ArrowInvalid:
                if attempt == 0:  # a "T", a "Z" or more than 6 decimals: tidied, then tried again
                    values = pc.replace_substring_regex(values, r"(?i)\s*(Z|UTC)$", "")
                    values = pc.replace_substring(values, "T", " ")
                    values = pc.replace_substring_regex(values, r"(\.\d{6})\d+$", r"\1")
        return pa.array(utc(self._series(table, name), self.ctx, self.file), type=pa.timestamp("us", "UTC"),
                        from_pandas=True)

    def _series(self, table: pa.Table, name: str) -> pd.Series:
        return pd.Series(table[name].to_pylist(), index=self.rows, name=name, dtype="str")


def _device(table: pa.Table, convert: _Convert) -> Columns:
    status = table["driver_status"] if "driver_status" in table.column_names else pa.nulls(table.num_rows,
                                                                                           pa.string())
    return {"ts": convert.epoch_ms(table, "gps_time_ms"), "lat": convert.floats(table, "lat"),
            "lon": convert.floats(table, "lng"), "accuracy_m": convert.floats(table, "horizontal_accuracy"),
            "altitude_m": convert.floats(table, "altitude"), "speed_mps": convert.floats(table, "speed"),
            "online": pc.not_equal(pc.utf8_lower(status), "offline"), "raw_status": status,
            "event": _text(table, "type")}


def _analytics(table: pa.Table, convert: _Convert) -> Columns:
    online = (convert.bools(table, "Is Driver Online?") if "Is Driver Online?" in table.column_names
              else pa.nulls(table.num_rows, pa.bool_()))
    return {"ts": convert.utc_text(table, "Event Time (UTC)"), "lat": convert.floats(table, "Latitude"),
            "lon": convert.floats(table, "Longitude"), "online": online,
            "raw_status": _text(table, "Driver Status"), "event": _text(table, "Analytics Event Name")}


DEVICE_LAYOUT = _Layout(
    "Geneva 2015-16 device data", ("lat", "lng", "gps_time_ms"), "gps_time_ms",
    ("lat", "lng", "gps_time_ms", "altitude", "speed", "horizontal_accuracy", "driver_status", "type"),
    _device, ("lat", "lng", "gps_time_ms", "altitude", "speed", "horizontal_accuracy"))
ANALYTICS_LAYOUT = _Layout(
    "portal app analytics", ("Event Time (UTC)", "Latitude", "Longitude"), "Event Time (UTC)",
    ("Event Time (UTC)", "Latitude", "Longitude", "Is Driver Online?", "Driver Status",
     "Analytics Event Name"),
    _analytics, ("Latitude", "Longitude"))


def _stream(member: Member, ctx: ParseContext, layout: _Layout) -> Iterator[Batch]:
    header, blocks = read_csv_arrow(member, ctx, layout.numbers)
    if not header:
        return
    pick_variant(member.path, header, {layout.name: layout.required})
    done: list[pa.Table] = []  # built blocks not yet yielded
    for block, rows in blocks:
        done.append(_build(block, rows, layout, header, ctx, member.path))
        if sum(t.num_rows for t in done) >= BATCH_ROWS or sum(t.nbytes for t in done) >= BATCH_BYTES:
            yield Batch("locations", pa.concat_tables(done))
            done = []
    if done:
        yield Batch("locations", pa.concat_tables(done))


def _build(block: pa.RecordBatch, rows: np.ndarray, layout: _Layout, header: list[str], ctx: ParseContext,
           file: str) -> pa.Table:
    """The `locations` rows of one block of the file (a few MiB), converted column by column."""
    table = pa.Table.from_batches([block])
    columns = layout.build(table, _Convert(ctx, file, rows))
    zero = pc.and_(pc.equal(columns["lat"], 0.0), pc.equal(columns["lon"], 0.0))  # 0/0: no GPS fix
    positioned = pc.and_(pc.and_(pc.is_valid(columns["lat"]), pc.is_valid(columns["lon"])),
                         pc.invert(pc.fill_null(zero, False)))
    without = table.num_rows - pc.sum(positioned.cast(pa.int64())).as_py()
    if without:
        counts = ctx.facts.setdefault("rows_without_position", {})
        counts[file] = counts.get(file, 0) + without
    timed = pc.is_valid(columns["ts"])
    source = layout.time_column
    report_rows(ctx, file, "missing_value", "a located row without a time; the row was left out",
                rows[_mask(pc.and_(positioned, pc.is_null(table[source])))], column=source)
    unused = [name for name in header if name not in layout.used]
    columns["source_row"] = pa.array(rows, type=pa.int64())
    columns["extra"] = json_objects(unused, [table[name] for name in unused], table.num_rows)
    out, kept = pa.table(columns), pc.and_(positioned, timed)
    if pc.all(kept).as_py() is not True:  # filtering copies every column: only when a row goes
        out = out.filter(kept)
    return finish(out, "locations")


def _mask(condition: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(pc.fill_null(condition, False).to_numpy(zero_copy_only=False), dtype=bool)


def _text(table: pa.Table, name: str) -> pa.Array | pa.ChunkedArray:
    return table[name] if name in table.column_names else pa.nulls(table.num_rows, pa.string())
