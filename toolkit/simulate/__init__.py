"""Simulate one gig worker's weeks on a platform, with planted effects and exact known figures.

The simulated world is the ground truth that synthetic exports (`toolkit.samples`) are written from and
that analyses are checked against. A worker logs in for one or two sessions on most days; while online
they wait (P1) until the platform offers a job; an offer is accepted, rejected, left to expire or
withdrawn; an accepted job is a drive to the pickup (P2: accept -> pickup, including the wait at the
pickup point or restaurant) and the job itself (P3: pickup -> drop-off). Jobs earn pay lines classified
the way Uber classifies them (fare components, tips, commission and VAT as negative lines, weekly
quests), customers rate some jobs, and N consecutive rejections put the worker in Uber's 6-hour
"penalty box" (forced offline).

Planted effects (see `SimParams`; every realised figure is in `World.truth`):
- `waiting_share`: the target P1 / logged-in share. Offers arrive as a Poisson process while waiting,
  whose mean gap is set from the running mean engaged time per accepted job so that the share is met on
  average (sessions end at their planned time, jobs in progress are finished);
- `fee_cut`: from a local day on, every pay rate falls by a fraction, so per-job pay (tips aside) does;
- `rating_effect`: after a 1-star rating, the offer rate while waiting (offers per P1 hour) falls by a
  fraction for `rating_effect_days` days (the rate in force when a waiting spell starts applies to it);
- `block_after_rejections`: the Nth consecutive rejection gives a `consecutiveReject` block of
  21,600,000 ms (a 0 ms notification at the (N-1)th); any other outcome resets the count, and so does
  a new session.
- `streak_effect`: in the local calendar month after a month in which such a streak got the worker
  blocked, offers per logged-in hour fall by this fraction (the mean wait for an offer grows by
  `engine.streak_wait_factor`); `reject_prob_months` varies the rejection probability month by month, so
  some months hold a streak and others do not.

Every time is a whole second (GPS fixes: milliseconds). Deterministic for a seed: one numpy Generator
drives the world, a second one (seeded from the same seed) the GPS, so `gps_every_s` changes nothing else.
1800 days take a few seconds without GPS.

Example:
    >>> world = simulate_worker(SimParams(days=7, seed=3, gps_every_s=0))
    >>> t = world.truth["time"]
    >>> t["waiting_s"] + t["to_pickup_s"] + t["on_job_s"] == t["logged_in_s"]
    True
"""

from __future__ import annotations

from toolkit.simulate.engine import Simulation
from toolkit.simulate.frames import build_world
from toolkit.simulate.model import (
    BLOCK_MS,
    OFFER_TIMEOUT_S,
    QUEST_BONUS,
    QUEST_TRIPS,
    SimParams,
    World,
    local_day_start,
    utc,
)

__all__ = ["BLOCK_MS", "OFFER_TIMEOUT_S", "QUEST_BONUS", "QUEST_TRIPS", "SimParams", "World",
           "local_day_start", "simulate_worker", "utc"]


def simulate_worker(params: SimParams | None = None) -> World:
    """Simulate one worker with `params` (default `SimParams()`) and return the World.

    Example:
        >>> w = simulate_worker(SimParams(days=3, seed=5, gps_every_s=0))
        >>> set(w.intervals["state"]) <= {"offline", "waiting", "to_pickup", "on_job"}
        True
    """
    sim = Simulation(params or SimParams())
    sim.run()
    return build_world(sim)
