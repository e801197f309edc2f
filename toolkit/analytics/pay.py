"""Pay (methods.md §2): earnings per period, per engaged and per logged-in hour, net of costs, against the
minimum wage and the French sector minimums. Every figure says which definition and parameter it used.

Definitions: earnings_total = the sum of all earnings lines (the platform's payout, after commission);
tips = lines whose category is in `pay.tip_categories`; G = earnings_total - tips (methods.md §2.1, tips
kept out as the LOM indicators do). per_hour_engaged = G / (P2+P3); per_hour_logged_in = G / (P1+P2+P3);
net = G + tips - vehicle cost - prorated fixed costs - contributions (rate x earnings_total);
net_per_hour_logged_in = net / logged-in hours. Money is in one currency: lines in other currencies are
left out and said so. Unknown is None, never 0.

The French sector minimums are computed in `toolkit.analytics.minimums` (`sector_minimums`, also importable
from here); the helpers both modules read earnings lines with are in `toolkit.analytics._earnings`.

Example:
    >>> import pandas as pd
    >>> e = pd.DataFrame({"earned_at": pd.to_datetime(["2026-01-05 12:00", "2026-01-05 13:00"], utc=True),
    ...     "amount": [30.0, 5.0], "currency": ["EUR", "EUR"], "category": ["fare", "tip"]})
    >>> s = pay_summary(e, None, None)
    >>> s["earnings_total"], s["tips"], s["per_hour_logged_in"]
    (35.0, 5.0, None)
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

import pandas as pd

from toolkit.analytics._earnings import currency_lines, dominant_currency, is_tip, job_time, period_start
from toolkit.analytics.minimums import sector_minimums
from toolkit.analytics.time import Span, TimeAccounting
from toolkit.config import Config, load_config
from toolkit.periods import local_day, local_day_span, span_days

__all__ = [
    "DAYS_PER_MONTH", "cost_per_km", "dominant_currency", "earnings_by_category", "minimum_wage",
    "pay_by_period", "pay_summary", "sector_minimums",
]

DAYS_PER_MONTH = 365.25 / 12
PER_HOUR = ("per_hour_engaged", "per_hour_logged_in", "net_per_hour_logged_in")


def pay_summary(
    earnings: pd.DataFrame | None, jobs: pd.DataFrame | None, time: TimeAccounting | None,
    period: Span | None = None, config: Config | None = None, currency: str | None = None,
) -> dict[str, Any]:
    """Earnings, hourly pay, costs, contributions and net pay over `period` ([start, end) UTC; default all).

    `time` gives the hours (None: every hourly figure is None). The result holds plain numbers, a
    `methods` dict saying how each was computed and a `notes` list.

    Example:
        >>> pay_summary(None, None, None)["earnings_total"] is None
        True
    """
    cfg = config or load_config()
    hours = time.hours if time is not None else {}
    span = period or (time.period if time is not None else None)
    zone = time.zone if time is not None else "UTC"
    out = _summary(earnings, jobs, hours.get("logged_in"), hours.get("engaged"), span, zone, cfg, currency,
                   covered_span(time, span))
    return out


def pay_by_period(
    earnings: pd.DataFrame | None, jobs: pd.DataFrame | None, time: TimeAccounting,
    freq: Literal["week", "month"], config: Config | None = None, currency: str | None = None,
    period: Span | None = None,
) -> pd.DataFrame:
    """Pay per local week or month (cut to `period` if given) against the minimum wage of each day and
    the French sector minimums.

    Columns: logged_in_h, engaged_h, earnings_total, tips, gross, per_hour_engaged, per_hour_logged_in,
    net, net_per_hour_logged_in, minimum_wage_per_hour (weighted by the logged-in hours of each day),
    minimum_wage_due, below_minimum_wage (net < due), and the columns of `sector_minimums`.

    Example:
        >>> from toolkit.analytics.time import time_accounting
        >>> seg = pd.DataFrame({"platform": ["uber"], "state": ["on_job"],
        ...     "start_at": pd.to_datetime(["2026-01-05 10:00"], utc=True),
        ...     "end_at": pd.to_datetime(["2026-01-05 12:00"], utc=True)})
        >>> e = pd.DataFrame({"earned_at": pd.to_datetime(["2026-01-05 12:00"], utc=True), "amount": [30.0],
        ...     "currency": ["EUR"], "category": ["fare"]})
        >>> t = time_accounting(seg, None, zone="Europe/Paris")
        >>> float(pay_by_period(e, None, t, "week", load_config(overrides={"costs.mode": "none"}))
        ...     ["net_per_hour_logged_in"].iloc[0])
        11.82
    """
    cfg = config or load_config()
    table = time.by_week if freq == "week" else time.by_month
    rows = []
    for start in table.index:
        span = _bucket(pd.Timestamp(start), freq, period)
        row = table.loc[start]
        logged, engaged = float(row["logged_in"]), float(row["P2"] + row["P3"])
        summary = _summary(earnings, jobs, logged, engaged, span, time.zone, cfg, currency,
                           covered_span(time, span))
        due = _wage_due(time.by_day, span, cfg, summary["currency"])
        figures = {k: v for k, v in summary.items() if k not in ("methods", "notes", "minimum_wage_per_hour")}
        rows.append({"start": start, "logged_in_h": logged, "engaged_h": engaged, **figures,
                     "minimum_wage_per_hour": _per(due, logged), "minimum_wage_due": due,
                     "below_minimum_wage": (None if due is None or summary["net"] is None
                                            else bool(summary["net"] < due))})
    out = pd.DataFrame(rows).set_index("start") if rows else pd.DataFrame()
    if rows:
        out = out.join(sector_minimums(earnings, jobs, time.zone, period, cfg, currency, freq))
    return out


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


def _summary(earnings: pd.DataFrame | None, jobs: pd.DataFrame | None, logged: float | None,
             engaged: float | None, span: Span | None, zone: str, cfg: Config,
             currency: str | None, covered: Span | None = None) -> dict[str, Any]:
    notes: list[str] = []
    currency = currency or dominant_currency(earnings, notes)
    lines = currency_lines(earnings, currency, span, notes)
    # no earnings at all is unknown; no line in this period (when others exist) is zero
    total = float(lines["amount"].sum()) if currency is not None else None
    tips = float(lines.loc[is_tip(lines, cfg), "amount"].sum()) if currency is not None else None
    taxes = float(lines.loc[_is_tax(lines, cfg), "amount"].sum()) if currency is not None else None
    gross = None if total is None or tips is None or taxes is None else total - tips - taxes
    hourly, outside = _hourly_gross(lines, covered, zone, cfg, jobs, notes)
    out: dict[str, Any] = {
        "currency": currency, "earnings_total": total, "tips": tips, "taxes": taxes, "gross": gross,
        "earnings_outside_coverage": outside,
        "per_hour_engaged": _per(hourly, engaged), "per_hour_logged_in": _per(hourly, logged),
        "methods": {
            "earnings_total": "sum of all earnings lines (payout after commission)",
            "gross": f"earnings_total minus tips (categories {', '.join(cfg.get('pay.tip_categories'))}) "
                     f"and taxes collected (categories {', '.join(cfg.get('pay.tax_categories'))})",
            "per_hour_engaged": "gross of the days with time records / engaged hours (P2+P3)",
            "per_hour_logged_in": "gross of the days with time records / logged-in hours (P1+P2+P3)",
            "earnings_outside_coverage": "earnings of the period dated on days before the first or after "
                                         "the last time record: in the totals, not in pay per hour",
        },
        "notes": notes,
    }
    paid = None if total is None or taxes is None else total - taxes  # taxes collected go to the state
    costs = _costs(jobs, span, zone, cfg, currency, paid, notes) if span is not None else {}
    out["methods"].update(costs.pop("methods", {}))
    out.update(costs)
    net = _net(paid, out.get("vehicle_cost"), out.get("fixed_cost"), out.get("contributions"))
    out["net"] = net
    out["net_per_hour_logged_in"] = _per(net, logged) if hourly is not None else None
    out["methods"]["net"] = ("earnings_total - taxes - vehicle_cost - fixed_cost - contributions "
                             "(tips included)")
    if covered is not None and span is not None and covered != span and hourly is not None and outside:
        # money was paid on days without time records: every per-hour figure is that of the covered days
        inner = _summary(earnings, jobs, logged, engaged, covered, zone, cfg, currency, covered)
        out.update({k: inner[k] for k in PER_HOUR})
        out["methods"]["net_per_hour_logged_in"] = "net pay of the days with time records / logged-in hours"
    if _other_currencies(earnings, currency, span):
        # the hours cover work paid in every currency, the money only one of them: no per-hour figure
        out.update({"per_hour_engaged": None, "per_hour_logged_in": None, "net_per_hour_logged_in": None})
        notes.append("pay per hour is unknown: the hours include work paid in another currency; choose one "
                     "platform or a period paid in one currency")
    out["minimum_wage_per_hour"] = minimum_wage(cfg, currency, span, zone, notes)
    out["methods"]["minimum_wage_per_hour"] = _wage_method(cfg, currency)
    return out


STATUS_WORDS = {"V": "verified", "S": "secondary source only", "?": "not verified"}


def _rates_used(cfg: Config, scheme: str, first: date, last: date) -> str:
    """The dated rates that apply between `first` and `last`, with how sure each is."""
    key = f"contributions.{scheme}"
    rates = cfg.rates(key)
    used = [r for i, r in enumerate(rates)
            if r.start <= last and (i + 1 == len(rates) or rates[i + 1].start > first)]
    if not used:
        return "no rate for this period"
    return "rate " + ", ".join(
        f"{r.value:.1%} from {r.start.isoformat()} ({STATUS_WORDS.get(r.status, r.status)})" for r in used)


def _other_currencies(earnings: pd.DataFrame | None, currency: str | None, span: Span | None) -> bool:
    """Whether the period holds earnings lines in a currency other than `currency`."""
    if earnings is None or earnings.empty or currency is None:
        return False
    lines = earnings
    if span is not None:
        at = lines["earned_at"]
        lines = lines[at.isna() | ((at >= span[0]) & (at < span[1]))]
    return bool((lines["currency"].notna() & (lines["currency"] != currency)).any())


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
    """The configured hourly minimum wage for `currency`, averaged by days over `span` (local dates).

    Example:
        >>> span = (pd.Timestamp("2025-12-31", tz="UTC"), pd.Timestamp("2026-01-02", tz="UTC"))
        >>> round(minimum_wage(load_config(), "EUR", span, "UTC", []), 3)
        11.95
    """
    table = cfg.get("minimum_wage.by_currency").get(currency or "")
    if table is None or span is None:
        return None
    first = span[0].tz_convert(zone).date()
    last = (span[1] - pd.Timedelta(microseconds=1)).tz_convert(zone).date()
    value = cfg.rate_over(f"wages.{table}", first, max(first, last))
    if value is None:
        notes.append(f"no {table} rate for part of the period: minimum wage unknown")
    return value


def cost_per_km(cfg: Config, annual_km: float, first: date, last: date) -> tuple[float | None, str, str]:
    """Vehicle cost per km from `costs.mode`/`costs.profile`: (rate or None, currency, method text).

    Example:
        >>> rate, cur, how = cost_per_km(load_config(), 25000.0, date(2026, 1, 1), date(2026, 1, 31))
        >>> round(rate, 3), cur
        (0.427, 'EUR')
    """
    mode = cfg.get("costs.mode")
    if mode == "none":
        return 0.0, "", "vehicle costs not counted (costs.mode = none)"
    if mode == "ask":
        return None, "", ("no published vehicle cost rate is assumed for this country: enter your own "
                          "vehicle cost per km (costs.mode = custom, costs.custom_per_km)")
    if mode == "custom":
        return float(cfg.get("costs.custom_per_km")), cfg.get("costs.custom_currency"), "your own per-km rate"
    name = cfg.get("costs.profile")
    profile = cfg.get(f"costs.profiles.{name}")
    source = profile["source"]
    if profile["kind"] == "per_km":
        rate = cfg.rate_over(f"costs.profiles.{name}", first, last)
        per_km = None if rate is None else rate / float(profile["unit_km"])
        return per_km, profile["currency"], f"{name}: {source}"
    if annual_km <= 0:
        return None, profile["currency"], f"{name}: no distance to place in the barème"
    bracket = next(b for b in profile["brackets"] if annual_km <= b["up_to_km"])
    per_km = (bracket["rate"] * annual_km + bracket["fixed"]) / annual_km * float(profile["multiplier"])
    return per_km, profile["currency"], f"{name}: {source}, at {annual_km:,.0f} km/year = {per_km:.3f}/km"


def _costs(jobs: pd.DataFrame | None, span: Span, zone: str, cfg: Config, currency: str | None,
           total: float | None, notes: list[str]) -> dict[str, Any]:
    first = span[0].tz_convert(zone).date()
    last = max(first, (span[1] - pd.Timedelta(microseconds=1)).tz_convert(zone).date())
    days = (span[1] - span[0]).total_seconds() / 86400
    scope = cfg.get("pay.distance_scope")
    km = _distance_km(jobs, span, scope, notes)
    annual = float(cfg.get("costs.annual_km")) or (km * 365.25 / days if km and days > 0 else 0.0)
    per_km, cost_currency, how = cost_per_km(cfg, annual, first, last)
    vehicle = None
    cost_currency = cost_currency or currency  # an own rate is in the earnings' currency unless said
    if per_km == 0.0:
        vehicle = 0.0
    elif per_km is None and cfg.get("costs.mode") == "ask":
        notes.append("net pay unknown until you enter your own vehicle cost per km: no published rate is "
                     "assumed for this country")
    elif per_km is not None and km is not None and cost_currency == currency:
        vehicle = per_km * km
    elif per_km is not None and km is not None:
        notes.append(f"vehicle costs in {cost_currency}, earnings in {currency}: not converted, net unknown")
    fixed_currency = cfg.get("costs.monthly_fixed_currency") or currency
    monthly = float(cfg.get("costs.monthly_fixed"))
    fixed = monthly * days / DAYS_PER_MONTH if monthly == 0 or fixed_currency == currency else None
    scheme = cfg.get("contributions.scheme")
    rate, same, how_sure = _contribution_rate(cfg, scheme, first, last, currency)
    contributions = (None if total is None or rate is None or not same
                     else (rate + float(cfg.get("contributions.extra_rate"))) * total)
    if scheme == "own" and rate is None:
        notes.append("net pay unknown until you enter your own social contribution rate: none is assumed "
                     "for this country")
    elif rate is None or not same:
        notes.append(f"no {scheme} contribution rate for this period or currency: net unknown")
    return {"distance_km": km, "vehicle_cost": vehicle, "fixed_cost": fixed, "contributions": contributions,
            "methods": {
                "distance_km": {"job_and_to_pickup": "jobs' trip distance + distance to pickup",
                                "job": "jobs' trip distance only"}[scope]
                + " (km driven while waiting are in no export and are not counted)",
                "vehicle_cost": how, "fixed_cost": f"costs.monthly_fixed x days / {DAYS_PER_MONTH:.2f}",
                "contributions": f"{how_sure}, plus extra rate {cfg.get('contributions.extra_rate')}, "
                                 "x earnings_total less taxes collected",
            }}


def _contribution_rate(cfg: Config, scheme: str, first: date, last: date,
                       currency: str | None) -> tuple[float | None, bool, str]:
    """(rate, whether it applies to this currency, how it was chosen) for the configured scheme."""
    if scheme == "own":
        own = float(cfg.get("contributions.own_rate"))
        return (own if own >= 0 else None), True, (f"your own rate {own:.1%}" if own >= 0
                                                   else "your own rate: not given")
    rate = cfg.rate_over(f"contributions.{scheme}", first, last)
    same = cfg.get(f"contributions.{scheme}.currency") == currency
    return rate, same, f"{cfg.source(f'contributions.{scheme}')}; {_rates_used(cfg, scheme, first, last)}"


def _distance_km(jobs: pd.DataFrame | None, span: Span, scope: str, notes: list[str]) -> float | None:
    if jobs is None or jobs.empty:
        return None
    inside = jobs[(job_time(jobs) >= span[0]) & (job_time(jobs) < span[1])]
    if inside.empty:
        return 0.0
    cols = ["job_distance_m"] + (["to_pickup_distance_m"] if scope == "job_and_to_pickup" else [])
    metres = inside.reindex(columns=cols)
    missing = int(metres["job_distance_m"].isna().sum())
    if missing == len(inside):
        notes.append("no job distance in the export: vehicle costs unknown")
        return None
    if missing:
        notes.append(f"{missing} of {len(inside)} job(s) without a distance: vehicle costs understated")
    return float(metres.sum().sum() / 1000)


def _is_tax(lines: pd.DataFrame, cfg: Config) -> pd.Series:
    return lines["category"].isin(cfg.get("pay.tax_categories"))


def _hourly_gross(lines: pd.DataFrame, covered: Span | None, zone: str, cfg: Config,
                  jobs: pd.DataFrame | None, notes: list[str]) -> tuple[float | None, float | None]:
    """Gross pay of the days the time records cover (what pay per hour divides), and the earnings of the
    period outside them; (None, None) when the period has no time record or the trips file is plainly
    incomplete against the earnings."""
    if lines.empty or covered is None:
        return None, None
    dated = lines["earned_at"]
    inside = lines[(dated >= covered[0]) & (dated < covered[1])]
    outside = float(lines["amount"].sum() - inside["amount"].sum())
    if outside:
        first, last = span_days(covered, zone)
        notes.append(f"{outside:,.2f} of the period's earnings are dated outside the days with time records "
                     f"({first} to {last}, {zone}): counted in the totals, not in pay per hour")
    unmatched = _unmatched_jobs(inside, jobs, cfg)
    if unmatched is not None:
        notes.append(f"pay per hour is unknown: the earnings name {unmatched[0]} job(s), {unmatched[1]} of "
                     "which are in no trip of the export (the trips file is incomplete), so the hours do "
                     "not cover the work paid")
        return None, outside
    keep = ~is_tip(inside, cfg) & ~_is_tax(inside, cfg)
    return float(inside.loc[keep, "amount"].sum()), outside


def _unmatched_jobs(lines: pd.DataFrame, jobs: pd.DataFrame | None, cfg: Config) -> tuple[int, int] | None:
    """(job ids named, of which in no job) when too many paid jobs are missing from the trips file."""
    if "job_id" not in lines.columns or jobs is None or jobs.empty or "job_id" not in jobs.columns:
        return None
    named = set(lines["job_id"].dropna().astype(str)) - {""}
    missing = len(named - set(jobs["job_id"].dropna().astype(str)))
    too_many = missing >= int(cfg.get("pay.unmatched_jobs_min")) and (
        missing > float(cfg.get("pay.unmatched_jobs_share")) * len(named))
    return (len(named), missing) if too_many else None


def _net(total: float | None, *costs: float | None) -> float | None:
    if total is None or any(c is None for c in costs):
        return None
    return total - sum(c for c in costs if c is not None)


def _per(amount: float | None, hours: float | None) -> float | None:
    return None if amount is None or not hours else amount / hours


def _wage_method(cfg: Config, currency: str | None) -> str:
    table = cfg.get("minimum_wage.by_currency").get(currency or "")
    if table is None:
        return f"no minimum wage configured for {currency}"
    return f"{cfg.source('wages.' + table)}; day-weighted over the period"


def _bucket(start: pd.Timestamp, freq: str, period: Span | None) -> Span:
    end = start + (pd.DateOffset(weeks=1) if freq == "week" else pd.offsets.MonthBegin(1))
    span = (start.tz_convert("UTC"), pd.Timestamp(end).tz_convert("UTC"))
    if period is None:
        return span
    return max(span[0], period[0]), min(span[1], period[1])


def _wage_due(by_day: pd.DataFrame, span: Span, cfg: Config, currency: str | None) -> float | None:
    table = cfg.get("minimum_wage.by_currency").get(currency or "")
    if table is None or by_day.empty:
        return None
    starts = pd.DatetimeIndex(by_day.index)
    days = by_day[(starts < span[1]) & (starts + pd.DateOffset(days=1) > span[0])]
    due = 0.0
    for start, logged in zip(pd.DatetimeIndex(days.index), days["logged_in"], strict=True):
        rate = cfg.rate_on(f"wages.{table}", start.date())
        if rate is None:
            return None
        due += rate.value * float(logged)
    return due
