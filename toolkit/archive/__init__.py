"""Read a worker's export (a .zip or an unpacked folder) in place, refusing anything hostile up front.

Nothing is ever extracted to disk. `open_export` lists and checks every entry before any file is parsed
(reference/security.md §1A): names that climb out of the export or hide characters, links and device
entries, duplicate names, password protection, entries whose data overlap (the CVE-2024-0450 zip bomb,
which this CPython 3.11.7 does not catch itself), and declared sizes, counts and compression ratios over
the `Limits`. A .zip inside the export is read one level deep, in memory, on the same budgets: its files
are members ("inner.zip/dir/file.csv"), the inner zip itself is not. Members are then read as streams that
count the bytes really produced, because the sizes a zip declares can lie.
Every failure is one `IngestError` whose detail names the entry, never its content.

Modules: `members` (`Limits`, `Member`, `Export` and the byte budgets), `names` (entry names: unsafe names,
collisions), `zipfile_checks` (one zip entry's kind, overlaps, encryption, method and ratio), `scan` (a
zip's listing, nested zips), `folder` (an unpacked folder).

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

import os
from pathlib import Path

from toolkit.archive.folder import _open_folder
from toolkit.archive.members import Export, Limits, Member
from toolkit.archive.scan import _open_zip
from toolkit.archive.zipfile_checks import _starts_like_zip
from toolkit.errors import IngestError

__all__ = ["Export", "Limits", "Member", "open_export"]


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
