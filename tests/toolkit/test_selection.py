"""The read layer: the zone comes from the exports, local days are DST-safe, each table is read once,
the time accounting is computed once per selection, partial periods are marked."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import toolkit.figures as figures_mod
from tests.toolkit.test_metrics import ingest, seg
from toolkit import store as store_mod
from toolkit.metrics import metrics
from toolkit.periods import local_day_span, partial_periods, row_time, rows_in_span
from toolkit.selection import Selection, export_zone


@pytest.mark.parametrize(
    ("zone", "day", "hours", "first_utc"),
    [
        # clocks go forward: a 23-hour day; back: a 25-hour day (tz database rules)
        ("America/Los_Angeles", date(2026, 3, 8), 23, "2026-03-08 08:00:00+00:00"),
        ("America/Los_Angeles", date(2026, 11, 1), 25, "2026-11-01 07:00:00+00:00"),
        ("Europe/Paris", date(2026, 3, 29), 23, "2026-03-28 23:00:00+00:00"),
        ("Europe/Paris", date(2026, 10, 25), 25, "2026-10-24 22:00:00+00:00"),
        ("Australia/Sydney", date(2026, 10, 4), 23, "2026-10-03 14:00:00+00:00"),
        ("Australia/Sydney", date(2026, 4, 5), 25, "2026-04-04 13:00:00+00:00"),
    ],
)
def test_a_local_day_has_the_length_the_clocks_give_it(
    zone: str, day: date, hours: int, first_utc: str
) -> None:
    start, end = local_day_span(day, day, zone)
    assert str(start) == first_utc
    assert (end - start).total_seconds() == hours * 3600


def test_a_midnight_skipped_by_summer_time_starts_the_day_at_the_first_instant_that_exists() -> None:
    # Cuba moves its clocks from 00:00 to 01:00 on the second Sunday of March (2026-03-08): the day
    # starts at 01:00 local (05:00 UTC) and is 23 hours long.
    start, end = local_day_span(date(2026, 3, 8), date(2026, 3, 8), "America/Havana")
    assert str(start) == "2026-03-08 05:00:00+00:00"
    assert (end - start).total_seconds() == 23 * 3600


def test_a_row_happens_at_its_first_known_time_and_undated_rows_belong_to_no_chosen_period() -> None:
    jobs = pd.DataFrame({
        "dropped_off_at": pd.to_datetime([None, "2026-01-05 10:30", None], utc=True),
        "requested_at": pd.to_datetime(["2026-01-05 09:00", "2026-01-05 10:00", None], utc=True),
    })
    assert row_time(jobs, "jobs").isna().tolist() == [False, False, True]
    span = local_day_span(date(2026, 1, 5), date(2026, 1, 5), "UTC")
    assert len(rows_in_span(jobs, "jobs", span)) == 2
    assert len(rows_in_span(jobs, "jobs", span, keep_undated=True)) == 3


def test_periods_reaching_outside_the_data_are_partial() -> None:
    starts = [pd.Timestamp(d, tz="Europe/Paris") for d in ("2026-01-26", "2026-02-02", "2026-02-09")]
    # data from Wednesday 28 January to Sunday 8 February: the first week is partial, the second full,
    # the third holds no covered day at all
    assert partial_periods(starts, "week", (date(2026, 1, 28), date(2026, 2, 8))) == [True, False, True]


def test_the_zone_is_the_one_the_exports_state(tmp_path: Path) -> None:
    ingest(tmp_path, {"status_segments": [seg("waiting", "08:00", "10:00")]}, zone="America/Los_Angeles")
    choice = export_zone(tmp_path, "w1")
    assert (choice.zone, choice.how) == ("America/Los_Angeles", "exports")
    m = metrics(tmp_path, worker="w1")
    assert (m["period"]["zone"], m["period"]["zone_source"]) == ("America/Los_Angeles", "exports")
    # 08:00 UTC on 5 January is 00:00 in Los Angeles: the day is the 5th there
    assert m["period"]["start"] == "2026-01-05"


def test_no_zone_stated_is_utc_and_said(tmp_path: Path) -> None:
    ingest(tmp_path, {"status_segments": [seg("waiting", "08:00", "10:00")]}, zone="UTC")
    m = metrics(tmp_path, worker="w1")
    assert (m["period"]["zone"], m["period"]["zone_source"]) == ("UTC", "none")
    assert any("no export states a time zone" in n for n in m["notes"])


def test_the_zone_can_be_chosen_and_a_wrong_name_is_refused(tmp_path: Path) -> None:
    ingest(tmp_path, {"status_segments": [seg("waiting", "23:00", "23:30")]})
    given = metrics(tmp_path, worker="w1", zone="Asia/Tokyo")
    assert (given["period"]["zone"], given["period"]["zone_source"]) == ("Asia/Tokyo", "given")
    assert given["period"]["start"] == "2026-01-06"  # 23:00 UTC is 08:00 the next day in Tokyo
    with pytest.raises(ValueError, match="not a time zone name"):
        Selection(tmp_path, zone="Mars/Olympus")


def test_each_table_is_read_once_and_time_accounted_once(tmp_path: Path, monkeypatch: Any) -> None:
    ingest(tmp_path, {"status_segments": [seg("waiting", "08:00", "10:00"), seg("on_job", "10:00", "11:00")]})
    reads: list[str] = []
    accounted: list[int] = []
    real_load, real_time = store_mod.load_table, figures_mod.time_accounting

    def counting_load(store: Path, table: str, **kwargs: Any) -> pd.DataFrame:
        reads.append(table)
        return real_load(store, table, **kwargs)

    def counting_time(*args: Any, **kwargs: Any) -> Any:
        accounted.append(1)
        return real_time(*args, **kwargs)

    monkeypatch.setattr("toolkit.selection.load_table", counting_load)
    monkeypatch.setattr(figures_mod, "time_accounting", counting_time)
    sel = Selection(tmp_path, "w1")
    sel.metrics()
    sel.figure("time_by_period", "week")
    sel.figure("pay_by_period", "month")
    sel.with_period(date(2026, 1, 5), date(2026, 1, 5)).metrics()
    assert sorted(reads) == sorted(set(reads))  # no table read twice, even by the other period
    assert len(accounted) == 2  # once per selection


def test_a_partial_last_month_is_marked(tmp_path: Path) -> None:
    february = {**seg("on_job", "10:00", "11:00"), "start_at": "2026-02-02T10:00Z",
                "end_at": "2026-02-02T11:00Z"}
    rows = [seg("waiting", "08:00", "10:00"), february]
    ingest(tmp_path, {"status_segments": rows}, zone="UTC")
    by_month = Selection(tmp_path, "w1", zone="UTC").figure("time_by_period", "month")
    assert by_month["partial"].tolist() == [True, True]  # data from 5 January to 2 February only
    whole = Selection(tmp_path, "w1", start=date(2026, 1, 1), end=date(2026, 2, 28), zone="UTC")
    # the chosen days reach outside the data: still partial, since the data covers only part of each
    assert whole.figure("time_by_period", "month")["partial"].tolist() == [True, True]
    assert whole.covered_days == (date(2026, 1, 5), date(2026, 2, 2))
