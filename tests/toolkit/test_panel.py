"""The researchers' panel: one row per worker × platform × period, each equal to `gigdata metrics` for
that worker, platform and period, on every bundled sample; readable by DuckDB and pandas."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from parsers.ingest import ingest_export
from toolkit.cli import app
from toolkit.metrics import metrics
from toolkit.panel import SKIPPED, build_panel, flatten, write_panel
from toolkit.store import delete_worker, store_lock

SAMPLES = Path(__file__).resolve().parents[2] / "sample_exports"
ZONES = {"uber-portal-2022": "America/Los_Angeles", "uber-sar-2016": "Europe/Zurich",
         "wolt-courier-tasks-2021": "Europe/Helsinki"}


def _same(panel_value: Any, own: Any) -> bool:
    if own is None or (isinstance(own, float) and math.isnan(own)):
        return panel_value is None or pd.isna(panel_value)
    if isinstance(own, bool):
        return bool(panel_value) == own
    if isinstance(own, int | float):
        return panel_value == pytest.approx(float(own), rel=1e-9, abs=1e-12)
    return str(panel_value) == str(own)


@pytest.mark.parametrize("sample", sorted(p.name for p in SAMPLES.iterdir() if p.is_dir()))
def test_every_panel_row_is_gigdata_metrics_for_its_worker_and_month(sample: str, tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert ingest_export(SAMPLES / sample, store, worker="w", tz=ZONES.get(sample)).status == "ingested"
    frame = build_panel(store, "month")
    assert len(frame) >= 1 and set(frame["worker_id"]) == {"w"}
    for _, row in frame.iterrows():
        own = metrics(store, worker="w", platform=row["platform"], start=row["period_start"],
                      end=row["period_end"])
        flat = flatten({k: v for k, v in own.items() if k not in SKIPPED and k != "period"})
        assert row["zone"] == own["period"]["zone"]
        for name, value in flat.items():
            assert _same(row[name], value), (sample, str(row["period_start"]), name, row[name], value)


def test_the_panel_is_written_with_its_dictionary_read_by_duckdb_and_erased_with_a_worker(
        tmp_path: Path) -> None:
    store = tmp_path / "store"
    for name, worker in (("uber-sar-fr-2021", "ana"), ("deliveroo-invoices-en-GB", "ben")):
        assert ingest_export(SAMPLES / name, store, worker=worker).status == "ingested"
    done = CliRunner().invoke(app, ["panel", "--store", str(store), "--freq", "week"])
    assert done.exit_code == 0, done.output
    path = store / "_panel" / "panel_week.parquet"
    words = json.loads((store / "_panel" / "panel_week.dictionary.json").read_text(encoding="utf-8"))
    frame = pd.read_parquet(path)
    assert set(words["columns"]) == set(frame.columns) and words["rows"] == len(frame)
    assert all(words["columns"].values())
    assert set(frame["worker_id"]) == {"ana", "ben"}
    assert (pd.to_datetime(frame["period_start"]).dt.day_of_week == 0).all()  # weeks from Monday
    # a week of the panel is `gigdata metrics` of that week, through the command line too
    row = frame[frame["worker_id"] == "ana"].iloc[1]
    shown = CliRunner().invoke(app, ["metrics", "--store", str(store), "--worker", "ana", "--platform",
                                     row["platform"], "--from", str(row["period_start"]), "--to",
                                     str(row["period_end"]), "--json"])
    own = json.loads(shown.output)
    assert _same(row["time.logged_in_h"], own["time"]["logged_in_h"])
    assert _same(row["pay.per_hour_logged_in"], own["pay"]["per_hour_logged_in"])
    summed = duckdb.sql(f"SELECT worker_id, count(*) AS n, sum(\"pay.gross\") AS gross FROM '{path}' "
                        "GROUP BY 1 ORDER BY 1").fetchall()
    counts = frame["worker_id"].value_counts()
    assert [(w, n) for w, n, _ in summed] == [(w, int(counts[w])) for w in ("ana", "ben")]
    refused = CliRunner(env={"COLUMNS": "200"}).invoke(app, ["panel", "--store", str(store), "--engine",
                                                             "polars"])
    assert refused.exit_code == 2 and "duckdb or spark" in refused.output
    with store_lock(store):
        delete_worker(store, "ben")
    assert not path.exists()  # the panel held ben's figures: it goes with them
    write_panel(store, build_panel(store, "week"), "week")
    assert set(pd.read_parquet(path)["worker_id"]) == {"ana"}
