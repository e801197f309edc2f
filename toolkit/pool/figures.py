"""Collective figures of a pool, with disclosure control on every cell.

Each member's figures come from the read layer over the pool's store (`Selection(pool.store,
worker=pseudonym)` and `toolkit.figures`), the functions that give a worker their own figures; this
module only pools them, per local month and per year (and per pay currency: money in two currencies is
never summed).

Disclosure control (issue "Unions", security.md §3.6, methods.md §6.3):

- a cell is the members of one period and currency; it is released only with at least `k` members
  (`K_EXPORT` = 10 for anything that leaves the union's machine, `K_INTERNAL` = 5 for the union's own
  view; `k` can be raised, never lowered);
- dominance: a total (jobs, hours, pay, hours blocked) is withheld where one member makes more than half
  of it;
- differencing: a year's totals are withheld when a month of that year was withheld (the year minus the
  released months would give it); shares and quartiles are not differenced by a sum;
- a pool of fewer than `POOL_MINIMUM` = 20 members releases nothing for export;
- histograms of members' unpaid shares show a bin's count only when it holds `k` members or none.

Example:
    >>> cell_check([2.0, 1.0, 1.0], k=3)
    'released'
    >>> cell_check([5.0, 1.0, 1.0], k=3)
    'dominance'
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from toolkit.pool.folder import CACHE, Pool
from toolkit.pool.invoices import invoice_years
from toolkit.selection import Selection, export_zone

K_EXPORT = 10
K_INTERNAL = 5
POOL_MINIMUM = 20
DOMINANCE = 0.5
"""A total is withheld where the largest member's share of it is above this."""
PARALLEL_FROM = 8
"""From this many members, members' months are computed on every core (one process per core)."""
SHARE_BINS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0000001)
TOTALS = ("jobs", "logged_in_h", "waiting_h", "engaged_h", "gross", "net", "refusal_sanctions",
          "refusal_blocked_h", "blocked_h")
SPREAD = ("unpaid_share", "per_hour_logged_in", "per_hour_engaged", "net_per_hour_logged_in",
          "net_per_hour_engaged")


@dataclass(frozen=True)
class Rules:
    """The disclosure rules of one release."""

    k: int
    internal: bool

    @classmethod
    def of(cls, internal: bool, k: int | None = None) -> Rules:
        """The rules for the internal view or an export; `k` may only raise the minimum."""
        floor = K_INTERNAL if internal else K_EXPORT
        if k is not None and k < floor:
            raise ValueError(f"k = {k} is under the minimum of {floor} members per cell for "
                             f"{'the internal view' if internal else 'an export'}; it can only be raised")
        return cls(k or floor, internal)


def cell_check(values: list[float], k: int) -> str:
    """'released', 'too_few' (under k members) or 'dominance' (one member over half the total)."""
    if len(values) < k:
        return "too_few"
    total = float(np.nansum(np.abs(values)))
    if total > 0 and float(np.nanmax(np.abs(values))) > DOMINANCE * total:
        return "dominance"
    return "released"


def member_months(pool: Pool, config_file: Path | None = None) -> pd.DataFrame:
    """One row per member and local month: the member's own figures for that month (from the same
    functions as `gigdata metrics --worker`), the base of every collective figure.

    Each member's months are kept in `POOL/figures/<pseudonym>.parquet` under a key made of what the member
    sent (their bundles), the costs file and the code that computes them; a member whose key changed (a new
    bundle, another costs file, another version of gigdata) is computed again, the others are read back.
    `gigdata pool add` computes the new members' months at once (`refresh`)."""
    return kept_figures(pool, config_file).months


def refresh(pool: Pool, config_file: Path | None = None) -> int:
    """Compute and keep the months of every member whose kept figures are missing or out of date (after
    `Pool.add`); the number computed."""
    return kept_figures(pool, config_file).computed


MONTH_COLUMNS = ["member", "month", "year", "currency", "partial", *TOTALS, *SPREAD, "minimum_wage_per_hour",
                 "below_minimum_wage", "weeks", "weeks_below_minimum"]


@dataclass
class Kept:
    """Every member's months and whole-data facts (offers per logged-in hour, deactivation day)."""

    months: pd.DataFrame
    facts: dict[str, dict[str, Any]]
    computed: int


def kept_figures(pool: Pool, config_file: Path | None = None) -> Kept:
    """The members' months and facts, read back where kept and up to date, computed (on every core from
    `PARALLEL_FROM` members) and kept where not."""
    register = pool.register()["members"]
    members = pool.member_ids()
    keys = {pid: _member_key(register[pid], config_file) for pid in members}
    frames: dict[str, pd.DataFrame] = {}
    facts: dict[str, dict[str, Any]] = {}
    missing = []
    for pid in members:
        kept = _read_kept(pool, pid, keys[pid])
        if kept is None:
            missing.append(pid)
        else:
            frames[pid], facts[pid] = kept
    for pid, (rows, own) in _compute(pool, missing, config_file):
        frame = pd.DataFrame(rows, columns=MONTH_COLUMNS + list(LOM))
        _keep(pool, pid, keys[pid], frame, own)
        frames[pid], facts[pid] = frame, own
    parts = [frames[pid] for pid in members if len(frames[pid])]
    table = (pd.concat(parts, ignore_index=True) if parts
             else pd.DataFrame(columns=MONTH_COLUMNS + list(LOM)))
    return Kept(table, facts, len(missing))


def _compute(pool: Pool, members: list[str], config_file: Path | None) -> Iterator[tuple[str, Computed]]:
    if len(members) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=min(os.cpu_count() or 1, 4), mp_context=context) as workers:
            yield from zip(members, workers.map(_member_rows, [pool.store] * len(members), members,
                                                [config_file] * len(members), chunksize=4), strict=True)
    else:
        for pid in members:
            yield pid, _member_rows(pool.store, pid, config_file)


def _member_key(entry: dict[str, Any], config_file: Path | None) -> str:
    """What a member's months depend on: the bundles they sent, the costs file, the code."""
    digest = hashlib.sha256(json.dumps(
        {"bundles": sorted(entry.get("bundles", [])), "exports": sorted(entry.get("exports", []))},
        sort_keys=True).encode())
    digest.update(b"\0" + (hashlib.sha256(config_file.read_bytes()).digest() if config_file else b""))
    digest.update(b"\0" + _code_fingerprint().encode())
    return digest.hexdigest()


@functools.cache
def _code_fingerprint() -> str:
    """SHA-256 over the toolkit's source and data files: any change of the code that computes figures
    makes kept figures out of date."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".toml", ".csv", ".json"}:
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _kept_path(pool: Pool, pid: str) -> Path:
    return pool.folder / CACHE / f"{pid}.parquet"


def _read_kept(pool: Pool, pid: str, key: str) -> tuple[pd.DataFrame, dict[str, Any]] | None:
    path = _kept_path(pool, pid)
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException):
        return None  # missing or unreadable: computed again
    meta = table.schema.metadata or {}
    if meta.get(b"gigdata_key") != key.encode() or b"gigdata_facts" not in meta:
        return None
    frame = table.to_pandas()
    if list(frame.columns) != MONTH_COLUMNS + list(LOM):
        return None
    return frame, json.loads(meta[b"gigdata_facts"])


def _keep(pool: Pool, pid: str, key: str, frame: pd.DataFrame, facts: dict[str, Any]) -> None:
    folder = pool.folder / CACHE
    folder.mkdir(exist_ok=True)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), b"gigdata_key": key.encode(),
                                          b"gigdata_facts": json.dumps(facts).encode()})
    temp = folder / f".{pid}.{uuid.uuid4().hex}.tmp"
    try:
        pq.write_table(table, temp)
        os.replace(temp, _kept_path(pool, pid))
    except OSError:
        pass  # a pool folder that cannot be written to still gives its figures, computed each time
    finally:
        temp.unlink(missing_ok=True)


Computed = tuple[list[dict[str, Any]], dict[str, Any]]


def _member_rows(store: Path, pid: str, config_file: Path | None) -> Computed:
    """One member's months and facts (worker by worker: the pool is never in memory at once)."""
    sel = Selection(store, worker=pid, config_file=config_file)
    sanctions = sel.raw("sanctions")
    ended = sanctions[(sanctions["kind"] == "deactivation") & sanctions["at"].notna()]
    params = sel.figure("pay").get("parameters", {})
    sources = [str(t) for t in (params.get("cost_source"), params.get("contribution_source"),
                                (params.get("minimum_wage") or {}).get("source")) if t]
    facts = {"offers_per_logged_in_h": _num(sel.figure("offers_per_hour").get("per_logged_in_h")),
             "rate_sources": sources,
             "deactivated_on": str(pd.Timestamp(ended["at"].min()).tz_convert(sel.zone).date())
             if len(ended) else None}
    return _months_of(sel, pid), facts


def _months_of(sel: Selection, pid: str) -> list[dict[str, Any]]:
    pay = sel.figure("pay_by_period", "month")
    hours = sel.figure("time_by_period", "month")
    if pay.empty:
        return []
    weeks = sel.figure("pay_by_period", "week")
    legal = sel.figure("lom")["monthly"]
    legal_by_month = {pd.Timestamp(m).strftime("%Y-%m"): row for m, row in legal.iterrows()}
    out = []
    for start, row in pay.iterrows():
        stamp = pd.Timestamp(start)
        first = stamp.date()
        last = (stamp + pd.offsets.MonthEnd(0)).date()
        month = sel.with_period(first, last)
        jobs = month.rows("jobs")
        sanctions = month.figure("sanctions")
        own_weeks = weeks[[pd.Timestamp(w).date().replace(day=1) == first for w in weeks.index]] \
            if not weeks.empty else weeks
        whole = own_weeks[~own_weeks["partial"].astype(bool)] if not own_weeks.empty else own_weeks
        time_row = hours.loc[start] if start in hours.index else None
        engaged = row.get("engaged_h")
        out.append({
            "member": pid, "month": stamp.strftime("%Y-%m"), "year": stamp.year,
            "currency": row.get("currency"), "partial": bool(row.get("partial")),
            "jobs": int(len(jobs)), "logged_in_h": _num(row.get("logged_in_h")),
            "waiting_h": _num(time_row["P1"]) if time_row is not None else None,
            "engaged_h": _num(engaged), "gross": _num(row.get("gross")), "net": _num(row.get("net")),
            "refusal_sanctions": sanctions.get("refusal_sanctions"),
            "refusal_blocked_h": sanctions.get("refusal_blocked_h"), "blocked_h": sanctions.get("blocked_h"),
            "unpaid_share": _num(time_row["unpaid_share"]) if time_row is not None else None,
            "per_hour_logged_in": _num(row.get("per_hour_logged_in")),
            "per_hour_engaged": _num(row.get("per_hour_engaged")),
            "net_per_hour_logged_in": _num(row.get("net_per_hour_logged_in")),
            "net_per_hour_engaged": _ratio(_num(row.get("net")), _num(engaged)),
            "minimum_wage_per_hour": _num(row.get("minimum_wage_per_hour")),
            "below_minimum_wage": (None if pd.isna(row.get("below_minimum_wage"))
                                   else bool(row["below_minimum_wage"])),
            "weeks": int(len(whole)),
            "weeks_below_minimum": int(whole["below_minimum_wage"].fillna(False).astype(bool).sum())
            if len(whole) else 0,
            **_lom_of(legal_by_month.get(stamp.strftime("%Y-%m"))),
        })
    return out


LOM_SUMS = ("lom_prestations", "lom_duration_h", "lom_income", "lom_waiting_h", "lom_offers")
LOM_MEANS = ("lom_weekly_duration_h", "lom_weekly_income", "lom_month_duration_h", "lom_month_income")
LOM = LOM_SUMS + LOM_MEANS
"""A member-month's parts of the seven LOM indicators (`toolkit.figures.lom`)."""
LOM_POOLED = ("mean_duration_min", "mean_income_per_prestation", "mean_wait_before_offer_min",
              "mean_weekly_duration_h", "mean_weekly_income", "mean_monthly_duration_h",
              "mean_monthly_income")
"""The seven indicators pooled, in the order of the décret (code des transports R1326-4 ff.)."""


def _lom_of(row: Any) -> dict[str, float | None]:
    if row is None:
        return dict.fromkeys(LOM)
    return {"lom_prestations": _num(row["prestations"]), "lom_duration_h": _num(row["duration_h"]),
            "lom_income": _num(row["income"]), "lom_waiting_h": _num(row["waiting_h"]),
            "lom_offers": _num(row["offers"]), "lom_weekly_duration_h": _num(row["mean_weekly_duration_h"]),
            "lom_weekly_income": _num(row["mean_weekly_income"]),
            "lom_month_duration_h": _num(row["duration_h"]), "lom_month_income": _num(row["income"])}


def pooled_lom(group: pd.DataFrame, rules: Rules) -> dict[str, Any]:
    """The seven LOM indicators over the members of one cell: 1-3 as ratios of pooled sums (duration and
    income per prestation, waiting per offer received), 4-7 as means over members of their weekly and
    monthly duration and income; each withheld under k members or where one member makes over half of
    the sums it rests on."""
    per_member = group.groupby("member")[[c for c in LOM_SUMS if c in group]].sum(min_count=1)

    def released(column: str) -> float | None:
        values = per_member[column].dropna().astype(float).tolist() if column in per_member else []
        return float(np.sum(values)) if cell_check(values, rules.k) == "released" else None

    prest, hours, income = released("lom_prestations"), released("lom_duration_h"), released("lom_income")
    waiting, offers = released("lom_waiting_h"), released("lom_offers")

    def mean_of(column: str) -> float | None:
        values = group.groupby("member")[column].mean().dropna() if column in group else pd.Series()
        return float(values.mean()) if len(values) >= rules.k else None

    return {
        "mean_duration_min": None if hours is None else _ratio(hours * 60.0, prest),
        "mean_income_per_prestation": _ratio(income, prest),
        "mean_wait_before_offer_min": None if waiting is None else _ratio(waiting * 60.0, offers),
        "mean_weekly_duration_h": mean_of("lom_weekly_duration_h"),
        "mean_weekly_income": mean_of("lom_weekly_income"),
        "mean_monthly_duration_h": mean_of("lom_month_duration_h"),
        "mean_monthly_income": mean_of("lom_month_income"),
    }


LOST_WEEKS = 12
"""Weeks of earnings before a deactivation whose weekly mean is taken as what the member would have kept
earning (FareShare, Rao et al. 2025, after Washington State's 12-week rule; its exact legal formula is
not checked here: the figure is an estimate and says so)."""


def deactivation_days(pool: Pool, given: dict[str, date] | None = None,
                      kept: Kept | None = None) -> dict[str, date]:
    """Each deactivated member's deactivation day: the day the union entered (`given`, by pseudonym),
    else the first local day of a `deactivation` in the member's sanctions."""
    kept = kept or kept_figures(pool)
    members = set(pool.member_ids())
    found = {pid: day for pid, day in (given or {}).items() if pid in members}
    for pid, facts in kept.facts.items():
        if pid not in found and facts.get("deactivated_on"):
            found[pid] = date.fromisoformat(facts["deactivated_on"])
    return dict(sorted(found.items()))


def lost_earnings(pool: Pool, rules: Rules, given: dict[str, date] | None = None,
                  until: date | None = None, config_file: Path | None = None,
                  kept: Kept | None = None) -> dict[str, Any]:
    """Estimated earnings lost by deactivated members (the 12-week method): per member, the mean weekly
    gross pay (`toolkit.figures.pay`: earnings minus tips and taxes) over the `LOST_WEEKS` local weeks
    before the deactivation day (fewer when the data starts later: said), times the weeks from that day to
    `until` (default today). Pooled: members, the total and the median weekly figure, under the cell
    rules; per member in the internal view only."""
    days = deactivation_days(pool, given, kept or kept_figures(pool, config_file))
    end = until or date.today()
    members = []
    for pid, day in sorted(days.items()):
        sel = Selection(pool.store, worker=pid, config_file=config_file)
        data = sel.data_days
        first = day - timedelta(weeks=LOST_WEEKS)
        if data is not None:
            first = max(first, data[0])
        weeks = (day - first).days / 7
        before = sel.with_period(first, day - timedelta(days=1)) if weeks > 0 else None
        gross = None if before is None else before.figure("pay").get("gross")
        weekly = None if gross is None or weeks <= 0 else gross / weeks
        out_weeks = max(0.0, (end - day).days / 7)
        members.append({"member": pid, "deactivated_on": str(day), "weeks_before": weeks,
                        "weekly_gross": weekly, "weeks_out": out_weeks,
                        "lost": None if weekly is None else weekly * out_weeks,
                        "currency": sel.figure("currency")})
    known = [m for m in members if m["lost"] is not None]
    result: dict[str, Any] = {
        "method": (f"mean weekly gross pay over the {LOST_WEEKS} local weeks before the deactivation (fewer "
                   "when the data starts later), times the weeks from the deactivation to the end date; an "
                   "estimate: it assumes the member would have kept working as before, and the exact "
                   "formula of Washington's 12-week rule was not checked"),
        "until": str(end), "members": len(known) if len(known) >= rules.k else None,
    }
    if len({m["currency"] for m in known}) > 1:
        result.update(status="not_computed", reason="the members are paid in several currencies")
    elif cell_check([float(m["lost"]) for m in known], rules.k) != "released":
        result.update(status="withheld", reason=f"fewer than {rules.k} deactivated members with earnings, "
                                                "or one of them over half of the total")
    else:
        result.update(status="released", currency=known[0]["currency"],
                      total=float(sum(m["lost"] for m in known)),
                      median_weekly=float(np.median([m["weekly_gross"] for m in known])))
    if rules.internal:
        result["per_member"] = members
    return result


def read_deactivations(path: Path) -> dict[str, date]:
    """Deactivation days the union knows (from the members' notices): a TOML file of
    `"pseudonym" = 2025-03-02` lines. A clear error names what is wrong.

    Example:
        >>> import tempfile
        >>> f = Path(tempfile.mkdtemp()) / "d.toml"
        >>> _ = f.write_text('"6de36a39d909c1ebfa5b55c8e6fdc308" = 2025-03-02\\n')
        >>> read_deactivations(f)
        {'6de36a39d909c1ebfa5b55c8e6fdc308': datetime.date(2025, 3, 2)}
    """
    import tomllib

    try:
        content = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{path.name}: not a readable TOML file ({exc})") from exc
    bad = [k for k, v in content.items() if not isinstance(v, date) or isinstance(v, datetime)]
    if bad:
        raise ValueError(f"{path.name}: {', '.join(bad[:3])} must be given a day such as 2025-03-02")
    return dict(content)


def read_published(path: Path) -> dict[str, dict[str, float]]:
    """The LOM indicators a platform published, as the union entered them: a TOML file with one table per
    year holding any of `LOM_POOLED` (e.g. `[2025]` then `mean_duration_min = 21.5`). A clear error
    names what is wrong.

    Example:
        >>> import tempfile
        >>> f = Path(tempfile.mkdtemp()) / "uber.toml"
        >>> _ = f.write_text("[2025]\\nmean_duration_min = 21.5\\n")
        >>> read_published(f)
        {'2025': {'mean_duration_min': 21.5}}
    """
    import tomllib

    try:
        content = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{path.name}: not a readable TOML file ({exc})") from exc
    out: dict[str, dict[str, float]] = {}
    for year, values in content.items():
        if not (isinstance(year, str) and year.isdigit() and len(year) == 4 and isinstance(values, dict)):
            raise ValueError(f"{path.name}: {year!r} is not a year table such as [2025]")
        unknown = sorted(set(values) - set(LOM_POOLED))
        if unknown:
            raise ValueError(f"{path.name}: [{year}] names {', '.join(unknown)}, not a LOM indicator "
                             f"(known: {', '.join(LOM_POOLED)})")
        bad = [k for k, v in values.items() if isinstance(v, bool) or not isinstance(v, int | float)
               or not np.isfinite(v) or v < 0]
        if bad:
            raise ValueError(f"{path.name}: [{year}] {', '.join(bad)} must be a number of 0 or more")
        out[year] = {k: float(v) for k, v in values.items()}
    return out


def collective(pool: Pool, internal: bool = False, k: int | None = None,
               config_file: Path | None = None, table: pd.DataFrame | None = None,
               published: dict[str, dict[str, float]] | None = None,
               deactivations: dict[str, date] | None = None, until: date | None = None,
               kept: Kept | None = None) -> dict[str, Any]:
    """The pool's collective figures per month and per year under the disclosure rules.

    An export (`internal=False`) needs `POOL_MINIMUM` members; the internal view also lists each member's
    headline figures by pseudonym (never for export)."""
    rules = Rules.of(internal, k)
    members = pool.member_ids()
    if not internal and len(members) < POOL_MINIMUM:
        raise ValueError(f"the pool has {len(members)} member(s); figures leave the union only from "
                         f"{POOL_MINIMUM} members on (use --internal for the union's own view, "
                         f"k = {K_INTERNAL})")
    kept = kept or kept_figures(pool, config_file)
    months = kept.months if table is None else table
    out_months = [_cell(group, rules, {"period": m, "currency": c})
                  for (m, c), group in months.groupby(["month", "currency"], dropna=False)]
    withheld = {(c["period"][:4], c["currency"]) for c in out_months
                if c["status"] != "released" or any(c["totals"][t] is None and c["withheld"].get(t)
                                                    for t in TOTALS)}
    out_years = []
    for (year, currency), group in months.groupby(["year", "currency"], dropna=False):
        per_member = _member_year(group)
        cell = _cell(per_member, rules, {"period": str(year), "currency": currency})
        if (str(year), currency) in withheld and cell["status"] == "released":
            for name in TOTALS:
                if cell["totals"][name] is not None:
                    cell["totals"][name] = None
                    cell["withheld"][name] = ("a month of this year is withheld: the year's total "
                                              "would give it")
        if published and str(year) in published:
            cell["lom_published"] = published[str(year)]
        out_years.append(cell)
    result: dict[str, Any] = {
        "view": "internal" if internal else "export", "k": rules.k, "dominance": DOMINANCE,
        "pool_minimum": POOL_MINIMUM, "members": len(members),
        "zone": export_zone(pool.store).zone,
        "months": out_months, "years": out_years,
        "definitions": DEFINITIONS,
    }
    result["pay_changes"] = pooled_pay_changes(pool, rules)
    result["lost_earnings"] = lost_earnings(pool, rules, deactivations, until, config_file, kept)
    result["invoice_years"] = invoice_years(pool, rules, config_file)
    if internal:
        result["per_member"] = _per_member(pool, kept)
    return result


def pooled_pay_changes(pool: Pool, rules: Rules, measure: str = "per_km") -> dict[str, Any]:
    """Days the members' pooled daily pay `measure` changed (did the platform cut pay for everyone on one
    day?): `toolkit.figures.pay_changes` over every member's jobs at once. Released with at least k
    members with jobs, and only in one currency (pay per km in two currencies is not one series)."""
    sel = Selection(pool.store)
    jobs = sel.raw("jobs")
    members = int(jobs["worker_id"].nunique()) if len(jobs) else 0
    base: dict[str, Any] = {"measure": measure, "members": members if members >= rules.k else None}
    if members < rules.k:
        return {**base, "status": "too_few", "reason": f"fewer than {rules.k} members with jobs",
                "changes": None}
    currencies = sorted(str(c) for c in jobs["currency"].dropna().unique())
    if len(currencies) > 1:
        return {**base, "status": "not_computed", "changes": None,
                "reason": f"the members are paid in {', '.join(currencies)}: one series per currency "
                          "is needed"}
    found = sel.figure("pay_changes", measure)
    changes = [{"date": str(pd.Timestamp(row["date"]).date()),
                "date_low": str(pd.Timestamp(row["date_low"]).date()),
                "date_high": str(pd.Timestamp(row["date_high"]).date()),
                "before": float(row["before"]), "after": float(row["after"]),
                "relative": float(row["relative"]), "p_value": float(row["p_value"])}
               for _, row in found["changes"].iterrows()]
    return {**base, "status": "released", "changes": changes, "definition": found["definition"],
            "notes": [str(n) for n in found["notes"]]}


def _member_year(group: pd.DataFrame) -> pd.DataFrame:
    """Each member's year from their months: totals summed, shares and hourly pay recomputed from them."""
    summed = group.groupby("member")[list(TOTALS)].sum(min_count=1)
    present = [c for c in LOM_SUMS if c in group]
    summed[present] = group.groupby("member")[present].sum(min_count=1)
    means = [c for c in LOM_MEANS if c in group]
    summed[means] = group.groupby("member")[means].mean()
    summed["unpaid_share"] = summed["waiting_h"] / summed["logged_in_h"].where(summed["logged_in_h"] > 0)
    summed["per_hour_logged_in"] = summed["gross"] / summed["logged_in_h"].where(summed["logged_in_h"] > 0)
    summed["per_hour_engaged"] = summed["gross"] / summed["engaged_h"].where(summed["engaged_h"] > 0)
    summed["net_per_hour_logged_in"] = summed["net"] / summed["logged_in_h"].where(summed["logged_in_h"] > 0)
    summed["net_per_hour_engaged"] = summed["net"] / summed["engaged_h"].where(summed["engaged_h"] > 0)
    whole = group[~group["partial"]]
    summed["below_minimum_wage"] = whole.groupby("member")["below_minimum_wage"].apply(
        lambda s: None if s.isna().all() else bool(s.fillna(False).any()))
    summed["weeks"] = group.groupby("member")["weeks"].sum()
    summed["weeks_below_minimum"] = group.groupby("member")["weeks_below_minimum"].sum()
    summed["partial"] = False
    return summed.reset_index()


def _cell(group: pd.DataFrame, rules: Rules, key: dict[str, Any]) -> dict[str, Any]:
    """One released (or withheld) cell: counts, totals, quartiles, shares below the minimum wage."""
    members = group["member"].nunique()
    cell: dict[str, Any] = {**key, "members": int(members) if members >= rules.k else None,
                            "status": "released" if members >= rules.k else "too_few",
                            "totals": {}, "spread": {}, "withheld": {}}
    if members < rules.k:
        cell["reason"] = f"fewer than {rules.k} members"
        cell["totals"] = dict.fromkeys(TOTALS)
        cell["spread"] = dict.fromkeys(SPREAD)
        return cell
    per_member = group.groupby("member")[list(TOTALS)].sum(min_count=1)
    for name in TOTALS:
        values = per_member[name].dropna().astype(float).tolist()
        state = cell_check(values, rules.k)
        if state == "released":
            cell["totals"][name] = float(np.sum(values))
        else:
            cell["totals"][name] = None
            cell["withheld"][name] = ("one member makes over half of it" if state == "dominance"
                                      else f"known for fewer than {rules.k} members")
    hours = cell["totals"]
    cell["pooled"] = {
        "unpaid_share": _ratio(hours["waiting_h"], hours["logged_in_h"]),
        "per_hour_logged_in": _ratio(hours["gross"], hours["logged_in_h"]),
        "per_hour_engaged": _ratio(hours["gross"], hours["engaged_h"]),
        "net_per_hour_logged_in": _ratio(hours["net"], hours["logged_in_h"]),
        "net_per_hour_engaged": _ratio(hours["net"], hours["engaged_h"]),
    }
    for name in SPREAD:
        if name not in group:
            continue
        spread = group.groupby("member")[name].first().dropna().astype(float)
        if len(spread) < rules.k:
            cell["spread"][name] = None
            cell["withheld"][name] = f"known for fewer than {rules.k} members"
            continue
        q1, median, q3 = np.quantile(spread, [0.25, 0.5, 0.75])
        cell["spread"][name] = {"q1": float(q1), "median": float(median), "q3": float(q3),
                                "members": len(spread)}
    shares = group.groupby("member")["unpaid_share"].first().dropna()
    counts = np.histogram(shares.clip(0, 1), bins=SHARE_BINS)[0]
    cell["unpaid_share_histogram"] = [
        {"from": SHARE_BINS[i], "to": min(SHARE_BINS[i + 1], 1.0),
         "members": int(n) if n == 0 or n >= rules.k else None} for i, n in enumerate(counts)]
    cell["lom"] = pooled_lom(group, rules)
    whole = group[~group["partial"].astype(bool)]
    below = whole.groupby("member")["below_minimum_wage"].apply(
        lambda s: None if s.isna().all() else bool(s.fillna(False).any())).dropna()
    cell["members_below_minimum_wage"] = (
        {"share": float(below.mean()), "of_members": len(below)} if len(below) >= rules.k else None)
    weeks = int(whole["weeks"].sum())
    contributing = int((whole.groupby("member")["weeks"].sum() > 0).sum())
    cell["weeks_below_minimum_wage"] = (
        {"share": float(whole["weeks_below_minimum"].sum()) / weeks, "of_weeks": weeks}
        if weeks and contributing >= rules.k else None)
    return cell


def _per_member(pool: Pool, kept: Kept) -> list[dict[str, Any]]:
    """The internal view's line per member: their totals and their offers per logged-in hour."""
    months = kept.months
    out = []
    for pid in pool.member_ids():
        own = months[months["member"] == pid]
        logged = float(own["logged_in_h"].sum()) if len(own) else None
        out.append({"member": pid, "months": int(len(own)), "jobs": int(own["jobs"].sum()) if len(own) else 0,
                    "logged_in_h": logged, "gross": float(own["gross"].sum()) if len(own) else None,
                    "per_hour_logged_in": _ratio(float(own["gross"].sum()), logged) if len(own) else None,
                    "unpaid_share": _ratio(float(own["waiting_h"].sum()), logged) if len(own) else None,
                    "offers_per_logged_in_h": kept.facts.get(pid, {}).get("offers_per_logged_in_h"),
                    "refusal_blocked_h": float(own["refusal_blocked_h"].sum()) if len(own) else None})
    return out


def _num(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _ratio(num: float | None, den: float | None) -> float | None:
    return None if num is None or den is None or not den else num / den


DEFINITIONS = {
    "members": "distinct members (pseudonyms) with data in the cell; one person filed twice counts once",
    "jobs": "jobs (trips, orders) dated in the period, summed over members",
    "logged_in_h": "hours logged in to the app (P1+P2+P3), summed over members",
    "waiting_h": "hours logged in without a job (P1, unpaid waiting), summed over members",
    "unpaid_share": "waiting hours / logged-in hours: pooled (sums) and the spread over members",
    "per_hour_logged_in": "gross pay (earnings minus tips and taxes) per logged-in hour",
    "per_hour_engaged": "gross pay per engaged hour (to pickup and on the job, P2+P3: the platforms' "
                        "definition)",
    "net_per_hour_logged_in": "net pay (gross minus vehicle costs and social contributions, each member's "
                              "parameters) per logged-in hour",
    "members_below_minimum_wage": "share of members whose net pay per logged-in hour fell below the minimum "
                                  "wage of the date in at least one whole month of the period",
    "weeks_below_minimum_wage": "share of members' whole weeks below the minimum wage of the date",
    "refusal_blocked_h": "hours blocked by sanctions whose rule names refusals",
    "cells": "a cell is released with at least k members, a total only where no member makes over half "
             "of it; withheld values say why",
}
