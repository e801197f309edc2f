"""LOM indicators on their legal definitions, and signs of subordination with their evidence rows."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from tests.toolkit.analytics.planted import T0, hours, table
from toolkit.analytics.legal import lom_indicators, subordination_signs

PARIS = ZoneInfo("Europe/Paris")
FIRST_DAY = datetime(2026, 2, 16)  # a Monday; 4 weeks to 15 March, before the DST change
APPROACH, RIDE = timedelta(minutes=8), timedelta(minutes=15)


def paris(t: datetime) -> pd.Timestamp:
    return pd.Timestamp(t.replace(tzinfo=PARIS)).tz_convert("UTC")


def legal_worker() -> tuple[dict[str, pd.DataFrame], dict]:
    """Every day a 10:00-14:00 Paris shift: 4 jobs on weekdays, 6 at weekends, accepted on the hour /
    40 min, 8 min approach, 15 min ride; one refused offer before each job; fare 8, commission -2, tip 2
    per job, and a 10 EUR incentive on Mondays. One extra job on 28 Feb at 23:50 Paris (in February) and
    its fare booked on 1 March. Returns the tables and the expected figures, computed here by hand."""
    seg = defaultdict(list)
    jobs = defaultdict(list)
    offers = defaultdict(list)
    pay = defaultdict(list)
    truth: dict = defaultdict(lambda: defaultdict(float))

    def job(accept: datetime, booked: datetime) -> None:
        jobs["accepted_at"].append(paris(accept))
        jobs["picked_up_at"].append(paris(accept + APPROACH))
        jobs["dropped_off_at"].append(paris(accept + APPROACH + RIDE))
        offers["offered_at"] += [paris(accept - timedelta(minutes=3)), paris(accept - timedelta(seconds=20))]
        offers["outcome"] += ["rejected", "accepted"]
        for amount, category in ((8.0, "fare"), (-2.0, "commission"), (2.0, "tip")):
            pay["earned_at"].append(paris(booked))
            pay["amount"].append(amount)
            pay["category"].append(category)
        m = (accept + APPROACH).month
        truth[m]["prestations"] += 1
        truth[m]["ride_h"] += RIDE.total_seconds() / 3600
        truth[booked.month]["income"] += 6.0
        truth[m]["offers"] += 2

    for d in range(28):
        day = FIRST_DAY + timedelta(days=d)
        n = 6 if day.weekday() >= 5 else 4
        start, t = day.replace(hour=10), day.replace(hour=10)
        for k in range(n):
            accept = start + timedelta(minutes=40 * k + 10)
            seg["state"] += ["waiting", "to_pickup", "on_job"]
            seg["start_at"] += [paris(t), paris(accept), paris(accept + APPROACH)]
            seg["end_at"] += [paris(accept), paris(accept + APPROACH), paris(accept + APPROACH + RIDE)]
            truth[day.month]["waiting_h"] += (accept - t).total_seconds() / 3600
            t = accept + APPROACH + RIDE
            job(accept, booked=accept + APPROACH + RIDE)
        end = day.replace(hour=14)
        seg["state"].append("waiting")
        seg["start_at"].append(paris(t))
        seg["end_at"].append(paris(end))
        truth[day.month]["waiting_h"] += (end - t).total_seconds() / 3600
        if day.weekday() == 0:
            pay["earned_at"].append(paris(day.replace(hour=9)))
            pay["amount"].append(10.0)
            pay["category"].append("incentive")
            truth[day.month]["income"] += 10.0
    job(datetime(2026, 2, 28, 23, 27), booked=datetime(2026, 3, 1, 0, 5))
    n_pay = len(pay["amount"])
    tables = {
        "status_segments": table("status_segments", **seg),
        "jobs": table("jobs", kind=["ride"] * len(jobs["accepted_at"]),
                      status=["completed"] * len(jobs["accepted_at"]), **jobs),
        "offers": table("offers", **offers),
        "earnings": table("earnings", currency=["EUR"] * n_pay, **pay),
    }
    return tables, truth


def test_seven_indicators_per_month_on_the_legal_definitions() -> None:
    tables, truth = legal_worker()
    result = lom_indicators(tables["jobs"], tables["status_segments"], tables["earnings"], tables["offers"])
    monthly = result["monthly"]
    assert [str(m) for m in monthly.index] == ["2026-02-01 00:00:00+01:00", "2026-03-01 00:00:00+01:00"]
    for row, month in zip(monthly.itertuples(), (2, 3), strict=True):
        t = truth[month]
        assert row.prestations == t["prestations"]
        assert row.mean_duration_min == pytest.approx(15.0)  # pickup to drop-off: the 8-min approach is out
        assert row.duration_h == pytest.approx(t["ride_h"])
        assert row.income == pytest.approx(t["income"])  # tips excluded, commission deducted, bonus in
        assert row.mean_income_per_prestation == pytest.approx(t["income"] / t["prestations"])
        assert row.waiting_h == pytest.approx(t["waiting_h"])
        assert row.mean_wait_before_offer_min == pytest.approx(t["waiting_h"] * 60 / t["offers"])
    assert result["source"]["waiting"] == "status_segments (status_log)"
    assert result["source"]["offers"] == "offers (per-offer rows)"


def test_weekly_indicators_and_volume_bands() -> None:
    tables, _ = legal_worker()
    result = lom_indicators(tables["jobs"], tables["status_segments"], tables["earnings"], tables["offers"])
    weekly = result["weekly"]
    assert len(weekly) == 4
    # 5 x 4 + 2 x 6 = 32 prestations a week (+1 late job on Saturday 28 Feb in week 2)
    assert weekly["prestations"].tolist() == [32.0, 33.0, 32.0, 32.0]
    assert weekly["duration_h"].iloc[0] == pytest.approx(32 * 0.25)
    assert weekly["income"].iloc[0] == pytest.approx(32 * 6.0 + 10.0)
    assert set(weekly["band"]) == {"(20.0, 40.0]"}
    bands = result["weekly_by_band"]
    assert bands.loc["(20.0, 40.0]", "periods"] == 4
    assert bands.loc["(20.0, 40.0]", "mean_duration_h"] == pytest.approx(weekly["duration_h"].mean())
    # weeks belong to the month of their Thursday: weeks 1-2 to February, 3-4 to March
    monthly = result["monthly"]
    assert monthly["mean_weekly_duration_h"].tolist() == pytest.approx(
        [weekly["duration_h"].iloc[:2].mean(), weekly["duration_h"].iloc[2:].mean()])


def test_income_is_unknown_without_earnings_and_waiting_without_a_log() -> None:
    tables, _ = legal_worker()
    result = lom_indicators(tables["jobs"])
    monthly = result["monthly"]
    assert monthly["income"].isna().all() and monthly["mean_wait_before_offer_min"].isna().all()
    assert result["source"]["income"] is None and result["source"]["waiting"] is None
    assert any("income" in n for n in result["notes"])


def subordinated_worker() -> dict[str, pd.DataFrame]:
    """Run A: 3 rejections (10:00-10:10) then a 6 h block at 10:15. Run B: 2 rejections and an expiry
    (15:00-15:10) then going offline at 15:20, no block. An acceptance, then two rejections at 17:00 and
    going offline (too short a run). A cancellation-rate warning, a deactivation, one negative and one
    positive adjustment."""
    day = T0 + pd.Timedelta(days=2)
    at = [day + hours(h) for h in (9.5, 10.0, 10.08, 10.16, 14.5, 15.0, 15.08, 15.16, 16.85, 16.9, 17.0)]
    outcome = ["accepted", "rejected", "rejected", "rejected", "accepted", "rejected", "rejected", "expired",
               "accepted", "rejected", "rejected"]
    offers = table("offers", offered_at=at, outcome=outcome)
    sanctions = table("sanctions", at=[day + hours(10.25), day + hours(30), day + hours(90)],
                      kind=["block", "warning", "deactivation"],
                      rule=["consecutiveReject", "highCancellationRate", None],
                      duration_s=[21600.0, None, None])
    segments = table("status_segments", state=["waiting", "offline", "waiting", "offline", "offline"],
                     start_at=[day + hours(9), day + hours(10.25), day + hours(14), day + hours(15.33),
                               day + hours(17.1)],
                     end_at=[day + hours(10.25), day + hours(14), day + hours(15.33), day + hours(16.8),
                             day + hours(20)])
    earnings = table("earnings", earned_at=[day + hours(12)] * 3, amount=[-3.5, 2.0, 9.0],
                     currency=["EUR"] * 3, category=["adjustment", "adjustment", "fare"])
    return {"offers": offers, "sanctions": sanctions, "status_segments": segments, "earnings": earnings}


def test_signs_of_subordination_with_evidence_rows() -> None:
    w = subordinated_worker()
    result = subordination_signs(offers=w["offers"], sanctions=w["sanctions"], segments=w["status_segments"],
                                 earnings=w["earnings"])
    signs = result["signs"]["count"]
    assert signs["refusals_then_block"] == 1
    assert signs["refusals_then_offline"] == 1
    assert signs["cancellation_warnings"] == 1 and signs["deactivations"] == 1
    assert signs["fare_corrections"] == 1
    evidence = result["evidence"]
    block = evidence.loc[evidence["sign"] == "refusals_then_block"]
    assert sorted(zip(block["table"], block["source_row"], strict=True)) == [
        ("offers", 3), ("offers", 4), ("offers", 5), ("sanctions", 2)]
    offline = evidence.loc[evidence["sign"] == "refusals_then_offline"]
    assert sorted(zip(offline["table"], offline["source_row"], strict=True)) == [
        ("offers", 7), ("offers", 8), ("offers", 9), ("status_segments", 5)]
    fixes = evidence.loc[evidence["sign"] == "fare_corrections"]
    assert fixes["source_row"].tolist() == [2]
    assert "19-13.316" in result["case_law"]


def test_a_worker_with_nothing_to_show_gets_zero_where_seen_and_none_where_unseen() -> None:
    offers = table("offers", offered_at=[T0 + hours(h) for h in np.arange(10, 12, 0.25)],
                   outcome=["accepted", "rejected"] * 4)
    result = subordination_signs(offers=offers)
    signs = result["signs"]["count"]
    # without a sanctions table or a state log, what follows refusals is unknown, not zero
    assert signs["refusals_then_block"] is None and signs["refusals_then_offline"] is None
    assert signs["cancellation_warnings"] is None and signs["fare_corrections"] is None
    assert result["evidence"].empty
    sanctions = table("sanctions", at=[T0 + hours(30)], kind=["notification"], rule=["drivingHourLimits"])
    segments = table("status_segments", state=["waiting"], start_at=[T0 + hours(9)], end_at=[T0 + hours(13)])
    seen = subordination_signs(offers=offers, sanctions=sanctions, segments=segments)["signs"]["count"]
    assert seen["refusals_then_block"] == 0 and seen["refusals_then_offline"] == 0
    assert seen["cancellation_warnings"] == 0 and seen["deactivations"] == 0
    blocks_by_rule = subordination_signs(sanctions=subordinated_worker()["sanctions"])
    assert blocks_by_rule["signs"]["count"]["refusals_then_block"] == 1  # the rule names rejections
    assert blocks_by_rule["notes"]
