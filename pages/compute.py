"""The pages' door to the read layer: the session's `toolkit.selection.Selection` for the sidebar's view.

A selection holds every figure it has computed, so it is kept in the session (never in a shared cache),
keyed by the store, its content (manifests), the worker, platform, period and cost settings: an ingest,
a deletion or a new choice gives a new selection; revisiting a page reuses the figures already computed.
Pages call the functions below and only lay out what they return.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from pages.common import View, cost_settings, memo
from toolkit.analytics.time import TimeAccounting, time_accounting
from toolkit.config import Config
from toolkit.selection import Selection


def base_selection(
    store: Path, version: tuple[str, ...], worker: str | None, platform: str | None,
    settings: tuple[tuple[str, Any], ...] | None = None,
) -> Selection:
    """All the data of the worker and platform (the sidebar reads its zone and days from it)."""
    chosen = cost_settings() if settings is None else settings
    return memo("selection", _base, store, version, worker, platform, chosen)


def _base(store: Path, version: tuple[str, ...], worker: str | None, platform: str | None,
          settings: tuple[tuple[str, Any], ...]) -> Selection:
    del version  # part of the memo key only
    return Selection(store, worker, platform, overrides=settings)


def selection(view: View) -> Selection:
    """The view's selection: the sidebar's worker, platform and days, with the session's cost settings."""
    base = base_selection(view.store, view.version, view.worker, view.platform)
    if view.start is None or view.end is None:
        return base
    return memo("period", _period, base, view.version, view.start, view.end)


def _period(base: Selection, version: tuple[str, ...], start: date, end: date) -> Selection:
    del version  # part of the memo key only: a selection's identity does not include the store's content
    return base.with_period(start, end)


def data_span(store: Path, version: tuple[str, ...], worker: str | None, platform: str | None
              ) -> tuple[date, date] | None:
    """First and last local day with any dated row of the worker, or None without data."""
    return base_selection(store, version, worker, platform).data_days


def display_zone(store: Path, version: tuple[str, ...], worker: str | None, platform: str | None = None
                 ) -> str:
    """The zone of the worker's exports (UTC, said so, when none states one)."""
    return base_selection(store, version, worker, platform).zone


def analysis_settings(view: View) -> tuple[tuple[str, Any], ...]:
    """The session's cost choices, as config overrides."""
    del view
    return cost_settings()


def config_for(view: View) -> Config:
    """The analysis parameters of the view."""
    return selection(view).config


def headline(view: View) -> dict[str, Any]:
    """The metrics JSON (DESIGN.md contract) of the view."""
    return selection(view).metrics()


def table_in_period(view: View, table: str) -> pd.DataFrame:
    """The worker's rows of `table` in the chosen period; all rows (undated too) over all the data."""
    return selection(view).rows(table).reset_index(drop=True)


def frames(view: View, *tables: str) -> dict[str, pd.DataFrame]:
    """The worker's rows of each table in the chosen period."""
    return {table: table_in_period(view, table) for table in tables}


def accounting(view: View) -> TimeAccounting:
    """P0–P3 time accounting of the view's worker (toolkit.figures.time); an empty one without data."""
    sel = selection(view)
    found = sel.figure("time", view.worker)
    return found if found is not None else time_accounting(None, None, zone=sel.zone, config=sel.config)


def pay_table(view: View, freq: str) -> pd.DataFrame:
    """Pay per week or month against the minimum wage, with partial periods marked."""
    chosen = "week" if freq == "week" else "month"
    return selection(view).figure("pay_by_period", chosen)  # type: ignore[no-any-return]


def time_table(view: View, freq: str) -> pd.DataFrame:
    """P0–P3 hours per day, week or month, with partial periods marked."""
    return selection(view).figure("time_by_period", freq)  # type: ignore[no-any-return]


def pay_changes_of(view: View, measure: str) -> dict[str, Any]:
    """Days the daily pay `measure` changed (toolkit.analytics.changepoints)."""
    return selection(view).figure("pay_changes", measure)  # type: ignore[no-any-return]
