"""Synthetic workers with planted truth, built directly as normalized tables (never with the code under test).

`table(name, **columns)` returns a frame with exactly the store schema of `name` (every column, through
`toolkit.schema.conform`, read back as pandas the way the store loader does), filling the columns not
given with nulls and the provenance with a fixed synthetic worker.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from toolkit.schema import TABLES, conform

T0 = pd.Timestamp("2026-01-05 00:00", tz="UTC")  # a Monday


def table(name: str, **columns: Any) -> pd.DataFrame:
    """A schema-exact frame of table `name` with the given body columns (others null)."""
    lengths = {len(v) for v in columns.values()}
    n = lengths.pop() if lengths else 0
    frame = pd.DataFrame(index=pd.RangeIndex(n))
    for field in TABLES[name]:
        if field.name in columns:
            frame[field.name] = list(columns[field.name]) if n else []
        else:
            frame[field.name] = None
    frame["worker_id"] = "w-synthetic"
    frame["platform"] = "uber"
    frame["export_id"] = "0" * 16
    frame["source_file"] = columns.get("source_file", [f"{name}.csv"] * n)
    frame["source_row"] = columns.get("source_row", np.arange(2, n + 2))
    for field in TABLES[name]:
        if str(field.type).startswith("timestamp") and field.name in columns and n:
            frame[field.name] = pd.to_datetime(pd.Series(columns[field.name]), utc=True)
    return conform(frame, name).to_pandas()


def hours(x: float | np.ndarray) -> pd.Timedelta | pd.TimedeltaIndex:
    """x hours as a timedelta (scalar or array)."""
    if np.ndim(x):
        return pd.to_timedelta(np.asarray(x, dtype=float) * 3600.0, unit="s")
    return pd.Timedelta(seconds=float(x) * 3600.0)
