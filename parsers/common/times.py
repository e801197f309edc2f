"""Placing the times of an export on the UTC time line, and saying how in the manifest.

UTC columns go through `utc` (ISO with `T` or a space, `Z`/`UTC`/numeric offset or none, any fraction).
Local wall-clock columns go through `place_local`/`utc_or_local`: by the row's own UTC offset, else its
own zone column, else `ParseContext.zone_for` (the export's zone or the user's `--tz`, or the ingest stops
with `needs_timezone`). A local time repeated by a DST change is read as its first occurrence, one skipped
is moved forward; both are counted in the manifest. Explicit formats only: never `dayfirst`, never
pandas' inference from the first element. Unparseable values become null and `bad_timestamp` issues.

Example:
    >>> ctx = ParseContext("uber", "test", user_tz="Europe/Paris")
    >>> s = pd.Series(["2021-03-01T00:16:48.000Z"], name="request_timestamp_local")
    >>> str(place_local(s, ctx, "trips.csv")[0]), ctx.tz_decisions[0].source
    ('2021-02-28 23:16:48+00:00', 'user')
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping
from dataclasses import replace
from functools import cache
from typing import Final

import numpy as np
import pandas as pd

from parsers.base import ParseContext
from parsers.common.values import report_rows, to_float, within

EPOCH_MS_RANGE: Final = (946_684_800_000.0, 4_102_444_800_000.0)
"""Epoch milliseconds of 2000-01-01 and 2100-01-01 UTC: outside, not a time of platform work (and past
what a time can hold, a traceback)."""

UTC_DTYPE: Final = "datetime64[us, UTC]"
_FORMATS = ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")
_OFFSET = r"\s*([+-])(\d{2}):?(\d{2})$"
"""A numeric UTC offset ending a date-time (`+02:00`, `+0000`)."""
_HAS_OFFSET = r"\s*[+-]\d{2}:?\d{2}$"


def utc(values: pd.Series, ctx: ParseContext, file: str) -> pd.Series:
    """Parse UTC date-times (`T` or space, optional `Z`/`UTC`/numeric offset, any fraction) to tz-aware
    UTC; unparseable values become null and `bad_timestamp` issues. Naive values are UTC.

    Example:
        >>> s = pd.Series(["2021-02-28T23:16:48.000Z", "2017-11-02 14:27:40", "x"], name="t")
        >>> [str(t) for t in utc(s, ParseContext("x", "y"), "a.csv")]
        ['2021-02-28 23:16:48+00:00', '2017-11-02 14:27:40+00:00', 'NaT']
    """
    naive, offset = _wall_clock(values, ctx, file)
    out = naive.dt.tz_localize("UTC")
    return (out if offset is None else out.where(offset.isna(), out - offset)).astype(UTC_DTYPE)


def epoch_ms(values: pd.Series, ctx: ParseContext, file: str) -> pd.Series:
    """Epoch milliseconds to tz-aware UTC.

    Example:
        >>> epoch_ms(pd.Series(["1449041455000"], name="t"), ParseContext("x", "y"), "a").astype(str)[0]
        '2015-12-02 07:30:55+00:00'
    """
    ms = within(to_float(values, ctx, file), EPOCH_MS_RANGE[0], EPOCH_MS_RANGE[1], ctx, file)
    return pd.to_datetime(ms.round(3), unit="ms", utc=True).astype(UTC_DTYPE)


def local_to_utc(values: pd.Series, zone: str, ctx: ParseContext,
                 file: str) -> tuple[pd.Series, dict[str, int]]:
    """Wall-clock times in `zone` to UTC, and how many were repeated or skipped by a DST change.

    A bogus trailing `Z` is ignored (Uber `*_local` columns); a repeated time is read as its first
    occurrence, a skipped one is moved forward by the gap.

    Example:
        >>> s = pd.Series(["2021-03-01T00:16:48.000Z", "2021-10-31 02:30:00"], name="t")
        >>> out, counts = local_to_utc(s, "Europe/Paris", ParseContext("x", "y"), "a")
        >>> out.astype(str).tolist(), counts
        (['2021-02-28 23:16:48+00:00', '2021-10-31 00:30:00+00:00'], {'ambiguous': 1, 'nonexistent': 0})
    """
    naive, offset = _wall_clock(values, ctx, file)
    out, counts = _localise(naive, zone)
    if offset is not None:
        out = out.where(offset.isna(), naive.dt.tz_localize("UTC") - offset)
    return out.astype(UTC_DTYPE), counts


def local_to_utc_rowzones(values: pd.Series, zones: pd.Series, ctx: ParseContext,
                          file: str) -> tuple[pd.Series, dict[str, int]]:
    """Wall-clock times each in its row's IANA zone; an unknown zone name is a `bad_timezone` issue.

    Example:
        >>> s, z = pd.Series(["2021-07-01 12:00:00"] * 2, name="t"), pd.Series(["Europe/Paris", "UTC"])
        >>> local_to_utc_rowzones(s, z, ParseContext("x", "y"), "a")[0].astype(str).tolist()
        ['2021-07-01 10:00:00+00:00', '2021-07-01 12:00:00+00:00']
    """
    out = pd.Series(pd.NaT, index=values.index, dtype=UTC_DTYPE, name=values.name)
    counts = {"ambiguous": 0, "nonexistent": 0}
    known = zones.isin(list(zone_names()))
    report_rows(ctx, file, "bad_timezone", "not an IANA time-zone name",
                zones.index[zones.notna() & ~known], column=str(zones.name or "timezone"))
    for zone, part in values[known].groupby(zones[known], sort=False):
        placed, more = local_to_utc(part, str(zone), ctx, file)
        out.loc[placed.index] = placed
        counts = {k: counts[k] + more[k] for k in counts}
    return out, counts


def local_with_offset(values: pd.Series, offsets: pd.Series, ctx: ParseContext, file: str) -> pd.Series:
    """Wall-clock times minus each row's own offset (local - UTC, a timedelta Series) to UTC.

    Example:
        >>> s, o = pd.Series(["2023-11-10 12:36:35"], name="t"), pd.Series([pd.Timedelta(hours=1)])
        >>> local_with_offset(s, o, ParseContext("x", "y"), "a").astype(str)[0]
        '2023-11-10 11:36:35+00:00'
    """
    naive, _ = _wall_clock(values, ctx, file)
    return (naive - offsets).dt.tz_localize("UTC").astype(UTC_DTYPE)


def row_offsets(local: pd.Series, utc_values: pd.Series) -> pd.Series:
    """Each row's UTC offset (local - UTC, rounded to the minute) from a pair of columns; null where
    either side is missing or unreadable (those values are reported where the columns are used).

    Example:
        >>> row_offsets(pd.Series(["2023-11-10 12:36:35"]), pd.Series(["2023-11-10 11:36:35"]))[0]
        Timedelta('0 days 01:00:00')
    """
    quiet = ParseContext("", "")
    left, _ = _wall_clock(local, quiet, "", report=False)
    right, _ = _wall_clock(utc_values, quiet, "", report=False)
    return (left - right).dt.round("min")


def place_local(values: pd.Series, ctx: ParseContext, file: str, zones: pd.Series | None = None,
                offsets: pd.Series | None = None) -> pd.Series:
    """Local wall-clock times to UTC: by each row's own offset, else its own zone, else the zone of
    `ctx.zone_for` (which raises `needs_timezone` when none is known); every choice is recorded.

    Example:
        >>> ctx = ParseContext("x", "y", user_tz="Europe/Paris")
        >>> place_local(pd.Series(["2021-03-01 00:16:48"], name="t"), ctx, "a").astype(str)[0]
        '2021-02-28 23:16:48+00:00'
    """
    column = str(values.name)
    out = pd.Series(pd.NaT, index=values.index, dtype=UTC_DTYPE, name=values.name)
    todo = values.notna()
    placed_any = False
    if offsets is not None and (use := todo & offsets.notna()).any():
        out.loc[use] = local_with_offset(values[use], offsets[use], ctx, file)
        source = f" ({offsets.name})" if offsets.name else ""
        ctx.record_tz(file, column, None, "row_offset",
                      f"{int(use.sum())} rows by their own UTC offset{source}")
        todo, placed_any = todo & ~use, True
    if zones is not None and (use := todo & zones.notna()).any():
        part, counts = local_to_utc_rowzones(values[use], zones[use], ctx, file)
        out.loc[use] = part
        seen = zones[use].value_counts()
        detail = f"{int(use.sum())} rows by their own time zone ({len(seen)} zone(s))" + dst_note(counts)
        ctx.record_tz(file, column, str(seen.index[0]), "row_timezone_column", detail)
        todo, placed_any = todo & ~use, True
    if todo.any():
        label = f"{column} (rows without their own zone)" if placed_any else column
        zone = ctx.zone_for(file, label)
        part, counts = local_to_utc(values[todo], zone, ctx, file)
        out.loc[todo] = part
        amend_tz(ctx, file, label, dst_note(counts))
    return out


def utc_or_local(frame: pd.DataFrame, ctx: ParseContext, file: str, utc_col: str | None,
                 local_col: str | None, zone_col: str | None = None,
                 offsets: pd.Series | None = None) -> pd.Series:
    """A time from the UTC column where the row has one, else from its local twin (`place_local`).

    Example:
        >>> f = pd.DataFrame({"u": ["2021-02-28T23:16:48.000Z", None], "l": [None, "2021-03-01 00:00:00"],
        ...     "tz": ["Europe/Paris"] * 2})
        >>> utc_or_local(f, ParseContext("x", "y"), "a", "u", "l", "tz").astype(str).tolist()
        ['2021-02-28 23:16:48+00:00', '2021-02-28 23:00:00+00:00']
    """
    out = pd.Series(pd.NaT, index=frame.index, dtype=UTC_DTYPE)
    if utc_col is not None and utc_col in frame:
        out = utc(frame[utc_col], ctx, file)
        if frame[utc_col].notna().any():
            ctx.record_tz(file, utc_col, "UTC", "utc_column", "the column holds UTC times")
    if local_col is not None and local_col in frame:
        rest = out.isna() & frame[local_col].notna()
        if rest.any():
            zones = frame.loc[rest, zone_col] if zone_col is not None and zone_col in frame else None
            out.loc[rest] = place_local(frame.loc[rest, local_col], ctx, file, zones,
                                        None if offsets is None else offsets[rest])
    return out


def dst_note(counts: Mapping[str, int]) -> str:
    """The manifest's words for DST counts ('' when there is nothing to say).

    Example:
        >>> dst_note({"ambiguous": 2, "nonexistent": 0})
        '; 2 local time(s) repeated by a DST change read as the first occurrence'
    """
    note = ""
    if counts.get("ambiguous"):
        note += f"; {counts['ambiguous']} local time(s) repeated by a DST change read as the first occurrence"
    if counts.get("nonexistent"):
        note += f"; {counts['nonexistent']} local time(s) skipped by a DST change moved forward"
    return note


def amend_tz(ctx: ParseContext, file: str, column: str, note: str) -> None:
    """Append `note` to the recorded time-zone decision of (file, column).

    Example:
        >>> ctx = ParseContext("x", "y")
        >>> ctx.record_tz("a", "t", "UTC", "user"); amend_tz(ctx, "a", "t", "; more")
        >>> ctx.tz_decisions[0].detail
        '; more'
    """
    for i, decision in enumerate(ctx.tz_decisions):
        if note and decision.file == file and decision.column == column:
            ctx.tz_decisions[i] = replace(decision, detail=decision.detail + note)


def _wall_clock(values: pd.Series, ctx: ParseContext, file: str,
                report: bool = True) -> tuple[pd.Series, pd.Series | None]:
    """Naive datetime64[us] from date-time strings, plus explicit numeric offsets (None if none).

    A trailing `Z`/`UTC` is dropped: on a UTC column it says what the column says, on a local column it
    is bogus (Uber `*_local`, §1.7). A numeric offset is kept: it states the row's own offset.
    """
    text = values.astype("str").str.strip()
    text = text.str.replace(r"\s*(?:[Zz]|UTC|GMT)$", "", regex=True)  # (pyarrow-backed, no Python loop)
    offset = None
    with_offset = text.str.contains(_HAS_OFFSET, regex=True, na=False)
    if with_offset.any():
        parts = text[with_offset].str.extract(_OFFSET).reindex(text.index)
        sign = parts[0].map({"+": 1, "-": -1}).astype("float64")
        minutes = sign * (parts[1].astype("float64") * 60 + parts[2].astype("float64"))
        offset = pd.to_timedelta(minutes, unit="min")
        text = text.str.replace(_OFFSET, "", regex=True)
    text = text.str.replace("T", " ", n=1, regex=False)
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]", name=values.name)
    todo = text.notna()
    for fmt in _FORMATS:
        if not todo.any():
            break
        parsed = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        out.loc[todo] = parsed.astype("datetime64[us]")
        todo = todo & out.isna()
    if report:
        report_rows(ctx, file, "bad_timestamp", "not a date-time in a known format",
                    values.index[values.notna() & out.isna()], column=str(values.name))
    return out, offset


def _localise(naive: pd.Series, zone: str) -> tuple[pd.Series, dict[str, int]]:
    flags = np.ones(len(naive), dtype=bool)
    first = naive.dt.tz_localize(zone, ambiguous=flags, nonexistent="NaT")
    second = naive.dt.tz_localize(zone, ambiguous=~flags, nonexistent="NaT")
    ambiguous = int((first.notna() & (first != second)).sum())
    skipped = first.isna() & naive.notna()
    if skipped.any():
        first.loc[skipped] = naive[skipped].dt.tz_localize(zone, nonexistent="shift_forward")
    out = first.dt.tz_convert("UTC").astype(UTC_DTYPE)
    return out, {"ambiguous": ambiguous, "nonexistent": int(skipped.sum())}


@cache
def zone_names() -> frozenset[str]:
    """The IANA zone names this machine knows (tzdata).

    Example:
        >>> "Europe/Zurich" in zone_names()
        True
    """
    return frozenset(zoneinfo.available_timezones())

