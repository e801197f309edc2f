"""The worker simulator: deterministic, internally consistent, and its planted effects are really there.

Every figure is recomputed here from the World's frames (never read from `World.truth`, except to check
that the truth agrees with the frames).
"""

from __future__ import annotations

import json
import time
from datetime import date

import numpy as np
import pandas as pd
import pytest

from toolkit.simulate import BLOCK_MS, SimParams, World, simulate_worker

FRAMES = ["sessions", "intervals", "offers", "jobs", "pay", "ratings", "sanctions", "gps"]
ONLINE = ["waiting", "to_pickup", "on_job"]


@pytest.fixture(scope="module")
def world() -> World:
    return simulate_worker(SimParams(days=30, seed=4, gps_every_s=20))


def seconds(frame: pd.DataFrame, start: str = "start_at", end: str = "end_at") -> pd.Series:
    return (frame[end] - frame[start]).dt.total_seconds()


def test_same_seed_gives_the_same_world_and_another_seed_another() -> None:
    a, b = (simulate_worker(SimParams(days=6, seed=8, gps_every_s=30)) for _ in range(2))
    for name in FRAMES:
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), obj=name)
    assert json.dumps(a.truth) == json.dumps(b.truth)
    other = simulate_worker(SimParams(days=6, seed=9, gps_every_s=30))
    assert not a.jobs["requested_at"].equals(other.jobs["requested_at"])


def test_gps_density_changes_nothing_but_the_gps() -> None:
    dense = simulate_worker(SimParams(days=4, seed=3, gps_every_s=5))
    none = simulate_worker(SimParams(days=4, seed=3, gps_every_s=0))
    for name in FRAMES[:-1]:
        pd.testing.assert_frame_equal(getattr(dense, name), getattr(none, name), obj=name)
    assert none.gps.empty and len(dense.gps) > 1000


def test_intervals_are_contiguous_and_never_overlap(world: World) -> None:
    iv = world.intervals
    assert set(iv["state"]) == {"offline", *ONLINE}
    assert iv["start_at"].is_monotonic_increasing
    assert (iv["start_at"] < iv["end_at"]).all()
    assert (iv["end_at"].iloc[:-1].to_numpy() == iv["start_at"].iloc[1:].to_numpy()).all()
    period_end = pd.Timestamp("2021-03-03 00:00", tz="Europe/Paris")  # 30 days from 1 February
    assert iv["end_at"].iloc[-1] == max(period_end, world.sessions["end_at"].max())
    for session in world.sessions.itertuples():
        inside = iv[iv["session_id"] == session.session_id]
        assert inside["start_at"].min() == session.start_at and inside["end_at"].max() == session.end_at
        assert set(inside["state"]) <= set(ONLINE)
    assert iv.loc[iv["state"] == "offline", "session_id"].isna().all()
    assert not ((iv["state"] == "offline") & (iv["state"].shift(-1) == "offline")).any()


@pytest.mark.parametrize(("kind", "share", "seed"),
                         [("ride", 0.25, 2), ("ride", 0.5, 3), ("delivery", 0.4, 5)])
def test_waiting_share_matches_the_knob_over_60_days(kind: str, share: float, seed: int) -> None:
    w = simulate_worker(SimParams(days=60, seed=seed, kind=kind, waiting_share=share, gps_every_s=0))
    iv = w.intervals
    waiting = seconds(iv[iv["state"] == "waiting"]).sum()
    online = seconds(iv[iv["state"].isin(ONLINE)]).sum()
    assert abs(waiting / online - share) < 0.03


def test_offer_outcomes_add_up_and_accepted_offers_are_the_jobs(world: World) -> None:
    offers, jobs = world.offers, world.jobs
    counts = offers["outcome"].value_counts()
    assert set(counts.index) <= {"accepted", "rejected", "expired", "cancelled"}
    assert counts.sum() == len(offers)
    accepted = offers[offers["outcome"] == "accepted"]
    assert sorted(accepted["job_id"]) == sorted(jobs["job_id"])
    assert offers.loc[offers["outcome"] != "accepted", "job_id"].isna().all()
    assert (offers["ended_at"] > offers["offered_at"]).all()
    assert (seconds(offers[offers["outcome"] == "expired"], "offered_at", "ended_at") == 15).all()
    waiting = world.intervals[world.intervals["state"] == "waiting"]
    spell = pd.merge_asof(offers.sort_values("offered_at"), waiting[["start_at", "end_at"]],
                          left_on="offered_at", right_on="start_at")
    assert (spell["offered_at"] >= spell["start_at"]).all() and (spell["ended_at"] <= spell["end_at"]).all()
    joined = accepted.merge(jobs, on="job_id")
    assert (joined["accepted_at"] == joined["ended_at"]).all()


def test_job_times_follow_each_other(world: World) -> None:
    jobs = world.jobs
    done = jobs[jobs["status"] == "completed"]
    order = ["requested_at", "accepted_at", "arrived_pickup_at", "picked_up_at", "arrived_dropoff_at",
             "dropped_off_at"]
    for a, b in zip(order, order[1:], strict=False):
        assert (done[a] < done[b]).all(), (a, b)
    assert (seconds(done, "picked_up_at", "dropped_off_at") == done["job_duration_s"]).all()
    assert (seconds(done, "accepted_at", "picked_up_at") == done["to_pickup_duration_s"]).all()
    cancelled = jobs[jobs["status"].str.startswith("cancelled")]
    assert cancelled["picked_up_at"].isna().all() and cancelled["cancelled_at"].notna().all()


def test_pay_lines_sum_to_each_jobs_pay(world: World) -> None:
    pay, jobs = world.pay, world.jobs.set_index("job_id")
    per_job = pay.dropna(subset=["job_id"]).groupby("job_id")["amount"].sum()
    np.testing.assert_allclose(per_job.reindex(jobs.index, fill_value=0.0), jobs["pay"], atol=1e-9)
    tips = pay[pay["category"] == "tip"].groupby("job_id")["amount"].sum()
    np.testing.assert_allclose(tips.reindex(jobs.index, fill_value=0.0), jobs["tip"], atol=1e-9)
    assert (pay.loc[pay["category"].isin(["commission", "tax"]), "amount"] < 0).all()
    assert (pay["amount"].round(2) == pay["amount"]).all()
    fares = pay[pay["classification"].str.startswith("transport.fare.")].merge(
        world.jobs[["job_id", "requested_at"]], on="job_id")
    assert (fares["earned_at"] == fares["requested_at"]).all()  # as in the French SAR (2021)
    quests = pay[pay["category"] == "incentive"]
    assert quests["job_id"].isna().all() and len(quests) >= 1


def test_a_block_follows_every_run_of_n_consecutive_rejections() -> None:
    w = simulate_worker(SimParams(days=40, seed=6, reject_prob=0.35, block_after_rejections=3, gps_every_s=0))
    expected_blocks, expected_warnings = [], []
    for _, offers in w.offers.sort_values("offered_at").groupby("session_id"):
        run = 0
        for outcome, ended in zip(offers["outcome"], offers["ended_at"], strict=True):
            run = run + 1 if outcome == "rejected" else 0
            if run == 2:
                expected_warnings.append(ended)
            if run == 3:
                expected_blocks.append(ended)
    blocks = w.sanctions[w.sanctions["kind"] == "block"]
    assert len(expected_blocks) >= 3
    assert sorted(blocks["at"]) == sorted(expected_blocks)
    assert sorted(w.sanctions.loc[w.sanctions["kind"] == "notification", "at"]) == sorted(expected_warnings)
    assert (blocks["duration_ms"] == BLOCK_MS).all() and (blocks["rule"] == "consecutiveReject").all()
    online = w.intervals[w.intervals["state"] != "offline"]
    for at in blocks["at"]:
        assert w.sessions.loc[w.sessions["end_at"] == at, "end_reason"].tolist() == ["blocked"]
        until = at + pd.Timedelta(milliseconds=BLOCK_MS)
        assert not ((online["start_at"] >= at) & (online["start_at"] < until)).any()


def test_fee_cut_lowers_the_pay_rate_by_the_planted_fraction() -> None:
    cut = date(2021, 2, 21)
    w = simulate_worker(SimParams(days=40, seed=7, fee_cut=(cut, 0.2), gps_every_s=0))
    lines = w.pay[w.pay["classification"] == "transport.fare.distance"].merge(w.jobs, on="job_id")
    per_km = lines["amount"] / (lines["job_distance_m"] / 1000)
    after = lines["requested_at"] >= pd.Timestamp(cut, tz="Europe/Paris")
    assert after.sum() > 30 and (~after).sum() > 30
    assert abs(per_km[after].median() / per_km[~after].median() - 0.8) < 0.01


def test_rating_effect_lowers_the_offer_rate_after_a_one_star() -> None:
    params = SimParams(days=150, seed=5, star_probs=(0.06, 0.0, 0.04, 0.1, 0.8), rating_effect=0.6,
                       rating_effect_days=7, gps_every_s=0)
    inside, outside = offer_rates(simulate_worker(params))
    assert 0.25 < inside / outside < 0.6
    inside0, outside0 = offer_rates(simulate_worker(SimParams(**{**params.__dict__, "rating_effect": 0.0})))
    assert 0.8 < inside0 / outside0 < 1.25


def offer_rates(w: World) -> tuple[float, float]:
    """Offers per waiting hour inside the 7 days after each 1-star rating, and outside them."""
    starts = w.ratings.loc[w.ratings["rating"] == 1, "rated_at"]
    windows = [(s, s + pd.Timedelta(days=7)) for s in starts]
    waiting = w.intervals[w.intervals["state"] == "waiting"]
    inside_s = sum(max(0.0, (min(e, b) - max(s, a)).total_seconds())
                   for s, e in zip(waiting["start_at"], waiting["end_at"], strict=True)
                   for a, b in _union(windows))
    hit = w.offers["offered_at"].apply(lambda t: any(a <= t < b for a, b in windows))
    total_s = seconds(waiting).sum()
    return hit.sum() / inside_s * 3600, (~hit).sum() / (total_s - inside_s) * 3600


def _union(windows: list[tuple[pd.Timestamp, pd.Timestamp]]) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    merged: list[tuple[pd.Timestamp, pd.Timestamp]] = []
    for a, b in sorted(windows):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def test_gps_fixes_every_few_seconds_online_and_one_at_each_logout() -> None:
    w = simulate_worker(SimParams(days=3, seed=2, gps_every_s=4))
    gps, iv = w.gps, w.intervals
    assert gps["ts"].is_monotonic_increasing
    fixes = gps[gps["state"] != "offline"]
    where = pd.merge_asof(fixes, iv[["start_at", "end_at", "state"]].rename(columns={"state": "iv"}),
                          left_on="ts", right_on="start_at")
    assert (where["ts"] < where["end_at"]).all() and (where["state"] == where["iv"]).all()
    gaps = fixes["ts"].diff().dt.total_seconds()
    assert 3.0 <= gaps[gaps < 60].median() <= 5.0
    assert sorted(gps.loc[gps["state"] == "offline", "ts"]) == sorted(w.sessions["end_at"])
    assert set(gps["phase"]) <= {"waiting", "offered", "to_pickup", "at_pickup", "on_job", "offline"}


def test_truth_agrees_with_the_frames_and_is_json(world: World) -> None:
    t, iv = world.truth, world.intervals
    for state in ONLINE:
        assert t["time"][f"{state}_s"] == seconds(iv[iv["state"] == state]).sum()
    assert t["time"]["logged_in_s"] == seconds(iv[iv["state"].isin(ONLINE)]).sum()
    assert t["jobs"]["total"] == len(world.jobs) and t["offers"]["offered"] == len(world.offers)
    assert t["pay"]["earnings_total"] == round(world.pay["amount"].sum(), 2)
    assert t["ratings"]["count"] == len(world.ratings)
    assert t["sanctions"]["blocked_h"] == 6 * (world.sanctions["kind"] == "block").sum()
    assert json.loads(json.dumps(t)) == t


def test_five_years_without_gps_take_seconds() -> None:
    began = time.perf_counter()
    w = simulate_worker(SimParams(days=1800, seed=1, gps_every_s=0))
    assert time.perf_counter() - began < 10
    assert len(w.jobs) > 5000


def test_impossible_parameters_are_refused() -> None:
    with pytest.raises(ValueError, match="kind"):
        simulate_worker(SimParams(kind="bike"))
    with pytest.raises(ValueError, match="below 1"):
        simulate_worker(SimParams(reject_prob=0.7, expire_prob=0.3))
