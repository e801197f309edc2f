"""Downloads of the worker's tables as CSV, XLSX and Parquet, safe to open in a spreadsheet.

A text cell that starts with `=`, `+`, `-`, `@`, a tab, a carriage return or a line feed is run as a
formula by spreadsheet programs (OWASP "CSV injection"; security.md §1C C1/C2). The platform writes these
files, not the worker, and a cell may have been crafted. So:
- CSV: every text cell starting with one of those characters gets a leading `'`, every field is quoted
  (`csv.QUOTE_ALL`, inner quotes doubled); numeric columns stay numeric so `-2.5` is not mangled;
- XLSX: every string is written as a string cell (XlsxWriter `strings_to_formulas=False`,
  `strings_to_urls=False`), never prefixed (the `'` would show);
- Parquet: typed columns, no formulas exist.
Times are the local times the pages show, in every format alike, and each time column's name carries the
zone (`start_at (Europe/Paris)`): ISO 8601 with the UTC offset in CSV, zone-aware timestamps in Parquet,
the local wall time in XLSX (Excel has no zones: the header says which).

Example:
    >>> import pandas as pd
    >>> print(to_csv(pd.DataFrame({"note": ["=1+2"], "amount": [-2.5]})).decode("utf-8-sig").strip())
    "note","amount"
    "'=1+2","-2.5"
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
"""First characters that make a spreadsheet read a cell as a formula."""
FORMATS = ("csv", "xlsx", "parquet")
MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
}
XLSX_MAX_ROWS = 1_048_575
"""Rows an XLSX sheet holds below its header (Excel's limit)."""


def to_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV (with BOM, so spreadsheet programs read accents) with formula triggers neutralised.

    Example:
        >>> to_csv(pd.DataFrame({"a": ["@SUM(1)", "ok"]})).decode("utf-8-sig").splitlines()
        ['"a"', '"\\'@SUM(1)"', '"ok"']
    """
    safe = _text_safe(frame)
    buffer = io.StringIO()
    safe.to_csv(
        buffer, index=False, quoting=csv.QUOTE_ALL, lineterminator="\n", date_format="%Y-%m-%dT%H:%M:%S%z"
    )
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(frame: pd.DataFrame, sheet: str = "data") -> bytes:
    """An XLSX workbook whose strings are all string cells (no formula, no hyperlink), one sheet.

    Raises ValueError when the frame has more rows than a sheet holds (use CSV or Parquet then).

    Example:
        >>> to_xlsx(pd.DataFrame({"a": ["=1+2"]}))[:2]
        b'PK'
    """
    return to_xlsx_sheets({sheet: frame})


def to_xlsx_sheets(sheets: dict[str, pd.DataFrame]) -> bytes:
    """An XLSX workbook of several sheets (names cut to Excel's 31 characters), strings kept as strings.

    Example:
        >>> import openpyxl
        >>> book = openpyxl.load_workbook(io.BytesIO(to_xlsx_sheets({"a": pd.DataFrame({"x": ["=1"]}),
        ...                                                          "b": pd.DataFrame({"y": [2]})})))
        >>> book.sheetnames, book["a"]["A2"].value, book["a"]["A2"].data_type
        (['a', 'b'], '=1', 's')
    """
    options: dict[str, Any] = {
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    }
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        for sheet, frame in sheets.items():
            if len(frame) > XLSX_MAX_ROWS:
                raise ValueError(f"{len(frame)} rows do not fit in one XLSX sheet ({XLSX_MAX_ROWS} at most)")
            out = frame.copy()
            for column in out.columns:
                series = out[column]
                if isinstance(series.dtype, pd.DatetimeTZDtype):  # local wall time; the header names the zone
                    out[column] = series.dt.tz_localize(None)
                elif _is_text(series):
                    out[column] = series.astype(object).where(series.notna(), None)
            out.to_excel(writer, sheet_name=sheet[:31], index=False)
    return buffer.getvalue()


def to_parquet(frame: pd.DataFrame) -> bytes:
    """A Parquet file (zstd) of the frame, types kept.

    Example:
        >>> import pyarrow.parquet as pq
        >>> pq.read_table(io.BytesIO(to_parquet(pd.DataFrame({"a": [1]})))).num_rows
        1
    """
    table = pa.Table.from_pandas(frame, preserve_index=False)
    buffer = io.BytesIO()
    pq.write_table(table.replace_schema_metadata(None), buffer, compression="zstd")
    return buffer.getvalue()


def export_bytes(frame: pd.DataFrame, fmt: str, sheet: str = "data", zone: str = "UTC") -> bytes:
    """The frame in one of `FORMATS`, its times in `zone` (`local_times`).

    Example:
        >>> export_bytes(pd.DataFrame({"a": [1]}), "csv")[:3] == b"\\xef\\xbb\\xbf"
        True
    """
    frame = local_times(frame, zone)
    if fmt == "csv":
        return to_csv(frame)
    if fmt == "xlsx":
        return to_xlsx(frame, sheet)
    if fmt == "parquet":
        return to_parquet(frame)
    raise ValueError(f"unknown export format {fmt!r}; known: {FORMATS}")


def local_times(frame: pd.DataFrame, zone: str) -> pd.DataFrame:
    """Every zone-aware time column converted to `zone`, its name followed by the zone.

    Example:
        >>> t = pd.DataFrame({"at": pd.to_datetime(["2026-01-05 09:00"], utc=True)})
        >>> local_times(t, "Europe/Paris").to_dict("list")
        {'at (Europe/Paris)': [Timestamp('2026-01-05 10:00:00+0100', tz='Europe/Paris')]}
    """
    out = frame.copy()
    renamed = {}
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].dt.tz_convert(zone)
            renamed[column] = f"{column} ({zone})"
    return out.rename(columns=renamed)


def neutralise(value: Any) -> Any:
    """A text value made inert for spreadsheets (a leading `'` before a formula trigger); others as is.

    Example:
        >>> neutralise("=HYPERLINK(1)"), neutralise("-2"), neutralise(-2), neutralise("ok")
        ("'=HYPERLINK(1)", "'-2", -2, 'ok')
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _text_safe(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if isinstance(series.dtype, pd.DatetimeTZDtype):  # ISO 8601 with the offset of that moment
            out[column] = series.map(lambda t: t.isoformat(), na_action="ignore")
        elif _is_text(series):
            out[column] = series.map(neutralise, na_action="ignore")
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def _is_text(series: pd.Series) -> bool:
    return pd.api.types.is_string_dtype(series.dtype) or series.dtype == object


def write_whole(path: Path, data: bytes) -> None:
    """Write `data` to `path` whole or not at all (a temporary file beside it, then a rename).

    Example:
        >>> import tempfile
        >>> target = Path(tempfile.mkdtemp()) / "a.bin"
        >>> write_whole(target, b"x"); target.read_bytes()
        b'x'
    """
    temp = path.with_name(f".{path.name}.tmp")
    try:
        temp.write_bytes(data)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
