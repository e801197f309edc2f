"""Dispatch: planted offer rates, a 6-hour block after refusals, what follows rejections, pickup and space."""

from __future__ import annotations

import h3
import numpy as np
import pandas as pd
import pytest

from tests.toolkit.analytics.planted import T0, hours, table
from toolkit.analytics.dispatch import (
    after_decisions,
    blocks_after_rejections,
    offer_rates,
    offers_per_online_hour,
    pickup_distributions,
    repositioning,
    surge_share,
    waiting_vs_job_starts,
)

SHIFT = (10.0, 14.0)  # online 10:00-14:00 UTC every day


def offering_worker(seed: int, days: int = 30, rate_h: float = 6.0, quiet_after_reject_h: float = 0.0,
                    shares: tuple[float, float, float] = (0.7, 0.2, 0.1),
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Offers as a Poisson process at `rate_h` per hour over a daily 4-hour shift, each accepted, rejected
    or expired with `shares`; after a rejection the app sends nothing for `quiet_after_reject_h` hours.
    Returns (offers, status segments: the shift as one waiting segment)."""
    rng = np.random.default_rng(seed)
    at, outcome = [], []
    for day in range(days):
        t, end = SHIFT[0], SHIFT[1]
        while True:
            t += rng.exponential(1 / rate_h)
            if t >= end:
                break
            choice = rng.choice(["accepted", "rejected", "expired"], p=list(shares))
            at.append(T0 + pd.Timedelta(days=day) + hours(t))
            outcome.append(str(choice))
            if choice == "rejected":
                t += quiet_after_reject_h
    offers = table("offers", offered_at=at, outcome=outcome)
    starts = [T0 + pd.Timedelta(days=d) + hours(SHIFT[0]) for d in range(days)]
    segments = table("status_segments", state=["waiting"] * days, start_at=starts,
                     end_at=[s + hours(SHIFT[1] - SHIFT[0]) for s in starts])
    return offers, segments


def test_offer_rates_recover_planted_shares() -> None:
    offers, _ = offering_worker(seed=1)
    result = offer_rates(offers, freq="week")
    totals = result["totals"]
    outcome = offers["outcome"]
    assert result["source"] == "offers (per-offer rows)"
    assert totals["offered"] == len(offers)
    assert totals["acceptance_rate"] == pytest.approx((outcome == "accepted").mean())
    assert totals["acceptance_rate"] == pytest.approx(0.7, abs=0.05)
    assert totals["rejection_rate"] == pytest.approx(0.2, abs=0.05)
    assert totals["expiry_rate"] == pytest.approx(0.1, abs=0.04)
    assert result["by_hour"].index.tolist() == [10, 11, 12, 13]
    assert result["by_period"]["offered"].sum() == len(offers)


def test_offer_rates_fall_back_to_hourly_windows_and_say_so() -> None:
    starts = [T0 + hours(10), T0 + hours(11)]
    windows = table("offer_windows", window_start=starts, window_end=[s + hours(1) for s in starts],
                    offers=[5, 3], accepted=[3, 1], rejected=[1, 2], expired=[1, 0],
                    minutes_online=[60.0, 30.0], minutes_active=[40.0, 10.0])
    result = offer_rates(offer_windows=windows)
    assert result["source"] == "offer_windows (hourly counts)"
    assert result["totals"]["acceptance_rate"] == pytest.approx(4 / 8)
    per_hour = offers_per_online_hour(offer_windows=windows)
    assert per_hour["per_logged_in_h"] == pytest.approx(8 / 1.5)
    assert per_hour["per_waiting_h"] == pytest.approx(8 / (40 / 60))
    assert per_hour["hours_source"] == "offer_windows.minutes_online"
    assert offer_rates()["source"] is None


def test_offers_per_online_hour_from_the_state_log() -> None:
    offers, segments = offering_worker(seed=2, rate_h=3.0)
    result = offers_per_online_hour(offers, segments=segments)
    assert result["hours_source"] == "status_segments (status_log)"
    assert result["per_logged_in_h"] == pytest.approx(len(offers) / (30 * 4.0))
    assert result["per_logged_in_h"] == pytest.approx(3.0, rel=0.15)


def block_worker(duration_s: float | None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Three accepted offers, then three rejections in 20 minutes, a 6-hour block at 12:00, offline until
    18:00, then a later lone rejection followed by a notification (not a block)."""
    base = T0 + pd.Timedelta(days=3)
    at = [base + hours(h) for h in (10.0, 10.5, 11.0, 11.66, 11.83, 11.95, 19.0)]
    offers = table("offers", offered_at=at, outcome=["accepted"] * 3 + ["rejected"] * 3 + ["rejected"])
    sanctions = table("sanctions", at=[base + hours(12), base + hours(19.1)], kind=["block", "notification"],
                      rule=["consecutiveReject", "drivingHourLimits"], duration_s=[duration_s, 0.0],
                      source_file=["11 - Driver App Restrictions.csv"] * 2, source_row=[2, 3])
    segments = table("status_segments", state=["waiting", "offline", "waiting"],
                     start_at=[base + hours(9.5), base + hours(12), base + hours(18)],
                     end_at=[base + hours(12), base + hours(18), base + hours(20)])
    return offers, sanctions, segments


def test_six_hour_block_after_three_rejections_is_found_with_its_cost() -> None:
    offers, sanctions, segments = block_worker(duration_s=6 * 3600.0)
    result = blocks_after_rejections(sanctions, offers, segments)
    blocks = result["table"]
    assert len(blocks) == 1  # the drivingHourLimits notification is neither a block nor a refusal sanction
    block = blocks.iloc[0]
    assert block["refusals_before"] == 3 and bool(block["after_refused_offers"])
    assert bool(block["refusal_rule"]) and bool(block["block"])
    assert block["hours_cost"] == pytest.approx(6.0)
    assert block["cost_source"] == "stated"
    assert (block["source_file"], block["source_row"]) == ("11 - Driver App Restrictions.csv", 2)
    assert block["offer_rows"] == "offers.csv:5;offers.csv:6;offers.csv:7"
    assert result["blocks_after_refused_offers"] == 1
    assert result["summary"]["blocked_h"] == pytest.approx(6.0)
    assert result["summary"]["refusal_blocked_h"] == pytest.approx(6.0)


def test_block_without_stated_duration_is_costed_from_the_state_log() -> None:
    offers, sanctions, segments = block_worker(duration_s=None)
    sanctions = sanctions.assign(kind=["block", "notification"])
    result = blocks_after_rejections(sanctions, offers, segments)
    block = result["table"].iloc[0]
    assert block["hours_cost"] == pytest.approx(6.0)  # offline 12:00-18:00, an estimate said to be one
    assert block["cost_source"] == "relogin"
    # the headline hours blocked count only stated lengths: this block states none, so they are unknown
    assert result["summary"]["blocked_h"] is None and result["summary"]["blocks_without_duration"] == 1
    alone = blocks_after_rejections(sanctions)
    unknown = alone["table"].iloc[0]
    assert np.isnan(unknown["hours_cost"]) and np.isnan(unknown["refusals_before"])
    assert unknown["after_refused_offers"] is None and alone["blocks_after_refused_offers"] is None
    assert bool(unknown["refusal_rule"])  # the rule's name says rejections
    assert alone["summary"]["refusal_blocks"] == 1


def test_quiet_hour_after_rejections_is_measured_with_an_interval_excluding_zero() -> None:
    offers, segments = offering_worker(seed=3, rate_h=6.0, quiet_after_reject_h=0.5)
    result = after_decisions(offers, segments=segments, horizon_h=0.5, seed=1)
    diff = result["differences"].set_index(["decision", "outcome"])
    # Planted: nothing for 30 min after a rejection; after an acceptance ~6/h x 0.5 h (less near shift end).
    rejected = result["table"].loc["rejected", "offers"]
    assert rejected == pytest.approx(0.0, abs=0.05)
    low, high = diff.loc[("rejected", "offers"), ["low", "high"]]
    assert high < 0
    assert "association" in result["caveat"]


def test_no_effect_of_rejections_for_a_null_worker() -> None:
    """Decisions independent of offers: at most 1 of 6 workers may show an interval excluding 0
    (nominal rate 5%)."""
    excluded = 0
    for seed in range(40, 46):
        offers, segments = offering_worker(seed=seed, rate_h=6.0)
        diff = after_decisions(offers, segments=segments, seed=seed, n_boot=499)["differences"]
        row = diff.set_index(["decision", "outcome"]).loc[("rejected", "offers")]
        excluded += not (row["low"] <= 0 <= row["high"])
    assert excluded <= 1


def test_pickup_distributions_and_deadhead() -> None:
    accepted = [T0 + hours(10), T0 + hours(11), T0 + hours(12)]
    jobs = table("jobs", kind=["ride"] * 3, status=["completed"] * 3, accepted_at=accepted,
                 arrived_pickup_at=[a + hours(0.1) for a in accepted],
                 to_pickup_distance_m=[1000.0, 2000.0, 3000.0], to_pickup_duration_s=[None, 300.0, None],
                 job_distance_m=[5000.0, 5000.0, None])
    result = pickup_distributions(jobs)
    assert result["summary"].loc["distance_m", "median"] == 2000.0
    assert result["summary"].loc["duration_s", "median"] == pytest.approx(360.0)  # 360, 300, 360
    assert result["deadhead_ratio"] == pytest.approx(3000.0 / 10000.0)
    assert result["notes"]


def test_waiting_and_job_starts_on_h3_cells() -> None:
    a, b = (48.8566, 2.3522), (48.8800, 2.3000)
    starts = [T0 + hours(9), T0 + hours(12), T0 + hours(15)]
    segments = table("status_segments", state=["waiting", "waiting", "on_job"], start_at=starts,
                     end_at=[s + hours(1.5) for s in starts], start_lat=[a[0], b[0], a[0]],
                     start_lon=[a[1], b[1], a[1]])
    jobs = table("jobs", kind=["ride"] * 3, status=["completed"] * 3, accept_lat=[b[0], None, b[0]],
                 accept_lon=[b[1], None, b[1]], pickup_lat=[None, a[0], None], pickup_lon=[None, a[1], None])
    cells = waiting_vs_job_starts(segments, jobs)["cells"]
    cell_a, cell_b = h3.latlng_to_cell(*a, 8), h3.latlng_to_cell(*b, 8)
    assert cells.loc[cell_a, "waiting_h"] == 1.5 and cells.loc[cell_a, "job_starts"] == 1.0
    assert cells.loc[cell_b, "waiting_h"] == 1.5 and cells.loc[cell_b, "job_starts"] == 2.0
    assert cells["job_start_share"].sum() == pytest.approx(1.0)


def test_repositioning_distance_between_jobs() -> None:
    t = T0 + hours(10)
    jobs = table("jobs", kind=["ride"] * 3, status=["completed"] * 3,
                 accepted_at=[t, t + hours(1), t + hours(5)], dropped_off_at=[t + hours(0.5), t + hours(1.5),
                                                                            t + hours(5.5)],
                 accept_lat=[45.0, 46.0, 47.0], accept_lon=[5.0, 5.0, 5.0],
                 dropoff_lat=[45.0, 46.0, 47.0], dropoff_lon=[5.0, 5.0, 5.0])
    result = repositioning(jobs)
    # one degree of latitude on the 6371.0088 km sphere; the 3.5-hour gap is a new session
    assert result["moves"]["distance_m"].tolist() == pytest.approx([6_371_008.8 * np.pi / 180])
    assert result["moves"]["to"].tolist() == ["acceptance"]


def test_surge_share_counts_only_known_multipliers() -> None:
    jobs = table("jobs", kind=["ride"] * 5, status=["completed"] * 4 + ["cancelled_by_customer"],
                 surge_multiplier=[1.0, 1.4, None, 2.0, 3.0])
    result = surge_share(jobs)
    assert result["share"] == pytest.approx(2 / 3)
    assert result["known"] == 3 and result["unknown"] == 1
    assert surge_share(table("jobs", kind=["ride"], status=["completed"]))["share"] is None
