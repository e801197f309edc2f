"""Bonus / quest calculator (methods.md §2.6): is "N jobs between H1 and H2 on day D for bonus B" reachable?

For a quest, `quest_feasibility` gives the pace it needs (jobs per hour, minutes per job), how often the
worker's own comparable windows (same weekday, within ± `weeks` of D, online at least 90% of the window)
reached N, the model probability P(N jobs) from the worker's completion rate in those windows (negative
binomial when the counts are over-dispersed, else Poisson), the pace against the worker's 95th-percentile
pace, the expected value of the bonus per hour and the pay per hour of the window with and without it.
A quest with P < 0.2 is flagged structurally unattainable.

Example:
    >>> import pandas as pd
    >>> jobs = pd.DataFrame({"status": ["completed"], "fare": [5.0], "job_distance_m": [3000.0],
    ...     "job_duration_s": [600.0], "dropped_off_at": pd.to_datetime(["2026-01-05 19:30"], utc=True)})
    >>> q = quest_feasibility(jobs, jobs_needed=15, start="19:00", end="22:00", day="2026-01-12", bonus=40)
    >>> q["pace_per_h"]
    5.0
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np
import pandas as pd

from toolkit.analytics.changepoints import job_pay
from toolkit.analytics.dispatch import logged_time
from toolkit.analytics.intervals import clipped, epoch_us, total_length
from toolkit.i18n import Note

UNATTAINABLE_BELOW = 0.2
DEFINITION = (
    "comparable windows: same local clock window on days with the same weekday (or weekday type), "
    "within ± weeks of the quest day, online >= min_online_share of the window; a job counts when it "
    "was completed (dropped off) inside the window; P(success) = P(N >= jobs_needed), N ~ NegBin or "
    "Poisson with mean = completed jobs per online hour x window hours; the zone is not matched "
    "(methods.md §2.6 also restricts to the quest's zone)"
)


def quest_feasibility(
    jobs: pd.DataFrame,
    segments: pd.DataFrame | None = None,
    *,
    jobs_needed: int,
    start: str | time,
    end: str | time,
    day: str | date,
    bonus: float,
    earnings: pd.DataFrame | None = None,
    tz: str = "UTC",
    weeks: int = 4,
    same_weekday: bool = True,
    min_online_share: float = 0.9,
) -> dict[str, Any]:
    """Pace needed, how often the worker's history met it, success probability and expected value per hour.

    `start`/`end` are local clock times in `tz` (an end before the start runs past midnight); `earnings`
    lets pay come from linked fare lines (see `changepoints.job_pay`).

    Example:
        >>> jobs = pd.DataFrame({"status": ["completed"], "fare": [5.0], "job_distance_m": [3000.0],
        ...     "job_duration_s": [600.0], "dropped_off_at": pd.to_datetime(["2026-01-05 19:30"], utc=True)})
        >>> q = quest_feasibility(jobs, jobs_needed=15, start="19:00", end="22:00", day="2026-01-12",
        ...     bonus=40)
        >>> q["minutes_per_job"], q["empirical"]["windows"]
        (12.0, 1)
    """
    t0, t1 = _clock(start), _clock(end)
    length_h = ((t1.hour * 60 + t1.minute) - (t0.hour * 60 + t0.minute)) % (24 * 60) / 60.0
    if length_h <= 0 or jobs_needed < 1:
        raise ValueError("a quest needs a window longer than zero and at least one job")
    pace = jobs_needed / length_h
    paid = job_pay(jobs, earnings)
    accounting = logged_time(segments, jobs, tz)
    windows, notes = _windows(paid["table"], accounting.timeline if accounting else None,
                              pd.Timestamp(day).date(), t0, length_h, tz, weeks, same_weekday,
                              min_online_share)
    eligible = windows.loc[windows["eligible"]]
    model = _model(eligible, length_h, jobs_needed)
    p = model["p_success"] if model else None
    hours = eligible["online_h"].fillna(length_h)
    pay_h = _ratio(eligible["pay"].sum(), hours.sum()) if len(eligible) else None
    expected_h = p * bonus / length_h if p is not None else None
    pace_rate = eligible["jobs"] / eligible["online_h"].fillna(length_h)
    p95 = float(np.percentile(pace_rate, 95)) if len(eligible) else None
    return {
        "jobs_needed": jobs_needed, "window_h": length_h, "bonus": bonus,
        "pace_per_h": pace, "minutes_per_job": 60.0 / pace,
        "empirical": {"windows": int(len(eligible)), "met": int((eligible["jobs"] >= jobs_needed).sum()),
                      "share": float((eligible["jobs"] >= jobs_needed).mean()) if len(eligible) else None},
        "model": model, "p95_pace_per_h": p95, "pace_vs_p95": _ratio(pace, p95) if p95 else None,
        "expected_bonus": p * bonus if p is not None else None, "expected_bonus_per_h": expected_h,
        "pay_per_h_without_bonus": pay_h,
        "pay_per_h_with_bonus": pay_h + expected_h if pay_h is not None and expected_h is not None else None,
        "structurally_unattainable": bool(p < UNATTAINABLE_BELOW) if p is not None else None,
        "windows": windows, "tz": tz, "definition": DEFINITION, "notes": paid["notes"] + notes,
        "source": {"jobs": "jobs (completed, by drop-off)", "pay": paid["source"],
                   "online": f"status_segments ({accounting.source})" if accounting else None},
    }


def _windows(
    paid: pd.DataFrame, timeline: pd.DataFrame | None, day: date, t0: time, length_h: float, tz: str,
    weeks: int, same_weekday: bool, min_share: float,
) -> tuple[pd.DataFrame, list[str]]:
    """One row per comparable day: window bounds (UTC), online hours, completed jobs, pay, eligible."""
    days = [day + timedelta(days=k) for k in range(-7 * weeks, 7 * weeks + 1) if k != 0]
    days = [d for d in days if (d.weekday() == day.weekday() if same_weekday else
                                (d.weekday() >= 5) == (day.weekday() >= 5))]
    local = pd.DatetimeIndex([datetime.combine(d, t0) for d in days])
    lo = local.tz_localize(tz, nonexistent="shift_forward", ambiguous=np.ones(len(local), dtype=bool))
    hi = lo + pd.Timedelta(hours=length_h)
    at = epoch_us(paid["at"]) if len(paid) else np.array([])
    pay = paid["pay"].to_numpy(float) if len(paid) else np.array([])
    lo_us, hi_us = epoch_us(lo), epoch_us(hi)
    inside = [(at >= a) & (at < b) for a, b in zip(lo_us, hi_us, strict=True)]
    table = pd.DataFrame({"day": days, "start": lo.tz_convert("UTC"), "end": hi.tz_convert("UTC"),
                          "jobs": [float(m.sum()) for m in inside],
                          "pay": [float(np.nansum(pay[m])) if m.any() else 0.0 for m in inside]})
    notes: list[str] = []
    if timeline is not None:
        logged = timeline.loc[timeline["period"] != "break"]
        s, e = epoch_us(logged["start_at"]), epoch_us(logged["end_at"])
        table["online_h"] = [float(total_length(*clipped(s, e, a, b))) / 3.6e9 for a, b in zip(lo_us, hi_us,
                                                                                            strict=True)]
        table["eligible"] = table["online_h"] >= min_share * length_h
    else:
        table["online_h"] = np.nan
        table["eligible"] = table["jobs"] > 0
        notes.append(Note("notes.quest.no_log"))
    if np.isnan(pay).any():
        notes.append(Note("notes.quest.some_unpaid"))
    return table, notes


def _model(eligible: pd.DataFrame, length_h: float, k: int) -> dict[str, Any] | None:
    if eligible.empty:
        return None
    hours = eligible["online_h"].fillna(length_h)
    rate = float(eligible["jobs"].sum() / hours.sum())
    mu = rate * length_h
    m = float(eligible["jobs"].mean())
    v = float(eligible["jobs"].var(ddof=1)) if len(eligible) > 1 else 0.0
    from scipy import stats  # loaded when needed: it takes most of a page's first second

    if v > m > 0:
        theta = m * m / (v - m)
        p = float(stats.nbinom.sf(k - 1, theta, theta / (theta + mu)))
        name = "negative binomial"
    else:
        theta = None
        p = float(stats.poisson.sf(k - 1, mu))
        name = "poisson"
    return {"distribution": name, "jobs_per_online_h": rate, "mean_jobs": mu, "dispersion": theta,
            "p_success": p}


def _clock(value: str | time) -> time:
    return value if isinstance(value, time) else time.fromisoformat(value)


def _ratio(num: float, den: float | None) -> float | None:
    return float(num) / float(den) if den else None
