"""Wolt `courier_tasks.csv` -> jobs: each quirk on its smallest input, then a whole synthetic export."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from parsers import wolt
from parsers.base import ParseContext
from tests.parsers.conftest import BytesMember, lenient_ctx, strict_ctx, tables, ts
from toolkit.errors import IngestError, StrictIssueError
from toolkit.samples.wolt import ZONE, write_wolt_sample

HEADER = ('"Task creation time ","Task completion time","Is pickup task","Completed with vehicle type",'
          '"Arrived at","Started at","Arrival time","Departed at"\n')


def parse(text: str, tz: str | None = "UTC", strict: bool = True) -> tuple[pd.DataFrame, ParseContext]:
    """The jobs of a `courier_tasks.csv` holding `text`, conformed to the schema, and the context."""
    make = strict_ctx if strict else lenient_ctx
    ctx = make(wolt.LAYOUT, "wolt", user_tz=tz)
    batches = list(wolt.parse_courier_tasks(BytesMember("courier_tasks.csv", text.encode()), ctx))
    assert [b.table for b in batches] == ["jobs"]
    return tables(batches).get("jobs", pd.DataFrame()), ctx


PAIR = ('"2020-04-24 16:19:34.025","2020-04-24 16:31:02.5","TRUE","BICYCLE","2020-04-24 16:28:00.1",'
        '"2020-04-24 16:20:00","2020-04-24 16:27:00",""\n'
        '"2020-04-24 16:19:34.025","2020-04-24 16:45:10.96","FALSE","BICYCLE","2020-04-24 16:44:01",'
        '"2020-04-24 16:31:03","2020-04-24 16:43:00",""\n')


def test_detect_by_file_name() -> None:
    found = wolt.detect(["wolt-sample/courier_tasks.csv", "wolt-sample/other.json"])
    assert found is not None and (found.platform, found.layout) == ("wolt", "courier-tasks-2021")
    assert found.evidence == ("wolt-sample/courier_tasks.csv",)
    assert wolt.detect(["FR-Paris/02 - Driver Lifetime Trips.csv"]) is None
    assert [r.matches("a/courier_tasks.csv") for r in wolt.RULES] == [True]


def test_header_with_trailing_space_and_variable_fractions() -> None:
    jobs, ctx = parse(HEADER + PAIR)
    assert len(jobs) == 1
    job = jobs.iloc[0]
    assert (job["kind"], job["status"], job["product"], job["source_row"]) == ("delivery", "completed",
                                                                               "BICYCLE", 2)
    assert job["requested_at"] == ts("2020-04-24 16:19:34.025")
    assert job["arrived_pickup_at"] == ts("2020-04-24 16:28:00.100")
    assert job["picked_up_at"] == ts("2020-04-24 16:31:02.500")
    assert job["arrived_dropoff_at"] == ts("2020-04-24 16:44:01")
    assert job["dropped_off_at"] == ts("2020-04-24 16:45:10.960")
    assert pd.isna(job["accepted_at"]) and pd.isna(job["fare"])
    assert job["extra"] == ('{"pickup Started at":"2020-04-24 16:20:00","pickup Arrival time":"2020-04-24 '
                            '16:27:00","dropoff Started at":"2020-04-24 16:31:03","dropoff Arrival time":'
                            '"2020-04-24 16:43:00","dropoff source_row":"3"}')
    columns = {d.column for d in ctx.tz_decisions}
    assert columns == {"Task creation time", "Task completion time", "Arrived at"}
    assert all(d.source == "user" and "does not state its time zone" in d.detail for d in ctx.tz_decisions)


def test_value_split_by_a_newline_is_one_record_and_normalised() -> None:
    second = PAIR.replace("16:19:34.025", "17:02:00").replace('"BICYCLE"', '"BIC\nYCLE"', 1)
    jobs, _ = parse(HEADER + second + PAIR)
    assert jobs["product"].tolist() == ["BICYCLE", "BICYCLE"]
    # rows are numbered as a spreadsheet shows them: the split value does not add a row
    assert jobs["source_row"].tolist() == [2, 4]
    assert '"pickup Completed with vehicle type":"BIC\\nYCLE"' in jobs["extra"].iloc[0]


def test_times_are_placed_in_the_given_zone() -> None:
    jobs, ctx = parse(HEADER + PAIR, tz="Europe/Helsinki")  # UTC+3 in April
    assert jobs["requested_at"].iloc[0] == ts("2020-04-24 13:19:34.025")
    assert ctx.tz_decisions[0].zone == "Europe/Helsinki"


def test_no_zone_stops_and_asks_for_tz() -> None:
    with pytest.raises(IngestError) as caught:
        parse(HEADER + PAIR, tz=None)
    assert caught.value.kind == "needs_timezone" and "--tz" in caught.value.detail


def test_unpaired_task_makes_a_job_and_an_issue() -> None:
    lone_pickup = PAIR.splitlines(keepends=True)[0].replace("16:19:34.025", "18:00:00")
    text = HEADER + PAIR + lone_pickup
    with pytest.raises(StrictIssueError):
        parse(text)
    jobs, ctx = parse(text, strict=False)
    assert jobs["status"].tolist() == ["completed", "other"]
    lone = jobs.iloc[1]
    assert lone["source_row"] == 4 and lone["requested_at"] == ts("2020-04-24 18:00:00")
    assert pd.isna(lone["dropped_off_at"]) and lone["picked_up_at"] == ts("2020-04-24 16:31:02.5")
    assert [(i.kind, i.row) for i in ctx.issues.issues] == [("unpaired_task", 4)]


def test_missing_required_column_is_a_schema_mismatch() -> None:
    text = '"Task creation time","Task completion time"\n"2020-04-24 16:19:34","2020-04-24 16:31:02"\n'
    with pytest.raises(IngestError) as caught:
        parse(text)
    assert caught.value.kind == "schema_mismatch" and "Is pickup task" in caught.value.detail


def test_header_only_file_gives_no_jobs() -> None:
    ctx = strict_ctx(wolt.LAYOUT, "wolt", user_tz="UTC")
    batches = list(wolt.parse_courier_tasks(BytesMember("courier_tasks.csv", HEADER.encode()), ctx))
    assert sum(len(b.rows) for b in batches) == 0


def test_whole_sample_gives_back_the_simulated_truth(tmp_path: Path) -> None:
    truth = write_wolt_sample(tmp_path / "wolt", days=10, seed=7)
    data = (tmp_path / "wolt" / "courier_tasks.csv").read_bytes()
    assert data.startswith(HEADER.encode()) and b'"BIC\nYCLE"' in data
    jobs, ctx = parse(data.decode("utf-8"), tz=ZONE)
    want = truth["jobs"]
    assert len(want) > 50 and (want["status"] == "completed").all()
    got = jobs.assign(source_file="courier_tasks.csv")[list(want.columns)]
    got = got.sort_values("source_row").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    assert ctx.issues.issues == []


def test_tasks_sharing_a_creation_time_are_paired_in_file_order() -> None:
    pickup, dropoff = PAIR.splitlines(keepends=True)
    later = dropoff.replace("16:45:10.96", "16:59:00")
    text = HEADER + pickup + pickup.replace("16:31:02.5", "16:33:00") + dropoff + later
    jobs, ctx = parse(text, strict=False)
    assert jobs["source_row"].tolist() == [2, 3]
    assert jobs["picked_up_at"].tolist() == [ts("2020-04-24 16:31:02.5"), ts("2020-04-24 16:33:00")]
    assert jobs["dropped_off_at"].tolist() == [ts("2020-04-24 16:45:10.96"), ts("2020-04-24 16:59:00")]
    found = sorted((i.kind, i.row) for i in ctx.issues.issues)
    assert found == [("shared_creation_time", row) for row in (2, 3, 4, 5)]
