"""Ingest benchmark: a large location file, our ingest against DuckDB's own CSV-to-Parquet COPY.

Generates `1 - Driver Detailed Device Data.csv` (the Geneva 2015–16 device-data layout) with 1M and 10M
rows (`BENCH_ROWS=a,b` to change), ingests each as an unpacked export in a child process (peak RSS read
from the kernel's accounting of that child), times DuckDB's COPY of the same file to zstd Parquet, and
ends with one line:

    ingest_rows_per_s=… peak_rss_mib=… ratio_vs_duckdb_copy=…

for the largest size. Goals: peak RSS ≤ 512 MiB whatever the size; ratio ≤ 1.5.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FILE_NAME = "1 - Driver Detailed Device Data.csv"
CHILD_INGEST = """
import json, sys, time
from pathlib import Path
from parsers.ingest import ingest_export
t0 = time.perf_counter()
r = ingest_export(Path(sys.argv[1]), Path(sys.argv[2]), worker="bench", tz="Europe/Zurich")
print(json.dumps({"seconds": time.perf_counter() - t0, "status": r.status, "rows": r.rows,
                  "error": r.error}))
"""
CHILD_DUCKDB = """
import json, sys, time, duckdb
t0 = time.perf_counter()
duckdb.sql(f"COPY (SELECT * FROM read_csv('{sys.argv[1]}', header=true, nullstr='\\\\N')) "
           f"TO '{sys.argv[2]}' (FORMAT parquet, COMPRESSION zstd)")
print(json.dumps({"seconds": time.perf_counter() - t0}))
"""


def main() -> None:
    """Run the benchmark for each size and print the summary line for the largest."""
    from toolkit.samples import write_locations_csv

    sizes = [int(s) for s in os.environ.get("BENCH_ROWS", "1000000,10000000").split(",")]
    results = []
    for rows in sizes:
        with tempfile.TemporaryDirectory(prefix="gigdata-bench-") as tmp:
            export = Path(tmp) / "export"
            export.mkdir()
            csv_path = export / FILE_NAME
            t0 = time.perf_counter()
            write_locations_csv(csv_path, rows, layout="device", seed=7)
            print(f"generated {rows:,} rows ({csv_path.stat().st_size / 2**20:,.0f} MiB) "
                  f"in {time.perf_counter() - t0:.1f} s", flush=True)
            ours, peak = _child(CHILD_INGEST, str(export), str(Path(tmp) / "store"))
            if ours["status"] != "ingested":
                sys.exit(f"bench: ingest failed: {ours}")
            theirs, _ = _child(CHILD_DUCKDB, str(csv_path), str(Path(tmp) / "duck.parquet"))
            stored = ours["rows"].get("locations", 0)
            result = {"rows": rows, "stored": stored, "ingest_s": ours["seconds"],
                      "duckdb_s": theirs["seconds"], "peak_rss_mib": peak}
            print(json.dumps(result), flush=True)
            results.append(result)
            shutil.rmtree(tmp, ignore_errors=True)
    last = results[-1]
    sizes_text = ", ".join(f"{r['rows']:,}: {r['peak_rss_mib']:.0f}" for r in results)
    print(f"peak_rss_mib by size: {sizes_text}")
    print(f"ingest_rows_per_s={last['rows'] / last['ingest_s']:.0f} peak_rss_mib={last['peak_rss_mib']:.0f} "
          f"ratio_vs_duckdb_copy={last['ingest_s'] / last['duckdb_s']:.2f}")


def _child(code: str, *args: str) -> tuple[dict[str, object], float]:
    """Run `code` in a fresh interpreter; return its JSON output and its own peak RSS in MiB."""
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    output = proc.stdout.read() if proc.stdout else ""
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"bench: child failed ({status})")
    peak_mib = usage.ru_maxrss / 1024  # Linux reports KiB
    return json.loads(output.strip().splitlines()[-1]), peak_mib


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    main()
