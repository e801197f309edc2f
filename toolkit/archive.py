"""Read a worker's export (a .zip or an unpacked folder) in place, refusing anything hostile up front.

Nothing is ever extracted to disk. `open_export` lists and checks every entry before any file is parsed
(reference/security.md §1A): names that climb out of the export or hide characters, links and device
entries, duplicate names, password protection, entries whose data overlap (the CVE-2024-0450 zip bomb,
which this CPython 3.11.7 does not catch itself), and declared sizes, counts and compression ratios over
the `Limits`. A .zip inside the export is read one level deep, in memory, on the same budgets: its files
are members ("inner.zip/dir/file.csv"), the inner zip itself is not. Members are then read as streams that
count the bytes really produced, because the sizes a zip declares can lie.
Every failure is one `IngestError` whose detail names the entry, never its content.

Example:
    >>> import pathlib, tempfile, zipfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "export.zip"
    >>> with zipfile.ZipFile(p, "w") as z:
    ...     z.writestr("Driver/trips.csv", "a,b\\n1,2\\n")
    >>> with open_export(p) as export:
    ...     [m.path for m in export.members], export.member("Driver/trips.csv").read_bytes()
    (['Driver/trips.csv'], b'a,b\\n1,2\\n')
"""

from __future__ import annotations

import errno
import hashlib
import io
import lzma
import os
import re
import stat
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, TYPE_CHECKING, BinaryIO

from toolkit.errors import IngestError

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

MIB = 1024**2

# Everything zipfile and the decompressors raise on damaged data (a 2,000-case mutation fuzz of zipfile
# raised seven of these types, security.md §0.8); OverflowError comes from absurd 64-bit offsets.
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, NotImplementedError, ValueError,
                UnicodeDecodeError, RuntimeError, EOFError, OSError, struct.error, OverflowError)
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
_AES_METHOD = 99
_FLAG_ENCRYPTED, _FLAG_PATCHED, _FLAG_STRONG_ENCRYPTION, _FLAG_UTF8 = 0x1, 0x20, 0x40, 0x800
_UNIX = 3
_DRIVE = re.compile(r"^[A-Za-z]:")


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


class Member:
    """One regular file of an export, read as a stream whose real bytes are counted.

    `path` is the posix path inside the export (a member of a nested zip is "inner.zip/dir/file.csv");
    `size` the uncompressed size (declared for zip members, real for folder files).

    Example:
        >>> import pathlib, tempfile
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
            digest = hashlib.sha256()
            with self.open() as stream:
                while chunk := stream.read(MIB):
                    digest.update(chunk)
            self._sha256 = digest.hexdigest()
        return self._sha256

    def __repr__(self) -> str:
        return f"Member({self.path!r}, size={self.size})"


class Export:
    """An opened, fully checked export; close it (or use `with`) to release the zip file.

    `sha256` is, for a zip, the sha256 of its bytes; for a folder, the sha256 of the sorted lines
    "relpath\\0sha256(file)\\n". `members` holds regular files only, sorted by path.

    Example:
        >>> import pathlib, tempfile
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


def open_export(path: str | os.PathLike[str], limits: Limits | None = None) -> Export:
    """Open a zip or folder export, checking every entry before anything is parsed.

    Raises one `IngestError` (not_found, wrong_type, corrupt_archive, hostile_archive, encrypted,
    too_large) for the whole export.

    Example:
        >>> try:
        ...     open_export("/no/such/export.zip")
        ... except IngestError as e:
        ...     e.kind
        'not_found'
    """
    limits = limits or Limits()
    source = Path(path)
    if not os.path.lexists(source):
        raise IngestError("not_found", source.name, f"there is no file or folder at {source.name}")
    if source.is_dir():
        return _open_folder(source, limits)
    if not source.is_file() or not _starts_like_zip(source):
        raise IngestError("wrong_type", source.name,
                          f"{source.name} is neither a zip archive nor a folder; give the export as "
                          "the platform sent it (a .zip) or as its unpacked folder")
    return _open_zip(source, limits)


# ---------------------------------------------------------------------------------------------- private


@dataclass
class _Budget:
    """Real bytes produced per member (the most any read produced) and in total."""

    limits: Limits
    counted: dict[str, int] = field(default_factory=dict)
    total: int = 0
    closed: bool = False

    def charge(self, member: Member, count: int) -> None:
        shown, limits = _show(member.path), self.limits
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
        try:
            data = self._raw.read(len(view))
        except _READ_ERRORS as exc:
            raise _unreadable(member.path, exc) from exc
        self._count += len(data)
        member._budget.charge(member, self._count)
        if not data and len(view) and self._count < member.size:
            shown = _show(member.path)
            raise IngestError("corrupt_archive", shown, f"the file '{shown}' ends after {self._count} "
                              f"bytes although the export declares {member.size}")
        view[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            try:
                self._raw.close()
            finally:
                super().close()


@dataclass
class _Scan:
    """What `open_export` gathers while checking: members, budgets, files to close."""

    limits: Limits
    source: str
    budget: _Budget
    entries: int = 0
    declared: int = 0
    members: list[Member] = field(default_factory=list)
    closers: list[Callable[[], None]] = field(default_factory=list)

    def count(self, entries: int) -> None:
        self.entries += entries
        if self.entries > self.limits.max_members:
            raise IngestError("too_large", self.source, f"the export '{self.source}' has more than "
                              f"{self.limits.max_members} entries (files and folders, nested zips included)")

    def declare(self, path: str, size: int) -> None:
        shown = _show(path)
        if size > self.limits.max_member_bytes:
            raise IngestError("too_large", shown, f"the file '{shown}' declares {_human(size)}, over the "
                              f"{_human(self.limits.max_member_bytes)} limit per file")
        self.declared += size
        if self.declared > self.limits.max_total_bytes:
            raise IngestError("too_large", shown, f"with '{shown}' the export declares more than the "
                              f"{_human(self.limits.max_total_bytes)} limit in total")

    def close(self) -> None:
        while self.closers:
            self.closers.pop()()


def _open_zip(source: Path, limits: Limits) -> Export:
    fh = open(source, "rb")  # noqa: SIM115 - kept open for the Export's life, closed by Export.close
    scan = _Scan(limits, source.name, _Budget(limits))
    scan.closers.append(fh.close)
    try:
        archive = _zipfile(fh, source.name)
        scan.closers.append(archive.close)
        _scan_zip(archive, fh, "", 0, scan)
        digest = hashlib.sha256()
        fh.seek(0)
        while chunk := fh.read(MIB):
            digest.update(chunk)
    except BaseException:
        scan.close()
        raise
    return Export(source, "zip", digest.hexdigest(), scan.members, scan.closers, scan.budget)


def _scan_zip(archive: zipfile.ZipFile, fh: IO[bytes], prefix: str, depth: int, scan: _Scan) -> None:
    """Check one zip's listing (names, kinds, collisions, overlaps, then readability and sizes)."""
    infos = archive.infolist()
    scan.count(len(infos))
    for info in infos:
        _check_name(info.orig_filename, _is_dir(info), prefix, scan.limits)
        _check_unix_kind(info, prefix + info.orig_filename)
    files = [prefix + i.orig_filename for i in infos if not _is_dir(i)]
    _check_collisions(files, [prefix + i.orig_filename for i in infos if _is_dir(i)])
    _check_overlaps(infos, fh, archive.start_dir, prefix)  # type: ignore[attr-defined]
    containers: list[Member] = []
    for info in infos:
        if _is_dir(info):
            continue
        path = prefix + info.orig_filename
        _check_readable(info, path, scan.limits)
        scan.declare(path, info.file_size)
        member = Member(path, info.file_size, partial(archive.open, info), scan.budget)
        (containers if _is_zip_name(path) else scan.members).append(member)
    for container in containers:
        _scan_nested(container, depth + 1, scan)


def _scan_nested(container: Member, depth: int, scan: _Scan) -> None:
    shown = _show(container.path)
    if depth > scan.limits.max_nesting:
        raise IngestError("hostile_archive", shown, f"the zip '{shown}' is nested {depth} levels deep, "
                          f"over the limit of {scan.limits.max_nesting}")
    buffer = io.BytesIO(container.read_bytes())
    archive = _zipfile(buffer, container.path)
    scan.closers.append(archive.close)
    _scan_zip(archive, buffer, container.path + "/", depth, scan)


def _open_folder(root: Path, limits: Limits) -> Export:
    scan = _Scan(limits, root.name, _Budget(limits))
    files, dirs = _walk_folder(root, scan)
    _check_collisions([rel for rel, _, _ in files], dirs)
    top = []
    for rel, full, size in files:
        member = Member(rel, size, partial(_open_no_follow, full, rel), scan.budget)
        scan.declare(rel, member.size)
        top.append(member)
    try:
        for member in top:
            if _is_zip_name(member.path):
                _scan_nested(member, 1, scan)
            else:
                scan.members.append(member)
        lines = "".join(f"{m.path}\0{m.sha256()}\n" for m in sorted(top, key=lambda m: m.path))
    except BaseException:
        scan.close()
        raise
    digest = hashlib.sha256(lines.encode("utf-8")).hexdigest()
    return Export(root, "folder", digest, scan.members, scan.closers, scan.budget)


def _walk_folder(root: Path, scan: _Scan) -> tuple[list[tuple[str, str, int]], list[str]]:
    """Every regular file (relpath, full path, size) and folder of the tree; links, devices: hostile."""
    files: list[tuple[str, str, int]] = []
    dirs: list[str] = []
    pending = [("", str(root))]
    while pending:
        rel_dir, full_dir = pending.pop()
        try:
            with os.scandir(full_dir) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            shown = _show(rel_dir) or root.name
            raise IngestError("corrupt_archive", shown, f"the folder '{shown}' could not be listed "
                              f"({type(exc).__name__})") from exc
        scan.count(len(entries))
        for entry in entries:
            rel = rel_dir + entry.name
            shown = _show(rel)
            if entry.is_symlink():
                raise IngestError("hostile_archive", shown, f"'{shown}' is a symbolic link, which an "
                                  "export never contains")
            is_dir = entry.is_dir(follow_symlinks=False)
            if not is_dir and not entry.is_file(follow_symlinks=False):
                raise IngestError("hostile_archive", shown, f"'{shown}' is a device, pipe or socket, "
                                  "not a regular file")
            _check_name(rel + ("/" if is_dir else ""), is_dir, "", scan.limits)
            if is_dir:
                dirs.append(rel)
                pending.append((rel + "/", entry.path))
            else:
                files.append((rel, entry.path, entry.stat(follow_symlinks=False).st_size))
    return files, dirs


def _open_no_follow(full: str, rel: str) -> IO[bytes]:
    """Open a folder file without following a link swapped in since the listing (nor blocking on a pipe)."""
    shown = _show(rel)
    try:
        fd = os.open(full, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise IngestError("hostile_archive", shown, f"'{shown}' became a symbolic link") from exc
        raise
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise IngestError("hostile_archive", shown, f"'{shown}' is no longer a regular file")
    return os.fdopen(fd, "rb", buffering=0)


def _check_name(name: str, is_dir: bool, prefix: str, limits: Limits) -> None:
    """Refuse (never fix) a name that is absolute, climbs out, hides characters or is too long."""
    problem = _name_problem(name, is_dir, limits)
    if problem is None and prefix:
        problem = _name_problem(prefix + name, is_dir, limits)
    if problem is not None:
        shown = _show(prefix + name)
        raise IngestError("hostile_archive", shown, f"the entry '{shown}' {problem}, so the export is "
                          "refused as unsafe")


def _name_problem(name: str, is_dir: bool, limits: Limits) -> str | None:
    if name in ("", "/"):
        return "has an empty name"
    if "\0" in name:
        return "contains a NUL character"
    if any(unicodedata.category(c) == "Cc" for c in name):
        return "contains control characters"
    if "\\" in name:
        return "contains a backslash"
    if name.startswith("/"):
        return "is an absolute path"
    if _DRIVE.match(name):
        return "starts with a drive letter"
    try:
        size = len(name.encode("utf-8"))
    except UnicodeEncodeError:
        return "is not valid UTF-8 text"
    parts = (name[:-1] if is_dir and name.endswith("/") else name).split("/")
    if ".." in parts:
        return "climbs out of its folder with '..'"
    if "" in parts or "." in parts:
        return "has an empty or '.' path component"
    if size > limits.max_path_bytes:
        return f"is longer than {limits.max_path_bytes} bytes"
    if any(len(p.encode("utf-8")) > limits.max_component_bytes for p in parts):
        return f"has a component longer than {limits.max_component_bytes} bytes"
    if len(parts) > limits.max_depth:
        return f"has more than {limits.max_depth} path components"
    return None


def _check_unix_kind(info: zipfile.ZipInfo, path: str) -> None:
    """Unix-made zips carry the file type in external_attr: only regular files and folders pass."""
    if info.create_system != _UNIX:
        return
    kind = stat.S_IFMT(info.external_attr >> 16)
    shown = _show(path)
    if kind == stat.S_IFLNK:
        raise IngestError("hostile_archive", shown, f"the entry '{shown}' is a symbolic link, which an "
                          "export never contains")
    if kind == stat.S_IFDIR and not _is_dir(info):
        raise IngestError("hostile_archive", shown, f"the entry '{shown}' is marked as a folder but "
                          "named as a file")
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise IngestError("hostile_archive", shown, f"the entry '{shown}' is a device, pipe or socket, "
                          "not a regular file")


def _check_collisions(files: list[str], dirs: list[str]) -> None:
    """Two names equal once case and Unicode form are ignored, or a name both file and folder."""
    folders = {_fold(d.rstrip("/")): d for d in dirs}
    for path in files:
        parts = path.split("/")
        folders.update({_fold("/".join(parts[:i])): "/".join(parts[:i]) for i in range(1, len(parts))})
    seen: dict[str, str] = {}
    for path in files:
        key, shown = _fold(path), _show(path)
        if key in seen:
            raise IngestError("hostile_archive", shown, f"the entries '{_show(seen[key])}' and '{shown}' "
                              "have the same name once letter case and Unicode forms are ignored")
        if key in folders:
            raise IngestError("hostile_archive", shown, f"the entry '{shown}' is both a file and a folder")
        seen[key] = path


def _check_overlaps(infos: list[zipfile.ZipInfo], fh: IO[bytes], start_dir: int, prefix: str) -> None:
    """CVE-2024-0450: each entry's local header and data must end before the next entry's."""
    ordered = sorted(infos, key=lambda i: i.header_offset)
    for index, info in enumerate(ordered):
        last = index + 1 == len(ordered)
        limit = start_dir if last else ordered[index + 1].header_offset
        if _data_end(info, fh, prefix) > limit:
            shown = _show(prefix + info.orig_filename)
            following = "" if last else _show(prefix + ordered[index + 1].orig_filename)
            what = "the zip's central directory" if last else f"the entry '{following}'"
            raise IngestError("hostile_archive", shown, f"the data of the entry '{shown}' overlaps {what}, "
                              "the layout of a zip bomb")


def _data_end(info: zipfile.ZipInfo, fh: IO[bytes], prefix: str) -> int:
    """Offset just past the entry's compressed data, from its real local header."""
    shown = _show(prefix + info.orig_filename)
    try:
        fh.seek(info.header_offset)
        head = fh.read(30)
        if len(head) != 30 or head[:4] != b"PK\x03\x04":
            raise zipfile.BadZipFile("no local header")
        (flags,) = struct.unpack_from("<H", head, 6)
        name_len, extra_len = struct.unpack_from("<HH", head, 26)
        name = fh.read(name_len).decode("utf-8" if flags & _FLAG_UTF8 else "cp437")
    except _READ_ERRORS as exc:
        raise IngestError("corrupt_archive", shown, f"the entry '{shown}' has no readable local header "
                          f"where the zip's directory points ({type(exc).__name__})") from exc
    if name != info.orig_filename:
        raise IngestError("hostile_archive", shown, f"the entry '{shown}' carries a different name in its "
                          "local header, a trick to hide files")
    return int(info.header_offset) + 30 + name_len + extra_len + info.compress_size


def _check_readable(info: zipfile.ZipInfo, path: str, limits: Limits) -> None:
    """Password protection, compression methods we cannot read, and declared ratio."""
    shown = _show(path)
    if info.flag_bits & (_FLAG_ENCRYPTED | _FLAG_STRONG_ENCRYPTION) or info.compress_type == _AES_METHOD:
        raise IngestError("encrypted", shown, f"the export is password-protected (the file '{shown}' is "
                          "encrypted); unzip it with its password and give the unpacked folder")
    if info.compress_type not in _METHODS or info.flag_bits & _FLAG_PATCHED:
        raise IngestError("corrupt_archive", shown, f"the file '{shown}' uses a compression method "
                          f"({info.compress_type}) that cannot be read; zip the export again")
    if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
        raise IngestError("corrupt_archive", shown, f"the file '{shown}' is stored uncompressed but "
                          "declares two different sizes")
    if info.file_size > MIB and info.file_size > limits.max_ratio * info.compress_size:
        raise IngestError("too_large", shown, f"the file '{shown}' would expand more than "
                          f"{limits.max_ratio:.0f} times, the mark of a zip bomb")


def _zipfile(fileobj: IO[bytes], path: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(fileobj)
    except _READ_ERRORS as exc:
        shown = _show(path)
        raise IngestError("corrupt_archive", shown, f"'{shown}' is a damaged zip archive and cannot be "
                          f"listed ({type(exc).__name__})") from exc


def _starts_like_zip(source: Path) -> bool:
    with open(source, "rb") as fh:
        return fh.read(4) in _ZIP_MAGIC


def _is_dir(info: zipfile.ZipInfo) -> bool:
    return info.orig_filename.endswith("/")  # ZipInfo.is_dir() fails on an empty name


def _is_zip_name(path: str) -> bool:
    return path.lower().endswith(".zip")


def _unreadable(path: str, exc: BaseException) -> IngestError:
    shown = _show(path)
    return IngestError("corrupt_archive", shown, f"the file '{shown}' could not be read, its data is "
                       f"damaged ({type(exc).__name__})")


def _fold(path: str) -> str:
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", path).casefold())


def _show(name: str, width: int = 160) -> str:
    """A name safe to print: invisible characters escaped, long names cut."""
    shown = "".join(c if c.isprintable() else ascii(c)[1:-1] for c in name)
    return shown if len(shown) <= width else shown[: width - 1] + "…"


def _human(size: int) -> str:
    value, unit = float(size), 0
    while value >= 1024 and unit < 4:
        value, unit = value / 1024, unit + 1
    return f"{size} bytes" if unit == 0 else f"{value:.1f} {('KiB', 'MiB', 'GiB', 'TiB')[unit - 1]}"
