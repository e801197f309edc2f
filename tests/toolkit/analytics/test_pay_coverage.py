"""Pay per hour over the days the time records cover, never over unaligned periods; taxes collected are
not pay. Every expected figure is worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.toolkit.analytics.test_pay import earnings, jobs, segments, utc
from toolkit.analytics.pay import full_periods, pay_by_period, pay_summary
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


def _two_trips(ids: list[str] | None = None) -> pd.DataFrame:
    # Monday 8 January 2024, Paris (UTC+1): 09:00-09:40 and 09:50-10:30 UTC, 10 min apart
    trips = jobs([{"accepted": "2024-01-08 09:00", "picked": "2024-01-08 09:10",
                   "dropped": "2024-01-08 09:40", "km": 5.0, "pickup_km": 1.0},
                  {"accepted": "2024-01-08 09:50", "picked": "2024-01-08 10:00",
                   "dropped": "2024-01-08 10:30", "km": 5.0, "pickup_km": 1.0}])
    trips["job_id"] = ids or ["j1", "j2"]
    return trips


def test_a_portal_export_with_payments_since_2021_and_trips_since_2024() -> None:
    years = (utc("2020-12-31 23:00"), utc("2024-12-31 23:00"))
    trips = _two_trips()
    time = time_accounting(None, trips, years, PARIS, config=NO_COSTS)
    # by hand: one inferred session 09:00-10:30 = 1.5 h logged in; engaged 2 x 40 min = 4/3 h
    assert (time.hours["logged_in"], time.hours["engaged"]) == (pytest.approx(1.5), pytest.approx(4 / 3))
    lines = earnings([("2021-06-01 12:00", 500.0, "fare"), ("2022-02-01 12:00", 250.0, "incentive"),
                      ("2024-01-08 09:40", 15.0, "fare"), ("2024-01-08 10:30", 15.0, "fare")],
                     job_ids=[None, None, "j1", "j2"])
    s = pay_summary(lines, trips, time, years, NO_COSTS)
    assert s["earnings_total"] == pytest.approx(780.0)
    assert s["earnings_outside_coverage"] == pytest.approx(750.0)
    assert s["earnings_outside_coverage_days"] == {"first": "2021-06-01", "last": "2022-02-01"}
    assert s["covered_days"] == {"first": "2024-01-08", "last": "2024-01-08"}
    assert s["per_hour_logged_in"] == pytest.approx(30 / 1.5)  # not 780 / 1.5
    assert s["per_hour_engaged"] == pytest.approx(30 / (4 / 3))
    # net over the covered day only: 30 EUR less 21.2 % URSSAF (2024), no vehicle costs
    assert s["net_per_hour_logged_in"] == pytest.approx(30 * (1 - 0.212) / 1.5)
    assert any("750.00 of the period's earnings" in n and "2021-06-01 to 2022-02-01" in n for n in s["notes"])


def test_fare_lines_without_job_ids_far_beyond_the_trips_file() -> None:
    day = (utc("2024-01-07 23:00"), utc("2024-01-08 23:00"))
    trips = _two_trips()
    lines = earnings([("2024-01-08 12:00", 2.0, "fare")] * 100)  # no job ids; 100 > 10 per trip x 2 trips
    estimated = time_accounting(None, trips, day, PARIS, config=NO_COSTS)
    inferred = pay_summary(lines, trips, estimated, day, NO_COSTS)
    assert (inferred["per_hour_logged_in"], inferred["per_hour_engaged"]) == (None, None)
    assert inferred["net_per_hour_logged_in"] is None
    assert any("100 fare line(s)" in n and "2 trip(s)" in n for n in inferred["notes"])
    # with a status log the hours do not come from the trips: pay per hour stands, the km (and net) do not
    measured = time_accounting(_one_day_of_work(), trips, day, PARIS, config=NO_COSTS)
    cfg = load_config(overrides={"costs.mode": "custom", "costs.custom_per_km": 0.3})
    logged = pay_summary(lines, trips, measured, day, cfg)
    assert logged["per_hour_logged_in"] == pytest.approx(200.0 / 10)
    assert (logged["distance_km"], logged["vehicle_cost"], logged["net"]) == (None, None, None)


def test_a_partial_last_month_is_marked_and_kept_out_of_the_count() -> None:
    # Paris, 2026: worked 1 and 31 January (2 h each), then one hour on 3 February
    seg = segments([("on_job", "2026-01-01 09:00", "2026-01-01 11:00"),
                    ("on_job", "2026-01-31 09:00", "2026-01-31 11:00"),
                    ("on_job", "2026-02-03 09:00", "2026-02-03 10:00")])
    time = time_accounting(seg, None, zone=PARIS, config=NO_COSTS)
    lines = earnings([("2026-01-01 11:00", 20.0, "fare"), ("2026-01-31 11:00", 20.0, "fare"),
                      ("2026-02-03 10:00", 100.0, "fare")])
    months = pay_by_period(lines, None, time, "month", NO_COSTS)
    assert months["partial"].tolist() == [False, True]
    # January by hand: net 40 x (1 - 0.212) = 31.52 < SMIC due 4 h x 12.02 = 48.08; February is partial
    assert months["below_minimum_wage"].tolist() == [True, False]
    full = full_periods(months)
    assert len(full) == 1 and int(full["below_minimum_wage"].sum()) == 1
    assert months["net"].iloc[0] == pytest.approx(40 * (1 - 0.212))


def test_vat_on_the_platforms_fee_stays_deducted() -> None:
    day = (utc("2024-01-07 23:00"), utc("2024-01-08 23:00"))
    time = time_accounting(_one_day_of_work(), None, day, PARIS, config=NO_COSTS)
    # Uber France style: fare 200, commission -50, VAT on the commission -10 (negative, like the commission)
    lines = earnings([("2024-01-08 17:00", 200.0, "fare"), ("2024-01-08 17:00", -50.0, "commission"),
                      ("2024-01-08 17:00", -10.0, "tax")])
    s = pay_summary(lines, None, time, day, NO_COSTS)
    assert s["earnings_total"] == pytest.approx(140.0)
    assert (s["gross"], s["taxes"], s["taxes_deducted"]) == (pytest.approx(140.0), 0.0, pytest.approx(-10.0))
    assert s["per_hour_logged_in"] == pytest.approx(14.0)
    assert s["net"] == pytest.approx(140 * (1 - 0.212))
