"""Checks of a zip's entries against what `zipfile` takes on trust (reference/security.md §1A).

Per entry: the file type a Unix-made zip records (links, devices), encryption, compression methods that
cannot be read, the declared compression ratio; across entries: data that overlaps the next entry or the
central directory (CVE-2024-0450), and a local header whose name differs from the directory's.

Example:
    >>> import io, zipfile
    >>> buffer = io.BytesIO()
    >>> with zipfile.ZipFile(buffer, "w") as z:
    ...     z.writestr("a.csv", "x\\n")
    >>> archive = _zipfile(buffer, "export.zip")
    >>> _check_overlaps(archive.infolist(), buffer, archive.start_dir, "")  # no overlap: nothing raised
    >>> [_is_dir(i) for i in archive.infolist()]
    [False]
"""

from __future__ import annotations

import stat
import struct
import zipfile
from pathlib import Path
from typing import IO

from toolkit.archive.members import _READ_ERRORS, MIB, Limits
from toolkit.archive.names import _show
from toolkit.errors import IngestError

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
_AES_METHOD = 99
_FLAG_ENCRYPTED, _FLAG_PATCHED, _FLAG_STRONG_ENCRYPTION, _FLAG_UTF8 = 0x1, 0x20, 0x40, 0x800
_UNIX = 3


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
