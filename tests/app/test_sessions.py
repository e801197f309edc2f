"""Windows' stores on disk (pages.sessions): found again by their token, removed when idle, when their
window is closed, and at server start; nothing outside the sessions' folder is ever touched."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from pages import sessions


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path / sessions.SEEN, (then, then))


def test_a_token_finds_only_its_own_folder(tmp_path: Path) -> None:
    store = sessions.new_store(tmp_path)
    assert oct(store.stat().st_mode & 0o777) == "0o700"
    assert sessions.find_store(tmp_path, store.name) == store
    for hostile in ("..", "../" + store.name, store.name + "/x", "", "a" * 22, store.name.upper() + "!"):
        assert sessions.find_store(tmp_path, hostile) is None, hostile


def test_idle_closed_and_open_windows(tmp_path: Path) -> None:
    idle, closed, open_, reloaded = (sessions.new_store(tmp_path) for _ in range(4))
    sessions.touch(idle, "a")
    _age(idle, 2000)
    sessions.touch(closed, "gone")
    _age(closed, 100)
    sessions.touch(open_, "b")
    _age(open_, 1000)  # connected, reading for a while: kept until the idle time
    sessions.touch(reloaded, "gone")  # its window closed a moment ago: a reload may still adopt it
    removed = sessions.reap(tmp_path, idle_s=1800, active={"a", "b"}, grace_s=90)
    assert sorted(removed) == sorted([idle, closed])
    assert open_.is_dir() and reloaded.is_dir()


def test_without_the_servers_sessions_only_the_idle_time_counts(tmp_path: Path) -> None:
    store = sessions.new_store(tmp_path)
    sessions.touch(store, "gone")
    _age(store, 600)
    assert sessions.reap(tmp_path, idle_s=1800, active=None) == []
    _age(store, 1900)
    assert sessions.reap(tmp_path, idle_s=1800, active=None) == [store]


def test_the_reaper_follows_no_link_and_leaves_other_names_alone(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious.txt").write_text("keep")
    root = tmp_path / "root"
    root.mkdir()
    link = root / ("x" * 22)
    link.symlink_to(outside, target_is_directory=True)
    (root / "notes").mkdir()
    assert sessions.reap(root, idle_s=0.0, active=set(), now=time.time() + 10_000) == []
    assert (outside / "precious.txt").read_text() == "keep" and (root / "notes").is_dir()


def test_the_sessions_folder_must_be_this_users_and_not_a_link(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "elsewhere"
    target.mkdir()
    (tmp_path / "link").symlink_to(target, target_is_directory=True)
    monkeypatch.setenv(sessions.ROOT_ENV, str(tmp_path / "link"))
    with pytest.raises(PermissionError):
        sessions.sessions_root()
    monkeypatch.setenv(sessions.ROOT_ENV, str(tmp_path / "fresh"))
    assert oct(sessions.sessions_root().stat().st_mode & 0o777) == "0o700"


def test_the_idle_time_comes_from_the_environment_or_the_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(sessions.IDLE_ENV, raising=False)
    assert sessions.idle_seconds(30) == 1800
    monkeypatch.setenv(sessions.IDLE_ENV, "2")
    assert sessions.idle_seconds(30) == 120
    monkeypatch.setenv(sessions.IDLE_ENV, "soon")
    assert sessions.idle_seconds(30) == 1800


def test_another_running_servers_windows_are_left_to_it(tmp_path: Path) -> None:
    theirs, gone = sessions.new_store(tmp_path), sessions.new_store(tmp_path)
    (theirs / sessions.OWNER).write_text(f"{os.getppid()}:their-session")  # a live process, not this one
    (gone / sessions.OWNER).write_text("999999999:old-session")  # no such process
    for store in (theirs, gone):
        _age(store, 300)
    assert sessions.reap(tmp_path, idle_s=1800, active=set(), grace_s=90) == [gone]
    assert theirs.is_dir()
