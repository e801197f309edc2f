"""Interval arithmetic checked against a brute-force model: a grid of unit cells (or minutes)."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.analytics import intervals as iv

BOUNDED = settings(max_examples=200, deadline=None, database=None)

spans = st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), max_size=12)


def _arrays(pairs: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    return np.array([a for a, _ in pairs], dtype=np.int64), np.array([b for _, b in pairs], dtype=np.int64)


def _cells(pairs: list[tuple[int, int]]) -> set[int]:
    """Unit cells [k, k+1) covered by half-open integer intervals: the independent model."""
    return {k for a, b in pairs for k in range(a, b)}


def _result_cells(s: np.ndarray, e: np.ndarray) -> set[int]:
    return _cells(list(zip(s.tolist(), e.tolist(), strict=True)))


def _disjoint_sorted(s: np.ndarray, e: np.ndarray) -> bool:
    return bool(np.all(e > s) and np.all(s[1:] > e[:-1]))


@BOUNDED
@given(spans)
def test_union_covers_exactly_the_cells_once(pairs: list[tuple[int, int]]) -> None:
    s, e = iv.union(*_arrays(pairs))
    assert _disjoint_sorted(s, e)
    assert _result_cells(s, e) == _cells(pairs)
    assert int(iv.total_length(*_arrays(pairs))) == len(_cells(pairs))


@BOUNDED
@given(spans)
def test_no_double_counting_total_at_most_plain_sum(pairs: list[tuple[int, int]]) -> None:
    plain = sum(max(b - a, 0) for a, b in pairs)
    assert int(iv.total_length(*_arrays(pairs))) <= plain


@BOUNDED
@given(spans, st.integers(0, 5))
def test_union_with_gap_joins_only_short_gaps(pairs: list[tuple[int, int]], gap: int) -> None:
    s, e = iv.union(*_arrays(pairs), gap=gap)
    holes = s[1:] - e[:-1]
    assert np.all(holes > gap)
    assert _cells(pairs) <= _result_cells(s, e)


@BOUNDED
@given(spans, spans)
def test_intersection_and_difference_match_cells(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> None:
    s, e = iv.intersection(*_arrays(a), *_arrays(b))
    assert _disjoint_sorted(s, e)
    assert _result_cells(s, e) == _cells(a) & _cells(b)
    s, e = iv.difference(*_arrays(a), *_arrays(b))
    assert _disjoint_sorted(s, e)
    assert _result_cells(s, e) == _cells(a) - _cells(b)


@BOUNDED
@given(spans, st.integers(0, 60), st.integers(0, 60))
def test_clipping_keeps_only_the_window(pairs: list[tuple[int, int]], lo: int, hi: int) -> None:
    s, e = iv.clipped(*_arrays(pairs), lo, hi)
    assert np.all(s >= lo) and np.all(e <= hi) and np.all(e > s)
    window = set(range(lo, hi))
    assert _result_cells(s, e) == _cells(pairs) & window


def test_nulls_and_reversed_intervals_are_dropped() -> None:
    s, e = iv.union(np.array([0.0, np.nan, 5.0, 9.0]), np.array([2.0, 3.0, np.nan, 8.0]))
    assert s.tolist() == [0.0] and e.tolist() == [2.0]


# --- frames in a time zone -------------------------------------------------------------------

ORIGIN = pd.Timestamp("2026-03-27 00:00", tz="UTC")
minute_spans = st.lists(st.tuples(st.integers(0, 4 * 1440), st.integers(1, 600)), max_size=8)
# the spring and autumn DST changes in Europe (29 Mar, 25 Oct 2026) and the autumn one in the US (1 Nov)
origins = st.sampled_from([pd.Timestamp(d, tz="UTC") for d in ("2026-03-27", "2026-10-23", "2026-10-30")])
zones = st.sampled_from(["Europe/Paris", "Asia/Kolkata", "America/New_York", "UTC", "Asia/Kathmandu"])


def _frame(pairs: list[tuple[int, int]], origin: pd.Timestamp = ORIGIN) -> pd.DataFrame:
    start = [origin + pd.Timedelta(minutes=a) for a, _ in pairs]
    end = [origin + pd.Timedelta(minutes=a + d) for a, d in pairs]
    return pd.DataFrame(
        {"start_at": pd.DatetimeIndex(start, tz="UTC"), "end_at": pd.DatetimeIndex(end, tz="UTC")}
    )


def _minutes(pairs: list[tuple[int, int]], origin: pd.Timestamp = ORIGIN) -> pd.DatetimeIndex:
    covered = sorted({m for a, d in pairs for m in range(a, a + d)})
    return pd.DatetimeIndex([origin + pd.Timedelta(minutes=m) for m in covered], tz="UTC")


@BOUNDED
@given(minute_spans, zones, st.sampled_from(["day", "week", "month", "hour"]), origins)
def test_split_by_period_sums_to_total_and_matches_minutes(pairs, zone, freq, origin) -> None:  # type: ignore[no-untyped-def]
    frame = _frame(pairs, origin)
    split = iv.seconds_by_period(frame, freq, zone)
    assert split.sum() == iv.covered_seconds(frame) == 60.0 * len(_minutes(pairs, origin))
    local = _minutes(pairs, origin).tz_convert(zone).tz_localize(None)
    monday = local.normalize() - pd.to_timedelta(local.day_of_week, unit="D")
    keys = {
        "day": local.strftime("%Y-%m-%d"),
        "hour": local.strftime("%Y-%m-%d %H"),
        "month": local.strftime("%Y-%m"),
        "week": monday.strftime("%Y-%m-%d"),
    }[freq]
    per_key = Counter(keys.tolist())
    assert sorted(split.tolist()) == sorted(60.0 * v for v in per_key.values())


@BOUNDED
@given(minute_spans, zones, origins)
def test_hour_of_week_grid_matches_minutes(pairs, zone, origin) -> None:  # type: ignore[no-untyped-def]
    grid = iv.seconds_by_hour_of_week(_frame(pairs, origin), zone)
    local = _minutes(pairs, origin).tz_convert(zone)
    expected = np.zeros((7, 24))
    np.add.at(expected, (local.day_of_week.to_numpy(), local.hour.to_numpy()), 60.0)
    assert np.array_equal(grid.to_numpy(), expected)


def test_daylight_saving_days_are_23_and_25_hours() -> None:
    frame = pd.DataFrame(
        {
            "start_at": pd.to_datetime(["2026-03-28 23:00", "2026-10-24 22:00"], utc=True),
            "end_at": pd.to_datetime(["2026-03-29 22:00", "2026-10-25 23:00"], utc=True),
        }
    )
    split = iv.seconds_by_period(frame, "day", "Europe/Paris") / 3600
    assert split.tolist() == [23.0, 25.0]
    assert [str(d.date()) for d in split.index] == ["2026-03-29", "2026-10-25"]


def test_clipped_frame_keeps_other_columns_and_does_not_mutate() -> None:
    frame = pd.DataFrame(
        {
            "state": ["waiting", "on_job"],
            "start_at": pd.to_datetime(["2026-01-01 09:00", "2026-01-03 09:00"], utc=True),
            "end_at": pd.to_datetime(["2026-01-01 11:00", "2026-01-03 10:00"], utc=True),
        }
    )
    before = frame.copy()
    lo, hi = pd.Timestamp("2026-01-01 10:00", tz="UTC"), pd.Timestamp("2026-01-02", tz="UTC")
    out = iv.clipped_frame(frame, lo, hi)
    pd.testing.assert_frame_equal(frame, before)
    assert out["state"].tolist() == ["waiting"]
    assert out["start_at"].iloc[0] == pd.Timestamp("2026-01-01 10:00", tz="UTC")


# --- priority merge across platforms ---------------------------------------------------------

segments = st.lists(
    st.tuples(
        st.sampled_from(["uber", "wolt"]),
        st.sampled_from(iv.STATE_PRIORITY),
        st.integers(0, 300),
        st.integers(1, 120),
    ),
    max_size=10,
)


@BOUNDED
@given(segments)
def test_state_timeline_picks_the_highest_state_each_minute(rows) -> None:  # type: ignore[no-untyped-def]
    frame = pd.DataFrame(
        {
            "platform": [p for p, *_ in rows],
            "state": [s for _, s, _, _ in rows],
            "start_at": pd.DatetimeIndex([ORIGIN + pd.Timedelta(minutes=a) for *_, a, _ in rows], tz="UTC"),
            "end_at": pd.DatetimeIndex([ORIGIN + pd.Timedelta(minutes=a + d) for *_, a, d in rows], tz="UTC"),
        }
    )
    timeline = iv.state_timeline(frame)
    assert _disjoint_or_touching(timeline)
    per_platform = [iv.covered_seconds(frame[frame["platform"] == p]) for p in ("uber", "wolt")]
    assert max(per_platform) <= iv.covered_seconds(timeline) <= sum(per_platform)
    truth: dict[int, tuple[int, str]] = {}
    for platform, state, a, d in rows:
        rank = (iv.STATE_PRIORITY.index(state), platform)
        for m in range(a, a + d):
            truth[m] = min(truth.get(m, (99, "~")), rank)
    got: dict[tuple[str, str], float] = {}
    for row in timeline.itertuples():
        got[(row.state, row.platform)] = got.get((row.state, row.platform), 0.0) + (
            (row.end_at - row.start_at).total_seconds() / 60
        )
    expected: dict[tuple[str, str], float] = {}
    for rank, platform in truth.values():
        key = (iv.STATE_PRIORITY[rank], platform)
        expected[key] = expected.get(key, 0.0) + 1.0
    assert got == expected


def test_two_apps_at_once_are_counted_once() -> None:
    # 10:00-12:00 waiting on Uber; 11:00-13:00 waiting on Wolt, with a Wolt job 11:30-12:30.
    frame = pd.DataFrame(
        {
            "platform": ["uber", "wolt", "wolt"],
            "state": ["waiting", "waiting", "on_job"],
            "start_at": pd.to_datetime(
                ["2026-01-05 10:00", "2026-01-05 11:00", "2026-01-05 11:30"], utc=True
            ),
            "end_at": pd.to_datetime(["2026-01-05 12:00", "2026-01-05 13:00", "2026-01-05 12:30"], utc=True),
        }
    )
    timeline = iv.state_timeline(frame)
    hours = (timeline["end_at"] - timeline["start_at"]).dt.total_seconds() / 3600
    by_state = hours.groupby(timeline["state"]).sum()
    assert by_state.to_dict() == {"on_job": 1.0, "waiting": 2.0}
    assert iv.covered_seconds(timeline) / 3600 == 3.0
    plain_sum = ((frame["end_at"] - frame["start_at"]).dt.total_seconds() / 3600).sum()
    assert plain_sum == 5.0


def _disjoint_or_touching(frame: pd.DataFrame) -> bool:
    s, e = frame["start_at"].to_numpy(), frame["end_at"].to_numpy()
    return bool(np.all(e > s) and np.all(s[1:] >= e[:-1]))
