"""Ratings: distribution and last-500 mean; a planted 30% fall in offers after 1-star ratings; sanctions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.toolkit.analytics.planted import T0, hours, table
from toolkit.analytics.ratings import low_rating_effects, rating_summary, sanctions_timeline

ONE_STAR_DAYS = (10, 25, 40, 55, 70, 85, 100, 115)
EFFECT_DAYS = 7


def rated_worker(seed: int, effect: float | None) -> dict[str, pd.DataFrame]:
    """140 days online 4-8 hours from 10:00 in hourly windows; offers ~ Poisson(5 per hour); 80% accepted,
    7 EUR each. 1-star ratings at 18:00 on ONE_STAR_DAYS, 4-5 stars otherwise. For EFFECT_DAYS days after
    each 1-star day, offers per hour are multiplied by (1 + effect)."""
    rng = np.random.default_rng(seed)
    after = {d + k for d in ONE_STAR_DAYS for k in range(1, EFFECT_DAYS + 1)}
    w: dict[str, list] = {k: [] for k in ("window_start", "offers", "accepted", "rejected", "expired",
                                          "minutes_online", "minutes_active")}
    pay_at, pay = [], []
    for day in range(140):
        factor = 1 + effect if effect is not None and day in after else 1.0
        for h in range(int(rng.integers(4, 9))):
            start = T0 + pd.Timedelta(days=day) + hours(10 + h)
            offered = int(rng.poisson(5 * factor))
            accepted = int(rng.binomial(offered, 0.8))
            w["window_start"].append(start)
            w["offers"].append(offered)
            w["accepted"].append(accepted)
            w["rejected"].append(offered - accepted)
            w["expired"].append(0)
            w["minutes_online"].append(60.0)
            w["minutes_active"].append(float(min(60, 11 * accepted)))
            pay_at.append(start + hours(0.9))
            pay.append(7.0 * accepted)
    rated_at, stars = [], []
    for day in range(140):
        for k in range(3):
            rated_at.append(T0 + pd.Timedelta(days=day) + hours(11 + k))
            stars.append(float(rng.choice([4.0, 5.0], p=[0.2, 0.8])))
        if day in ONE_STAR_DAYS:
            rated_at.append(T0 + pd.Timedelta(days=day) + hours(18))
            stars.append(1.0)
    n = len(w["offers"])
    return {
        "offer_windows": table("offer_windows", window_end=[s + hours(1) for s in w["window_start"]], **w),
        "earnings": table("earnings", earned_at=pay_at, amount=pay, currency=["EUR"] * n,
                          category=["fare"] * n),
        "ratings": table("ratings", rated_at=rated_at, rating=stars, scale=[5.0] * len(stars),
                         rater=["customer"] * len(stars)),
    }


def effects_of(worker: dict[str, pd.DataFrame], low: float = 1.0) -> pd.DataFrame:
    result = low_rating_effects(worker["ratings"], offer_windows=worker["offer_windows"],
                                earnings=worker["earnings"], low=low, days=EFFECT_DAYS)
    return result["effects"].set_index("outcome")


def test_offers_per_hour_fall_after_one_star_ratings() -> None:
    worker = rated_worker(seed=7, effect=-0.30)
    result = low_rating_effects(worker["ratings"], offer_windows=worker["offer_windows"],
                                earnings=worker["earnings"], low=1.0, days=EFFECT_DAYS)
    assert result["n_events"] == len(ONE_STAR_DAYS)
    assert result["sources"]["hours"] == "offer_windows.minutes_online"
    effects = result["effects"].set_index("outcome")
    offers = effects.loc["offers_per_h"]
    assert offers["change"] == pytest.approx(-0.30, abs=0.06)
    assert offers["low"] < offers["change"] < offers["high"] < 0
    earnings = effects.loc["earnings_per_h"]  # pay follows accepted offers
    assert earnings["change"] == pytest.approx(-0.30, abs=0.08) and earnings["high"] < 0
    assert effects.loc["waiting_share", "change"] > 0  # fewer jobs, more waiting
    assert "association" in result["caveat"]


def test_no_effect_for_a_null_worker() -> None:
    """No planted effect: the 95% interval must hold 0 for at least 5 of 6 workers."""
    holds = 0
    for seed in range(60, 66):
        offers = effects_of(rated_worker(seed, effect=None)).loc["offers_per_h"]
        holds += bool(offers["low"] <= 0 <= offers["high"])
        assert abs(offers["change"]) < 0.15
    assert holds >= 5


def test_undated_ratings_say_they_cannot_be_used() -> None:
    worker = rated_worker(seed=1, effect=None)
    undated = worker["ratings"].assign(rated_at=pd.Series(pd.NaT, index=worker["ratings"].index,
                                                          dtype="datetime64[us, UTC]"))
    result = low_rating_effects(undated, offer_windows=worker["offer_windows"])
    assert result["effects"] is None and "no date" in result["notes"][0]
    summary = rating_summary(undated)
    assert summary["trend"] is None and summary["rolling"] is None and summary["count"] == len(undated)


def test_rolling_mean_of_the_last_500() -> None:
    at = [T0 + hours(i) for i in range(600)]
    stars = [1.0] * 100 + [5.0] * 500
    summary = rating_summary(table("ratings", rated_at=at, rating=stars, scale=[5.0] * 600,
                                   rater=["customer"] * 600))
    rolling = summary["rolling"]
    assert rolling.iloc[549] == pytest.approx((50 * 1 + 450 * 5) / 500)
    assert summary["current_rolling"] == 5.0
    assert summary["mean"] == pytest.approx((100 + 2500) / 600)
    assert summary["distribution"].to_dict() == {1.0: 100, 5.0: 500}
    assert summary["share_low"] == pytest.approx(100 / 600)


def test_ratings_on_another_scale_become_stars() -> None:
    summary = rating_summary(table("ratings", rating=[10.0, 6.0], scale=[10.0, 10.0], rater=["merchant"] * 2))
    assert summary["mean"] == pytest.approx(4.0)


def test_sanctions_timeline_kinds_rules_and_blocked_hours() -> None:
    at = [T0 + hours(30), T0 + hours(10), T0 + hours(50)]
    sanctions = table("sanctions", at=at, kind=["block", "notification", "block"],
                      rule=["consecutiveReject", "drivingHourLimits", None], duration_s=[21600.0, 0.0, None])
    result = sanctions_timeline(sanctions)
    assert result["timeline"]["kind"].tolist() == ["notification", "block", "block"]
    assert result["timeline"]["source_row"].tolist() == [3, 2, 4]
    assert result["blocked_h"] == 6.0
    assert result["by_kind"].loc["block", "count"] == 2
    assert result["by_rule"].loc["consecutiveReject", "blocked_h"] == 6.0
    assert result["notes"]  # one block states no duration
    assert sanctions_timeline(None)["total"] is None


def test_effect_from_per_offer_rows_and_the_state_log() -> None:
    """Online 10:00-14:00 daily; an offer every 15 min, every 30 min in the 7 days after the one 1-star
    rating (day 10): offers per logged-in hour go from 4 to 2, exactly -50%."""
    starts = [T0 + pd.Timedelta(days=d) + hours(10) for d in range(25)]
    offered = [s + hours(k / (2 if 11 <= d <= 17 else 4)) for d, s in enumerate(starts)
               for k in range(8 if 11 <= d <= 17 else 16)]
    offers = table("offers", offered_at=offered, outcome=["accepted"] * len(offered))
    segments = table("status_segments", platform=["uber"] * 25, state=["waiting"] * 25, start_at=starts,
                     end_at=[s + hours(4) for s in starts])
    ratings = table("ratings", rated_at=[starts[10] + hours(6)], rating=[1.0], scale=[5.0],
                    rater=["customer"])
    result = low_rating_effects(ratings, offers=offers, segments=segments)
    offers_h = result["effects"].set_index("outcome").loc["offers_per_h"]
    assert (offers_h["before"], offers_h["after"]) == (4.0, 2.0)
    assert offers_h["change"] == pytest.approx(-0.5)
    assert np.isnan(offers_h["low"])  # one event: no interval, and it says so
    assert any("only 1 low-rating event" in n for n in result["notes"])
    assert result["sources"]["hours"] == "status_segments (status_log)"
    assert result["sources"]["offers"] == "offers (per-offer rows)"
