"""Offers and their outcomes over time, and offers per logged-in and per waiting hour (methods.md §3.1).

From per-offer rows (`offers`) when the export has them, else from hourly counts (`offer_windows`); each
result says which in `source`. Logged-in and waiting hours come from `time.time_accounting` (state log or
sessions), else from the windows' minutes online.

Example:
    >>> offers = pd.DataFrame({"offered_at": pd.to_datetime(["2026-01-05 10:00", "2026-01-05 10:20"],
    ...     utc=True), "outcome": ["accepted", "rejected"]})
    >>> offer_rates(offers)["totals"]["acceptance_rate"]
    0.5
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from toolkit.analytics.changepoints import period_start
from toolkit.analytics.dispatch._frames import num, ratio
from toolkit.analytics.intervals import Freq
from toolkit.analytics.time import TimeAccounting, time_accounting
from toolkit.i18n import Note

LOGGED_IN_STATES = ("waiting", "online", "to_pickup", "at_pickup", "on_job")
"""Logged in (P1+P2+P3; `online` = logged in, doing what unknown); `break` and `offline` are not."""


def offer_rates(
    offers: pd.DataFrame | None = None,
    offer_windows: pd.DataFrame | None = None,
    *,
    freq: Freq = "day",
    tz: str = "UTC",
) -> dict[str, Any]:
    """Offers and their outcomes per period and by local hour of day, with acceptance/rejection/expiry rates.

    Rates are shares of offers (`accepted / offered` …). Hourly windows do not always add up
    (offers != accepted + rejected + expired in Uber's file), so the three rates need not sum to 1.

    Example:
        >>> w = pd.DataFrame({"window_start": pd.to_datetime(["2026-01-05 10:00"], utc=True),
        ...     "offers": [4], "accepted": [3], "rejected": [1], "expired": [0]})
        >>> offer_rates(offer_windows=w)["source"]
        'offer_windows (hourly counts)'
    """
    counts, source, notes = _offer_counts(offers, offer_windows)
    if counts is None:
        return {"by_period": None, "by_hour": None, "totals": None, "source": None, "tz": tz,
                "notes": [Note("notes.offers.no_dispatch")]}
    period = period_start(counts["at"], freq, tz).rename("period")
    by_period = _with_rates(counts.groupby(period).sum(numeric_only=True))
    by_hour = _with_rates(counts.groupby(counts["at"].dt.tz_convert(tz).dt.hour.rename("hour"))
                          .sum(numeric_only=True))
    totals = _with_rates(counts.sum(numeric_only=True).to_frame().T).iloc[0]
    return {"by_period": by_period, "by_hour": by_hour, "totals": {k: num(v) for k, v in totals.items()},
            "source": source, "freq": freq, "tz": tz, "notes": notes,
            "definition": "rate = outcome count / offers; hour of day = local hour the offer (window) began"}

def online_hours(
    segments: pd.DataFrame | None = None,
    offer_windows: pd.DataFrame | None = None,
    jobs: pd.DataFrame | None = None,
    *,
    freq: Freq = "day",
    tz: str = "UTC",
) -> dict[str, Any]:
    """Logged-in and waiting (P1) hours per local day, week or month: from the state log (through
    `time.time_accounting`, with `jobs` filling P2/P3 when the log only says online), else from the
    hourly windows' minutes online (waiting ≈ minutes online - minutes active).

    Example:
        >>> seg = pd.DataFrame({"platform": ["uber"] * 2, "state": ["waiting", "on_job"],
        ...     "start_at": pd.to_datetime(["2026-01-05 10:00", "2026-01-05 10:30"], utc=True),
        ...     "end_at": pd.to_datetime(["2026-01-05 10:30", "2026-01-05 11:00"], utc=True)})
        >>> online_hours(seg)["table"].values.tolist()
        [[1.0, 0.5]]
    """
    if freq not in ("day", "week", "month"):
        raise ValueError(f"online hours are split by day, week or month, not {freq!r}")
    accounting = logged_time(segments, jobs, tz)
    if accounting is not None:
        split = getattr(accounting, f"by_{freq}")
        table = pd.DataFrame({"logged_in_h": split["logged_in"], "waiting_h": split["P1"]})
        return {"table": table.loc[table["logged_in_h"] > 0].rename_axis("period"),
                "source": f"status_segments ({accounting.source})", "notes": accounting.notes,
                "definition": "time.time_accounting: logged-in = P1+P2+P3, waiting = P1"}
    if offer_windows is not None and len(offer_windows):
        w = offer_windows
        minutes = pd.DataFrame({"logged_in_h": w["minutes_online"] / 60.0,
                                "waiting_h": (w["minutes_online"] - w["minutes_active"]) / 60.0})
        table = minutes.groupby(period_start(w["window_start"], freq, tz).rename("period")).sum(min_count=1)
        return {"table": table, "source": "offer_windows.minutes_online",
                "notes": [Note("notes.offers.windows_waiting")],
                "definition": "minutes online of the hourly windows, by the window's start"}
    return {"table": None, "source": None, "definition": None,
            "notes": [Note("notes.offers.no_online")]}

def offers_per_online_hour(
    offers: pd.DataFrame | None = None,
    offer_windows: pd.DataFrame | None = None,
    segments: pd.DataFrame | None = None,
    jobs: pd.DataFrame | None = None,
    *,
    freq: Freq = "day",
    tz: str = "UTC",
) -> dict[str, Any]:
    """Offers per logged-in hour and per waiting hour (λ_offer, methods.md §3.1), per period and overall.

    Example:
        >>> w = pd.DataFrame({"window_start": pd.to_datetime(["2026-01-05 10:00"], utc=True), "offers": [3],
        ...     "accepted": [2], "rejected": [1], "expired": [0], "minutes_online": [60.0],
        ...     "minutes_active": [30.0]})
        >>> offers_per_online_hour(offer_windows=w)["per_logged_in_h"]
        3.0
    """
    counts, offer_source, notes = _offer_counts(offers, offer_windows)
    hours = online_hours(segments, offer_windows, jobs, freq=freq, tz=tz)
    notes = notes + hours["notes"]
    if counts is None or hours["table"] is None:
        return {"table": None, "per_logged_in_h": None, "per_waiting_h": None, "offer_source": offer_source,
                "hours_source": hours["source"], "notes": notes}
    offered = counts.groupby(period_start(counts["at"], freq, tz).rename("period"))["offered"].sum()
    table = hours["table"].join(offered, how="outer")
    table["offered"] = table["offered"].fillna(0.0)
    table["per_logged_in_h"] = table["offered"] / table["logged_in_h"].where(table["logged_in_h"] > 0)
    table["per_waiting_h"] = table["offered"] / table["waiting_h"].where(table["waiting_h"] > 0)
    total = table.sum(numeric_only=True)
    return {"table": table, "offer_source": offer_source, "hours_source": hours["source"], "tz": tz,
            "per_logged_in_h": ratio(total["offered"], total["logged_in_h"]),
            "per_waiting_h": ratio(total["offered"], total["waiting_h"]),
            "notes": notes, "definition": "offers / hours (ratio of sums)"}

def logged_time(segments: pd.DataFrame | None, jobs: pd.DataFrame | None, tz: str) -> TimeAccounting | None:
    """`time.time_accounting` of the state log (None without one, or when it only yields inferred time).

    Example:
        >>> logged_time(None, None, "UTC") is None
        True
    """
    if segments is None or segments.empty:
        return None
    accounting = time_accounting(segments, jobs, zone=tz)
    return accounting if accounting.source in ("status_log", "sessions") else None

def _offer_counts(
    offers: pd.DataFrame | None, windows: pd.DataFrame | None
) -> tuple[pd.DataFrame | None, str | None, list[str]]:
    """One row per offer (or window): `at` and counts offered/accepted/rejected/expired."""
    if offers is not None and len(offers):
        out = pd.DataFrame({"at": offers["offered_at"], "offered": 1.0})
        for name in ("accepted", "rejected", "expired", "cancelled"):
            out[name] = (offers["outcome"] == name).astype(float)
        return out, "offers (per-offer rows)", []
    if windows is not None and len(windows):
        out = pd.DataFrame({"at": windows["window_start"], "offered": windows["offers"].astype(float)})
        for name in ("accepted", "rejected", "expired"):
            out[name] = windows[name].astype(float)
        return out, "offer_windows (hourly counts)", [Note("notes.offers.windows_used")]
    return None, None, []

def _with_rates(counts: pd.DataFrame) -> pd.DataFrame:
    out = counts.copy()
    offered = out["offered"].where(out["offered"] > 0)
    for name, rate in (("accepted", "acceptance_rate"), ("rejected", "rejection_rate"),
                       ("expired", "expiry_rate")):
        out[rate] = out[name] / offered
    return out
