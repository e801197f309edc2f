"""Value helpers: numbers, booleans, 0/0, variants, issue caps, `extra` JSON, finishing a batch."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa
import pytest

from parsers.common import (
    ISSUE_LIMIT,
    extra_json,
    finish,
    json_objects,
    null_island,
    pick_variant,
    report_rows,
    require,
    to_bool,
    to_float,
    to_int,
)
from tests.parsers.conftest import lenient_ctx, strict_ctx
from toolkit.errors import IngestError, StrictIssueError
from toolkit.schema import body_columns


def test_numbers_and_their_issues() -> None:
    ctx = lenient_ctx()
    values = pd.Series(["1.5", "-2", None, "12,50"], index=[2, 3, 4, 5], name="amount_local")
    assert to_float(values, ctx, "p.csv").tolist()[:2] == [1.5, -2.0]
    assert [(i.kind, i.row, i.column) for i in ctx.issues.issues] == [("bad_number", 5, "amount_local")]
    counts = pd.Series(["21", "3.0", "2.5"], index=[2, 3, 4], name="dispatches")
    assert to_int(counts, lenient_ctx(), "d.csv").tolist() == [21, 3, pd.NA]
    with pytest.raises(StrictIssueError):
        to_int(counts, strict_ctx(), "d.csv")


def test_booleans_any_case() -> None:
    values = pd.Series(["true", "FALSE", None, "True"], name="Is Driver Online?")
    assert to_bool(values, strict_ctx(), "a.csv").tolist() == [True, False, pd.NA, True]


def test_zero_zero_is_no_position() -> None:
    lat, lon = null_island(pd.Series([0.0, 46.2, 0.0]), pd.Series([0.0, 6.1, 7.0]))
    assert lat.isna().tolist() == [True, False, False] and lon.isna().tolist() == [True, False, False]


def test_unknown_header_names_the_missing_columns() -> None:
    with pytest.raises(IngestError) as caught:
        pick_variant(
            "19a - Driver Payments.csv",
            ["nothing", "we", "know"],
            {"a": ("amount_local", "classification"), "b": ("Local Amount", "Classification")},
        )
    assert caught.value.kind == "schema_mismatch"
    assert "amount_local" in caught.value.detail and "classification" in caught.value.detail


def test_issues_beyond_the_limit_are_counted_in_one() -> None:
    ctx = lenient_ctx()
    report_rows(ctx, "f.csv", "bad_number", "not a number", range(2, ISSUE_LIMIT + 52), column="x")
    assert len(ctx.issues.issues) == ISSUE_LIMIT + 1
    assert ctx.issues.issues[-1].row is None and "50 more rows" in ctx.issues.issues[-1].detail


def test_require_drops_rows_and_reports_empty_sources() -> None:
    ctx = lenient_ctx()
    frame = pd.DataFrame({"five_star_rating": ["5", None, "x"]}, index=[2, 3, 4])
    out = pd.DataFrame({"rating": [5.0, None, None]}, index=[2, 3, 4])
    kept = require(out, frame, ctx, "r.csv", {"rating": "five_star_rating"})
    assert kept.index.tolist() == [2]
    assert [(i.kind, i.row) for i in ctx.issues.issues] == [("missing_value", 3)]  # row 4: reported on parse


def test_extra_keeps_unknown_columns_and_omits_nulls() -> None:
    frame = pd.DataFrame(
        {
            "status": ["completed", "completed", "completed"],
            "flow": ["Black", None, None],
            "new column 2030": ['quote " and \\ backslash', None, "line\nbreak\ttab\x01ctl"],
            "source_row": [2, 3, 4],
        }
    )
    extra = extra_json(frame, ["status"])
    assert json.loads(extra.iloc[0]) == {"flow": "Black", "new column 2030": 'quote " and \\ backslash'}
    assert extra.iloc[1] is None
    assert json.loads(extra.iloc[2]) == {"new column 2030": "line\nbreak\ttab\x01ctl"}
    assert extra_json(frame, ["status", "flow", "new column 2030"]).isna().all()


def test_json_objects_on_arrow_arrays() -> None:
    out = json_objects(["a", "b"], [pa.array(["1", None, None]), pa.array(["é", "2", None])], 3)
    assert [None if v is None else json.loads(v) for v in out.to_pylist()] == [
        {"a": "1", "b": "é"},
        {"b": "2"},
        None,
    ]


def test_finish_orders_columns_and_adds_missing_ones() -> None:
    out = finish(pd.DataFrame({"extra": [None], "rating": [4.0], "source_row": [7]}), "ratings")
    assert list(out.columns) == body_columns("ratings") + ["source_row", "extra"]
    assert out["rated_at"].isna().all()
    arrow = finish(
        pa.table({"rating": [4.0], "source_row": [7], "extra": pa.nulls(1, pa.string())}), "ratings"
    )
    assert arrow.column_names == body_columns("ratings") + ["source_row", "extra"]


def test_direct_identifiers_never_reach_extra() -> None:
    frame = pd.DataFrame({"IP Address": ["192.0.2.1"], "license_plate": ["AA-000-AA"],
                          "vehicle_uuids": ['["v"]'], "Speed (GPS)": ["3.5"], "source_row": [2]})
    assert json.loads(extra_json(frame, []).iloc[0]) == {"Speed (GPS)": "3.5"}
