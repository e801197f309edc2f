"""The Spark engine (a real PySpark `local[2]` session, Java 17) gives the panel of the local engine value
for value, and the pooled statistics from the same SQL text as DuckDB; without Java or PySpark, a clear
refusal. Slow: Spark takes about half a minute to start."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from toolkit import compare as cmp
from toolkit.cli import app
from toolkit.panel import build_panel, pairs, write_panel

pyspark = pytest.importorskip("pyspark", reason="the Spark extra: pip install 'gigdata[spark]'")
pytestmark = pytest.mark.xdist_group("spark")  # one worker, one Spark session


def _file(job: tuple[Path, int]) -> None:
    from toolkit.samples import file_simulated, layout_params

    store, i = job
    layout = "sar-fr-2021" if i % 4 else "portal-2025"  # 4 of 14 without a status log: no hours
    params = layout_params("uber", layout, days=35 + 3 * i, seed=300 + i, start=date(2024, 3, 11),
                           gps_every_s=0.0, waiting_share=0.3 + 0.02 * i, reject_prob=0.05 + 0.01 * i)
    file_simulated(store, params, f"w{i:03d}", f"{300 + i:016x}", layout=layout)


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from concurrent.futures import ProcessPoolExecutor

    store = tmp_path_factory.mktemp("spark") / "store"
    with ProcessPoolExecutor(max_workers=2) as workers:
        list(workers.map(_file, [(store, i) for i in range(14)]))
    return store


@pytest.fixture(scope="module")
def local(pool: Path) -> dict[str, pd.DataFrame]:
    """The local engine's panels of the pool, by month and by week."""
    return {freq: build_panel(pool, freq) for freq in ("month", "week")}  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def spark() -> Any:
    from toolkit import spark as spark_mod

    session = spark_mod.session("local[2]")
    yield session
    session.stop()


def _close(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert a.keys() == b.keys()
    for key, value in a.items():
        if isinstance(value, float):
            assert b[key] == pytest.approx(value, rel=1e-12, abs=1e-12), key
        else:
            assert b[key] == value, key


@pytest.mark.slow
def test_spark_finds_the_store_partitions_and_gives_the_local_panel_value_for_value(
        pool: Path, local: dict[str, pd.DataFrame], spark: Any) -> None:
    from toolkit import spark as spark_mod

    found = sorted((r["worker_id"], r["platform"]) for r in spark_mod.store_pairs(spark, pool).collect())
    assert found == pairs(pool) and len(found) == 14
    for freq, frame in local.items():
        on_spark = spark_mod.build_panel(pool, freq, spark=spark)
        assert len(frame) > 14 and frame["offers.per_logged_in_h"].notna().any()
        pd.testing.assert_frame_equal(frame, on_spark, check_exact=True)


@pytest.mark.slow
def test_the_pooled_statistics_are_the_same_sql_on_spark_and_duckdb(
        pool: Path, local: dict[str, pd.DataFrame], spark: Any) -> None:
    from toolkit import spark as spark_mod

    path = write_panel(pool, local["month"], "month")
    mine, remote = pd.read_parquet(path), spark_mod.read_panel(spark, path)
    for column in ("pay.per_hour_logged_in", "offers.per_logged_in_h", "time.unpaid_share"):
        _close(cmp.distribution(mine, column), cmp.distribution(remote, column))
        for how in ("mean", "sum"):
            _close(cmp.inequality(mine, column, how), cmp.inequality(remote, column, how))
    _close(cmp.below_minimum_share(mine), cmp.below_minimum_share(remote))
    weekly = write_panel(pool, local["week"], "week")  # the regression needs 3 periods a worker
    regression = ("offers.per_logged_in_h", "offers.acceptance_rate")
    _close(cmp.panel_regression(pd.read_parquet(weekly), *regression, lag=1),
           cmp.panel_regression(spark_mod.read_panel(spark, weekly), *regression, lag=1))
    # the statistic on the pandas panel is the same SQL text, run by DuckDB
    sql = cmp.pooled_sql(cmp.DISTRIBUTION_SQL, "pay.per_hour_logged_in")
    remote.createOrReplaceTempView("panel")
    assert spark.sql(sql).collect()[0]["median"] == pytest.approx(
        cmp.distribution(mine, "pay.per_hour_logged_in")["median"], rel=1e-12)


@pytest.mark.slow
def test_the_command_line_runs_the_panel_and_a_comparison_on_spark(
        pool: Path, local: dict[str, pd.DataFrame], spark: Any) -> None:
    runner = CliRunner(env={"COLUMNS": "200"})
    done = runner.invoke(app, ["panel", "--store", str(pool), "--engine", "spark"])
    assert done.exit_code == 0, done.output
    assert "engine spark" in done.output
    written = pd.read_parquet(pool / "_panel" / "panel_month.parquet")
    pd.testing.assert_frame_equal(written, pd.read_parquet(write_panel(pool, local["month"], "month")))
    shown = {}
    for engine in ("spark", "duckdb"):
        out = runner.invoke(app, ["compare", "below-minimum", "--store", str(pool), "--engine", engine])
        assert out.exit_code == 0, out.output
        shown[engine] = json.loads(out.output)
    assert shown["spark"].pop("engine") == "spark" and shown["duckdb"].pop("engine") == "duckdb"
    _close(shown["duckdb"], shown["spark"])


def test_without_java_spark_is_refused_with_what_to_install(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JAVA", "SPARK", "PYSPARK"))}
    env.update(PATH=str(Path(sys.executable).parent), JAVA_HOME=str(tmp_path / "no-java"), COLUMNS="200")
    (tmp_path / "store").mkdir()
    done = subprocess.run([sys.executable, "-m", "toolkit.cli", "panel", "--store", str(tmp_path / "store"),
                           "--engine", "spark"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "Spark did not start" in done.stderr and "Java 17" in done.stderr
    assert "Traceback" not in done.stderr


def test_without_pyspark_the_engine_says_which_extra_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from toolkit import spark as spark_mod

    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    with pytest.raises(spark_mod.SparkUnavailable, match=r"gigdata\[spark\]"):
        spark_mod.session()
