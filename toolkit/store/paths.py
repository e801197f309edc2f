"""Where the store is and how its files are named and made durable.

The store's directory and its writer lock; the names a store accepts (export, platform and worker ids
become directory and file names, so only a safe ASCII alphabet passes); the partition directories and the
files in them; manifests written atomically (temp file, fsync, rename, fsync of the directory) and read
back; and the quoting of names and paths in DuckDB SQL.

Example:
    >>> _partition_dir(Path("s"), "jobs", "uber", "w1").as_posix()
    's/jobs/platform=uber/worker_id=w1'
    >>> _literal("it's"), _ident('a"b')
    ("'it''s'", '"a""b"')
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from toolkit.schema import TABLES

EXPORTS_DIR = "_exports"
SPILL_DIR = ".spill.tmp"
"""Where DuckDB spills while deduplicating (a `*.tmp` name, so `verify` reports it after a crash)."""

_SAFE_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}")


def default_store() -> Path:
    """The store directory: `$GIGDATA_STORE`, or `./gigdata-store`.

    Example:
        >>> default_store().name in {"gigdata-store", Path(os.environ.get("GIGDATA_STORE", "x")).name}
        True
    """
    return Path(os.environ.get("GIGDATA_STORE") or "gigdata-store")


@contextmanager
def store_lock(store: Path) -> Iterator[None]:
    """Hold an exclusive lock on the store (creating it) so only one process writes at a time.

    Every writer stages its files under this lock, so a temporary file found on taking it was left by a
    process that was killed: it is removed first (`sweep_leftovers`), and `gigdata verify` stays clean.

    Example:
        >>> import tempfile
        >>> with store_lock(Path(tempfile.mkdtemp()) / "s"):
        ...     pass
    """
    store.mkdir(parents=True, exist_ok=True)
    fd = os.open(store / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # another command writes: say so once, then wait for its turn
            sys.stderr.write(f"gigdata: another gigdata command is writing to the store {store.name}; "
                             "waiting for it to finish (nothing is lost by waiting).\n")
            sys.stderr.flush()
            fcntl.flock(fd, fcntl.LOCK_EX)
        sweep_leftovers(store)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def sweep_leftovers(store: Path) -> list[Path]:
    """Remove the temporary files (`*.tmp`) a killed writer left in `store`; the paths removed. Call it
    only while holding the store's lock (no live writer then has a temporary file).

    Example:
        >>> import tempfile
        >>> s = Path(tempfile.mkdtemp())
        >>> _ = (s / "jobs").mkdir(), (s / "jobs" / ".e1.abc.parquet.tmp").write_bytes(b"x")
        >>> [p.name for p in sweep_leftovers(s)]
        ['.e1.abc.parquet.tmp']
    """
    removed = []
    for path in sorted(store.rglob("*.tmp"), key=lambda p: len(p.parts), reverse=True):
        if path.is_symlink() or path.is_file():
            path.unlink(missing_ok=True)
        elif path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            continue
        removed.append(path)
    return removed


# ---------------------------------------------------------------------------------------------- private


def is_valid_name(name: str) -> bool:
    """Whether `name` can name a worker or platform in the store (a safe path component).

    Example:
        >>> is_valid_name("member-017"), is_valid_name("José Ramos")
        (True, False)
    """
    return isinstance(name, str) and _SAFE_NAME.fullmatch(name) is not None


def _check_name(name: str, what: str) -> None:
    if not isinstance(name, str) or not _SAFE_NAME.fullmatch(name):
        raise ValueError(f"{what} must be 1-64 ASCII letters, digits, '-', '_' or '.', not starting "
                         "with a dot")


def _partition_dir(store: Path, table: str, platform: str, worker: str) -> Path:
    return store / table / f"platform={platform}" / f"worker_id={worker}"


def _partition_value(directory: Path) -> str:
    return directory.name.split("=", 1)[1]


def _files(store: Path, table: str, platform: str | None = None, worker: str | None = None) -> list[Path]:
    for name, what in ((platform, "platform"), (worker, "worker_id")):
        if name is not None:
            _check_name(name, what)
    pattern = f"platform={platform or '*'}/worker_id={worker or '*'}/[!.]*.parquet"
    return sorted((store / table).glob(pattern))


def _export_files(store: Path, name: str) -> list[Path]:
    found = [p for t in TABLES for p in (store / t).glob(f"platform=*/worker_id=*/{name}")]
    return sorted(found + list((store / EXPORTS_DIR).glob(name)))


def _write_json_atomically(directory: Path, export_id: str, content: dict[str, Any]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    temp = directory / f".{export_id}.{uuid.uuid4().hex}.json.tmp"
    try:
        with open(temp, "w", encoding="utf-8") as handle:
            json.dump(content, handle, indent=2, ensure_ascii=False)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, directory / f"{export_id}.json")
    finally:
        temp.unlink(missing_ok=True)
    _fsync_dir(directory)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path.name}: not a readable manifest ({type(exc).__name__})") from exc
    if not isinstance(content, dict):
        raise ValueError(f"{path.name}: not a readable manifest (not a JSON object)")
    return content


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
