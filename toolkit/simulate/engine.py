"""The simulation loop: days -> sessions -> waiting spells, offers and jobs (see `toolkit.simulate`).

Example:
    >>> from toolkit.simulate.model import SimParams
    >>> sim = Simulation(SimParams(days=2, seed=4, gps_every_s=0))
    >>> sim.run()
    >>> all(iv[2] < iv[3] for iv in sim.intervals)
    True
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from toolkit.simulate.model import BLOCK_MS, EARTH_M, OFFER_TIMEOUT_S, SimParams, local_day_start, metres
from toolkit.simulate.pay import job_pay_lines, weekly_quests

Point = tuple[float, float]


class Simulation:
    """The running state of one simulated worker; `run()` fills the lists that `build_world` turns
    into frames. Times are epoch seconds (ints)."""

    def __init__(self, p: SimParams) -> None:
        _check(p)
        self.p = p
        self.rng = np.random.default_rng(p.seed)
        self.home: Point = (p.home_lat if p.home_lat is not None else p.centre_lat - 0.02,
                            p.home_lon if p.home_lon is not None else p.centre_lon + 0.03)
        self.period = (local_day_start(p.start, p.zone),
                       local_day_start(p.start + timedelta(days=p.days), p.zone))
        self.cut_at = local_day_start(p.fee_cut[0], p.zone) if p.fee_cut else None
        self.sessions: list[list[Any]] = []  # sid, start, end, reason, start_pos, end_pos
        self.intervals: list[list[Any]] = []  # sid, state, start, end, lat0, lon0, lat1, lon1, job, move_end
        self.offers: list[list[Any]] = []  # oid, sid, offered_at, ended_at, outcome, job_id, lat, lon
        self.jobs: list[dict[str, Any]] = []
        self.pay: list[list[Any]] = []  # earned_at, amount, currency, classification, category, uber_cat, job
        self.ratings: list[list[Any]] = []  # rated_at, rating, job_id
        self.sanctions: list[list[Any]] = []  # at, kind, rule, duration_ms, lat, lon
        self.effects: list[tuple[int, int]] = []  # rating-effect windows
        self.engaged_s, self.accepted = 0.0, 0
        self.last_end, self.blocked_until = 0, 0
        self.pos: Point = self.home
        self.tz = ZoneInfo(p.zone)
        self.blocked_months: set[int] = set()  # local calendar months (from `start`) holding a block

    def run(self) -> None:
        """Simulate every day of the period, then the weekly quests."""
        for day in range(self.p.days):
            if self.rng.random() >= self.p.work_prob:
                continue
            for start, end in self._plan_day(day):
                start = max(start, self.last_end + 300, self.blocked_until)
                if end - start >= 600:
                    self._session(start, end)
        self.pay.extend(weekly_quests(self))

    def _plan_day(self, day: int) -> list[tuple[int, int]]:
        midnight = local_day_start(self.p.start + timedelta(days=day), self.p.zone)
        hours = self.p.session_hours * 3600
        if self.rng.random() < 0.55:
            hour = float(self.rng.choice([7.0, 11.0, 17.0]))
            begin = midnight + int(hour * 3600 + self.rng.uniform(0, 7200))
            return [(begin, begin + int(self.rng.gamma(9.0, hours / 9.0)))]
        plans = []
        for base in (7.0, 17.0):
            begin = midnight + int(base * 3600 + self.rng.uniform(0, 5400))
            plans.append((begin, begin + int(self.rng.gamma(9.0, 0.7 * hours / 9.0))))
        return plans

    def _session(self, start: int, planned_end: int) -> None:
        sid = len(self.sessions)
        if start - self.last_end > 4 * 3600:
            self.pos = self._offset(self.home, self.rng.uniform(0, 150))
        start_pos, t, wait_start, streak, reason = self.pos, start, start, 0, "logout"
        target = self._drift(self.pos)
        while True:
            offer_at = t + max(1, int(self.rng.exponential(self._mean_wait(t))))
            if t >= planned_end or offer_at >= planned_end:
                end = max(t, planned_end)
                break
            outcome, ended = self._offer_outcome(offer_at)
            oid = len(self.offers)
            self.offers.append([oid, sid, offer_at, ended, outcome, None, target[0], target[1]])
            streak = streak + 1 if outcome == "rejected" else 0
            if outcome == "rejected" and self._sanction(streak, ended, target):
                end, reason = ended, "blocked"
                break
            if outcome != "accepted":
                t = ended
                continue
            self._add(sid, "waiting", wait_start, ended, self.pos, target, None, ended)
            job = self._job(sid, oid, offer_at, ended, target)
            self.offers[oid][5] = job["job_id"]
            t = wait_start = job["end"]
            self.pos = job["end_pos"]
            target = self._drift(self.pos)
        if end > wait_start:
            self._add(sid, "waiting", wait_start, end, self.pos, target, None, end)
            self.pos = target
        self.sessions.append([sid, start, end, reason, start_pos, self.pos])
        self.last_end = end

    def _mean_wait(self, t: int) -> float:
        p = self.p
        accept = 1.0 - p.reject_prob - p.expire_prob - p.offer_cancel_prob
        engaged = self.engaged_s / self.accepted if self.accepted >= 5 else 1500.0
        share = min(max(p.waiting_share, 0.01), 0.95)
        mean = max(accept * engaged * share / (1.0 - share) - 8.0, 10.0)  # 8 s: mean time to answer
        if any(a <= t < b for a, b in self.effects[-50:]):
            mean /= max(1.0 - p.rating_effect, 0.01)
        if p.streak_effect and self.month(t) - 1 in self.blocked_months:
            mean *= streak_wait_factor(p.streak_effect, share)
        return mean

    def month(self, t: int) -> int:
        """The local calendar month of epoch second `t`, counted from the month of `start` (0)."""
        local = datetime.fromtimestamp(t, self.tz)
        return (local.year - self.p.start.year) * 12 + local.month - self.p.start.month

    def _offer_outcome(self, offer_at: int) -> tuple[str, int]:
        p, r = self.p, self.rng.random()
        reject = p.reject_prob_months[self.month(offer_at) % len(p.reject_prob_months)] \
            if p.reject_prob_months else p.reject_prob
        if r < reject:
            return "rejected", offer_at + int(self.rng.integers(2, 13))
        if r < reject + p.expire_prob:
            return "expired", offer_at + OFFER_TIMEOUT_S
        if r < reject + p.expire_prob + p.offer_cancel_prob:
            return "cancelled", offer_at + int(self.rng.integers(1, 11))
        return "accepted", offer_at + int(self.rng.integers(2, 13))

    def _sanction(self, streak: int, at: int, pos: Point) -> bool:
        n = self.p.block_after_rejections
        if n and streak == n:
            self.sanctions.append([at, "block", "consecutiveReject", BLOCK_MS, pos[0], pos[1]])
            self.blocked_until = at + BLOCK_MS // 1000
            self.blocked_months.add(self.month(at))
            return True
        if n > 1 and streak == n - 1:
            self.sanctions.append([at, "notification", "consecutiveReject", 0, pos[0], pos[1]])
        return False

    def _job(self, sid: int, oid: int, offer_at: int, accepted: int, pos: Point) -> dict[str, Any]:
        rng, ride = self.rng, self.p.kind == "ride"
        pick = self._offset(pos, float(rng.lognormal(np.log(1100.0 if ride else 800.0), 0.5)))
        to_pick_m = metres(pos, pick) * rng.uniform(1.2, 1.45) + 50.0
        arrive = accepted + int(to_pick_m / (rng.uniform(5.5, 8.5) if ride else rng.uniform(3.5, 5.0))) + 1
        picked = arrive + (int(rng.uniform(20, 240)) if ride else int(rng.exponential(240.0)) + 30)
        request = offer_at - (int(rng.integers(2, 21)) if ride else int(rng.integers(120, 900)))
        job: dict[str, Any] = {
            "job_id": self._uuid(), "offer_id": oid, "session_id": sid, "kind": self.p.kind,
            "product": self.p.product, "status": self._job_status(), "requested_at": request,
            "accepted_at": accepted, "arrived_pickup_at": arrive, "picked_up_at": picked,
            "arrived_dropoff_at": None, "dropped_off_at": None, "cancelled_at": None,
            "accept_lat": pos[0], "accept_lon": pos[1], "pickup_lat": pick[0], "pickup_lon": pick[1],
            "dropoff_lat": None, "dropoff_lon": None, "to_pickup_distance_m": to_pick_m,
            "to_pickup_duration_s": float(picked - accepted), "job_distance_m": None,
            "job_duration_s": None, "surge_multiplier": self._surge(request) if ride else 1.0,
            "eta_s": round(float(arrive - accepted) * rng.uniform(0.8, 1.2)), "currency": self.p.currency,
        }
        if job["status"].startswith("cancelled"):
            self._cancel(job, pos, pick)
        else:
            self._carry(job, pick)
        self.engaged_s += job["end"] - accepted
        self.accepted += 1
        fare, lines = job_pay_lines(self, job)
        self.pay.extend(lines)
        job["fare"] = fare
        job["pay"] = round(sum(line[1] for line in lines), 2)
        job["tip"] = round(sum(line[1] for line in lines if line[4] == "tip"), 2)
        self._rate(job)
        self.jobs.append(job)
        return job

    def _job_status(self) -> str:
        p, r = self.p, self.rng.random()
        if r < p.customer_cancel_prob:
            return "cancelled_by_customer"
        if r < p.customer_cancel_prob + p.worker_cancel_prob:
            return "cancelled_by_worker"
        if p.kind == "delivery" and r < p.customer_cancel_prob + p.worker_cancel_prob + p.failed_prob:
            return "failed"
        return "completed"

    def _cancel(self, job: dict[str, Any], pos: Point, pick: Point) -> None:
        accepted, arrive, picked = job["accepted_at"], job["arrived_pickup_at"], job["picked_up_at"]
        last = picked if job["status"] == "cancelled_by_customer" else arrive
        at = accepted + max(1, int(self.rng.uniform(0.1, 0.95) * (last - accepted)))
        frac = min(1.0, (at - accepted) / max(arrive - accepted, 1))
        end_pos = (pos[0] + frac * (pick[0] - pos[0]), pos[1] + frac * (pick[1] - pos[1]))
        job.update(cancelled_at=at, picked_up_at=None, to_pickup_duration_s=float(at - accepted),
                   arrived_pickup_at=arrive if arrive <= at else None, end=at, end_pos=end_pos)
        self._add(job["session_id"], "to_pickup", accepted, at, pos, end_pos, job["job_id"], min(arrive, at))

    def _carry(self, job: dict[str, Any], pick: Point) -> None:
        p, rng, ride = self.p, self.rng, self.p.kind == "ride"
        if ride:
            drop = (p.centre_lat + rng.normal(0, 0.035), p.centre_lon + rng.normal(0, 0.05))
        else:
            drop = self._offset(pick, float(rng.lognormal(np.log(1800.0), 0.5)))
        dist = metres(pick, drop) * rng.uniform(1.2, 1.45) + 100.0
        picked = job["picked_up_at"]
        arrive_drop = picked + int(dist / (rng.uniform(6.0, 10.0) if ride else rng.uniform(3.5, 5.0))) + 1
        if job["status"] == "failed":
            end = arrive_drop + int(rng.integers(300, 900))
            job.update(cancelled_at=end)
        else:
            end = arrive_drop + (int(rng.integers(5, 40)) if ride else int(rng.integers(30, 240)))
            job.update(dropped_off_at=end)
        job.update(arrived_dropoff_at=arrive_drop, dropoff_lat=drop[0], dropoff_lon=drop[1],
                   job_distance_m=dist, job_duration_s=float(end - picked), end=end, end_pos=drop)
        sid, jid, accept = job["session_id"], job["job_id"], (job["accept_lat"], job["accept_lon"])
        self._add(sid, "to_pickup", job["accepted_at"], picked, accept, pick, jid, job["arrived_pickup_at"])
        self._add(sid, "on_job", picked, end, pick, drop, jid, arrive_drop)

    def _surge(self, at: int) -> float:
        hour = datetime.fromtimestamp(at, ZoneInfo(self.p.zone)).hour
        if hour in (7, 8, 17, 18, 19, 23, 0) and self.rng.random() < 0.3:
            return float(self.rng.choice([1.2, 1.3, 1.5, 1.8, 2.1, 2.6]))
        return 1.0

    def _rate(self, job: dict[str, Any]) -> None:
        if job["status"] != "completed" or self.rng.random() >= self.p.rated_prob:
            return
        stars = int(self.rng.choice(5, p=np.asarray(self.p.star_probs, dtype=float))) + 1
        at = job["dropped_off_at"] + int(self.rng.integers(30, 3600))
        self.ratings.append([at, float(stars), job["job_id"]])
        if stars == 1 and self.p.rating_effect > 0:
            self.effects.append((at, at + self.p.rating_effect_days * 86400))

    def _add(self, sid: int | None, state: str, start: int, end: int, a: Point, b: Point,
             job: str | None, move_end: int) -> None:
        self.intervals.append([sid, state, start, end, a[0], a[1], b[0], b[1], job, move_end])

    def _drift(self, pos: Point) -> Point:
        """Where a waiting spell ends: drawn towards the centre, plus some wandering."""
        pull = (pos[0] + 0.3 * (self.p.centre_lat - pos[0]), pos[1] + 0.3 * (self.p.centre_lon - pos[1]))
        return self._offset(pull, abs(float(self.rng.normal(0, 400.0))))

    def _offset(self, pos: Point, distance_m: float) -> Point:
        angle = self.rng.uniform(0, 2 * np.pi)
        dlat = distance_m * np.cos(angle) / EARTH_M
        dlon = distance_m * np.sin(angle) / (EARTH_M * np.cos(np.radians(pos[0])))
        return float(pos[0] + np.degrees(dlat)), float(pos[1] + np.degrees(dlon))

    def _uuid(self) -> str:
        return str(uuid.UUID(bytes=self.rng.bytes(16), version=4))


def streak_wait_factor(effect: float, share: float) -> float:
    """How much longer the mean wait for an offer gets so that offers per logged-in hour fall by `effect`
    when waiting is `share` of the logged-in time: per offer, logged-in time is a wait W plus engaged time
    E with W / (W + E) = share; offers per hour fall to (1 - effect) when W becomes k W with
    k W + E = (W + E) / (1 - effect), i.e. k = (1 / (1 - effect) - (1 - share)) / share.

    Example:
        >>> round(streak_wait_factor(0.3, 0.4), 3)
        2.071
    """
    return (1.0 / (1.0 - effect) - (1.0 - share)) / share


def _check(p: SimParams) -> None:
    if p.kind not in ("ride", "delivery"):
        raise ValueError(f"kind must be 'ride' or 'delivery', not {p.kind!r}")
    if p.reject_prob + p.expire_prob + p.offer_cancel_prob >= 1.0:
        raise ValueError("reject_prob + expire_prob + offer_cancel_prob must stay below 1")
    if p.days < 1:
        raise ValueError("days must be at least 1")
    if not 0.0 <= p.streak_effect < 1.0:
        raise ValueError("streak_effect must be in [0, 1)")
    if any(r < 0.0 or r + p.expire_prob + p.offer_cancel_prob >= 1.0 for r in p.reject_prob_months):
        raise ValueError("each of reject_prob_months + expire_prob + offer_cancel_prob must stay below 1")
    if abs(sum(p.star_probs) - 1.0) > 1e-9:
        raise ValueError("star_probs must sum to 1")
    ZoneInfo(p.zone)
