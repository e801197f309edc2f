"""The exact figures of a simulated World, keyed like `gigdata metrics --json` where they overlap.

Example:
    >>> from toolkit.simulate import SimParams, simulate_worker
    >>> t = simulate_worker(SimParams(days=5, seed=2, gps_every_s=0)).truth
    >>> o = t["offers"]
    >>> o["offered"] == o["accepted"] + o["rejected"] + o["expired"] + o["cancelled"]
    True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from toolkit.simulate.model import BLOCK_MS, World, params_dict

if TYPE_CHECKING:
    from toolkit.simulate.engine import Simulation


def truth(sim: Simulation, world: World) -> dict[str, Any]:
    """Planted parameters and exact derived figures of `world` (plain Python numbers, JSON-ready).

    Example:
        >>> from toolkit.simulate import SimParams, simulate_worker
        >>> simulate_worker(SimParams(days=2, gps_every_s=0)).truth["params"]["zone"]
        'Europe/Paris'
    """
    p = sim.p
    return {
        "params": params_dict(p),
        "period": {"start": _iso(sim.period[0]), "end": _iso(sim.period[1])},
        "sessions": len(world.sessions),
        "time": _time(world),
        "jobs": _jobs(world),
        "pay": _pay(sim, world),
        "offers": _offers(world),
        "ratings": _ratings(world),
        "rating_effect": _rating_effect(sim, world),
        "sanctions": _sanctions(sim, world),
        "streak_effect": _streak_effect(sim, world),
        "gps_fixes": len(world.gps),
    }


def _time(world: World) -> dict[str, Any]:
    iv = world.intervals
    seconds = (iv["end_at"] - iv["start_at"]).dt.total_seconds().groupby(iv["state"]).sum()
    get = {s: float(seconds.get(s, 0.0)) for s in ("waiting", "to_pickup", "on_job", "offline")}
    logged = get["waiting"] + get["to_pickup"] + get["on_job"]
    jobs = world.jobs
    at_pickup = (jobs["picked_up_at"] - jobs["arrived_pickup_at"]).dt.total_seconds().dropna()
    return {
        "logged_in_s": logged, "waiting_s": get["waiting"], "to_pickup_s": get["to_pickup"],
        "on_job_s": get["on_job"], "offline_s": get["offline"],
        "logged_in_h": logged / 3600, "waiting_h": get["waiting"] / 3600,
        "to_pickup_h": get["to_pickup"] / 3600, "on_job_h": get["on_job"] / 3600,
        "unpaid_share": get["waiting"] / logged if logged else None,
        "waiting_share_target": world.params.waiting_share,
        "pickup_wait_median_s": float(at_pickup.median()) if len(at_pickup) else None,
        "source": "status_log",
    }


def _jobs(world: World) -> dict[str, int]:
    counts = world.jobs["status"].value_counts()
    get = {s: int(counts.get(s, 0)) for s in ("completed", "cancelled_by_customer", "cancelled_by_worker",
                                              "failed")}
    return {"total": len(world.jobs), **get,
            "cancelled": get["cancelled_by_customer"] + get["cancelled_by_worker"]}


def _pay(sim: Simulation, world: World) -> dict[str, Any]:
    pay, jobs = world.pay, world.jobs
    done = jobs[jobs["status"] == "completed"]
    per_job = done["pay"] - done["tip"]
    out: dict[str, Any] = {
        "currency": sim.p.currency, "earnings_total": round(float(pay["amount"].sum()), 2),
        "tips": round(float(pay.loc[pay["category"] == "tip", "amount"].sum()), 2),
        "by_category": {k: round(float(v), 2) for k, v in pay.groupby("category")["amount"].sum().items()},
        "fee_cut": None, "pay_per_job_before_cut": None, "pay_per_job_after_cut": None,
        "pay_per_completed_job": float(per_job.mean()) if len(per_job) else None,
    }
    if sim.p.fee_cut:
        cut = pd.Timestamp(int(sim.cut_at or 0), unit="s", tz="UTC")
        before, after = per_job[done["requested_at"] < cut], per_job[done["requested_at"] >= cut]
        out.update(fee_cut={"from": sim.p.fee_cut[0].isoformat(), "fraction": sim.p.fee_cut[1]},
                   pay_per_job_before_cut=float(before.mean()) if len(before) else None,
                   pay_per_job_after_cut=float(after.mean()) if len(after) else None)
    return out


def _offers(world: World) -> dict[str, Any]:
    counts = world.offers["outcome"].value_counts()
    get = {s: int(counts.get(s, 0)) for s in ("accepted", "rejected", "expired", "cancelled")}
    offered = len(world.offers)
    return {"offered": offered, **get, "acceptance_rate": get["accepted"] / offered if offered else None}


def _ratings(world: World) -> dict[str, Any]:
    r = world.ratings["rating"]
    return {"count": len(r), "mean": float(r.mean()) if len(r) else None, "one_star": int((r == 1).sum())}


def _rating_effect(sim: Simulation, world: World) -> dict[str, Any]:
    """Offers per waiting (P1) hour and per logged-in hour, inside and outside the planted windows."""
    windows = _merge(sim.effects)
    iv, offers = world.intervals, world.offers
    start = iv["start_at"].astype("int64").to_numpy() // 10**6
    end = iv["end_at"].astype("int64").to_numpy() // 10**6
    inside = np.array([_overlap(int(a), int(b), windows) for a, b in zip(start, end, strict=True)],
                      dtype="float64")
    total = (end - start).astype(float)
    offered = offers["offered_at"].astype("int64").to_numpy() // 10**6
    hit = np.array([any(a <= t < b for a, b in windows) for t in offered], dtype=bool)
    out: dict[str, Any] = {"fraction": sim.p.rating_effect, "days": sim.p.rating_effect_days,
                           "windows": [[_iso(a), _iso(b)] for a, b in windows]}
    for name, states in (("waiting", ["waiting"]), ("online", ["waiting", "to_pickup", "on_job"])):
        mask = iv["state"].isin(states).to_numpy()
        h_in, h_all = inside[mask].sum() / 3600, total[mask].sum() / 3600
        out[f"offers_per_{name}_hour_after_one_star"] = float(hit.sum() / h_in) if h_in else None
        out[f"offers_per_{name}_hour_otherwise"] = (float((~hit).sum() / (h_all - h_in))
                                                    if h_all > h_in else None)
    return out


def _sanctions(sim: Simulation, world: World) -> dict[str, Any]:
    s = world.sanctions
    blocks = int((s["kind"] == "block").sum())
    return {"total": len(s), "blocks": blocks, "notifications": int((s["kind"] == "notification").sum()),
            "blocked_h": blocks * BLOCK_MS / 3_600_000,
            "block_after_rejections": sim.p.block_after_rejections}


def _streak_effect(sim: Simulation, world: World) -> dict[str, Any]:
    """The months after a month with a block (where the planted streak effect applies), and the realised
    offers per logged-in hour in them and in the other months (by the offer's and the interval's start)."""
    iv, offers = world.intervals, world.offers
    online = iv[iv["state"].isin(["waiting", "to_pickup", "on_job"])]
    seconds = (online["end_at"] - online["start_at"]).dt.total_seconds().to_numpy()
    start_month = np.array([sim.month(int(t)) for t in online["start_at"].astype("int64") // 10**6])
    offer_month = np.array([sim.month(int(t)) for t in offers["offered_at"].astype("int64") // 10**6])
    after = sorted(m + 1 for m in sim.blocked_months)
    hit_h = np.isin(start_month, after)
    hit_o = np.isin(offer_month, after)
    h_in, h_out = seconds[hit_h].sum() / 3600, seconds[~hit_h].sum() / 3600
    return {"fraction": sim.p.streak_effect, "months_with_block": sorted(sim.blocked_months),
            "months_after_block": after,
            "offers_per_online_hour_after_block": float(hit_o.sum() / h_in) if h_in else None,
            "offers_per_online_hour_otherwise": float((~hit_o).sum() / h_out) if h_out else None}


def _merge(windows: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for a, b in sorted(windows):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def _overlap(a: int, b: int, windows: list[tuple[int, int]]) -> int:
    return sum(max(0, min(b, y) - max(a, x)) for x, y in windows)


def _iso(seconds: int) -> str:
    return pd.Timestamp(seconds, unit="s", tz="UTC").isoformat()
