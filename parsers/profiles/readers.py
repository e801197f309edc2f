"""Reading a file the way a profile entry describes it: CSV, XLSX or JSON, always as string frames.

Every reader yields frames of strings (null for an empty cell) with a `source_row` column, indexed by it:
- CSV: through `parsers.common.read_csv` (encoding, quoting, `\\N` nulls, malformed rows as issues); when
  the entry names a delimiter that the sniffer would not pick (a header whose names hold commas), the file
  is read with that delimiter instead. `source_row` is the record's line as a spreadsheet shows it.
- XLSX: openpyxl in read-only mode, values not formulas (`data_only`), with defusedxml installed (it
  guards openpyxl's XML parsing against entity bombs, security.md B13); the first sheet or the named one;
  the header is the first row holding the entry's signature columns, else the first of the widest rows
  (titles above the table are skipped). Numbers are written with the entry's decimal separator, dates as
  ISO text. `source_row` is the sheet's row number.
- JSON (`parsers.profiles.jsonfile`): the whole file is a list of records, or `records` is the dotted
  path to one; nested objects become dotted column names (`pickup.lat`). Depth over 64, duplicate keys,
  NaN and oversized files are refused (B11, B12). `source_row` is the record's 1-based position.
A file whose first bytes say it is something else (an XLSX named `.csv`, a CSV named `.xlsx`, a PDF) is
refused as `wrong_type` (B1).

Example:
    >>> from parsers.profiles.model import FileEntry
    >>> class M:
    ...     path, size = "a.json", 42
    ...     def open(self): return io.BytesIO(self.read_bytes())
    ...     def read_bytes(self): return b'{"data": [{"id": 1, "at": {"lat": 48.5}}]}'
    >>> entry = FileEntry(table="jobs", path="a.json", format="json", records="data", decimal=",")
    >>> next(read_frames(M(), entry, ParseContext("x", "y"))).to_dict("records")
    [{'id': '1', 'at.lat': '48,5', 'source_row': 1}]
"""

from __future__ import annotations

import csv
import io
import itertools
import zipfile
import zlib
from collections.abc import Generator, Iterable, Iterator
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.utils.exceptions import InvalidFileException

from parsers.base import Member, ParseContext, check_time
from parsers.common.csvfile import checked_header, clean_header, detect_encoding, read_csv, sniff_delimiter
from parsers.profiles.jsonfile import json_records, value_text
from parsers.profiles.model import FileEntry, normalise
from toolkit.errors import IngestError

CHUNK_ROWS = 200_000
"""Records per frame (a file of more rows is read in several frames)."""
MAX_ROWS = 1_048_576
"""Rows of one sheet read at most (Excel's own limit); a sheet claiming more is refused."""
XLSX_MAX_BYTES = 256 * 2**20
XLSX_MAX_UNPACKED = 512 * 2**20
"""Largest workbook file, and the most its parts may unpack to (a zip bomb inside an XLSX, A4/B13)."""
XLSX_MAX_STRINGS = 64 * 2**20
"""The most a workbook's shared strings may unpack to: openpyxl holds them all in memory at once."""
XLSX_MAX_PARTS = 1_000
"""Parts of one workbook (a worker's spreadsheet has a dozen)."""
HEADER_LOOKAHEAD = 50
"""Rows of a sheet searched for the header (title rows above a table are common in workbooks)."""
_XLSX_ERRORS = (InvalidFileException, zipfile.BadZipFile, zlib.error, KeyError, ValueError, IndexError,
                OSError, EOFError, SyntaxError)
"""What openpyxl raises on a damaged workbook (SyntaxError: ElementTree's ParseError; ValueError: defusedxml's
refusals)."""


def read_frames(member: Member, entry: FileEntry, ctx: ParseContext,
                chunk_rows: int = CHUNK_ROWS) -> Iterator[pd.DataFrame]:
    """The member's records as string frames with `source_row`, read as `entry` says.

    Example:
        >>> class M:
        ...     path, size = "a.csv", 0
        ...     def open(self): return io.BytesIO(b"Dist (km, GPS);Pay\\n1,5;2\\n")
        >>> entry = FileEntry(table="jobs", path="a.csv", delimiter=";")
        >>> next(read_frames(M(), entry, ParseContext("x", "y"))).to_dict("records")
        [{'Dist (km, GPS)': '1,5', 'Pay': '2', 'source_row': 2}]
    """
    _check_kind(member, entry.format)
    if entry.format == "xlsx":
        yield from _xlsx_frames(member, entry, ctx, chunk_rows)
    elif entry.format == "json":
        header, records = json_records(member, entry, ctx)
        for start in range(0, len(records), chunk_rows):
            part = records[start:start + chunk_rows]
            yield _frame(header, [[r.get(n) for n in header] for _, r in part], [i for i, _ in part])
        if not records:
            yield _frame(header, [], [])
    else:
        yield from _csv_frames(member, entry, ctx, chunk_rows)


def read_header(member: Member, entry: FileEntry) -> list[str]:
    """The column names of the member as `entry` would read it (only the header of a CSV or XLSX).

    Example:
        >>> class M:
        ...     path, size = "a.csv", 0
        ...     def open(self): return io.BytesIO(b" a ;b\\n1;2\\n")
        >>> read_header(M(), FileEntry(table="jobs", path="a.csv"))
        ['a', 'b']
    """
    quiet = ParseContext("", "")
    _check_kind(member, entry.format)
    if entry.format == "json":
        return json_records(member, entry, quiet)[0]
    if entry.format == "xlsx":
        head = next(_xlsx_frames(member, entry, quiet, 1, header_only=True), pd.DataFrame())
        return [str(c) for c in head.columns if c != "source_row"]
    encoding = detect_encoding(member, quiet, full=False)
    if encoding is None:
        return []
    delimiter = entry.delimiter or sniff_delimiter(member, encoding)
    with io.TextIOWrapper(member.open(), encoding=encoding, errors="replace", newline="") as text:
        first = next((r for r in csv.reader(text, delimiter=delimiter) if r), [])
    return clean_header(first) if first else []


def file_kind(head: bytes) -> str:
    """What the first bytes of a file say it is: `zip` (XLSX too), `xls`, `pdf`, `json` or `text`.

    Example:
        >>> file_kind(b"PK\\x03\\x04..."), file_kind(b"\\xef\\xbb\\xbf [1]"), file_kind(b"a;b")
        ('zip', 'json', 'text')
    """
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="ignore")
    else:
        text = head.decode("utf-8", errors="ignore")
    return "json" if text.lstrip("\ufeff \t\r\n")[:1] in ("[", "{") else "text"


# ---------------------------------------------------------------------------------------------- private


def _check_kind(member: Member, fmt: str) -> None:
    with member.open() as stream:
        kind = file_kind(stream.read(64))
    expected = {"csv": ("text", "json"), "xlsx": ("zip",), "json": ("json",)}[fmt]
    if kind in expected or (member.size == 0 and fmt != "xlsx"):
        return
    said = {"zip": "a zip archive or XLSX workbook", "xls": "an old Excel .xls workbook (save it as .xlsx)",
            "pdf": "a PDF document", "json": "JSON", "text": "plain text (CSV?)"}[kind]
    raise IngestError("wrong_type", member.path,
                      f"the profile reads this file as {fmt} but its first bytes say it is {said}")


def _csv_frames(member: Member, entry: FileEntry, ctx: ParseContext,
                chunk_rows: int) -> Iterator[pd.DataFrame]:
    yield from read_csv(member, ctx, chunk_rows=chunk_rows, delimiter=entry.delimiter or None)


def _xlsx_frames(member: Member, entry: FileEntry, ctx: ParseContext, chunk_rows: int,
                 header_only: bool = False) -> Iterator[pd.DataFrame]:
    cells = _sheet_rows(member, entry)
    try:
        header, pending = _find_header(cells, entry.signature, member.path)
        if header is None:
            return
        if header_only:
            yield _frame(header, [], [])
            return
        rows: list[list[str | None]] = []
        numbers: list[int] = []
        yielded = False
        for number, values in itertools.chain(pending, cells):
            if any(v is not None for v in values[len(header):]):
                ctx.issue(member.path, "malformed_row", "cells beyond the last header column", row=number)
                continue
            rows.append(values[:len(header)] + [None] * (len(header) - len(values)))
            numbers.append(number)
            if len(rows) >= chunk_rows:
                yield _frame(header, rows, numbers)
                rows, numbers, yielded = [], [], True
        if rows or not yielded:
            yield _frame(header, rows, numbers)
    finally:
        cells.close()


def _sheet_rows(member: Member, entry: FileEntry) -> Generator[tuple[int, list[str | None]], None, None]:
    """The sheet's non-empty rows as text, with their row numbers."""
    book = _workbook(member)
    try:
        sheet = _sheet(book, entry.sheet, member.path)
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS:
                raise IngestError("too_large", member.path, f"the sheet has more than {MAX_ROWS} rows")
            if number % 10_000 == 0:
                check_time(member)
            values = [value_text(c, entry.decimal) for c in cells]
            if any(v is not None for v in values):
                yield number, values
    except _XLSX_ERRORS as exc:
        raise IngestError("unreadable", member.path,
                          f"the workbook cannot be read ({type(exc).__name__})") from exc
    finally:
        book.close()


def _find_header(rows: Iterator[tuple[int, list[str | None]]], signature: list[str],
                 path: str) -> tuple[list[str] | None, list[tuple[int, list[str | None]]]]:
    """The header: the first of the first `HEADER_LOOKAHEAD` rows that holds every column of the entry's
    signature, else the first of them with the most filled cells (title rows above a table are not
    data); and the rows already read after it."""
    wanted = {normalise(name) for name in signature}
    seen: list[tuple[int, list[str | None]]] = []
    for number, values in rows:
        seen.append((number, values))
        names = clean_header([v or "" for v in _trim(values)])
        if wanted and wanted <= {normalise(n) for n in names}:
            return checked_header(names, path), []
        if len(seen) >= HEADER_LOOKAHEAD:
            break
    if not seen:
        return None, []
    widths = [sum(v is not None for v in values) for _, values in seen]
    first = widths.index(max(widths))  # a title above the table fills fewer cells than the header
    return checked_header([v or "" for v in _trim(seen[first][1])], path), seen[first + 1:]


def _workbook(member: Member) -> Any:
    if member.size > XLSX_MAX_BYTES:
        raise IngestError("too_large", member.path, f"the workbook is larger than {XLSX_MAX_BYTES >> 20} MiB")
    data = member.read_bytes()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as parts:
            infos = parts.infolist()
        if len(infos) > XLSX_MAX_PARTS or sum(i.file_size for i in infos) > XLSX_MAX_UNPACKED:
            raise IngestError("too_large", member.path, f"the workbook's parts are more than "
                              f"{XLSX_MAX_PARTS:,} or unpack to more than {XLSX_MAX_UNPACKED >> 20} MiB, far "
                              "more than a worker's spreadsheet")
        strings = sum(i.file_size for i in infos if i.filename.lower().endswith("sharedstrings.xml"))
        if strings > XLSX_MAX_STRINGS:
            raise IngestError("too_large", member.path, f"the workbook's shared strings unpack to more than "
                              f"{XLSX_MAX_STRINGS >> 20} MiB, which would all be held in memory")
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except _XLSX_ERRORS as exc:
        raise IngestError("unreadable", member.path,
                          f"the file is not a readable XLSX workbook ({type(exc).__name__})") from exc


def _sheet(book: Any, name: str, path: str) -> Any:
    if not name:
        return book.worksheets[0]
    if name not in book.sheetnames:
        raise IngestError("schema_mismatch", path, "the workbook has no sheet of the name the profile gives")
    return book[name]


def _trim(values: list[str | None]) -> list[str | None]:
    """Header cells without the empty ones after the last name (a sheet's unused width)."""
    end = len(values)
    while end and values[end - 1] is None:
        end -= 1
    return values[:end]


def _frame(header: list[str], rows: Iterable[list[str | None]], numbers: list[int]) -> pd.DataFrame:
    rows = list(rows)
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in header]
    data = {name: pd.Series(list(values), dtype="str") for name, values in zip(header, columns, strict=True)}
    frame = pd.DataFrame(data, index=pd.RangeIndex(len(rows)))
    frame.index = pd.Index(numbers, dtype="int64")
    frame["source_row"] = np.asarray(numbers, dtype="int64")
    return frame
