"""Faults around an ingest into a store that holds data (issue 13): kills, a read-only store, a full
disk, a store path that is a file, two ingests at once. After each, the previous data is unchanged,
`gigdata verify` passes and the next ingest succeeds; the user reads one sentence, never a traceback.

The read-only store and the full disk are real: a small tmpfs mounted for the test (the suite runs as
root on the CI machine); where mounting is not allowed they are skipped with the reason.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hostile.run import GOOD_EXPORT, _good_files

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_exports"
BIG = SAMPLES / "uber-portal-2025"  # the largest sample: what fills a small disk
KILLS = int(os.environ.get("GIGDATA_KILLS", "40"))

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("faults")]


def gigdata(
    *args: str, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "toolkit.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
    )


def good_store(store: Path) -> dict[str, str]:
    done = gigdata(
        "ingest", str(GOOD_EXPORT), "--store", str(store), "--worker", "good", "--tz", "Europe/Helsinki"
    )
    assert done.returncode == 0, done.stderr
    return _good_files(store)


def one_sentence(done: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in done.stderr + done.stdout
    assert done.returncode in (1, 2)
    assert "Nothing already in the store was changed" in done.stderr or "Nothing was written" in done.stderr


@contextlib.contextmanager
def tmpfs(where: Path, size: str) -> Iterator[Path]:
    where.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"a tmpfs cannot be mounted here ({mounted.stderr.strip() or 'mount refused'})")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, check=False)


def test_kills_at_random_moments_leave_the_store_clean_and_the_next_ingest_works() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tests.hostile.faults", "--kills", str(KILLS)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    line = re.search(
        r"^kills=(\d+) leftovers_seen=(\d+) verify_clean=(\d+) good_intact=(\d+) "
        r"ingests_after_ok=(\d+)/(\d+)$",
        done.stdout,
        re.MULTILINE,
    )
    assert line, done.stdout[-2000:] + done.stderr[-3000:]
    print(line.group(0))
    kills, _, clean, intact, ok, tried = (int(n) for n in line.groups())
    assert kills == KILLS and clean == kills and intact == kills and ok == tried >= kills // 10


def test_a_read_only_store_ends_with_one_sentence_and_is_unchanged(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "mnt", "64m") as mnt:
        store = mnt / "store"
        before = good_store(store)
        subprocess.run(["mount", "-o", "remount,ro", str(mnt)], check=True)
        done = gigdata("ingest", str(SAMPLES / "uber-sar-fr-2021"), "--store", str(store), "--worker", "w2")
        one_sentence(done)
        assert "Read-only file system" in done.stderr
        checked = gigdata("verify", "--store", str(store))
        assert checked.returncode == 0 and "consistent" in checked.stdout, checked.stdout + checked.stderr
        assert gigdata("metrics", "--store", str(store), "--json").returncode == 0
        subprocess.run(["mount", "-o", "remount,rw", str(mnt)], check=True)
        assert _good_files(store) == before
        again = gigdata("ingest", str(SAMPLES / "uber-sar-fr-2021"), "--store", str(store), "--worker", "w2")
        assert again.returncode == 0, again.stderr
        assert gigdata("verify", "--store", str(store)).returncode == 0


@pytest.mark.parametrize("free", ["4k", "32k", "96k"])
def test_a_full_disk_ends_with_one_sentence_and_leaves_nothing_behind(tmp_path: Path, free: str) -> None:
    with tmpfs(tmp_path / "mnt", "24m") as mnt:
        store = mnt / "store"
        before = good_store(store)
        filler = mnt / "filler"  # what else fills the disk, leaving `free` bytes
        with open(filler, "wb") as out:
            while shutil.disk_usage(mnt).free > _bytes(free):
                step = min(2**20, shutil.disk_usage(mnt).free - _bytes(free))
                out.write(b"\0" * max(step, 4096))
                out.flush()
        done = gigdata("ingest", str(BIG), "--store", str(store), "--worker", "w2")
        assert "Traceback" not in done.stderr + done.stdout
        if done.returncode != 0:
            one_sentence(done)
            assert "No space left on device" in done.stderr
        elif _bytes(free) <= 64 * 2**10:
            pytest.fail(f"the ingest fitted in {free}: the test no longer fills the disk")
        assert not list(store.rglob("*.tmp")), "a failed ingest left temporary files"
        assert gigdata("verify", "--store", str(store)).returncode == 0
        assert _good_files(store) == before
        filler.unlink()
        again = gigdata("ingest", str(BIG), "--store", str(store), "--worker", "w2")
        assert again.returncode == 0, again.stderr
        assert gigdata("verify", "--store", str(store)).returncode == 0


def _bytes(size: str) -> int:
    return int(float(size[:-1]) * {"k": 2**10, "m": 2**20}[size[-1]])


def test_a_store_path_that_is_a_file_ends_with_one_sentence(tmp_path: Path) -> None:
    store = tmp_path / "store"
    store.write_bytes(b"not a folder")
    done = gigdata("ingest", str(GOOD_EXPORT), "--store", str(store), "--tz", "Europe/Helsinki")
    one_sentence(done)
    assert store.read_bytes() == b"not a folder"


def test_two_ingests_at_once_wait_for_each_other_and_say_so(tmp_path: Path) -> None:
    store = tmp_path / "store"
    before = good_store(store)
    lock = os.open(store / ".lock", os.O_RDWR)
    fcntl.flock(lock, fcntl.LOCK_EX)  # another writer holds the store
    leftover = store / "jobs" / f".{uuid.uuid4().hex}.parquet.tmp"
    leftover.parent.mkdir(exist_ok=True)
    leftover.write_bytes(b"half written")  # what a killed writer would have left
    waiting = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "toolkit.cli",
            "ingest",
            str(SAMPLES / "uber-sar-fr-2021"),
            "--store",
            str(store),
            "--worker",
            "w2",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(6)
    assert waiting.poll() is None, "the ingest did not wait for the store's lock"
    assert leftover.exists()  # nothing is swept while the other writer holds the lock
    os.close(lock)
    out, err = waiting.communicate(timeout=300)
    assert waiting.returncode == 0, err
    assert "another gigdata command is writing to the store" in err
    assert not leftover.exists()
    both = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "toolkit.cli",
                "ingest",
                str(SAMPLES / name),
                "--store",
                str(store),
                "--worker",
                worker,
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, worker in (("uber-sar-geneva-2022", "w3"), ("uber-portal-2025", "w4"))
    ]
    for process in both:
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0 and "Traceback" not in err, err
    assert gigdata("verify", "--store", str(store)).returncode == 0
    assert _good_files(store) == before
