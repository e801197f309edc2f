"""Headline metrics of a store (DESIGN.md, "gigdata metrics --json"): time, jobs, pay, offers, ratings,
sanctions, for one worker or a pool, over a period of local days.

Every key of the DESIGN.md contract is present; hours are floats, shares in 0..1, money in the earnings
currency (the dominant one when there are several, said in `notes`); null where the data cannot tell,
never 0. Extra keys: `period.zone`, `time.engaged_h`/`break_h`/`offline_h`/`sources`/`sensitivity`,
`pay.gross`/`net`/costs, `offers.source`, `notes`, `definitions`. A pool sums hours and money over workers,
so its rates are pooled ratios (sum of pay / sum of hours).

Example:
    >>> import tempfile
    >>> m = metrics(Path(tempfile.mkdtemp()))
    >>> m["workers"], m["time"]["logged_in_h"], m["pay"]["earnings_total"]
    (0, None, None)
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

from toolkit.analytics import pay as pay_mod
from toolkit.analytics.time import SOURCE_RANK, TimeAccounting
from toolkit.config import Config
from toolkit.i18n import Note
from toolkit.periods import row_time
from toolkit.selection import ANALYSED, Selection

ZONE_SOURCES = {"exports": "the zone of the exports", "given": "the zone given with --zone",
                "none": "no export states a zone"}
DEFINITIONS = {
    "waiting_h": "P1: online with no job (unpaid), union over platforms",
    "to_pickup_h": "P2: accepted, going to and waiting at the pickup",
    "on_job_h": "P3: carrying the passenger or the order",
    "logged_in_h": "P1+P2+P3; engaged = P2+P3; unpaid_share = P1 / logged-in",
    "pickup_wait_median_s": "median of picked-up minus arrived-at-pickup over jobs",
    "earnings_total": "sum of all earnings lines (payout after the platform's commission)",
    "per_hour": "earnings_total minus tips, per engaged / logged-in hour",
    "net_per_hour_logged_in": "(earnings - vehicle costs - fixed costs - contributions) / logged-in hours",
    "minimum_wage_per_hour": "configured hourly minimum wage for the currency, day-weighted over the period",
    "acceptance_rate": "accepted / offered",
    "ratings.mean": "mean of rating x 5 / scale",
    "blocked_h": "union of block intervals [at, at + duration], cut to the period",
}


def metrics(
    store: Path, worker: str | None = None, platform: str | None = None, start: date | None = None,
    end: date | None = None, config: Config | None = None, zone: str | None = None,
    config_file: Path | None = None,
) -> dict[str, Any]:
    """The DESIGN.md metrics object for the store's rows of `worker`/`platform` over local days start..end.

    `config` is a ready Config (used as it is); `config_file` a TOML file laid over the defaults of the
    worker's country (toolkit.countries), as `gigdata metrics --config` does. Days are cut in `zone`, else
    in the zone of the worker's exports (`period.zone` says which, and
    `period.zone_source` why); without start/end the period is the span of the data.

    Example:
        >>> import tempfile
        >>> sorted(metrics(Path(tempfile.mkdtemp())))[:4]
        ['definitions', 'jobs', 'notes', 'offers']
    """
    return metrics_of(select(store, worker, platform, start, end, config, zone, config_file))


def select(
    store: Path, worker: str | None = None, platform: str | None = None, start: date | None = None,
    end: date | None = None, config: Config | None = None, zone: str | None = None,
    config_file: Path | None = None,
) -> Selection:
    """The selection `gigdata metrics` and `gigdata report` compute from: one of --from/--to alone is
    bounded by the data's own first or last day (ValueError when nothing is dated).

    Example:
        >>> import tempfile
        >>> select(Path(tempfile.mkdtemp())).zone
        'UTC'
    """
    if (start is None) != (end is None):
        selection = Selection(store, worker, platform, zone=zone, preset=config, config_file=config_file)
        days = selection.data_days
        if days is None:
            raise ValueError("the store holds no dated row to bound the period")
        start, end = start or days[0], end or days[1]
    return Selection(store, worker, platform, start, end, zone=zone, preset=config, config_file=config_file)


def metrics_of(sel: Selection) -> dict[str, Any]:
    """The DESIGN.md metrics object of a selection (`Selection.metrics()` keeps it once computed).

    Example:
        >>> metrics_of(Selection(Path("/nonexistent-store")))["period"]["zone"]
        'UTC'
    """
    notes: list[str] = []
    if sel.zone_choice.note:
        notes.append(sel.zone_choice.note)
    workers = sel.workers
    currency = pay_mod.dominant_currency(sel.rows("earnings"), notes)
    per_worker = [{"worker": w, "time": sel.figure("time", w), "pay": sel.figure("pay", w)} for w in workers]
    for figures in per_worker:
        own = (figures["time"].notes if figures["time"] else []) + figures["pay"]["notes"]
        notes += [Note("notes.metrics.of_worker", worker=figures["worker"], note=n) if len(workers) > 1 else n
                  for n in own]
    timed = sum(1 for f in per_worker if f["time"] is not None and f["time"].source)
    if 0 < timed < len(workers):
        notes.append(Note("notes.metrics.time_some", known=timed, workers=len(workers)))
    if sel.explicit:
        notes += _undated_notes(sel)
    days = sel.days
    return {
        "workers": len(workers), "platforms": sel.platforms,
        "period": {"start": str(days[0]) if days else None, "end": str(days[1]) if days else None,
                   "zone": sel.zone, "zone_source": sel.zone_choice.how},
        "time": {**_time_section(per_worker), "estimate": sel.figure("estimate")},
        "jobs": _jobs_section(sel.raw("jobs"), sel.rows("jobs")),
        "pay": _pay_section(per_worker, currency),
        "offers": _offers_section(sel),
        "ratings": _ratings_section(sel.raw("ratings"), sel.rows("ratings")),
        "sanctions": sel.figure("sanctions"),
        "notes": list(dict.fromkeys(notes)),
        "definitions": DEFINITIONS,
    }


def render_metrics(m: dict[str, Any]) -> str:
    """The metrics object as readable plain-text tables (no colours).

    Example:
        >>> import tempfile
        >>> "logged in" in render_metrics(metrics(Path(tempfile.mkdtemp())))
        True
    """
    buffer = io.StringIO()
    console = Console(file=buffer, width=100, color_system=None, force_terminal=False)
    period = m["period"]
    console.print(f"{m['workers']} worker(s), platforms: {', '.join(m['platforms']) or '-'}; "
                  f"{period['start'] or '?'} to {period['end'] or '?'}, local days in {period['zone']} "
                  f"({ZONE_SOURCES.get(period.get('zone_source') or '', 'zone')})")
    cur = m["pay"]["currency"] or ""
    estimate = m["time"].get("estimate")
    est = " (estimated)" if estimate else ""
    band = ("" if not estimate else
            f"; band {_pct(estimate['unpaid_share_low'])}-{_pct(estimate['unpaid_share_high'])}")
    rows = [
        ("time", f"logged in{est}", _fmt(m["time"]["logged_in_h"], " h"),
         f"source: {m['time']['source'] or '-'}"),
        ("time", f"waiting, unpaid (P1){est}", _fmt(m["time"]["waiting_h"], " h"),
         _pct(m["time"]["unpaid_share"]) + band),
        ("time", "to pickup (P2)", _fmt(m["time"]["to_pickup_h"], " h"), ""),
        ("time", "on job (P3)", _fmt(m["time"]["on_job_h"], " h"), ""),
        ("time", "wait at pickup, median", _fmt(m["time"]["pickup_wait_median_s"], " s", 0), ""),
        ("jobs", "total / completed / cancelled",
         " / ".join(_fmt(m["jobs"][k], "", 0) for k in ("total", "completed", "cancelled")), ""),
        ("pay", "earnings total", _fmt(m["pay"]["earnings_total"], f" {cur}", 2),
         f"tips {_fmt(m['pay']['tips'], '', 2)}"),
        ("pay", "per engaged hour", _fmt(m["pay"]["per_hour_engaged"], f" {cur}/h", 2), "excl. tips"),
        ("pay", "per logged-in hour", _fmt(m["pay"]["per_hour_logged_in"], f" {cur}/h", 2), "excl. tips"),
        ("pay", "net per logged-in hour", _fmt(m["pay"]["net_per_hour_logged_in"], f" {cur}/h", 2),
         "after costs and contributions"),
        ("pay", "minimum wage", _fmt(m["pay"]["minimum_wage_per_hour"], f" {cur}/h", 2), "gross, per hour"),
        ("offers", "offered / accepted",
         " / ".join(_fmt(m["offers"][k], "", 0) for k in ("offered", "accepted")),
         f"acceptance {_pct(m['offers']['acceptance_rate'])}; source: {m['offers']['source'] or '-'}"),
        ("ratings", "count / mean (of 5)",
         f"{_fmt(m['ratings']['count'], '', 0)} / {_fmt(m['ratings']['mean'], '', 2)}", ""),
        ("sanctions", "total / blocked",
         f"{_fmt(m['sanctions']['total'], '', 0)} / {_fmt(m['sanctions']['blocked_h'], ' h')}", ""),
    ]
    table = Table("", "measure", "value", "note", show_lines=False)
    for row in rows:
        table.add_row(*row)
    console.print(table)
    if estimate:
        console.print(f"estimate: {estimate['rule']}; it cannot tell {estimate['cannot_tell']}")
    for note in m["notes"]:
        console.print(f"note: {note}")
    return buffer.getvalue()



def _time_section(per_worker: list[dict[str, Any]]) -> dict[str, Any]:
    known: list[TimeAccounting] = [f["time"] for f in per_worker
                                   if f["time"] is not None and f["time"].source]
    if not known:
        return {"logged_in_h": None, "waiting_h": None, "to_pickup_h": None, "on_job_h": None,
                "unpaid_share": None, "pickup_wait_median_s": _pickup_median(per_worker), "source": None,
                "engaged_h": None, "break_h": None, "offline_h": None, "reconnect_added_h": None,
                "sources": {}, "sensitivity": {}}

    def total(key: str) -> float | None:  # unknown for one worker is unknown for the pool
        values = [t.hours.get(key) for t in known]
        return None if any(v is None for v in values) else float(sum(v or 0.0 for v in values))

    logged = total("logged_in")
    waiting = total("P1")
    band: dict[str, dict[str, float | None]] = {}
    for t in known:
        for tau, figures in t.sensitivity.items():
            slot = band.setdefault(f"{tau}min", {"logged_in_h": 0.0, "waiting_h": 0.0})
            for key in slot:
                slot[key] = (slot[key] or 0.0) + (figures[key] or 0.0)
    for slot in band.values():
        slot["unpaid_share"] = _ratio(slot["waiting_h"], slot["logged_in_h"])
    return {
        "logged_in_h": logged, "waiting_h": waiting, "to_pickup_h": total("P2"),
        "on_job_h": total("P3"),
        "unpaid_share": waiting / logged if logged and waiting is not None else None,
        "pickup_wait_median_s": _pickup_median(per_worker),
        "source": max((t.source for t in known if t.source), key=SOURCE_RANK.__getitem__),
        "engaged_h": total("engaged"), "break_h": total("break"), "offline_h": total("P0"),
        "reconnect_added_h": total("reconnect_added"),
        "sources": {f["worker"]: f["time"].sources for f in per_worker if f["time"] is not None},
        "sensitivity": band,
    }


def _pickup_median(per_worker: list[dict[str, Any]]) -> float | None:
    waits = [f["time"].pickup_wait["seconds"] for f in per_worker
             if f["time"] is not None and f["time"].pickup_wait["count"]]
    return float(pd.concat(waits).median()) if waits else None


def _pay_section(per_worker: list[dict[str, Any]], currency: str | None) -> dict[str, Any]:
    pays = [f["pay"] for f in per_worker]

    def total(key: str) -> float | None:
        values = [p.get(key) for p in pays]
        return None if not values or any(v is None for v in values) else float(sum(values))

    hours = [f["time"].hours if f["time"] is not None else {} for f in per_worker]
    logged = _sum_or_none([h.get("logged_in") for h in hours])
    engaged = _sum_or_none([h.get("engaged") for h in hours])
    gross, net = total("gross"), total("net")
    if len(pays) == 1:  # one worker: the pay summary's own figures (over the days the hours cover)
        hourly = {k: pays[0].get(k)
                  for k in ("per_hour_engaged", "per_hour_logged_in", "net_per_hour_logged_in")}
    else:  # a pool: pooled ratios, unknown when one worker's is
        def pooled(key: str, money: str, hours_total: float | None) -> float | None:
            return None if any(p.get(key) is None for p in pays) else _ratio(total(money), hours_total)

        hourly = {"per_hour_engaged": pooled("per_hour_engaged", "gross_covered", engaged),
                  "per_hour_logged_in": pooled("per_hour_logged_in", "gross_covered", logged),
                  "net_per_hour_logged_in": pooled("net_per_hour_logged_in", "net_covered", logged)}
    return {
        "currency": currency, "earnings_total": total("earnings_total"), "tips": total("tips"),
        **hourly,
        "minimum_wage_per_hour": pays[0]["minimum_wage_per_hour"] if pays else None,
        "taxes": total("taxes"), "gross": gross, "net": net, "distance_km": total("distance_km"),
        "distances_replaced": total("distances_replaced"),
        "vehicle_cost": total("vehicle_cost"),
        "fixed_cost": total("fixed_cost"), "contributions": total("contributions"),
        "methods": pays[0]["methods"] if pays else {},
        "parameters": pays[0].get("parameters", {}) if len(pays) == 1 else {},
    }


def _jobs_section(all_jobs: pd.DataFrame, jobs: pd.DataFrame) -> dict[str, Any]:
    if all_jobs.empty:
        return {"total": None, "completed": None, "cancelled": None, "failed": None}
    status = jobs["status"]
    return {"total": int(len(jobs)), "completed": int((status == "completed").sum()),
            "cancelled": int(status.isin(("cancelled_by_customer", "cancelled_by_worker")).sum()),
            "failed": int((status == "failed").sum())}


def _offers_section(sel: Selection) -> dict[str, Any]:
    counts = {"offered": 0, "accepted": 0, "rejected": 0, "expired": 0}
    used: dict[str, str] = {}
    frames = {t: sel.raw(t) for t in ("offers", "offer_windows")}
    inside = {t: sel.rows(t) for t in ("offers", "offer_windows")}
    platforms = sorted(set(frames["offers"]["platform"]) | set(frames["offer_windows"]["platform"]))
    for p in platforms:
        rows = inside["offers"][inside["offers"]["platform"] == p]
        if (frames["offers"]["platform"] == p).any():
            used[p] = "offers"
            counts["offered"] += len(rows)
            for outcome in ("accepted", "rejected", "expired"):
                counts[outcome] += int((rows["outcome"] == outcome).sum())
        else:
            used[p] = "offer_windows"
            windows = inside["offer_windows"][inside["offer_windows"]["platform"] == p]
            for key, column in (("offered", "offers"), ("accepted", "accepted"), ("rejected", "rejected"),
                                ("expired", "expired")):
                counts[key] += int(windows[column].fillna(0).sum())
    if not used:
        return {**dict.fromkeys(counts), "acceptance_rate": None, "source": None}
    kinds = sorted(set(used.values()))
    source = kinds[0] if len(kinds) == 1 else "; ".join(f"{p}: {s}" for p, s in used.items())
    rate = counts["accepted"] / counts["offered"] if counts["offered"] else None
    return {**counts, "acceptance_rate": rate, "source": source}


def _ratings_section(all_ratings: pd.DataFrame, ratings: pd.DataFrame) -> dict[str, Any]:
    if all_ratings.empty:
        return {"count": None, "mean": None}
    stars = (ratings["rating"] * 5.0 / ratings["scale"]).dropna()
    return {"count": int(len(stars)), "mean": float(stars.mean()) if len(stars) else None}



def _undated_notes(sel: Selection) -> list[str]:
    notes: list[str] = []
    for table in ANALYSED:
        undated = int(row_time(sel.raw(table), table).isna().sum())
        if undated:
            notes.append(Note("notes.metrics.undated", table=table, n=undated))
    return notes


def _sum_or_none(values: list[float | None]) -> float | None:
    return None if not values or any(v is None for v in values) else float(sum(v or 0.0 for v in values))


def _ratio(num: float | None, den: float | None) -> float | None:
    return None if num is None or not den else num / den



def _fmt(value: float | int | None, unit: str = "", digits: int = 1) -> str:
    return "unknown" if value is None else f"{value:,.{digits}f}{unit}"


def _pct(value: float | None) -> str:
    return "unknown" if value is None else f"{value:.0%}"
