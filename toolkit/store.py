"""The Parquet store: atomic, idempotent writes of exports and the readers over them.

Layout (DESIGN.md, "Store"): `<store>/<table>/platform=<p>/worker_id=<w>/<export_id>.parquet`, zstd, with
exactly the schema `toolkit.schema.TABLES[table]`; one manifest per export at
`<store>/_exports/<export_id>.json`. Parquet files are not transactional (security.md D1), so a file is
staged as a hidden `.<export_id>.<uuid>.parquet.tmp` in its final directory, fsynced, renamed over its
deterministic final name and the directory fsynced; the manifest is written last. A crash leaves at worst
temp files and files no manifest lists yet; `verify` reports them and re-ingesting the export converges.

Two exports of one worker overlap (Jan-Jun, then Jan-Dec): each (natural key, occurrence number) is kept
once per platform and worker, so two equal payment lines of one export stay two lines.

Example:
    >>> import tempfile
    >>> store = Path(tempfile.mkdtemp())
    >>> with store_lock(store), ExportWriter(store, "0123456789abcdef", "uber", "w1") as writer:
    ...     writer.commit({"source": "example"})
    {}
    >>> [m["export_id"] for m in list_manifests(store)]
    ['0123456789abcdef']
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import json
import os
import re
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from toolkit.schema import NATURAL_KEYS, TABLES, conform

EXPORTS_DIR = "_exports"
SPILL_DIR = ".spill.tmp"
"""Where DuckDB spills while deduplicating (a `*.tmp` name, so `verify` reports it after a crash)."""
BUFFER_ROWS = 128_000
"""Rows gathered before a Parquet row group is written (callers may write many small batches)."""
DEDUPE_MEMORY = "500MB"
"""DuckDB's memory while deduplicating; beyond it DuckDB spills to disk (10M against 10M rows: ~45 s)."""
SORT_ORDER = ["worker_id", "platform", "export_id", "source_file", "source_row"]

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

    Example:
        >>> import tempfile
        >>> with store_lock(Path(tempfile.mkdtemp()) / "s"):
        ...     pass
    """
    store.mkdir(parents=True, exist_ok=True)
    fd = os.open(store / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


class ExportWriter:
    """Stages one export's tables and publishes them atomically. Use inside `store_lock`.

    Example:
        >>> import tempfile
        >>> store = Path(tempfile.mkdtemp())
        >>> with store_lock(store), ExportWriter(store, "e1", "uber", "w1") as writer:
        ...     writer.write("jobs", TABLES["jobs"].empty_table())
        ...     writer.commit({})
        {'jobs': {'rows': 0, 'duplicates_dropped': 0}}
    """

    def __init__(self, store: Path, export_id: str, platform: str, worker_id: str) -> None:
        for what, name in (("export_id", export_id), ("platform", platform), ("worker_id", worker_id)):
            _check_name(name, what)
        self.store, self.export_id, self.platform, self.worker_id = store, export_id, platform, worker_id
        self._temps: dict[str, Path] = {}
        self._writers: dict[str, pq.ParquetWriter] = {}
        self._pending: dict[str, list[pa.Table]] = {}
        self._done = False

    def write(self, table: str, batch: pa.Table) -> None:
        """Append a conformed batch (exact schema, this export's provenance) to the table's temp file."""
        if self._done:
            raise RuntimeError(f"export {self.export_id}: writer already committed or aborted")
        if table not in TABLES:
            raise KeyError(f"unknown table {table!r}")
        if not batch.schema.equals(TABLES[table]):
            raise ValueError(f"{table}: batch schema differs from toolkit.schema.TABLES[{table!r}]")
        for column, expected in (("export_id", self.export_id), ("platform", self.platform),
                                 ("worker_id", self.worker_id)):
            if batch.num_rows and pc.any(pc.not_equal(batch.column(column), expected)).as_py():
                raise ValueError(f"{table}.{column}: rows of another {column} than this writer's")
        if table not in self._temps:
            directory = _partition_dir(self.store, table, self.platform, self.worker_id)
            directory.mkdir(parents=True, exist_ok=True)
            self._temps[table] = directory / f".{self.export_id}.{uuid.uuid4().hex}.parquet.tmp"
            self._writers[table] = _parquet_writer(self._temps[table], table)
            self._pending[table] = []
        self._pending[table].append(batch.replace_schema_metadata(None))
        if sum(b.num_rows for b in self._pending[table]) >= BUFFER_ROWS:
            self._flush(table)

    def commit(self, manifest: dict[str, Any]) -> dict[str, dict[str, int]]:
        """Deduplicate against the worker's other exports, publish the files, then write the manifest."""
        if self._done:
            raise RuntimeError(f"export {self.export_id}: writer already committed or aborted")
        full = self._full_manifest(manifest)
        try:
            for table in list(self._writers):
                self._flush(table)
                self._writers.pop(table).close()
                _fsync_file(self._temps[table])
            with ExitStack() as stack:  # one DuckDB connection, opened only if some table needs it
                duck = functools.cache(lambda: stack.enter_context(_duck(self.store)))
                staged = {t: self._deduplicate(t, temp, duck) for t, temp in list(self._temps.items())}
        except BaseException:
            self.abort()
            raise
        self._done = True
        full["tables"] = self._publish(staged)
        _write_json_atomically(self.store / EXPORTS_DIR, self.export_id, full)
        return {t: {"rows": e["rows"], "duplicates_dropped": e["duplicates_dropped"]}
                for t, e in full["tables"].items()}

    def abort(self) -> None:
        """Remove every temp file of this writer; nothing visible in the store changes."""
        self._done = True
        for writer in self._writers.values():
            writer.close()
        self._writers.clear()
        for temp in self._temps.values():
            temp.unlink(missing_ok=True)
        self._temps.clear()

    def __enter__(self) -> ExportWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if not self._done or kind is not None:
            self.abort()

    def _flush(self, table: str) -> None:
        if self._pending[table]:
            self._writers[table].write_table(pa.concat_tables(self._pending[table]))
            self._pending[table] = []

    def _full_manifest(self, manifest: dict[str, Any]) -> dict[str, Any]:
        full = dict(manifest)
        for key in ("tables", "written_at"):
            if key in full:
                raise ValueError(f"manifest key {key!r} is written by the store, not by the caller")
        for key, value in (("export_id", self.export_id), ("platform", self.platform),
                           ("worker_id", self.worker_id)):
            if full.setdefault(key, value) != value:
                raise ValueError(f"manifest {key} differs from the writer's")
        full["written_at"] = datetime.now(UTC).isoformat()
        json.dumps(full)  # not JSON-ready is a bug: fail before anything is published
        return full

    def _deduplicate(self, table: str, temp: Path,
                     duck: Callable[[], duckdb.DuckDBPyConnection]) -> tuple[Path | None, int, int]:
        """(temp file holding the kept rows or None, kept rows, duplicates dropped)."""
        total = pq.ParquetFile(temp).metadata.num_rows
        own = f"{self.export_id}.parquet"
        others = sorted(p for p in temp.parent.glob("*.parquet") if p.name != own)
        if not others or total == 0:
            return (temp if total else None), total, 0
        keep = _dedupe_sql(table, temp, others)
        kept = duck().sql(f"SELECT count(*) FROM ({keep})").fetchall()[0][0]
        if kept == total:
            return temp, total, 0
        out = temp.parent / f".{self.export_id}.{uuid.uuid4().hex}.parquet.tmp"
        self._temps[f"{table}#deduplicated"] = out  # so abort() also removes it
        if kept:
            _write_query(duck(), keep, out, table)
        temp.unlink()
        return (out if kept else None), kept, total - kept

    def _publish(self, staged: dict[str, tuple[Path | None, int, int]]) -> dict[str, dict[str, Any]]:
        entries: dict[str, dict[str, Any]] = {}
        published: set[Path] = set()
        for table, (temp, kept, dropped) in staged.items():
            directory = _partition_dir(self.store, table, self.platform, self.worker_id)
            final = directory / f"{self.export_id}.parquet"
            entry: dict[str, Any] = {"rows": kept, "duplicates_dropped": dropped, "file": None,
                                    "sha256": None}
            if temp is not None:
                entry["sha256"] = _sha256(temp)
                os.replace(temp, final)
                _fsync_dir(final.parent)
                entry["file"] = final.relative_to(self.store).as_posix()
                published.add(final)
            entries[table] = entry
        self._temps.clear()
        for stale in _export_files(self.store, f"{self.export_id}.parquet"):
            if stale not in published:  # an earlier version of this export, or a crashed run's leftovers
                stale.unlink()
                _fsync_dir(stale.parent)
        for leftover in _export_files(self.store, f".{self.export_id}.*.tmp"):
            leftover.unlink()
        shutil.rmtree(self.store / SPILL_DIR, ignore_errors=True)
        return entries


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


def connect(store: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with one view per table over the store's files (UTC session).

    Example:
        >>> connect(Path("/nonexistent-store")).execute("SELECT count(*) FROM jobs").fetchone()
        (0,)
    """
    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'UTC'")
    for table, schema in TABLES.items():
        columns = ", ".join(_ident(n) for n in schema.names)
        if _files(store, table):
            glob = _literal(str(store.resolve() / table / "*" / "*" / "*.parquet"))
            source = f"read_parquet({glob}, union_by_name = true, hive_partitioning = false)"
            con.execute(f"CREATE VIEW {_ident(table)} AS SELECT {columns} FROM {source}")
        else:
            nulls = ", ".join(f"CAST(NULL AS {_duck_type(f.type)}) AS {_ident(f.name)}" for f in schema)
            con.execute(f"CREATE VIEW {_ident(table)} AS SELECT {nulls} WHERE false")
    return con


def load_table(store: Path, table: str, worker: str | None = None, platform: str | None = None,
               columns: list[str] | None = None) -> pd.DataFrame:
    """One table's rows as pandas (timestamps tz-aware UTC), sorted by worker, platform, export, source.

    Example:
        >>> load_table(Path("/nonexistent-store"), "ratings", worker="w1").shape
        (0, 11)
    """
    schema = TABLES[table]
    wanted = list(schema.names if columns is None else columns)
    unknown = [c for c in wanted if c not in schema.names]
    if unknown:
        raise ValueError(f"{table}: unknown columns {unknown}")
    read = wanted + [c for c in SORT_ORDER if c not in wanted]
    files = _files(store, table, platform, worker)
    parts = [pq.read_table(f, columns=read, schema=schema) for f in files]
    arrow = pa.concat_tables(parts) if parts else schema.empty_table().select(read)
    arrow = arrow.sort_by([(c, "ascending") for c in SORT_ORDER]).select(wanted)
    return arrow.to_pandas()


def table_counts(store: Path) -> pd.DataFrame:
    """Rows stored per table, platform and worker (read from the Parquet footers).

    Example:
        >>> list(table_counts(Path("/nonexistent-store")).columns)
        ['table', 'platform', 'worker_id', 'rows']
    """
    counts: dict[tuple[str, str, str], int] = {}
    for table in TABLES:
        for path in _files(store, table):
            key = (table, _partition_value(path.parent.parent), _partition_value(path.parent))
            counts[key] = counts.get(key, 0) + pq.ParquetFile(path).metadata.num_rows
    rows = [(*key, n) for key, n in sorted(counts.items())]
    frame = pd.DataFrame(rows, columns=["table", "platform", "worker_id", "rows"])
    return frame.astype({"table": "str", "platform": "str", "worker_id": "str", "rows": "int64"})


def workers(store: Path) -> list[str]:
    """The workers with data or a manifest in the store, sorted.

    Example:
        >>> workers(Path("/nonexistent-store"))
        []
    """
    names = {_partition_value(p.parent) for t in TABLES for p in _files(store, t)}
    names |= {str(m["worker_id"]) for m in list_manifests(store) if m.get("worker_id")}
    return sorted(names)


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
    """Erase a worker: their Parquet files, temp files and manifests. Use inside `store_lock`.

    Returns the number of files removed.

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
    return removed


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


def _dedupe_sql(table: str, temp: Path, others: list[Path]) -> str:
    """The new rows whose (natural key, occurrence) no other export of the worker holds, in new order."""
    keys = ", ".join(_ident(k) for k in NATURAL_KEYS[table])
    on = " AND ".join(f"n.{_ident(k)} IS NOT DISTINCT FROM o.{_ident(k)}" for k in NATURAL_KEYS[table])
    old = "[" + ", ".join(_literal(str(p)) for p in others) + "]"
    columns = ", ".join(f"n.{_ident(c)}" for c in TABLES[table].names)
    return (
        f"WITH n AS (SELECT *, row_number() OVER (PARTITION BY {keys} ORDER BY source_file, source_row, "
        f"file_row_number) AS occ__ FROM read_parquet({_literal(str(temp))}, file_row_number = true, "
        f"hive_partitioning = false)), "
        f"o AS (SELECT {keys}, row_number() OVER (PARTITION BY {keys} ORDER BY source_file, source_row) "
        f"AS occ__ FROM read_parquet({old}, union_by_name = true, hive_partitioning = false)) "
        f"SELECT {columns} FROM n ANTI JOIN o ON {on} AND n.occ__ = o.occ__ ORDER BY n.file_row_number"
    )


def _write_query(con: duckdb.DuckDBPyConnection, sql: str, out: Path, table: str) -> None:
    """Stream a query's result into a Parquet file, batch by batch, each conformed to the schema."""
    reader: pa.RecordBatchReader = con.sql(sql).to_arrow_reader(BUFFER_ROWS)
    with _parquet_writer(out, table) as writer:
        for batch in reader:
            writer.write_table(conform(pa.Table.from_batches([batch]), table))
    _fsync_file(out)


@contextmanager
def _duck(store: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A DuckDB connection that spills to the store's disk, not the system temp (it holds personal data)."""
    spill = store / SPILL_DIR
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.execute(f"SET temp_directory = {_literal(str(spill))}")
        con.execute(f"SET memory_limit = {_literal(DEDUPE_MEMORY)}")
        yield con
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)


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


def _duck_type(arrow_type: pa.DataType) -> str:
    if pa.types.is_timestamp(arrow_type):
        return "TIMESTAMPTZ"
    return {"string": "VARCHAR", "int64": "BIGINT", "double": "DOUBLE", "bool": "BOOLEAN"}[str(arrow_type)]


FREE_TEXT = {"extra", "job_id"}
"""String columns whose values rarely repeat: no dictionary encoding, and (extra) no statistics."""


def _parquet_writer(path: Path, table: str) -> pq.ParquetWriter:
    """A zstd writer for `table`: dictionary-encode only the repetitive strings (provenance, states,
    categories), where it pays; trying it on free text and floats only costs time."""
    schema = TABLES[table]
    strings = [f.name for f in schema if pa.types.is_string(f.type)]
    return pq.ParquetWriter(path, schema, compression="zstd",
                            use_dictionary=[n for n in strings if n not in FREE_TEXT],
                            write_statistics=[n for n in schema.names if n != "extra"])
