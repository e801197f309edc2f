"""A synthetic Wolt courier export (`courier_tasks.csv`) with known truth.

Imitates the one real file known (`../shared/reference/export-formats.md` §10): `,`, LF, the header
cells quoted with the trailing space in `"Task creation time "`, one pickup task (`TRUE`) and one
drop-off task (`FALSE`) per order sharing their creation time, `TRUE`/`FALSE` booleans, fractional
seconds of variable length (`16:19:34.025`, `17:22:08.96`, none when the milliseconds are 0), `Arrival
time` without a fraction, `Departed at` empty, and one vehicle type split by an embedded newline
(`"BIC\\nYCLE"`). Invented: the row order (by task completion), quoting of every value (the reference
only says the header cells are quoted), the meaning given to `Started at` (accept time for a pickup,
pickup time for a drop-off) and `Arrival time` (an estimate), and the zone the times are written in
(the file states none: here `Europe/Helsinki` wall-clock time, so the ingest needs `--tz`).

The simulated courier is `toolkit.simulate`'s (a delivery worker); only completed orders make tasks.

Example:
    >>> import tempfile
    >>> truth = write_wolt_sample(Path(tempfile.mkdtemp()) / "wolt.zip", days=2, seed=3)
    >>> set(truth["jobs"]["status"]), set(truth["jobs"]["product"])
    ({'completed'}, {'BICYCLE'})
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.samples.common import rlocal
from toolkit.schema import TABLES, body_columns
from toolkit.simulate import SimParams, simulate_worker

ZONE = "Europe/Helsinki"
"""The wall-clock zone the synthetic times are written in (ingest with `--tz Europe/Helsinki`)."""
PATH = "courier_tasks.csv"
HEADER = ["Task creation time ", "Task completion time", "Is pickup task", "Completed with vehicle type",
          "Arrived at", "Started at", "Arrival time", "Departed at"]
"""Verbatim, trailing space included (§10)."""
SPLIT_EVERY = 25
"""One task in so many has its vehicle type split by a newline (`BIC\\nYCLE`)."""


def write_wolt_sample(out: Path, days: int = 14, seed: int = 1) -> dict[str, pd.DataFrame]:
    """Write the export of a simulated Helsinki bicycle courier to the folder or `.zip` `out`; return the
    rows the ingest must produce (`jobs`: body columns + `source_file` + `source_row`), given
    `--tz Europe/Helsinki`.

    Example:
        >>> import tempfile
        >>> t = write_wolt_sample(Path(tempfile.mkdtemp()) / "w", days=1, seed=2)
        >>> (t["jobs"]["source_row"] % 1 == 0).all() and t["jobs"]["requested_at"].notna().all()
        np.True_
    """
    world = simulate_worker(SimParams(days=days, seed=seed, zone=ZONE, currency="EUR", kind="delivery",
                                      product="", centre_lat=60.1699, centre_lon=24.9384, commission=0.0,
                                      vat_rate=0.0, gps_every_s=0))
    jobs = world.jobs[world.jobs["status"] == "completed"].reset_index(drop=True)
    tasks = _tasks(jobs, np.random.default_rng(seed))
    data = _csv(tasks)
    if out.suffix.lower() == ".zip":
        out.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(PATH, data)
    else:
        out.mkdir(parents=True, exist_ok=True)
        (out / PATH).write_bytes(data)
    return {"jobs": _expected(tasks)}


def _tasks(jobs: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Two task rows per job, in the order the tasks were completed, as the strings written."""
    rows = []
    for i, job in jobs.iterrows():
        created = _stamp(job["requested_at"], rng)
        eta = pd.Timedelta(seconds=int(job["eta_s"]))
        ride = pd.Timedelta(seconds=round(float(job["job_duration_s"]) * 0.9))
        for pickup in (True, False):
            done = job["picked_up_at"] if pickup else job["dropped_off_at"]
            started = job["accepted_at"] if pickup else job["picked_up_at"]
            arrived = job["arrived_pickup_at"] if pickup else job["arrived_dropoff_at"]
            estimate = _local(started + (eta if pickup else ride)).strftime("%Y-%m-%d %H:%M:%S")
            rows.append({"job": i, "pickup": pickup, "done": done, HEADER[0]: created,
                         HEADER[1]: _stamp(done, rng), HEADER[2]: "TRUE" if pickup else "FALSE",
                         HEADER[3]: "BICYCLE", HEADER[4]: _stamp(arrived, rng),
                         HEADER[5]: _stamp(started, rng), HEADER[6]: estimate, HEADER[7]: ""})
    tasks = pd.DataFrame(rows).sort_values(["done", "pickup"], ascending=[True, False], kind="stable")
    tasks = tasks.reset_index(drop=True)
    tasks.loc[tasks.index % SPLIT_EVERY == SPLIT_EVERY // 2, HEADER[3]] = "BIC\nYCLE"
    return tasks


def _stamp(utc: pd.Timestamp, rng: np.random.Generator) -> str:
    """Local wall-clock time with a fraction of 0 to 3 digits (`.025`, `.96`, none), as Wolt writes."""
    ms = int(rng.integers(0, 1000)) if rng.random() < 0.9 else 0
    fraction = f".{ms:03d}".rstrip("0") if ms else ""
    return _local(utc + pd.Timedelta(milliseconds=ms)).strftime("%Y-%m-%d %H:%M:%S") + fraction


def _local(utc: pd.Timestamp) -> pd.Timestamp:
    return utc.tz_convert(ZONE).tz_localize(None)


def _csv(tasks: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(tasks[HEADER].itertuples(index=False, name=None))
    return buffer.getvalue().encode("utf-8")


def _expected(tasks: pd.DataFrame) -> pd.DataFrame:
    """One job per order from the written strings: times placed in ZONE (first occurrence when a DST
    change repeats them), `source_row` = the pickup task's row (header = 1)."""
    placed = {name: rlocal(tasks, name, ZONE) for name in HEADER[:2] + [HEADER[4]]}
    tasks = tasks.assign(_created=placed[HEADER[0]], _done=placed[HEADER[1]], _arrived=placed[HEADER[4]],
                         source_row=tasks.index + 2)
    pickup = tasks[tasks["pickup"]].set_index("job")
    drop = tasks[~tasks["pickup"]].set_index("job").reindex(pickup.index)
    n = len(pickup)
    frame = pd.DataFrame({"source_file": pd.Series([PATH] * n, dtype="str"),
                          "source_row": pickup["source_row"].to_numpy(dtype="int64")})
    values = {"kind": "delivery", "product": "BICYCLE", "status": "completed",
              "requested_at": pickup["_created"], "arrived_pickup_at": pickup["_arrived"],
              "picked_up_at": pickup["_done"], "arrived_dropoff_at": drop["_arrived"],
              "dropped_off_at": drop["_done"]}
    for field in TABLES["jobs"]:
        if field.name not in body_columns("jobs"):
            continue
        value = values.get(field.name)
        if isinstance(value, pd.Series):
            frame[field.name] = value.reset_index(drop=True)
        elif str(field.type).startswith("timestamp"):
            frame[field.name] = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[us, UTC]")
        elif str(field.type) == "double":
            frame[field.name] = np.nan
        else:
            frame[field.name] = pd.Series([value] * n, dtype="str")
    return frame.sort_values("source_row", kind="stable").reset_index(drop=True)
