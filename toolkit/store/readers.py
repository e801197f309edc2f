"""Reading the store: a DuckDB connection over every table, one table as pandas, row counts, workers.

Readers only list published files (`<export_id>.parquet`, never hidden temp files), and read them with the
exact schema of `toolkit.schema.TABLES`, so a store with no file of a table still gives its columns.

Example:
    >>> load_table(Path("/nonexistent-store"), "jobs", columns=["job_id"]).shape
    (0, 1)
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from toolkit.schema import TABLES
from toolkit.store.integrity import list_manifests
from toolkit.store.paths import _files, _ident, _literal, _partition_value

SORT_ORDER = ["worker_id", "platform", "export_id", "source_file", "source_row"]


def connect(store: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with one view per table over the store's files (UTC session).

    Example:
        >>> connect(Path("/nonexistent-store")).execute("SELECT count(*) FROM jobs").fetchone()
        (0,)
    """
    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'UTC'")
    for table, schema in TABLES.items():
        if _files(store, table):
            glob = _literal(str(store.resolve() / table / "*" / "*" / "*.parquet"))
            source = f"read_parquet({glob}, union_by_name = true, hive_partitioning = false)"
            present = {row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()}
            # a column added to the model after a file was written reads as null in that file
            columns = ", ".join(
                _ident(f.name) if f.name in present
                else f"CAST(NULL AS {_duck_type(f.type)}) AS {_ident(f.name)}" for f in schema)
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


# ---------------------------------------------------------------------------------------------- private


def _duck_type(arrow_type: pa.DataType) -> str:
    if pa.types.is_timestamp(arrow_type):
        return "TIMESTAMPTZ"
    return {"string": "VARCHAR", "int64": "BIGINT", "double": "DOUBLE", "bool": "BOOLEAN"}[str(arrow_type)]
