"""Pay on planted weeks and months; every expected figure is worked out by hand from methods.md's tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import pandas as pd
import pytest

from toolkit.analytics.pay import (
    cost_per_km,
    dominant_currency,
    earnings_by_category,
    pay_by_period,
    pay_summary,
    sector_minimums,
)
from toolkit.analytics.time import time_accounting
from toolkit.config import load_config

PARIS = "Europe/Paris"


def utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def segments(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "worker_id": "w1",
            "platform": "uber",
            "state": [r[0] for r in rows],
            "start_at": [utc(r[1]) for r in rows],
            "end_at": [utc(r[2]) for r in rows],
        }
    )


def earnings(
    rows: list[tuple[str, float, str]], currency: str = "EUR", job_ids: list[str | None] | None = None
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "worker_id": "w1",
            "platform": "uber",
            "earned_at": [utc(r[0]) for r in rows],
            "amount": [r[1] for r in rows],
            "currency": currency,
            "category": [r[2] for r in rows],
            "job_id": job_ids or [None] * len(rows),
        }
    )


def jobs(rows: Sequence[Mapping[str, object]]) -> pd.DataFrame:
    def ts(key: str) -> pd.Series:
        return pd.Series(
            [utc(str(r[key])) if r.get(key) else None for r in rows], dtype="datetime64[us, UTC]"
        )

    return pd.DataFrame(
        {
            "worker_id": "w1",
            "platform": "uber",
            "job_id": [str(r.get("id", i)) for i, r in enumerate(rows)],
            "kind": [r.get("kind", "ride") for r in rows],
            "status": "completed",
            "requested_at": ts("accepted"),
            "accepted_at": ts("accepted"),
            "arrived_pickup_at": ts("arrived"),
            "picked_up_at": ts("picked"),
            "dropped_off_at": ts("dropped"),
            "job_distance_m": [r.get("km", float("nan")) * 1000 for r in rows],  # type: ignore[operator]
            "to_pickup_distance_m": [r.get("pickup_km", float("nan")) * 1000 for r in rows],  # type: ignore[operator]
        }
    )


def test_a_week_with_a_hand_computed_net_hourly_figure() -> None:
    # Mon 5 - Fri 9 Jan 2026, 09:00-17:00 Paris each day: 3 h waiting, 1 h to pickup, 4 h on job.
    seg_rows, earn_rows, job_rows = [], [], []
    for day in range(5, 10):
        d = f"2026-01-{day:02d}"
        seg_rows += [
            ("waiting", f"{d} 08:00", f"{d} 11:00"),
            ("to_pickup", f"{d} 11:00", f"{d} 12:00"),
            ("on_job", f"{d} 12:00", f"{d} 16:00"),
        ]
        earn_rows += [(f"{d} 16:00", 80.0, "fare"), (f"{d} 16:00", 8.0, "tip")]
        job_rows += [
            {
                "accepted": f"{d} 11:00",
                "picked": f"{d} 12:00",
                "dropped": f"{d} 14:00",
                "km": 30.0,
                "pickup_km": 6.0,
            }
        ] * 2
    week = (
        pd.Timestamp("2026-01-05", tz=PARIS).tz_convert("UTC"),
        pd.Timestamp("2026-01-12", tz=PARIS).tz_convert("UTC"),
    )
    cfg = load_config(
        overrides={"costs.profile": "car_5cv", "costs.annual_km": 25000.0, "costs.monthly_fixed": 100.0}
    )
    time = time_accounting(segments(seg_rows), jobs(job_rows), period=week, zone=PARIS, config=cfg)
    s = pay_summary(earnings(earn_rows), jobs(job_rows), time, week, cfg)

    # By hand: L = 40 h, E = 25 h, G = 400, tips = 40; 360 km at 0.427 EUR/km (barème 5 CV, > 20,000 km);
    # fixed 100 EUR/month for 7 days of an average month (365.25 / 12 days); contributions 21.2 % of 440.
    vehicle = 360 * 0.427
    fixed = 100 * 7 / (365.25 / 12)
    contributions = 0.212 * 440
    net = 440 - vehicle - fixed - contributions
    assert (s["earnings_total"], s["tips"], s["gross"]) == (440.0, 40.0, 400.0)
    assert s["per_hour_engaged"] == pytest.approx(400 / 25)
    assert s["per_hour_logged_in"] == pytest.approx(400 / 40)
    assert s["distance_km"] == pytest.approx(360.0)
    assert s["vehicle_cost"] == pytest.approx(vehicle)
    assert s["fixed_cost"] == pytest.approx(fixed)
    assert s["contributions"] == pytest.approx(contributions)
    assert s["net_per_hour_logged_in"] == pytest.approx(net / 40)
    assert s["minimum_wage_per_hour"] == pytest.approx(12.02)
    assert "barème" in s["methods"]["vehicle_cost"] and "to pickup" in s["methods"]["distance_km"]


def test_bareme_bracket_annualisation_and_electric_uplift() -> None:
    cfg = load_config()
    rate, currency, _ = cost_per_km(cfg, 10_000.0, date(2026, 1, 1), date(2026, 1, 31))
    assert currency == "EUR" and rate == pytest.approx((0.357 * 10_000 + 1395) / 10_000)
    ev = load_config(overrides={"costs.profile": "car_ev_5cv"})
    assert cost_per_km(ev, 4_000.0, date(2026, 1, 1), date(2026, 1, 1))[0] == pytest.approx(0.636 * 1.2)
    scooter = load_config(overrides={"costs.profile": "scooter"})
    assert cost_per_km(scooter, 4_000.0, date(2026, 1, 1), date(2026, 1, 1))[0] == pytest.approx(
        (0.079 * 4_000 + 711) / 4_000
    )
    # Without annual_km, 100 km in one week of jobs is 100 * 365.25 / 7 km a year (> 5,000: middle bracket).
    week = (utc("2026-01-05"), utc("2026-01-12"))
    s = pay_summary(
        earnings([("2026-01-06 12:00", 50.0, "fare")]),
        jobs(
            [{"accepted": "2026-01-06 10:00", "dropped": "2026-01-06 11:00", "km": 100.0, "pickup_km": 0.0}]
        ),
        None,
        week,
        cfg,
    )
    annual = 100 * 365.25 / 7
    assert s["vehicle_cost"] == pytest.approx(100 * (0.357 * annual + 1395) / annual)


@pytest.mark.parametrize(
    ("first", "second", "rate_before", "rate_after"),
    [
        ("2025-12-31", "2026-01-01", 11.88, 12.02),
        ("2024-10-31", "2024-11-01", 11.65, 11.88),
    ],
)
def test_minimum_wage_follows_the_date_of_each_day(
    first: str, second: str, rate_before: float, rate_after: float
) -> None:
    # 8 h logged in on the last day of the old SMIC, 6 h on the first day of the new one (Paris times).
    seg = segments(
        [("waiting", f"{first} 08:00", f"{first} 16:00"), ("waiting", f"{second} 08:00", f"{second} 14:00")]
    )
    cfg = load_config(overrides={"costs.mode": "none"})
    time = time_accounting(seg, None, zone=PARIS, config=cfg)
    pay = earnings([(f"{first} 16:00", 100.0, "fare"), (f"{second} 14:00", 60.0, "fare")])
    months = pay_by_period(pay, None, time, "month", cfg)
    assert months["minimum_wage_due"].tolist() == pytest.approx([8 * rate_before, 6 * rate_after])
    assert months["minimum_wage_per_hour"].tolist() == pytest.approx([rate_before, rate_after])
    weeks = pay_by_period(pay, None, time, "week", cfg)
    assert len(weeks) == 1
    assert weeks["minimum_wage_per_hour"].iloc[0] == pytest.approx((8 * rate_before + 6 * rate_after) / 14)
    net_week = 160 * (1 - 0.212)
    assert weeks["net_per_hour_logged_in"].iloc[0] == pytest.approx(net_week / 14)
    assert bool(weeks["below_minimum_wage"].iloc[0]) is (net_week < 8 * rate_before + 6 * rate_after)
    two_days = (
        pd.Timestamp(first, tz=PARIS).tz_convert("UTC"),
        pd.Timestamp(second, tz=PARIS).tz_convert("UTC") + pd.Timedelta(days=1),
    )
    assert pay_summary(pay, None, time, two_days, cfg)["minimum_wage_per_hour"] == pytest.approx(
        (rate_before + rate_after) / 2
    )


def test_only_earnings_gives_money_but_no_hourly_figures() -> None:
    s = pay_summary(
        earnings([("2026-02-02 10:00", 25.0, "fare"), ("2026-02-03 10:00", -5.0, "commission")]), None, None
    )
    assert s["earnings_total"] == 20.0
    assert s["per_hour_logged_in"] is None and s["per_hour_engaged"] is None
    assert s["net_per_hour_logged_in"] is None


def test_several_currencies_use_the_dominant_one_and_say_so() -> None:
    mixed = pd.concat(
        [
            earnings([("2026-02-02 10:00", 10.0, "fare")] * 3, "EUR"),
            earnings([("2026-02-02 10:00", 99.0, "fare")], "CHF"),
        ],
        ignore_index=True,
    )
    notes: list[str] = []
    assert dominant_currency(mixed, notes) == "EUR" and "CHF" in notes[0]
    s = pay_summary(mixed, None, None)
    assert s["currency"] == "EUR" and s["earnings_total"] == 30.0
    assert any("several currencies" in n for n in s["notes"])


def test_costs_in_another_currency_leave_net_unknown() -> None:
    week = (utc("2026-01-05"), utc("2026-01-12"))
    job = jobs(
        [{"accepted": "2026-01-06 10:00", "dropped": "2026-01-06 11:00", "km": 16.09344, "pickup_km": 0.0}]
    )
    irs = load_config(overrides={"costs.profile": "us_irs"})
    eur = pay_summary(earnings([("2026-01-06 12:00", 50.0, "fare")]), job, None, week, irs)
    assert eur["vehicle_cost"] is None and eur["net"] is None
    assert any("not converted" in n for n in eur["notes"])
    usd = pay_summary(earnings([("2026-01-06 12:00", 50.0, "fare")], "USD"), job, None, week, irs)
    assert usd["vehicle_cost"] == pytest.approx(10 * 0.725)  # 10 miles at the 2026 IRS rate
    assert usd["minimum_wage_per_hour"] is None  # no US minimum wage configured
    gbp = pay_summary(
        earnings([("2026-05-06 12:00", 50.0, "fare")], "GBP"),
        None,
        None,
        (utc("2026-05-01"), utc("2026-05-08")),
        load_config(),
    )
    assert gbp["minimum_wage_per_hour"] == pytest.approx(12.71)


def test_french_sector_minimums_by_month() -> None:
    # Three rides in January 2026, 1 h of activity each (acceptance -> drop-off), 10 km + 2 km to pickup.
    rides = [
        {
            "id": f"r{i}",
            "accepted": f"2026-01-1{i} 10:00",
            "picked": f"2026-01-1{i} 10:15",
            "dropped": f"2026-01-1{i} 11:00",
            "km": 10.0,
            "pickup_km": 2.0,
        }
        for i in range(3)
    ]
    # Deliveries: 4 of 2.5 h each = 10 h of activity.
    deliveries = [
        {
            "id": f"d{i}",
            "kind": "delivery",
            "accepted": f"2026-01-2{i} 10:00",
            "dropped": f"2026-01-2{i} 12:30",
            "km": 3.0,
            "pickup_km": 1.0,
        }
        for i in range(4)
    ]
    pay = earnings(
        [
            ("2026-01-10 11:00", 8.0, "fare"),
            ("2026-01-11 11:00", 12.0, "fare"),
            ("2026-01-12 11:00", 50.0, "fare"),
            ("2026-01-12 11:00", 5.0, "tip"),
            ("2026-01-20 12:00", 100.0, "fare"),
        ],
        job_ids=["r0", "r1", "r2", "r2", "d0"],
    )
    out = sector_minimums(pay, jobs(rides + deliveries), PARIS, None, load_config())
    row = out.iloc[0]
    assert str(out.index[0].date()) == "2026-01-01"
    assert row["vtc_activity_h"] == pytest.approx(3.0)
    assert row["vtc_due_hourly"] == pytest.approx(3 * 30.0)
    assert row["vtc_shortfall_hourly"] == pytest.approx(90.0 - 70.0)  # tips excluded
    assert row["vtc_due_km"] == pytest.approx(36.0 * 1.0)
    assert row["vtc_rides_below_min"] == 1  # the 8 EUR ride, under 9 EUR
    assert row["delivery_activity_h"] == pytest.approx(10.0)
    assert row["delivery_shortfall_hourly"] == pytest.approx(10 * 11.75 - 100.0)
    assert sector_minimums(
        earnings([("2026-01-10 11:00", 8.0, "fare")], "GBP"), jobs(rides), PARIS, None
    ).empty


def test_weekly_sector_figures_add_up_to_the_month_and_categories_split_by_local_week() -> None:
    # Deliveries of 2 h on Fri 9 and Mon 12 Jan 2026 (two Paris weeks), 20 EUR each.
    rows = [
        {
            "id": f"d{d}",
            "kind": "delivery",
            "accepted": f"2026-01-{d:02d} 10:00",
            "dropped": f"2026-01-{d:02d} 12:00",
        }
        for d in (9, 12)
    ]
    pay = earnings(
        [("2026-01-09 12:00", 20.0, "fare"), ("2026-01-12 12:00", 20.0, "fare")], job_ids=["d9", "d12"]
    )
    weeks = sector_minimums(pay, jobs(rows), PARIS, None, load_config(), freq="week")
    assert [str(d.date()) for d in weeks.index] == ["2026-01-05", "2026-01-12"]
    assert weeks["delivery_shortfall_hourly"].tolist() == pytest.approx([2 * 11.75 - 20.0] * 2)
    month = sector_minimums(pay, jobs(rows), PARIS, None, load_config())
    assert month["delivery_due_hourly"].iloc[0] == pytest.approx(weeks["delivery_due_hourly"].sum())
    # Sunday 11 Jan 23:30 UTC is Monday 00:30 in Paris: the tip belongs to the week of 12 January.
    lines = earnings([("2026-01-11 22:30", 10.0, "fare"), ("2026-01-11 23:30", 2.0, "tip")])
    table = earnings_by_category(lines, "week", PARIS)
    assert table.to_dict("index") == {
        pd.Timestamp("2026-01-05", tz=PARIS): {"fare": 10.0, "tip": 0.0},
        pd.Timestamp("2026-01-12", tz=PARIS): {"fare": 0.0, "tip": 2.0},
    }


def test_no_pay_per_hour_when_the_hours_were_paid_in_two_currencies() -> None:
    from toolkit.analytics.pay import pay_summary
    from toolkit.analytics.time import time_accounting

    day = pd.Timestamp("2026-03-02 10:00", tz="UTC")
    seg = pd.DataFrame({"platform": ["a", "b"], "state": ["waiting", "waiting"],
                        "start_at": [day, day + pd.Timedelta(hours=2)],
                        "end_at": [day + pd.Timedelta(hours=1), day + pd.Timedelta(hours=3)]})
    earnings = pd.DataFrame({"earned_at": [day, day + pd.Timedelta(hours=2)], "amount": [30.0, 20.0],
                             "currency": ["EUR", "GBP"], "category": ["fare", "fare"],
                             "classification": ["x", "x"], "job_id": [None, None]})
    t = time_accounting(seg, None, zone="UTC")
    s = pay_summary(earnings, None, t)
    assert s["earnings_total"] in (30.0, 20.0)  # one currency's total, said in the notes
    assert s["per_hour_logged_in"] is None and s["per_hour_engaged"] is None
    assert any("another currency" in n for n in s["notes"])


def test_contribution_method_names_the_rates_used_in_the_period() -> None:
    cfg = load_config()
    in_2021 = cfg.rates_used("contributions.fr_micro_bic_services", date(2021, 2, 1), date(2021, 2, 28))
    assert in_2021 == "rate 22.0% from 2018-01-01 (secondary source only)"
    across = cfg.rates_used("contributions.fr_micro_bic_services", date(2022, 9, 1), date(2022, 11, 30))
    assert "22.0% from 2018-01-01" in across and "21.2% from 2022-10-01" in across
