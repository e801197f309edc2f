"""The Bureau Local yearly table of invoice-based platforms (Deliveroo), pooled over a union's members.

IWGB and the Bureau Local (2021) pooled riders' Deliveroo invoices into one table per UK financial year:
riders, shifts, orders, hours, pay, basic pay, hourly pay, orders per hour and the shares of shifts paid
under £10 an hour and under that year's minimum wage (collective.md §1.1; the method of
`bureau-local/inside-the-roobot`, `invoice-analysis.py` and `parse-by-year.py`). Here, per member:

- an invoice is one `statements` row; its shifts are the `status_segments` of the same source file, each
  shift's pay the `earnings` lines of the same file and row (the session's drop fee: "basic pay");
- an invoice's pay ("Total Pay") is its drop fees plus its adjustments and incentives, without tips,
  the transaction fee or taxes, as Bureau Local counted it;
- the year of an invoice is the financial year of its first day (April to March: January to March count
  in the year before), as Bureau Local did (a shift at the turn of a year counts with its invoice); in a
  currency other than GBP the year is the calendar year;
- a shift's hourly pay is its drop fee over its hours; hours come from the session's start and end times
  (cut to the minute when shared), where Bureau Local read the invoice's rounded duration;
- the minimum wage of a shift is the configured minimum wage table of the currency on the shift's day (for
  GBP the UK National Living Wage, 7.20 in 2016-17 to 8.72 in 2020-21: the study's values); £10 an hour
  is the study's second threshold, kept for GBP only;
- orders are the orders the invoice prints per session (`jobs_reported`); where a session does not say,
  the year's orders and orders per hour are unknown (said).

Each year is a cell under the pool's disclosure rules (`toolkit.pool.figures.Rules`): at least k members,
no total where one member makes more than half of it.

Example:
    >>> financial_year(date(2021, 3, 31), "GBP"), financial_year(date(2021, 4, 1), "GBP")
    ('2020-21', '2021-22')
    >>> financial_year(date(2021, 3, 31), "EUR")
    '2021'
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from toolkit.pool.folder import Pool
from toolkit.selection import Selection
from toolkit.store import table_counts

INVOICE_PAY = ("fare", "incentive", "adjustment")
"""Earnings categories of an invoice's pay as Bureau Local counted it (tips, fees and taxes left out)."""
BASIC_PAY = ("fare",)
TEN = 10.0
"""The study's threshold of £10 an hour (GBP only)."""
TOTALS = ("shifts", "orders", "hours", "pay", "basic_pay", "shifts_below_ten", "shifts_below_minimum")


def financial_year(day: date, currency: str | None) -> str:
    """The UK financial year of `day` for GBP ("2020-21"), else its calendar year."""
    if currency != "GBP":
        return str(day.year)
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{str(start + 1)[-2:]}"


def member_invoice_years(sel: Selection) -> pd.DataFrame:
    """One row per year (and currency) of one member's invoices: the Bureau Local columns."""
    columns = ["year", "currency", "invoices", *TOTALS, "orders_known"]
    statements = sel.raw("statements")
    if statements.empty:
        return pd.DataFrame(columns=columns)
    segments = sel.raw("status_segments")
    pay = sel.raw("earnings")
    wages = _wage_of(sel)
    rows = []
    for _, invoice in statements.iterrows():
        file, currency = invoice["source_file"], invoice["currency"]
        shifts = segments[(segments["source_file"] == file) & segments["start_at"].notna()
                          & segments["end_at"].notna()]
        lines = pay[(pay["source_file"] == file) & (pay["currency"] == currency)]
        hours = (shifts["end_at"] - shifts["start_at"]).dt.total_seconds() / 3600
        drop = lines[lines["category"].isin(BASIC_PAY)].groupby("source_row")["amount"].sum()
        shift_pay = shifts["source_row"].map(drop).fillna(0.0)
        hourly = (shift_pay / hours.where(hours > 0)).to_numpy(dtype=float)
        first = (pd.Timestamp(invoice["period_start"]).tz_convert(sel.zone).date()
                 if pd.notna(invoice["period_start"])
                 else shifts["start_at"].min().tz_convert(sel.zone).date() if len(shifts) else None)
        if first is None:
            continue
        days = [t.tz_convert(sel.zone).date() for t in shifts["start_at"]]
        minimum = np.array([wages(d, currency) for d in days], dtype=float)
        orders = shifts["jobs_reported"]
        rows.append({
            "year": financial_year(first, currency), "currency": currency, "invoices": 1,
            "shifts": len(shifts), "orders": float(orders.sum()) if orders.notna().all() else None,
            "hours": float(hours.sum()),
            "pay": float(lines[lines["category"].isin(INVOICE_PAY)]["amount"].sum()),
            "basic_pay": float(shift_pay.sum()),
            "shifts_below_ten": int(np.sum(hourly < TEN)) if currency == "GBP" else None,
            "shifts_below_minimum": (int(np.sum(hourly < minimum))
                                     if len(minimum) and not np.isnan(minimum).any() else
                                     (0 if not len(minimum) else None)),
            "orders_known": bool(orders.notna().all()),
        })
    if not rows:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(rows)
    summed = frame.groupby(["year", "currency"]).agg(
        invoices=("invoices", "sum"), shifts=("shifts", "sum"), hours=("hours", "sum"), pay=("pay", "sum"),
        basic_pay=("basic_pay", "sum"), orders_known=("orders_known", "all"))
    for name in ("orders", "shifts_below_ten", "shifts_below_minimum"):  # unknown when one invoice is
        grouped = frame.groupby(["year", "currency"])[name]
        summed[name] = grouped.sum(min_count=1).where(grouped.count() == grouped.size())
    return summed.reset_index()[columns]


def invoice_years(pool: Pool, rules: Any, config_file: Any = None) -> dict[str, Any]:
    """The pooled Bureau Local table: one cell per year and currency over the members with invoices."""
    from toolkit.pool.figures import cell_check

    counts = table_counts(pool.store)
    holders = set(counts[(counts["table"] == "statements") & (counts["rows"] > 0)]["worker_id"])
    members = [pid for pid in pool.member_ids() if pid in holders]
    parts = []
    for pid in members:  # worker by worker; only members whose data hold invoices are read
        own = member_invoice_years(Selection(pool.store, worker=pid, config_file=config_file))
        if len(own):
            parts.append(own.assign(member=pid))
    result: dict[str, Any] = {
        "method": __doc__.split("Example:")[0].strip() if __doc__ else "",
        "members_with_invoices": len(members) if len(members) >= rules.k else None,
        "years": [],
    }
    if not parts:
        result["status"] = "no_invoices"
        result["reason"] = "no member shared invoices (statements with their sessions)"
        return result
    table = pd.concat(parts, ignore_index=True)
    for (year, currency), group in table.groupby(["year", "currency"], sort=True):
        members_in = int(group["member"].nunique())
        cell: dict[str, Any] = {"year": year, "currency": currency,
                                "riders": members_in if members_in >= rules.k else None, "withheld": {}}
        if members_in < rules.k:
            cell.update(status="too_few", reason=f"fewer than {rules.k} members",
                        totals=dict.fromkeys(TOTALS), ratios={})
            result["years"].append(cell)
            continue
        totals: dict[str, float | None] = {}
        for name in TOTALS:
            values = group[name]
            if values.isna().any():
                totals[name] = None
                cell["withheld"][name] = ("not printed on every invoice" if name == "orders"
                                          else "no threshold for this currency" if name == "shifts_below_ten"
                                          else "no minimum wage known for a shift's day")
                continue
            state = cell_check(values.astype(float).tolist(), rules.k)
            totals[name] = float(values.sum()) if state == "released" else None
            if state != "released":
                cell["withheld"][name] = "one member makes over half of it"
        hours, shifts = totals["hours"], totals["shifts"]
        cell.update(status="released", totals=totals, ratios={
            "hourly_pay": _ratio(totals["pay"], hours),
            "hourly_basic_pay": _ratio(totals["basic_pay"], hours),
            "orders_per_hour": _ratio(totals["orders"], hours),
            "shifts_below_ten_share": _ratio(totals["shifts_below_ten"], shifts),
            "shifts_below_minimum_share": _ratio(totals["shifts_below_minimum"], shifts),
        })
        result["years"].append(cell)
    result["status"] = "released"
    return result


def _wage_of(sel: Selection) -> Any:
    """A function (day, currency) -> the configured minimum wage per hour (NaN when none is known)."""
    from toolkit.analytics.minimums import wage_table

    cfg = sel.config
    own = float(cfg.get("minimum_wage.own_hourly"))
    cache: dict[tuple[date, str], float] = {}

    def wage(day: date, currency: str) -> float:
        if own >= 0:
            return own
        if (day, currency) not in cache:
            table = wage_table(cfg, currency)
            rates = [] if table is None else cfg.rates_between(f"wages.{table}", day, day)
            cache[(day, currency)] = float(rates[-1].value) if rates else float("nan")
        return cache[(day, currency)]

    return wage


def _ratio(num: float | None, den: float | None) -> float | None:
    return None if num is None or den is None or not den else num / den
