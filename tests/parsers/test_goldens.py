"""Golden tables: every sample export, ingested, compared with diffable CSVs of every table and column.

The goldens are what a reviewer reads to see what a parser change does to real-shaped data. Regenerate
them after a deliberate change with `make goldens` (GIGDATA_UPDATE_GOLDENS=1) and review the diff.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pandas as pd
import pytest

from parsers.ingest import ingest_export
from toolkit import store
from toolkit.samples import SAMPLE_ZONES
from toolkit.schema import TABLES

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_exports"
GOLDEN = ROOT / "tests" / "golden"
UPDATE = os.environ.get("GIGDATA_UPDATE_GOLDENS") == "1"
GPS_ROWS = 300
"""Location tables are long: their golden keeps the first rows only (the round-trip tests check all)."""


def render(frame: pd.DataFrame) -> str:
    """A table as stable CSV text: ISO UTC timestamps, floats as repr, nulls empty."""
    out = frame.drop(columns=["export_id"]).copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        elif pd.api.types.is_float_dtype(out[column]):
            out[column] = out[column].map(lambda v: "" if pd.isna(v) else repr(float(v)))
    buffer = io.StringIO()
    out.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


@pytest.mark.parametrize("folder", sorted(p for p in SAMPLES.iterdir() if p.is_dir()), ids=lambda p: p.name)
def test_sample_ingests_to_its_golden_tables(folder: Path, tmp_path: Path) -> None:
    report = ingest_export(folder, tmp_path / "store", worker="golden", tz=SAMPLE_ZONES.get(folder.name),
                           strict=True)
    assert report.status == "ingested", report.error
    target = GOLDEN / folder.name
    produced = {}
    for table in TABLES:
        frame = store.load_table(tmp_path / "store", table)
        if len(frame):
            produced[f"{table}.csv"] = render(frame.head(GPS_ROWS) if table == "locations" else frame)
    if UPDATE:
        target.mkdir(parents=True, exist_ok=True)
        for stale in target.glob("*.csv"):
            stale.unlink()
        for name, text in produced.items():
            (target / name).write_text(text, encoding="utf-8")
    expected = {p.name: p.read_text(encoding="utf-8") for p in sorted(target.glob("*.csv"))}
    assert sorted(produced) == sorted(expected), "tables produced differ from the goldens' (make goldens)"
    for name, text in produced.items():
        assert text == expected[name], f"{folder.name}/{name} differs from its golden (make goldens, review)"
