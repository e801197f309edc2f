"""What the pages compute from the session's store, memoised in the session (never in a shared cache).

Each function takes the sidebar's `View` and calls the toolkit: metrics, time accounting, pay per period,
pay-rate changes, the rows of a table in the chosen period. The memo key is the store, its content
(manifests), the worker, platform, period, zone and cost settings, so an ingest, a deletion or a new
choice computes afresh.
"""

from __future__ import annotations

import contextlib
import zoneinfo
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from pages.common import View, cost_settings, memo
from toolkit import store as store_mod
from toolkit.analytics.changepoints import pay_changes
from toolkit.analytics.pay import pay_by_period
from toolkit.analytics.time import TimeAccounting, time_accounting
from toolkit.config import Config, load_config
from toolkit.metrics import metrics

TIME_COLUMNS = {
    "status_segments": ["start_at"],
    "jobs": ["dropped_off_at", "picked_up_at", "accepted_at", "requested_at"],
    "offers": ["offered_at"],
    "offer_windows": ["window_start"],
    "earnings": ["earned_at"],
    "locations": ["ts"],
    "ratings": ["rated_at"],
    "sanctions": ["at"],
    "statements": ["period_start", "period_end"],
}
"""The time that places a row of each table in a period (first non-null of the list)."""


def data_span(
    store: Path, version: tuple[str, ...], worker: str, platform: str | None, zone: str
) -> tuple[date, date] | None:
    """First and last local day (in `zone`) with any activity of the worker, or None without data."""
    del version  # part of the memo key only
    clauses = {
        "status_segments": "least(start_at, end_at)",
        "earnings": "earned_at",
        "offers": "offered_at",
        "offer_windows": "window_start",
        "ratings": "rated_at",
        "sanctions": '"at"',
        "jobs": "least(requested_at, accepted_at, dropped_off_at)",
    }
    highs = {
        "status_segments": "greatest(start_at, end_at)",
        "jobs": "greatest(requested_at, accepted_at, dropped_off_at)",
    }
    where = "worker_id = ?" + (" AND platform = ?" if platform else "")
    params = [worker] + ([platform] if platform else [])
    parts = [
        f"SELECT min({col}) AS lo, max({highs.get(table, col)}) AS hi FROM {table} WHERE {where}"
        for table, col in clauses.items()
    ]
    con = store_mod.connect(store)
    try:
        row = con.execute(
            f"SELECT epoch_us(min(lo)), epoch_us(max(hi)) FROM ({' UNION ALL '.join(parts)})",
            params * len(parts),
        ).fetchone()
    finally:
        con.close()
    if row is None or row[0] is None:
        return None
    lo, hi = (pd.Timestamp(int(v), unit="us", tz="UTC").tz_convert(zone) for v in row)
    return lo.date(), hi.date()


def display_zone(store: Path, version: tuple[str, ...], worker: str | None) -> str:
    """The zone to show local times in: the one the worker's exports state most often, else UTC."""
    del version
    zones: Counter[str] = Counter()
    for manifest in store_mod.list_manifests(store):
        if worker is not None and manifest.get("worker_id") != worker:
            continue
        for decision in manifest.get("tz_decisions", []):
            if decision.get("zone"):
                zones[str(decision["zone"])] += 1
        if manifest.get("user_tz"):
            zones[str(manifest["user_tz"])] += 1
    local = [zone for zone, _ in zones.most_common() if zone not in ("UTC", "Etc/UTC")]
    for zone in local:  # a column stated in UTC says nothing of where the worker lived
        with contextlib.suppress(zoneinfo.ZoneInfoNotFoundError, ValueError):
            zoneinfo.ZoneInfo(zone)
            return zone
    return "UTC"


def config_for(overrides: tuple[tuple[str, Any], ...]) -> Config:
    """The analysis parameters: the defaults with the session's choices over them."""
    return load_config(overrides=dict(overrides)) if overrides else load_config()


def analysis_settings(view: View) -> tuple[tuple[str, Any], ...]:
    """Config overrides of the view: the session's cost choices and the zone days are cut in."""
    return tuple(sorted({**dict(cost_settings()), "report.zone": view.zone}.items()))


def headline(view: View) -> dict[str, Any]:
    """The metrics JSON (DESIGN.md contract) of the view, memoised in the session."""
    return memo(
        "metrics",
        _metrics,
        view.store,
        view.version,
        view.worker,
        view.platform,
        view.start,
        view.end,
        analysis_settings(view),
    )


def _metrics(
    store: Path,
    version: tuple[str, ...],
    worker: str | None,
    platform: str | None,
    start: date | None,
    end: date | None,
    overrides: tuple[tuple[str, Any], ...],
) -> dict[str, Any]:
    del version
    return metrics(
        store, worker=worker, platform=platform, start=start, end=end, config=config_for(overrides)
    )


def period_bounds(view: View) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The chosen days as [first day 00:00, day after the last 00:00) local time, in UTC."""
    if view.start is None or view.end is None:
        return None
    lo = pd.Timestamp(view.start).tz_localize(view.zone).tz_convert("UTC")
    hi = (pd.Timestamp(view.end) + pd.Timedelta(days=1)).tz_localize(view.zone).tz_convert("UTC")
    return lo, hi


def table_in_period(view: View, table: str) -> pd.DataFrame:
    """The worker's rows of `table` in the chosen period; all rows (undated too) when no period is chosen."""
    return memo(
        "table",
        _table_in_period,
        view.store,
        view.version,
        view.worker,
        view.platform,
        table,
        period_bounds(view),
    )


def _table_in_period(
    store: Path,
    version: tuple[str, ...],
    worker: str | None,
    platform: str | None,
    table: str,
    bounds: tuple[pd.Timestamp, pd.Timestamp] | None,
) -> pd.DataFrame:
    del version
    frame = store_mod.load_table(store, table, worker=worker, platform=platform)
    if bounds is None or frame.empty:
        return frame
    columns = [c for c in TIME_COLUMNS[table] if c in frame.columns]
    when = frame[columns[0]]
    for column in columns[1:]:
        when = when.fillna(frame[column])
    keep = (when >= bounds[0]) & (
        when < bounds[1]
    )  # undated rows only belong to "all the data", as in metrics
    return frame[keep].reset_index(drop=True)


def frames(view: View, *tables: str) -> dict[str, pd.DataFrame]:
    """The worker's rows of each table in the chosen period."""
    return {table: table_in_period(view, table) for table in tables}


def accounting(view: View) -> TimeAccounting:
    """P0-P3 time accounting of the view (toolkit.analytics.time), memoised in the session."""
    return memo(
        "accounting",
        _accounting,
        view.store,
        view.version,
        view.worker,
        view.platform,
        period_bounds(view),
        view.zone,
        analysis_settings(view),
    )


def _accounting(
    store: Path,
    version: tuple[str, ...],
    worker: str | None,
    platform: str | None,
    bounds: tuple[pd.Timestamp, pd.Timestamp] | None,
    zone: str,
    settings: tuple[tuple[str, Any], ...],
) -> TimeAccounting:
    tables = {
        t: _table_in_period(store, version, worker, platform, t, bounds) for t in ("status_segments", "jobs")
    }
    return time_accounting(
        tables["status_segments"], tables["jobs"], period=bounds, zone=zone, config=config_for(settings)
    )


def pay_table(view: View, freq: str) -> pd.DataFrame:
    """Pay per week or month against the minimum wage (toolkit.analytics.pay), memoised in the session."""
    return memo(
        "pay_table",
        _pay_table,
        view.store,
        view.version,
        view.worker,
        view.platform,
        period_bounds(view),
        view.zone,
        analysis_settings(view),
        freq,
    )


def _pay_table(
    store: Path,
    version: tuple[str, ...],
    worker: str | None,
    platform: str | None,
    bounds: tuple[pd.Timestamp, pd.Timestamp] | None,
    zone: str,
    settings: tuple[tuple[str, Any], ...],
    freq: str,
) -> pd.DataFrame:
    tables = {t: _table_in_period(store, version, worker, platform, t, bounds) for t in ("earnings", "jobs")}
    acc = _accounting(store, version, worker, platform, bounds, zone, settings)
    return pay_by_period(
        tables["earnings"],
        tables["jobs"],
        acc,
        "week" if freq == "week" else "month",
        config_for(settings),
        period=bounds,
    )


def pay_changes_of(view: View, measure: str) -> dict[str, Any]:
    """Days the daily pay `measure` changed (toolkit.analytics.changepoints), memoised in the session."""
    return memo(
        "pay_changes",
        _pay_changes,
        view.store,
        view.version,
        view.worker,
        view.platform,
        period_bounds(view),
        view.zone,
        measure,
    )


def _pay_changes(
    store: Path,
    version: tuple[str, ...],
    worker: str | None,
    platform: str | None,
    bounds: tuple[pd.Timestamp, pd.Timestamp] | None,
    zone: str,
    measure: str,
) -> dict[str, Any]:
    tables = {t: _table_in_period(store, version, worker, platform, t, bounds) for t in ("earnings", "jobs")}
    return pay_changes(tables["jobs"], tables["earnings"], measure=measure, tz=zone)
