"""One function per figure a user can see, each over a `toolkit.selection.Selection`.

The CLI (`gigdata metrics`), the app's pages, the PDF report and the Python API all reach a figure
through `Selection.figure(name, ...)`, which computes it once per selection; nothing else computes it.

- `time(sel, worker)`: the P0–P3 time accounting of one worker (`toolkit.analytics.time`);
- `estimate(sel)`: when the time figures are estimates, the rule used, its band and what it can tell;
- `currency(sel)`: the currency money figures are in (the dominant one of the period);
- `pay(sel, worker)`: earnings, hourly pay, costs and net pay of one worker (`toolkit.analytics.pay`);
- `pay_by_period(sel, freq)`, `pay_changes(sel, measure)`: pay per week or month, pay-rate changes;
- `sanctions(sel)`: sanctions, hours blocked (one union of blocks) and refusal penalties.

Example:
    >>> from pathlib import Path
    >>> from toolkit.selection import Selection
    >>> Selection(Path("/nonexistent-store")).figure("currency") is None
    True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from toolkit.analytics import pay as pay_mod
from toolkit.analytics.time import TimeAccounting, time_accounting
from toolkit.periods import partial_periods

if TYPE_CHECKING:
    from toolkit.selection import Selection


def time(sel: Selection, worker: str | None = None) -> TimeAccounting | None:
    """P0–P3 of one worker over the selection's span (None without dated data). Segments and jobs
    crossing the span's edges count for their part inside it.

    Example:
        >>> from pathlib import Path
        >>> from toolkit.selection import Selection
        >>> time(Selection(Path("/nonexistent-store"))) is None
        True
    """
    span = sel.span
    who = worker if worker is not None else _only_worker(sel)
    if span is None or who is None:
        return None
    return time_accounting(sel.of_worker("status_segments", who), sel.of_worker("jobs", who), span,
                           sel.zone, config=sel.config)


def estimate(sel: Selection) -> dict[str, Any] | None:
    """What an estimated time figure rests on: the chaining rule, the band of the figures over other
    gaps, and what it can and cannot tell. None when the time figures are measured.

    Example:
        >>> from pathlib import Path
        >>> from toolkit.selection import Selection
        >>> estimate(Selection(Path("/nonexistent-store"))) is None
        True
    """
    accounts = [sel.figure("time", w) for w in sel.workers]
    inferred = [a for a in accounts if a is not None and a.source == "inferred"]
    if not inferred:
        return None
    gap = float(sel.config.get("time.pseudo_session_gap_min"))
    band: dict[str, dict[str, float | None]] = {}
    for account in inferred:
        for tau, values in account.sensitivity.items():
            slot = band.setdefault(f"{tau}min", {"logged_in_h": 0.0, "waiting_h": 0.0})
            for key in slot:
                slot[key] = None if slot[key] is None or values[key] is None else slot[key] + values[key]
    for slot in band.values():
        slot["unpaid_share"] = (None if slot["waiting_h"] is None or not slot["logged_in_h"]
                                else slot["waiting_h"] / slot["logged_in_h"])
    shares = [s["unpaid_share"] for s in band.values() if s["unpaid_share"] is not None]
    return {
        "rule_gap_min": gap,
        "rule": f"no login record: sessions are the jobs chained when less than {gap:g} minutes apart",
        "band": band,
        "unpaid_share_low": min(shares) if shares else None,
        "unpaid_share_high": max(shares) if shares else None,
        "can_tell": "the time between jobs that follow each other closely, and the time on jobs",
        "cannot_tell": (f"time logged in before the first job, after the last or in gaps over {gap:g} "
                        f"minutes (left out), nor whether a gap under {gap:g} minutes was spent logged in "
                        "(counted as waiting): no wait longer than the rule is seen, and the band shows how "
                        "much the figures move with the rule"),
    }


def currency(sel: Selection) -> str | None:
    """The currency of the period's earnings (the dominant one when several, said in the pay notes)."""
    return pay_mod.dominant_currency(sel.rows("earnings"), [])


def pay(sel: Selection, worker: str | None = None) -> dict[str, Any]:
    """Earnings, pay per hour, costs, contributions and net pay of one worker over the span."""
    who = worker if worker is not None else _only_worker(sel)
    account = sel.figure("time", who) if who is not None else None
    earnings = sel.of_worker("earnings", who) if who is not None else sel.raw("earnings")
    jobs = sel.of_worker("jobs", who) if who is not None else sel.raw("jobs")
    whole = sel.with_period(None, None).figure("time", who) if sel.explicit and who is not None else None
    return pay_mod.pay_summary(earnings, jobs, account, sel.span, sel.config, sel.figure("currency"),
                               data_span=_data_span(sel), whole_time=whole)


def pay_by_period(sel: Selection, freq: Literal["week", "month"]) -> pd.DataFrame:
    """Pay per local week or month of the selection's one worker, with a `partial` column (a period the
    data covers only in part: drawn apart, kept out of "N of M periods" counts)."""
    who = _only_worker(sel)
    account = sel.figure("time", who) if who is not None else None
    if who is None or account is None or account.source is None:
        return pd.DataFrame()
    table = pay_mod.pay_by_period(sel.of_worker("earnings", who), sel.of_worker("jobs", who), account, freq,
                                  sel.config, sel.figure("currency"), period=sel.span,
                                  data_span=_data_span(sel))
    if not table.empty:
        table["partial"] = partial_periods(list(pd.DatetimeIndex(table.index)), freq, sel.covered_days)
    return table


def time_by_period(sel: Selection, freq: Literal["day", "week", "month"]) -> pd.DataFrame:
    """P0–P3 hours per local day, week or month of the one worker, with a `partial` column."""
    account = sel.figure("time", _only_worker(sel))
    if account is None or account.source is None:
        return pd.DataFrame()
    table = {"day": account.by_day, "week": account.by_week, "month": account.by_month}[freq].copy()
    if not table.empty:
        table["partial"] = partial_periods(list(pd.DatetimeIndex(table.index)), freq, sel.covered_days)
    return table


def pay_changes(sel: Selection, measure: str) -> dict[str, Any]:
    """Days the daily pay `measure` (per_job, per_km, per_minute) changed (toolkit.analytics.changepoints)."""
    from toolkit.analytics.changepoints import pay_changes as changes

    return changes(sel.rows("jobs"), sel.rows("earnings"), measure=measure, tz=sel.zone)


def sanctions(sel: Selection) -> dict[str, Any]:
    """Sanctions in the period: total, blocks, hours blocked (the union of block intervals cut to the
    period, so two overlapping blocks count once), blocks without a duration, and the sanctions whose
    rule names refusals with the hours they cost (`toolkit.analytics.sanctions`). Over all the data,
    undated sanctions count too.

    Example:
        >>> from pathlib import Path
        >>> from toolkit.selection import Selection
        >>> sanctions(Selection(Path("/nonexistent-store")))["blocked_h"] is None
        True
    """
    from toolkit.analytics.sanctions import sanctions_summary

    return dict(sanctions_summary(sel.raw("sanctions"), sel.span if sel.explicit else None))


def sanctions_timeline(sel: Selection) -> dict[str, Any]:
    """Every sanction of the period in time order with its kind, rule, stated length and the hours it
    added (`toolkit.analytics.sanctions.sanctions_timeline`), over the same rows as `sanctions`: the
    Ratings page and the report list these.

    Example:
        >>> from pathlib import Path
        >>> from toolkit.selection import Selection
        >>> sanctions_timeline(Selection(Path("/nonexistent-store")))["timeline"] is None
        True
    """
    from toolkit.analytics.sanctions import sanctions_timeline as timeline

    every = sel.raw("sanctions")
    return timeline(None if every.empty else every, sel.span if sel.explicit else None)


def offers_per_hour(sel: Selection) -> dict[str, Any]:
    """Offers per logged-in and per waiting hour, per week and overall
    (`toolkit.analytics.dispatch.offers_per_online_hour`): the Dispatch page and the report show these.

    Example:
        >>> from pathlib import Path
        >>> from toolkit.selection import Selection
        >>> offers_per_hour(Selection(Path("/nonexistent-store")))["per_logged_in_h"] is None
        True
    """
    from toolkit.analytics.dispatch import offers_per_online_hour

    def frame(table: str) -> pd.DataFrame | None:
        rows = sel.rows(table).reset_index(drop=True)
        return None if rows.empty else rows

    return offers_per_online_hour(frame("offers"), frame("offer_windows"), frame("status_segments"),
                                  freq="week", tz=sel.zone)


def lom(sel: Selection) -> dict[str, Any]:
    """The seven LOM indicators of the selection's rows per local month (`toolkit.analytics.legal`), in the
    selection's zone: the union's pooled indicators add these up member by member.

    Example:
        >>> from pathlib import Path
        >>> from toolkit.selection import Selection
        >>> lom(Selection(Path("/nonexistent-store")))["monthly"].empty
        True
    """
    from toolkit.analytics.legal import lom_indicators

    def frame(table: str) -> pd.DataFrame | None:
        rows = sel.rows(table).reset_index(drop=True)
        return None if rows.empty else rows

    jobs = sel.rows("jobs").reset_index(drop=True)
    return lom_indicators(jobs, frame("status_segments"), frame("earnings"), frame("offers"),
                          frame("offer_windows"), tz=sel.zone)


def _data_span(sel: Selection) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The local days the selection's data covers, as a UTC span (costs are prorated inside it)."""
    from toolkit.periods import local_day_span

    days = sel.data_days
    return None if days is None else local_day_span(days[0], days[1], sel.zone)


def _only_worker(sel: Selection) -> str | None:
    if sel.worker is not None:
        return sel.worker
    workers = sel.workers
    return workers[0] if len(workers) == 1 else None
