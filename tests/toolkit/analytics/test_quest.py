"""Quest calculator: planted completion rate -> known pace, success probability and expected value."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from tests.toolkit.analytics.planted import T0, hours, table
from toolkit.analytics.quest import quest_feasibility

QUEST_DAY = T0 + pd.Timedelta(days=63)  # a Monday in the middle of the history
RATE = 3.0  # completed jobs per online hour


def evening_worker(seed: int, days: int = 126, offline_sundays: bool = True,
                   gamma_shape: float | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Online 18:00-22:00 UTC every day (not on Sundays when offline_sundays); completions as a Poisson
    process at RATE per hour (the day's rate drawn from a gamma with that mean when gamma_shape is set),
    each paid 6 EUR. Returns (jobs, status segments)."""
    rng = np.random.default_rng(seed)
    drop, starts = [], []
    for day in range(days):
        date = T0 + pd.Timedelta(days=day)
        if offline_sundays and date.weekday() == 6:
            continue
        starts.append(date + hours(18))
        rate = RATE if gamma_shape is None else rng.gamma(gamma_shape, RATE / gamma_shape)
        n = rng.poisson(rate * 4)
        drop += list(date + hours(np.sort(rng.uniform(18, 22, n))))
    jobs = table("jobs", kind=["delivery"] * len(drop), status=["completed"] * len(drop), dropped_off_at=drop,
                 fare=[6.0] * len(drop), currency=["EUR"] * len(drop))
    segments = table("status_segments", state=["waiting"] * len(starts), start_at=starts,
                     end_at=[s + hours(4) for s in starts])
    return jobs, segments


def test_pace_probability_and_value_of_a_hard_quest() -> None:
    jobs, segments = evening_worker(seed=3)
    q = quest_feasibility(jobs, segments, jobs_needed=15, start="19:00", end="22:00",
                          day=QUEST_DAY.date(), bonus=40.0, weeks=8, same_weekday=False)
    assert q["pace_per_h"] == 5.0 and q["minutes_per_job"] == 12.0
    truth = float(stats.poisson.sf(14, RATE * 3))  # P(N >= 15), N ~ Poisson(9)
    assert q["model"]["p_success"] == pytest.approx(truth, abs=0.03)
    assert q["expected_bonus_per_h"] == pytest.approx(q["model"]["p_success"] * 40.0 / 3.0)
    assert q["structurally_unattainable"] is True
    assert q["pay_per_h_without_bonus"] == pytest.approx(6.0 * RATE, rel=0.1)
    # weekdays within 8 weeks, Sundays offline so never comparable: 5 weekdays x 16 weeks
    assert q["empirical"]["windows"] == 80
    assert q["empirical"]["share"] <= 0.1


def test_an_easy_quest_is_met_as_often_as_the_planted_rate_says() -> None:
    jobs, segments = evening_worker(seed=4)
    q = quest_feasibility(jobs, segments, jobs_needed=8, start="19:00", end="22:00",
                          day=QUEST_DAY.date(), bonus=20.0, weeks=8, same_weekday=False)
    truth = float(stats.poisson.sf(7, RATE * 3))  # ≈ 0.67
    assert q["empirical"]["share"] == pytest.approx(truth, abs=0.12)
    assert q["model"]["p_success"] == pytest.approx(truth, abs=0.08)
    assert q["structurally_unattainable"] is False
    assert q["pace_vs_p95"] < 1.0  # 2.7 jobs/h is within what this worker does on a good evening


def test_same_weekday_windows_and_offline_days() -> None:
    jobs, segments = evening_worker(seed=5)
    sunday = (QUEST_DAY + pd.Timedelta(days=6)).date()
    q = quest_feasibility(jobs, segments, jobs_needed=8, start="19:00", end="22:00", day=sunday, bonus=20.0)
    assert len(q["windows"]) == 8  # ±4 weeks of Sundays
    assert q["empirical"]["windows"] == 0 and q["model"] is None
    assert q["empirical"]["share"] is None and q["structurally_unattainable"] is None


def test_over_dispersed_history_uses_a_negative_binomial() -> None:
    jobs, segments = evening_worker(seed=6, gamma_shape=2.0)
    q = quest_feasibility(jobs, segments, jobs_needed=15, start="19:00", end="22:00",
                          day=QUEST_DAY.date(), bonus=40.0, weeks=8, same_weekday=False)
    assert q["model"]["distribution"] == "negative binomial"
    # good evenings happen: the heavier tail makes 15 jobs likelier than under Poisson(9)
    assert q["model"]["p_success"] > float(stats.poisson.sf(14, RATE * 3))
    assert q["model"]["p_success"] == pytest.approx(q["empirical"]["share"], abs=0.1)


def test_without_state_log_it_says_online_time_is_unknown() -> None:
    jobs, _ = evening_worker(seed=7)
    q = quest_feasibility(jobs, None, jobs_needed=8, start="19:00", end="22:00", day=QUEST_DAY.date(),
                          bonus=20.0)
    assert q["source"]["online"] is None
    assert any("online time unknown" in note for note in q["notes"])


def test_window_past_midnight_in_local_time() -> None:
    jobs, segments = evening_worker(seed=8)
    q = quest_feasibility(jobs, segments, jobs_needed=4, start="23:00", end="01:00", day=QUEST_DAY.date(),
                          bonus=10.0, tz="Europe/Paris")
    assert q["window_h"] == 2.0 and q["pace_per_h"] == 2.0
    first = q["windows"].iloc[0]
    assert first["start"].hour == 22 and first["end"] - first["start"] == pd.Timedelta(hours=2)
