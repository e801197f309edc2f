"""The store's manifests and its upkeep: reading manifests, checking every file against them, erasing a
worker.

A manifest (`<store>/_exports/<export_id>.json`) lists each published file with its row count and sha256;
`verify` reports files no manifest lists (a crash before the manifest), listed files missing, corrupted or
with another schema, and leftover temp files.

Example:
    >>> import tempfile
    >>> store = Path(tempfile.mkdtemp())
    >>> (store / EXPORTS_DIR).mkdir()
    >>> _ = (store / EXPORTS_DIR / "e1.json").write_text("[]", encoding="utf-8")
    >>> verify(store)
    ['_exports/e1.json: unreadable manifest (ValueError)']
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from toolkit.schema import TABLES
from toolkit.store.paths import EXPORTS_DIR, _check_name, _files, _fsync_dir, _read_json, _sha256


def load_manifest(store: Path, export_id: str) -> dict[str, Any] | None:
    """The manifest of one export, or None when the store does not hold it.

    Example:
        >>> load_manifest(Path("/nonexistent-store"), "0123456789abcdef") is None
        True
    """
    _check_name(export_id, "export_id")
    path = store / EXPORTS_DIR / f"{export_id}.json"
    if not path.exists():
        return None
    return _read_json(path)


def list_manifests(store: Path) -> list[dict[str, Any]]:
    """Every export's manifest, oldest first (by `written_at`).

    Example:
        >>> list_manifests(Path("/nonexistent-store"))
        []
    """
    manifests = [_read_json(p) for p in sorted((store / EXPORTS_DIR).glob("[!.]*.json"))]
    return sorted(manifests, key=lambda m: (str(m.get("written_at", "")), str(m.get("export_id", ""))))


def verify(store: Path) -> list[str]:
    """Integrity problems: orphan or missing files, checksum or row-count mismatches, temp leftovers.

    Example:
        >>> verify(Path("/nonexistent-store"))
        []
    """
    problems: list[str] = []
    listed: set[Path] = set()
    for path in sorted((store / EXPORTS_DIR).glob("[!.]*.json")):
        try:
            manifest = _read_json(path)
        except ValueError as exc:
            problems.append(f"{path.relative_to(store)}: unreadable manifest ({type(exc).__name__})")
            continue
        for table, entry in sorted(manifest.get("tables", {}).items()):
            if entry.get("file"):
                listed.add(store / entry["file"])
                problems += _check_file(store, path.name, table, entry)
    for table in TABLES:
        problems += [f"{p.relative_to(store)}: not listed in any manifest (orphan)"
                     for p in _files(store, table) if p not in listed]
    problems += [f"{p.relative_to(store)}: leftover temporary file" for p in sorted(store.rglob("*.tmp"))
                 if p.is_file()]
    return problems


def delete_worker(store: Path, worker: str) -> int:
    """Erase a worker: their Parquet files, temp files and manifests, their access requests, and the
    researchers' panel (which holds every worker's figures; `gigdata panel` makes it again). Use inside
    `store_lock`.

    Returns the number of files and request records removed.

    Example:
        >>> delete_worker(Path("/nonexistent-store"), "w1")
        0
    """
    _check_name(worker, "worker_id")
    removed = 0
    for table in TABLES:
        for directory in sorted(store.glob(f"{table}/platform=*/worker_id={worker}")):
            for path in sorted(directory.iterdir()):
                path.unlink()
                removed += 1
            directory.rmdir()
            _fsync_dir(directory.parent)
    for path in sorted((store / EXPORTS_DIR).glob("[!.]*.json")):
        if _read_json(path).get("worker_id") == worker:
            path.unlink()
            removed += 1
    if (store / EXPORTS_DIR).is_dir():
        _fsync_dir(store / EXPORTS_DIR)
    for path in sorted((store / "_panel").glob("*")):  # derived from every worker: made again on demand
        if path.is_file():
            path.unlink()
            removed += 1
    from toolkit.access.tracker import forget_worker  # the access requests go with the data

    return removed + forget_worker(store, worker)


# ---------------------------------------------------------------------------------------------- private


def _check_file(store: Path, manifest: str, table: str, entry: dict[str, Any]) -> list[str]:
    path = store / entry["file"]
    if not path.exists():
        return [f"{entry['file']}: listed in {EXPORTS_DIR}/{manifest} but missing"]
    if _sha256(path) != entry.get("sha256"):
        return [f"{entry['file']}: sha256 differs from {EXPORTS_DIR}/{manifest} (corrupted or replaced)"]
    try:
        meta = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        return [f"{entry['file']}: unreadable Parquet ({type(exc).__name__})"]
    problems = []
    if meta.metadata.num_rows != entry.get("rows"):
        problems.append(f"{entry['file']}: footer row count differs from {EXPORTS_DIR}/{manifest}")
    if not meta.schema_arrow.equals(TABLES[table]):
        problems.append(f"{entry['file']}: schema differs from toolkit.schema.TABLES[{table!r}]")
    return problems
