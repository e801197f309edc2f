"""Coverage: which days the time figures cover, and whether the money can be divided by those hours.

Rule (issue 8): the time figures cover the local days from the first to the last record of the time
accounting's timeline (status log, sessions, or jobs chained into inferred sessions), cut to the period
asked for; days inside that span without a record count as days without work. Pay per hour divides only
the earnings dated on those days; the earnings of the period dated outside them are returned apart
(`earnings_outside_coverage`), with their first and last day and a note.

A trips file that plainly misses paid work is a gross inconsistency: the earnings of the covered days
name many job ids that no job of the export has (`pay.unmatched_jobs_share`, `pay.unmatched_jobs_min`),
or, without job ids, hold far more fare lines than the export has jobs on those days
(`pay.fare_lines_per_job_max`). Then every hour figure estimated from the jobs is unreliable (all of
them when sessions are inferred from jobs; engaged hours when only sessions are logged), so the pay per
such hour is unknown, and the km driven, hence vehicle costs and net pay, are unknown too.

Partial periods: a week or month that the covered days reach only in part is marked `partial`
(`toolkit.periods.partial_periods`) and kept out of "N of M periods" counts with `full_periods`.

Example:
    >>> import pandas as pd
    >>> t = pd.DataFrame({"below_minimum_wage": [True, False]}, index=["2026-01", "2026-02"])
    >>> full_periods(t.assign(partial=[False, True]))["below_minimum_wage"].tolist()
    [True]
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from toolkit.analytics.time import Span, TimeAccounting
from toolkit.config import Config
from toolkit.i18n import Note
from toolkit.periods import local_day, local_day_span, row_time, span_days

HOURS_FROM_JOBS = {"inferred": ("logged_in", "engaged"), "sessions": ("engaged",), "status_log": ()}
"""Per time source, the hour figures that are estimated from the jobs (so wrong when trips are missing)."""
_TRIPS_MISSING = {(): "trips_missing", ("logged_in",): "trips_missing_logged_in",
                  ("engaged",): "trips_missing_engaged", ("logged_in", "engaged"): "trips_missing_both"}
"""The note saying a trips file misses work, by the hour figures it makes unknown."""


@dataclass(frozen=True)
class PayCoverage:
    """What pay per hour may use: the covered days, their earnings lines, the money outside them, and
    why (in words) the trips file cannot carry the earnings, if it cannot."""

    span: Span | None
    inside: pd.DataFrame
    outside_amount: float | None
    outside_days: tuple[date, date] | None
    missing_trips: str | None
    unreliable_hours: tuple[str, ...]


def covered_span(time: TimeAccounting | None, span: Span | None) -> Span | None:
    """The local days, inside `span`, between the first and the last time record (the time accounting's
    timeline): the only days over which money can be divided by hours. None without time records.

    Example:
        >>> from toolkit.analytics.time import time_accounting
        >>> seg = pd.DataFrame({"platform": ["uber"], "state": ["on_job"],
        ...     "start_at": pd.to_datetime(["2026-01-05 10:00"], utc=True),
        ...     "end_at": pd.to_datetime(["2026-01-05 12:00"], utc=True)})
        >>> year = (pd.Timestamp("2025-12-31 23:00", tz="UTC"), pd.Timestamp("2026-12-31 23:00", tz="UTC"))
        >>> [str(t) for t in covered_span(time_accounting(seg, None, year, "Europe/Paris"), year)]
        ['2026-01-04 23:00:00+00:00', '2026-01-05 23:00:00+00:00']
    """
    if time is None or time.timeline.empty:
        return None
    line = time.timeline
    first = local_day(pd.Timestamp(line["start_at"].min()), time.zone)
    last = local_day(pd.Timestamp(line["end_at"].max()) - pd.Timedelta(microseconds=1), time.zone)
    days = local_day_span(first, max(first, last), time.zone)
    if span is None:
        return days
    lo, hi = max(days[0], span[0]), min(days[1], span[1])
    return (lo, hi) if hi > lo else None


def pay_coverage(lines: pd.DataFrame, jobs: pd.DataFrame | None, source: str | None, covered: Span | None,
                 zone: str, cfg: Config, notes: list[str]) -> PayCoverage:
    """Split one currency's earnings lines of a period into those of the covered days and the rest, and
    check that the trips file can carry them; notes say what was left out and why.

    Example:
        >>> from toolkit.config import load_config
        >>> e = pd.DataFrame({"earned_at": pd.to_datetime(["2021-03-01 12:00", "2024-01-08 12:00"], utc=True),
        ...     "amount": [100.0, 200.0], "category": ["fare", "fare"], "job_id": [None, None]})
        >>> day = (pd.Timestamp("2024-01-08", tz="UTC"), pd.Timestamp("2024-01-09", tz="UTC"))
        >>> c = pay_coverage(e, None, "status_log", day, "UTC", load_config(), [])
        >>> c.outside_amount, c.outside_days, c.missing_trips
        (100.0, (datetime.date(2021, 3, 1), datetime.date(2021, 3, 1)), None)
    """
    if covered is None:
        return PayCoverage(None, lines.iloc[0:0], None, None, None, ())
    dated = lines["earned_at"]
    within = (dated >= covered[0]) & (dated < covered[1])
    inside, outside = lines[within], lines[~within & dated.notna()]
    amount = float(outside["amount"].sum())
    days = None
    if not outside.empty:
        days = (local_day(outside["earned_at"].min(), zone), local_day(outside["earned_at"].max(), zone))
        first, last = span_days(covered, zone)
        notes.append(Note("notes.coverage.outside_days", amount=amount_note(amount), lines=len(outside),
                          first_day=days[0].isoformat(), last_day=days[1].isoformat(),
                          first=first.isoformat(), last=last.isoformat(), zone=zone))
    missing = missing_trips(inside, jobs, covered, cfg)
    unreliable = HOURS_FROM_JOBS.get(source or "", ()) if missing else ()
    if missing:
        notes.append(Note(f"notes.coverage.{_TRIPS_MISSING[tuple(unreliable)]}", missing=missing))
    return PayCoverage(covered, inside, amount, days, missing, unreliable)


def missing_trips(lines: pd.DataFrame, jobs: pd.DataFrame | None, covered: Span, cfg: Config) -> str | None:
    """Why the jobs of the export cannot be all the work these earnings lines pay for, in words; None
    when nothing says so.

    Example:
        >>> from toolkit.config import load_config
        >>> e = pd.DataFrame({"earned_at": pd.to_datetime(["2024-01-08"] * 40, utc=True), "amount": 1.0,
        ...     "category": "fare", "job_id": [f"t{i}" for i in range(40)]})
        >>> j = pd.DataFrame({"job_id": ["t1"], "dropped_off_at": pd.to_datetime(["2024-01-08"], utc=True)})
        >>> day = (pd.Timestamp("2024-01-08", tz="UTC"), pd.Timestamp("2024-01-09", tz="UTC"))
        >>> missing_trips(e, j, day, load_config())[:50]
        'the earnings name 40 job id(s), 39 of which are in'
    """
    least = int(cfg.get("pay.unmatched_jobs_min"))
    ids = lines["job_id"].dropna().astype(str) if "job_id" in lines.columns else pd.Series([], dtype=str)
    named = set(ids) - {""}
    known = (set(jobs["job_id"].dropna().astype(str)) - {""} if jobs is not None and "job_id" in jobs.columns
             else set())
    if named and known:
        absent = len(named - known)
        if absent >= least and absent > float(cfg.get("pay.unmatched_jobs_share")) * len(named):
            return Note("notes.coverage.ids_absent", named=len(named), absent=absent)
        return None
    if jobs is None or jobs.empty:
        return None  # no trips file at all: the distance says so on its own
    fares = int((lines["category"] == "fare").sum())
    when = row_time(jobs, "jobs")
    trips = int(((when >= covered[0]) & (when < covered[1])).sum())
    most = float(cfg.get("pay.fare_lines_per_job_max"))
    if fares > most * trips and fares - most * trips >= least:
        return Note("notes.coverage.fare_lines", fares=fares, trips=trips,
                    most=int(most) if most.is_integer() else most)
    return None


def amount_note(amount: float) -> Note:
    """An amount of money with two decimals, as a note's value: said with the reader's decimal sign and
    grouping (the currency is said elsewhere).

    Example:
        >>> from toolkit.i18n import Translator, say
        >>> n = amount_note(1234.5)
        >>> n, say(n, Translator("en")), say(n, Translator("fr"))
        ('1234.50', '1,234.50', '1\u202f234,50')
    """
    cents = round(abs(amount) * 100)
    return Note("notes.coverage.amount", sign="-" if amount < 0 and cents else "", units=cents // 100,
                cents=f"{cents % 100:02d}")


def full_periods(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of a `pay_by_period` table that are whole calendar periods of data (not `partial`), the
    only ones to count in "below the minimum wage in N of M periods".

    Example:
        >>> t = pd.DataFrame({"partial": [True, False, False]})
        >>> len(full_periods(t))
        2
    """
    if table.empty or "partial" not in table.columns:
        return table
    return table[~table["partial"].astype(bool)]


def days_text(days: tuple[date, date] | None) -> dict[str, str] | None:
    """A pair of days as {"first", "last"} ISO strings (for JSON), None stays None.

    Example:
        >>> days_text((date(2024, 1, 8), date(2024, 1, 9)))
        {'first': '2024-01-08', 'last': '2024-01-09'}
    """
    return None if days is None else {"first": days[0].isoformat(), "last": days[1].isoformat()}
