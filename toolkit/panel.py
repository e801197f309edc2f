"""The researchers' panel: one row per worker × platform × month (or week), every headline figure.

Each row is `gigdata metrics --worker W --platform P --from FIRST --to LAST` for that period, flattened
(`Selection.metrics`, the same function, so the panel and the command cannot disagree), plus what a
comparison across drivers needs: offers per online hour (`toolkit.figures.offers_per_hour`), whether the
period is only partly covered by the worker's data (`partial`, `covered_days`), and the source of the time
figures. Periods are local to the zone of the worker's exports (calendar months; ISO weeks from Monday).

Workers are computed one by one (the pool is never in memory at once), on every core from two workers
on; the panel is written to `STORE/_panel/panel_<freq>.parquet` with its data dictionary beside it
(`panel_<freq>.dictionary.json`), readable by DuckDB, Polars, pandas or Spark.

Example:
    >>> [(str(a), str(b)) for a, b in periods(date(2024, 1, 30), date(2024, 3, 2), "month")]
    [('2024-01-01', '2024-01-31'), ('2024-02-01', '2024-02-29'), ('2024-03-01', '2024-03-31')]
    >>> [(str(a), str(b)) for a, b in periods(date(2024, 1, 3), date(2024, 1, 9), "week")]
    [('2024-01-01', '2024-01-07'), ('2024-01-08', '2024-01-14')]
"""

from __future__ import annotations

import json
import os
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from toolkit.selection import Selection

PANEL_DIR = "_panel"
Freq = Literal["month", "week"]
SKIPPED = ("definitions", "notes", "methods", "parameters", "sources", "sensitivity", "platforms", "workers")
"""Parts of the metrics JSON that are words or nested lists, not one value per period."""
KEYS = ["worker_id", "platform", "freq", "period_start", "period_end", "zone", "partial", "covered_days"]


def periods(first: date, last: date, freq: Freq) -> list[tuple[date, date]]:
    """The whole local months (or Monday-to-Sunday weeks) that hold a day of `first`..`last`."""
    out = []
    if freq == "month":
        start = first.replace(day=1)
        while start <= last:
            following = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
            out.append((start, following - timedelta(days=1)))
            start = following
    else:
        start = first - timedelta(days=first.weekday())
        while start <= last:
            out.append((start, start + timedelta(days=6)))
            start += timedelta(days=7)
    return out


def worker_rows(store: Path, worker: str, platform: str, freq: Freq,
                config_file: Path | None = None) -> list[dict[str, Any]]:
    """One worker's and platform's panel rows, one per period of their data."""
    sel = Selection(store, worker=worker, platform=platform, config_file=config_file)
    days = sel.data_days
    if days is None:
        return []
    low, high = days
    rows = []
    for first, last in periods(low, high, freq):
        period = sel.with_period(first, last)
        found = period.metrics()
        row: dict[str, Any] = {
            "worker_id": worker, "platform": platform, "freq": freq, "period_start": first,
            "period_end": last, "zone": found["period"]["zone"], "partial": first < low or last > high,
            "covered_days": (min(last, high) - max(first, low)).days + 1,
        }
        row.update(flatten({k: v for k, v in found.items() if k not in SKIPPED and k != "period"}))
        offers = period.figure("offers_per_hour")
        row["offers.per_logged_in_h"] = offers.get("per_logged_in_h")
        rows.append(row)
    return rows


def flatten(found: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """`{"time": {"logged_in_h": 3.0}}` -> `{"time.logged_in_h": 3.0}` (words and lists left out)."""
    out: dict[str, Any] = {}
    for key, value in found.items():
        name = f"{prefix}{key}"
        if key in SKIPPED:
            continue
        if isinstance(value, dict):
            out.update(flatten(value, name + "."))
        elif not isinstance(value, list):
            out[name] = value
    return out


def pairs(store: Path) -> list[tuple[str, str]]:
    """Every (worker, platform) with data in the store."""
    from toolkit.store import table_counts

    counts = table_counts(store)
    return sorted({(str(w), str(p)) for w, p in zip(counts["worker_id"], counts["platform"], strict=True)})


def build_panel(store: Path, freq: Freq = "month", config_file: Path | None = None) -> pd.DataFrame:
    """The panel of every worker and platform of the store, worker by worker (on every core)."""
    todo = pairs(store)
    rows: list[dict[str, Any]] = []
    if len(todo) >= 2 and (os.cpu_count() or 1) > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=min(os.cpu_count() or 1, 4),
                                 mp_context=multiprocessing.get_context("fork")) as pool:
            for part in pool.map(worker_rows, [store] * len(todo), [w for w, _ in todo], [p for _, p in todo],
                                 [freq] * len(todo), [config_file] * len(todo)):
                rows += part
    else:
        for worker, platform in todo:
            rows += worker_rows(store, worker, platform, freq, config_file)
    return typed_frame(rows)


def typed_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Panel rows as one frame: the key columns first, one type per column (numbers as floats, yes/no as
    booleans, words as strings), so every engine writes the same table."""
    frame = pd.DataFrame(rows)
    if frame.empty:
        return pd.DataFrame(columns=KEYS)
    ordered = KEYS + sorted(c for c in frame.columns if c not in KEYS)
    frame = frame[ordered]
    for column in frame.columns:
        if column in KEYS:
            continue
        values = frame[column].dropna()
        if values.map(lambda v: isinstance(v, bool)).all() and len(values):
            frame[column] = frame[column].astype("boolean")
        elif values.map(lambda v: isinstance(v, int | float) and not isinstance(v, bool)).all():
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
        else:
            frame[column] = frame[column].astype("string")
    return frame


def write_panel(store: Path, frame: pd.DataFrame, freq: Freq) -> Path:
    """Write the panel and its data dictionary into the store, atomically; the Parquet file's path."""
    from toolkit.store import store_lock

    folder = store / PANEL_DIR
    target = folder / f"panel_{freq}.parquet"
    temp = folder / f".panel_{freq}.{uuid.uuid4().hex}.tmp"
    table = pa.Table.from_pandas(frame, preserve_index=False)
    with store_lock(store):  # a temporary file is only ever made under the lock (store_lock sweeps)
        folder.mkdir(parents=True, exist_ok=True)
        try:
            pq.write_table(table, temp)
            os.replace(temp, target)
        finally:
            temp.unlink(missing_ok=True)
    words = dictionary(list(frame.columns))
    (folder / f"panel_{freq}.dictionary.json").write_text(
        json.dumps({"table": f"panel_{freq}", "rows": len(frame), "columns": words}, indent=2,
                   ensure_ascii=False), encoding="utf-8")
    return target


def dictionary(columns: list[str]) -> dict[str, str]:
    """Each panel column in words: the metrics definitions where they say it, else the rule here."""
    from toolkit.metrics import DEFINITIONS

    fixed = {
        "worker_id": "the worker, as named at ingest", "platform": "the platform",
        "freq": "month or week", "period_start": "first local day of the period",
        "period_end": "last local day of the period", "zone": "the time zone the days are cut in",
        "partial": "true when the worker's data starts after the period's first day or ends before its last",
        "covered_days": "local days of the period inside the worker's data span",
        "offers.per_logged_in_h": "offers per logged-in hour (toolkit.figures.offers_per_hour)",
    }
    out = {}
    for column in columns:
        leaf = column.rsplit(".", 1)[-1]
        out[column] = fixed.get(column) or DEFINITIONS.get(leaf) or DEFINITIONS.get(column) or (
            f"`{column}` of `gigdata metrics --json` for the worker, platform and period")
    return out
