"""Differentially private releases of a pool's figures (OpenDP), under a privacy budget kept per pool.

For repeated or public releases of a large pool (methods.md §6.4: from about 100 members per release;
for small pools the cell rules of `toolkit.pool.figures` give better figures), with the member as the
privacy unit, the way collective.md §4 found to work with OpenDP 0.16: each member's figures are first
summed to one row per member and cell (period × currency), then clipped to public bounds (`[pool_dp]` in
the defaults: per member-month; a year's bound is twelve times it), then a Laplace mechanism releases the
count of members and each sum. The release's ε is split evenly over all its queries (a member can be in
every cell, so the queries compose); ratios (pay per hour, unpaid share) are computed from the noisy sums
(post-processing, no extra budget). The cells are public: every year (or month) from the pool's first
to its last, in each pay currency of the pool (the union knows its members' countries and the pool's
period), so a cell's existence tells nothing and δ = 0; a cell is then shown only when its noisy count of
members reaches k (post-processing of the release). Net pay may be negative: it is clipped to ± its
bound. Every release is written to `POOL/dp_budget.json` before its figures are shown, and a release
that would take the pool past `epsilon_total` is refused.

Each figure comes with its accuracy: the half-width within which the noise falls with 95 % probability
(`opendp.prelude.laplacian_scale_to_accuracy`).

Example:
    >>> round(per_query_epsilon(1.0, cells=2, quantities=6), 4)
    0.0714
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from toolkit.config import load_config
from toolkit.errors import PoolError
from toolkit.pool.folder import Pool
from toolkit.store.paths import _read_json, _write_json_atomically

LEDGER = "dp_budget"
SIGNED = {"net"}
"""Sums that may be negative (costs above pay): clipped to ± their bound."""
BOUNDS = {"jobs": "max_jobs", "logged_in_h": "max_hours", "waiting_h": "max_hours", "engaged_h": "max_hours",
          "gross": "max_money", "net": "max_money"}
"""The sums released and the `[pool_dp]` bound that clips each member's part of them."""
ALPHA = 0.05
MONTHS_PER_YEAR = 12


def per_query_epsilon(epsilon: float, cells: int, quantities: int) -> float:
    """The ε of one query when `epsilon` is split over `cells` × (the member count + `quantities` sums)."""
    return epsilon / (cells * (1 + quantities))


def budget(pool: Pool, config_file: Path | None = None) -> dict[str, Any]:
    """The pool's privacy budget: total, spent by the releases so far (each listed), left."""
    total = float(load_config(config_file).get("pool_dp.epsilon_total"))
    path = pool.folder / f"{LEDGER}.json"
    try:
        releases = list(_read_json(path).get("releases", [])) if path.is_file() else []
        spent_each = [float(r["epsilon"]) for r in releases]
    except (ValueError, KeyError, TypeError) as exc:  # never guess what was spent: refuse instead
        raise PoolError(f"{path}: the record of the pool's privacy budget is unreadable; no release until "
                        "it is restored from a backup", "dp") from exc
    spent = float(sum(spent_each))
    return {"total": total, "spent": spent, "left": max(0.0, total - spent), "releases": releases}


def dp_release(pool: Pool, epsilon: float, months: pd.DataFrame, k: int, scale: str = "year",
               config_file: Path | None = None) -> dict[str, Any]:
    """A differentially private release of the pool's cells (`months`: `toolkit.pool.figures.member_months`),
    per year or month; spends `epsilon` of the pool's budget (refused with a PoolError past it)."""
    import opendp.prelude as dp

    dp.enable_features("contrib")
    if not (math.isfinite(epsilon) and epsilon > 0):
        raise PoolError(f"ε = {epsilon}: the privacy loss of a release must be a number above 0", "dp")
    if scale not in ("year", "month"):
        raise PoolError(f"--dp-scale {scale}: year or month", "dp")
    cfg = load_config(config_file)
    factor = MONTHS_PER_YEAR if scale == "year" else 1
    bounds = {name: float(cfg.get(f"pool_dp.{key}")) * factor for name, key in BOUNDS.items()}
    key = "year" if scale == "year" else "month"
    rows = months.assign(period=months[key].astype(str))
    per_member = rows.groupby(["period", "currency", "member"], dropna=False)[list(BOUNDS)].sum(min_count=1)
    if per_member.empty:
        raise PoolError("the pool has no member-month to release", "dp")
    cells = _public_cells(rows, key)
    each = per_query_epsilon(epsilon, len(cells), len(BOUNDS))
    count_scale = _scale(dp, lambda s: _count(dp, s), each)
    delta = 0.0  # public cells, no key selection
    with pool._locked():  # the budget is checked and spent in one step
        held = budget(pool, config_file)
        if epsilon > held["left"] + 1e-12:
            raise PoolError(f"ε = {epsilon:g} is more than the pool's budget has left ({held['left']:g} of "
                            f"{held['total']:g}; [pool_dp] epsilon_total)", "dp")
        entry = {"at": datetime.now(UTC).isoformat(timespec="seconds"), "epsilon": epsilon, "delta": delta,
                 "scale": scale, "cells": len(cells), "queries": len(cells) * (1 + len(BOUNDS))}
        _write_json_atomically(pool.folder, LEDGER, {"releases": [*held["releases"], entry]})
    pool.log("dp_release", **entry)
    released = []
    for period, currency in cells:
        inside = [(p, c) == (period, currency) for p, c, _ in per_member.index]
        group = per_member[inside]
        members = float(_count(dp, count_scale)([str(m) for _, _, m in group.index]))
        if members < k:
            continue  # not shown: not even that the cell exists
        totals: dict[str, dict[str, float]] = {}
        for name, bound in bounds.items():
            low = -bound if name in SIGNED else 0.0
            values = group[name].fillna(0.0).astype(float).tolist()
            noise = _scale(dp, lambda s, lo=low, hi=bound: _sum(dp, lo, hi, s), each)
            value = float(_sum(dp, low, bound, noise)(values))
            totals[name] = {"value": value if name in SIGNED else max(0.0, value),
                            "accuracy": _accuracy(dp, noise)}
        released.append({"period": period, "currency": currency,
                         "members": {"value": members, "accuracy": _accuracy(dp, count_scale)},
                         "totals": totals, "ratios": _ratios(totals)})
    return {"epsilon": epsilon, "delta": delta, "scale": scale, "per_query_epsilon": each,
            "bounds": bounds, "cells": released, "budget": budget(pool, config_file),
            "method": __doc__.split("Example:")[0].strip() if __doc__ else ""}


def _count(dp: Any, scale: float) -> Any:
    space = dp.vector_domain(dp.atom_domain(T=str)), dp.symmetric_distance()
    return space >> dp.t.then_count(TO=float) >> dp.m.then_laplace(scale)


def _sum(dp: Any, low: float, high: float, scale: float) -> Any:
    space = dp.vector_domain(dp.atom_domain(T=float, nan=False)), dp.symmetric_distance()
    return space >> dp.t.then_clamp((low, high)) >> dp.t.then_sum() >> dp.m.then_laplace(scale)


def _public_cells(rows: pd.DataFrame, key: str) -> list[tuple[str, Any]]:
    """Every period from the pool's first to its last, in each of its currencies."""
    if key == "year":
        years = rows["year"].astype(int)
        periods = [str(y) for y in range(int(years.min()), int(years.max()) + 1)]
    else:
        months = pd.PeriodIndex(rows["month"].astype(str), freq="M")
        periods = [str(p) for p in pd.period_range(months.min(), months.max(), freq="M")]
    currencies = sorted({c for c in rows["currency"].dropna().astype(str)})
    return [(p, c) for p in periods for c in currencies]


def _scale(dp: Any, make: Any, epsilon: float) -> float:
    """The smallest noise scale whose privacy loss for one member (added or removed) is `epsilon`."""
    return float(dp.binary_search_param(make, d_in=1, d_out=epsilon))


def _accuracy(dp: Any, scale: float) -> float:
    return float(dp.laplacian_scale_to_accuracy(scale, ALPHA))


def _ratios(totals: dict[str, dict[str, float]]) -> dict[str, float | None]:
    def ratio(num: str, den: str) -> float | None:
        d = totals[den]["value"]
        return totals[num]["value"] / d if d > 0 else None

    return {"unpaid_share": ratio("waiting_h", "logged_in_h"),
            "per_hour_logged_in": ratio("gross", "logged_in_h"),
            "per_hour_engaged": ratio("gross", "engaged_h"),
            "net_per_hour_logged_in": ratio("net", "logged_in_h")}
