"""Downloads are safe to open in a spreadsheet (OWASP CSV injection, security.md §1C C1/C2) and lossless."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pyarrow.parquet as pq
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.exporting import FORMULA_TRIGGERS, export_bytes, to_csv, to_parquet, to_xlsx

PAYLOADS = [
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)",
    '=1+2";=1+2',
    "+41 22 000",
    "-2+3",
    "\tTAB",
    "\rCR",
    "\nLF",
    '=HYPERLINK("http://127.0.0.1/x","y")',
    "plain text",
    "a=b",
]


def _frame() -> pd.DataFrame:
    n = len(PAYLOADS)
    return pd.DataFrame(
        {
            "classification": PAYLOADS,
            "amount": [-2.5] * n,
            "rows": list(range(n)),
            "earned_at": pd.date_range("2026-01-01", periods=n, freq="h", tz="Europe/Paris"),
        }
    )


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_cells_never_start_with_a_formula_trigger() -> None:
    rows = _csv_rows(to_csv(_frame()))
    header, body = rows[0], rows[1:]
    text = header.index("classification")
    for row, payload in zip(body, PAYLOADS, strict=True):
        assert not row[text].startswith(FORMULA_TRIGGERS)
        assert row[text].lstrip("'") == payload  # the content is kept, only made inert
    assert all(row[header.index("amount")] == "-2.5" for row in body)  # numbers stay numbers


def test_csv_quotes_every_field_and_writes_the_offset() -> None:
    data = to_csv(_frame()).decode("utf-8-sig")
    first = data.splitlines()[1]
    assert first.startswith('"') and first.endswith('"')
    assert _csv_rows(to_csv(_frame()))[1][3] == "2026-01-01T00:00:00+01:00"


def test_every_format_gives_the_same_local_times_with_the_zone_in_the_header() -> None:
    """What the pages show, in each download: 1 January 00:00 in Paris, across a summer-time change."""
    frame = pd.DataFrame({"at": pd.to_datetime(["2025-12-31 23:00", "2026-03-29 00:30", "2026-03-29 01:30"],
                                               utc=True), "n": [1, 2, 3]})
    walls = ["2026-01-01 00:00:00", "2026-03-29 01:30:00", "2026-03-29 03:30:00"]
    header = "at (Europe/Paris)"
    csv_rows = _csv_rows(export_bytes(frame, "csv", zone="Europe/Paris"))
    assert csv_rows[0][0] == header
    assert [r[0] for r in csv_rows[1:]] == ["2026-01-01T00:00:00+01:00", "2026-03-29T01:30:00+01:00",
                                             "2026-03-29T03:30:00+02:00"]
    sheet = openpyxl.load_workbook(io.BytesIO(export_bytes(frame, "xlsx", zone="Europe/Paris"))).active
    assert sheet["A1"].value == header
    assert [str(c.value) for c in sheet["A"][1:]] == walls
    back = pq.read_table(io.BytesIO(export_bytes(frame, "parquet", zone="Europe/Paris"))).to_pandas()
    assert list(back.columns) == [header, "n"]
    assert [str(t.tz_localize(None)) for t in back[header]] == walls
    assert (back[header].dt.tz_convert("UTC") == frame["at"]).all()  # the same instants


def test_xlsx_holds_no_formula_cell() -> None:
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(_frame())))
    cells = [cell for row in book.active.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [str(c.value).replace("_x000D_", "\r") for c in book.active["A"][1:]]  # XLSX escapes CR so
    assert texts == PAYLOADS  # strings kept as typed, with no visible apostrophe


def test_parquet_keeps_types_and_values() -> None:
    back = pq.read_table(io.BytesIO(to_parquet(_frame()))).to_pandas()
    assert back["classification"].tolist() == PAYLOADS
    assert back["amount"].dtype == "float64"
    assert back["earned_at"].dt.tz is not None


def test_unknown_format_is_refused() -> None:
    try:
        export_bytes(_frame(), "ods")
    except ValueError as exc:
        assert "ods" in str(exc)
    else:
        raise AssertionError("an unknown format must raise")


@settings(max_examples=200, deadline=None, database=None)
@given(st.sampled_from(FORMULA_TRIGGERS), st.text(max_size=20))
def test_any_trigger_prefixed_text_is_neutralised(trigger: str, rest: str) -> None:
    value = trigger + rest
    rows = _csv_rows(to_csv(pd.DataFrame({"x": [value]})))
    assert rows[1][0] == "'" + value
