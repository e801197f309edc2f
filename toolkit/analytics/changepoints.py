"""Pay per job, per km and per minute over time, and the days a pay model changed (methods.md §2.5).

`pay_rates` turns completed jobs into pay per job / km / P3 minute per local day, week or month;
`change_points` finds the days a series' mean shifted, by binary segmentation of a piecewise-constant
mean, where each split must pass a permutation test (so a worker whose pay did not change gets no
change), with a residual block-bootstrap interval for the day and for the size; `pay_changes` chains the
two. `job_pay` is the per-job pay table they share with the quest calculator.

Pay of a job comes from the earnings `fare` lines linked to it by `job_id` when most completed jobs link,
else from `jobs.fare` (which, depending on the platform, may be the fare the customer paid): the result
says which. Unknown is NaN, never 0.

Example:
    >>> import numpy as np, pandas as pd
    >>> days = pd.date_range("2026-01-01", periods=60, freq="D", tz="UTC")
    >>> y = pd.Series(np.r_[np.full(30, 1.5), np.full(30, 1.2)] + np.tile([0.01, -0.01], 30), index=days)
    >>> str(change_points(y, seed=1)["changes"]["date"].iloc[0].date())
    '2026-01-31'
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from toolkit.analytics.intervals import Freq
from toolkit.i18n import Note

PAY_DEFINITION = (
    "pay of a completed job: the earnings 'fare' lines linked to it by job_id (tips, incentives and "
    "commission lines excluded), else jobs.fare; km = job_distance_m / 1000 (pickup to drop-off); "
    "minutes = job_duration_s / 60, else drop-off - pickup"
)
CHANGE_DEFINITION = (
    "binary segmentation of a piecewise-constant mean (least squares); a split is kept only if its "
    "reduction of the sum of squares beats a permutation test at level alpha; day and size intervals "
    "from a moving-block bootstrap of the residuals (95%)"
)


def pay_changes(
    jobs: pd.DataFrame,
    earnings: pd.DataFrame | None = None,
    *,
    measure: str = "per_km",
    tz: str = "UTC",
    min_jobs: int = 3,
    **options: Any,
) -> dict[str, Any]:
    """Days on which daily pay `measure` (per_job, per_km or per_minute) changed, with size and intervals.

    `options` go to `change_points` (alpha, min_size, n_perm, n_boot, seed).

    Example:
        >>> jobs = pd.DataFrame({"status": ["completed"] * 2, "fare": [5.0, 6.0],
        ...     "job_distance_m": [4000.0, 5000.0], "job_duration_s": [600.0, 700.0],
        ...     "dropped_off_at": pd.to_datetime(["2026-01-01 10:00", "2026-01-02 10:00"], utc=True)})
        >>> pay_changes(jobs)["changes"].empty
        True
    """
    if measure not in ("per_job", "per_km", "per_minute"):
        raise ValueError(f"unknown measure {measure!r}")
    rates = pay_rates(jobs, earnings, freq="day", tz=tz, min_jobs=min_jobs)
    series = rates["table"][measure]
    found = change_points(series, **options)
    found.update(measure=measure, source=rates["source"], tz=tz,
                 definition=f"{measure} per local day ({PAY_DEFINITION}); {found['definition']}",
                 notes=rates["notes"] + found["notes"])
    return found


def pay_rates(
    jobs: pd.DataFrame,
    earnings: pd.DataFrame | None = None,
    *,
    freq: Freq = "day",
    tz: str = "UTC",
    min_jobs: int = 3,
) -> dict[str, Any]:
    """Pay per job, per km and per P3 minute of completed jobs, per local day, week or month.

    Each rate is a ratio of sums over the jobs that know both terms; a period with fewer than `min_jobs`
    such jobs gets NaN (too few to say).

    Example:
        >>> jobs = pd.DataFrame({"status": ["completed"] * 3, "fare": [5.0, 6.0, 7.0],
        ...     "job_distance_m": [4000.0, 5000.0, 6000.0], "job_duration_s": [600.0] * 3,
        ...     "dropped_off_at": pd.to_datetime(["2026-01-01 10:00"] * 3, utc=True)})
        >>> pay_rates(jobs)["table"][["jobs", "per_job", "per_km"]].values.tolist()
        [[3.0, 6.0, 1.2]]
    """
    per_job = job_pay(jobs, earnings)
    table = per_job["table"]
    if table.empty:
        empty = pd.DataFrame(columns=["jobs", "pay", "km", "minutes", "per_job", "per_km", "per_minute"])
        return {"table": empty, "source": per_job["source"], "definition": PAY_DEFINITION,
                "freq": freq, "tz": tz, "notes": per_job["notes"] + [Note("notes.changepoints.no_dated_job")]}
    period = period_start(table["at"], freq, tz)
    paid = table["pay"].notna()
    parts = {
        "jobs": paid.astype(float),
        "pay": table["pay"].where(paid, 0.0),
        "km_pay": table["pay"].where(paid & table["km"].notna(), 0.0),
        "km": table["km"].where(paid, np.nan).fillna(0.0),
        "min_pay": table["pay"].where(paid & table["minutes"].notna(), 0.0),
        "minutes": table["minutes"].where(paid, np.nan).fillna(0.0),
        "n_km": (paid & table["km"].notna()).astype(float),
        "n_min": (paid & table["minutes"].notna()).astype(float),
    }
    sums = pd.DataFrame(parts).groupby(period.rename("period")).sum()
    out = pd.DataFrame({"jobs": sums["jobs"], "pay": sums["pay"], "km": sums["km"],
                        "minutes": sums["minutes"]})
    out["per_job"] = (sums["pay"] / sums["jobs"]).where(sums["jobs"] >= min_jobs)
    out["per_km"] = (sums["km_pay"] / sums["km"]).where((sums["n_km"] >= min_jobs) & (sums["km"] > 0))
    out["per_minute"] = (sums["min_pay"] / sums["minutes"]).where(
        (sums["n_min"] >= min_jobs) & (sums["minutes"] > 0))
    return {"table": out, "source": per_job["source"], "definition": PAY_DEFINITION, "freq": freq,
            "tz": tz, "notes": per_job["notes"]}


def change_points(
    series: pd.Series,
    *,
    alpha: float = 0.01,
    min_size: int = 7,
    max_changes: int = 5,
    n_perm: int = 499,
    n_boot: int = 299,
    block: int = 7,
    seed: int = 0,
) -> dict[str, Any]:
    """Changes in the mean of a dated series: day, level before and after, size, and 95% intervals.

    NaN values are left out (the positions are the remaining observations). A change is the first date
    of the new level; `size` = after - before, `relative` = after / before - 1. `p_value` is the
    permutation p-value of the split within its segment (serial correlation makes it optimistic).

    Example:
        >>> y = pd.Series([1.0, 1.1, 0.9, 1.0] * 10, index=pd.date_range("2026-01-01", periods=40))
        >>> change_points(y)["changes"].empty
        True
    """
    clean = series.dropna()
    y = clean.to_numpy(dtype=float)
    rng = np.random.default_rng(seed)
    splits = _segment(y, 0, y.size, alpha, min_size, max_changes, n_perm, rng)
    bounds = [0] + sorted(k for k, _ in splits) + [y.size]
    p_of = dict(splits)
    rows = []
    for i, k in enumerate(bounds[1:-1], start=1):
        rows.append(_describe_change(y, clean.index, bounds[i - 1], k, bounds[i + 1], p_of[k],
                                     min_size, n_boot, block, rng))
    segments = pd.DataFrame([
        {"start": clean.index[a], "end": clean.index[b - 1], "n": b - a, "mean": float(y[a:b].mean())}
        for a, b in zip(bounds[:-1], bounds[1:], strict=True) if b > a
    ])
    notes: list[str] = ([] if y.size >= 2 * min_size
                        else [Note("notes.changepoints.no_changes", n=2 * min_size)])
    columns = ["date", "date_low", "date_high", "before", "after", "size", "size_low", "size_high",
               "relative", "relative_low", "relative_high", "p_value"]
    return {"changes": pd.DataFrame(rows, columns=columns), "segments": segments, "n": int(y.size),
            "alpha": alpha, "min_size": min_size, "definition": CHANGE_DEFINITION, "notes": notes}


def job_pay(jobs: pd.DataFrame, earnings: pd.DataFrame | None = None) -> dict[str, Any]:
    """One row per completed job: `at` (drop-off, else pickup/accept/request), `pay`, `km`, `minutes`.

    Example:
        >>> jobs = pd.DataFrame({"status": ["completed", "cancelled_by_customer"], "fare": [5.0, 2.0],
        ...     "job_id": [None, None], "job_distance_m": [4000.0, None], "job_duration_s": [600.0, None],
        ...     "dropped_off_at": pd.to_datetime(["2026-01-01 10:00", None], utc=True)})
        >>> job_pay(jobs)["table"][["pay", "km", "minutes"]].values.tolist()
        [[5.0, 4.0, 10.0]]
    """
    done = jobs.loc[jobs["status"] == "completed"]
    at = _first_time(done, ["dropped_off_at", "picked_up_at", "accepted_at", "requested_at"])
    minutes = _column(done, "job_duration_s") / 60.0
    if "dropped_off_at" in done and "picked_up_at" in done:
        observed = (done["dropped_off_at"] - done["picked_up_at"]).dt.total_seconds() / 60.0
        minutes = minutes.fillna(observed.where(observed > 0))
    pay, source, notes = _pay_of(done, earnings)
    table = pd.DataFrame({"at": at, "pay": pay, "km": _column(done, "job_distance_m") / 1000.0,
                          "minutes": minutes})
    table = table.loc[table["at"].notna()].reset_index(drop=True)
    undated = len(done) - len(table)
    if undated:
        notes.append(Note("notes.changepoints.job_undated", n=undated))
    return {"table": table, "source": source, "definition": PAY_DEFINITION, "notes": notes}


def period_start(at: pd.Series, freq: Freq, tz: str) -> pd.Series:
    """The local start (tz-aware, in `tz`) of the hour, day, week (Monday) or month holding each instant.

    Labels match `intervals.seconds_by_period`, so counts and durations per period join on them.

    Example:
        >>> at = pd.Series(pd.to_datetime(["2026-03-01 23:30"], utc=True))
        >>> str(period_start(at, "month", "Europe/Paris").iloc[0])
        '2026-03-01 00:00:00+01:00'
    """
    local = at.dt.tz_convert(tz).dt.tz_localize(None)
    day = local.dt.normalize()
    if freq == "hour":
        start = local.dt.floor("h")
    elif freq == "day":
        start = day
    elif freq == "week":
        start = day - pd.to_timedelta(day.dt.day_of_week, unit="D")
    else:
        start = day - pd.to_timedelta(day.dt.day - 1, unit="D")
    # A local time skipped by a DST change moves forward; one repeated is read as its first occurrence.
    return start.dt.tz_localize(tz, nonexistent="shift_forward", ambiguous=np.ones(len(start), dtype=bool))


def _first_time(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    out = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[us, UTC]")
    for name in columns:
        if name in frame:
            out = out.fillna(frame[name].dt.tz_convert("UTC").dt.as_unit("us"))
    return out


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name not in frame:
        return pd.Series(np.nan, index=frame.index, dtype=float)
    return pd.to_numeric(frame[name], errors="coerce").astype(float)


def _pay_of(done: pd.DataFrame, earnings: pd.DataFrame | None) -> tuple[pd.Series, str, list[str]]:
    fares = _column(done, "fare")
    if earnings is None or earnings.empty or "job_id" not in done:
        return fares, "jobs.fare", []
    lines = earnings.loc[(earnings["category"] == "fare") & earnings["job_id"].notna()]
    linked = lines.groupby(lines["job_id"].astype(str))["amount"].sum()
    ids = done["job_id"].astype(object)
    hit = ids.notna() & ids.astype(str).isin(linked.index)
    if len(done) and hit.mean() >= 0.5:
        pay = pd.Series(np.where(hit, ids.astype(str).map(linked), np.nan), index=done.index, dtype=float)
        missing = int((~hit).sum())
        note: list[str] = [Note("notes.changepoints.fare_missing", n=missing)] if missing else []
        return pay, "earnings (fare lines by job_id)", note
    return fares, "jobs.fare", [Note("notes.changepoints.fare_fallback")]


def _segment(y: np.ndarray, a: int, b: int, alpha: float, min_size: int, budget: int, n_perm: int,
             rng: np.random.Generator) -> list[tuple[int, float]]:
    """Accepted splits (absolute position, p-value) within y[a:b], recursively."""
    if budget <= 0 or b - a < 2 * min_size:
        return []
    part = y[a:b]
    gains = _split_gains(part[None, :], min_size)[0]
    k = int(np.argmax(gains))
    shuffled = np.stack([rng.permutation(part) for _ in range(n_perm)])
    null_max = _split_gains(shuffled, min_size).max(axis=1)
    p = float((1 + np.sum(null_max >= gains[k])) / (1 + n_perm))
    if p >= alpha:
        return []
    cut = a + min_size + k
    left = _segment(y, a, cut, alpha, min_size, budget - 1, n_perm, rng)
    right = _segment(y, cut, b, alpha, min_size, budget - 1 - len(left), n_perm, rng)
    return [(cut, p)] + left + right


def _split_gains(rows: np.ndarray, min_size: int) -> np.ndarray:
    """Reduction of the sum of squares for each split k (left = [:k]) of each row, k in [min, n - min]."""
    n = rows.shape[1]
    k = np.arange(min_size, n - min_size + 1)
    csum = np.cumsum(rows, axis=1)
    left = csum[:, k - 1] / k
    right = (csum[:, -1:] - csum[:, k - 1]) / (n - k)
    return (k * (n - k) / n) * (left - right) ** 2


def _describe_change(y: np.ndarray, dates: pd.Index, a: int, k: int, b: int, p: float, min_size: int,
                     n_boot: int, block: int, rng: np.random.Generator) -> dict[str, Any]:
    part = y[a:b]
    before, after = float(y[a:k].mean()), float(y[k:b].mean())
    fitted = np.where(np.arange(a, b) < k, before, after)
    resid = part - fitted
    boots = fitted[None, :] + _block_resample(resid, n_boot, block, rng)
    ks = np.argmax(_split_gains(boots, min_size), axis=1) + min_size
    idx = np.arange(part.size)
    left = np.where(idx[None, :] < ks[:, None], boots, np.nan)
    right = np.where(idx[None, :] >= ks[:, None], boots, np.nan)
    b_before, b_after = np.nanmean(left, axis=1), np.nanmean(right, axis=1)
    k_lo, k_hi = np.percentile(ks, [2.5, 97.5], method="inverted_cdf").astype(int)
    size = b_after - b_before
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = b_after / b_before - 1
    return {
        "date": dates[k], "date_low": dates[a + k_lo], "date_high": dates[a + k_hi],
        "before": before, "after": after, "size": after - before,
        "size_low": float(np.percentile(size, 2.5)), "size_high": float(np.percentile(size, 97.5)),
        "relative": after / before - 1 if before else np.nan,
        "relative_low": float(np.nanpercentile(rel, 2.5)) if before else np.nan,
        "relative_high": float(np.nanpercentile(rel, 97.5)) if before else np.nan,
        "p_value": p,
    }


def _block_resample(resid: np.ndarray, n_boot: int, block: int, rng: np.random.Generator) -> np.ndarray:
    """Moving-block bootstrap draws of `resid` (keeps short serial correlation), shape (n_boot, n)."""
    n = resid.size
    block = max(1, min(block, n))
    n_blocks = -(-n // block)
    starts = rng.integers(0, n - block + 1, size=(n_boot, n_blocks))
    idx = (starts[:, :, None] + np.arange(block)[None, None, :]).reshape(n_boot, -1)[:, :n]
    return resid[idx]
