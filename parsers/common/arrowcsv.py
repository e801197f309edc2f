"""Reading a CSV member of millions of rows as Arrow string batches, in flat memory.

pyarrow's own streaming reader (`pyarrow.csv.open_csv`, pyarrow 26) reads ahead the whole input in the
background, so its memory grows with the file (measured: a 255 MB file held ~300 MB before the first
batch was used). Here the bytes are cut into pieces of `PIECE_BYTES` that end on a record boundary (a
newline outside quotes), and each piece is parsed by pyarrow's CSV reader on one thread, all columns as
strings (but the caller's `numbers`, as float64 where they all are) with `\\N` and empty as null. Rows
with the wrong number of fields are skipped by pyarrow without saying where they were; `_RowNumbers`
finds them (a plain-Python reading of the file, only once one was skipped), records each as a
`malformed_row` issue and gives every kept row its `source_row` (header = 1).

Example:
    >>> class M:
    ...     path, size = "gps.csv", 0
    ...     def open(self): return io.BytesIO(b"lat,lng\\n46.2,6.1\\n1\\n\\\\N,6.2\\n")
    >>> header, blocks = read_csv_arrow(M(), ParseContext("uber", "t"))
    >>> [(b.to_pydict(), rows.tolist()) for b, rows in blocks]
    [({'lat': ['46.2', None], 'lng': ['6.1', '6.2']}, [2, 4])]
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Collection, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from parsers.base import Member, ParseContext
from parsers.common.csvfile import checked_header, detect_encoding, sniff_delimiter
from toolkit.errors import IngestError

PIECE_BYTES = 8 * 1024**2
"""Bytes parsed at a time (the next piece is parsed while one is used); memory is a small multiple of
this, whatever the file's size."""
BLOCK_BYTES = 2 * 1024**2
"""Bytes of a piece per batch. A piece is parsed on one thread (`use_threads=False`): it runs beside the
thread that converts the previous piece and the one that writes Parquet, and on two cores pyarrow's own
parallel parse cost twice the CPU for the same wall time (measured: 2.9 against 1.5 CPU-s for 10M rows)."""
_MAX_CARRY = 8
"""A piece that finds no record end outside quotes within this many pieces is cut at its last newline
(a stray quote must not pull the whole file into memory; misparsed rows then become issues)."""


def read_csv_arrow(member: Member, ctx: ParseContext, numbers: Collection[str] = ()) -> tuple[
        list[str], Iterator[tuple[pa.RecordBatch, np.ndarray]]]:
    """The member's cleaned header, and its records as (string batch, source rows) pairs.

    The header is read first so the caller can check it before any row is parsed; an empty file gives
    no header and no batch. The columns named in `numbers` are read as float64 (by pyarrow's CSV reader,
    beside the caller, without building their strings) in every piece where all their values are numbers
    (blanks trimmed); a piece where one is not comes all in strings, so the caller can report the value
    where it is. A caller casting such a column to float64 again gets the same values at no cost.

    Example:
        >>> class M:
        ...     path, size = "a.csv", 0
        ...     def open(self): return io.BytesIO(b"a;b\\r\\n1;2\\r\\n")
        >>> header, blocks = read_csv_arrow(M(), ParseContext("x", "y"))
        >>> header, [rows.tolist() for _, rows in blocks]
        (['a', 'b'], [[2]])
        >>> class N:
        ...     path, size = "n.csv", 0
        ...     def open(self): return io.BytesIO(b"a,b,c\\n1.5, 2,x\\n")
        >>> [b.schema.types for b, _ in read_csv_arrow(N(), ParseContext("x", "y"), numbers=["a", "b"])[1]]
        [[DataType(double), DataType(double), DataType(string)]]
        >>> class O:
        ...     path, size = "o.csv", 0
        ...     def open(self): return io.BytesIO(b"a,b\\n1.5,2\\nnone,3\\n")
        >>> [b.to_pydict() for b, _ in read_csv_arrow(O(), ParseContext("x", "y"), numbers=["a"])[1]]
        [{'a': ['1.5', 'none'], 'b': ['2', '3']}]
    """
    encoding = detect_encoding(member, ctx, full=False)
    if encoding is None:
        return [], iter(())
    delimiter = sniff_delimiter(member, encoding)
    try:
        with io.TextIOWrapper(member.open(), encoding=encoding, newline="") as text:
            first = next(csv.reader(text, delimiter=delimiter), [])
    except (UnicodeDecodeError, csv.Error) as exc:
        raise IngestError("unreadable", member.path, f"the header of the file cannot be read as {encoding} "
                          f"text ({type(exc).__name__})") from exc
    header = checked_header(first, member.path, unique=False) if first else []
    if not header:
        return [], iter(())
    return header, _batches(member, ctx, header, encoding, delimiter, [n for n in header if n in numbers])


def _batches(member: Member, ctx: ParseContext, header: list[str], encoding: str, delimiter: str,
             numbers: list[str]) -> Iterator[tuple[pa.RecordBatch, np.ndarray]]:
    rows = _RowNumbers(member, ctx, encoding, delimiter, len(header))
    parse = pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False,
                               invalid_row_handler=rows.on_invalid)
    unquoted = pacsv.ParseOptions(delimiter=delimiter, ignore_empty_lines=False,  # no quote: a newline
                                  invalid_row_handler=rows.on_invalid)  # always ends a record (cheaper)
    convert = pacsv.ConvertOptions(column_types=dict.fromkeys(header, pa.string()), null_values=["\\N", ""],
                                   strings_can_be_null=True, quoted_strings_can_be_null=True)
    typed = pacsv.ConvertOptions(column_types=convert.column_types | dict.fromkeys(numbers, pa.float64()),
                                 null_values=["\\N", ""], strings_can_be_null=True,
                                 quoted_strings_can_be_null=True)
    with member.open() as raw, rows, ThreadPoolExecutor(max_workers=1) as ahead:
        pieces = enumerate(_pieces(_utf8_reader(raw, encoding)))

        def parse_next() -> pa.Table | None:  # runs in `ahead`, one piece at a time, in order
            index, (piece, quoted) = next(pieces, (-1, (memoryview(b""), False)))
            if index < 0:
                return None
            options = pacsv.ReadOptions(column_names=header, skip_rows=1 if index == 0 else 0,
                                        block_size=BLOCK_BYTES, use_threads=False)
            source = pa.BufferReader(piece)
            parsing = parse if quoted else unquoted
            if numbers:
                skipped = rows.skipped
                try:
                    return pacsv.read_csv(source, read_options=options, parse_options=parsing,
                                          convert_options=typed)
                except (pa.ArrowInvalid, UnicodeDecodeError):  # not all numbers (or damaged): as strings
                    rows.unplaced -= rows.skipped - skipped  # the rows skipped again are counted again
                    rows.skipped = skipped
                    source = pa.BufferReader(piece)
            try:
                return pacsv.read_csv(source, read_options=options, parse_options=parsing,
                                      convert_options=convert)
            except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
                raise IngestError("unreadable", member.path, f"the file cannot be read after row "
                                  f"{rows.next - 1} ({type(exc).__name__})") from exc

        upcoming = ahead.submit(parse_next)
        while (table := upcoming.result()) is not None:
            upcoming = ahead.submit(parse_next)  # the next piece is parsed while this one is used
            for batch in table.to_batches():
                yield batch, rows.take(batch.num_rows)


def _utf8_reader(raw: Any, encoding: str) -> Callable[[int], bytes]:
    """A `read(n)` giving UTF-8 bytes whatever the file's encoding (and without a UTF-8 BOM)."""
    if encoding in ("utf-8-sig", "utf-8"):
        started = False

        def read_utf8(n: int) -> bytes:
            nonlocal started
            data: bytes = raw.read(n)
            if not started:
                started = True
                data = data.removeprefix(codecs.BOM_UTF8)
            return data
        return read_utf8
    text = io.TextIOWrapper(raw, encoding=encoding, newline="")
    return lambda n: text.read(n // 2).encode("utf-8")


def _pieces(read: Callable[[int], bytes]) -> Iterator[tuple[memoryview, bool]]:
    """Pieces ending on a record boundary (views, not copies), each with whether it holds a quote."""
    carry = b""
    waited = 0
    while data := read(PIECE_BYTES):
        buffer = carry + data
        quoted = b'"' in buffer
        cut = _record_end(buffer, careful=quoted and waited < _MAX_CARRY)
        if cut <= 0:
            carry, waited = buffer, waited + 1
            continue
        yield memoryview(buffer)[:cut], quoted
        carry, waited = buffer[cut:], 0
    if carry:
        yield memoryview(carry), b'"' in carry


def _record_end(buffer: bytes, careful: bool = True) -> int:
    """Just after the last newline that is outside quotes (the buffer starts on a record boundary)."""
    position = buffer.rfind(b"\n")
    if not careful or position < 0 or buffer.count(b'"', 0, position) % 2 == 0:
        return position + 1
    # the last newline is inside quotes: find the last one with an even number of quotes before it, in
    # one pass (walking back newline by newline and counting again each time is quadratic: a stray quote
    # near the top of a large piece took minutes)
    codes = np.frombuffer(buffer, dtype=np.uint8)
    odd = np.bitwise_xor.accumulate((codes == ord('"')).view(np.uint8))  # quotes so far, odd or even
    newlines = np.flatnonzero(codes == ord("\n"))
    outside = newlines[odd[newlines] == 0]  # a newline is not a quote: its parity is the one before it
    return int(outside[-1]) + 1 if len(outside) else 0


class _RowNumbers:
    """The source rows of the records pyarrow keeps (header = row 1).

    Until pyarrow skips a row, kept rows are numbered in sequence; afterwards a second, plain-Python
    reading of the file finds where the skipped rows were (and records them as issues), for as long as
    some are unplaced.
    """

    def __init__(self, member: Member, ctx: ParseContext, encoding: str, delimiter: str, width: int) -> None:
        self.member, self.ctx, self.width = member, ctx, width
        self.encoding, self.delimiter = encoding, delimiter
        self.next = 2
        self.unplaced = 0
        self.skipped = 0  # rows pyarrow skipped, in all (a piece read twice: set back)
        self._side: Iterator[list[str]] | None = None
        self._text: io.TextIOWrapper | None = None
        self._side_at = 2

    def __enter__(self) -> _RowNumbers:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._text is not None:
            self._text.close()

    def on_invalid(self, row: Any) -> str:
        self.unplaced += 1
        self.skipped += 1
        return "skip"

    def take(self, n: int) -> np.ndarray:
        if not self.unplaced:
            out = np.arange(self.next, self.next + n, dtype=np.int64)
            self.next += n
            return out
        return self._locate(n)

    def _locate(self, n: int) -> np.ndarray:
        side = self._open_side()
        kept: list[int] = []
        while len(kept) < n:
            try:
                record = next(side, None)
            except csv.Error:  # e.g. a field over the csv module's size limit, which pyarrow kept
                record = []
            if record is None:
                break
            number = self._side_at
            self._side_at += 1
            if number < self.next:
                continue
            if record and len(record) != self.width:
                self.unplaced -= 1
                self.ctx.issue(self.member.path, "malformed_row",
                               f"{len(record)} fields where the header has {self.width}", row=number)
            else:
                kept.append(number)
        self.next = self._side_at
        return np.asarray(kept, dtype=np.int64)

    def _open_side(self) -> Iterator[list[str]]:
        if self._side is None:
            self._text = io.TextIOWrapper(self.member.open(), encoding=self.encoding, newline="")
            self._side = csv.reader(self._text, delimiter=self.delimiter)
            next(self._side, None)  # the header
        return self._side
