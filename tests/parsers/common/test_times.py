"""Time helpers: UTC forms, local times with a bogus Z, DST repeats and gaps, row zones and offsets.

Expected instants are worked out by hand from the zones' rules (Paris: UTC+1 in winter, UTC+2 from the
last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC).
"""

from __future__ import annotations

import pandas as pd
import pytest

from parsers.common import (
    local_to_utc,
    local_to_utc_rowzones,
    local_with_offset,
    place_local,
    row_offsets,
    utc,
    utc_or_local,
)
from tests.parsers.conftest import lenient_ctx, strict_ctx, ts
from toolkit.errors import IngestError, StrictIssueError


def series(*values: str | None, name: str = "t", first_row: int = 2) -> pd.Series:
    return pd.Series(list(values), index=range(first_row, first_row + len(values)), name=name, dtype="str")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-02-28T23:16:48.000Z", "2021-02-28T23:16:48Z"),  # French SAR 2021
        ("2017-11-02 14:27:40", "2017-11-02T14:27:40Z"),  # Geneva naive UTC
        ("2026-08-25 15:28:46.190", "2026-08-25T15:28:46.190Z"),  # portal Event Time (UTC)
        ("2021-02-28 23:16:48.123456789", "2021-02-28T23:16:48.123456Z"),
        ("2018-04-05 05:52:02 +0000 UTC", "2018-04-05T05:52:02Z"),  # rider files
        ("2021-07-01T12:00:00+02:00", "2021-07-01T10:00:00Z"),
        ("2015-12-02 7:10:55", "2015-12-02T07:10:55Z"),  # non-padded hour
    ],
)
def test_utc_forms(text: str, expected: str) -> None:
    assert utc(series(text), strict_ctx(), "f.csv").iloc[0] == ts(expected)


def test_unparseable_time_is_null_and_an_issue_that_does_not_quote_it() -> None:
    ctx = lenient_ctx()
    out = utc(series("2021-02-28 23:16:48", "28/02/2021 23:16", None, name="Time"), ctx, "f.csv")
    assert out.isna().tolist() == [False, True, True]
    [issue] = ctx.issues.issues
    assert (issue.kind, issue.row, issue.column, issue.file) == ("bad_timestamp", 3, "Time", "f.csv")
    assert "28/02" not in issue.detail
    with pytest.raises(StrictIssueError):
        utc(series("31/12/2021"), strict_ctx(), "f.csv")


def test_dayfirst_is_never_guessed() -> None:
    # 2021-05-01 must stay the 1st of May, whatever the first element looks like.
    out = utc(series("2021-01-13 00:00:00", "2021-05-01 00:00:00"), strict_ctx(), "f.csv")
    assert out.iloc[1] == ts("2021-05-01T00:00:00Z")


def test_local_with_bogus_z_is_local_time() -> None:
    # export-formats.md §1.7: local 2021-03-01T00:16:48.000Z in Paris is 2021-02-28T23:16:48Z.
    out, counts = local_to_utc(series("2021-03-01T00:16:48.000Z"), "Europe/Paris", strict_ctx(), "f.csv")
    assert out.iloc[0] == ts("2021-02-28T23:16:48Z")
    assert counts == {"ambiguous": 0, "nonexistent": 0}


def test_dst_repeated_time_is_the_first_occurrence() -> None:
    # 2021-10-31 02:30 happens twice in Paris: first at UTC+2 (00:30Z), then at UTC+1 (01:30Z).
    out, counts = local_to_utc(
        series("2021-10-31 02:30:00", "2021-10-31 03:30:00"), "Europe/Paris", strict_ctx(), "f.csv"
    )
    assert out.tolist() == [ts("2021-10-31T00:30:00Z"), ts("2021-10-31T02:30:00Z")]
    assert counts == {"ambiguous": 1, "nonexistent": 0}


def test_dst_skipped_time_moves_forward() -> None:
    # 2021-03-28 02:30 does not exist in Paris: clocks jump from 02:00 to 03:00 (01:00Z).
    out, counts = local_to_utc(series("2021-03-28 02:30:00"), "Europe/Paris", strict_ctx(), "f.csv")
    assert out.iloc[0] == ts("2021-03-28T01:00:00Z")
    assert counts == {"ambiguous": 0, "nonexistent": 1}


def test_row_zones_and_unknown_zone_name() -> None:
    ctx = lenient_ctx()
    values = series("2021-07-01 12:00:00", "2021-07-01 12:00:00", "2021-07-01 12:00:00")
    zones = pd.Series(["Europe/Paris", "America/Los_Angeles", "Mars/Olympus"], index=values.index, name="tz")
    out, _ = local_to_utc_rowzones(values, zones, ctx, "f.csv")
    assert out.iloc[:2].tolist() == [ts("2021-07-01T10:00:00Z"), ts("2021-07-01T19:00:00Z")]
    assert out.isna().tolist()[2]
    assert [(i.kind, i.row, i.column) for i in ctx.issues.issues] == [("bad_timezone", 4, "tz")]


def test_row_offsets_place_local_times() -> None:
    local = series("2023-11-10 12:36:35", "2024-06-01 12:00:00")
    offsets = row_offsets(local, series("2023-11-10 11:36:35", "2024-06-01 10:00:00"))
    assert offsets.tolist() == [pd.Timedelta(hours=1), pd.Timedelta(hours=2)]
    out = local_with_offset(series("2023-11-10 12:59:00", "2024-06-01 12:30:00"), offsets, strict_ctx(), "f")
    assert out.tolist() == [ts("2023-11-10T11:59:00Z"), ts("2024-06-01T10:30:00Z")]


def test_place_local_without_any_zone_asks_for_tz() -> None:
    with pytest.raises(IngestError) as caught:
        place_local(series("2022-09-07T09:44:33.000Z", name="Local Request Timestamp"), strict_ctx(), "t.csv")
    assert caught.value.kind == "needs_timezone" and "Local Request Timestamp" in caught.value.detail


def test_place_local_records_the_zone_and_dst_counts() -> None:
    ctx = strict_ctx(user_tz="Europe/Paris")
    out = place_local(series("2021-10-31 02:30:00", name="recognize_timestamp_local"), ctx, "p.csv")
    assert out.iloc[0] == ts("2021-10-31T00:30:00Z")
    [decision] = ctx.tz_decisions
    assert (decision.zone, decision.source, decision.column) == (
        "Europe/Paris",
        "user",
        "recognize_timestamp_local",
    )
    assert "1 local time(s) repeated" in decision.detail


def test_place_local_prefers_the_export_zone_and_notes_a_different_tz() -> None:
    ctx = strict_ctx(user_tz="Europe/London", export_tz="Europe/Zurich", export_tz_evidence="trips")
    out = place_local(series("2024-01-15 12:00:00"), ctx, "p.csv")
    assert out.iloc[0] == ts("2024-01-15T11:00:00Z")
    assert ctx.tz_decisions[0].source == "export" and "--tz Europe/London" in ctx.tz_decisions[0].detail


def test_utc_or_local_uses_the_utc_twin_and_falls_back_per_row() -> None:
    frame = pd.DataFrame(
        {
            "request_timestamp_utc": [None, "2021-02-28T23:16:48.000Z", None],
            "request_timestamp_local": ["2021-03-01T00:16:48.000Z", "2021-03-01T00:16:48.000Z", None],
            "timezone": ["Europe/Paris", "Europe/Paris", None],
        },
        index=[2, 3, 4],
    )
    ctx = strict_ctx()
    out = utc_or_local(frame, ctx, "t.csv", "request_timestamp_utc", "request_timestamp_local", "timezone")
    assert out.iloc[:2].tolist() == [ts("2021-02-28T23:16:48Z")] * 2 and pd.isna(out.iloc[2])
    sources = {(d.column, d.source) for d in ctx.tz_decisions}
    assert sources == {
        ("request_timestamp_utc", "utc_column"),
        ("request_timestamp_local", "row_timezone_column"),
    }
