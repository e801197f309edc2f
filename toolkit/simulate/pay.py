"""Pay lines of a simulated job, classified the way Uber classifies them (export-formats.md §2.7).

Rides: fare components (`transport.fare.base`/`distance`/`time`/`surge`, or one upfront-fare line), a
wait-time charge past two minutes at the pickup, rare tolls, a cancellation fee when the rider cancels
after the driver arrived; `intermediary.commission` and `transport.tax.vat` as negative lines; tips.
Fare lines are recognised at the request time (as in the 2021 French SAR), tips later.
Deliveries: `delivery.fare.pickup`/`dropoff`/`distance`, rare location-change fees, courier adjustments
and fraud holdbacks, VAT, tips; recognised shortly after the drop-off.
Weekly quests pay `QUEST_BONUS` for `QUEST_TRIPS` completed jobs, on the following Monday at 04:00 local.
Amounts are rounded to cents line by line.

Example:
    >>> CATEGORY["driver_payment_charges"]
    'fare'
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from toolkit.simulate.model import QUEST_BONUS, QUEST_TRIPS, local_day_start

if TYPE_CHECKING:
    from toolkit.simulate.engine import Simulation

CATEGORY = {
    "driver_payment_fares": "fare", "driver_payment_charges": "fare", "driver_payment_tolls": "toll",
    "tip": "tip", "tax": "tax", "commission": "commission", "existing_driver_incentive": "incentive",
    "eats_fee": "fee", "courier_fraud_holdback": "holdback",
}
"""Uber's payment category -> the model's earnings category."""

_RIDE_RATES = {"base": 1.20, "per_km": 1.05, "per_min": 0.30, "minimum": 6.00, "cancel": 5.00, "wait": 0.30}
_EATS_RATES = {"pickup": 2.00, "dropoff": 1.50, "per_km": 0.70}


def job_pay_lines(sim: Simulation, job: dict[str, Any]) -> tuple[float, list[list[Any]]]:
    """The gross fare of `job` (before commission) and its pay lines.

    A line is [earned_at, amount, currency, classification, category, uber_category, job_id].

    Example:
        >>> from toolkit.simulate.engine import Simulation
        >>> from toolkit.simulate.model import SimParams
        >>> sim = Simulation(SimParams(gps_every_s=0))
        >>> job = {"job_id": "j", "status": "cancelled_by_worker", "requested_at": 0, "accepted_at": 9,
        ...        "cancelled_at": 60, "arrived_pickup_at": None}
        >>> job_pay_lines(sim, job)
        (0.0, [])
    """
    factor = 1.0
    if sim.cut_at is not None and sim.p.fee_cut and job["requested_at"] >= sim.cut_at:
        factor = 1.0 - sim.p.fee_cut[1]
    if sim.p.kind == "ride":
        at, fares = job["requested_at"], _ride_fares(sim, job, factor)
    else:
        end = job.get("dropped_off_at") or job["cancelled_at"]
        at, fares = end + int(sim.rng.integers(1, 300)), _delivery_fares(sim, job, factor)
    gross = round(sum((amount for _, amount, _ in fares), 0.0), 2)
    lines = [[at, amount, sim.p.currency, cls, CATEGORY[cat], cat, job["job_id"]]
             for cls, amount, cat in fares]
    if gross > 0:
        lines += _deductions(sim, job, at, gross)
    if job["status"] == "completed" and sim.rng.random() < sim.p.tip_prob:
        tip_at = job["dropped_off_at"] + int(sim.rng.integers(300, 10800))
        amount = float(sim.rng.choice([1.0, 2.0, 3.0, 5.0]))
        lines.append([tip_at, amount, sim.p.currency, "transport.misc.tip", "tip", "tip", job["job_id"]])
    return gross, lines


def weekly_quests(sim: Simulation) -> list[list[Any]]:
    """Quest pay lines: `QUEST_BONUS` for every week (from the first day) with `QUEST_TRIPS` completed
    jobs, paid the next week's first day at 04:00 local if that falls inside the period.

    Example:
        >>> from toolkit.simulate.engine import Simulation
        >>> from toolkit.simulate.model import SimParams
        >>> weekly_quests(Simulation(SimParams(gps_every_s=0)))
        []
    """
    p, lines = sim.p, []
    done = sorted(j["dropped_off_at"] for j in sim.jobs if j["status"] == "completed")
    prefix = "transport" if p.kind == "ride" else "delivery"
    for week in range(p.days // 7):
        begin = local_day_start(p.start + timedelta(days=7 * week), p.zone)
        end = local_day_start(p.start + timedelta(days=7 * week + 7), p.zone)
        paid_at = end + 4 * 3600
        if sum(begin <= t < end for t in done) >= QUEST_TRIPS and paid_at < sim.period[1]:
            lines.append([paid_at, QUEST_BONUS, p.currency, f"{prefix}.incentive.quest", "incentive",
                          "existing_driver_incentive", None])
    return lines


def _ride_fares(sim: Simulation, job: dict[str, Any], f: float) -> list[tuple[str, float, str]]:
    fares = "driver_payment_fares"
    if job["status"] == "cancelled_by_customer" and job["arrived_pickup_at"] is not None:
        return [("transport.fare.cancellation_fee", round(_RIDE_RATES["cancel"] * f, 2), fares)]
    if job["status"] != "completed":
        return []
    km, minutes = job["job_distance_m"] / 1000.0, job["job_duration_s"] / 60.0
    base, distance = _RIDE_RATES["base"] * f, _RIDE_RATES["per_km"] * km * f
    time_fare = _RIDE_RATES["per_min"] * minutes * f
    surge = (base + distance + time_fare) * (job["surge_multiplier"] - 1.0)
    base += max(0.0, _RIDE_RATES["minimum"] * f - (base + distance + time_fare + surge))
    parts = [("transport.fare.base", base), ("transport.fare.distance", distance),
             ("transport.fare.time", time_fare), ("transport.fare.surge", surge)]
    out = [(cls, round(v, 2), fares) for cls, v in parts if round(v, 2) > 0]
    if sim.rng.random() < 0.4:  # an upfront fare replaces the components
        out = [("transport.fare.driver_upfront_fare", round(sum(v for _, v, _ in out), 2), fares)]
    waited = job["picked_up_at"] - job["arrived_pickup_at"]
    if waited > 120:
        charge = round(_RIDE_RATES["wait"] * f * (waited - 120) / 60.0, 2)
        out += [("transport.fare.charges.wait_time", charge, "driver_payment_charges")] if charge > 0 else []
    if sim.rng.random() < 0.02:
        out.append(("transport.toll", 2.5, "driver_payment_tolls"))
    return out


def _delivery_fares(sim: Simulation, job: dict[str, Any], f: float) -> list[tuple[str, float, str]]:
    fares = "driver_payment_fares"
    status, reached = job["status"], job["arrived_pickup_at"] is not None
    if status == "cancelled_by_worker" or (status == "cancelled_by_customer" and not reached):
        return []
    out = [("delivery.fare.pickup", round(_EATS_RATES["pickup"] * f, 2), fares)]
    if status == "cancelled_by_customer":
        return out
    km = job["job_distance_m"] / 1000.0
    out.append(("delivery.fare.distance", round(_EATS_RATES["per_km"] * km * f, 2), fares))
    if status == "completed":
        out.append(("delivery.fare.dropoff", round(_EATS_RATES["dropoff"] * f, 2), fares))
    r = sim.rng.random()
    if r < 0.03:
        out.append(("eats.mp.charges.location_change_fee", 1.0, "eats_fee"))
    elif r < 0.06:
        out.append(("intermediary.fare.delivery.courier_adjust", round(float(sim.rng.uniform(0.5, 2.0)), 2),
                    fares))
    elif r < 0.065:
        out.append(("intermediary.delivery.charge.courier.fraud.fare", -round(_EATS_RATES["pickup"] * f, 2),
                    "courier_fraud_holdback"))
    return out


def _deductions(sim: Simulation, job: dict[str, Any], at: int, gross: float) -> list[list[Any]]:
    p, lines = sim.p, []
    if p.commission > 0:
        lines.append([at, -round(p.commission * gross, 2), p.currency, "intermediary.commission",
                      "commission", "commission", job["job_id"]])
    if p.vat_rate > 0:
        cls = "transport.tax.vat" if p.kind == "ride" else "delivery.courier.tax.vat"
        lines.append([at, -round(p.vat_rate * gross, 2), p.currency, cls, "tax", "tax", job["job_id"]])
    return [line for line in lines if line[1] != 0]
