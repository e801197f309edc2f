"""The hostile corpus, run as `make fuzz` runs it but on its fast subset (issue 13).

Each case is ingested by a real `gigdata ingest` (forked, in its own scratch folder) into a store that
already holds a good export; the summary line must count no traceback, no runaway, no write outside the
store and no damaged store. `make fuzz` runs every case the same way.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile.corpus import build_corpus

ROOT = Path(__file__).resolve().parents[2]
LINE = re.compile(
    r"^cases=(\d+) clean_refusals=(\d+) accepted=(\d+) unhandled=(\d+) hangs=(\d+) "
    r"over_1GiB=(\d+) outside_writes=(\d+) store_damaged=(\d+)$",
    re.MULTILINE,
)

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("hostile")]


def test_the_corpus_holds_150_named_cases_of_every_kind(tmp_path: Path) -> None:
    cases = build_corpus(tmp_path)
    assert len(cases) >= 150 and len({c.name for c in cases}) == len(cases)
    groups = {c.group for c in cases}
    assert {"zip", "csv", "values", "folder", "json", "xlsx", "pdf", "profiles"} <= groups
    fast = [c for c in cases if c.fast]
    assert {c.group for c in fast} == groups and 25 <= len(fast) <= 60
    assert all(c.export.exists() or c.name == "path-missing" for c in cases)


def test_the_fast_subset_is_refused_or_accepted_cleanly(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tests.hostile.run", "--fast", "--keep", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    found = LINE.search(done.stdout)
    assert found, done.stdout[-3000:] + done.stderr[-3000:]
    print(found.group(0))
    cases, refused, accepted, *bad = (int(n) for n in found.groups())
    assert bad == [0, 0, 0, 0, 0], done.stdout[-6000:]
    assert cases == refused + accepted and refused > 10 and accepted > 10
    assert done.returncode == 0
