"""A union's pool, end to end: keys, share, add, refusals, one person counted once, withdrawal, what leaves.

Every member is a simulated worker with their own store (`members.py`); bundles go through the real
minimisation, sealing and checks.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from tests.toolkit.pool.members import (
    CANARIES,
    PASSPHRASE,
    member_store,
    plant_canaries,
    share_file,
    tree_digest,
)
from toolkit.cli import app
from toolkit.errors import PoolError
from toolkit.geo import distance_m, home_anchor
from toolkit.pool import Pool
from toolkit.pool.keys import UnlockedKeys, parse_public, public_code, unlock
from toolkit.pool.minimise import looks_like_code
from toolkit.store import list_manifests, load_table

runner = CliRunner(env={"COLUMNS": "200", "GIGDATA_POOL_PASSPHRASE": PASSPHRASE})


@pytest.fixture(scope="module")
def union(tmp_path_factory: pytest.TempPathFactory) -> tuple[Pool, UnlockedKeys]:
    pool, _ = Pool.init(tmp_path_factory.mktemp("union") / "pool", PASSPHRASE, "test union")
    return pool, unlock(pool.folder, PASSPHRASE)


def test_the_public_code_survives_a_flyer_and_a_typo_is_caught() -> None:
    key = hashlib.sha256(b"k").digest()
    code = public_code(key)
    assert parse_public(code.lower().replace("-", " - ")) == key
    typo = code[:-1] + ("A" if code[-1] != "A" else "B")
    with pytest.raises(PoolError, match="checksum"):
        parse_public(typo)
    with pytest.raises(PoolError, match="not a union's public key"):
        parse_public("hello")


def test_pseudonyms_are_keyed_and_the_keys_need_the_passphrase(union: tuple[Pool, UnlockedKeys],
                                                               tmp_path: Path) -> None:
    pool, keys = union
    other = UnlockedKeys(keys.private, b"\x07" * 32)
    assert keys.pseudonym("id:uber:abc") == keys.pseudonym("id:uber:abc")
    assert keys.pseudonym("id:uber:abc") != other.pseudonym("id:uber:abc")
    assert keys.pseudonym("id:uber:abc") not in hashlib.sha256(b"id:uber:abc").hexdigest()
    with pytest.raises(PoolError, match="wrong passphrase"):
        unlock(pool.folder, "not the passphrase")
    for name in ("private.key", "pool.key"):  # neither secret is on disk in clear
        text = (pool.folder / "keys" / name).read_bytes()
        assert keys.private not in text and keys.pool_key not in text
    with pytest.raises(PoolError, match="not empty"):
        Pool.init(pool.folder, PASSPHRASE)


def test_codes_leave_and_free_text_does_not() -> None:
    for code in ("consecutiveReject", "transport.fare", "UberX", "en route", "Roofoods Ltd"):
        assert looks_like_code(code), code
    for text in ("canary@example.org", "+44 7700 900123", "AB12 CDE", "203.0.113.77", "12 rue de la Paix",
                 "please call me back tomorrow about the fine you gave me"):
        assert not looks_like_code(text), text


def _every_text(folder: Path) -> str:
    """Every byte written under `folder`, Parquet files read back as their values (they are compressed)."""
    parts = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix == ".parquet":
            parts.append(pq.read_table(path).to_pandas().astype(str).to_csv())
            parts.append(json.dumps({k.decode(): v.decode(errors="replace")
                                     for k, v in (pq.read_schema(path).metadata or {}).items()}))
        else:
            parts.append(path.read_bytes().decode("utf-8", errors="replace"))
        parts.append(path.name)
    return "\n".join(parts)


def test_no_planted_identifier_reaches_anything_the_union_writes(tmp_path: Path) -> None:
    from parsers.ingest import ingest_export
    from toolkit.samples import layout_params, write_sample

    export = tmp_path / "Zephyrine_Canarywood_uber"
    write_sample("uber", export, layout="sar-fr-2021",
                 params=layout_params("uber", "sar-fr-2021", days=10, seed=4))
    plant_canaries(export)
    store = tmp_path / "store"
    assert ingest_export(export, store, worker="Zephyrine").status == "ingested"
    pool, _ = Pool.init(tmp_path / "pool", PASSPHRASE)
    bundle = share_file(store, "Zephyrine", pool.folder / "union.pub", tmp_path / "Zephyrine.gdb")
    [added] = pool.add([bundle], PASSPHRASE)
    assert added.status == "added", added.message
    internal = runner.invoke(app, ["pool", "metrics", str(pool.folder), "--internal", "--json"])
    assert internal.exit_code == 0, internal.output
    table = runner.invoke(app, ["pool", "metrics", str(pool.folder), "--internal"])
    members = runner.invoke(app, ["pool", "members", str(pool.folder), "--json"])
    written = "\n".join([_every_text(pool.folder), internal.output, table.output, members.output])
    for canary in CANARIES:
        assert canary.lower() not in written.lower(), canary
    assert load_table(pool.store, "jobs")["worker_id"].unique().tolist() == [added.member]
    assert load_table(pool.store, "sanctions")["rule"].isna().any()  # the free-text rule was removed


KEY = ["export_id", "source_file", "source_row"]


def _as_shared_files(store: Path, frame: pd.DataFrame) -> pd.DataFrame:
    """The worker's own rows with `source_file` named as a bundle names it (the file's SHA-256 prefix)."""
    from toolkit.store import list_manifests

    named = {(m["export_id"], f["path"]): f["sha256"] for m in list_manifests(store) for f in m["files"]}
    return frame.assign(source_file=["sha256:" + named[(e, f)][:16]
                                     for e, f in zip(frame["export_id"], frame["source_file"], strict=True)])


def test_home_is_masked_and_cannot_be_placed_within_500_m(tmp_path: Path) -> None:
    home = (34.0300, -118.2000)
    store = member_store(tmp_path, "gps", layout="portal-2025", days=10, seed=5, gps_every_s=20.0,
                         home_lat=home[0], home_lon=home[1])
    pool, _ = Pool.init(tmp_path / "pool", PASSPHRASE)
    [added] = pool.add([share_file(store, "gps", pool.folder / "union.pub", tmp_path / "b.gdb")], PASSPHRASE)
    shared = load_table(pool.store, "locations")
    original = _as_shared_files(store, load_table(store, "locations"))
    assert 0 < len(shared) < len(original)
    joined = shared.merge(original, on=KEY, suffixes=("", "_true"))
    assert len(joined) == len(shared)
    # every shared fix was more than 500 m from home before it left, and leaves as a cell centre
    assert (distance_m(joined["lat_true"], joined["lon_true"], *home) > 500).all()
    assert (distance_m(joined["lat"], joined["lon"], joined["lat_true"], joined["lon_true"]) < 600).all()
    assert (original["lat"].round(6).isin(shared["lat"].round(6))).mean() < 0.01
    for table, pairs in (("jobs", [("pickup_lat", "pickup_lon"), ("dropoff_lat", "dropoff_lon")]),):
        jobs, truth = load_table(pool.store, table), _as_shared_files(store, load_table(store, table))
        both = jobs.merge(truth, on=KEY, suffixes=("", "_true"))
        for lat, lon in pairs:
            kept = both[both[lat].notna()]
            assert (distance_m(kept[f"{lat}_true"], kept[f"{lon}_true"], *home) > 500).all()
    segments = load_table(pool.store, "status_segments")
    guess = home_anchor(shared, segments, "America/Los_Angeles")  # the natural attack on the pool's data
    assert guess is None or distance_m(guess[0], guess[1], *home) > 500
    assert added.member is not None


def test_a_changed_cut_foreign_or_replayed_bundle_is_refused_and_the_pool_is_unchanged(
        union: tuple[Pool, UnlockedKeys], tmp_path: Path) -> None:
    pool, keys = union
    store = member_store(tmp_path, "refused", days=7, seed=11)
    good = share_file(store, "refused", pool.folder / "union.pub", tmp_path / "good.gdb")
    elsewhere, _ = Pool.init(tmp_path / "other-pool", PASSPHRASE)
    foreign = share_file(store, "refused", elsewhere.folder / "union.pub", tmp_path / "foreign.gdb")
    data = good.read_bytes()
    changed = tmp_path / "changed.gdb"
    changed.write_bytes(data[:5000] + bytes([data[5000] ^ 1]) + data[5001:])
    cut = tmp_path / "cut.gdb"
    cut.write_bytes(data[: len(data) // 2])
    other = tmp_path / "notes.txt"
    other.write_text("not a bundle")
    [first] = pool.add([good], keys=keys)
    assert first.status == "added"
    replay = tmp_path / "copy.gdb"
    replay.write_bytes(data)
    before = tree_digest(pool.folder)
    results = pool.add([changed, cut, foreign, other, good, replay], keys=keys)
    assert [r.status for r in results] == ["refused"] * 6
    assert "cannot be opened with this pool's key" in results[0].message
    assert "cannot be opened" in results[1].message and "cannot be opened" in results[2].message
    assert "not a gigdata bundle" in results[3].message
    assert "already added" in results[4].message and "already added" in results[5].message
    assert all(r.file in r.message for r in results)
    assert tree_digest(pool.folder) == before
    log = [json.loads(line) for line in (pool.folder / "log.jsonl").read_text().splitlines()]
    assert [e["event"] for e in log[-6:]] == ["refused"] * 6


def test_the_same_export_under_two_names_is_one_member_said_so(union: tuple[Pool, UnlockedKeys],
                                                              tmp_path: Path) -> None:
    from parsers.ingest import ingest_export
    from toolkit.samples import write_sample

    pool, keys = union
    export = tmp_path / "export.zip"
    write_sample("uber", export, days=7, seed=21)
    bundles = []
    for name in ("amina", "amina-k"):  # one person, filed twice under two names
        store = tmp_path / name
        assert ingest_export(export, store, worker=name).status == "ingested"
        bundles.append(share_file(store, name, pool.folder / "union.pub", tmp_path / f"{name}.gdb"))
    count = len(pool.members())
    first, second = pool.add(bundles, keys=keys)
    assert first.status == "added" and second.status == "merged"
    assert second.member == first.member and "one person counted once" in second.message
    assert len(pool.members()) == count + 1
    rows = {m["member"]: m["rows"] for m in pool.members()}[first.member]
    assert rows["jobs"] == len(load_table(tmp_path / "amina", "jobs"))  # not twice


def test_a_failure_while_filing_leaves_the_pool_as_it_was(union: tuple[Pool, UnlockedKeys], tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from parsers.ingest import ingest_export
    from toolkit.samples.deliveroo import write_deliveroo_sample
    from toolkit.store import ExportWriter

    pool, keys = union
    store = member_store(tmp_path, "two", days=7, seed=31)
    write_deliveroo_sample(tmp_path / "invoices", language="fr-FR", invoices=1, seed=31)
    assert ingest_export(tmp_path / "invoices", store, worker="two").status == "ingested"
    bundle = share_file(store, "two", pool.folder / "union.pub", tmp_path / "two.gdb")
    before = tree_digest(pool.folder)
    real = ExportWriter.commit
    calls = []

    def failing(self: ExportWriter, manifest: dict) -> dict:  # type: ignore[type-arg]
        calls.append(self.export_id)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(self, manifest)

    monkeypatch.setattr(ExportWriter, "commit", failing)
    [result] = pool.add([bundle], keys=keys)
    assert result.status == "refused" and "No space left" in result.message
    assert "the pool is as it was" in result.message
    assert tree_digest(pool.folder) == before
    monkeypatch.setattr(ExportWriter, "commit", real)
    [again] = pool.add([bundle], keys=keys)
    assert again.status == "added" and set(again.rows) >= {"jobs", "statements"}


def test_withdraw_removes_a_member_and_their_bundle_stays_refused(union: tuple[Pool, UnlockedKeys],
                                                                 tmp_path: Path) -> None:
    pool, keys = union
    store = member_store(tmp_path, "leaving", days=7, seed=41)
    bundle = share_file(store, "leaving", pool.folder / "union.pub", tmp_path / "leaving.gdb")
    [added] = pool.add([bundle], keys=keys)
    assert added.member in pool.member_ids()
    receipt_id = pool.register()["members"][added.member]["bundles"][0]
    done = runner.invoke(app, ["pool", "withdraw", str(pool.folder), receipt_id])  # by the receipt's id
    assert done.exit_code == 0, done.output
    assert added.member in done.output and "jobs" in done.output
    assert added.member not in pool.member_ids()
    for table in ("jobs", "earnings", "status_segments"):
        assert added.member not in load_table(pool.store, table)["worker_id"].unique()
    [replayed] = pool.add([bundle], keys=keys)
    assert replayed.status == "refused" and "withdrawn" in replayed.message
    kept = pool.register()["bundles"][receipt_id]  # only what refuses a replay stays: no file hashes
    assert kept["exports"] == [] and kept["tables"] == {} and added.member not in pool.register()["members"]
    again = runner.invoke(app, ["pool", "withdraw", str(pool.folder), added.member])
    assert again.exit_code == 2 and "withdrawn on" in again.output


def test_the_command_line_share_asks_per_table_and_writes_a_receipt(tmp_path: Path) -> None:
    store = member_store(tmp_path, "cli", days=7, seed=51)
    made = runner.invoke(app, ["pool", "init", str(tmp_path / "pool"), "--name", "Syndicat test"])
    assert made.exit_code == 0, made.output
    code = next(w for w in made.output.split() if w.startswith("GDU1-"))
    out = tmp_path / "me.gdb"
    tables = ["status_segments", "jobs", "offer_windows", "earnings", "sanctions"]
    answers = "\n".join("y" if t in ("jobs", "earnings") else "n" for t in tables) + "\n"
    shared = runner.invoke(app, ["share", "--store", str(store), "--to", code, "--out", str(out)],
                           input=answers)
    assert shared.exit_code == 0, shared.output
    assert "rows would leave" in shared.output and "extra" not in shared.output.split("columns:")[1][:400]
    receipt = json.loads((tmp_path / "me.gdb.receipt.json").read_text())
    assert sorted(receipt["tables"]) == ["earnings", "jobs"]
    assert receipt["bundle_sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    added = runner.invoke(app, ["pool", "add", str(tmp_path / "pool"), str(out)])
    assert added.exit_code == 0 and "added" in added.output
    listed = json.loads(runner.invoke(app, ["pool", "members", str(tmp_path / "pool"), "--json"]).output)
    assert sorted(listed[0]["rows"]) == ["earnings", "jobs"]
    refused = runner.invoke(app, ["pool", "metrics", str(tmp_path / "pool")])
    assert refused.exit_code == 2 and "from 20 members on" in refused.output
    lowered = runner.invoke(app, ["pool", "metrics", str(tmp_path / "pool"), "--internal", "--k", "3"])
    assert lowered.exit_code == 2 and "can only be raised" in lowered.output
    nothing = runner.invoke(app, ["share", "--store", str(store), "--to", code, "--out", str(tmp_path / "x")],
                            input="n\n" * 5)
    assert nothing.exit_code == 1 and not (tmp_path / "x").exists()


def test_shared_times_are_minutes_and_ids_are_not_the_platforms(tmp_path: Path) -> None:
    store = member_store(tmp_path, "ids", layout="portal-2025", days=7, seed=61, gps_every_s=0.0)
    pool, _ = Pool.init(tmp_path / "pool", PASSPHRASE)
    pool.add([share_file(store, "ids", pool.folder / "union.pub", tmp_path / "b.gdb")], PASSPHRASE)
    own, shared = load_table(store, "earnings"), load_table(pool.store, "earnings")
    assert own["job_id"].notna().any()
    assert not set(own["job_id"].dropna()) & set(shared["job_id"].dropna())
    assert shared["extra"].isna().all() and shared["source_file"].str.startswith("sha256:").all()
    stamps = pd.to_datetime(shared["earned_at"].dropna())
    assert (stamps.dt.second == 0).all() and (stamps.dt.microsecond == 0).all()


def test_a_bundle_compressed_inside_is_refused_as_a_possible_bomb(union: tuple[Pool, UnlockedKeys],
                                                                 tmp_path: Path) -> None:
    import io
    import zipfile

    from nacl.public import PublicKey, SealedBox

    from toolkit.pool.bundle import FORMAT, MAGIC
    from toolkit.pool.keys import pool_public

    pool, keys = union
    inner = io.BytesIO()
    blob = b"\0" * 5_000_000  # compresses to a few kB: what a bomb looks like
    with zipfile.ZipFile(inner, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bundle.json", json.dumps({
            "format": FORMAT, "bundle_id": "bomb", "created_at": "2026-12-03", "identity": {"kind": "content",
                                                                                          "values": ["x"]},
            "exports": [], "tables": {"jobs": {"rows": 1, "sha256": hashlib.sha256(blob).hexdigest()}}}),
            compress_type=zipfile.ZIP_STORED)
        archive.writestr("tables/jobs.parquet", blob)
    bomb = tmp_path / "bomb.gdb"
    bomb.write_bytes(MAGIC + bytes(SealedBox(PublicKey(pool_public(pool.folder))).encrypt(inner.getvalue())))
    before = tree_digest(pool.folder)
    [result] = pool.add([bomb], keys=keys)
    assert result.status == "refused" and "compressed" in result.message
    assert tree_digest(pool.folder) == before


def test_every_bundled_sample_can_be_shared_and_filed(union: tuple[Pool, UnlockedKeys],
                                                     tmp_path: Path) -> None:
    from parsers.ingest import ingest_export
    from toolkit.samples import SAMPLE_ZONES
    from toolkit.store import table_counts

    pool, keys = union
    folder = Path(__file__).resolve().parents[3] / "sample_exports"
    samples = sorted(p for p in folder.iterdir() if p.is_dir())
    assert len(samples) >= 10
    for sample in samples:
        store = tmp_path / sample.name
        report = ingest_export(sample, store, worker="me", tz=SAMPLE_ZONES.get(sample.name))
        assert report.status == "ingested", (sample.name, report.error)
        bundle = share_file(store, "me", pool.folder / "union.pub", tmp_path / f"{sample.name}.gdb")
        [added] = pool.add([bundle], keys=keys)
        assert added.status in ("added", "merged"), (sample.name, added.message)
        own = table_counts(store).groupby("table")["rows"].sum().to_dict()
        shared = {t: n for t, n in own.items() if t != "locations"}  # GPS fixes near home or shift ends stay
        assert {t: added.rows.get(t) for t in shared} == shared, sample.name
        pool.withdraw(added.member)  # the samples share simulated riders: each is filed on its own


def test_kept_figures_equal_a_fresh_computation_and_follow_what_they_depend_on(tmp_path: Path) -> None:
    from parsers.ingest import ingest_export
    from toolkit.pool.figures import _member_rows, kept_figures
    from toolkit.samples import write_sample

    pool, _ = Pool.init(tmp_path / "pool", PASSPHRASE)
    keys = unlock(pool.folder, PASSPHRASE)
    export = tmp_path / "export.zip"
    write_sample("uber", export, days=9, seed=77)
    stores = {}
    for name in ("ines", "ines-b"):  # one export filed under two names: the second is a merge
        stores[name] = tmp_path / name
        assert ingest_export(export, stores[name], worker=name).status == "ingested"
    other = member_store(tmp_path, "omar", days=9, seed=78)
    first = pool.add([share_file(stores["ines"], "ines", pool.folder / "union.pub", tmp_path / "i.gdb"),
                      share_file(other, "omar", pool.folder / "union.pub", tmp_path / "o.gdb")], keys=keys)
    computed = kept_figures(pool)
    assert computed.computed == 2
    for pid in pool.member_ids():  # what is kept is what the read layer gives, row for row
        rows, facts = _member_rows(pool.store, pid, None)
        fresh = pd.DataFrame(rows, columns=computed.months.columns)
        own = computed.months[computed.months["member"] == pid].reset_index(drop=True)
        pd.testing.assert_frame_equal(own, fresh, check_dtype=False)
        assert computed.facts[pid] == facts
    again = kept_figures(pool)
    assert again.computed == 0
    pd.testing.assert_frame_equal(again.months, computed.months, check_dtype=False)
    # a damaged kept file is computed again, not trusted
    (pool.folder / "figures" / f"{first[1].member}.parquet").write_bytes(b"not parquet")
    assert kept_figures(pool).computed == 1
    # another costs file: every member again
    costs = tmp_path / "costs.toml"
    costs.write_text("[costs]\nmonthly_fixed = 40.0\n", encoding="utf-8")
    assert kept_figures(pool, costs).computed == 2
    assert kept_figures(pool).computed == 2  # one set kept per member: the last one asked for
    # the same person sending more: that member again
    [merged] = pool.add([share_file(stores["ines-b"], "ines-b", pool.folder / "union.pub",
                                    tmp_path / "ib.gdb")], keys=keys)
    assert merged.status == "merged"
    assert kept_figures(pool).computed == 1
    # withdrawal removes the kept figures with the data
    pool.withdraw(first[1].member)
    assert not (pool.folder / "figures" / f"{first[1].member}.parquet").exists()
    assert kept_figures(pool).computed == 0
    assert first[1].member not in set(kept_figures(pool).months["member"])


def test_one_person_filed_again_from_other_files_is_found_by_their_pay_lines(
        union: tuple[Pool, UnlockedKeys], tmp_path: Path) -> None:
    from parsers.ingest import ingest_export
    from toolkit.samples import write_sample

    pool, keys = union
    first, again = tmp_path / "first", tmp_path / "again"
    write_sample("uber", first, days=10, seed=61)
    write_sample("uber", again, days=10, seed=61)
    for export in (first, again):  # an export naming no driver id: the member is known by its files
        for path in export.rglob("*Dispatches*.csv"):
            path.unlink()
    for path in again.rglob("*.csv"):  # the same rows, other bytes (as a re-download or a re-save makes)
        data = path.read_bytes()
        path.write_bytes(data.replace(b"\r\n", b"\n") if b"\r\n" in data else data.replace(b"\n", b"\r\n"))
    bundles = []
    for name, export in (("sam", first), ("samuel", again)):
        store = tmp_path / f"{name}-store"
        assert ingest_export(export, store, worker=name).status == "ingested"
        bundles.append(share_file(store, name, pool.folder / "union.pub", tmp_path / f"{name}.gdb"))
    one, two = pool.add(bundles, keys=keys)
    assert one.status == "added" and two.status == "merged", two.message
    assert two.member == one.member and "pay lines are already filed" in two.message
    assert "counted once" in two.message
    log = [json.loads(line) for line in (pool.folder / "log.jsonl").read_text().splitlines()]
    assert log[-1]["event"] == "added" and "pay lines" in log[-1]["merged"]  # for the data steward
    other = member_store(tmp_path, "someone-else", days=10, seed=62)
    [third] = pool.add([share_file(other, "someone-else", pool.folder / "union.pub", tmp_path / "e.gdb")],
                       keys=keys)
    assert third.status == "added" and third.member != one.member


def test_files_without_rows_never_link_two_people(union: tuple[Pool, UnlockedKeys], tmp_path: Path) -> None:
    pool, keys = union
    # simulated drivers whose exports hold byte-identical files without rows (a header alone, e.g. no
    # restriction): once taken for one person filed twice
    stores = {i: member_store(tmp_path, f"d{i}", days=5, seed=500 + i) for i in (0, 6, 19)}
    files = [{f["sha256"] for m in list_manifests(s) for f in m["files"]} for s in stores.values()]
    assert files[0] & files[1] or files[0] & files[2] or files[1] & files[2]  # the trap is there
    added = pool.add([share_file(s, f"d{i}", pool.folder / "union.pub", tmp_path / f"d{i}.gdb")
                      for i, s in stores.items()], keys=keys)
    assert [a.status for a in added] == ["added"] * 3, [a.message for a in added]
    assert len({a.member for a in added}) == 3
