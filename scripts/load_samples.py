"""Ingest every bundled sample export into a store (used by `make app`).

Each sample is filed under its own worker name (its folder name), since each imitates another worker.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from parsers.ingest import ingest_export
from toolkit.samples import SAMPLE_ZONES

SAMPLES = Path(__file__).resolve().parent.parent / "sample_exports"


def main() -> None:
    """Ingest each folder of sample_exports/ into --store."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", type=Path, required=True)
    args = parser.parse_args()
    for folder in sorted(p for p in SAMPLES.iterdir() if p.is_dir()):
        report = ingest_export(folder, args.store, worker=folder.name, tz=SAMPLE_ZONES.get(folder.name))
        print(f"{folder.name}: {report.status} {report.error or ''}")


if __name__ == "__main__":
    main()
