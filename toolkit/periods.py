"""Local days and row times: the two questions every figure asks first, answered once.

- `local_day_span(first, last, zone)`: the UTC interval [first 00:00, the day after last 00:00) of local
  days in `zone`, safe across daylight-saving changes (a midnight skipped by a change, as in some American
  zones, moves forward to the first instant that exists; a repeated midnight is its first occurrence);
- `row_time(frame, table)`: when each row of a store table happened (for a job, its drop-off, else its
  pick-up, acceptance or request time), the one rule by which a row falls in a period;
- `rows_in_span(frame, table, span)`: the rows of a table whose time falls in [start, end);
- `partial_periods(starts, freq, covered)`: which weeks or months the data covers only in part.

Example:
    >>> from datetime import date
    >>> span = local_day_span(date(2026, 3, 29), date(2026, 3, 29), "Europe/Paris")
    >>> [str(t) for t in span], (span[1] - span[0]).total_seconds() / 3600
    (['2026-03-28 23:00:00+00:00', '2026-03-29 22:00:00+00:00'], 23.0)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import pandas as pd

Span = tuple[pd.Timestamp, pd.Timestamp]
"""A half-open interval [start, end) of UTC timestamps."""

TIME_COLUMNS: dict[str, tuple[str, ...]] = {
    "status_segments": ("start_at", "end_at"),
    "jobs": ("dropped_off_at", "picked_up_at", "arrived_pickup_at", "accepted_at", "requested_at"),
    "offers": ("offered_at", "ended_at"),
    "offer_windows": ("window_start", "window_end"),
    "earnings": ("earned_at",),
    "locations": ("ts",),
    "ratings": ("rated_at",),
    "sanctions": ("at",),
    "statements": ("period_start", "period_end"),
    "tasks": ("submitted_at", "accepted_at", "started_at"),
}
"""Per table, the columns that place a row in time, in order of preference (first non-null wins)."""


def local_midnight(day: date, zone: str) -> pd.Timestamp:
    """The UTC instant at which local `day` begins in `zone` (DST-safe).

    Example:
        >>> str(local_midnight(date(2026, 3, 8), "America/Havana"))  # Cuba skips midnight on that day
        '2026-03-08 05:00:00+00:00'
    """
    return pd.Timestamp(day).tz_localize(zone, nonexistent="shift_forward", ambiguous=True).tz_convert("UTC")


def local_day_span(first: date, last: date, zone: str) -> Span:
    """[first 00:00, last + 1 day 00:00) in local time of `zone`, as UTC timestamps.

    Example:
        >>> s = local_day_span(date(2026, 10, 4), date(2026, 10, 4), "Australia/Sydney")
        >>> (s[1] - s[0]).total_seconds() / 3600  # clocks go forward that night in Sydney
        23.0
    """
    if last < first:
        raise ValueError(f"the end day {last} is before the start day {first}")
    return local_midnight(first, zone), local_midnight(last + timedelta(days=1), zone)


def local_day(ts: pd.Timestamp, zone: str) -> date:
    """The local calendar day of a UTC timestamp in `zone`.

    Example:
        >>> local_day(pd.Timestamp("2026-01-31 23:30", tz="UTC"), "Europe/Paris")
        datetime.date(2026, 2, 1)
    """
    return pd.Timestamp(ts).tz_convert(zone).date()


def span_days(span: Span, zone: str) -> tuple[date, date]:
    """The first and last local day that `span` covers.

    Example:
        >>> span_days(local_day_span(date(2026, 1, 1), date(2026, 1, 31), "Europe/Paris"), "Europe/Paris")
        (datetime.date(2026, 1, 1), datetime.date(2026, 1, 31))
    """
    return local_day(span[0], zone), local_day(span[1] - pd.Timedelta(microseconds=1), zone)


def row_time(frame: pd.DataFrame, table: str) -> pd.Series:
    """When each row of `table` happened: the first non-null of its `TIME_COLUMNS` (NaT when none).

    Example:
        >>> j = pd.DataFrame({"dropped_off_at": pd.to_datetime([None, "2026-01-05 10:30"], utc=True),
        ...     "accepted_at": pd.to_datetime(["2026-01-05 09:00", "2026-01-05 10:00"], utc=True)})
        >>> row_time(j, "jobs").dt.strftime("%H:%M").tolist()
        ['09:00', '10:30']
    """
    columns = [c for c in TIME_COLUMNS[table] if c in frame.columns]
    if not columns:
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[us, UTC]")
    when = frame[columns[0]]
    for column in columns[1:]:
        when = when.fillna(frame[column])
    return when


def rows_in_span(
    frame: pd.DataFrame, table: str, span: Span | None, keep_undated: bool = False
) -> pd.DataFrame:
    """The rows of `table` whose `row_time` is in [span start, span end); undated rows are kept only with
    `keep_undated` (they belong to "all the data", never to a chosen period). No span: every row.

    Example:
        >>> e = pd.DataFrame({"earned_at": pd.to_datetime(["2026-01-05", None, "2026-02-05"], utc=True)})
        >>> s = local_day_span(date(2026, 1, 1), date(2026, 1, 31), "UTC")
        >>> len(rows_in_span(e, "earnings", s)), len(rows_in_span(e, "earnings", s, keep_undated=True))
        (1, 2)
    """
    if span is None or frame.empty:
        return frame
    when = row_time(frame, table)
    keep = (when >= span[0]) & (when < span[1])
    if keep_undated:
        keep = keep | when.isna()
    return frame[keep.to_numpy()]


def partial_periods(
    starts: Sequence[pd.Timestamp], freq: str, covered: tuple[date, date] | None
) -> list[bool]:
    """Whether each calendar period (local starts of a week from Monday, or of a month) is only partly
    covered by the data's days `covered` (first, last): such a period is drawn apart and kept out of
    "N of M periods" counts. A day (`freq="day"`) is never partial.

    Example:
        >>> starts = [pd.Timestamp(d, tz="Europe/Paris") for d in ("2026-01-01", "2026-02-01")]
        >>> partial_periods(starts, "month", (date(2026, 1, 1), date(2026, 2, 3)))
        [False, True]
    """
    if covered is None:
        return [True] * len(starts)
    out = []
    for start in starts:
        first = pd.Timestamp(start).date()
        if freq == "week":
            last = first + timedelta(days=6)
        elif freq == "month":
            last = (pd.Timestamp(first) + pd.offsets.MonthEnd(0)).date()
        else:
            last = first
        out.append(first < covered[0] or last > covered[1])
    return out
