"""Ingest every case of the hostile corpus into a store that already holds a good export, and count.

Each case runs in its own scratch folder (its store, temporary folder, home and working folder inside),
in a child process forked from a parent that has only imported gigdata (no thread, no database open),
under a wall-clock limit; the parent samples the child's memory. Then `gigdata verify` and
`gigdata metrics` run on the store, and the good worker's files are compared with what they were.

A case is
- a clean refusal: exit status 1 or 2 and one message, no traceback;
- accepted: exit status 0 (or 1 when only some files were left unread, said in a message);
- unhandled: a traceback, or any other exit;
- a hang: still running after `LIMIT_S` seconds (killed);
- over 1 GiB: peak resident memory of the ingest (and its sandboxed children) past 1 GiB;
- an outside write: a file left in the scratch folder outside the store (temporary folder included);
- store damaged: `verify` not clean, `metrics` failing, a temporary file left in the store, or the good
  worker's files changed.

    python -m tests.hostile.run            # the whole corpus (`make fuzz`)
    python -m tests.hostile.run --fast     # the subset `make test` runs

The last line printed is
`cases=N clean_refusals=A accepted=B unhandled=C hangs=D over_1GiB=E outside_writes=F store_damaged=G`.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import os
import resource
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from tests.hostile.corpus import SAMPLES, Case, build_corpus

LIMIT_S = 60.0
GIB = 2**30
KILL_RSS = 3 * GIB  # a child past this is stopped, so a runaway cannot take the machine down
GOOD_EXPORT = SAMPLES / "wolt-courier-tasks-2021"
GOOD_WORKER = "good"
CASE_WORKER = "case"


@dataclass
class Run:
    """What one child process did."""

    status: int | None
    seconds: float
    peak_rss: int
    stdout: str
    stderr: str
    crashed: bool = False


@dataclass
class Outcome:
    """What became of one case."""

    case: str
    group: str
    verdict: str
    seconds: float
    peak_mib: int
    problems: list[str] = field(default_factory=list)
    message: str = ""


def _tree_rss(root: int) -> int:
    """Resident memory of a process and its descendants, in bytes (from /proc)."""
    total, seen = 0, {root}
    pending = [root]
    while pending:
        pid = pending.pop()
        try:
            with open(f"/proc/{pid}/statm") as fh:
                total += int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            with open(f"/proc/{pid}/task/{pid}/children") as fh:
                kids = [int(k) for k in fh.read().split()]
        except (OSError, ValueError):
            continue
        pending += [k for k in kids if k not in seen]
        seen.update(kids)
    return total


def fork_run(
    target: Callable[[], int],
    limit_s: float = LIMIT_S,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> Run:
    """Run `target` in a forked child (its own process group), its output captured; kill it past the
    limits. `target` returns the exit status; an exception escaping it is a crash (its traceback in
    stderr)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        return _fork_run(target, limit_s, env, cwd, out, err)


def _fork_run(target: Callable[[], int], limit_s: float, env: dict[str, str] | None, cwd: Path | None,
              out: IO[bytes], err: IO[bytes]) -> Run:
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child
        code = 70
        try:
            os.setpgid(0, 0)
            os.dup2(out.fileno(), 1)
            os.dup2(err.fileno(), 2)
            sys.stdout = io.TextIOWrapper(os.fdopen(1, "wb", closefd=False), write_through=True)
            sys.stderr = io.TextIOWrapper(os.fdopen(2, "wb", closefd=False), write_through=True)
            if env:
                os.environ.update(env)
            if cwd:
                os.chdir(cwd)
            code = target()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except BaseException:  # noqa: BLE001 - the point is to see what escapes
            import traceback

            traceback.print_exc()
            sys.stderr.write("\nCRASHED\n")
            code = 70
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    peak, status, rusage = 0, None, None
    while True:
        done, raw, rusage = os.wait4(pid, os.WNOHANG)
        if done:
            status = os.waitstatus_to_exitcode(raw)
            break
        peak = max(peak, _tree_rss(pid))
        if time.monotonic() - started > limit_s or peak > KILL_RSS:
            os.killpg(pid, signal.SIGKILL)
            os.wait4(pid, 0)
            status = None
            break
        time.sleep(0.05)
    if rusage is not None and status is not None:
        peak = max(peak, rusage.ru_maxrss * 1024)
    seconds = time.monotonic() - started

    def text(handle: IO[bytes]) -> str:
        handle.seek(0)
        return handle.read().decode("utf-8", "replace")

    stdout, stderr = text(out), text(err)
    with contextlib.suppress(ProcessLookupError):  # a killed child's group may hold grandchildren still
        os.killpg(pid, signal.SIGKILL)
    return Run(status, seconds, peak, stdout, stderr, crashed="CRASHED" in stderr or "Traceback" in stderr)


def cli(*args: str) -> Callable[[], int]:
    """A `gigdata` command run in-process (as the console script runs it)."""

    def target() -> int:
        from toolkit.cli import main

        sys.argv = ["gigdata", *args]
        main()
        return 0

    return target


def _files_digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def _good_files(store: Path) -> dict[str, str]:
    """The good worker's stored files and manifests, with their hashes."""
    return {
        k: v
        for k, v in _files_digest(store).items()
        if f"worker_id={GOOD_WORKER}/" in k
        or (k.startswith("_exports/") and GOOD_WORKER in _owner(store / k))
    }


def _owner(manifest: Path) -> str:
    try:
        return str(json.loads(manifest.read_text(encoding="utf-8")).get("worker_id", ""))
    except (OSError, ValueError):
        return ""


def _environment(scratch: Path, case: Case) -> dict[str, str]:
    env = {
        "TMPDIR": str(scratch / "tmp"),
        "HOME": str(scratch / "home"),
        "XDG_CONFIG_HOME": str(scratch / "home"),
        "GIGDATA_STORE": str(scratch / "store"),
        "COLUMNS": "120",
        "_TYPER_STANDARD_TRACEBACK": "1",
        "GIGDATA_PROFILES": str(case.profiles) if case.profiles else str(scratch / "no-profiles"),
    }
    return {**env, **case.env}


def good_store(folder: Path) -> Path:
    """A store holding one good export (the Wolt sample), made once and copied for every case."""
    store = folder / "good-store"
    if not store.exists():
        tmp = folder / "good-tmp"
        tmp.mkdir(parents=True, exist_ok=True)
        run = fork_run(
            cli(
                "ingest",
                str(GOOD_EXPORT),
                "--store",
                str(store),
                "--worker",
                GOOD_WORKER,
                "--tz",
                "Europe/Helsinki",
            ),
            env={"TMPDIR": str(tmp), "GIGDATA_PROFILES": str(folder / "no-profiles")},
        )
        if run.status != 0:
            raise RuntimeError(f"the good export did not ingest: {run.stderr[-2000:]}")
    return store


def run_case(case: Case, scratch: Path, good: Path) -> Outcome:
    """Ingest `case` into a copy of the good store in `scratch`, then check everything."""
    shutil.rmtree(scratch, ignore_errors=True)
    for part in ("tmp", "home", "cwd"):
        (scratch / part).mkdir(parents=True)
    store = scratch / "store"
    shutil.copytree(good, store, symlinks=True)
    before = _good_files(store)
    env = _environment(scratch, case)
    if case.profiles and case.profiles.exists():
        os.utime(case.profiles)
    zone = ("--tz", case.tz) if case.tz else ()
    run = fork_run(
        cli("ingest", str(case.export), "--store", str(store), "--worker", CASE_WORKER, *zone),
        env=env,
        cwd=scratch / "cwd",
    )
    problems: list[str] = []
    message = _message(run)
    if run.status is None:
        verdict = "hang" if run.seconds > LIMIT_S else "over_1GiB"
        problems.append(f"killed after {run.seconds:.0f} s at {run.peak_rss >> 20} MiB")
    elif run.crashed or run.status not in (0, 1, 2):
        verdict = "unhandled"
        problems.append(run.stderr[-3000:])
    elif run.status == 0 or "were not read" in run.stderr:
        verdict = "accepted"
    else:
        verdict = "clean_refusal"
    if run.peak_rss > GIB and verdict in ("accepted", "clean_refusal"):
        verdict = "over_1GiB"
        problems.append(f"peak memory {run.peak_rss >> 20} MiB")
    outside = [
        p.relative_to(scratch).as_posix()
        for p in sorted(scratch.rglob("*"))
        if not p.is_dir() and not p.is_relative_to(store)
    ]
    leftovers = [p.relative_to(store).as_posix() for p in store.rglob("*.tmp")]
    damage = _store_damage(store, before, env, scratch / "cwd")
    if leftovers:
        damage.append(f"temporary files left in the store: {leftovers[:5]}")
    if verdict in ("accepted", "clean_refusal"):
        if outside:
            verdict = "outside_write"
            problems.append(f"files written outside the store: {outside[:5]}")
        elif damage:
            verdict = "store_damaged"
    problems += damage
    return Outcome(
        case.name, case.group, verdict, round(run.seconds, 2), run.peak_rss >> 20, problems, message
    )


def _message(run: Run) -> str:
    lines = [line.strip() for line in run.stderr.splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


def _store_damage(store: Path, before: dict[str, str], env: dict[str, str], cwd: Path) -> list[str]:
    problems = []
    verify = fork_run(cli("verify", "--store", str(store)), env=env, cwd=cwd)
    if verify.status != 0:
        problems.append(f"verify: {verify.stdout[-800:]}{verify.stderr[-800:]}")
    metrics = fork_run(cli("metrics", "--store", str(store), "--json"), env=env, cwd=cwd)
    if metrics.status != 0:
        problems.append(f"metrics: {metrics.stderr[-1500:]}")
    after = _good_files(store)
    if after != before:
        changed = sorted(set(before.items()) ^ set(after.items()))
        problems.append(f"the good worker's files changed: {changed[:4]}")
    return problems


VERDICTS = ("clean_refusal", "accepted", "unhandled", "hang", "over_1GiB", "outside_write", "store_damaged")


def summary_line(outcomes: list[Outcome]) -> str:
    """The one line the issue names."""
    count = {v: sum(o.verdict == v for o in outcomes) for v in VERDICTS}
    return (
        f"cases={len(outcomes)} clean_refusals={count['clean_refusal']} accepted={count['accepted']} "
        f"unhandled={count['unhandled']} hangs={count['hang']} over_1GiB={count['over_1GiB']} "
        f"outside_writes={count['outside_write']} store_damaged={count['store_damaged']}"
    )


def run_corpus(
    folder: Path,
    fast: bool = False,
    only: str | None = None,
    jobs: int = 2,
    report: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Build the corpus under `folder` and run it, `jobs` cases at a time; outcomes in corpus order."""
    listed = build_corpus(folder / "corpus", fast_only=fast)
    cases = [c for c in listed if (c.fast or not fast) and (not only or only in c.name)]
    good = good_store(folder)
    outcomes: dict[str, Outcome] = {}
    pending = list(cases)
    running: dict[int, tuple[Case, Path]] = {}
    results = folder / "results"
    results.mkdir(exist_ok=True)
    while pending or running:
        while pending and len(running) < jobs:
            case = pending.pop(0)
            slot = folder / f"scratch-{case.name}"
            result = results / f"{case.name}.json"
            pid = os.fork()
            if pid == 0:
                code = 0
                try:
                    outcome = run_case(case, slot, good)
                    result.write_text(json.dumps(outcome.__dict__), encoding="utf-8")
                    shutil.rmtree(slot, ignore_errors=True)
                except BaseException:  # noqa: BLE001
                    import traceback

                    traceback.print_exc()
                    code = 1
                os._exit(code)
            running[pid] = (case, result)
        pid, _ = os.wait()
        case, result = running.pop(pid)
        if result.exists():
            outcome = Outcome(**json.loads(result.read_text(encoding="utf-8")))
        else:
            outcome = Outcome(case.name, case.group, "unhandled", 0.0, 0, ["the case runner itself failed"])
        outcomes[case.name] = outcome
        if report:
            report(outcome)
    return [outcomes[c.name] for c in cases]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fast", action="store_true", help="only the subset `make test` runs")
    parser.add_argument("--only", help="only the cases whose name holds this text")
    parser.add_argument(
        "--keep", type=Path, help="work in this folder and keep it (default: a temporary one)"
    )
    parser.add_argument("--json", type=Path, help="write every outcome to this JSON file")
    parser.add_argument("--jobs", type=int, default=2, help="cases run at a time (default 2, one per core)")
    args = parser.parse_args()
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    folder = args.keep or Path(tempfile.mkdtemp(prefix="gigdata-fuzz-"))
    folder.mkdir(parents=True, exist_ok=True)

    def report(outcome: Outcome) -> None:
        mark = "ok " if outcome.verdict in ("clean_refusal", "accepted") else "BAD"
        print(
            f"{mark} {outcome.verdict:<14} {outcome.seconds:6.1f}s {outcome.peak_mib:5d}MiB {outcome.case}: "
            f"{outcome.message[:150]}",
            flush=True,
        )
        for problem in outcome.problems:
            print("      " + problem.replace("\n", "\n      ")[:3000], flush=True)

    try:
        outcomes = run_corpus(folder, fast=args.fast, only=args.only, jobs=args.jobs, report=report)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps([o.__dict__ for o in outcomes], indent=1), encoding="utf-8")
    slowest = max(outcomes, key=lambda o: o.seconds, default=None)
    biggest = max(outcomes, key=lambda o: o.peak_mib, default=None)
    if slowest and biggest:
        print(f"slowest={slowest.case} {slowest.seconds:.1f}s largest={biggest.case} {biggest.peak_mib}MiB")
    print(summary_line(outcomes), flush=True)
    bad = [o for o in outcomes if o.verdict not in ("clean_refusal", "accepted")]
    raise SystemExit(1 if bad else 0)


if __name__ == "__main__":
    main()
