"""The read layer: one selection of the store (whose data, which platform, which days, in which zone, with
which parameters) that every consumer reads figures from: `gigdata metrics`, every page, the PDF report
and the Python API.

A `Selection` infers the zone from the worker's export manifests (never a silent default), makes one
DST-safe span of local days, reads each table once, cuts it to the period once, computes the time
accounting once per worker and caches every figure it gives. Two selections that differ only by their
period share the tables they read (`with_period`).

Example:
    >>> import tempfile
    >>> sel = Selection(Path(tempfile.mkdtemp()))
    >>> sel.zone, sel.span, sel.workers
    ('UTC', None, [])
"""

from __future__ import annotations

import contextlib
import zoneinfo
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar, cast

import pandas as pd

from toolkit.config import Config, load_config
from toolkit.countries import country_defaults, country_of
from toolkit.i18n import Note
from toolkit.periods import TIME_COLUMNS, Span, local_day, local_day_span, rows_in_span
from toolkit.schema import TABLES
from toolkit.store import list_manifests, load_table

T = TypeVar("T")

ANALYSED = ("status_segments", "jobs", "earnings", "offers", "offer_windows", "ratings", "sanctions")
"""The tables the headline figures read; their dated rows make the span of the data."""


@dataclass(frozen=True)
class ZoneChoice:
    """The zone figures are cut in, and why: `how` is "given" (--zone, the app's choice), "exports" (the
    zone the worker's exports state) or "none" (no export states a zone: UTC, said so in `note`)."""

    zone: str
    how: str
    note: str | None = None
    others: tuple[str, ...] = ()


def export_zone(store: Path, worker: str | None = None, platform: str | None = None) -> ZoneChoice:
    """The zone the worker's exports state most often (their time-zone decisions and any zone the user
    gave at ingest); UTC, said so, when none states a local zone.

    Example:
        >>> export_zone(Path("/nonexistent-store")).note
        'no export states a time zone: days are cut in UTC'
    """
    zones: Counter[str] = Counter()
    places: Counter[str] = Counter()  # the zone each export's places point to (parsers' zone evidence)
    for manifest in list_manifests(store):
        if worker not in (None, manifest.get("worker_id")):
            continue
        if platform not in (None, manifest.get("platform")):
            continue
        for decision in manifest.get("tz_decisions", []):
            if decision.get("zone"):
                zones[str(decision["zone"])] += 1
        if manifest.get("user_tz"):
            zones[str(manifest["user_tz"])] += 1
        proposal = (manifest.get("zone_evidence") or {}).get("proposal")
        if proposal:
            places[str(proposal)] += 1
    # a column stated in UTC says nothing of where the worker lived
    local = [z for z, _ in zones.most_common() if z not in ("UTC", "Etc/UTC") and _is_zone(z)]
    if not local and places:
        found = [z for z, _ in places.most_common() if _is_zone(z)]
        return ZoneChoice(found[0], "exports", f"the exports give times in UTC; their places (coordinates, "
                          f"city names, currency) lie in {found[0]}: days are cut there", tuple(found[1:]))
    if not local:
        return ZoneChoice("UTC", "none", "no export states a time zone: days are cut in UTC")
    note = None
    if len(local) > 1:
        note = Note("notes.metrics.several_zones", zones=", ".join(local), zone=local[0])
    return ZoneChoice(local[0], "exports", note, tuple(local[1:]))


@dataclass(frozen=True)
class Selection:
    """Whose data (`worker`, `platform`; None is all), which local days (`start`..`end`; None is the span
    of the data, undated rows included), which zone (`zone`; None is the exports' own) and which
    parameters (`config_file` and `overrides` over the defaults; or a ready `preset` Config, which is not
    part of the selection's identity). Hashable, so a selection can key a cache.

    Example:
        >>> sel = Selection(Path("/nonexistent-store"), worker="me", start=date(2026, 1, 1),
        ...                 end=date(2026, 1, 31), zone="Europe/Paris")
        >>> [str(t) for t in sel.span]
        ['2025-12-31 23:00:00+00:00', '2026-01-31 23:00:00+00:00']
    """

    store: Path
    worker: str | None = None
    platform: str | None = None
    start: date | None = None
    end: date | None = None
    zone_given: str | None = field(default=None, kw_only=True)
    config_file: Path | None = field(default=None, kw_only=True)
    overrides: tuple[tuple[str, Any], ...] = field(default=(), kw_only=True)
    preset: Config | None = field(default=None, kw_only=True, compare=False, hash=False, repr=False)
    _tables: dict[str, pd.DataFrame] = field(default_factory=dict, compare=False, hash=False, repr=False)
    _memo: dict[tuple[Any, ...], Any] = field(default_factory=dict, compare=False, hash=False, repr=False)
    _whole: dict[tuple[Any, ...], Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def __init__(self, store: Path, worker: str | None = None, platform: str | None = None,
                 start: date | None = None, end: date | None = None, *, zone: str | None = None,
                 config_file: Path | None = None, overrides: tuple[tuple[str, Any], ...] = (),
                 preset: Config | None = None, _tables: dict[str, pd.DataFrame] | None = None,
                 _whole: dict[tuple[Any, ...], Any] | None = None) -> None:
        if (start is None) != (end is None):
            raise ValueError("a period needs both its first and its last day")
        if start is not None and end is not None and end < start:
            raise ValueError(f"the end day {end} is before the start day {start}")
        if zone is not None and not _is_zone(zone):
            raise ValueError(f"{zone!r} is not a time zone name (e.g. Europe/Paris, America/Los_Angeles)")
        for name, value in (("store", Path(store)), ("worker", worker), ("platform", platform),
                            ("start", start), ("end", end), ("zone_given", zone),
                            ("config_file", config_file), ("overrides", tuple(overrides)),
                            ("preset", preset), ("_tables", {} if _tables is None else _tables),
                            ("_memo", {}), ("_whole", {} if _whole is None else _whole)):
            object.__setattr__(self, name, value)

    def with_period(self, start: date | None, end: date | None) -> Selection:
        """The same selection over other days, sharing the tables already read.

        Example:
            >>> Selection(Path("/nonexistent-store")).with_period(date(2026, 1, 1), date(2026, 1, 1)).start
            datetime.date(2026, 1, 1)
        """
        return Selection(self.store, self.worker, self.platform, start, end, zone=self.zone_given,
                         config_file=self.config_file, overrides=self.overrides, preset=self.preset,
                         _tables=self._tables, _whole=self._whole)

    def cached(self, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        """`compute()` once per selection and `key` (how every figure of the selection is kept). The
        figures over all the data are kept once for every period of the same data (`with_period`), so a
        period's figure that needs the whole data's (its covered days) does not compute it again."""
        memo = self._memo if self.start is not None else self._whole
        if key not in memo:
            memo[key] = compute()
        return memo[key]  # type: ignore[no-any-return]

    # --- what the selection is ---------------------------------------------------------------------

    @property
    def zone_choice(self) -> ZoneChoice:
        """The zone and why it was chosen."""
        if self.zone_given is not None:
            return ZoneChoice(self.zone_given, "given")
        return self.cached(("zone",), lambda: export_zone(self.store, self.worker, self.platform))

    @property
    def zone(self) -> str:
        """The zone local days, weeks, months and hours are cut in."""
        return self.zone_choice.zone

    @property
    def config(self) -> Config:
        """The analysis parameters: the defaults, the config file, then the overrides."""
        if self.preset is not None:
            return self.preset
        return self.cached(("config",), lambda: load_config(
            self.config_file, dict(self.overrides) or None, base=country_defaults(self.country)))

    @property
    def country(self) -> str | None:
        """The worker's country, from the zone (costs and contributions follow it: `toolkit.countries`)."""
        return country_of(self.zone)

    @property
    def explicit(self) -> bool:
        """Whether days were chosen (undated rows then belong to no period)."""
        return self.start is not None

    def raw(self, table: str) -> pd.DataFrame:
        """Every row of `table` of the selection's worker and platform, whatever its date (read once)."""
        if table not in self._tables:
            self._tables[table] = load_table(self.store, table, worker=self.worker, platform=self.platform)
        return self._tables[table]

    def columns(self, table: str, names: Sequence[str]) -> pd.DataFrame:
        """Some columns of every row of `table` (from the whole table when it was read, else read alone:
        a check that needs the dates only does not hold every column of a large table in memory)."""
        wanted = [n for n in names if n in TABLES[table].names]
        if table in self._tables:
            return self._tables[table][wanted]
        return cast(pd.DataFrame, self.cached(("columns", table, tuple(wanted)), lambda: load_table(
            self.store, table, worker=self.worker, platform=self.platform, columns=wanted)))

    @property
    def data_days(self) -> tuple[date, date] | None:
        """The first and last local day with a dated row of the analysed tables (None without any)."""
        return self.cached(("data_days",), self._data_days)

    def _data_days(self) -> tuple[date, date] | None:
        lows: list[pd.Timestamp] = []
        highs: list[pd.Timestamp] = []
        for table in ANALYSED:
            frame = self.columns(table, TIME_COLUMNS[table])
            for column in TIME_COLUMNS[table]:
                values = frame[column].dropna() if column in frame.columns else frame.iloc[:0]
                if len(values):
                    lows.append(cast(pd.Timestamp, values.min()))
                    highs.append(cast(pd.Timestamp, values.max()))
        if not lows:
            return None
        return local_day(min(lows), self.zone), local_day(max(highs), self.zone)

    @property
    def days(self) -> tuple[date, date] | None:
        """The local days figures cover: the chosen ones, else the data's."""
        if self.start is not None and self.end is not None:
            return self.start, self.end
        return self.data_days

    @property
    def covered_days(self) -> tuple[date, date] | None:
        """The chosen days that hold data (a week or month reaching outside them is partial)."""
        data, days = self.data_days, self.days
        if data is None or days is None or data[1] < days[0] or data[0] > days[1]:
            return None
        return max(data[0], days[0]), min(data[1], days[1])

    @property
    def span(self) -> Span | None:
        """[first day 00:00, the day after the last 00:00) local time, in UTC (DST-safe)."""
        days = self.days
        return None if days is None else local_day_span(days[0], days[1], self.zone)

    def rows(self, table: str) -> pd.DataFrame:
        """The rows of `table` in the period (cut once): with chosen days, the rows dated inside them;
        over all the data, every row, undated ones too. The index is that of `raw(table)`."""
        return self.cached(("rows", table), lambda: rows_in_span(
            self.raw(table), table, self.span if self.explicit else None))

    @property
    def workers(self) -> list[str]:
        """The workers with rows in the analysed tables."""
        return self.cached(("workers",), lambda: _distinct(self, "worker_id"))

    @property
    def platforms(self) -> list[str]:
        """The platforms with rows in the analysed tables."""
        return self.cached(("platforms",), lambda: _distinct(self, "platform"))

    def of_worker(self, table: str, worker: str, cut: bool = False) -> pd.DataFrame:
        """One worker's rows of `table` (all of them, or only those in the period with `cut`)."""
        frame = self.rows(table) if cut else self.raw(table)
        if self.worker is not None or frame.empty:
            return frame
        return frame[frame["worker_id"] == worker]

    def span_note(self) -> str:
        """The period and its zone in words, for every output."""
        days = self.days
        if days is None:
            return f"no dated data (zone {self.zone})"
        return f"{days[0]} to {days[1]}, local days in {self.zone}"

    # --- figures -----------------------------------------------------------------------------------

    def figure(self, name: str, *args: Any) -> Any:
        """The figure `name` of `toolkit.figures` for this selection, computed once."""
        from toolkit import figures

        return self.cached(("figure", name, *args), lambda: getattr(figures, name)(self, *args))

    def metrics(self) -> dict[str, Any]:
        """The DESIGN.md metrics JSON of the selection (toolkit.metrics)."""
        from toolkit.metrics import metrics_of

        return self.cached(("metrics",), lambda: metrics_of(self))


def _distinct(sel: Selection, column: str) -> list[str]:
    found: set[str] = set()
    for table in ANALYSED:
        found.update(str(v) for v in sel.raw(table)[column].dropna().unique())
    return sorted(found)


def _is_zone(name: str) -> bool:
    with contextlib.suppress(zoneinfo.ZoneInfoNotFoundError, ValueError):
        zoneinfo.ZoneInfo(name)
        return True
    return False

