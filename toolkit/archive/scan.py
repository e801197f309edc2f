"""Listing an export's zip (and the zips inside it) entry by entry, before any file is read.

`_Scan` gathers what `open_export` learns while checking (members, entry count, declared bytes, files to
close) and refuses an export over the `Limits`; `_open_zip` checks a top-level zip, `_scan_nested` a zip
found inside the export (read in memory, one level deep, on the same budgets).

Example:
    >>> import pathlib, tempfile, zipfile
    >>> from toolkit.archive.members import Limits
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "export.zip"
    >>> with zipfile.ZipFile(p, "w") as z:
    ...     z.writestr("inner.zip", b"")
    >>> try:
    ...     _open_zip(p, Limits())
    ... except IngestError as e:
    ...     e.kind
    'corrupt_archive'
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO

from toolkit.archive.members import MIB, Export, Limits, Member, _Budget, _human
from toolkit.archive.names import _check_collisions, _check_name, _show
from toolkit.archive.zipfile_checks import (
    _check_overlaps,
    _check_readable,
    _check_unix_kind,
    _is_dir,
    _zipfile,
)
from toolkit.errors import IngestError


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


def _is_zip_name(path: str) -> bool:
    return path.lower().endswith(".zip")
