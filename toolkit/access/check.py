"""What an export left out: the completeness check run after every ingest.

For each worker and platform of the store, the exports' manifests and rows are held against what the
analyses need (`reference.ITEMS`) and what the platform is known to keep (`platforms.toml`). Each gap names
its item, the analysis it blocks and what exactly is missing (no such file; totals instead of one row per
offer; ratings without dates; months without any row; the period asked for not covered). A gap is a fact
about the export, not a guess about the platform: `known_kept` says whether a source shows the platform
holds the item, and the letter asks for it either way.

Example:
    >>> import tempfile
    >>> check(Path(tempfile.mkdtemp()))
    []
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from toolkit.access.reference import ITEMS, TABLES_OF_ITEM
from toolkit.access.reference import platform as platform_record
from toolkit.access.tracker import Request, TrackerError, first_request
from toolkit.i18n import Translator
from toolkit.periods import TIME_COLUMNS, row_time
from toolkit.selection import Selection
from toolkit.store import list_manifests

DICTIONARY_NAME = re.compile(r"dictionar|glossar|explained|explanation|legend|definition|description|"
                             r"read ?me|data categor", re.IGNORECASE)
"""File names that describe an export's columns (any such file in the export answers `data_dictionary`)."""
DATED_TABLES = tuple(t for t in TIME_COLUMNS if t != "tasks")
"""The tables whose rows place the export in time (months with none of them are holes)."""
PERIOD_SLACK_DAYS = 7
"""Days at either end of the period asked for that an export may miss before it counts as a gap (the
first and last days of work rarely start and end exactly on the days asked for)."""


@dataclass(frozen=True)
class Gap:
    """One thing the export lacks, with the analysis it blocks."""

    item: str
    platform: str
    worker: str
    blocks: str
    detail: str
    known_kept: bool
    source: str

    def to_json(self) -> dict[str, Any]:
        """The `gigdata request check --json` record."""
        return asdict(self)


def check(store: Path, worker: str | None = None, lang: str = "en") -> list[Gap]:
    """Every gap of every (worker, platform) of `store` (only `worker`'s when given), in `ITEMS` order."""
    return check_languages(store, worker, (lang,))[lang]


def check_languages(store: Path, worker: str | None, langs: tuple[str, ...]) -> dict[str, list[Gap]]:
    """`check` in each of `langs`, the store read once (the manifests once, each worker's tables once)."""
    manifests = list_manifests(Path(store))
    pairs = sorted({(str(m.get("worker_id")), str(m.get("platform"))) for m in manifests})
    gaps: dict[str, list[Gap]] = {lang: [] for lang in langs}
    for who, name in pairs:
        if worker is not None and who != worker:
            continue
        mine = [m for m in manifests if m.get("worker_id") == who and m.get("platform") == name]
        sel = Selection(Path(store), worker=who, platform=name)  # tables read once, for every language
        for lang in langs:
            gaps[lang].extend(check_worker(Path(store), who, name, Translator(lang), mine, sel))
    return gaps


def check_worker(store: Path, worker: str, platform: str, tr: Translator,
                 manifests: list[dict[str, Any]] | None = None, sel: Selection | None = None) -> list[Gap]:
    """The gaps of one worker's exports of one platform (all of them together: a second export may fill
    what the first left out)."""
    if manifests is None:
        manifests = [m for m in list_manifests(store)
                     if m.get("worker_id") == worker and m.get("platform") == platform]
    rows = _table_rows(manifests)
    sel = sel or Selection(store, worker=worker, platform=platform)
    try:
        record = platform_record(platform)
        keeps = {item: record.kept(item, tr.lang) for item in record.keeps}
        shown = record.shown(tr.lang)
    except ValueError:
        keeps, shown = {}, platform
    details: dict[str, str] = {}
    readable = _machine_readable_rows(manifests)
    for item, tables in TABLES_OF_ITEM.items():
        if not any(rows.get(t, 0) for t in tables):
            details[item] = tr("request.check.absent")
        elif not any(readable.get(t, 0) for t in tables):
            details[item] = tr("request.check.pdf_only")
    details.update(_content_gaps(sel, rows, tr))
    if not any(DICTIONARY_NAME.search(str(f.get("path", ""))) for m in manifests for f in m.get("files", [])):
        details["data_dictionary"] = tr("request.check.no_dictionary")
    try:
        first = first_request(store, platform, worker)
    except TrackerError:  # a damaged tracker file never stops the check (the tracker commands say why)
        first = None
    period = _period_gap(sel, first, tr)
    if period:
        details["period"] = period
    return [Gap(item=item, platform=platform, worker=worker, blocks=tr(f"request.item.{item}.blocks"),
                detail=details[item], known_kept=item in keeps,
                source=tr("request.check.known", platform=shown, source=_public(keeps[item])) if item in keeps
                else tr("request.check.not_known", platform=shown))
            for item in ITEMS if item in details]


def _public(source: str) -> str:
    """A source as shown to workers: without the pointer into the project's own reference notes."""
    cut = re.sub(r"(?:,\s*)?(?:see )?export-formats\.md §[\w.\-]+", "", source)
    return re.sub(r"\s*\(\s*\)", "", cut).strip()


def _machine_readable_rows(manifests: list[dict[str, Any]]) -> dict[str, int]:
    """Rows per table that came from files other than PDF (Art. 20 asks for a machine-readable format:
    rows gigdata could only read out of PDF pages were not given as data)."""
    rows: dict[str, int] = {}
    for manifest in manifests:
        for entry in manifest.get("files", []):
            if str(entry.get("path", "")).lower().endswith(".pdf"):
                continue
            for table, count in (entry.get("tables") or {}).items():
                rows[table] = rows.get(table, 0) + int(count or 0)
    return rows


def _table_rows(manifests: list[dict[str, Any]]) -> dict[str, int]:
    rows: dict[str, int] = {}
    for manifest in manifests:
        for table, entry in (manifest.get("tables") or {}).items():
            rows[table] = rows.get(table, 0) + int(entry.get("rows", 0) or 0)
    return rows


def _content_gaps(sel: Selection, rows: dict[str, int], tr: Translator) -> dict[str, str]:
    """Gaps of tables that are there but lack what makes them usable: a trip key, a date."""
    found: dict[str, str] = {}
    if not rows.get("offers", 0):
        if rows.get("offer_windows", 0):
            found["per_offer_dispatch"] = tr("request.check.offer_windows")
    elif sel.columns("offers", ["job_id"])["job_id"].isna().all():
        found["per_offer_dispatch"] = tr("request.check.offers_no_trip")
    if rows.get("ratings", 0):
        ratings = sel.columns("ratings", ["rated_at", "job_id"])
        if ratings["rated_at"].isna().all():
            found["dated_ratings"] = tr("request.check.ratings_undated")
        elif ratings["job_id"].isna().all():
            found["dated_ratings"] = tr("request.check.ratings_no_trip")
    return found


def months_held(sel: Selection) -> list[pd.Period]:
    """The local calendar months in which the export has at least one dated row, in order."""
    months: set[pd.Period] = set()
    for table in DATED_TABLES:
        frame = sel.columns(table, TIME_COLUMNS[table])
        if frame.empty:
            continue
        when = row_time(frame, table).dropna()
        if len(when):
            local = when.dt.tz_convert(sel.zone).dt.tz_localize(None)
            months.update(local.dt.to_period("M").unique())
    return sorted(months)


def _period_gap(sel: Selection, first: Request | None, tr: Translator) -> str:
    """Months with no row at all between the first and the last, and the ends of the period asked for
    (in the first request) that the data do not reach."""
    held = months_held(sel)
    if not held:
        return ""
    parts: list[str] = []
    holes = [p for p in pd.period_range(held[0], held[-1], freq="M") if p not in set(held)]
    if holes:
        parts.append(tr("request.check.months_missing", months=", ".join(tr.month(p.start_time)
                                                                       for p in holes)))
    days = sel.data_days
    if first is not None and first.period_from and first.period_to and days is not None:
        if (days[0] - first.period_from).days > PERIOD_SLACK_DAYS:
            parts.append(tr("request.check.period_start", first=tr.date(days[0]),
                            start=tr.date(first.period_from)))
        if (first.period_to - days[1]).days > PERIOD_SLACK_DAYS:
            parts.append(tr("request.check.period_end", last=tr.date(days[1]), end=tr.date(first.period_to)))
    return "; ".join(parts)
