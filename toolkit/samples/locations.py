"""Large synthetic GPS files for the benchmark: millions of rows, fast, in bounded memory.

Rows are generated in vectorised chunks (numpy) and encoded by Arrow's CSV writer, so 10 million rows
take seconds, not minutes, and memory stays at one chunk. The positions wander around Geneva (device
layout) or Los Angeles (analytics layout) with a fix every 4 s during 6-hour daily sessions. The values
are plausible, not a simulated worker: use `write_sample` when the truth matters.

Example:
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "1 - Driver Detailed Device Data.csv"
    >>> write_locations_csv(path, 3)
    >>> path.read_bytes().count(b"\\r\\n")
    4
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from toolkit.samples.uber_2016 import DEVICE_HEADER
from toolkit.samples.uber_portal import ANALYTICS_HEADER

CHUNK = 500_000
FIX_MS, PER_DAY = 4000, 5400  # a fix every 4 s, 6 hours a day
_START_MS = {"device": 1448262000000, "analytics": 1740988800000}  # 2015-11-23, 2025-03-03 (UTC)
_CENTRE = {"device": (46.2044, 6.1432), "analytics": (34.0522, -118.2437)}
_STATUS = (["open", "on_trip", "accepted", "arrived", "dispatching", "offline"],
           [0.46, 0.35, 0.1, 0.04, 0.03, 0.02])
_TYPE = (["custom", "impression", "tap", "lifecycle"], [0.9, 0.05, 0.03, 0.02])


def write_locations_csv(path: Path, rows: int, layout: str = "device", seed: int = 1) -> None:
    """Write `rows` GPS rows as `1 - Driver Detailed Device Data.csv` (layout `device`: `,`, CRLF, `\\N`
    nulls, epoch-ms times) or `driver_app_analytics-0.csv` (layout `analytics`: 18 columns, LF).

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "driver_app_analytics-0.csv"
        >>> write_locations_csv(p, 2, layout="analytics")
        >>> p.read_text().splitlines()[0].split(",")[13]
        'Event Time (UTC)'
    """
    if layout not in _START_MS:
        raise ValueError(f"unknown layout {layout!r}: 'device' or 'analytics'")
    header, eol = (DEVICE_HEADER, "\r\n") if layout == "device" else (ANALYTICS_HEADER, "\n")
    options = pacsv.WriteOptions(include_header=False, quoting_style="none", eol=eol,
                                 null_string="\\N" if layout == "device" else "")
    rng = np.random.default_rng([seed, 7])
    walk = np.zeros(2)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as sink:
        sink.write((",".join(header) + eol).encode("utf-8"))
        writer: pacsv.CSVWriter | None = None
        for first in range(0, rows, CHUNK):
            table, walk = _chunk(layout, first, min(CHUNK, rows - first), rng, walk)
            writer = writer or pacsv.CSVWriter(sink, table.schema, write_options=options)
            writer.write_table(table)
        if writer is not None:
            writer.close()


def _chunk(layout: str, first: int, n: int, rng: np.random.Generator,
           walk: np.ndarray) -> tuple[pa.Table, np.ndarray]:
    k = np.arange(first, first + n, dtype=np.int64)
    ms = _START_MS[layout] + (k // PER_DAY) * 86_400_000 + (k % PER_DAY) * FIX_MS + rng.integers(0, 900, n)
    steps = np.cumsum(rng.normal(0.0, 0.01, (n, 2)), axis=0) + walk
    lat0, lon0 = _CENTRE[layout]
    lat, lon = lat0 + 0.03 * np.sin(steps[:, 0]), lon0 + 0.045 * np.sin(steps[:, 1])
    speed = np.abs(rng.normal(6.0, 3.0, n)).round(2)
    status = _pick(rng, *_STATUS, n)
    if layout == "analytics":
        return _analytics(ms, lat, lon, speed, status), steps[-1]
    missing = rng.random(n) < 0.01
    columns = {
        "lat": lat, "lng": lon, "gps_time_ms": ms, "altitude": rng.normal(375.0, 5.0, n).round(1),
        "speed": speed, "horizontal_accuracy": rng.uniform(3.0, 30.0, n).round(1),
        "vertical_accuracy": rng.uniform(2.0, 12.0, n).round(1),
        "driver_status": pc.if_else(pa.array(missing), pa.nulls(n, pa.string()), status),
        "battery_level": (1.0 - (k % PER_DAY) / PER_DAY * 0.7).round(2), "type": _pick(rng, *_TYPE, n)}
    return pa.table(columns), steps[-1]


def _analytics(ms: np.ndarray, lat: np.ndarray, lon: np.ndarray, speed: np.ndarray,
               status: pa.Array) -> pa.Table:
    n = len(ms)
    event_time = pa.array(ms).cast(pa.timestamp("ms"))  # Arrow writes `2025-03-03 08:00:04.323`
    online = pc.not_equal(status, "offline")
    constants = ["location_update", "Los Angeles", "Synthetic Mobile", "310", "999", "192.0.2.10", "en",
                 "iPhone 13", "iOS", "17.5.1"]
    columns: list[pa.Array] = [_constant(v, n) for v in constants]
    columns += [online, status, _constant("4.480.10002", n), event_time, pa.array(lat), pa.array(lon),
                pa.array(speed), _constant("custom", n)]
    return pa.Table.from_arrays(columns, names=[f"c{i}" for i in range(len(columns))])


def _pick(rng: np.random.Generator, words: list[str], weights: list[float], n: int) -> pa.Array:
    codes = rng.choice(len(words), size=n, p=np.asarray(weights) / sum(weights)).astype(np.int8)
    return pa.DictionaryArray.from_arrays(pa.array(codes), pa.array(words)).cast(pa.string())


def _constant(value: str, n: int) -> pa.Array:
    codes = pa.array(np.zeros(n, dtype=np.int8))
    return pa.DictionaryArray.from_arrays(codes, pa.array([value])).cast(pa.string())
