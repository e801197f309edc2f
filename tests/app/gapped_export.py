"""A synthetic Uber export whose online log has short disconnections of known total length.

The French access-request sample (`toolkit.samples`) logs one state after another with no gap. Here the
start of `gaps` "open" (waiting) stretches that follow another logged-in state is moved one minute later,
so the log has `gaps` one-minute holes between logged-in stretches, each shorter than the 2-minute
reconnection rule: the waiting the rule adds is `gaps` minutes.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

from toolkit.samples import write_sample

LOG = "FR-Paris/05 - Driver Online Offline.csv"
SHIFT = timedelta(seconds=60)
STAMP = "%Y-%m-%dT%H:%M:%S.000Z"


def gapped_uber_export(out: Path, gaps: int, days: int = 14, seed: int = 4) -> Path:
    """Write the sample to `out` with `gaps` one-minute holes in its online log; returns `out`."""
    plain = out.with_suffix(".plain.zip")
    write_sample("uber", plain, days=days, seed=seed)
    with zipfile.ZipFile(plain) as archive:
        members = {i.filename: archive.read(i) for i in archive.infolist()}
    rows = list(csv.DictReader(io.StringIO(members[LOG].decode("utf-8")), delimiter=";"))
    moved = 0
    for before, row in zip(rows, rows[1:], strict=False):
        # a hole between two logged-in stretches (after "offline" it is only a later login)
        logged = before["earner_state"] != "offline"
        follows = logged and before["end_timestamp_utc"] == row["begin_timestamp_utc"]
        if moved < gaps and row["earner_state"] == "open" and follows and int(row["duration_ms"]) > 180_000:
            for column in ("begin_timestamp_utc", "begin_timestamp_local"):
                row[column] = (datetime.strptime(row[column], STAMP) + SHIFT).strftime(STAMP)
            row["duration_ms"] = str(int(row["duration_ms"]) - 60_000)
            moved += 1
    assert moved == gaps, f"the sample has only {moved} waiting stretches to shorten"
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(rows[0]), delimiter=";", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    members[LOG] = text.getvalue().encode("utf-8")
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out
