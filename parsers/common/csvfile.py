"""Reading one CSV member of an export as string frames, whatever its dialect.

Exports arrive as CSV files written by many hands: `;` in Uber's 2021 French response, `,` elsewhere,
`\\N` or empty for null, CRLF or LF, sometimes a BOM, quoted values holding newlines (Wolt's
`"BIC\\nYCLE"`), rarely a non-UTF-8 encoding. `read_csv` reads them all as strings with `source_row` =
the row number a spreadsheet shows (header = 1); the frames are indexed by that row number too, so the
helpers of `parsers.common` can name the row and column of a bad value without quoting it.

Example:
    >>> class M:
    ...     path, size = "a.csv", 0
    ...     def open(self): return io.BytesIO(b"x;y\\r\\n1;\\\\N\\r\\n")
    >>> next(read_csv(M(), ParseContext("uber", "test"))).to_dict("records")
    [{'x': '1', 'y': nan, 'source_row': 2}]
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd

from parsers.base import Member, ParseContext
from toolkit.errors import IngestError

NULL_TOKENS = ("", "\\N")
DELIMITERS = (",", ";", "\t", "|")
_SNIFF_CHARS = 64 * 1024
MAX_COLUMNS = 2_000
"""More columns than any export file has (Uber's widest, the lifetime trips, has about 80): a header past
this is refused before a row is read, since every column costs memory in every row."""
FRAME_CELLS = 1_000_000
"""Cells held in Python strings at a time by `read_csv` (a wide file gets fewer rows per frame), so
memory stays about a hundred MiB per frame whatever the file's width."""


def read_csv(member: Member, ctx: ParseContext, chunk_rows: int | None = None,
             delimiter: str | None = None) -> Iterator[pd.DataFrame]:
    """Yield the member's records as string frames (None for null), with a `source_row` column.

    The delimiter is sniffed per file unless `delimiter` is given (a mapping profile may state it); rows
    with the wrong number of fields become `malformed_row` issues and are skipped; a 0-byte file yields
    nothing, a header-only file one empty frame.

    Example:
        >>> class M:
        ...     path, size = "a.csv", 0
        ...     def open(self): return io.BytesIO(b'\\xef\\xbb\\xbf "a" ,b\\n1,\\\\N\\n')
        >>> next(read_csv(M(), ParseContext("x", "y"))).to_dict("records")
        [{'a': '1', 'b': nan, 'source_row': 2}]
    """
    encoding = detect_encoding(member, ctx)
    if encoding is None:
        return
    delimiter = delimiter or sniff_delimiter(member, encoding)
    with io.TextIOWrapper(member.open(), encoding=encoding, newline="") as text:
        try:
            yield from _frames(csv.reader(text, delimiter=delimiter), member.path, ctx, chunk_rows)
        except UnicodeDecodeError as exc:
            raise IngestError("unreadable", member.path,
                              f"the file cannot be decoded as {encoding} ({type(exc).__name__})") from exc


def detect_encoding(member: Member, ctx: ParseContext, full: bool = True) -> str | None:
    """The encoding to read `member` with (None for a 0-byte file): BOM, then UTF-8, then cp1252.

    UTF-8 is checked over the whole file (`full`) or its first MiB; falling back to cp1252 is an issue.

    Example:
        >>> class M:
        ...     path, size = "a.csv", 0
        ...     def open(self): return io.BytesIO("é".encode("utf-16"))
        >>> detect_encoding(M(), ParseContext("x", "y"))
        'utf-16'
    """
    with member.open() as stream:
        head = stream.read(1 << 20)
        if not head:
            return None
        if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            return "utf-16"
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            decoder.decode(head)
            while full and (chunk := stream.read(1 << 20)):
                decoder.decode(chunk)
            decoder.decode(b"", final=full)
        except UnicodeDecodeError:
            ctx.issue(member.path, "encoding", "the file is not UTF-8; it was read as Windows-1252")
            return "cp1252"
    return "utf-8-sig"


def sniff_delimiter(member: Member, encoding: str) -> str:
    """The delimiter among `, ; TAB |` that gives the header the most fields, consistently over the
    first lines (`,` when none gives more than one field).

    Example:
        >>> class M:
        ...     path, size = "a.csv", 0
        ...     def open(self): return io.BytesIO(b"a;b,c;d\\n1;2,5;3\\n")
        >>> sniff_delimiter(M(), "utf-8")
        ';'
    """
    with io.TextIOWrapper(member.open(), encoding=encoding, errors="replace", newline="") as text:
        sample = text.read(_SNIFF_CHARS)
        truncated = bool(text.read(1))
    best, best_width = ",", 1
    for delimiter in DELIMITERS:
        records = [r for r in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter) if r]
        if truncated and len(records) > 1:
            records = records[:-1]
        if not records:
            continue
        width = len(records[0])
        agree = [len(r) == width for r in records[1:]]
        if width > best_width and (not agree or sum(agree) >= len(agree) / 2):
            best, best_width = delimiter, width
    return best


def header_cells(member: Member) -> list[str] | None:
    """The cleaned header of a CSV member (its first non-empty record, with the delimiter that splits it
    most), or None when the file is empty or binary: what recognising a file by its columns needs, read
    from the file's first 64 KiB only.

    Example:
        >>> class M:
        ...     path, size = "Table 1.csv", 0
        ...     def open(self): return io.BytesIO(b"\\xef\\xbb\\xbf\\r\\nstatus;request_time\\r\\nx;y\\r\\n")
        >>> header_cells(M())
        ['status', 'request_time']
    """
    with member.open() as stream:
        head = stream.read(_SNIFF_CHARS)
    utf16 = head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    if not head or (b"\x00" in head and not utf16):
        return None
    text = head.decode("utf-16" if utf16 else "utf-8-sig", errors="replace")
    if "\ufffd" in text and not utf16:  # not UTF-8: read_csv falls back to Windows-1252 likewise
        text = head.decode("cp1252", errors="replace")
    first = next((line for line in text.splitlines() if line.strip()), None)
    if first is None:
        return None
    cells = max((next(csv.reader([first], delimiter=d)) for d in DELIMITERS), key=len)
    return clean_header(cells)


def clean_header(cells: Sequence[str]) -> list[str]:
    """Header cells without surrounding spaces and quotes; an empty cell becomes `column_N`.

    Example:
        >>> clean_header([' "Local Amount" ', "'x'", ""])
        ['Local Amount', 'x', 'column_3']
    """
    names = [c.strip().strip("\"'").strip() for c in cells]
    return [name or f"column_{i + 1}" for i, name in enumerate(names)]


def _frames(reader: Iterator[list[str]], file: str, ctx: ParseContext,
            chunk_rows: int | None) -> Iterator[pd.DataFrame]:
    header: list[str] | None = None
    rows: list[list[str]] = []
    numbers: list[int] = []
    yielded = False
    row_no = 0
    while True:
        row_no += 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            ctx.issue(file, "malformed_row", f"the row cannot be read as CSV ({type(exc).__name__})",
                      row=row_no)
            continue
        if header is None:
            if record:
                header = checked_header(record, file)
                chunk_rows = max(1, min(chunk_rows or FRAME_CELLS, FRAME_CELLS // len(header)))
            continue
        if not record:
            continue
        if len(record) != len(header):
            ctx.issue(file, "malformed_row", f"{len(record)} fields where the header has {len(header)}",
                      row=row_no)
            continue
        rows.append(record)
        numbers.append(row_no)
        if chunk_rows and len(rows) >= chunk_rows:
            yield _frame(header, rows, numbers)
            rows, numbers, yielded = [], [], True
    if header is not None and (rows or not yielded):
        yield _frame(header, rows, numbers)


def _frame(header: list[str], rows: list[list[str]], numbers: list[int]) -> pd.DataFrame:
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in header]
    data = {name: pd.Series(values, dtype="str") for name, values in zip(header, columns, strict=True)}
    frame = pd.DataFrame(data, index=pd.RangeIndex(len(rows)))
    frame = frame.mask(frame.isin(NULL_TOKENS))
    frame.index = pd.Index(numbers, dtype="int64")
    frame["source_row"] = np.asarray(numbers, dtype="int64")
    return frame


def checked_header(cells: Sequence[str], file: str, unique: bool = True) -> list[str]:
    """The cleaned header of a file about to be read: refused when it has more columns than
    `MAX_COLUMNS` or a column twice.

    Example:
        >>> checked_header([" a", "b "], "x.csv")
        ['a', 'b']
        >>> checked_header(["c"] * 3, "x.csv")
        Traceback (most recent call last):
        toolkit.errors.IngestError: x.csv: the column c appears twice in the header [schema_mismatch]
    """
    if len(cells) > MAX_COLUMNS:
        raise IngestError("too_large", file, f"the header has {len(cells):,} columns, more than the "
                          f"{MAX_COLUMNS:,} a file of an export can have; it is not read")
    header = clean_header(cells)
    if unique:
        _check_unique(header, file)
    return header


def _check_unique(header: list[str], file: str) -> None:
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise IngestError("schema_mismatch", file, f"the column {name} appears twice in the header")
        seen.add(name)
