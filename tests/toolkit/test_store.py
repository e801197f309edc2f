"""Tests of toolkit.store: atomic publication, deduplication across exports, readers, verify, erasure."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import random
import signal
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from toolkit import store as st
from toolkit.schema import NATURAL_KEYS, TABLES, conform

Row = dict[str, Any]


def make(table: str, rows: list[Row], export_id: str, worker: str = "w1", platform: str = "uber",
         source_file: str = "f.csv") -> pa.Table:
    """A conformed table: every column null unless the row gives it, provenance filled in."""
    columns: dict[str, pd.Series] = {}
    for field in TABLES[table]:
        values = [r.get(field.name) for r in rows]
        if field.name == "worker_id":
            values = [worker] * len(rows)
        elif field.name == "platform":
            values = [platform] * len(rows)
        elif field.name == "export_id":
            values = [export_id] * len(rows)
        elif field.name == "source_file":
            values = [r.get("source_file", source_file) for r in rows]
        elif field.name == "source_row":
            values = [r.get("source_row", i + 2) for i, r in enumerate(rows)]
        if pa.types.is_timestamp(field.type):
            columns[field.name] = pd.to_datetime(pd.Series(values, dtype=object), utc=True)
        elif pa.types.is_floating(field.type):
            columns[field.name] = pd.Series(values, dtype="float64")
        elif pa.types.is_integer(field.type):
            columns[field.name] = pd.Series(values, dtype="Int64")
        else:
            columns[field.name] = pd.Series(values, dtype=object)
    return conform(pd.DataFrame(columns), table)


def pay(day: int | None, amount: float = 10.0, classification: str | None = "trip fare",
        hour: int = 12) -> Row:
    """One earnings line; None for `day` means the line has no date."""
    when = None if day is None else f"2024-03-{day:02d}T{hour:02d}:00:00Z"
    return {"earned_at": when, "amount": amount, "currency": "EUR", "category": "fare",
            "classification": classification}


def job(day: int) -> Row:
    return {"kind": "ride", "status": "completed", "requested_at": f"2024-03-{day:02d}T08:00:00Z",
            "fare": 7.5, "currency": "EUR"}


def ingest(store: Path, export_id: str, tables: dict[str, list[Row]], worker: str = "w1",
           platform: str = "uber") -> dict[str, dict[str, int]]:
    with st.store_lock(store), st.ExportWriter(store, export_id, platform, worker) as writer:
        for table, rows in tables.items():
            writer.write(table, make(table, rows, export_id, worker, platform))
        return writer.commit({"source": f"{export_id}.zip"})


def stored_keys(store: Path, table: str = "earnings") -> Counter[tuple[Any, ...]]:
    frame = st.load_table(store, table, columns=list(NATURAL_KEYS[table]))
    return Counter(tuple(None if pd.isna(v) else v for v in row) for row in frame.itertuples(index=False))


def keys_of(rows: list[Row]) -> Counter[tuple[Any, ...]]:
    """The earnings natural keys of test rows, computed without the store or the schema code."""
    return Counter((None if r["earned_at"] is None else pd.Timestamp(r["earned_at"]), r["amount"],
                    r["currency"], r["classification"]) for r in rows)


def snapshot(store: Path) -> dict[str, str]:
    return {p.relative_to(store).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(store.rglob("*")) if p.is_file()}


A_ROWS = [pay(d) for d in range(1, 11)]


def test_commit_is_readable_by_duckdb_glob_with_the_exact_schema(tmp_path: Path) -> None:
    result = ingest(tmp_path, "a" * 16, {"earnings": A_ROWS, "jobs": [job(1), job(2)]})
    assert result == {"earnings": {"rows": 10, "duplicates_dropped": 0},
                      "jobs": {"rows": 2, "duplicates_dropped": 0}}
    path = tmp_path / "earnings" / "platform=uber" / "worker_id=w1" / f"{'a' * 16}.parquet"
    assert pq.read_schema(path).equals(TABLES["earnings"])
    assert pq.ParquetFile(path).metadata.row_group(0).column(0).compression == "ZSTD"
    glob = f"{tmp_path}/earnings/**/*.parquet"
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    got = con.sql(f"SELECT * FROM read_parquet('{glob}', union_by_name=true) ORDER BY source_row")
    assert got.columns == TABLES["earnings"].names
    arrow = got.arrow().read_all()
    assert arrow.schema.equals(TABLES["earnings"])
    assert arrow.column("amount").to_pylist() == [10.0] * 10
    assert arrow.column("earned_at").type == pa.timestamp("us", tz="UTC")
    manifest = st.load_manifest(tmp_path, "a" * 16)
    assert manifest is not None and manifest["source"] == f"{'a' * 16}.zip"
    assert manifest["tables"]["earnings"]["file"] == path.relative_to(tmp_path).as_posix()
    assert manifest["tables"]["earnings"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (manifest["worker_id"], manifest["platform"]) == ("w1", "uber")
    assert st.verify(tmp_path) == []


def test_recommit_of_the_same_export_replaces_never_duplicates(tmp_path: Path) -> None:
    ingest(tmp_path, "e1", {"earnings": A_ROWS, "jobs": [job(1)]})
    ingest(tmp_path, "e1", {"earnings": A_ROWS, "jobs": [job(1)]})
    assert stored_keys(tmp_path) == keys_of(A_ROWS)
    ingest(tmp_path, "e1", {"earnings": A_ROWS[:4]})  # a corrected re-ingest without jobs
    assert stored_keys(tmp_path) == keys_of(A_ROWS[:4])
    assert st.load_table(tmp_path, "jobs").empty
    assert list(st.load_manifest(tmp_path, "e1")["tables"]) == ["earnings"]  # type: ignore[index]
    assert st.verify(tmp_path) == []
    ingest(tmp_path, "e1", {"earnings": A_ROWS[:2]}, worker="w2")  # the same export, filed under another name
    assert st.workers(tmp_path) == ["w2"] and stored_keys(tmp_path) == keys_of(A_ROWS[:2])
    assert st.verify(tmp_path) == []


def test_overlapping_exports_leave_no_duplicates_but_keep_repeated_lines(tmp_path: Path) -> None:
    twice = [pay(20, 3.0), pay(20, 3.0)]  # two equal payment lines: two facts, both kept
    a = A_ROWS + twice
    b = [pay(d) for d in range(6, 16)] + twice + [pay(20, 3.0)]  # overlap + new days + a third equal line
    assert ingest(tmp_path, "a1", {"earnings": a})["earnings"] == {"rows": 12, "duplicates_dropped": 0}
    assert ingest(tmp_path, "b1", {"earnings": b})["earnings"] == {"rows": 6, "duplicates_dropped": 7}
    assert stored_keys(tmp_path) == keys_of(a) | keys_of(b)  # multiset union = max count per key
    assert sum(stored_keys(tmp_path).values()) == 10 + 5 + 3
    kept = st.load_table(tmp_path, "earnings").query("export_id == 'b1'")
    assert kept["source_row"].tolist() == [7, 8, 9, 10, 11, 14]  # new data order, last equal line kept
    assert ingest(tmp_path, "c1", {"earnings": a})["earnings"] == {"rows": 0, "duplicates_dropped": 12}
    assert not list(tmp_path.glob("earnings/*/*/c1.parquet"))
    assert st.load_manifest(tmp_path, "c1")["tables"]["earnings"]["file"] is None  # type: ignore[index]
    assert st.verify(tmp_path) == []


def test_deduplication_stays_within_one_worker_and_platform(tmp_path: Path) -> None:
    ingest(tmp_path, "a1", {"earnings": A_ROWS})
    assert ingest(tmp_path, "a2", {"earnings": A_ROWS}, worker="w2")["earnings"]["rows"] == 10
    assert ingest(tmp_path, "a3", {"earnings": A_ROWS}, platform="wolt")["earnings"]["rows"] == 10
    assert len(st.load_table(tmp_path, "earnings")) == 30


def test_nulls_in_key_columns_deduplicate(tmp_path: Path) -> None:
    undated = [pay(None, 4.0, None), pay(None, 4.0, None), pay(3, 5.0, None)]
    ingest(tmp_path, "a1", {"earnings": undated})
    result = ingest(tmp_path, "b1", {"earnings": undated + [pay(None, 6.0, None)]})
    assert result["earnings"] == {"rows": 1, "duplicates_dropped": 3}
    assert sum(stored_keys(tmp_path).values()) == 4


def test_abort_and_exceptions_leave_the_store_exactly_as_before(tmp_path: Path) -> None:
    ingest(tmp_path, "a1", {"earnings": A_ROWS})
    before = snapshot(tmp_path)
    with st.store_lock(tmp_path), st.ExportWriter(tmp_path, "b1", "uber", "w1") as writer:
        writer.write("earnings", make("earnings", [pay(25)], "b1"))
        writer.abort()
    assert snapshot(tmp_path) == before
    with pytest.raises(RuntimeError, match="parser bug"), st.store_lock(tmp_path), \
            st.ExportWriter(tmp_path, "b1", "uber", "w1") as writer:
        writer.write("earnings", make("earnings", A_ROWS + [pay(25)], "b1"))
        writer.write("jobs", make("jobs", [job(3)], "b1"))
        raise RuntimeError("parser bug")
    assert snapshot(tmp_path) == before
    with pytest.raises(TypeError), st.store_lock(tmp_path), \
            st.ExportWriter(tmp_path, "b1", "uber", "w1") as writer:
        writer.write("earnings", make("earnings", [pay(25)], "b1"))
        writer.commit({"not json": object()})
    assert snapshot(tmp_path) == before
    assert st.verify(tmp_path) == []


def test_write_refuses_foreign_schema_or_provenance(tmp_path: Path) -> None:
    with st.ExportWriter(tmp_path, "a1", "uber", "w1") as writer:
        with pytest.raises(ValueError, match="schema"):
            writer.write("earnings", make("jobs", [job(1)], "a1"))
        with pytest.raises(ValueError, match="worker_id"):
            writer.write("earnings", make("earnings", [pay(1)], "a1", worker="w2"))
        with pytest.raises(KeyError):
            writer.write("nope", make("earnings", [pay(1)], "a1"))
    assert snapshot(tmp_path) == {}


def test_many_small_batches_are_one_file(tmp_path: Path) -> None:
    with st.store_lock(tmp_path), st.ExportWriter(tmp_path, "a1", "uber", "w1") as writer:
        for row in A_ROWS:
            writer.write("earnings", make("earnings", [row], "a1"))
        writer.commit({})
    frame = st.load_table(tmp_path, "earnings")
    assert len(frame) == 10 and frame["earned_at"].is_monotonic_increasing


def test_verify_detects_flipped_byte_orphans_missing_files_and_row_counts(tmp_path: Path) -> None:
    ingest(tmp_path, "a1", {"earnings": A_ROWS, "jobs": [job(1)]})
    path = next(tmp_path.glob("earnings/*/*/a1.parquet"))
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    problems = st.verify(tmp_path)
    assert len(problems) == 1 and "earnings/platform=uber/worker_id=w1/a1.parquet" in problems[0]
    assert "sha256" in problems[0]
    ingest(tmp_path, "a1", {"earnings": A_ROWS, "jobs": [job(1)]})  # re-ingest repairs
    assert st.verify(tmp_path) == []
    (tmp_path / "_exports" / "a1.json").rename(tmp_path / "_exports" / "a1.json.bak")
    assert sorted(p.split(":")[0] for p in st.verify(tmp_path)) == [
        "earnings/platform=uber/worker_id=w1/a1.parquet", "jobs/platform=uber/worker_id=w1/a1.parquet"]
    (tmp_path / "_exports" / "a1.json.bak").rename(tmp_path / "_exports" / "a1.json")
    next(tmp_path.glob("jobs/*/*/a1.parquet")).unlink()
    (tmp_path / "earnings" / "x.parquet.tmp").write_bytes(b"partial")
    problems = st.verify(tmp_path)
    assert any("jobs/platform=uber/worker_id=w1/a1.parquet" in p and "missing" in p for p in problems)
    assert any("earnings/x.parquet.tmp" in p and "temporary" in p for p in problems)
    assert len(problems) == 2


def test_verify_detects_a_row_count_that_differs_from_the_manifest(tmp_path: Path) -> None:
    ingest(tmp_path, "a1", {"earnings": A_ROWS})
    manifest_path = tmp_path / "_exports" / "a1.json"
    manifest_path.write_text(manifest_path.read_text().replace('"rows": 10', '"rows": 11'))
    assert ["row count" in p for p in st.verify(tmp_path)] == [True]
    manifest_path.write_text("{not json")
    problems = st.verify(tmp_path)
    assert any("_exports/a1.json: unreadable manifest" in p for p in problems)
    assert any("a1.parquet: not listed in any manifest" in p for p in problems)


def test_readers_on_an_empty_store(tmp_path: Path) -> None:
    con = st.connect(tmp_path / "fresh")
    for table, schema in TABLES.items():
        rel = con.sql(f"SELECT * FROM {table}")
        assert rel.columns == schema.names and rel.fetchall() == []
    assert con.sql("SELECT * FROM earnings").arrow().read_all().schema.equals(TABLES["earnings"])
    frame = st.load_table(tmp_path / "fresh", "earnings", worker="w1")
    assert list(frame.columns) == TABLES["earnings"].names and frame.empty
    assert isinstance(frame["earned_at"].dtype, pd.DatetimeTZDtype)
    assert st.table_counts(tmp_path).empty and st.workers(tmp_path) == []
    assert st.list_manifests(tmp_path) == [] and st.verify(tmp_path) == []


def test_connect_and_load_table_read_what_was_stored(tmp_path: Path) -> None:
    ingest(tmp_path, "b1", {"earnings": [pay(2, 1.0), pay(1, 2.0)]}, worker="w2")
    ingest(tmp_path, "a1", {"earnings": [pay(5, 3.0)], "jobs": [job(5)]}, worker="w1")
    con = st.connect(tmp_path)
    assert con.sql("SELECT worker_id, sum(amount) FROM earnings GROUP BY 1 ORDER BY 1").fetchall() == [
        ("w1", 3.0), ("w2", 3.0)]
    assert con.sql("SELECT count(*) FROM ratings").fetchall() == [(0,)]  # no file: the empty view
    frame = st.load_table(tmp_path, "earnings")
    assert frame["worker_id"].tolist() == ["w1", "w2", "w2"] and frame["source_row"].tolist() == [2, 2, 3]
    assert str(frame["earned_at"].dt.tz) == "UTC"
    assert frame["earned_at"].iloc[0] == pd.Timestamp("2024-03-05T12:00:00Z")
    only = st.load_table(tmp_path, "earnings", worker="w2", platform="uber", columns=["amount"])
    assert list(only.columns) == ["amount"] and only["amount"].tolist() == [1.0, 2.0]
    with pytest.raises(ValueError):
        st.load_table(tmp_path, "earnings", columns=["salary"])


def test_table_counts_and_workers(tmp_path: Path) -> None:
    ingest(tmp_path, "c1", {"earnings": A_ROWS[:3], "jobs": [job(1)]}, worker="w1")
    ingest(tmp_path, "a2", {"earnings": A_ROWS[2:5]}, worker="w1")  # one row overlaps
    ingest(tmp_path, "b1", {"earnings": A_ROWS[:2]}, worker="w2", platform="wolt")
    counts = st.table_counts(tmp_path)
    assert list(counts.columns) == ["table", "platform", "worker_id", "rows"]
    assert sorted(map(tuple, counts.itertuples(index=False))) == [
        ("earnings", "uber", "w1", 5), ("earnings", "wolt", "w2", 2), ("jobs", "uber", "w1", 1)]
    assert st.workers(tmp_path) == ["w1", "w2"]
    assert [m["export_id"] for m in st.list_manifests(tmp_path)] == ["c1", "a2", "b1"]  # oldest first


def test_delete_worker_removes_their_files_and_manifests_only(tmp_path: Path) -> None:
    ingest(tmp_path, "a1", {"earnings": A_ROWS, "jobs": [job(1)]}, worker="w1")
    ingest(tmp_path, "b1", {"earnings": A_ROWS}, worker="w2")
    with st.store_lock(tmp_path):
        assert st.delete_worker(tmp_path, "w1") == 3  # two Parquet files and one manifest
    assert st.workers(tmp_path) == ["w2"] and st.load_manifest(tmp_path, "a1") is None
    assert not [p for p in tmp_path.rglob("*") if "w1" in p.relative_to(tmp_path).as_posix()]
    assert len(st.load_table(tmp_path, "earnings")) == 10 and st.verify(tmp_path) == []
    assert st.delete_worker(tmp_path, "nobody") == 0


@pytest.mark.parametrize("name", ["", ".hidden", "../up", "a/b", "a b", "x" * 65, "*", "é", "w\n1", "..",
                                  "C:\\x"])
def test_unsafe_names_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError):
        st.ExportWriter(tmp_path, "a1", "uber", name)
    with pytest.raises(ValueError):
        st.ExportWriter(tmp_path, "a1", name, "w1")
    with pytest.raises(ValueError):
        st.load_table(tmp_path, "earnings", worker=name)
    with pytest.raises(ValueError):
        st.delete_worker(tmp_path, name)
    assert st.ExportWriter(tmp_path, "a1", "uber_eats", "worker-1.x" + "y" * 54).worker_id.endswith("y")


# --- crash injection --------------------------------------------------------------------------------------

HOOKED = ("replace", "fsync", "unlink")


def _child(store: Path, export_id: str, tables: dict[str, list[Row]], trip_at: int, ready: Any) -> None:
    """Ingest in a forked process; SIGKILL itself at the `trip_at`-th file-system step (0 = never)."""
    calls = [0]

    def tripping(original: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls[0] += 1
            if calls[0] == trip_at:
                os.kill(os.getpid(), signal.SIGKILL)
            return original(*args, **kwargs)
        return wrapper

    for name in HOOKED:
        setattr(os, name, tripping(getattr(os, name)))
    pq.ParquetWriter.write_table = tripping(pq.ParquetWriter.write_table)  # type: ignore[method-assign]
    ready.set()
    ingest(store, export_id, tables)


def _count_steps(store: Path, export_id: str, tables: dict[str, list[Row]],
                 monkeypatch: pytest.MonkeyPatch) -> tuple[int, float]:
    calls = [0]

    def counting(original: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls[0] += 1
            return original(*args, **kwargs)
        return wrapper

    with monkeypatch.context() as patch:
        for name in HOOKED:
            patch.setattr(os, name, counting(getattr(os, name)))
        patch.setattr(pq.ParquetWriter, "write_table", counting(pq.ParquetWriter.write_table))
        start = time.perf_counter()
        ingest(store, export_id, tables)
        return calls[0], time.perf_counter() - start


def test_sigkill_during_write_or_commit_never_loses_committed_data(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(20240301)
    store = tmp_path / "store"
    a_rows = [pay(d, float(h)) for d in range(1, 29) for h in range(1, 4)]
    ingest(store, "a" * 16, {"earnings": a_rows, "jobs": [job(d) for d in range(1, 29)]})
    committed = keys_of(a_rows)

    def export(i: int) -> dict[str, list[Row]]:
        if i % 3 == 2:
            return {"earnings": a_rows, "jobs": [job(d) for d in range(1, 29)]}  # re-ingest of A itself
        fresh = [pay(d, 100.0 + i) for d in range(1, 6)]
        return {"earnings": rng.sample(a_rows, 40) + fresh, "jobs": [job(d) for d in range(1, 4)]}

    steps, seconds = _count_steps(tmp_path / "calibration", "b" * 16, export(0), monkeypatch)
    fork = multiprocessing.get_context("fork")
    killed = 0
    for i in range(24):
        export_id = "a" * 16 if i % 3 == 2 else f"{i:016x}"
        tables = export(i)
        trip_at = rng.randint(1, steps) if i % 2 == 0 else 0
        ready = fork.Event()
        child = fork.Process(target=_child, args=(store, export_id, tables, trip_at, ready))
        child.start()
        assert ready.wait(10)
        if trip_at == 0:
            time.sleep(rng.uniform(0, 1.5 * seconds))
            child.kill()
        child.join(10)
        killed += child.exitcode == -signal.SIGKILL
        for path in store.rglob("*.parquet"):
            pq.read_table(path)  # nothing visible is ever truncated
        got = stored_keys(store)
        assert committed <= got <= committed | keys_of(tables["earnings"])
        assert st.connect(store).sql("SELECT count(*) FROM jobs").fetchall()[0][0] >= 28
        problems = st.verify(store)
        for problem in problems:
            assert "leftover temporary file" in problem or "orphan" in problem, problem
        ingest(store, export_id, tables)  # the re-run converges
        committed |= keys_of(tables["earnings"])
        assert st.verify(store) == [] and stored_keys(store) == committed
    assert killed >= 12


def test_a_file_written_before_a_column_was_added_reads_it_as_null(tmp_path: Path) -> None:
    segment = {"state": "online", "start_at": "2024-03-01T08:00:00Z", "end_at": "2024-03-01T09:00:00Z"}
    ingest(tmp_path, "old", {"status_segments": [segment]})
    path = next(tmp_path.glob("status_segments/*/*/old.parquet"))
    older = pq.read_table(path).drop_columns(["jobs_reported"])  # the layout of an earlier version
    pq.write_table(older, path)
    later = {**segment, "start_at": "2024-03-02T08:00:00Z", "end_at": "2024-03-02T09:00:00Z",
             "jobs_reported": 3}
    ingest(tmp_path, "new", {"status_segments": [later]})
    frame = st.load_table(tmp_path, "status_segments")
    by_export = frame.set_index("export_id")["jobs_reported"]
    assert pd.isna(by_export["old"]) and by_export["new"] == 3
    con = st.connect(tmp_path)
    assert con.sql("SELECT count(*), sum(jobs_reported) FROM status_segments").fetchall() == [(2, 3)]
    only_old = tmp_path / "only-old"
    ingest(only_old, "old", {"status_segments": [segment]})
    path = next(only_old.glob("status_segments/*/*/old.parquet"))
    pq.write_table(pq.read_table(path).drop_columns(["jobs_reported"]), path)
    rel = st.connect(only_old).sql("SELECT * FROM status_segments")
    assert rel.columns == TABLES["status_segments"].names and rel.fetchall()[0][-1] is None
