"""Ratings and sanctions (methods.md §4): distribution, trend, what followed low ratings; the sanctions
timeline and hours blocked are `toolkit.analytics.sanctions`'s (re-exported here: `sanctions_timeline`).

Uber's driver rating is the mean of the 500 most recent rider ratings (after Uber's own exclusions,
which an export does not show), so `rating_summary` gives the raw rolling mean of the last 500 dated
ratings. `low_rating_effects` compares the days after each low rating with the days before, within the
worker: an association (bad shifts bring both low ratings and fewer offers), never proof of a cause, and
only possible with dated ratings: Uber's portal ratings carry no date, and then it says so.

Example:
    >>> import pandas as pd
    >>> r = pd.DataFrame({"rating": [5.0, 4.0, 1.0], "scale": [5.0] * 3, "rated_at": pd.NaT})
    >>> round(rating_summary(r)["mean"], 2)
    3.33
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from toolkit.analytics.changepoints import period_start
from toolkit.analytics.dispatch import offer_rates, online_hours
from toolkit.analytics.intervals import Freq
from toolkit.analytics.sanctions import sanctions_timeline as sanctions_timeline  # the one timeline
from toolkit.i18n import Note
from toolkit.periods import row_time

CAVEAT = ("association within one worker, not a cause: busy or difficult shifts bring both low ratings and "
          "changes in offers and pay; the platform may also exclude some ratings the export still shows")
EFFECT_DEFINITION = (
    "for each low rating (no other low rating in the `days` before it), the `days` local days before "
    "its day against the `days` after it; rates are ratios of sums pooled over events: offers and "
    "earnings (all lines but tips) per logged-in hour, waiting share = waiting h / logged-in h; change "
    "= after / before - 1 (rates) or after - before (waiting share); 95% interval from a leave-one-event-out "
    "jackknife with t(events - 1) quantiles (on the log scale for rates)"
)


def rating_summary(
    ratings: pd.DataFrame, *, window: int = 500, freq: Freq = "month", tz: str = "UTC"
) -> dict[str, Any]:
    """Distribution of ratings (stars out of 5), their mean, trend per period, rolling last-`window` mean.

    Example:
        >>> r = pd.DataFrame({"rating": [5.0, 3.0], "scale": [5.0, 5.0],
        ...     "rated_at": pd.to_datetime(["2026-01-05 10:00", "2026-02-05 10:00"], utc=True)})
        >>> rating_summary(r)["trend"]["mean"].tolist()
        [5.0, 3.0]
    """
    stars = _stars(ratings).dropna()
    if stars.empty:
        return {"count": 0, "mean": None, "distribution": None, "trend": None, "rolling": None,
                "source": "ratings", "notes": [Note("notes.ratings.no_ratings")]}
    dated = _dated(ratings)
    notes: list[str] = []
    trend = rolling = None
    if len(dated):
        ordered = dated.sort_values("rated_at", kind="stable")
        s = _stars(ordered)
        trend = s.groupby(period_start(ordered["rated_at"], freq, tz).rename("period")).agg(["count", "mean"])
        rolling = pd.Series(s.rolling(window, min_periods=1).mean().to_numpy(),
                            index=pd.DatetimeIndex(ordered["rated_at"]), name=f"mean_last_{window}")
    if len(dated) < len(stars):
        undated = len(stars) - len(dated)
        notes.append(Note("notes.ratings.undated", n=undated))
    distribution = stars.round(0).value_counts().sort_index()
    return {"count": int(len(stars)), "mean": float(stars.mean()),
            "share_5": float((stars >= 5).mean()), "share_low": float((stars <= 3).mean()),
            "distribution": distribution, "trend": trend, "rolling": rolling,
            "current_rolling": float(rolling.iloc[-1]) if rolling is not None else None,
            "source": "ratings", "tz": tz, "notes": notes,
            "definition": f"stars = rating x 5 / scale; rolling = raw mean of the last {window} dated "
                          "ratings"}


def low_rating_effects(
    ratings: pd.DataFrame,
    *,
    offers: pd.DataFrame | None = None,
    offer_windows: pd.DataFrame | None = None,
    segments: pd.DataFrame | None = None,
    jobs: pd.DataFrame | None = None,
    earnings: pd.DataFrame | None = None,
    low: float = 3.0,
    days: int = 7,
    tz: str = "UTC",
) -> dict[str, Any]:
    """Offers per hour, earnings per hour and waiting share in the `days` after low ratings versus before.

    A low rating has at most `low` stars (methods.md §4.2 uses 3). Needs dated ratings and online time
    (state log, with `jobs` when it only says online, or hourly windows); what cannot be measured is
    left out and said.

    Example:
        >>> r = pd.DataFrame({"rating": [1.0], "scale": [5.0], "rated_at": pd.NaT})
        >>> low_rating_effects(r)["notes"][0]
        'ratings carry no date: what followed low ratings cannot be measured'
    """
    dated = _dated(ratings)
    if dated.empty:
        return {"effects": None, "events": None, "caveat": CAVEAT,
                "notes": [Note("notes.ratings.no_date")]}
    panel, sources, notes = _daily_panel(offers, offer_windows, segments, jobs, earnings, tz)
    if panel is None:
        return {"effects": None, "events": None, "caveat": CAVEAT, "sources": sources,
                "notes": notes + [Note("notes.ratings.no_online")]}
    events = _events(dated, low, days, tz)
    kept = events.loc[events["kept"]]
    windows = [_window_sums(panel, day, days) for day in kept["day"]]
    effects = _effects(windows)
    if len(kept) < 5:
        notes.append(Note("notes.ratings.few_events", n=len(kept)))
    dropped = int((~events["kept"]).sum())
    if dropped:
        notes.append(Note("notes.ratings.overlapping", n=dropped, days=days))
    return {"effects": effects, "events": events, "n_events": int(len(kept)), "low": low, "days": days,
            "sources": sources, "tz": tz, "caveat": CAVEAT, "notes": notes, "definition": EFFECT_DEFINITION}


def _stars(ratings: pd.DataFrame) -> pd.Series:
    scale = pd.to_numeric(ratings["scale"], errors="coerce")
    return pd.to_numeric(ratings["rating"], errors="coerce") * 5.0 / scale.where(scale > 0)


def _dated(ratings: pd.DataFrame) -> pd.DataFrame:
    at = pd.to_datetime(ratings["rated_at"], utc=True)
    return ratings.assign(rated_at=at).loc[at.notna() & _stars(ratings).notna()]


def _daily_panel(
    offers: pd.DataFrame | None, windows: pd.DataFrame | None, segments: pd.DataFrame | None,
    jobs: pd.DataFrame | None, earnings: pd.DataFrame | None, tz: str,
) -> tuple[pd.DataFrame | None, dict[str, str | None], list[str]]:
    """Per local day: offered, logged_in_h, waiting_h, earned (NaN where the source is missing)."""
    hours = online_hours(segments, windows, jobs, freq="day", tz=tz)
    rates = offer_rates(offers, windows, freq="day", tz=tz)
    sources = {"hours": hours["source"], "offers": rates["source"], "earnings": None}
    notes = hours["notes"] + rates["notes"]
    if hours["table"] is None:
        return None, sources, notes
    panel = hours["table"].copy()
    panel["offered"] = (rates["by_period"]["offered"].reindex(panel.index).fillna(0.0)
                        if rates["by_period"] is not None else np.nan)
    panel["earned"] = np.nan
    if earnings is not None and len(earnings):
        when = row_time(earnings, "earnings")
        lines = earnings.loc[(earnings["category"] != "tip") & when.notna()]
        day = period_start(when.loc[lines.index], "day", tz).rename("period")
        per_day = lines["amount"].groupby(day).sum()
        panel["earned"] = per_day.reindex(panel.index).fillna(0.0)
        sources["earnings"] = "earnings (all lines but tips, by earned_at)"
    panel.index = pd.DatetimeIndex(panel.index).tz_localize(None).normalize()
    return panel, sources, notes


def _events(dated: pd.DataFrame, low: float, days: int, tz: str) -> pd.DataFrame:
    lows = dated.loc[_stars(dated) <= low].sort_values("rated_at", kind="stable")
    day = lows["rated_at"].dt.tz_convert(tz).dt.tz_localize(None).dt.normalize()
    previous = day.shift(1)
    kept = previous.isna() | ((day - previous) > pd.Timedelta(days=days))
    events = pd.DataFrame({"at": lows["rated_at"], "day": day, "stars": _stars(lows), "kept": kept,
                           "source_file": lows.get("source_file"), "source_row": lows.get("source_row")})
    return events.reset_index(drop=True)


def _window_sums(panel: pd.DataFrame, day: pd.Timestamp, days: int) -> pd.DataFrame:
    before = panel.loc[(panel.index >= day - pd.Timedelta(days=days)) & (panel.index < day)]
    after = panel.loc[(panel.index > day) & (panel.index <= day + pd.Timedelta(days=days))]
    return pd.DataFrame({"before": before.sum(min_count=1), "after": after.sum(min_count=1)})


def _effects(windows: list[pd.DataFrame]) -> pd.DataFrame:
    outcomes = [("offers_per_h", "offered", "logged_in_h", "relative"),
                ("earnings_per_h", "earned", "logged_in_h", "relative"),
                ("waiting_share", "waiting_h", "logged_in_h", "difference")]
    columns = ["outcome", "before", "after", "change", "low", "high", "kind", "events"]
    if not windows:
        return pd.DataFrame(columns=columns)
    stack = np.stack([w[["before", "after"]].to_numpy(float) for w in windows])  # event x term x side
    names = list(windows[0].index)
    rows = []
    for name, num, den, kind in outcomes:
        i, j = names.index(num), names.index(den)
        part = stack[:, [i, j], :]
        part = part[~np.isnan(part).any(axis=(1, 2)) & (part[:, 1, :] > 0).all(axis=1)]
        row: dict[str, Any] = {"outcome": name, "kind": kind, "events": int(len(part))}
        if len(part):
            before, after, theta = _pooled(part[None], kind)
            low, high = _jackknife_interval(part, kind, float(theta[0]))
            back = np.expm1 if kind == "relative" else (lambda x: x)
            row.update(before=float(before[0]), after=float(after[0]), change=float(back(theta[0])),
                       low=float(back(low)), high=float(back(high)))
        rows.append(row)
    return pd.DataFrame(rows, columns=columns)


def _pooled(parts: np.ndarray, kind: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pooled before and after rates of each set of events (axis 0), and the change on its working scale:
    log(after / before) for rates, after - before for shares."""
    sums = parts.sum(axis=1)  # set x (num, den) x (before, after)
    before, after = sums[:, 0, 0] / sums[:, 1, 0], sums[:, 0, 1] / sums[:, 1, 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        theta = np.log(after / before) if kind == "relative" else after - before
    return before, after, theta


def _jackknife_interval(part: np.ndarray, kind: str, theta: float) -> tuple[float, float]:
    """95% interval: leave-one-event-out jackknife standard error with Student t(n - 1) quantiles."""
    n = len(part)
    if n < 2:
        return np.nan, np.nan
    leave_one_out = np.stack([np.delete(part, k, axis=0) for k in range(n)])
    _, _, thetas = _pooled(leave_one_out, kind)
    se = float(np.sqrt((n - 1) / n * np.sum((thetas - thetas.mean()) ** 2)))
    from scipy import stats  # loaded when needed: it takes most of a page's first second

    q = float(stats.t.ppf(0.975, n - 1))
    return theta - q * se, theta + q * se
