"""Pay (methods.md §2): earnings per period, per engaged and per logged-in hour, net of costs, against the
minimum wage and the French sector minimums. Every figure says which definition and parameter it used.

Definitions: earnings_total = the sum of all earnings lines (the platform's payout, after commission, as
DESIGN.md says); tips = lines whose category is in `pay.tip_categories`; taxes = the positive lines of
`pay.tax_categories` (VAT paid out to the worker, owed to the state: not pay for work; negative tax
lines, VAT on the platform's fee, stay deducted like the commission); gross G = earnings_total - tips -
taxes (methods.md §2.1, tips kept out as the LOM indicators do).
per_hour_engaged = G / (P2+P3); per_hour_logged_in = G / (P1+P2+P3), both over the days the time records
cover only (`toolkit.analytics.coverage`): earnings dated outside them are returned apart; net =
earnings_total - taxes - vehicle cost - prorated fixed costs - contributions; net_per_hour_logged_in = the
net of the covered days / logged-in hours. The km of the vehicle costs are the jobs' distances with
implausible values replaced by estimates (`toolkit.analytics.plausibility`). Money is in one currency:
lines in other currencies are left out and said so. Unknown is None, never 0, with a note saying what is
missing.

The minimum wage and the French sector minimums are in `toolkit.analytics.minimums` (`minimum_wage`,
`sector_minimums`, also importable from here); the helpers that read earnings lines are in
`toolkit.analytics._earnings`.

Example:
    >>> import pandas as pd
    >>> e = pd.DataFrame({"earned_at": pd.to_datetime(["2026-01-05 12:00", "2026-01-05 13:00"], utc=True),
    ...     "amount": [30.0, 5.0], "currency": ["EUR", "EUR"], "category": ["fare", "tip"]})
    >>> s = pay_summary(e, None, None)
    >>> s["earnings_total"], s["tips"], s["per_hour_logged_in"]
    (35.0, 5.0, None)
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Literal

import numpy as np
import pandas as pd

from toolkit.analytics._earnings import (
    currency_lines,
    dominant_currency,
    is_tax,
    is_tip,
    other_currencies,
    period_start,
)
from toolkit.analytics.coverage import PayCoverage, covered_span, days_text, full_periods, pay_coverage
from toolkit.analytics.minimums import (
    rate_entries,
    sector_minimums,
    unknown_reason,
    wage_due,
    wage_method,
    wage_parameters,
    wage_table,
)
from toolkit.analytics.plausibility import TripKm, date_notes, km_in_span, trip_km
from toolkit.analytics.time import Span, TimeAccounting
from toolkit.config import STATUS_WORDS, Config, load_config
from toolkit.i18n import Note
from toolkit.periods import partial_periods, span_days

__all__ = [
    "DAYS_PER_MONTH", "cost_per_km", "covered_span", "dominant_currency", "earnings_by_category",
    "full_periods", "minimum_wage", "pay_by_period", "pay_summary", "sector_minimums",
]

DAYS_PER_MONTH = 365.25 / 12
OWN_COSTS = "enter your own vehicle cost per km and contribution rate"


@dataclass(frozen=True)
class _Inputs:
    """What every period's summary reads: the frames, the checked distances, the zone and the config."""

    earnings: pd.DataFrame | None
    jobs: pd.DataFrame | None
    trips: TripKm
    zone: str
    cfg: Config
    source: str | None
    data_span: Span | None = None  # the days the export's data covers: costs are prorated inside them


def pay_summary(
    earnings: pd.DataFrame | None, jobs: pd.DataFrame | None, time: TimeAccounting | None,
    period: Span | None = None, config: Config | None = None, currency: str | None = None,
    data_span: Span | None = None, whole_time: TimeAccounting | None = None,
) -> dict[str, Any]:
    """Earnings, hourly pay, costs, contributions and net pay over `period` ([start, end) UTC; default all).

    `time` gives the hours (None: every hourly figure is None). The result holds plain numbers, a
    `methods` dict saying how each was computed and a `notes` list. Beyond the figures of the module
    docstring: `taxes`, `taxes_deducted` (negative tax lines, left in), `covered_days` ({"first",
    "last"} local days of the time records, or None), `earnings_outside_coverage` (money of the period
    dated outside them) and `earnings_outside_coverage_days`, `distance_km` and `distances_replaced`
    (implausible distances of the period's jobs replaced by estimates).

    `data_span` is the span of local days the worker's data covers (first to last dated row of the
    export): kilometres are annualised, and monthly fixed costs prorated, over the days of `period`
    inside it, so a chosen month whose export stops on the 14th costs what those 14 days cost (as its
    bucket of `pay_by_period` does); without it, over the whole `period`. `whole_time` is the time
    accounting of all the worker's data when `time` is cut to `period`: the days covered by time records
    are then those of the whole data inside `period` (a day between two records is covered even when the
    chosen period holds no record of it), as in each bucket of `pay_by_period`.

    Example:
        >>> pay_summary(None, None, None)["earnings_total"] is None
        True
    """
    cfg = config or load_config()
    hours = time.hours if time is not None else {}
    span = period or (time.period if time is not None else None)
    zone = time.zone if time is not None else "UTC"
    inputs = _Inputs(earnings, jobs, trip_km(jobs, cfg), zone, cfg, time.source if time is not None else None,
                     data_span)
    logged, engaged = hours.get("logged_in"), hours.get("engaged")
    out = _summary(inputs, logged, engaged, span, currency, covered_span(whole_time or time, span))
    out["notes"] += inputs.trips.notes + date_notes(earnings, jobs, cfg)
    return out


def pay_by_period(
    earnings: pd.DataFrame | None, jobs: pd.DataFrame | None, time: TimeAccounting,
    freq: Literal["week", "month"], config: Config | None = None, currency: str | None = None,
    period: Span | None = None, data_span: Span | None = None,
) -> pd.DataFrame:
    """Pay per local week or month (cut to `period` if given) against the minimum wage of each day and
    the French sector minimums.

    Columns: logged_in_h, engaged_h, the figures of `pay_summary`, minimum_wage_per_hour (weighted by the
    logged-in hours of each day), minimum_wage_due, below_minimum_wage (net < due), partial (the covered
    days reach only part of the calendar period: keep it out of "N of M periods" counts with
    `full_periods`), and the columns of `sector_minimums`.

    Example:
        >>> from toolkit.analytics.time import time_accounting
        >>> seg = pd.DataFrame({"platform": ["uber"], "state": ["on_job"],
        ...     "start_at": pd.to_datetime(["2026-01-05 10:00"], utc=True),
        ...     "end_at": pd.to_datetime(["2026-01-05 12:00"], utc=True)})
        >>> e = pd.DataFrame({"earned_at": pd.to_datetime(["2026-01-05 12:00"], utc=True), "amount": [30.0],
        ...     "currency": ["EUR"], "category": ["fare"]})
        >>> t = time_accounting(seg, None, zone="Europe/Paris")
        >>> week = pay_by_period(e, None, t, "week", load_config(overrides={"costs.mode": "none"}))
        >>> float(week["net_per_hour_logged_in"].iloc[0]), bool(week["partial"].iloc[0])
        (11.82, True)
    """
    cfg = config or load_config()
    inputs = _Inputs(earnings, jobs, trip_km(jobs, cfg), time.zone, cfg, time.source, data_span)
    table = time.by_week if freq == "week" else time.by_month
    whole = covered_span(time, period or time.period)
    partial = partial_periods(list(table.index), freq, span_days(whole, time.zone) if whole else None)
    rows = []
    slicer = _EarningsSlicer(earnings) if currency is not None else None
    for start, part in zip(table.index, partial, strict=True):
        span = _bucket(pd.Timestamp(start), freq, period)
        row = table.loc[start]
        logged, engaged = float(row["logged_in"]), float(row["P2"] + row["P3"])
        bucket = inputs if slicer is None else replace(inputs, earnings=slicer.within(span))
        summary = _summary(bucket, logged, engaged, span, currency, covered_span(time, span))
        due = wage_due(time.by_day, span, cfg, summary["currency"])
        figures = {k: v for k, v in summary.items()
                   if k not in ("methods", "notes", "minimum_wage_per_hour", "parameters")}
        rows.append({"start": start, "logged_in_h": logged, "engaged_h": engaged, **figures,
                     "minimum_wage_per_hour": _per(due, logged), "minimum_wage_due": due,
                     "below_minimum_wage": (None if due is None or summary["net"] is None
                                            else bool(summary["net"] < due)),
                     "partial": part})
    out = pd.DataFrame(rows).set_index("start") if rows else pd.DataFrame()
    if rows:
        out = out.join(sector_minimums(earnings, jobs, time.zone, period, cfg, currency, freq))
    return out


class _EarningsSlicer:
    """The earnings lines a period's summary reads — those dated in it and the undated ones — found by
    binary search instead of a scan per period (a weekly table of five years has 260 periods). Lines keep
    their original order, so every sum is the same as over the whole table."""

    def __init__(self, earnings: pd.DataFrame | None) -> None:
        self.earnings = earnings
        if earnings is None or earnings.empty:
            return
        at = earnings["earned_at"]
        dated = at.notna().to_numpy()
        self.undated = np.flatnonzero(~dated)
        positions = np.flatnonzero(dated)
        order = np.argsort(at.to_numpy()[positions], kind="stable")
        self.sorted_at = pd.DatetimeIndex(at.iloc[positions[order]])
        self.sorted_positions = positions[order]

    def within(self, span: Span) -> pd.DataFrame | None:
        """The lines dated in [span start, span end) and the undated lines, in their original order."""
        if self.earnings is None or self.earnings.empty:
            return self.earnings
        lo = int(self.sorted_at.searchsorted(span[0], side="left"))
        hi = int(self.sorted_at.searchsorted(span[1], side="left"))
        taken = np.sort(np.concatenate([self.sorted_positions[lo:hi], self.undated]))
        return self.earnings.iloc[taken]


def _summary(inputs: _Inputs, logged: float | None, engaged: float | None, span: Span | None,
             currency: str | None, covered: Span | None) -> dict[str, Any]:
    cfg, notes = inputs.cfg, list[str]()
    currency = currency or dominant_currency(inputs.earnings, notes)
    lines = currency_lines(inputs.earnings, currency, span, notes)
    known = currency is not None
    # no earnings at all is unknown; no line in this period (when others exist) is zero
    total, tips, taxes = (_sum(lines), _sum(lines[is_tip(lines, cfg)]), _sum(lines[is_tax(lines, cfg)])) \
        if known else (None, None, None)
    gross = None if total is None or tips is None or taxes is None else total - tips - taxes
    cov = pay_coverage(lines, inputs.jobs, inputs.source, covered if known else None, inputs.zone, cfg, notes)
    hourly = _gross(cov.inside, cfg) if cov.span is not None else None
    out: dict[str, Any] = {
        "currency": currency, "earnings_total": total, "tips": tips, "taxes": taxes, "gross": gross,
        "taxes_deducted": _deducted_taxes(lines, cfg) if known else None,
        "covered_days": days_text(span_days(covered, inputs.zone)) if covered is not None else None,
        "earnings_outside_coverage": cov.outside_amount,
        "earnings_outside_coverage_days": days_text(cov.outside_days),
        "per_hour_engaged": None if "engaged" in cov.unreliable_hours else _per(hourly, engaged),
        "per_hour_logged_in": None if "logged_in" in cov.unreliable_hours else _per(hourly, logged),
        "methods": _methods(cfg),
        "notes": notes,
    }
    costs, net = _net_of(inputs, lines, span, currency, cov, notes) if span is not None else ({}, None)
    out["methods"].update(costs.pop("methods", {}))
    out["parameters"] = costs.pop("parameters", {})
    out.update(costs)
    out["net"] = net
    net_covered = net
    if cov.span is not None and cov.span != span and cov.outside_amount:
        net_covered = _net_of(inputs, cov.inside, cov.span, currency, cov, [])[1]
    out["net_per_hour_logged_in"] = (None if hourly is None or "logged_in" in cov.unreliable_hours
                                     else _per(net_covered, logged))
    # the money over which pay per hour is taken (a pool divides their sums by its summed hours)
    out["gross_covered"], out["net_covered"] = hourly, (None if hourly is None else net_covered)
    if other_currencies(inputs.earnings, currency, span):
        # the hours cover work paid in every currency, the money only one of them: no per-hour figure
        out.update({"per_hour_engaged": None, "per_hour_logged_in": None, "net_per_hour_logged_in": None})
        notes.append(Note("notes.pay.other_currency"))
    out["minimum_wage_per_hour"] = minimum_wage(cfg, currency, span, inputs.zone, notes)
    out["methods"]["minimum_wage_per_hour"] = wage_method(cfg, currency)
    out["parameters"]["minimum_wage"] = wage_parameters(cfg, currency, span, inputs.zone)
    return out


def _methods(cfg: Config) -> dict[str, str]:
    return {
        "earnings_total": "sum of all earnings lines (payout after commission), taxes collected included",
        "taxes": f"positive earnings lines of the categories {', '.join(cfg.get('pay.tax_categories'))} "
                 "(VAT and other taxes paid out to you and owed to the state): out of gross and net pay",
        "taxes_deducted": "negative tax lines (VAT on the platform's fee, or withheld): already out of the "
                          "payout, left there like the commission",
        "gross": f"earnings_total minus tips (categories {', '.join(cfg.get('pay.tip_categories'))}) "
                 "and taxes collected",
        "covered_days": "the local days from the first to the last time record (status log, sessions or "
                        "jobs), within the period; days between without a record count as days without work",
        "per_hour_engaged": "gross of the covered days / engaged hours (P2+P3)",
        "per_hour_logged_in": "gross of the covered days / logged-in hours (P1+P2+P3)",
        "earnings_outside_coverage": "earnings of the period dated on days before the first or after the "
                                     "last time record: in the totals, not in pay per hour",
        "net": "earnings_total - taxes - vehicle_cost - fixed_cost - contributions (tips included)",
        "net_per_hour_logged_in": "net pay of the covered days / logged-in hours",
    }


def earnings_by_category(
    earnings: pd.DataFrame | None, freq: Literal["day", "week", "month"], zone: str,
    currency: str | None = None,
) -> pd.DataFrame:
    """Earnings per local period (rows: period start) and category (columns), in one currency.

    Example:
        >>> e = pd.DataFrame({"earned_at": pd.to_datetime(["2026-01-05 12:00", "2026-01-06 12:00"], utc=True),
        ...     "amount": [30.0, 4.0], "currency": ["EUR", "EUR"], "category": ["fare", "tip"]})
        >>> earnings_by_category(e, "week", "Europe/Paris").to_dict("records")
        [{'fare': 30.0, 'tip': 4.0}]
    """
    lines = currency_lines(earnings, currency or dominant_currency(earnings, []), None, [])
    lines = lines[lines["earned_at"].notna()]
    if lines.empty:
        return pd.DataFrame()
    start = period_start(lines["earned_at"], zone, freq)
    dated = lines.assign(start=start.to_numpy())
    table = dated.pivot_table(index="start", columns="category", values="amount", aggfunc="sum")
    table.index = pd.DatetimeIndex(table.index).tz_localize(zone, nonexistent="shift_forward", ambiguous=True)
    table.index.name, table.columns.name = "start", None
    return table.fillna(0.0)


def minimum_wage(cfg: Config, currency: str | None, span: Span | None, zone: str,
                 notes: list[str]) -> float | None:
    """The hourly minimum wage for `currency`, averaged by days over `span` (local dates): the worker's
    own figure when given, else the configured table; None with a note saying what is missing.

    Example:
        >>> span = (pd.Timestamp("2025-12-31", tz="UTC"), pd.Timestamp("2026-01-02", tz="UTC"))
        >>> round(minimum_wage(load_config(), "EUR", span, "UTC", []), 3)
        11.95
        >>> notes = []
        >>> minimum_wage(load_config(), "CHF", span, "UTC", notes), notes[0][:54]
        (None, 'minimum wage unknown: no minimum wage table for CHF is')
    """
    own = float(cfg.get("minimum_wage.own_hourly"))
    if own >= 0:
        return own
    table = wage_table(cfg, currency)
    if span is None or currency is None:
        return None
    if table is None:
        notes.append(Note("notes.pay.wage_unknown", reason=unknown_reason(cfg, currency)))
        return None
    first = span[0].tz_convert(zone).date()
    last = (span[1] - pd.Timedelta(microseconds=1)).tz_convert(zone).date()
    value = cfg.rate_over(f"wages.{table}", first, max(first, last))
    if value is None:
        notes.append(Note("notes.pay.wage_gap", table=table))
    return value


def cost_per_km(cfg: Config, annual_km: float, first: date, last: date) -> tuple[float | None, str, str]:
    """Vehicle cost per km from `costs.mode`/`costs.profile`: (rate or None, currency, method text). The
    currency "" is the earnings' own (your own rate).

    Example:
        >>> rate, cur, how = cost_per_km(load_config(), 25000.0, date(2026, 1, 1), date(2026, 1, 31))
        >>> round(rate, 3), cur
        (0.427, 'EUR')
        >>> uk = load_config(overrides={"costs.profile": "uk_hmrc"})
        >>> round(cost_per_km(uk, 32186.88, date(2025, 5, 1), date(2025, 5, 31))[0], 4)  # 20,000 miles
        0.2175
    """
    mode = cfg.get("costs.mode")
    if mode == "none":
        return 0.0, "", "vehicle costs not counted (costs.mode = none)"
    if mode == "ask":
        return None, "", f"unknown: no published vehicle cost rate is assumed for this country; {OWN_COSTS}"
    if mode == "custom":
        return float(cfg.get("costs.custom_per_km")), cfg.get("costs.custom_currency"), "your own per-km rate"
    name = cfg.get("costs.profile")
    profile = cfg.get(f"costs.profiles.{name}")
    source = profile["source"] + (f" ({STATUS_WORDS[profile['status']]})" if profile.get("status") else "")
    if profile["kind"] == "per_km":
        rate = cfg.rate_over(f"costs.profiles.{name}", first, last)
        per_km = None if rate is None else rate / float(profile["unit_km"])
        return per_km, profile["currency"], f"{name}: {source}"
    if "valid_from" in profile and first < profile["valid_from"]:
        return None, profile["currency"], f"{name}: no rate before {profile['valid_from']}"
    if annual_km <= 0:
        return None, profile["currency"], f"{name}: no distance to place in the brackets"
    bracket = next(b for b in profile["brackets"] if annual_km <= b["up_to_km"])
    per_km = (bracket["rate"] * annual_km + bracket["fixed"]) / annual_km * float(profile["multiplier"])
    return per_km, profile["currency"], f"{name}: {source}, at {annual_km:,.0f} km/year = {per_km:.3f}/km"


def _net_of(inputs: _Inputs, lines: pd.DataFrame, span: Span, currency: str | None, cov: PayCoverage,
            notes: list[str]) -> tuple[dict[str, Any], float | None]:
    """Costs of `span` and the net pay of `lines`: what was paid, less taxes collected and costs."""
    paid = None if currency is None else _sum(lines) - _sum(lines[is_tax(lines, inputs.cfg)])
    costs = _costs(inputs, span, currency, paid, cov.missing_trips is not None, notes)
    return costs, _net(paid, costs["vehicle_cost"], costs["fixed_cost"], costs["contributions"])


def _costs(inputs: _Inputs, span: Span, currency: str | None, paid: float | None, trips_missing: bool,
           notes: list[str]) -> dict[str, Any]:
    """Vehicle, fixed costs and contributions of `span`; kilometres annualised and monthly fixed costs
    prorated over the days of `span` inside the data's span (`pay_summary`)."""
    cfg, zone = inputs.cfg, inputs.zone
    first = span[0].tz_convert(zone).date()
    last = max(first, (span[1] - pd.Timedelta(microseconds=1)).tz_convert(zone).date())
    basis = span
    if inputs.data_span is not None and inputs.data_span[0] < span[1] and span[0] < inputs.data_span[1]:
        basis = (max(span[0], inputs.data_span[0]), min(span[1], inputs.data_span[1]))
    days = (basis[1] - basis[0]).total_seconds() / 86400
    scope = cfg.get("pay.distance_scope")
    km, replaced = km_in_span(inputs.trips, span, scope, notes) if not trips_missing else (None, 0)
    annual = float(cfg.get("costs.annual_km")) or (km * 365.25 / days if km and days > 0 else 0.0)
    per_km, cost_currency, how = cost_per_km(cfg, annual, first, last)
    cost_currency = cost_currency or currency or ""  # your own rate is in the earnings' currency
    vehicle = None
    if per_km == 0.0:
        vehicle = 0.0
    elif per_km is not None and km is not None and cost_currency == currency:
        vehicle = per_km * km
    elif per_km is not None and km is not None:
        notes.append(Note("notes.pay.vehicle_currency", cost=cost_currency, earnings=currency))
    fixed_currency = cfg.get("costs.monthly_fixed_currency") or currency
    monthly = float(cfg.get("costs.monthly_fixed"))
    fixed = monthly * days / DAYS_PER_MONTH if monthly == 0 or fixed_currency == currency else None
    if fixed is None:
        notes.append(Note("notes.pay.fixed_currency", cost=fixed_currency, earnings=currency))
    scheme = cfg.get("contributions.scheme")
    rate, same, how_sure = _contribution_rate(cfg, scheme, first, last, currency)
    contributions = (None if paid is None or rate is None or not same
                     else (rate + float(cfg.get("contributions.extra_rate"))) * paid)
    _unknown_cost_notes(cfg.get("costs.mode") == "ask", scheme == "own" and rate is None, notes)
    if scheme != "own" and (rate is None or not same):
        notes.append(Note("notes.pay.contribution_gap", scheme=scheme))
    return {"distance_km": km, "distances_replaced": replaced, "vehicle_cost": vehicle, "fixed_cost": fixed,
            "contributions": contributions,
            "parameters": {
                "cost_per_km": per_km, "cost_currency": cost_currency or None, "annual_km": annual or None,
                "cost_mode": cfg.get("costs.mode"), "days": days,  # how: methods["vehicle_cost"]
                "cost_source": (cfg.source(f"costs.profiles.{cfg.get('costs.profile')}")
                                if cfg.get("costs.mode") == "profile" else None),
                "monthly_fixed": monthly, "fixed_currency": fixed_currency,
                "contribution_scheme": scheme,
                "contribution_rate": (None if rate is None
                                      else rate + float(cfg.get("contributions.extra_rate"))),
                "contribution_base": paid,
                "contribution_rates": ([] if scheme == "own" else
                                       rate_entries(cfg, f"contributions.{scheme}", first, last)),
                "contribution_source": None if scheme == "own" else cfg.source(f"contributions.{scheme}"),
            },
            "methods": {
                "distance_km": {"job_and_to_pickup": "jobs' trip distance + distance to pickup",
                                "job": "jobs' trip distance only"}[scope]
                + " (km driven while waiting are in no export and are not counted); distances implying an "
                  "impossible speed replaced by estimates (toolkit.analytics.plausibility)",
                "vehicle_cost": how, "fixed_cost": f"costs.monthly_fixed x days / {DAYS_PER_MONTH:.2f}",
                "contributions": f"{how_sure}, plus extra rate {cfg.get('contributions.extra_rate')}, "
                                 "x earnings_total less taxes collected",
            }}


def _unknown_cost_notes(no_vehicle_rate: bool, no_contribution_rate: bool, notes: list[str]) -> None:
    """Say exactly which of the worker's own figures net pay still needs (the export lacks nothing)."""
    if no_vehicle_rate and no_contribution_rate:
        notes.append(Note("notes.pay.own_both"))
    elif no_vehicle_rate:
        notes.append(Note("notes.pay.own_vehicle"))
    elif no_contribution_rate:
        notes.append(Note("notes.pay.own_contribution"))


def _contribution_rate(cfg: Config, scheme: str, first: date, last: date,
                       currency: str | None) -> tuple[float | None, bool, str]:
    """(rate, whether it applies to this currency, how it was chosen) for the configured scheme."""
    if scheme == "own":
        own = float(cfg.get("contributions.own_rate"))
        return (own if own >= 0 else None), True, (f"your own rate {own:.1%}" if own >= 0
                                                   else "your own rate: not given")
    key = f"contributions.{scheme}"
    rate, same = cfg.rate_over(key, first, last), cfg.get(f"{key}.currency") == currency
    return rate, same, f"{cfg.source(key)}; {cfg.rates_used(key, first, last)}"


def _gross(lines: pd.DataFrame, cfg: Config) -> float:
    return _sum(lines[~is_tip(lines, cfg) & ~is_tax(lines, cfg)])


def _deducted_taxes(lines: pd.DataFrame, cfg: Config) -> float:
    return _sum(lines[lines["category"].isin(cfg.get("pay.tax_categories")) & (lines["amount"] < 0)])


def _sum(lines: pd.DataFrame) -> float:
    return float(lines["amount"].sum())


def _net(total: float | None, *costs: float | None) -> float | None:
    if total is None or any(c is None for c in costs):
        return None
    return total - sum(c for c in costs if c is not None)


def _per(amount: float | None, hours: float | None) -> float | None:
    return None if amount is None or not hours else amount / hours


def _bucket(start: pd.Timestamp, freq: str, period: Span | None) -> Span:
    end = start + (pd.DateOffset(weeks=1) if freq == "week" else pd.offsets.MonthBegin(1))
    span = (start.tz_convert("UTC"), pd.Timestamp(end).tz_convert("UTC"))
    if period is None:
        return span
    return max(span[0], period[0]), min(span[1], period[1])
