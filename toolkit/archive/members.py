"""The files of an opened export: `Limits` (the budgets), `Member` (one file, read as a counted stream),
`Export` (the checked whole), and the byte budget every read is charged to.

The sizes a zip declares can lie, so every read counts the bytes really produced: a member that yields more
than it declares, or takes the export past a budget, is refused (`too_large`) while it is being read.

Example:
    >>> Limits().max_member_bytes == 2048 * MIB, _human(3 * MIB)
    (True, '3.0 MiB')
"""

from __future__ import annotations

import hashlib
import io
import lzma
import os
import struct
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, BinaryIO

from toolkit.archive.names import _show
from toolkit.errors import IngestError

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

MIB = 1024**2

# Everything zipfile and the decompressors raise on damaged data (a 2,000-case mutation fuzz of zipfile
# raised seven of these types, security.md §0.8); OverflowError comes from absurd 64-bit offsets.
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, NotImplementedError, ValueError,
                UnicodeDecodeError, RuntimeError, EOFError, OSError, struct.error, OverflowError)


@dataclass(frozen=True)
class Limits:
    """Budgets of one export; an export over any of them is refused (`too_large` or `hostile_archive`).

    Example:
        >>> Limits(max_members=100).max_members
        100
    """

    max_members: int = 10_000
    max_member_bytes: int = 2 * 1024**3      # uncompressed, per member
    max_total_bytes: int = 8 * 1024**3       # uncompressed, whole export (nested zips included)
    max_ratio: float = 1000.0                # uncompressed/compressed per member, for members > 1 MiB
    max_path_bytes: int = 1024
    max_component_bytes: int = 255
    max_depth: int = 16                      # path components
    max_nesting: int = 1                     # a zip inside the export is read (depth 1); deeper -> hostile
    max_read_seconds: float = field(default_factory=lambda: read_seconds())  # reading, from the opening


class Member:
    """One regular file of an export, read as a stream whose real bytes are counted.

    `path` is the posix path inside the export (a member of a nested zip is "inner.zip/dir/file.csv");
    `size` the uncompressed size (declared for zip members, real for folder files).

    Example:
        >>> import pathlib, tempfile
        >>> from toolkit.archive import open_export
        >>> root = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (root / "a.csv").write_bytes(b"x,y\\n")
        >>> with open_export(root) as export:
        ...     m = export.member("a.csv")
        ...     with m.open() as stream:
        ...         (m.size, stream.read(), m.sha256()[:8])
        (4, b'x,y\\n', '9c6536d3')
    """

    def __init__(self, path: str, size: int, opener: Callable[[], IO[bytes]], budget: _Budget) -> None:
        self.path = path
        self.size = size
        self._opener = opener
        self._budget = budget
        self._sha256: str | None = None

    def open(self) -> BinaryIO:
        """A binary stream of the file (not seekable: use `read_bytes` for formats that seek).

        Damaged data raises `corrupt_archive`; bytes past the declared size or a budget, `too_large`.
        """
        if self._budget.closed:
            raise ValueError(f"the export holding {self.path!r} is closed")
        try:
            raw = self._opener()
        except _READ_ERRORS as exc:
            raise _unreadable(self.path, exc) from exc
        return io.BufferedReader(_CountedStream(self, raw), buffer_size=256 * 1024)

    def read_bytes(self) -> bytes:
        """All the file's bytes (bounded by the member budget)."""
        with self.open() as stream:
            return stream.read()

    def sha256(self) -> str:
        """The hex sha256 of the file's bytes, computed once."""
        if self._sha256 is None:
            digest, chunk = hashlib.sha256(), bytearray(MIB)
            view = memoryview(chunk)
            with self.open() as stream:  # read into one reused buffer: no copy, no allocation per chunk
                while size := _read_into(stream, view):
                    digest.update(view[:size])
            self._sha256 = digest.hexdigest()
        return self._sha256

    def check_time(self) -> None:
        """Raise `IngestError` when the export's reading budget (`Limits.max_read_seconds`) is spent:
        for readers that work on bytes already read (a workbook, a document), between rows."""
        self._budget.check_time(self)

    def __repr__(self) -> str:
        return f"Member({self.path!r}, size={self.size})"


class Export:
    """An opened, fully checked export; close it (or use `with`) to release the zip file.

    `sha256` is, for a zip, the sha256 of its bytes; for a folder, the sha256 of the sorted lines
    "relpath\\0sha256(file)\\n". `members` holds regular files only, sorted by path.

    Example:
        >>> import pathlib, tempfile
        >>> from toolkit.archive import open_export
        >>> root = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (root / "a.csv").write_bytes(b"x\\n")
        >>> with open_export(root) as export:
        ...     export.kind, len(export.export_id), [m.path for m in export.members]
        ('folder', 16, ['a.csv'])
    """

    def __init__(self, source: Path, kind: str, sha256: str, members: list[Member],
                 closers: list[Callable[[], None]], budget: _Budget) -> None:
        self.source = source
        self.kind = kind
        self.sha256 = sha256
        self.export_id = sha256[:16]
        self.members = sorted(members, key=lambda m: m.path)
        self._by_path = {m.path: m for m in self.members}
        self._closers = closers
        self._budget = budget

    def member(self, path: str) -> Member:
        """The member at `path`; KeyError if the export has no such file."""
        try:
            return self._by_path[path]
        except KeyError:
            raise KeyError(f"export {self.export_id} has no file {path!r}") from None

    def close(self) -> None:
        """Close the zip file(s); members cannot be opened afterwards."""
        self._budget.closed = True
        while self._closers:
            self._closers.pop()()

    def __enter__(self) -> Export:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


# ---------------------------------------------------------------------------------------------- private


READ_SECONDS = 30.0
"""Seconds of processor time (of this process: the PDF readers have their own budget) an export may be
read for, from its opening, plus one second for every `READ_BYTES_PER_SECOND` of it read: a real export
is read at well over 50 MiB a second (ten million GPS rows, about 700 MiB, take some 17 s of processor
time), while a file built to be slow to read (hundreds of megabytes of blank lines that compress a
thousand times, a stray quote over a large file) is stopped well before a minute has passed. Processor
time rather than wall-clock, so a busy computer does not refuse what a quiet one reads."""
READ_BYTES_PER_SECOND = 40 * 2**20


def read_seconds() -> float:
    """The reading budget of one export: `$GIGDATA_READ_SECONDS` when set (a slow computer), else
    `READ_SECONDS`.

    Example:
        >>> read_seconds() == float(os.environ.get("GIGDATA_READ_SECONDS") or READ_SECONDS)
        True
    """
    given = os.environ.get("GIGDATA_READ_SECONDS", "")
    try:
        return max(1.0, float(given)) if given else READ_SECONDS
    except ValueError:
        return READ_SECONDS


@dataclass
class _Budget:
    """Real bytes produced per member (the most any read produced) and in total, and the time spent."""

    limits: Limits
    counted: dict[str, int] = field(default_factory=dict)
    total: int = 0
    closed: bool = False
    started: float = field(default_factory=time.process_time)

    def check_time(self, member: Member) -> None:
        limits = self.limits
        allowed = limits.max_read_seconds + self.total / READ_BYTES_PER_SECOND
        if time.process_time() - self.started > allowed:
            shown = _show(member.path)
            raise IngestError("too_large", shown, f"reading the export has taken more than "
                              f"{allowed:.0f} seconds of processor time, the limit for one export of "
                              f"this size ({limits.max_read_seconds:.0f} s, and one more for every "
                              f"{READ_BYTES_PER_SECOND >> 20} MiB read), so "
                              f"'{shown}' is not read (on a slow computer, set GIGDATA_READ_SECONDS to "
                              "allow more)")

    def charge(self, member: Member, count: int) -> None:
        shown, limits = _show(member.path), self.limits
        self.check_time(member)
        if count > member.size:
            raise IngestError("too_large", shown, f"the file '{shown}' holds more data than the "
                              f"{_human(member.size)} the export declares for it")
        if count > limits.max_member_bytes:
            raise IngestError("too_large", shown, f"the file '{shown}' is larger than the "
                              f"{_human(limits.max_member_bytes)} limit per file")
        grown = count - self.counted.get(member.path, 0)
        if grown > 0:
            self.counted[member.path] = count
            self.total += grown
            if self.total > limits.max_total_bytes:
                raise IngestError("too_large", shown, f"reading '{shown}' takes the export past the "
                                  f"{_human(limits.max_total_bytes)} limit in total")


class _CountedStream(io.RawIOBase):
    """Counts what the underlying reader really produces and turns its failures into IngestError."""

    def __init__(self, member: Member, raw: IO[bytes]) -> None:
        self._member = member
        self._raw = raw
        self._count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        member = self._member
        try:  # straight into the caller's buffer (a folder file); zip members copy inside zipfile
            size = _read_into(self._raw, view)
        except _READ_ERRORS as exc:
            raise _unreadable(member.path, exc) from exc
        self._count += size
        member._budget.charge(member, self._count)
        if not size and len(view) and self._count < member.size:
            shown = _show(member.path)
            raise IngestError("corrupt_archive", shown, f"the file '{shown}' ends after {self._count} "
                              f"bytes although the export declares {member.size}")
        return size

    def close(self) -> None:
        if not self.closed:
            try:
                self._raw.close()
            finally:
                super().close()


def _read_into(stream: IO[bytes], view: memoryview) -> int:
    """Fill `view` from `stream` as far as one read gives; the stream's own `readinto` when it has one."""
    if isinstance(stream, io.RawIOBase | io.BufferedIOBase):
        return stream.readinto(view) or 0  # None: a non-blocking stream with no data yet, as 0 here
    data = stream.read(len(view))
    view[: len(data)] = data
    return len(data)


def _unreadable(path: str, exc: BaseException) -> IngestError:
    shown = _show(path)
    return IngestError("corrupt_archive", shown, f"the file '{shown}' could not be read, its data is "
                       f"damaged ({type(exc).__name__})")


def _human(size: int) -> str:
    value, unit = float(size), 0
    while value >= 1024 and unit < 4:
        value, unit = value / 1024, unit + 1
    return f"{size} bytes" if unit == 0 else f"{value:.1f} {('KiB', 'MiB', 'GiB', 'TiB')[unit - 1]}"
