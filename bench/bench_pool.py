"""Pool benchmark: 200 members' bundles added to a union's pool, the collective figures and the evidence pack.

Each member is a simulated driver (30 days, the default layout) with their own store, sharing a bundle as
`gigdata share --yes` does; the members are made in worker processes beforehand, so that this process
measures only the union's side. The add time includes computing the new members' months (`refresh`, as
`gigdata pool add` does); the figures time is that of the collective figures from the kept months.
Goals (issue "Unions"): add ≤ 1 s per member, figures ≤ 10 s, peak RSS
≤ 1 GiB. Prints `pool_members=… add_s_per_member=… figures_s=… pack_s=… peak_rss_mib=…`.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from toolkit.pool import Pool  # noqa: E402
from toolkit.pool.figures import collective, refresh  # noqa: E402
from toolkit.pool.keys import unlock  # noqa: E402
from toolkit.pool.pack import evidence_pack  # noqa: E402

MEMBERS = 200
DAYS = 30
PASSPHRASE = "benchmark pool passphrase"
GOALS = {"add_s_per_member": 1.0, "figures_s": 10.0, "peak_rss_mib": 1024.0}


def _member(args: tuple[Path, int, Path]) -> Path:
    from parsers.ingest import ingest_export
    from toolkit.pool.bundle import build
    from toolkit.pool.keys import read_public
    from toolkit.pool.minimise import minimise
    from toolkit.samples import write_sample
    from toolkit.selection import export_zone

    folder, i, pub = args
    name = f"member-{i:03d}"
    export, store = folder / f"{name}.zip", folder / f"{name}-store"
    write_sample("uber", export, days=DAYS, seed=1000 + i)
    ingest_export(export, store, worker=name)
    done = minimise(store, name, zone=export_zone(store, name).zone)
    data, _ = build(done, read_public(pub), "bench")
    out = folder / f"{name}.gdb"
    out.write_bytes(data)
    return out


def main() -> None:
    """Make the members, then time add, figures and pack in this process."""
    with tempfile.TemporaryDirectory(prefix="gigdata-bench-pool-") as tmp:
        folder = Path(tmp)
        pool, _ = Pool.init(folder / "pool", PASSPHRASE, "bench")
        pub = pool.folder / "union.pub"
        t0 = time.perf_counter()
        with ProcessPoolExecutor(max_workers=2) as workers:
            bundles = list(workers.map(_member, [(folder, i, pub) for i in range(MEMBERS)]))
        print(f"members_made_s={time.perf_counter() - t0:.1f}", flush=True)
        keys = unlock(pool.folder, PASSPHRASE)
        t0 = time.perf_counter()
        results = pool.add(bundles, keys=keys)
        computed = refresh(pool)  # as `gigdata pool add` does: the new members' months, on every core
        add_s = time.perf_counter() - t0
        refused = [r.message for r in results if r.status == "refused"]
        if refused or computed != MEMBERS:
            raise SystemExit(f"bench_pool: bundles refused: {refused[:3]}")
        t0 = time.perf_counter()
        result = collective(pool)
        figures_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        pdf = evidence_pack(pool, "fr", "pdf")
        pack_s = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        measured = {"add_s_per_member": add_s / MEMBERS, "figures_s": figures_s, "peak_rss_mib": peak}
        for name, goal in GOALS.items():
            print(f"{name}={measured[name]:.2f} goal={goal:g} {'ok' if measured[name] <= goal else 'over'}")
        print(f"pool_members={result['members']} add_s_per_member={add_s / MEMBERS:.3f} "
              f"figures_s={figures_s:.1f} pack_s={pack_s:.1f} pack_bytes={len(pdf)} peak_rss_mib={peak:.0f}")


if __name__ == "__main__":
    main()
