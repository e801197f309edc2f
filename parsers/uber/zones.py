"""What an Uber export states about itself before its files are parsed: its time zone and currency.

The zone comes, in order, from the `timezone` column of a trips file (its most frequent value: French
SAR 2021, 2025 portal), else from the pairs of UTC and local times that other files hold side by side
(`begin_timestamp_utc`/`begin_timestamp_local` of Online Offline, `courier_accept_timestamp_utc`/`_local`
of Eats deliveries, …): the IANA zones whose UTC offsets fit every pair, tested on a few hundred pairs
spread over the period and on both sides of every offset change. Several zones fit when they share
their rules over the period (Paris, Zurich, Berlin…): any of them converts that period's local times
identically, and the evidence says so. When no zone fits, none is set (`--tz` is then needed).

Example:
    >>> utc_times = pd.Series(pd.to_datetime(["2024-01-15 12:00", "2024-07-15 12:00"], utc=True))
    >>> offsets = pd.Series(pd.to_timedelta(["1h", "2h"]))
    >>> zone_from_pairs(utc_times, offsets, {"zurich"})[0]
    'Europe/Zurich'
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from collections.abc import Set as AbstractSet
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from parsers.base import Member, ParseContext
from parsers.common import read_csv, row_offsets, utc, zone_names
from parsers.common.zone_evidence import ZoneEvidence
from parsers.common.zone_places import country_zones
from parsers.uber import patterns
from toolkit.errors import IngestError

MAX_PAIRS = 300
REGIONS = ("Europe", "America", "Africa", "Asia", "Australia", "Pacific", "Atlantic", "Indian", "Antarctica")
"""Canonical IANA areas, in order of preference; legacy names (`CET`, `US/Pacific`, `Etc/…`) are not used."""
PAIR_COLUMNS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (patterns.ONLINE, (("begin_timestamp_utc", "begin_timestamp_local"),
                       ("end_timestamp_utc", "end_timestamp_local"),
                       ("begin_timestamp", "begin_timestamp_local"),
                       ("end_timestamp", "end_timestamp_local"))),
    (patterns.COURIER, (("courier_accept_timestamp_utc", "courier_accept_timestamp_local"),)),
    (patterns.TRIPS, tuple((f"{s}_timestamp_utc", f"{s}_timestamp_local") for s in ("request", "begintrip",
                                                                                  "dropoff"))),
    (patterns.DISPATCHES, (("start_timestamp_utc", "start_timestamp_local"),)),
)
_PER_FRAME = 2_000


def state_facts(members: Sequence[Member], ctx: ParseContext) -> None:
    """Set `ctx.export_tz` (with its evidence) and `ctx.facts["currency"]` from what the export states.

    Example:
        >>> ctx = ParseContext("uber", "sar-fr-2021")
        >>> state_facts([], ctx); ctx.export_tz is None
        True
    """
    scratch = ParseContext(ctx.platform, ctx.layout)  # the handlers report bad rows; here they are skipped
    trips = [m for m in members if patterns.matches(patterns.TRIPS, m.path)
             or patterns.matches(patterns.PORTAL_TRIPS, m.path)]
    zones: Counter[str] = Counter()
    currencies: Counter[str] = Counter()
    rows = 0
    for member in trips:
        for frame in _frames(member, scratch):
            rows += len(frame)
            if "timezone" in frame:
                zones.update(z for z in frame["timezone"].dropna() if z in zone_names())
            for name in ("currency_code", "Currency Code"):
                if name in frame:
                    currencies.update(frame[name].dropna())
    if currencies:
        ctx.facts["currency"] = currencies.most_common(1)[0][0]
    if zones:
        zone, count = zones.most_common(1)[0]
        ctx.export_tz = zone
        files = ", ".join(m.path for m in trips)
        ctx.export_tz_evidence = f"the timezone column of the trips file(s) {files} ({count} of {rows} rows)"
        return
    found = _zone_from_members(members, scratch, ctx.facts.get("zone_evidence"))
    if found is not None:
        ctx.export_tz, ctx.export_tz_evidence = found


def zone_from_pairs(instants: pd.Series, offsets: pd.Series, hints: AbstractSet[str] = frozenset(),
                    sources: str = "the export",
                    places: ZoneEvidence | None = None) -> tuple[str, str] | None:
    """The zone (and the evidence) whose UTC offset at each instant is the paired offset; None if none.

    Among zones that fit equally, the one the export's places point to (`places`: coordinates, city
    names, currency) is used, else one that `hints` (lower-case place names, e.g. from folder names) name.

    Example:
        >>> t = pd.Series(pd.to_datetime(["2024-01-15 12:00", "2024-01-16 12:00"], utc=True))
        >>> zone_from_pairs(t, pd.Series(pd.to_timedelta(["1h", "5h"]))) is None  # no zone does both
        True
    """
    found = fitting_zones(instants, offsets)
    if found is None:
        return None
    fit, sample = found
    pointed = places.ranked() if places is not None else ()
    rank = {z: i for i, z in enumerate(pointed)}
    fit.sort(key=lambda z: (rank.get(z, len(rank)), _place(z) not in hints,
                            REGIONS.index(z.split("/")[0]), z))
    shown = ", ".join(_hhmm(o) for o in sorted(set(sample["offset"])))
    evidence = (f"UTC and local times side by side in {sources} ({len(sample)} pairs from "
                f"{sample['utc'].min():%Y-%m-%d} to {sample['utc'].max():%Y-%m-%d}, UTC offsets {shown}) "
                f"fit {len(fit)} zone(s)")
    if len(fit) > 1:
        evidence += (f" ({', '.join(fit[:5])}{', …' if len(fit) > 5 else ''}), which convert the local times "
                     f"of that period identically; {fit[0]} was used")
        if places is not None and fit[0] in pointed:
            evidence += ", where " + "; ".join(c.describe() for c in places.support(fit[0]))
    return fit[0], evidence


def fitting_zones(instants: pd.Series, offsets: pd.Series) -> tuple[list[str], pd.DataFrame] | None:
    """The zones whose UTC offset at each instant is the paired one, with the pairs tested; None if none.

    Example:
        >>> t = pd.Series(pd.to_datetime(["2024-01-15 12:00", "2024-07-15 12:00"], utc=True))
        >>> fit, _ = fitting_zones(t, pd.Series(pd.to_timedelta(["-8h", "-7h"])))
        >>> "America/Los_Angeles" in fit and "Europe/Paris" not in fit
        True
    """
    sample = _spread(pd.DataFrame({"utc": instants, "offset": offsets}).dropna())
    if sample.empty:
        return None
    probes = [(t.to_pydatetime(), o.to_pytimedelta()) for t, o in _boundaries(sample)]
    fit = [z for z in sorted(zone_names()) if z.split("/")[0] in REGIONS and _fits(z, probes)]
    wall = sample["utc"].dt.tz_localize(None)
    fit = [z for z in fit if bool((sample["utc"].dt.tz_convert(z).dt.tz_localize(None) - wall
                                   == sample["offset"]).all())]
    return (fit, sample) if fit else None


def _zone_from_members(members: Sequence[Member], scratch: ParseContext,
                       places: ZoneEvidence | None) -> tuple[str, str] | None:
    instants: list[pd.Series] = []
    offsets: list[pd.Series] = []
    parts = {part for m in members for part in re.split(r"[/\-_ .]", m.path) if part}
    hints = {_place(part) for part in parts} | {_place(z) for p in parts for z in country_zones().get(p, ())}
    sources: list[str] = []
    for member in members:
        pairs = next((cols for pattern, cols in PAIR_COLUMNS if patterns.matches(pattern, member.path)), ())
        for frame in _frames(member, scratch) if pairs else ():
            if "city_name" in frame:
                hints.update(_place(c) for c in frame["city_name"].dropna().unique()[:20])
            for utc_col, local_col in pairs:
                if utc_col in frame and local_col in frame:
                    part = frame.iloc[np.linspace(0, len(frame) - 1, min(len(frame), _PER_FRAME)).astype(int)]
                    instants.append(utc(part[utc_col], scratch, member.path))
                    offsets.append(row_offsets(part[local_col], part[utc_col]))
                    sources += [member.path] if member.path not in sources else []
    if not instants:
        return None
    return zone_from_pairs(pd.concat(instants, ignore_index=True), pd.concat(offsets, ignore_index=True),
                           hints, ", ".join(sources), places)


def _frames(member: Member, scratch: ParseContext) -> Iterator[pd.DataFrame]:
    try:
        yield from read_csv(member, scratch, chunk_rows=100_000)
    except IngestError:  # a file that cannot be read says nothing here; its handler reports it
        return


def _spread(pairs: pd.DataFrame) -> pd.DataFrame:
    """Up to MAX_PAIRS pairs evenly spread over the period, plus both sides of every offset change."""
    pairs = pairs.sort_values("utc").reset_index(drop=True)
    if len(pairs) <= MAX_PAIRS:
        return pairs
    even = np.linspace(0, len(pairs) - 1, MAX_PAIRS).astype(int)
    change = np.flatnonzero(pairs["offset"].to_numpy()[1:] != pairs["offset"].to_numpy()[:-1])
    edges = np.concatenate([change, change + 1])[: MAX_PAIRS]
    return pairs.iloc[np.unique(np.concatenate([even, edges]))]


def _boundaries(sample: pd.DataFrame) -> list[tuple[pd.Timestamp, pd.Timedelta]]:
    """The first and last pair of each offset: a cheap first test of every candidate zone."""
    out = []
    for _, group in sample.groupby("offset"):
        out += [(group["utc"].iloc[i], group["offset"].iloc[i]) for i in (0, -1)]
    return out


def _fits(zone: str, probes: list[tuple[datetime, timedelta]]) -> bool:
    tz = ZoneInfo(zone)
    return all(t.astimezone(tz).utcoffset() == o for t, o in probes)


def _place(name: str) -> str:
    return name.rsplit("/", 1)[-1].replace("_", " ").strip().lower()


def _hhmm(offset: pd.Timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
