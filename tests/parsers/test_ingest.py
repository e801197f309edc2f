"""End to end: exports in, tables and manifests out, through archive, parsers and store."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from parsers.ingest import ingest_export
from parsers.registry import COMMON_RULES, PLATFORM_MODULES
from toolkit import store
from toolkit.samples import SAMPLE_ZONES, write_sample
from toolkit.schema import TABLES

SAMPLES = Path(__file__).resolve().parents[2] / "sample_exports"
UBER_LAYOUTS = [("uber", "sar-fr-2021"), ("uber", "sar-geneva-2022"), ("uber", "portal-2022"),
                ("uber", "portal-2025"), ("uber", "sar-2016"), ("ubereats", "sar-eats-2025")]


def zip_folder(folder: Path, out: Path, junk: bool = False) -> Path:
    """Zip a sample folder the way a platform (or a Mac user re-packing it) would."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.name != "README.md":
                zf.write(path, path.relative_to(folder).as_posix())
        if junk:
            zf.writestr("__MACOSX/._notes", b"\x00\x05\x16\x07")
            zf.writestr(".DS_Store", b"Bud1")
    return out


def store_snapshot(root: Path) -> dict[str, str]:
    """Every file under the store with its sha256 (manifests' timestamps included)."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and p.name != ".lock"}


def sample_folders() -> list[Path]:
    return sorted(p for p in SAMPLES.iterdir() if p.is_dir())


@pytest.mark.parametrize("folder", sample_folders(), ids=lambda p: p.name)
def test_every_sample_file_is_parsed_or_ignored_with_a_reason(folder: Path, tmp_path: Path) -> None:
    export = zip_folder(folder, tmp_path / f"{folder.name}.zip", junk=True)
    report = ingest_export(export, tmp_path / "store", tz=SAMPLE_ZONES.get(folder.name), strict=True)
    assert report.status == "ingested", report.error
    statuses = {f.path: f.status for f in report.files}
    assert statuses["__MACOSX/._notes"] == "ignored" and statuses[".DS_Store"] == "ignored"
    for outcome in report.files:
        assert outcome.status in {"parsed", "ignored"}, (outcome.path, outcome.status, outcome.reason)
        assert outcome.reason, outcome.path
        assert outcome.sha256 and len(outcome.sha256) == 64
    manifest = store.load_manifest(tmp_path / "store", report.export_id or "")
    assert manifest is not None and len(manifest["files"]) == len(report.files)


def test_every_handler_pattern_is_used_by_some_sample() -> None:
    paths = [p.relative_to(folder).as_posix() for folder in sample_folders()
             for p in folder.rglob("*") if p.is_file() and p.name != "README.md"]
    unused = [rule.pattern for module in PLATFORM_MODULES for rule in module.RULES
              if rule.handler is not None and not any(rule.matches(p) for p in paths)]
    assert unused == []
    assert all(rule.handler is None and rule.reason for rule in COMMON_RULES)


@pytest.mark.parametrize(("platform", "layout"), UBER_LAYOUTS)
def test_ingest_gives_back_exactly_the_simulated_truth(platform: str, layout: str, tmp_path: Path) -> None:
    truth = write_sample(platform, tmp_path / "export.zip", layout=layout, days=10, seed=11)
    assert truth.needs_tz == (f"{platform}-{layout}" in SAMPLE_ZONES)
    report = ingest_export(tmp_path / "export.zip", tmp_path / "store", worker="w1",
                           tz=truth.zone if truth.needs_tz else None, strict=True)
    assert report.status == "ingested", report.error
    assert report.platform == platform and report.layout == layout
    for table, expected in truth.expected.items():
        got = store.load_table(tmp_path / "store", table, worker="w1")
        columns = list(expected.columns)
        got = got[columns].sort_values(["source_file", "source_row"]).reset_index(drop=True)
        want = expected.sort_values(["source_file", "source_row"]).reset_index(drop=True)
        pd.testing.assert_frame_equal(got, want, check_dtype=False, check_exact=False, rtol=1e-9,
                                      obj=f"{layout}/{table}")
    filled = {t for t, n in report.rows.items() if n}
    assert filled == {t for t, e in truth.expected.items() if len(e)}


def test_same_export_twice_adds_nothing(tmp_path: Path) -> None:
    write_sample("uber", tmp_path / "a.zip", layout="sar-fr-2021", days=5, seed=3)
    first = ingest_export(tmp_path / "a.zip", tmp_path / "store")
    before = store_snapshot(tmp_path / "store")
    second = ingest_export(tmp_path / "a.zip", tmp_path / "store")
    assert first.status == "ingested" and second.status == "already_ingested"
    assert store_snapshot(tmp_path / "store") == before


def test_overlapping_exports_leave_no_duplicate_rows(tmp_path: Path) -> None:
    full = tmp_path / "full"
    truth = write_sample("uber", full, layout="sar-fr-2021", days=8, seed=5)
    partial = tmp_path / "partial"
    for path in full.rglob("*.csv"):  # an earlier response: the first half of every file
        target = partial / path.relative_to(full)
        target.parent.mkdir(parents=True, exist_ok=True)
        lines = path.read_bytes().splitlines(keepends=True)
        target.write_bytes(b"".join(lines[: max(1, len(lines) // 2)]))
    for order in ([partial, full], [full, partial]):
        root = tmp_path / f"store-{order[0].name}"
        reports = [ingest_export(p, root, worker="w") for p in order]
        assert [r.status for r in reports] == ["ingested", "ingested"]
        for table, expected in truth.expected.items():
            assert len(store.load_table(root, table, worker="w")) == len(expected), table


def test_local_times_without_zone_stop_and_ask_for_tz(tmp_path: Path) -> None:
    write_sample("uber", tmp_path / "p.zip", layout="portal-2022", days=4, seed=2)
    refused = ingest_export(tmp_path / "p.zip", tmp_path / "store")
    assert refused.status == "refused" and refused.error and refused.error["kind"] == "needs_timezone"
    assert "--tz" in refused.error["detail"]
    assert not any((tmp_path / "store").rglob("*.parquet"))
    done = ingest_export(tmp_path / "p.zip", tmp_path / "store", tz="America/Los_Angeles")
    assert done.status == "ingested"
    assert any(d["source"] == "user" and d["zone"] == "America/Los_Angeles" for d in done.tz_decisions)


def test_bad_zone_name_is_refused(tmp_path: Path) -> None:
    write_sample("uber", tmp_path / "p.zip", layout="portal-2022", days=2, seed=2)
    report = ingest_export(tmp_path / "p.zip", tmp_path / "store", tz="Mars/Olympus")
    assert report.status == "refused" and report.error and report.error["member"] == "--tz"


def test_unknown_and_broken_files_are_reported_and_the_rest_ingested(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    write_sample("uber", folder, layout="sar-fr-2021", days=4, seed=4)
    (folder / "FR-Paris" / "notes.txt").write_text("hello")
    payments = next(folder.rglob("*Driver Payments.csv"))
    payments.write_text("nothing;we;know\r\n1;2;3\r\n")
    report = ingest_export(folder, tmp_path / "store")
    assert report.status == "ingested"
    by_path = {f.path: f for f in report.files}
    assert by_path["FR-Paris/notes.txt"].status == "unknown"
    broken = by_path[payments.relative_to(folder).as_posix()]
    assert broken.status == "failed" and "classification" in broken.reason
    assert report.rows.get("jobs", 0) > 0 and "earnings" not in report.rows


def test_hostile_archive_refused_and_store_untouched(tmp_path: Path) -> None:
    write_sample("uber", tmp_path / "good.zip", layout="sar-fr-2021", days=3, seed=1)
    assert ingest_export(tmp_path / "good.zip", tmp_path / "store").status == "ingested"
    before = store_snapshot(tmp_path / "store")
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(tmp_path / "good.zip") as src, zipfile.ZipFile(evil, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("../../escape.csv", "a,b\n1,2\n")
    report = ingest_export(evil, tmp_path / "store")
    assert report.status == "refused" and report.error and report.error["kind"] == "hostile_archive"
    assert store_snapshot(tmp_path / "store") == before
    assert not (tmp_path.parent / "escape.csv").exists()


def test_corrupt_zip_refused(tmp_path: Path) -> None:
    write_sample("uber", tmp_path / "good.zip", layout="sar-fr-2021", days=3, seed=1)
    data = (tmp_path / "good.zip").read_bytes()
    (tmp_path / "cut.zip").write_bytes(data[: len(data) // 2])
    report = ingest_export(tmp_path / "cut.zip", tmp_path / "store")
    assert report.status == "refused" and report.error
    assert report.error["kind"] in {"corrupt_archive", "wrong_type"}


def test_export_without_known_files_is_refused_with_the_file_list(tmp_path: Path) -> None:
    folder = tmp_path / "x"
    folder.mkdir()
    (folder / "holiday.csv").write_text("a,b\n1,2\n")
    report = ingest_export(folder, tmp_path / "store")
    assert report.status == "refused" and report.error and report.error["kind"] == "unknown_platform"
    assert [f.status for f in report.files] == ["unknown"]


def test_manifest_records_files_decisions_and_stored_rows(tmp_path: Path) -> None:
    write_sample("ubereats", tmp_path / "e.zip", layout="sar-eats-2025", days=5, seed=9)
    report = ingest_export(tmp_path / "e.zip", tmp_path / "store", worker="courier")
    manifest = store.load_manifest(tmp_path / "store", report.export_id or "")
    assert manifest is not None
    assert manifest["platform"] == "ubereats" and manifest["worker_id"] == "courier"
    assert manifest["tz_decisions"], "local times were placed without a recorded decision"
    for table, info in manifest["tables"].items():
        assert table in TABLES and info["rows"] == report.stored[table]["rows"]
    assert json.loads(json.dumps(manifest)) == manifest
    assert store.verify(tmp_path / "store") == []
