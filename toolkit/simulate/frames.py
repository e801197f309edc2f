"""Turn a finished `Simulation` into a `World`: UTC frames, the offline gaps, the GPS trace, the truth.

Example:
    >>> from toolkit.simulate.engine import Simulation
    >>> from toolkit.simulate.model import SimParams
    >>> sim = Simulation(SimParams(days=2, seed=2, gps_every_s=60))
    >>> sim.run()
    >>> world = build_world(sim)
    >>> world.gps["ts"].is_monotonic_increasing
    True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from toolkit.simulate.model import World, utc
from toolkit.simulate.truth import truth

if TYPE_CHECKING:
    from toolkit.simulate.engine import Simulation

_IV_COLS = ["session_id", "state", "start_at", "end_at", "start_lat", "start_lon", "end_lat", "end_lon",
            "job_id", "move_end"]
_TS_JOB = ["requested_at", "accepted_at", "arrived_pickup_at", "picked_up_at", "arrived_dropoff_at",
           "dropped_off_at", "cancelled_at"]


def build_world(sim: Simulation) -> World:
    """The World of a simulation that has run.

    Example:
        >>> from toolkit.simulate.engine import Simulation
        >>> from toolkit.simulate.model import SimParams
        >>> sim = Simulation(SimParams(days=1, seed=1, gps_every_s=0, work_prob=1.0))
        >>> sim.run()
        >>> build_world(sim).intervals["state"].iloc[0]
        'waiting'
    """
    raw = pd.DataFrame(_with_offline(sim), columns=_IV_COLS)
    raw["session_id"] = raw["session_id"].astype("Int64")
    intervals = _stamp(raw.drop(columns="move_end"), ["start_at", "end_at"])
    sessions = _stamp(pd.DataFrame([s[:4] for s in sim.sessions],
                                   columns=["session_id", "start_at", "end_at", "end_reason"]),
                      ["start_at", "end_at"])
    offers = _stamp(pd.DataFrame(sim.offers, columns=["offer_id", "session_id", "offered_at", "ended_at",
                                                      "outcome", "job_id", "lat", "lon"]),
                    ["offered_at", "ended_at"])
    jobs = _jobs(sim)
    pay = pd.DataFrame(sim.pay, columns=["earned_at", "amount", "currency", "classification", "category",
                                         "uber_category", "job_id"])
    pay = _stamp(pay.sort_values("earned_at", kind="stable").reset_index(drop=True), ["earned_at"])
    rated = pd.DataFrame(sim.ratings, columns=["rated_at", "rating", "job_id"])
    rated = rated.sort_values("rated_at", kind="stable").reset_index(drop=True)
    ratings = _stamp(rated, ["rated_at"])
    sanctions = _stamp(pd.DataFrame(sim.sanctions, columns=["at", "kind", "rule", "duration_ms", "lat",
                                                            "lon"]), ["at"])
    gps = _gps(sim, raw)
    world = World(sim.p, sessions, intervals, offers, jobs, pay, ratings, sanctions, gps)
    world.truth = truth(sim, world)
    return world


def _with_offline(sim: Simulation) -> list[list[Any]]:
    """The online intervals with the offline gaps between sessions and after the last one."""
    out: list[list[Any]] = []
    by_session: dict[int, list[list[Any]]] = {}
    for iv in sim.intervals:
        by_session.setdefault(iv[0], []).append(iv)
    for i, session in enumerate(sim.sessions):
        out.extend(sorted(by_session.get(session[0], []), key=lambda iv: iv[2]))
        nxt = sim.sessions[i + 1] if i + 1 < len(sim.sessions) else None
        end = nxt[1] if nxt else sim.period[1]
        if end > session[2]:
            b = nxt[4] if nxt else sim.home
            out.append([None, "offline", session[2], end, session[5][0], session[5][1], b[0], b[1], None,
                        session[2]])
    return out


def _stamp(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    out = frame.copy()
    for column in columns:
        out[column] = utc(out[column].to_numpy(dtype="float64", na_value=np.nan)) if len(out) else \
            pd.Series([], dtype="datetime64[us, UTC]")
    return out


def _jobs(sim: Simulation) -> pd.DataFrame:
    columns = ["job_id", "offer_id", "session_id", "kind", "product", "status", *_TS_JOB, "accept_lat",
               "accept_lon", "pickup_lat", "pickup_lon", "dropoff_lat", "dropoff_lon",
               "to_pickup_distance_m", "to_pickup_duration_s", "job_distance_m", "job_duration_s",
               "surge_multiplier", "eta_s", "currency", "fare", "pay", "tip"]
    frame = pd.DataFrame([{c: j.get(c) for c in columns} for j in sim.jobs], columns=columns)
    for column in ["accept_lat", "accept_lon", "pickup_lat", "pickup_lon", "dropoff_lat", "dropoff_lon",
                   "job_distance_m", "job_duration_s", "fare", "pay", "tip"]:
        frame[column] = frame[column].astype("float64")
    return _stamp(frame, _TS_JOB)


def _gps(sim: Simulation, iv: pd.DataFrame) -> pd.DataFrame:
    """Fixes every `gps_every_s` while online (interpolated along each interval), one at each logout."""
    columns = ["ts", "lat", "lon", "accuracy_m", "altitude_m", "speed_mps", "state", "phase"]
    step_ms = int(round(sim.p.gps_every_s * 1000))
    online = iv[iv["state"] != "offline"].reset_index(drop=True)
    if step_ms <= 0 or online.empty:
        return _stamp_ms(pd.DataFrame(columns=columns))
    rng = np.random.default_rng([sim.p.seed, 1])
    starts = np.array([s[1] for s in sim.sessions], dtype=np.int64) * 1000
    stops = np.array([s[2] for s in sim.sessions], dtype=np.int64) * 1000
    counts = -(-(stops - starts) // step_ms)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    ts = np.repeat(starts, counts) + offsets * step_ms + rng.integers(0, min(step_ms, 1000), counts.sum())
    ts = np.minimum(ts, np.repeat(stops, counts) - 1)
    ivs = online["start_at"].to_numpy(np.int64) * 1000
    k = np.searchsorted(ivs, ts, side="right") - 1
    begin, move_end = online["start_at"].to_numpy(float)[k], online["move_end"].to_numpy(float)[k]
    frac = np.clip((ts / 1000.0 - begin) / np.maximum(move_end - begin, 1.0), 0.0, 1.0)
    lat0, lon0 = online["start_lat"].to_numpy(float)[k], online["start_lon"].to_numpy(float)[k]
    lat1, lon1 = online["end_lat"].to_numpy(float)[k], online["end_lon"].to_numpy(float)[k]
    accuracy = rng.uniform(3.0, 20.0, len(ts))
    lat = lat0 + frac * (lat1 - lat0) + rng.normal(0, 1, len(ts)) * accuracy / 2 / 111_111.0
    lon = lon0 + frac * (lon1 - lon0) + rng.normal(0, 1, len(ts)) * accuracy / 2 / 80_000.0
    span_m = np.hypot((lat1 - lat0) * 111_111.0, (lon1 - lon0) * 111_111.0 * np.cos(np.radians(lat0)))
    moving = span_m * 1.3 / np.maximum(move_end - begin, 1.0) * rng.uniform(0.6, 1.3, len(ts))
    speed = np.where(frac < 1.0, moving, rng.uniform(0.0, 0.4, len(ts)))
    state = online["state"].to_numpy(object)[k]
    fixes = pd.DataFrame({"ts": ts, "lat": lat, "lon": lon, "accuracy_m": accuracy,
                          "altitude_m": 35.0 + rng.normal(0, 4.0, len(ts)), "speed_mps": speed,
                          "state": state, "phase": _phases(sim, ts, state, frac)})
    ends = pd.DataFrame({"ts": [s[2] * 1000 for s in sim.sessions], "lat": [s[5][0] for s in sim.sessions],
                         "lon": [s[5][1] for s in sim.sessions], "accuracy_m": 10.0, "altitude_m": 35.0,
                         "speed_mps": 0.0, "state": "offline", "phase": "offline"})
    both = pd.concat([fixes, ends], ignore_index=True).sort_values("ts", kind="stable")
    return _stamp_ms(both.reset_index(drop=True))


def _phases(sim: Simulation, ts: np.ndarray, state: np.ndarray, frac: np.ndarray) -> np.ndarray:
    phase = state.copy()
    if sim.offers:
        offered = np.array([o[2] for o in sim.offers], dtype=np.int64) * 1000
        ended = np.array([o[3] for o in sim.offers], dtype=np.int64) * 1000
        j = np.searchsorted(offered, ts, side="right") - 1
        pending = (j >= 0) & (ts < ended[np.maximum(j, 0)])
        phase[(state == "waiting") & pending] = "offered"
    phase[(state == "to_pickup") & (frac >= 1.0)] = "at_pickup"
    return phase


def _stamp_ms(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out["ts"] = pd.to_datetime(out["ts"].astype("int64"), unit="ms", utc=True).dt.as_unit("us")
    for column in ["lat", "lon", "accuracy_m", "altitude_m", "speed_mps"]:
        out[column] = out[column].astype("float64")
    return out
