"""An unpacked export folder, read in place: its tree is walked without following links, and each file is
opened so that a link or pipe swapped in since the listing is refused, not followed.

The export's sha256 is that of the sorted lines "relpath\\0sha256(file)\\n"; a .zip in the folder is read
as a nested zip (its files are members, the zip itself is not).

Example:
    >>> import pathlib, tempfile
    >>> from toolkit.archive.members import Limits
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (root / "a.csv").write_bytes(b"x\\n")
    >>> export = _open_folder(root, Limits())
    >>> export.kind, [m.path for m in export.members]
    ('folder', ['a.csv'])
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from functools import partial
from pathlib import Path
from typing import IO

from toolkit.archive.members import Export, Limits, Member, _Budget
from toolkit.archive.names import _check_collisions, _check_name, _show
from toolkit.archive.scan import _is_zip_name, _Scan, _scan_nested
from toolkit.errors import IngestError


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
