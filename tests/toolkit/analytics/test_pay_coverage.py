"""Pay per hour over the days the time records cover, never over unaligned periods; taxes collected are
not pay. Every expected figure is worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.toolkit.analytics.test_pay import earnings, jobs, segments, utc
from toolkit.analytics.pay import pay_summary
from toolkit.analytics.time import time_accounting
from toolkit.config import load_config

NO_COSTS = load_config(overrides={"costs.mode": "none"})
PARIS = "Europe/Paris"


def _one_day_of_work() -> pd.DataFrame:
    # Monday 8 January 2024, Paris: 2 h waiting, 2 h to pickups, 6 h on jobs -> 10 h logged in, 8 h engaged
    return segments([("waiting", "2024-01-08 07:00", "2024-01-08 09:00"),
                     ("to_pickup", "2024-01-08 09:00", "2024-01-08 11:00"),
                     ("on_job", "2024-01-08 11:00", "2024-01-08 17:00")])


def test_payments_years_before_the_time_records_are_kept_out_of_pay_per_hour() -> None:
    years = (utc("2020-12-31 23:00"), utc("2024-12-31 23:00"))
    time = time_accounting(_one_day_of_work(), None, years, PARIS, config=NO_COSTS)
    lines = earnings([("2021-03-01 12:00", 100.0, "fare"), ("2024-01-08 17:00", 200.0, "fare")])
    s = pay_summary(lines, None, time, years, NO_COSTS)
    # by hand: the hours cover 8 January 2024 only; its 200 EUR over 10 h and 8 h
    assert s["earnings_total"] == pytest.approx(300.0)
    assert s["earnings_outside_coverage"] == pytest.approx(100.0)
    assert s["per_hour_logged_in"] == pytest.approx(20.0)
    assert s["per_hour_engaged"] == pytest.approx(25.0)
    assert any("outside the days with time records" in n for n in s["notes"])


def test_a_trips_file_far_smaller_than_the_payments_gives_no_pay_per_hour() -> None:
    day = (utc("2024-01-07 23:00"), utc("2024-01-08 23:00"))
    trips = jobs([{"accepted": "2024-01-08 09:00", "picked": "2024-01-08 09:10",
                   "dropped": "2024-01-08 09:40", "km": 5.0, "pickup_km": 1.0}] * 2)
    trips["job_id"] = ["t1", "t2"]
    named = [f"t{i}" for i in range(1, 31)]  # 30 trips paid, 28 of them missing from the trips file
    lines = earnings([("2024-01-08 12:00", 10.0, "fare")] * 30, job_ids=named)  # type: ignore[arg-type]
    time = time_accounting(None, trips, day, PARIS, config=NO_COSTS)
    s = pay_summary(lines, trips, time, day, NO_COSTS)
    assert s["earnings_total"] == pytest.approx(300.0)
    assert (s["per_hour_logged_in"], s["per_hour_engaged"], s["net_per_hour_logged_in"]) == (None, None, None)
    assert any("28 of which are in no trip" in n for n in s["notes"])


def test_vat_collected_is_not_pay() -> None:
    day = (utc("2024-01-07 23:00"), utc("2024-01-08 23:00"))
    time = time_accounting(_one_day_of_work(), None, day, PARIS, config=NO_COSTS)
    cfg = load_config(overrides={"costs.mode": "none", "contributions.extra_rate": 0.0})
    lines = earnings([("2024-01-08 17:00", 200.0, "fare"), ("2024-01-08 17:00", 16.2, "tax"),
                      ("2024-01-08 17:00", 10.0, "tip")], currency="EUR")
    s = pay_summary(lines, None, time, day, cfg)
    # by hand: gross 200 (tips and VAT out) over 10 h; net = 210 (VAT to the state) - 21.2 % of 210
    assert s["earnings_total"] == pytest.approx(226.2)
    assert (s["gross"], s["taxes"]) == (pytest.approx(200.0), pytest.approx(16.2))
    assert s["per_hour_logged_in"] == pytest.approx(20.0)
    assert s["net_per_hour_logged_in"] == pytest.approx((210 - 0.212 * 210) / 10)
