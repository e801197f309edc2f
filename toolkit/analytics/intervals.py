"""Interval arithmetic for time accounting: every duration is the length of a union, never a plain sum.

Two layers:
- array functions (`union`, `intersection`, `difference`, `clipped`, `total_length`) on 1-D numpy arrays
  of starts and ends of any ordered, subtractable dtype (int, float, datetime64). Intervals are half-open
  `[start, end)`; empty or reversed intervals (end <= start) and nulls (NaN/NaT) are dropped. Results are
  sorted and disjoint.
- frame functions on pandas frames with tz-aware `start_at`/`end_at` columns (the `status_segments`
  names; other column names can be given): `merged`, `clipped_frame`, `covered_seconds`,
  `seconds_by_period`, `seconds_by_hour_of_week`, and `state_timeline`, the priority merge of state
  segments from several sources or platforms, so that a worker on two apps at once is counted once.

Timestamps are handled as int64 microseconds since the epoch (the store's unit): `epoch_us` and
`utc_timestamps` convert. Inputs are never modified.

Example:
    >>> import numpy as np
    >>> union(np.array([0, 5, 2]), np.array([3, 6, 4]))
    (array([0, 5]), array([4, 6]))
    >>> int(total_length(np.array([0, 1]), np.array([2, 3])))
    3
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

Freq = Literal["day", "week", "month", "hour"]

STATE_PRIORITY: tuple[str, ...] = (
    "on_job", "at_pickup", "to_pickup", "unsplit", "waiting", "online", "break", "offline",
)
"""Which state wins where segments overlap (first wins): on_job > at_pickup > to_pickup > unsplit >
waiting/online (waiting, the more specific, before online) > break > offline. `unsplit` is logged-in time
whose activity is unknown (a platform giving sessions but no job times, e.g. Deliveroo invoices): it may
hide a job, so where it overlaps another app's waiting that time is not counted as surely unpaid."""

US_PER_S = 1_000_000


def union(starts: np.ndarray, ends: np.ndarray, gap: Any = 0) -> tuple[np.ndarray, np.ndarray]:
    """Merge intervals into sorted disjoint ones; intervals closer than or equal to `gap` are joined.

    Example:
        >>> union(np.array([0, 10]), np.array([5, 12]), gap=5)
        (array([0]), array([12]))
    """
    s, e = _valid(starts, ends)
    if s.size == 0:
        return s, e
    order = np.argsort(s, kind="stable")
    s, e = s[order], e[order]
    reach = np.maximum.accumulate(e)
    new = np.empty(s.size, dtype=bool)
    new[0] = True
    new[1:] = s[1:] > reach[:-1] + gap
    first = np.flatnonzero(new)
    return s[first], np.maximum.reduceat(e, first)


def intersection(
    starts_a: np.ndarray, ends_a: np.ndarray, starts_b: np.ndarray, ends_b: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The instants covered by both sets of intervals, as sorted disjoint intervals.

    Example:
        >>> intersection(np.array([0, 10]), np.array([5, 20]), np.array([3]), np.array([12]))
        (array([ 3, 10]), array([ 5, 12]))
    """
    sa, ea = union(starts_a, ends_a)
    sb, eb = union(starts_b, ends_b)
    _, _, s, e = _overlaps(sa, ea, sb, eb)
    return s, e


def difference(
    starts_a: np.ndarray, ends_a: np.ndarray, starts_b: np.ndarray, ends_b: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The instants covered by the first set and not by the second, as sorted disjoint intervals.

    Example:
        >>> difference(np.array([0]), np.array([10]), np.array([2, 6]), np.array([4, 8]))
        (array([0, 4, 8]), array([ 2,  6, 10]))
    """
    sa, ea = union(starts_a, ends_a)
    sb, eb = union(starts_b, ends_b)
    if sa.size == 0 or sb.size == 0:
        return sa, ea
    lo, hi = min(sa[0], sb[0]), max(ea[-1], eb[-1])
    gap_s = np.concatenate([[lo], eb])
    gap_e = np.concatenate([sb, [hi]])
    _, _, s, e = _overlaps(sa, ea, *_valid(gap_s, gap_e))
    return s, e


def clipped(starts: np.ndarray, ends: np.ndarray, lo: Any, hi: Any) -> tuple[np.ndarray, np.ndarray]:
    """Each interval cut to `[lo, hi)`; those left empty are dropped (no merging, order kept).

    Example:
        >>> clipped(np.array([0, 8, 20]), np.array([5, 15, 30]), 2, 10)
        (array([2, 8]), array([ 5, 10]))
    """
    s, e = _valid(starts, ends)
    s, e = np.maximum(s, lo), np.minimum(e, hi)
    keep = e > s
    return s[keep], e[keep]


def total_length(starts: np.ndarray, ends: np.ndarray) -> Any:
    """Length of the union of the intervals: overlapping time is counted once.

    Example:
        >>> int(total_length(np.array([0, 2]), np.array([4, 6])))
        6
    """
    s, e = union(starts, ends)
    if s.size == 0:
        return (np.asarray(ends)[:0] - np.asarray(starts)[:0]).sum()
    return (e - s).sum()


def epoch_us(values: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    """Tz-aware timestamps as float microseconds since the epoch (NaT -> NaN).

    Example:
        >>> epoch_us(pd.Series(pd.to_datetime(["1970-01-01 00:00:01"], utc=True)))
        array([1000000.])
    """
    if len(values) and pd.isna(values).all():
        return np.full(len(values), np.nan)
    index = pd.DatetimeIndex(values)
    if index.tz is None and len(index):
        raise ValueError("timestamps must be timezone-aware (UTC)")
    us = index.tz_convert("UTC").as_unit("us").asi8.astype(np.float64)
    us[index.isna()] = np.nan
    return us


def utc_timestamps(us: np.ndarray) -> pd.DatetimeIndex:
    """Microseconds since the epoch back to UTC timestamps.

    Example:
        >>> utc_timestamps(np.array([0.0]))[0]
        Timestamp('1970-01-01 00:00:00+0000', tz='UTC')
    """
    return pd.DatetimeIndex(pd.to_datetime(np.asarray(us, dtype=np.int64), unit="us", utc=True))


def merged(
    frame: pd.DataFrame, start: str = "start_at", end: str = "end_at", gap_s: float = 0.0
) -> pd.DataFrame:
    """The union of a frame's intervals as a new frame `start_at`, `end_at` (UTC), joining gaps <= gap_s.

    Example:
        >>> f = pd.DataFrame({"start_at": pd.to_datetime(["2026-01-01 10:00", "2026-01-01 10:30"], utc=True),
        ...                   "end_at": pd.to_datetime(["2026-01-01 11:00", "2026-01-01 12:00"], utc=True)})
        >>> len(merged(f))
        1
    """
    s, e = union(epoch_us(frame[start]), epoch_us(frame[end]), gap=gap_s * US_PER_S)
    return pd.DataFrame({"start_at": utc_timestamps(s), "end_at": utc_timestamps(e)})


def clipped_frame(
    frame: pd.DataFrame, lo: pd.Timestamp, hi: pd.Timestamp, start: str = "start_at", end: str = "end_at"
) -> pd.DataFrame:
    """A copy of the rows overlapping `[lo, hi)`, their start and end cut to it; other columns kept.

    Example:
        >>> f = pd.DataFrame({"state": ["waiting"],
        ...     "start_at": pd.to_datetime(["2026-01-01 23:00"], utc=True),
        ...     "end_at": pd.to_datetime(["2026-01-02 01:00"], utc=True)})
        >>> str(clipped_frame(f, pd.Timestamp("2026-01-02", tz="UTC"), pd.Timestamp("2026-02-01", tz="UTC"))
        ...     ["start_at"].iloc[0])
        '2026-01-02 00:00:00+00:00'
    """
    s = epoch_us(frame[start])
    e = epoch_us(frame[end])
    lo_us, hi_us = epoch_us(pd.DatetimeIndex([lo, hi]))
    with np.errstate(invalid="ignore"):
        cs, ce = np.maximum(s, lo_us), np.minimum(e, hi_us)
        keep = ce > cs
    out = frame.loc[keep].copy()
    out[start] = utc_timestamps(cs[keep])
    out[end] = utc_timestamps(ce[keep])
    return out.reset_index(drop=True)


def covered_seconds(frame: pd.DataFrame, start: str = "start_at", end: str = "end_at") -> float:
    """Seconds covered by a frame's intervals, overlaps counted once.

    Example:
        >>> f = pd.DataFrame({"start_at": pd.to_datetime(["2026-01-01 10:00", "2026-01-01 10:30"], utc=True),
        ...                   "end_at": pd.to_datetime(["2026-01-01 11:00", "2026-01-01 11:00"], utc=True)})
        >>> covered_seconds(f)
        3600.0
    """
    return float(total_length(epoch_us(frame[start]), epoch_us(frame[end]))) / US_PER_S


def seconds_by_period(
    frame: pd.DataFrame, freq: Freq, zone: str, start: str = "start_at", end: str = "end_at"
) -> pd.Series:
    """Covered seconds split across local days, weeks (from Monday), months or clock hours in `zone`.

    Overlaps are counted once. The index holds each period's local start (tz-aware, in `zone`); periods
    with nothing are absent. Daylight-saving days are 23 or 25 hours long.

    Example:
        >>> f = pd.DataFrame({"start_at": pd.to_datetime(["2026-01-01 22:00"], utc=True),
        ...                   "end_at": pd.to_datetime(["2026-01-02 01:00"], utc=True)})
        >>> seconds_by_period(f, "day", "Europe/Paris").tolist()
        [3600.0, 7200.0]
    """
    s, e = union(epoch_us(frame[start]), epoch_us(frame[end]))
    if s.size == 0:
        return pd.Series([], dtype=float, index=pd.DatetimeIndex([], tz=zone), name="seconds")
    bounds, labels = _local_boundaries(float(s[0]), float(e[-1]), freq, zone)
    _, ib, ps, pe = _overlaps(s, e, bounds[:-1], bounds[1:])
    sums = np.bincount(ib, weights=(pe - ps) / US_PER_S, minlength=labels.size)
    keep = sums > 0
    return pd.Series(sums[keep], index=labels[keep], name="seconds")


def seconds_by_hour_of_week(
    frame: pd.DataFrame, zone: str, start: str = "start_at", end: str = "end_at"
) -> pd.DataFrame:
    """Covered seconds by local weekday (rows 0=Monday..6) and clock hour (columns 0..23) in `zone`.

    Example:
        >>> f = pd.DataFrame({"start_at": pd.to_datetime(["2026-01-05 08:30"], utc=True),
        ...                   "end_at": pd.to_datetime(["2026-01-05 09:30"], utc=True)})
        >>> grid = seconds_by_hour_of_week(f, "UTC")
        >>> float(grid.loc[0, 8]), float(grid.loc[0, 9]), float(grid.to_numpy().sum())
        (1800.0, 1800.0, 3600.0)
    """
    by_hour = seconds_by_period(frame, "hour", zone, start, end)
    grid = np.zeros((7, 24))
    local = pd.DatetimeIndex(by_hour.index)
    np.add.at(grid, (local.day_of_week.to_numpy(), local.hour.to_numpy()), by_hour.to_numpy())
    out = pd.DataFrame(grid, index=pd.RangeIndex(7, name="weekday"), columns=pd.RangeIndex(24, name="hour"))
    return out


def state_timeline(segments: pd.DataFrame, priority: tuple[str, ...] = STATE_PRIORITY) -> pd.DataFrame:
    """Disjoint state intervals from overlapping segments of several sources or platforms.

    Where segments overlap, the state first in `priority` wins (on_job over waiting on another app…);
    between two platforms in the same state, the one first in alphabetical order keeps the time. The
    result has `state`, `platform` (when the input has one), `start_at`, `end_at`, sorted by start;
    states not in `priority` and rows with a null start or end are left out (the caller reports them).

    Example:
        >>> seg = pd.DataFrame({"platform": ["uber", "wolt"], "state": ["waiting", "on_job"],
        ...     "start_at": pd.to_datetime(["2026-01-01 10:00", "2026-01-01 10:20"], utc=True),
        ...     "end_at": pd.to_datetime(["2026-01-01 11:00", "2026-01-01 10:40"], utc=True)})
        >>> state_timeline(seg)[["state", "platform"]].values.tolist()
        [['waiting', 'uber'], ['on_job', 'wolt'], ['waiting', 'uber']]
    """
    has_platform = "platform" in segments.columns
    s_all, e_all = epoch_us(segments["start_at"]), epoch_us(segments["end_at"])
    states = segments["state"].astype(object).to_numpy()
    platforms = (segments["platform"].astype(object).to_numpy() if has_platform
                 else np.full(len(segments), None))
    pieces: list[pd.DataFrame] = []
    cov_s, cov_e = s_all[:0], e_all[:0]
    for state in priority:
        in_state = states == state
        for platform in sorted({p for p in platforms[in_state] if p is not None}) or [None]:
            rows = in_state & ((platforms == platform) if platform is not None else True)
            us, ue = union(s_all[rows], e_all[rows])
            ds, de = difference(us, ue, cov_s, cov_e)
            if ds.size:
                pieces.append(pd.DataFrame({"state": state, "platform": platform, "s": ds, "e": de}))
            cov_s, cov_e = union(np.concatenate([cov_s, us]), np.concatenate([cov_e, ue]))
    none = np.array([], dtype=float)
    out = (pd.concat(pieces, ignore_index=True) if pieces
           else pd.DataFrame({"state": [], "platform": [], "s": none, "e": none}))
    out = out.sort_values("s", kind="stable")
    timeline = pd.DataFrame({
        "state": out["state"].astype(str).to_numpy(),
        "platform": out["platform"].to_numpy(),
        "start_at": utc_timestamps(out["s"].to_numpy()),
        "end_at": utc_timestamps(out["e"].to_numpy()),
    })
    return timeline if has_platform else timeline.drop(columns="platform")


def _valid(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    s, e = np.asarray(starts), np.asarray(ends)
    if s.shape != e.shape or s.ndim != 1:
        raise ValueError("starts and ends must be 1-D arrays of the same length")
    keep = e > s  # False for NaN/NaT and for empty or reversed intervals
    return s[keep], e[keep]


def _overlaps(
    sa: np.ndarray, ea: np.ndarray, sb: np.ndarray, eb: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (i in a, j in b) of overlapping intervals and their common part; both sides sorted disjoint."""
    first = np.searchsorted(eb, sa, side="right")
    last = np.searchsorted(sb, ea, side="left")
    counts = np.maximum(last - first, 0)
    ia = np.repeat(np.arange(sa.size), counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    ib = np.repeat(first, counts) + offsets
    s, e = np.maximum(sa[ia], sb[ib]), np.minimum(ea[ia], eb[ib])
    keep = e > s
    return ia[keep], ib[keep], s[keep], e[keep]


def _local_boundaries(
    lo_us: float, hi_us: float, freq: Freq, zone: str
) -> tuple[np.ndarray, pd.DatetimeIndex]:
    """Period starts in local time covering [lo, hi], as UTC µs bounds (n+1) and local labels (n)."""
    lo_local = utc_timestamps(np.array([lo_us])).tz_convert(zone).tz_localize(None)[0]
    hi_local = utc_timestamps(np.array([hi_us])).tz_convert(zone).tz_localize(None)[0]
    first = {
        "hour": lo_local.floor("h"),
        "day": lo_local.normalize(),
        "week": lo_local.normalize() - pd.Timedelta(days=lo_local.weekday()),
        "month": lo_local.normalize().replace(day=1),
    }[freq]
    step = {"hour": "h", "day": "D", "week": "7D", "month": "MS"}[freq]
    # a margin of two periods past the end (DST can move a local boundary by an hour)
    naive = pd.date_range(first, hi_local + pd.Timedelta(days=62 if freq == "month" else 15), freq=step)
    # A local time skipped by a DST change moves forward; one repeated is read as its first occurrence.
    local = naive.tz_localize(zone, nonexistent="shift_forward", ambiguous=np.ones(naive.size, dtype=bool))
    bounds = epoch_us(local)
    keep = np.concatenate([[True], np.diff(bounds) > 0])
    bounds, local = bounds[keep], local[keep]
    return bounds, local[:-1]
