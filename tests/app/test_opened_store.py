"""`gigdata app --store DIR`: each window starts with a copy of DIR's data, and DIR is never changed."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP
from toolkit import store as store_mod


def snapshot(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and p.name != ".lock"}


def test_a_window_opens_on_a_copy_of_the_given_store_and_deleting_keeps_the_original(
    template_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIGDATA_APP_STORE", str(template_store))
    before = snapshot(template_store)
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.run()
    assert not at.exception
    session = Path(at.session_state["_gigdata_store"])
    assert session != template_store
    assert store_mod.table_counts(session).equals(store_mod.table_counts(template_store))
    at.switch_page("pages/overview.py").run()
    assert not at.exception and at.metric, "the Overview shows the opened store's figures"
    at.switch_page("pages/start.py").run()
    at.button(key="delete-confirm").click().run()
    assert not session.exists()
    fresh = Path(at.session_state["_gigdata_store"])
    assert store_mod.list_manifests(fresh) == [], "deleted data must not come back from --store"
    assert snapshot(template_store) == before
