"""Minimums (methods.md §2.4): what the minimum wage makes due (`wage_due`; the hourly rate itself is
`toolkit.analytics.pay.minimum_wage`), and the
French sector minimums: what the accords homologated by the ARPE say was due for a month's (or week's)
activity, and the shortfall against what the platform paid.

The minimum wage is the worker's own figure (`minimum_wage.own_hourly`) when given, else the dated table
that `minimum_wage.by_currency` names for the earnings currency (`toolkit.countries` blanks the tables
of other countries); else unknown, with `minimum_wage.unknown_reason` saying what is missing.

VTC: a minimum per hour of activity, per km and per ride; delivery: a minimum per hour of activity. The
rates, and the days they apply from, are in `defaults.toml` (`sector.*`). `pay.pay_by_period` joins these
columns to its own; `sector_minimums` is also importable from `toolkit.analytics.pay`.

Example:
    >>> jobs = pd.DataFrame({"kind": ["delivery"], "status": ["completed"], "job_id": ["j1"],
    ...     "accepted_at": pd.to_datetime(["2026-01-05 11:00"], utc=True),
    ...     "dropped_off_at": pd.to_datetime(["2026-01-05 12:00"], utc=True)})
    >>> e = pd.DataFrame({"earned_at": pd.to_datetime(["2026-01-05 12:00"], utc=True), "amount": [5.0],
    ...     "currency": ["EUR"], "category": ["fare"], "job_id": ["j1"]})
    >>> sector_minimums(e, jobs, "Europe/Paris", None)["delivery_activity_h"].tolist()
    [1.0]
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

import numpy as np
import pandas as pd

from toolkit.analytics import intervals as iv
from toolkit.analytics._earnings import (
    currency_lines,
    dominant_currency,
    is_tax,
    is_tip,
    job_time,
    period_start,
)
from toolkit.analytics.plausibility import trip_km
from toolkit.analytics.time import Span, job_intervals
from toolkit.config import Config, load_config


def sector_minimums(
    earnings: pd.DataFrame | None, jobs: pd.DataFrame | None, zone: str, period: Span | None,
    config: Config | None = None, currency: str | None = None, freq: Literal["week", "month"] = "month",
) -> pd.DataFrame:
    """French sector minimums per local month or week (methods.md §2.4), for earnings in `sector.currency`.

    The accords' basis is the calendar month (delivery) or per hour and per ride (VTC): weekly figures
    show where a month's shortfall builds up, they are not a legal basis of their own.

    Activity time is acceptance -> drop-off from the jobs (actual times; the delivery accord uses the
    platform's ex-ante estimates). VTC: `vtc_due_hourly` = rate x ride activity hours, `vtc_due_km` = rate
    x ride km (job + to-pickup), `vtc_rides_below_min` = completed rides whose linked pay (non-tip lines
    with its job_id) is under the per-ride minimum; delivery: `delivery_due` = rate x delivery activity
    hours; `*_shortfall` = max(0, due - gross pay of that kind; tips and taxes collected out). Km are
    those of `plausibility.trip_km` (implausible distances replaced). Empty when the currency is another.

    Example:
        >>> sector_minimums(None, None, "Europe/Paris", None).empty
        True
    """
    cfg = config or load_config()
    currency = currency or dominant_currency(earnings, [])
    if jobs is None or jobs.empty or currency != cfg.get("sector.currency") or "kind" not in jobs.columns:
        return pd.DataFrame()
    lines = currency_lines(earnings, currency, period, [])
    lines = lines[~is_tip(lines, cfg) & ~is_tax(lines, cfg)]
    trips = trip_km(jobs, cfg)
    metres = (trips.job_km.fillna(0) + trips.pickup_km.fillna(0)).where(
        trips.job_km.notna() | trips.pickup_km.notna()) * 1000
    out: dict[str, pd.Series] = {}
    for kind, prefix in (("ride", "vtc"), ("delivery", "delivery")):
        of_kind = jobs[jobs["kind"] == kind]
        if of_kind.empty:
            continue
        activity = _activity_hours(of_kind, zone, period, freq)
        pay = _pay_of_kind(lines, jobs, kind, zone, freq)
        starts = activity.index.union(pay.index)
        activity, pay = activity.reindex(starts, fill_value=0.0), pay.reindex(starts, fill_value=0.0)
        hourly = _period_rate(cfg, f"sector.fr_{prefix}_min_per_activity_hour", starts, freq)
        out[f"{prefix}_activity_h"] = activity
        out[f"{prefix}_due_hourly"] = activity * hourly
        out[f"{prefix}_shortfall_hourly"] = (activity * hourly - pay).clip(lower=0)
        if kind == "ride":
            km = _km_by_period(of_kind, metres[of_kind.index], zone, period, freq).reindex(starts)
            out["vtc_due_km"] = km * _period_rate(cfg, "sector.fr_vtc_min_per_km", starts, freq)
            below = _rides_below_min(lines, of_kind, zone, period, cfg, freq)
            out["vtc_rides_below_min"] = below.reindex(starts)
    frame = pd.DataFrame(out)
    frame.index = pd.DatetimeIndex(frame.index).tz_localize(zone, nonexistent="shift_forward", ambiguous=True)
    frame.index.name = "start"
    return frame


def wage_due(by_day: pd.DataFrame, span: Span, cfg: Config, currency: str | None) -> float | None:
    """What the minimum wage makes due for the logged-in hours of the days of `by_day` within `span`
    (each day at its own rate); None when no rate applies.

    Example:
        >>> days = pd.DataFrame({"logged_in": [10.0]}, index=pd.DatetimeIndex(["2026-01-05"], tz="UTC"))
        >>> span = (pd.Timestamp("2026-01-05", tz="UTC"), pd.Timestamp("2026-01-06", tz="UTC"))
        >>> round(wage_due(days, span, load_config(), "EUR"), 2)
        120.2
    """
    own = float(cfg.get("minimum_wage.own_hourly"))
    table = wage_table(cfg, currency)
    if (table is None and own < 0) or by_day.empty:
        return None
    starts = pd.DatetimeIndex(by_day.index)
    days = by_day[(starts < span[1]) & (starts + pd.DateOffset(days=1) > span[0])]
    due = 0.0
    for start, logged in zip(pd.DatetimeIndex(days.index), days["logged_in"], strict=True):
        rate = own if own >= 0 else getattr(cfg.rate_on(f"wages.{table}", start.date()), "value", None)
        if rate is None:
            return None
        due += rate * float(logged)
    return due


def wage_method(cfg: Config, currency: str | None) -> str:
    """How the minimum wage was chosen, in words.

    Example:
        >>> wage_method(load_config(overrides={"minimum_wage.own_hourly": 24.0}), "CHF")
        'your own minimum wage, 24.00 per hour'
    """
    own = float(cfg.get("minimum_wage.own_hourly"))
    if own >= 0:
        return f"your own minimum wage, {own:.2f} per hour"
    table = wage_table(cfg, currency)
    if table is None:
        return f"unknown: {unknown_reason(cfg, currency)}"
    return f"{cfg.source('wages.' + table)}; day-weighted over the period"


def rate_entries(cfg: Config, key: str, first: date, last: date) -> list[dict[str, Any]]:
    """The entries of the dated table `key` that hold on a day of `first`..`last`, as plain dicts
    ({"from": ISO day, "value", "status"}): the numbers behind a day-weighted rate, for a report.

    Example:
        >>> rate_entries(load_config(), "wages.fr_smic_gross_hourly", date(2026, 1, 1), date(2026, 1, 31))
        [{'from': '2026-01-01', 'value': 12.02, 'status': 'V'}]
    """
    return [{"from": r.start.isoformat(), "value": r.value, "status": r.status}
            for r in cfg.rates_between(key, first, last)]


def wage_parameters(cfg: Config, currency: str | None, span: Span | None, zone: str) -> dict[str, Any]:
    """The minimum wage behind `minimum_wage_per_hour`, as numbers: the worker's own figure (`own`), or
    the table's name, legal source and the entries of each date in `span`.

    Example:
        >>> span = (pd.Timestamp("2025-12-31", tz="UTC"), pd.Timestamp("2026-01-02", tz="UTC"))
        >>> [r["value"] for r in wage_parameters(load_config(), "EUR", span, "UTC")["rates"]]
        [11.88, 12.02]
    """
    own = float(cfg.get("minimum_wage.own_hourly"))
    table = wage_table(cfg, currency)
    out: dict[str, Any] = {"own": own if own >= 0 else None, "table": table, "currency": currency,
                           "source": None, "rates": []}
    if own >= 0 or table is None:
        return out
    out["source"] = cfg.source(f"wages.{table}")
    if span is not None:
        first = span[0].tz_convert(zone).date()
        last = max(first, (span[1] - pd.Timedelta(microseconds=1)).tz_convert(zone).date())
        out["rates"] = rate_entries(cfg, f"wages.{table}", first, last)
    return out


def wage_table(cfg: Config, currency: str | None) -> str | None:
    """The wage table that `minimum_wage.by_currency` names for `currency` (None when none or "").

    Example:
        >>> wage_table(load_config(), "GBP"), wage_table(load_config(), "USD")
        ('uk_nlw_hourly', None)
    """
    return cfg.get("minimum_wage.by_currency").get(currency or "") or None


def unknown_reason(cfg: Config, currency: str | None) -> str:
    """Why no minimum wage applies, as a note every surface says in the reader's language
    (`minimum_wage.unknown_reason`: "country:<code>" as `toolkit.countries` sets it, or the user's words).

    Example:
        >>> unknown_reason(load_config(), "CHF")[:35]
        'no minimum wage table for CHF is in'
        >>> from toolkit.i18n import Translator, say
        >>> say(unknown_reason(load_config(overrides={"minimum_wage.unknown_reason": "country:CH"}), "CHF"),
        ...     Translator("fr"))[:40]
        "La Suisse n'a pas de salaire minimum nat"
    """
    from toolkit.countries import NAMES
    from toolkit.i18n import Note

    reason = str(cfg.get("minimum_wage.unknown_reason"))
    if not reason:
        return Note("notes.pay.wage_reason_currency", currency=currency or "?")
    if reason.startswith("country:"):
        code = reason.removeprefix("country:")
        if code in ("US", "CH"):
            return Note(f"notes.pay.wage_reason_{code.lower()}")
        return Note("notes.pay.wage_reason_country", country=NAMES.get(code, code or "?"))
    return reason


# ---------------------------------------------------------------------------------------------- private



def _activity_hours(jobs: pd.DataFrame, zone: str, period: Span | None, freq: iv.Freq) -> pd.Series:
    states = job_intervals(jobs)
    if period is not None:
        states = iv.clipped_frame(states, *period)
    hours = iv.seconds_by_period(states, freq, zone) / 3600
    return pd.Series(hours.to_numpy(), index=pd.DatetimeIndex(hours.index).tz_localize(None), dtype=float)


def _pay_of_kind(lines: pd.DataFrame, jobs: pd.DataFrame, kind: str, zone: str, freq: str) -> pd.Series:
    kinds = set(jobs["kind"].dropna())
    ids = set(jobs.loc[jobs["kind"] == kind, "job_id"].dropna())
    # lines not linked to a job count only when the worker did one kind of job
    mine = lines["job_id"].isin(ids) | (lines["job_id"].isna() if kinds == {kind} else False)
    return _by_period(lines.loc[mine, "earned_at"], lines.loc[mine, "amount"], zone, freq)


def _km_by_period(jobs: pd.DataFrame, metres: pd.Series, zone: str, period: Span | None,
                  freq: str) -> pd.Series:
    when = job_time(jobs)
    keep = when.notna() & (True if period is None else (when >= period[0]) & (when < period[1]))
    return _by_period(when[keep], metres[keep] / 1000, zone, freq)


def _rides_below_min(lines: pd.DataFrame, rides: pd.DataFrame, zone: str, period: Span | None,
                     cfg: Config, freq: str) -> pd.Series:
    done = rides[(rides["status"] == "completed") & rides["job_id"].notna()]
    pay = lines.groupby("job_id")["amount"].sum()
    linked = done[done["job_id"].isin(pay.index)]
    when = job_time(linked)
    keep = when.notna() & (True if period is None else (when >= period[0]) & (when < period[1]))
    linked, when = linked[keep], when[keep]
    floors = [cfg.rate_on("sector.fr_vtc_min_per_ride_net", d) for d in when.dt.tz_convert(zone).dt.date]
    below = np.array([f is not None and p < f.value for p, f in
                      zip(pay.reindex(linked["job_id"]).to_numpy(), floors, strict=True)], dtype=float)
    return _by_period(when, pd.Series(below, index=when.index), zone, freq)


def _by_period(when: pd.Series, values: pd.Series, zone: str, freq: str) -> pd.Series:
    """Sums by local period, indexed by the period's naive local start."""
    if when.empty:
        return pd.Series([], dtype=float, index=pd.DatetimeIndex([]))
    return values.groupby(period_start(when, zone, freq).to_numpy()).sum().astype(float)


def _period_rate(cfg: Config, key: str, starts: pd.Index, freq: str) -> pd.Series:
    values = []
    for start in pd.DatetimeIndex(starts):
        end = start + (pd.Timedelta(days=6) if freq == "week" else pd.offsets.MonthEnd(0))
        values.append(cfg.rate_over(key, start.date(), pd.Timestamp(end).date()))
    return pd.Series([np.nan if v is None else v for v in values], index=starts, dtype=float)
