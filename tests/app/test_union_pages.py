"""The union pages of the app: a member shares from "Share with my union" (consent per table, an encrypted
file and a receipt) and the union files and reads members on "Union pool" (AppTest, the real pages)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.toolkit.pool.members import PASSPHRASE, member_store, share_file
from toolkit.pool import Pool
from toolkit.pool.keys import pool_public, public_code
from toolkit.store import load_table


def _clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_member_shares_only_the_tables_they_tick(app_on: Callable[..., AppTest], tmp_path: Path,
                                                   lang: str) -> None:
    pool, code = Pool.init(tmp_path / "pool", PASSPHRASE)
    at = app_on("share", lang=lang)
    _clean(at)
    assert at.button(key="share-make").proto.disabled  # no key yet: nothing can be made
    at.text_input(key="share-key").input(code).run()
    _clean(at)
    assert code in " ".join(s.value for s in at.success)
    boxes = {b.key: b for b in at.checkbox}
    assert {"share-jobs", "share-earnings"} <= set(boxes)
    assert not any(b.value for b in boxes.values())  # nothing is ticked for the member
    at.checkbox(key="share-jobs").check()
    at.checkbox(key="share-earnings").check().run()
    at.button(key="share-make").click().run()
    _clean(at)
    _, data, receipt = at.session_state["_gigdata_bundle"]
    assert sorted(receipt["tables"]) == ["earnings", "jobs"]
    bundle = tmp_path / "from-the-app.gdb"
    bundle.write_bytes(data)
    [added] = pool.add([bundle], PASSPHRASE)
    assert added.status == "added"
    assert set(added.rows) == {"earnings", "jobs"}
    assert len(load_table(pool.store, "jobs")) == receipt["tables"]["jobs"]["rows"]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_union_page_makes_a_pool_lists_members_and_withdraws(app_on: Callable[..., AppTest],
                                                                 tmp_path: Path, lang: str) -> None:
    folder = tmp_path / "pool"
    os.environ["GIGDATA_POOL"] = str(folder)
    try:
        at = app_on("union", lang=lang)
        _clean(at)
        at.text_input(key="union-pass").input(PASSPHRASE)
        at.text_input(key="union-pass-again").input(PASSPHRASE)
        at.text_input(key="union-name").input("Syndicat")
        at.button(key="union-make").click().run()
        _clean(at)
        assert public_code(pool_public(folder)) in [c.value for c in at.code]
        pool = Pool(folder)
        stores = [member_store(tmp_path, f"m{i}", days=7, seed=70 + i) for i in range(6)]
        pool.add([share_file(s, f"m{i}", folder / "union.pub", tmp_path / f"m{i}.gdb")
                  for i, s in enumerate(stores)], PASSPHRASE)
        at.run()
        _clean(at)
        frames = [d.value for d in at.dataframe]
        members = frames[0]
        assert len(members) == 6
        years = frames[1]
        assert years.iloc[0, 1] == "6"  # six members: released in the union's own view (k = 5)
        assert len(frames[-1]) == 6  # one line per member, by pseudonym, in the internal view only
        assert any("20" in i.value for i in at.info)  # the pack waits for 20 members
        leaving = members.iloc[0, 0]
        at.selectbox(key="union-withdraw-who").select(leaving).run()
        at.button(key="union-withdraw").click().run()
        _clean(at)
        assert leaving not in pool.member_ids() and len(pool.member_ids()) == 5
        log = [json.loads(line)["event"] for line in (folder / "log.jsonl").read_text().splitlines()]
        assert log[0] == "init" and "withdrawn" in log
    finally:
        os.environ.pop("GIGDATA_POOL", None)
