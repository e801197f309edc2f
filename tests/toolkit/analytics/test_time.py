"""Time accounting on planted truths: schedules built minute by minute, figures computed by hand."""

from __future__ import annotations

import random

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.analytics.time import time_accounting
from toolkit.config import load_config

DAY = pd.Timestamp("2026-01-05 00:00", tz="UTC")  # a Monday


def at(minute: float) -> pd.Timestamp:
    return DAY + pd.Timedelta(minutes=minute)


def segments(rows: list[tuple[str, str, float, float]]) -> pd.DataFrame:
    """(platform, state, start minute, end minute) -> a status_segments-like frame."""
    return pd.DataFrame(
        {
            "worker_id": "w1",
            "platform": [r[0] for r in rows],
            "state": [r[1] for r in rows],
            "start_at": pd.DatetimeIndex([at(r[2]) for r in rows], tz="UTC"),
            "end_at": pd.DatetimeIndex([at(r[3]) for r in rows], tz="UTC"),
        }
    )


def jobs(rows: list[dict[str, float | None]], platform: str = "wolt") -> pd.DataFrame:
    """Jobs from minutes: keys accepted, arrived, picked, dropped (None = missing)."""

    def col(key: str) -> pd.Series:
        return pd.Series(
            [None if r.get(key) is None else at(float(r[key])) for r in rows],  # type: ignore[arg-type]
            dtype="datetime64[us, UTC]",
        )

    return pd.DataFrame(
        {
            "worker_id": "w1",
            "platform": platform,
            "job_id": [str(i) for i in range(len(rows))],
            "kind": "delivery",
            "status": "completed",
            "requested_at": col("accepted"),
            "accepted_at": col("accepted"),
            "arrived_pickup_at": col("arrived"),
            "picked_up_at": col("picked"),
            "dropped_off_at": col("dropped"),
        }
    )


@settings(max_examples=30, deadline=None, database=None)
@given(st.lists(st.tuples(st.integers(1, 40), st.integers(1, 60)), min_size=1, max_size=8), st.randoms())
def test_planted_schedule_with_exactly_40_percent_waiting(jobs_min, rnd: random.Random) -> None:  # type: ignore[no-untyped-def]
    # Each job is to_pickup then on_job; waiting is 2/3 of engaged time, cut into random spells between jobs.
    engaged = sum(a + b for a, b in jobs_min)
    waiting_total = engaged * 2 / 3
    cuts = sorted(rnd.uniform(0, waiting_total) for _ in range(len(jobs_min) - 1))
    waits = [b - a for a, b in zip([0.0, *cuts], [*cuts, waiting_total], strict=True)]
    rows, t = [], 480.0
    for (to_pickup, on_job), wait in zip(jobs_min, waits, strict=True):
        rows += [
            ("uber", "waiting", t, t + wait),
            ("uber", "to_pickup", t + wait, t + wait + to_pickup),
            ("uber", "on_job", t + wait + to_pickup, t + wait + to_pickup + on_job),
        ]
        t += wait + to_pickup + on_job
    result = time_accounting(segments(rows), None, zone="Europe/Paris")
    assert result.source == "status_log"
    assert result.unpaid_share == pytest.approx(0.4)
    assert result.logged_in_h == pytest.approx((engaged + waiting_total) / 60)
    assert result.hours["P2"] == pytest.approx(sum(a for a, _ in jobs_min) / 60)
    assert result.engaged_h == pytest.approx(engaged / 60)


def test_two_platforms_at_once_are_not_counted_twice() -> None:
    # Uber: waiting 10:00-12:00. Wolt: waiting 11:00-13:00 with a job on board 11:30-12:30.
    seg = segments(
        [("uber", "waiting", 600, 720), ("wolt", "waiting", 660, 780), ("wolt", "on_job", 690, 750)]
    )
    result = time_accounting(seg, None, zone="UTC")
    assert result.logged_in_h == pytest.approx(3.0)  # 10:00-13:00, not 2 + 2 hours
    assert result.hours["P1"] == pytest.approx(2.0)
    assert result.hours["P3"] == pytest.approx(1.0)
    assert result.sources == {"uber": "status_log", "wolt": "status_log"}


def test_short_reconnect_gaps_count_as_waiting_and_long_ones_as_offline() -> None:
    seg = segments(
        [
            ("uber", "waiting", 0, 60),
            ("uber", "waiting", 61, 120),  # 60 s gap: continuous
            ("uber", "waiting", 130, 190),
        ]
    )  # 10 min gap: offline
    period = (DAY, DAY + pd.Timedelta(hours=4))
    result = time_accounting(seg, None, period=period, zone="UTC")
    assert result.hours["P1"] == pytest.approx(180 / 60)
    assert result.hours["P0"] == pytest.approx((240 - 180) / 60)


def test_sessions_give_p1_as_the_rest_of_online_time() -> None:
    seg = segments([("wolt", "online", 540, 720), ("wolt", "offline", 720, 800)])  # online 9:00-12:00
    job = jobs(
        [
            {"accepted": 600, "arrived": 610, "picked": 620, "dropped": 650},
            {"accepted": 700, "arrived": 705, "picked": 705, "dropped": 740},
        ]
    )  # runs past logout
    result = time_accounting(seg, job, zone="UTC")
    assert result.source == "sessions"
    assert result.hours["P2"] == pytest.approx((20 + 5) / 60)
    assert result.hours["P3"] == pytest.approx((30 + 35) / 60)
    assert result.logged_in_h == pytest.approx((740 - 540) / 60)
    assert result.hours["P1"] == pytest.approx((200 - 25 - 65) / 60)
    assert result.pickup_wait["median_s"] == pytest.approx(300.0)  # waits of 10 and 0 min


def test_inferred_sessions_with_sensitivity_band() -> None:
    # Jobs 10:00-10:40 and 11:05-11:30 (gap 25 min), then 13:00-13:20 (gap 90 min).
    job = jobs(
        [
            {"accepted": 600, "picked": 610, "dropped": 640},
            {"accepted": 665, "picked": 670, "dropped": 690},
            {"accepted": 780, "picked": 785, "dropped": 800},
        ]
    )
    result = time_accounting(None, job, zone="UTC")
    assert result.source == "inferred"
    assert any("estimate" in n for n in result.notes)
    engaged = (40 + 25 + 20) / 60
    assert result.engaged_h == pytest.approx(engaged)
    assert result.hours["P1"] == pytest.approx(25 / 60)  # tau = 30 min joins only the first gap
    band = result.sensitivity
    assert band[15]["waiting_h"] == pytest.approx(0.0)
    assert band[30]["waiting_h"] == pytest.approx(25 / 60)
    assert band[60]["waiting_h"] == pytest.approx(25 / 60)
    wide = time_accounting(
        None, job, zone="UTC", config=load_config(overrides={"time.pseudo_session_gap_min": 120})
    )
    assert wide.hours["P1"] == pytest.approx((25 + 90) / 60)


def test_unknown_stays_none_never_zero() -> None:
    result = time_accounting(None, None, zone="UTC")
    assert result.source is None
    assert result.logged_in_h is None and result.unpaid_share is None and result.hours["P1"] is None
    earnings_only_jobs = jobs([{"accepted": None, "dropped": None}])
    assert time_accounting(None, earnings_only_jobs, zone="UTC").logged_in_h is None


def test_daily_split_adds_up_over_a_daylight_saving_day() -> None:
    # Paris, Sunday 29 March 2026 has 23 hours: 00:00 local = 23:00 UTC the day before.
    start = pd.Timestamp("2026-03-28 23:00", tz="UTC")
    seg = pd.DataFrame(
        {
            "platform": "uber",
            "state": ["waiting", "on_job", "break"],
            "start_at": [start + pd.Timedelta(hours=h) for h in (8, 9, 12)],
            "end_at": [start + pd.Timedelta(hours=h) for h in (9, 11, 13)],
        }
    )
    period = (start, start + pd.Timedelta(hours=23))
    result = time_accounting(seg, None, period=period, zone="Europe/Paris")
    day = result.by_day
    assert len(day) == 1
    row = day.iloc[0]
    assert row["P0"] + row["logged_in"] + 1.0 == pytest.approx(23.0)  # one hour of break
    assert row["P1"] == pytest.approx(1.0) and row["P3"] == pytest.approx(2.0)
    assert row["unpaid_share"] == pytest.approx(1 / 3)
    grid = result.by_hour_of_week
    assert grid.loc[(6, 9), "P1"] == pytest.approx(1.0)  # 07:00 UTC = Sunday 09:00 local (CEST)
    assert result.by_month["logged_in"].sum() == pytest.approx(result.logged_in_h)


def test_pickup_waits_trend_and_longest_unpaid_waits() -> None:
    job = jobs(
        [
            {"accepted": 0, "arrived": 5, "picked": 9, "dropped": 20},
            {"accepted": 50, "arrived": 52, "picked": 60, "dropped": 70},
            {"accepted": 120, "arrived": 125, "picked": 126, "dropped": 130},
        ]
    )
    seg = segments([("wolt", "online", 0, 200)])
    result = time_accounting(seg, job, zone="UTC", config=load_config(overrides={"time.longest_waits": 2}))
    waits = result.pickup_wait
    assert waits["count"] == 3 and waits["median_s"] == pytest.approx(240.0)
    assert waits["p90_s"] == pytest.approx(pd.Series([240.0, 480.0, 60.0]).quantile(0.9))
    assert waits["by_month"].loc["2026-01", "count"] == 3
    longest = result.longest_waits
    assert longest["duration_s"].tolist() == [70 * 60.0, 50 * 60.0]  # 130-200, then 70-120
    assert longest["start_at"].iloc[0] == at(130)
    between = result.between_jobs_wait
    assert between["count"] == 2 and between["median_s"] == pytest.approx((30 + 50) / 2 * 60)


def test_inputs_are_not_modified_and_flags_are_noted() -> None:
    seg = segments([("uber", "waiting", 0, 800), ("uber", "on_job", 900, 930)])
    seg.loc[len(seg)] = ["w1", "uber", "waiting", at(1000), pd.NaT]
    before = seg.copy()
    result = time_accounting(seg, None, zone="UTC")
    pd.testing.assert_frame_equal(seg, before)
    assert any("longer than 12" in n for n in result.notes)
    assert any("without an end" in n for n in result.notes)


def test_each_platform_uses_its_best_source_and_the_worst_is_reported() -> None:
    # Uber has a status log (waiting 9:00-10:00); Wolt only jobs (10:30-11:00 and 11:10-11:30).
    seg = segments([("uber", "waiting", 540, 600)])
    job = jobs(
        [{"accepted": 630, "picked": 640, "dropped": 660}, {"accepted": 670, "picked": 675, "dropped": 690}]
    )
    result = time_accounting(seg, job, zone="UTC")
    assert result.sources == {"uber": "status_log", "wolt": "inferred"}
    assert result.source == "inferred"
    assert result.hours["P1"] == pytest.approx((60 + 10) / 60)  # the 10 min between Wolt jobs is inferred
    assert result.engaged_h == pytest.approx((30 + 20) / 60)
    with pytest.raises(ValueError, match="source must be"):
        time_accounting(seg, job, source="guess")


def test_sessions_without_job_times_give_logged_in_hours_but_no_split() -> None:
    # Deliveroo invoices: sessions (time in / time out) and no per-order times
    seg = segments([("deliveroo", "online", 0, 120), ("deliveroo", "online", 240, 300)])
    t = time_accounting(seg, None, zone="UTC")
    assert t.source == "sessions"
    assert t.logged_in_h == pytest.approx(3.0)
    assert t.hours["P1"] is None and t.hours["P2"] is None and t.hours["P3"] is None
    assert t.engaged_h is None and t.unpaid_share is None
    assert any("cannot be told apart" in note for note in t.notes)
    day = t.by_day.iloc[0]
    assert day["logged_in"] == pytest.approx(3.0) and pd.isna(day["P1"]) and pd.isna(day["unpaid_share"])


def test_unknown_activity_on_one_app_is_not_counted_as_waiting_on_another() -> None:
    seg = segments([("uber", "waiting", 0, 60), ("deliveroo", "online", 30, 90)])
    t = time_accounting(seg, None, zone="UTC")
    assert t.logged_in_h == pytest.approx(1.5)  # the overlap counts once
    assert t.hours["P1"] is None and t.unpaid_share is None
