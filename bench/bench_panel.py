"""Panel benchmark: simulated workers written straight into a store (no zip round trip), the panel built for
100 and for 1,000 of them, each in its own process (its peak RSS, with its worker processes), and DuckDB's
own group-by of the same tables in the same run.

Goals (issue "Researchers"): peak RSS at 1,000 workers ≤ 1.1 × the RSS at 100 and ≤ 1 GiB; panel time ≤ 3 ×
DuckDB's scan. Ends with `pool_workers=1000 panel_s=… peak_rss_mib_100=… peak_rss_mib_1000=…
ratio_vs_duckdb_scan=…`. `python bench/bench_panel.py --workers 20 200` runs a smaller version.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DAYS = 14
GOALS = {"rss_growth": 1.1, "peak_rss_mib": 1024.0, "ratio_vs_duckdb_scan": 3.0}


def _write_worker(args: tuple[Path, int]) -> None:
    """One simulated driver's tables, as the parsers would give them, filed straight into the store."""
    from toolkit.samples import file_simulated, layout_params

    store, i = args
    params = layout_params("uber", "sar-fr-2021", days=DAYS, seed=5000 + i, gps_every_s=0.0)
    file_simulated(store, params, f"w{i:04d}", f"{i:016x}")


def _panel_child(store: str) -> None:
    """In a child process: build the panel, print its time and this process tree's peak RSS."""
    from toolkit.panel import build_panel

    t0 = time.perf_counter()
    frame = build_panel(Path(store), "month")
    seconds = time.perf_counter() - t0
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"panel_s": seconds, "rows": len(frame), "peak_rss_mib": max(own, children)}))


def _duckdb_scan(store: Path) -> float:
    """DuckDB's own group-by of the columns the panel sums, per worker and month."""
    from toolkit.store import connect

    con = connect(store)
    t0 = time.perf_counter()
    for sql in (
        "SELECT worker_id, date_trunc('month', start_at) m, state, sum(epoch(end_at) - epoch(start_at)) "
        "FROM status_segments GROUP BY ALL",
        "SELECT worker_id, date_trunc('month', earned_at) m, category, sum(amount) FROM earnings "
        "GROUP BY ALL",
        "SELECT worker_id, date_trunc('month', requested_at) m, status, count(*), sum(job_distance_m) "
        "FROM jobs GROUP BY ALL",
        "SELECT worker_id, date_trunc('month', window_start) m, sum(offers), sum(accepted) "
        "FROM offer_windows GROUP BY ALL",
        "SELECT worker_id, date_trunc('month', \"at\") m, kind, count(*), sum(duration_s) FROM sanctions "
        "GROUP BY ALL",
    ):
        con.execute(sql).fetchall()
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, nargs=2, default=[100, 1000])
    small, large = parser.parse_args().workers
    results = {}
    with tempfile.TemporaryDirectory(prefix="gigdata-bench-panel-") as tmp:
        for n in (small, large):
            store = Path(tmp) / f"store-{n}"
            t0 = time.perf_counter()
            with ProcessPoolExecutor(max_workers=2) as pool:
                list(pool.map(_write_worker, [(store, i) for i in range(n)], chunksize=8))
            made = time.perf_counter() - t0
            out = subprocess.run([sys.executable, __file__, "--child", str(store)], check=True,
                                 capture_output=True, text=True).stdout
            found = json.loads(out.strip().splitlines()[-1])
            found["duckdb_s"] = _duckdb_scan(store)
            results[n] = found
            print(f"workers={n} made_s={made:.1f} panel_s={found['panel_s']:.1f} rows={found['rows']} "
                  f"peak_rss_mib={found['peak_rss_mib']:.0f} duckdb_scan_s={found['duckdb_s']:.2f}",
                  flush=True)
    growth = results[large]["peak_rss_mib"] / results[small]["peak_rss_mib"]
    ratio = results[large]["panel_s"] / results[large]["duckdb_s"]
    measured = {"rss_growth": growth, "peak_rss_mib": results[large]["peak_rss_mib"],
                "ratio_vs_duckdb_scan": ratio}
    for name, goal in GOALS.items():
        print(f"{name}={measured[name]:.2f} goal={goal:g} {'ok' if measured[name] <= goal else 'over'}")
    print(f"pool_workers={large} panel_s={results[large]['panel_s']:.1f} "
          f"peak_rss_mib_{small}={results[small]['peak_rss_mib']:.0f} "
          f"peak_rss_mib_{large}={results[large]['peak_rss_mib']:.0f} ratio_vs_duckdb_scan={ratio:.1f}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        _panel_child(sys.argv[2])
    else:
        main()
