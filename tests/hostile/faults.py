"""Faults during an ingest into a store that holds data: SIGKILL at random moments (issue 13).

Each round forks a real `gigdata ingest` of a sample export into a store that already holds a good
worker's export, kills it (SIGKILL, its whole process group) at a random moment of what a complete
ingest takes, then runs `gigdata verify` (which, taking the store's lock, sweeps what the killed writer
left) and checks that the good worker's files are byte for byte what they were. Every tenth round lets
an ingest finish, which must succeed. Prints one line of figures:

    kills=N leftovers_seen=L verify_clean=V good_intact=G ingests_after_ok=K

    python -m tests.hostile.faults --kills 200
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

from tests.hostile.run import SAMPLES, _good_files, cli, fork_run, good_store

EXPORT = SAMPLES / "uber-sar-fr-2021"


def _killed_ingest(store: Path, after: float, worker: str) -> None:
    """Start an ingest and SIGKILL it (and what it started) after `after` seconds."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.setpgid(0, 0)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            sys.argv = ["gigdata", "ingest", str(EXPORT), "--store", str(store), "--worker", worker]
            from toolkit.cli import main

            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        finally:
            os._exit(code)
    time.sleep(after)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def kill_loop(folder: Path, kills: int, seed: int = 13) -> dict[str, int]:
    """Run `kills` killed ingests (and a finished one every tenth round); the figures."""
    _preload()
    good = good_store(folder)
    store = folder / "store"
    shutil.copytree(good, store)
    before = _good_files(store)
    env = {"TMPDIR": str(folder), "GIGDATA_PROFILES": str(folder / "no-profiles")}
    probe = folder / "probe"
    shutil.copytree(good, probe)
    started = time.monotonic()
    first = fork_run(cli("ingest", str(EXPORT), "--store", str(probe), "--worker", "probe"), env=env)
    whole = time.monotonic() - started
    if first.status != 0:
        raise RuntimeError(f"the sample export did not ingest: {first.stderr[-2000:]}")
    chance = random.Random(seed)
    figures = {
        "kills": 0,
        "leftovers_seen": 0,
        "verify_clean": 0,
        "good_intact": 0,
        "ingests_after_ok": 0,
        "ingests_after": 0,
    }
    os.environ.update(env)
    seen: dict[str, str] = {}
    for round_ in range(kills):
        worker = f"k{round_ % 7}"  # the same workers again and again: kills land on re-ingests too
        _killed_ingest(store, chance.uniform(0.0, whole * 1.1), worker)
        figures["kills"] += 1
        figures["leftovers_seen"] += any(store.rglob("*.tmp"))
        check = fork_run(cli("verify", "--store", str(store)), env=env)
        figures["verify_clean"] += check.status == 0
        if check.status != 0 and "first_unclean" not in seen:  # said once, to tell a slow run from damage
            said = f"{check.stdout[-600:]}{check.stderr[-600:]}"
            seen["first_unclean"] = f"round {round_}: status {check.status}: {said}"
        figures["good_intact"] += _good_files(store) == before
        if round_ % 10 == 9:
            done = fork_run(cli("ingest", str(EXPORT), "--store", str(store), "--worker", "after"), env=env)
            figures["ingests_after"] += 1
            figures["ingests_after_ok"] += done.status == 0 and "Traceback" not in done.stderr
    if seen:
        print(seen["first_unclean"], file=sys.stderr)
    return figures


def _preload() -> None:
    """Import what an ingest and a verify import, once, before forking (no thread is started by it),
    so each forked command starts at once."""
    import parsers.ingest  # noqa: F401
    import parsers.registry  # noqa: F401
    import toolkit.access.check  # noqa: F401
    import toolkit.cli  # noqa: F401


def figures_line(figures: dict[str, int]) -> str:
    """The printed line."""
    return (
        f"kills={figures['kills']} leftovers_seen={figures['leftovers_seen']} "
        f"verify_clean={figures['verify_clean']} good_intact={figures['good_intact']} "
        f"ingests_after_ok={figures['ingests_after_ok']}/{figures['ingests_after']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="gigdata-kills-"))
    try:
        figures = kill_loop(folder, args.kills, args.seed)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(figures_line(figures), flush=True)
    ok = (
        figures["verify_clean"] == figures["good_intact"] == figures["kills"]
        and figures["ingests_after_ok"] == figures["ingests_after"]
    )
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
