"""Ingest every bundled sample export into a store (used by `make app`).

Each sample is filed under its own worker name (its folder name), since each imitates another worker.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from parsers.ingest import ingest_export

SAMPLES = Path(__file__).resolve().parent.parent / "sample_exports"
ZONES = {"uber-sar-2016": "Europe/Zurich", "uber-portal-2022": "America/Los_Angeles",
         "wolt-courier-tasks-2021": "Europe/Helsinki"}
"""Samples whose layout states no zone: where the simulated worker lived (see sample_exports/README.md)."""


def main() -> None:
    """Ingest each folder of sample_exports/ into --store."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", type=Path, required=True)
    args = parser.parse_args()
    for folder in sorted(p for p in SAMPLES.iterdir() if p.is_dir()):
        report = ingest_export(folder, args.store, worker=folder.name, tz=ZONES.get(folder.name))
        print(f"{folder.name}: {report.status} {report.error or ''}")


if __name__ == "__main__":
    main()
