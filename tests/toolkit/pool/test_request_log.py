"""The union's request log: members' access requests travel in their bundle (dates and codes only), are
filed under the member's pseudonym, replaced by a later share, refused when tampered, gone on withdrawal."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.toolkit.pool.members import PASSPHRASE, member_store, share_file, tree_digest
from toolkit.access import union_log
from toolkit.access.check import check
from toolkit.access.tracker import add_request, update_request
from toolkit.cli import app
from toolkit.i18n import Translator
from toolkit.pool import Pool
from toolkit.pool.bundle import build
from toolkit.pool.keys import read_public, unlock
from toolkit.pool.minimise import minimise
from toolkit.selection import export_zone

runner = CliRunner(env={"COLUMNS": "220", "GIGDATA_POOL_PASSPHRASE": PASSPHRASE})
SECRET_NOTE = "called the DPO, Mrs Canary-4471"


def _requests(store: Path, worker: str) -> None:
    today = date(2026, 12, 1)
    late = add_request(store, platform="uber", ground="art15", sent=date(2026, 1, 31), via="webform",
                       worker=worker, proof="receipt REF-998877", today=today)
    update_request(store, late.id, today=today, answered=date(2026, 3, 20), answer_language="en",
                   notes=SECRET_NOTE, extension_reason=SECRET_NOTE)
    add_request(store, platform="uber", ground="art22", sent=date(2026, 9, 1), via="email", worker=worker,
                today=today)


def test_requests_are_filed_by_pseudonym_without_free_text(tmp_path: Path) -> None:
    pool, _ = Pool.init(tmp_path / "pool", PASSPHRASE, "log union")
    keys = unlock(pool.folder, PASSPHRASE)
    store = member_store(tmp_path, "asker", days=7, seed=61)
    _requests(store, "asker")
    bundle = share_file(store, "asker", pool.folder / "union.pub", tmp_path / "asker.gdb")
    [added] = pool.add([bundle], keys=keys)
    assert added.status == "added", added.message
    rows = union_log.log(pool.store, date(2026, 12, 4), pool.member_ids())
    assert [(r["worker"], r["ground"], r["status"], r["late"]) for r in rows] == [
        (added.member, "art15", "answered_late", True), (added.member, "art22", "overdue", False)]
    member_gaps = [g.item for g in check(store, worker="asker")]
    assert rows[0]["missing"] == member_gaps and rows[1]["missing"] == []  # unanswered: nothing to lack
    assert rows[0]["answer_language"] == "en"
    s = union_log.summary(rows)
    assert (s["sent"], s["answered"], s["late"], s["overdue"], s["incomplete"]) == (2, 1, 1, 1, 1)
    stored = "".join(p.read_text(errors="replace") for p in pool.folder.rglob("*") if p.is_file()
                     and p.suffix in (".json", ".jsonl"))
    assert "Canary-4471" not in stored and "REF-998877" not in stored and "asker" not in stored
    listed = runner.invoke(app, ["pool", "requests", str(pool.folder), "--json"])
    assert listed.exit_code == 0, listed.output
    assert json.loads(listed.output)["requests"] == json.loads(json.dumps(rows))
    table = runner.invoke(app, ["pool", "requests", str(pool.folder), "--lang", "fr"])
    assert table.exit_code == 0 and "répondue en retard" in table.output and added.member in table.output
    assert union_log.summary_text(rows, Translator("fr")) in " ".join(table.output.split())
    # a later share replaces the member's list; withdrawal removes it
    add_request(store, platform="wolt", ground="art20", sent=date(2026, 11, 20), via="email", worker="asker",
                today=date(2026, 12, 1))
    again = share_file(store, "asker", pool.folder / "union.pub", tmp_path / "asker-2.gdb")
    pool.add([again], keys=keys)
    assert len(union_log.log(pool.store, date(2026, 12, 4), pool.member_ids())) == 3
    only_wolt = minimise(store, "asker", platform="wolt", zone=export_zone(store, "asker").zone)
    assert [r["platform"] for r in only_wolt.requests] == ["wolt"]
    data, _ = build(only_wolt, read_public(pool.folder / "union.pub"), "test")
    (tmp_path / "asker-wolt.gdb").write_bytes(data)
    pool.add([tmp_path / "asker-wolt.gdb"], keys=keys)  # a share of one platform keeps the others' requests
    assert len(union_log.log(pool.store, date(2026, 12, 4), pool.member_ids())) == 3
    pool.withdraw(added.member)
    assert union_log.log(pool.store, date(2026, 12, 4)) == []


@pytest.mark.parametrize("tamper", [
    {"notes": "free text"},                      # a field members never share
    {"platform": "doordash"},                    # not a platform on record
    {"missing": ["status_log", "salary"]},       # outside the vocabulary
    {"sent": "31/01/2026"},                      # not an ISO day
    {"answer_language": "<script>"},             # not a language code
    {"answer_language": "fr (Jean D.)"},         # free text in the language field
    {"sent": None},                              # no day sent: the log could not place it
    {"platform": ["uber"]},                      # not text
    {"missing": [["status_log"]]},               # not a list of items
    {"answered": "2020-01-01"},                  # answered before it was sent
])
def test_a_tampered_request_refuses_the_bundle(tmp_path: Path, tamper: dict) -> None:
    pool, _ = Pool.init(tmp_path / "pool", PASSPHRASE, "strict union")
    keys = unlock(pool.folder, PASSPHRASE)
    store = member_store(tmp_path, "m", days=7, seed=62)
    _requests(store, "m")
    done = minimise(store, "m", zone=export_zone(store, "m").zone)
    done.requests[0] = {**done.requests[0], **tamper}
    data, _ = build(done, read_public(pool.folder / "union.pub"), "test")
    (tmp_path / "bad.gdb").write_bytes(data)
    before = tree_digest(pool.folder)
    [refused] = pool.add([tmp_path / "bad.gdb"], keys=keys)
    assert refused.status == "refused" and "bad.gdb: request 1" in refused.message
    assert tree_digest(pool.folder) == before
