"""Sanctions: hours blocked as one union of block intervals, blocks begun before the period, refusal
sanctions, and the same figures on every surface that shows them (expected values worked out by hand)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from tests.toolkit.analytics.planted import T0, hours, table
from toolkit.analytics.dispatch import blocks_after_rejections
from toolkit.analytics.ratings import sanctions_timeline
from toolkit.analytics.sanctions import (
    block_intervals,
    blocked_hours,
    is_refusal_rule,
    refusal_sanctions,
    sanctions_summary,
)
from toolkit.periods import local_day_span

SIX_H = 6 * 3600.0


def two_blocks_eight_minutes_apart() -> pd.DataFrame:
    """The issue's case: 12:00-18:00 and 12:08-18:08 on one day."""
    return table("sanctions", at=[T0 + hours(12), T0 + hours(12) + pd.Timedelta(minutes=8)],
                 kind=["block", "block"], rule=["consecutiveReject"] * 2, duration_s=[SIX_H, SIX_H])


def test_overlapping_blocks_count_once() -> None:
    sanctions = two_blocks_eight_minutes_apart()
    day = local_day_span(date(2026, 1, 5), date(2026, 1, 5), "UTC")
    # union 12:00-18:08 = 6 h 8 min, not 2 x 6 h
    assert blocked_hours(sanctions, day) == pytest.approx(6 + 8 / 60)
    assert blocked_hours(sanctions, None) == pytest.approx(6 + 8 / 60)
    summary = sanctions_summary(sanctions, day)
    assert (summary["total"], summary["blocks"], summary["blocks_without_duration"]) == (2, 2, 0)
    assert summary["blocked_h"] == pytest.approx(6 + 8 / 60)
    # each row of the timeline says what it added: 6 h, then the 8 minutes after 18:00
    added = sanctions_timeline(sanctions, day)["timeline"]["blocked_h"].tolist()
    assert added == pytest.approx([6.0, 8 / 60])
    assert block_intervals(sanctions)["end_at"].tolist() == [T0 + hours(18), T0 + hours(18) + pd.Timedelta(
        minutes=8)]


def test_a_block_begun_before_the_period_counts_for_its_part_inside() -> None:
    # Paris, 5 January 2026 = [4 Jan 23:00 UTC, 5 Jan 23:00 UTC); a block 4 Jan 21:00-03:00 UTC
    sanctions = table("sanctions", at=[T0 - hours(3)], kind=["block"], rule=["consecutiveReject"],
                      duration_s=[SIX_H])
    day = local_day_span(date(2026, 1, 5), date(2026, 1, 5), "Europe/Paris")
    summary = sanctions_summary(sanctions, day)
    assert summary["blocked_h"] == pytest.approx(4.0)  # 23:00 to 03:00 UTC
    assert summary["total"] == 0  # it was given the day before
    assert summary["refusal_blocked_h"] == pytest.approx(4.0)
    shown = sanctions_timeline(sanctions, day)
    assert shown["timeline"]["began_before"].tolist() == [True]
    assert shown["timeline"]["blocked_h"].tolist() == pytest.approx([4.0])
    assert any("began before the period" in n for n in shown["notes"])


def test_a_block_across_the_night_clocks_go_forward() -> None:
    # Paris, 29 March 2026: [28 Mar 23:00 UTC, 29 Mar 22:00 UTC), 23 hours; block 28 Mar 20:00-02:00 UTC
    sanctions = table("sanctions", at=[pd.Timestamp("2026-03-28 20:00", tz="UTC")], kind=["block"],
                      rule=["consecutiveReject"], duration_s=[SIX_H])
    day = local_day_span(date(2026, 3, 29), date(2026, 3, 29), "Europe/Paris")
    assert blocked_hours(sanctions, day) == pytest.approx(3.0)


def test_consecutive_reject_notices_are_refusal_sanctions() -> None:
    """Like the Paris driver: 107 consecutiveReject notices (no block, some with no duration at all),
    2 driving-hour notices."""
    n = 109
    at = [T0 + hours(2 * i) for i in range(n)]
    rule = ["consecutiveReject"] * 107 + ["drivingHourLimits"] * 2
    duration = [0.0] * 100 + [None] * 7 + [0.0, 0.0]
    sanctions = table("sanctions", at=at, kind=["notification"] * n, rule=rule, duration_s=duration)
    refusals = refusal_sanctions(sanctions, None)
    assert refusals == {"count": 107, "blocks": 0, "blocked_h": 0.0, "blocks_without_duration": 0}
    summary = sanctions_summary(sanctions, None)
    assert (summary["total"], summary["blocks"], summary["blocked_h"]) == (109, 0, 0.0)
    assert (summary["refusal_sanctions"], summary["refusal_blocks"]) == (107, 0)
    listed = blocks_after_rejections(sanctions)["table"]
    assert len(listed) == 107 and listed["refusal_rule"].all() and not listed["block"].any()
    assert (listed["hours_cost"] == 0.0).all() and (listed["cost_source"] == "notice").all()


def test_a_refusal_block_stating_no_duration_makes_its_hours_unknown() -> None:
    sanctions = table("sanctions", at=[T0 + hours(12), T0 + hours(30)], kind=["block", "block"],
                      rule=["consecutiveReject", "drivingHourLimits"], duration_s=[None, 7200.0])
    summary = sanctions_summary(sanctions, None)
    assert summary["blocked_h"] == pytest.approx(2.0)  # the stated block only, the other said in a count
    assert summary["blocks_without_duration"] == 1
    assert summary["refusal_blocks"] == 1 and summary["refusal_blocked_h"] is None


def test_which_rules_name_refusals() -> None:
    assert is_refusal_rule("consecutiveReject")
    assert is_refusal_rule("declinedOffers") and is_refusal_rule("Refus de courses")
    assert not is_refusal_rule("drivingHourLimits")
    assert not is_refusal_rule("highCancellationRate")  # cancellations are a separate matter
    assert not is_refusal_rule("rejectAfterCancel")
    assert not is_refusal_rule(None) and not is_refusal_rule(float("nan"))


def test_no_sanctions_table_is_unknown_not_zero() -> None:
    empty = table("sanctions")
    summary = sanctions_summary(empty, None)
    assert summary["total"] is None and summary["blocked_h"] is None and summary["refusal_sanctions"] is None
    assert blocks_after_rejections(None)["summary"]["blocked_h"] is None


def test_dispatch_and_ratings_figures_are_those_of_sanctions_summary() -> None:
    sanctions = pd.concat([
        two_blocks_eight_minutes_apart(),
        table("sanctions", at=[T0 - hours(2), T0 + hours(40), T0 + hours(41)],
              kind=["block", "notification", "block"], rule=["drivingHourLimits", "consecutiveReject", None],
              duration_s=[SIX_H, 0.0, None], source_row=[5, 6, 7]),
    ], ignore_index=True)
    span = local_day_span(date(2026, 1, 5), date(2026, 1, 6), "UTC")
    summary = sanctions_summary(sanctions, span)
    # by hand: 00:00-04:00 of the block begun at 22:00 the day before, and 12:00-18:08
    assert summary["blocked_h"] == pytest.approx(4 + 6 + 8 / 60)
    assert (summary["total"], summary["blocks"], summary["blocks_without_duration"]) == (4, 3, 1)
    assert (summary["refusal_sanctions"], summary["refusal_blocks"]) == (3, 2)
    assert summary["refusal_blocked_h"] == pytest.approx(6 + 8 / 60)

    dispatch = blocks_after_rejections(sanctions, span=span)
    assert dispatch["summary"] == summary
    assert len(dispatch["table"]) == 5  # 4 blocks (one begun before) and the refusal notice

    ratings = sanctions_timeline(sanctions, span)
    assert ratings["summary"] == summary
    assert (ratings["total"], ratings["blocked_h"]) == (summary["total"], summary["blocked_h"])
    assert ratings["timeline"]["blocked_h"].sum() == pytest.approx(summary["blocked_h"])
    assert ratings["by_rule"].loc["consecutiveReject", "blocked_h"] == pytest.approx(
        summary["refusal_blocked_h"])
