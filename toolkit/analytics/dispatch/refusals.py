"""What follows refusals: offers, waiting and sanctions after each decision; blocks and refusal sanctions
with the run of refused offers before each (their hours: `toolkit.analytics.sanctions`).

Within one worker and by association only (methods.md §3.2): a difference after rejections is not proof
that the rejection caused it. The French Cour de cassation read "temporary disconnection after three
refusals" as a sign of subordination (Cass. soc. 4 Mar 2020, n°19-13.316).

Example:
    >>> s = pd.DataFrame({"at": pd.to_datetime(["2026-01-05 12:00"], utc=True), "kind": ["block"],
    ...     "rule": ["consecutiveReject"], "duration_s": [21600.0], "source_file": ["r.csv"],
    ...     "source_row": [2]})
    >>> blocks_after_rejections(s)["summary"]["blocked_h"]
    6.0
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from toolkit.analytics.dispatch._frames import first_time
from toolkit.analytics.dispatch.offers import LOGGED_IN_STATES, logged_time
from toolkit.analytics.intervals import epoch_us, union
from toolkit.analytics.sanctions import (
    DEFINITION,
    in_period,
    is_block,
    refusal_rows,
    sanctions_summary,
)
from toolkit.i18n import Note
from toolkit.periods import Span

REFUSALS = ("rejected", "expired")
"""Outcomes that count as a refusal: declined, or left to time out."""

CAVEAT = ("association within one worker, not a cause: busy hours, zones and the worker's own choices "
          "shape both the decision and what follows")
_US_H = 3_600_000_000.0


def after_decisions(
    offers: pd.DataFrame | None = None,
    offer_windows: pd.DataFrame | None = None,
    segments: pd.DataFrame | None = None,
    sanctions: pd.DataFrame | None = None,
    *,
    horizon_h: float = 1.0,
    n_boot: int = 999,
    seed: int = 0,
) -> dict[str, Any]:
    """What follows a rejection or an expiry, against what follows an acceptance, in the next `horizon_h`.

    Outcomes after each decision (its end, else its offer time): offers received, waiting (P1) hours
    (state log) and sanctions. Differences (decision - accepted) have 95% intervals from a bootstrap that
    resamples whole days. With hourly windows only, the unit is a window with at least one rejection
    (else expiry) against one with neither.

    Example:
        >>> offers = pd.DataFrame({"offered_at": pd.to_datetime(["2026-01-05 10:00", "2026-01-05 10:20"],
        ...     utc=True), "outcome": ["rejected", "accepted"]})
        >>> float(after_decisions(offers)["table"].loc["rejected", "offers"])
        1.0
    """
    events, arrivals, source = _decision_events(offers, offer_windows)
    if events is None:
        return {"table": None, "differences": None, "source": None, "caveat": CAVEAT,
                "notes": [Note("notes.refusals.no_compare")]}
    t, h = epoch_us(events["at"]), horizon_h * _US_H
    outcome = {"offers": _count_in(arrivals, t, t + h)}
    notes: list[str] = [] if source.startswith("offers") else [Note("notes.refusals.windows_rejected")]
    accounting = logged_time(segments, None, "UTC")
    if accounting is not None:
        p1 = accounting.timeline.loc[accounting.timeline["period"] == "P1"]
        outcome["waiting_h"] = _covered_between(epoch_us(p1["start_at"]), epoch_us(p1["end_at"]), t, t + h)
    if sanctions is not None and len(sanctions):
        outcome["sanctions"] = _count_in(np.sort(epoch_us(sanctions["at"])), t, t + h)
    data = pd.DataFrame(outcome, index=events.index)
    data["decision"] = events["decision"].to_numpy()
    data["day"] = events["at"].dt.floor("D").to_numpy()
    table = data.groupby("decision")[list(outcome)].mean()
    table["n"] = data.groupby("decision").size()
    return {"table": table, "differences": _day_bootstrap(data, list(outcome), n_boot, seed),
            "source": source, "horizon_h": horizon_h, "caveat": CAVEAT, "notes": notes,
            "definition": "mean outcome in (decision, decision + horizon]; difference = decision - accepted, "
                          "95% bootstrap interval resampling days"}

def blocks_after_rejections(
    sanctions: pd.DataFrame | None,
    offers: pd.DataFrame | None = None,
    segments: pd.DataFrame | None = None,
    *,
    span: Span | None = None,
    lookback_min: float = 30.0,
    min_run: int = 2,
) -> dict[str, Any]:
    """Blocks and refusal sanctions of the period, the run of refused offers just before each, and the
    period's sanction figures (`summary`: `toolkit.analytics.sanctions.sanctions_summary`, the one source
    of hours blocked and of refusal sanctions).

    `sanctions` is every sanction of the worker (a block begun before `span` counts for its part inside);
    None means the table is absent (unknown). Per row of `table`: `refusal_rule` (the rule names refused
    offers, `is_refusal_rule`); `refusals_before` = consecutive refusals, the last within `lookback_min`
    before it, with no acceptance between (NaN without per-offer rows); `after_refused_offers` when that
    run is at least `min_run` (None without per-offer rows); `hours_cost` = the stated block length, else
    the time until the worker next logged in (state log), else NaN; 0 for a notice; `cost_source` says
    which: "stated" (sanctions.duration_s), "relogin" (status_segments: offline until the next login, an
    estimate), "notice" (not a block), None (unknown).
    `blocks_after_refused_offers` counts the blocks after such a run (None without per-offer rows).

    Example:
        >>> s = pd.DataFrame({"at": pd.to_datetime(["2026-01-05 12:00"], utc=True), "kind": ["block"],
        ...     "rule": ["consecutiveReject"], "duration_s": [21600.0], "source_file": ["r.csv"],
        ...     "source_row": [2]})
        >>> result = blocks_after_rejections(s)
        >>> result["table"]["hours_cost"].tolist(), result["summary"]["refusal_blocked_h"]
        ([6.0], 6.0)
    """
    summary = sanctions_summary(sanctions, span)
    if sanctions is None:
        return {"table": None, "summary": summary, "blocks_after_refused_offers": None, "source": None,
                "notes": [Note("notes.refusals.no_sanctions")]}
    listed = sanctions.loc[(is_block(sanctions) | refusal_rows(sanctions)) & in_period(sanctions, span)]
    listed = listed.sort_values("at", kind="stable")
    runs = refusal_runs(offers, listed["at"]) if offers is not None and len(offers) else None
    table = _sanction_rows(listed, runs, segments, lookback_min, min_run)
    blocks = table.loc[table["block"]]
    return {"table": table, "summary": summary,
            "blocks_after_refused_offers": int(blocks["after_refused_offers"].sum()) if runs is not None
            else None,
            "source": "sanctions" + (" + offers" if runs is not None else ""),
            "notes": [] if runs is not None else
            [Note("notes.refusals.refusals_unknown")],
            "definition": "refusal = rejected or expired offer; run = consecutive refusals, the last within "
                          f"{lookback_min:g} min before the sanction; {DEFINITION}"}


def refusal_runs(offers: pd.DataFrame, breaks: pd.Series | None = None) -> pd.DataFrame:
    """Runs of consecutive refusals: `first_at`, `last_at` (offer times), `end_at` (end of the last),
    `broken_at` (the next offer, NaT if none), and `rows`: (offered_at, source_file, source_row) of each.

    A run ends at an acceptance, and at any instant of `breaks` (blocks, disconnections) between offers.

    Example:
        >>> o = pd.DataFrame({"offered_at": pd.to_datetime(["2026-01-05 10:00", "2026-01-05 10:05",
        ...     "2026-01-05 10:09"], utc=True), "outcome": ["rejected", "expired", "accepted"],
        ...     "source_file": ["o.csv"] * 3, "source_row": [2, 3, 4]})
        >>> [row[1:] for row in refusal_runs(o)["rows"].iloc[0]]
        [('o.csv', 2), ('o.csv', 3)]
    """
    o = offers.sort_values("offered_at", kind="stable").reset_index(drop=True)
    o["_end"] = first_time(o, "ended_at", "offered_at")
    refused = o["outcome"].isin(REFUSALS)
    cut = np.zeros(len(o), dtype=bool)
    if breaks is not None and len(breaks) and len(o):
        marks = np.sort(epoch_us(breaks))
        t = epoch_us(o["offered_at"])
        cut[1:] = _count_in(marks, t[:-1], t[1:]) > 0
    run = pd.Series((~refused.to_numpy()) | cut, index=o.index).cumsum()
    next_at = o["offered_at"].shift(-1)
    runs = [{"first_at": part["offered_at"].iloc[0], "last_at": part["offered_at"].iloc[-1],
             "end_at": part["_end"].max(), "broken_at": next_at.iloc[part.index[-1]],
             "rows": list(zip(part["offered_at"], part["source_file"], part["source_row"].astype(int),
                              strict=True))}
            for _, part in o.loc[refused].groupby(run[refused])]
    out = pd.DataFrame(runs, columns=["first_at", "last_at", "end_at", "broken_at", "rows"])
    for name in ("first_at", "last_at", "end_at", "broken_at"):  # an all-NaT column loses its zone
        out[name] = pd.to_datetime(out[name], utc=True)
    return out

def _decision_events(
    offers: pd.DataFrame | None, windows: pd.DataFrame | None
) -> tuple[pd.DataFrame | None, np.ndarray, str]:
    """Decisions (`at`, `decision`), the sorted instants offers arrived (µs), and the source."""
    if offers is not None and len(offers):
        o = offers.sort_values("offered_at")
        events = pd.DataFrame({"at": first_time(o, "ended_at", "offered_at"),
                               "decision": o["outcome"].astype(str)})
        return events.reset_index(drop=True), np.sort(epoch_us(o["offered_at"])), "offers (per-offer rows)"
    if windows is not None and len(windows):
        w = windows.loc[windows["offers"] > 0].sort_values("window_start")
        decision = np.where(w["rejected"] > 0, "rejected", np.where(w["expired"] > 0, "expired", "accepted"))
        events = pd.DataFrame({"at": w["window_end"], "decision": decision}).reset_index(drop=True)
        # a window's offers are placed at its middle: the next hour's offers fall in (end, end + 1 h]
        middle = (epoch_us(w["window_start"]) + epoch_us(w["window_end"])) / 2
        arrivals = np.sort(np.repeat(middle, w["offers"].astype(int).to_numpy()))
        return events, arrivals, "offer_windows (hourly counts)"
    return None, np.array([]), ""

def _count_in(sorted_us: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """How many of the sorted instants fall in (lo, hi]."""
    inside = np.searchsorted(sorted_us, hi, side="right") - np.searchsorted(sorted_us, lo, side="right")
    return inside.astype(float)

def _covered_between(starts: np.ndarray, ends: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Hours of the union of the intervals inside each (lo, hi]."""
    s, e = union(starts, ends)
    if s.size == 0:
        return np.zeros(lo.size)
    length = e - s
    before = np.concatenate([[0.0], np.cumsum(length)])  # before[k] = covered by intervals 0..k-1

    def upto(t: np.ndarray) -> np.ndarray:
        i = np.searchsorted(s, t, side="left")  # intervals starting before t
        last = np.maximum(i - 1, 0)
        return before[last] + np.where(i > 0, np.minimum(t - s[last], length[last]), 0.0)

    return (upto(hi) - upto(lo)) / _US_H

def _day_bootstrap(data: pd.DataFrame, outcomes: list[str], n_boot: int, seed: int) -> pd.DataFrame:
    """Difference of means (decision - accepted) with a 95% interval from resampling whole days."""
    rng = np.random.default_rng(seed)
    days = data["day"].unique()
    sums = data.groupby(["day", "decision"])[outcomes].agg(["sum", "count"])
    present = set(data["decision"])
    rows = []
    for decision in [d for d in REFUSALS if d in present and "accepted" in present]:
        draws = rng.integers(0, days.size, size=(n_boot, days.size))
        for name in outcomes:
            (a_sum, a_n), (d_sum, d_n) = (_per_day(sums, name, x, days) for x in ("accepted", decision))
            with np.errstate(divide="ignore", invalid="ignore"):
                diff = d_sum[draws].sum(1) / d_n[draws].sum(1) - a_sum[draws].sum(1) / a_n[draws].sum(1)
            low, high = np.nanpercentile(diff, [2.5, 97.5])
            rows.append({"decision": decision, "outcome": name, "difference": d_sum.sum() / d_n.sum()
                         - a_sum.sum() / a_n.sum(), "low": low, "high": high})
    return pd.DataFrame(rows, columns=["decision", "outcome", "difference", "low", "high"])

def _per_day(sums: pd.DataFrame, name: str, decision: str, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    part = sums.xs(decision, level="decision").reindex(days).fillna(0.0)
    return part[(name, "sum")].to_numpy(float), part[(name, "count")].to_numpy(float)

def _sanction_rows(listed: pd.DataFrame, runs: pd.DataFrame | None, segments: pd.DataFrame | None,
                   lookback_min: float, min_run: int) -> pd.DataFrame:
    """One row per listed sanction: its refusal rule, the refusals before it and its cost in hours."""
    before = [_run_before(runs, at, lookback_min) for at in listed["at"]]
    refusals = np.array([len(r["rows"]) if r is not None else 0 for r in before], dtype=float)
    if runs is None:
        refusals[:] = np.nan
    block = is_block(listed).to_numpy()
    stated = pd.to_numeric(listed["duration_s"], errors="coerce").to_numpy(dtype=float) / 3600.0
    stated = np.where(block, stated, 0.0)
    relogin = _hours_to_next_login(listed["at"], segments)
    return pd.DataFrame({
        "at": listed["at"].to_numpy(), "kind": listed["kind"].to_numpy(),
        "rule": listed["rule"].astype(object).to_numpy(), "block": block,
        "refusal_rule": refusal_rows(listed).to_numpy(), "refusals_before": refusals,
        "after_refused_offers": [None if runs is None else bool(n >= min_run) for n in refusals],
        "hours_cost": np.where(np.isnan(stated), relogin, stated),
        "cost_source": [_cost_source(a, b, k) for a, b, k in zip(stated, relogin, block, strict=True)],
        "source_file": listed["source_file"].to_numpy(), "source_row": listed["source_row"].to_numpy(),
        "offer_rows": [_row_list(r["rows"]) if r is not None else "" for r in before],
    })


def _run_before(runs: pd.DataFrame | None, at: pd.Timestamp, lookback_min: float) -> pd.Series | None:
    """The refusal run ending within `lookback_min` before `at` with no other offer in between."""
    if runs is None or runs.empty:
        return None
    ok = (runs["last_at"] <= at) & (at - runs["last_at"] <= pd.Timedelta(minutes=lookback_min)) & (
        runs["broken_at"].isna() | (runs["broken_at"] > at))
    return runs.loc[ok].iloc[-1] if ok.any() else None

def _row_list(rows: list[tuple[Any, str, int]]) -> str:
    return ";".join(f"{source_file}:{source_row}" for _, source_file, source_row in rows)


def _cost_source(stated: float, relogin: float, block: bool) -> str | None:
    if not block:
        return "notice"
    if not np.isnan(stated):
        return "stated"
    return None if np.isnan(relogin) else "relogin"


def _hours_to_next_login(at: pd.Series, segments: pd.DataFrame | None) -> np.ndarray:
    if segments is None or segments.empty:
        return np.full(len(at), np.nan)
    logged = segments.loc[segments["state"].isin(LOGGED_IN_STATES)]
    starts = np.sort(epoch_us(logged["start_at"]))
    t = epoch_us(at)
    if starts.size == 0:
        return np.full(len(at), np.nan)
    i = np.searchsorted(starts, t, side="left")
    return np.where(i < starts.size, starts[np.minimum(i, starts.size - 1)] - t, np.nan) / _US_H
