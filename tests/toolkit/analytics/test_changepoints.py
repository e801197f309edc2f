"""Change points in pay: a planted 20% fee cut is found on its day; a worker whose pay never changed gets
none."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.toolkit.analytics.planted import T0, hours, table
from toolkit.analytics.changepoints import change_points, job_pay, pay_changes, pay_rates

CUT_DAY = 70  # day index of the first day at the new rate
N_DAYS = 120


def fee_cut_worker(seed: int, cut: float | None) -> pd.DataFrame:
    """Completed rides: ~14 a day, pay = rate x km x noise (CV 15%), a weekend bump of 5%; the rate per
    km drops by `cut` (e.g. 0.2) from CUT_DAY on, or never when cut is None."""
    rng = np.random.default_rng(seed)
    rows: dict[str, list] = {"dropped_off_at": [], "fare": [], "job_distance_m": [], "job_duration_s": []}
    for day in range(N_DAYS):
        rate = 1.5 * (1 - cut if cut is not None and day >= CUT_DAY else 1.0)
        date = T0 + pd.Timedelta(days=day)
        bump = 1.05 if date.weekday() in (4, 5) else 1.0
        n = rng.poisson(14)
        km = rng.uniform(1.5, 12.0, n)
        rows["dropped_off_at"] += list(date + hours(rng.uniform(8, 22, n)))
        rows["fare"] += list(rate * bump * km * rng.lognormal(0, 0.15, n))
        rows["job_distance_m"] += list(km * 1000)
        rows["job_duration_s"] += list(km * 150 + rng.uniform(60, 300, n))
    n = len(rows["fare"])
    return table("jobs", kind=["ride"] * n, status=["completed"] * n, currency=["EUR"] * n, **rows)


def test_fee_cut_found_on_its_day_with_its_size() -> None:
    found = pay_changes(fee_cut_worker(seed=11, cut=0.2), measure="per_km", seed=3)
    changes = found["changes"]
    assert len(changes) == 1
    change = changes.iloc[0]
    cut_date = (T0 + pd.Timedelta(days=CUT_DAY)).tz_localize(None)
    assert abs((change["date"].tz_localize(None) - cut_date).days) <= 2
    assert change["relative"] == pytest.approx(-0.20, abs=0.04)
    assert change["relative_low"] <= change["relative"] <= change["relative_high"] < 0
    assert change["date_low"] <= change["date"] <= change["date_high"]
    assert found["source"] == "jobs.fare" and found["measure"] == "per_km"


def test_fee_cut_interval_covers_the_truth_in_most_seeds() -> None:
    """Nominal coverage 95%; over 5 workers at least 4 intervals must hold the planted -20%."""
    covered = 0
    for seed in range(20, 25):
        change = pay_changes(fee_cut_worker(seed, cut=0.2), measure="per_job", seed=seed,
                             n_perm=199, n_boot=199)["changes"]
        assert len(change) >= 1
        first = change.iloc[0]
        covered += bool(first["relative_low"] <= -0.20 <= first["relative_high"])
    assert covered >= 4


def test_null_worker_gets_no_change() -> None:
    """A worker whose rate never changed: at alpha = 1% we accept at most 1 false change in 10 workers."""
    false_changes = sum(
        len(pay_changes(fee_cut_worker(seed, cut=None), measure="per_km", seed=seed, n_perm=199)["changes"])
        for seed in range(100, 110)
    )
    assert false_changes <= 1


def test_pay_rates_are_ratios_of_sums_per_local_day() -> None:
    at = pd.to_datetime(["2026-02-01 22:30", "2026-02-01 23:30", "2026-02-01 12:00", "2026-02-02 10:00"],
                        utc=True)
    jobs = table("jobs", kind=["ride"] * 4, status=["completed"] * 3 + ["cancelled_by_worker"],
                 dropped_off_at=at, fare=[4.0, 8.0, 6.0, 3.0], job_distance_m=[2000.0, 6000.0, None, 1000.0],
                 job_duration_s=[600.0, 1200.0, 600.0, 60.0])
    # In Paris (UTC+1) the 23:30 UTC drop-off is on 2 Feb; the cancelled job is not counted.
    rates = pay_rates(jobs, tz="Europe/Paris", min_jobs=1)["table"]
    assert rates["jobs"].tolist() == [2.0, 1.0]
    assert rates["per_job"].tolist() == [5.0, 8.0]
    assert rates["per_km"].tolist() == [4.0 / 2.0, 8.0 / 6.0]  # the job without km is left out of per_km
    assert rates["per_minute"].tolist() == [10.0 / 20.0, 8.0 / 20.0]
    assert str(rates.index[0]) == "2026-02-01 00:00:00+01:00"
    assert pay_rates(jobs, tz="Europe/Paris", min_jobs=3)["table"]["per_job"].isna().all()


def test_pay_comes_from_linked_fare_lines_when_they_link() -> None:
    at = pd.to_datetime(["2026-02-01 10:00", "2026-02-01 11:00"], utc=True)
    jobs = table("jobs", kind=["ride"] * 2, status=["completed"] * 2, job_id=["a", "b"], dropped_off_at=at,
                 fare=[99.0, 99.0])
    earnings = table("earnings", earned_at=at.append(at), amount=[5.0, 1.0, 7.0, 2.0], currency=["EUR"] * 4,
                     category=["fare", "tip", "fare", "incentive"], job_id=["a", "a", "b", "b"])
    paid = job_pay(jobs, earnings)
    assert paid["source"].startswith("earnings")
    assert paid["table"]["pay"].tolist() == [5.0, 7.0]
    assert job_pay(jobs)["source"] == "jobs.fare"


def test_short_series_says_it_cannot_test() -> None:
    y = pd.Series([1.0, 2.0, 1.0], index=pd.date_range("2026-01-01", periods=3, tz="UTC"))
    result = change_points(y)
    assert result["changes"].empty and result["notes"]


def test_two_changes_are_both_found() -> None:
    rng = np.random.default_rng(5)
    level = np.r_[np.full(40, 10.0), np.full(40, 13.0), np.full(40, 11.0)]
    y = pd.Series(level + rng.normal(0, 0.8, 120), index=pd.date_range("2026-01-01", periods=120, tz="UTC"))
    changes = change_points(y, seed=2)["changes"]
    assert len(changes) == 2
    days = sorted((changes["date"] - y.index[0]).dt.days)
    assert abs(days[0] - 40) <= 2 and abs(days[1] - 80) <= 2
    assert changes.sort_values("date")["size"].tolist() == pytest.approx([3.0, -2.0], abs=0.6)
