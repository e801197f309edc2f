"""The Spark engine (`--engine spark`): the same panel and the same pooled SQL on PySpark.

An optional part (`pip install 'gigdata[spark]'`, and Java 17), for pools past one machine; DuckDB and the
local cores stay the default. What runs on Spark is what runs locally, not a second version of it:

- **The panel.** Spark discovers the (platform, worker) partitions of the Hive-partitioned store
  (`TABLE/platform=…/worker_id=…/`), then `groupBy("worker_id", "platform").applyInPandas` calls
  `toolkit.panel.worker_rows`, the function the local engine calls, once per worker on the executors.
  Each task reads its worker's partition of the store itself, so the store's path must be the same on
  every node (a shared file system, or an object store mounted at one path). The rows come back as JSON
  (floats round-trip exactly) and `toolkit.panel.typed_frame` makes the table, as locally.
- **Pooled statistics.** `toolkit.compare` writes each pooled statistic as one SQL text over a view named
  `panel`; DuckDB runs it locally, Spark SQL runs the same text here (`spark.sql.ansi.doubleQuotedIdentifiers`
  lets Spark read DuckDB's "quoted.names").

Settings (collective.md §5.4): the session's time zone is UTC like the store; partition values stay
strings (a worker named "007" is not the number 7); `PYSPARK_PYTHON` is this Python, so the executors
find pandas and gigdata. Without a master, `local[2]`; under `spark-submit` or with `SPARK_REMOTE`
(Spark Connect) set, the cluster's.

Example:
    >>> sorted(SPARK_CONF)[0]
    'spark.sql.ansi.doubleQuotedIdentifiers'
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from toolkit.schema import TABLES

SPARK_CONF = {
    "spark.sql.ansi.doubleQuotedIdentifiers": "true",
    "spark.sql.ansi.enabled": "true",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.shuffle.partitions": "4",
    "spark.sql.sources.partitionColumnTypeInference.enabled": "false",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
}
ROWS_SCHEMA = "worker_id string, platform string, rows string"


class SparkUnavailable(RuntimeError):
    """PySpark or Java is missing, or Spark would not start; the message says which and what to do."""


def session(master: str | None = None) -> Any:
    """A Spark session with gigdata's settings: `master` if given; else the cluster's under spark-submit
    or Spark Connect (`SPARK_REMOTE`); else `local[2]`."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise SparkUnavailable("--engine spark needs PySpark: pip install 'gigdata[spark]' (and Java 17, "
                               "e.g. apt-get install openjdk-17-jre-headless)") from exc
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    builder = SparkSession.builder.appName("gigdata")
    if master:
        builder = builder.master(master)
    elif not (os.environ.get("SPARK_REMOTE") or os.environ.get("PYSPARK_GATEWAY_PORT")):
        builder = builder.master("local[2]")
    for key, value in SPARK_CONF.items():
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # py4j and PySpark raise their own kinds when the JVM does not start
        raise SparkUnavailable(f"Spark did not start ({type(exc).__name__}: {str(exc)[:300]}); it needs "
                               "Java 17 (apt-get install openjdk-17-jre-headless) or a cluster to reach") \
            from exc
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def store_pairs(spark: Any, store: Path) -> Any:
    """A Spark DataFrame of every (worker_id, platform) with rows in the store, found by Spark's own
    partition discovery over each table."""
    found = None
    for table in TABLES:
        folder = store / table
        if not any(folder.glob("platform=*/worker_id=*/[!.]*.parquet")):
            continue
        part = spark.read.parquet(folder.resolve().as_uri()).select("worker_id", "platform").distinct()
        found = part if found is None else found.union(part)
    if found is None:
        return spark.createDataFrame([], "worker_id string, platform string")
    return found.distinct()


def build_panel(store: Path, freq: str = "month", config_file: Path | None = None,
                spark: Any = None) -> pd.DataFrame:
    """The panel of every worker and platform of the store, computed on Spark: the same rows, values and
    types as `toolkit.panel.build_panel`."""
    from toolkit.panel import typed_frame

    spark = spark or session()
    root = str(store.resolve())
    config = str(config_file.resolve()) if config_file else None

    def rows_of(key: tuple[str, str], _frame: pd.DataFrame) -> pd.DataFrame:
        from toolkit.panel import worker_rows

        worker, platform = str(key[0]), str(key[1])
        rows = worker_rows(Path(root), worker, platform, freq, Path(config) if config else None)  # type: ignore[arg-type]
        return pd.DataFrame({"worker_id": [worker], "platform": [platform],
                             "rows": [json.dumps(rows, default=_plain, allow_nan=True)]})

    pairs = store_pairs(spark, store)
    parts = pairs.groupBy("worker_id", "platform").applyInPandas(rows_of, schema=ROWS_SCHEMA).collect()
    rows: list[dict[str, Any]] = []
    for part in sorted(parts, key=lambda p: (p["worker_id"], p["platform"])):
        for row in json.loads(part["rows"]):
            row["period_start"] = date.fromisoformat(row["period_start"])
            row["period_end"] = date.fromisoformat(row["period_end"])
            rows.append(row)
    return typed_frame(rows)


def read_panel(spark: Any, path: Path) -> Any:
    """The panel's Parquet file as a Spark DataFrame (for `toolkit.compare` on Spark)."""
    return spark.read.parquet(path.resolve().as_uri())


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "item"):  # a NumPy scalar
        return value.item()
    raise TypeError(f"{type(value).__name__} in a panel row")
