"""Earnings lines and jobs as the pay analyses read them, shared by `pay` and `minimums`: the dominant
currency, the lines in one currency and period, which lines are tips or taxes collected, when a job
happened, the local day, week or month a timestamp falls in, and whether a period holds lines in other
currencies.

Example:
    >>> when = pd.Series(pd.to_datetime(["2026-01-04 23:30"], utc=True))  # Monday 00:30 in Paris
    >>> period_start(when, "Europe/Paris", "week").dt.date.tolist()
    [datetime.date(2026, 1, 5)]
"""

from __future__ import annotations

import pandas as pd

from toolkit.analytics.time import Span
from toolkit.config import Config
from toolkit.i18n import Note


def dominant_currency(earnings: pd.DataFrame | None, notes: list[str]) -> str | None:
    """The currency of most earnings lines (None without lines); a note names the others when several.

    Example:
        >>> e = pd.DataFrame({"currency": ["EUR", "EUR", "CHF"]})
        >>> notes = []
        >>> dominant_currency(e, notes), notes
        ('EUR', ['earnings in several currencies (CHF, EUR): figures in EUR; 1 line(s) in others left out'])
    """
    if earnings is None or earnings.empty:
        return None
    counts = earnings["currency"].dropna().value_counts()
    if counts.empty:
        return None
    top = str(sorted(counts.index, key=lambda c: (-counts[c], c))[0])
    if len(counts) > 1:
        others = int(counts.sum() - counts[top])
        notes.append(Note("notes.earnings.several_currencies", currencies=", ".join(sorted(counts.index)),
                          currency=top, n=others))
    return top


def currency_lines(earnings: pd.DataFrame | None, currency: str | None, period: Span | None,
                   notes: list[str]) -> pd.DataFrame:
    """The earnings lines in `currency` within `period` ([start, end) UTC; None: all, undated included).

    Example:
        >>> e = pd.DataFrame({"earned_at": pd.to_datetime(["2026-01-05", None], utc=True),
        ...     "amount": [30.0, 2.0], "currency": ["EUR", "EUR"], "category": ["fare", "fare"]})
        >>> notes = []
        >>> span = (pd.Timestamp("2026-01-01", tz="UTC"), pd.Timestamp("2026-02-01", tz="UTC"))
        >>> currency_lines(e, "EUR", span, notes)["amount"].tolist(), notes
        ([30.0], ['1 earnings line(s) without a date left out of the period'])
    """
    if earnings is None or earnings.empty or currency is None:
        return pd.DataFrame({"earned_at": pd.Series([], dtype="datetime64[us, UTC]"), "amount": [],
                             "category": [], "job_id": []})
    lines = earnings[earnings["currency"] == currency]
    if period is not None:
        undated = int(lines["earned_at"].isna().sum())
        if undated:
            notes.append(Note("notes.earnings.undated", n=undated))
        lines = lines[(lines["earned_at"] >= period[0]) & (lines["earned_at"] < period[1])]
    return lines


def is_tip(lines: pd.DataFrame, cfg: Config) -> pd.Series:
    """Whether each line's category is one of `pay.tip_categories`.

    Example:
        >>> from toolkit.config import load_config
        >>> is_tip(pd.DataFrame({"category": ["fare", "tip"]}), load_config()).tolist()
        [False, True]
    """
    return lines["category"].isin(cfg.get("pay.tip_categories"))


def is_tax(lines: pd.DataFrame, cfg: Config) -> pd.Series:
    """Whether each line is a tax collected for the state on the worker's own supply: a positive line of
    a `pay.tax_categories` category (VAT paid out to a VAT-registered courier, to be remitted: not pay
    for work). A negative tax line (VAT on the platform's fee, or tax withheld) is already out of the
    payout, like the commission it goes with, and stays deducted.

    Example:
        >>> from toolkit.config import load_config
        >>> lines = pd.DataFrame({"category": ["fare", "tax", "tax"], "amount": [20.0, 1.6, -1.0]})
        >>> is_tax(lines, load_config()).tolist()
        [False, True, False]
    """
    return lines["category"].isin(cfg.get("pay.tax_categories")) & (lines["amount"] > 0)


def job_time(jobs: pd.DataFrame) -> pd.Series:
    """When each job happened: drop-off, else pick-up, acceptance or request time (columns present).

    Example:
        >>> j = pd.DataFrame({"dropped_off_at": pd.to_datetime([None, "2026-01-05 10:30"], utc=True),
        ...     "accepted_at": pd.to_datetime(["2026-01-05 09:00", "2026-01-05 10:00"], utc=True)})
        >>> job_time(j).dt.strftime("%H:%M").tolist()
        ['09:00', '10:30']
    """
    cols = [c for c in ("dropped_off_at", "picked_up_at", "accepted_at", "requested_at") if c in jobs.columns]
    when = jobs[cols[0]]
    for col in cols[1:]:
        when = when.fillna(jobs[col])
    return when


def period_start(when: pd.Series, zone: str, freq: str) -> pd.Series:
    """The naive local start of the day, week (Monday) or month of each timestamp.

    Example:
        >>> when = pd.Series(pd.to_datetime(["2026-01-31 23:30"], utc=True))
        >>> period_start(when, "Europe/Paris", "month").dt.date.tolist()
        [datetime.date(2026, 2, 1)]
    """
    local = when.dt.tz_convert(zone).dt.tz_localize(None)
    if freq == "month":
        return local.dt.to_period("M").dt.to_timestamp()
    days = local.dt.day_of_week if freq == "week" else 0
    return local.dt.normalize() - pd.to_timedelta(days, unit="D")


def other_currencies(earnings: pd.DataFrame | None, currency: str | None, span: Span | None) -> bool:
    """Whether the period holds earnings lines in a currency other than `currency` (undated ones count).

    Example:
        >>> other_currencies(pd.DataFrame({"earned_at": [None], "currency": ["CHF"]}), "EUR", None)
        True
    """
    if earnings is None or earnings.empty or currency is None:
        return False
    lines = earnings
    if span is not None:
        at = lines["earned_at"]
        lines = lines[at.isna() | ((at >= span[0]) & (at < span[1]))]
    return bool((lines["currency"].notna() & (lines["currency"] != currency)).any())
