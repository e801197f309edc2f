"""Wolt courier partners: `courier_tasks.csv` -> `jobs`.

The file (`../shared/reference/export-formats.md` §10, seen in a real export: HestiaLabs' `wolt.zip`,
folder `wolt-sample/`, 814 rows, April 2020 - February 2021, a bicycle courier) has one row per *task*:

    "Task creation time ","Task completion time","Is pickup task","Completed with vehicle type",
    "Arrived at","Started at","Arrival time","Departed at"

`,`-delimited, LF, every header cell quoted. Its quirks: the first header cell has a trailing space (the
header is stripped by `parsers.common.read_csv`); a value split by an embedded newline (`"BIC\\nYCLE"`,
read by a real CSV reader and normalised to `BICYCLE`); fractional seconds of variable length
(`16:19:34.025`, `17:22:08.96`, none in `Arrival time`); `Departed at` always empty. Each order gives a
pickup task (`Is pickup task` = `TRUE`) and a drop-off task (`FALSE`) that share the same `Task creation
time`: that is the join key that rebuilds one job per order.

A job: `requested_at` = Task creation time; `arrived_pickup_at` / `picked_up_at` = the pickup task's
`Arrived at` / completion; `arrived_dropoff_at` / `dropped_off_at` = the drop-off task's; `product` =
the vehicle type (drop-off task's, else pickup's); `status` `completed` when the drop-off task is
completed, else `other`; `source_row` = the pickup task's row (spreadsheet numbering: header = 1, a
record with an embedded newline is one row). `Started at`, `Arrival time` (which looks like an
estimate) and `Departed at` have no agreed meaning: they are kept, per task, in `extra`, with the
drop-off task's row. A task whose partner is missing still makes a job with what is known, and an
`unpaired_task` issue.

Time zone: the file states none. The reference infers UTC from the hour histogram (peak 15-17 h, a
Nordic dinner peak in UTC) but that is a guess, so these are treated as local times: the ingest needs
`--tz` (give `--tz UTC` if the export's times are UTC), and the manifest says the zone was not stated.

Example:
    >>> detect(["wolt-sample/courier_tasks.csv"]).platform
    'wolt'
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pandas as pd

from parsers.base import Batch, Detection, Member, ParseContext, Rule, Signature
from parsers.common import amend_tz, finish, pick_variant, place_local, read_csv, to_bool

PLATFORM = "wolt"
PLATFORMS = (PLATFORM,)
LAYOUT = "courier-tasks-2021"
CREATED, COMPLETED, IS_PICKUP = "Task creation time", "Task completion time", "Is pickup task"
VEHICLE, ARRIVED = "Completed with vehicle type", "Arrived at"
REQUIRED = (CREATED, COMPLETED, IS_PICKUP)
SIGNATURES = (Signature(REQUIRED, "courier_tasks.csv"),)
"""A renamed `courier_tasks.csv` is known by its header."""
WORK_DATA = ("Ask Wolt for your data as a courier partner (GDPR Art. 15), naming the file of your tasks "
             "(courier_tasks.csv) and your earnings.")
_ZONE_DOUBT = ("; Wolt's courier_tasks.csv does not state its time zone (the reference's sample looks like "
               "UTC: if so, ingest with --tz UTC)")


def detect(paths: list[str]) -> Detection | None:
    """Wolt when the export holds `courier_tasks.csv`.

    Example:
        >>> detect(["a/b.csv"]) is None
        True
    """
    hits = [p for p in paths if re.search(r"(^|/)courier_tasks\.csv$", p, flags=re.IGNORECASE)]
    return Detection(PLATFORM, LAYOUT, tuple(hits[:3])) if hits else None


def prepare(export: object, ctx: ParseContext) -> None:
    """Nothing to gather before parsing: the file states no zone (the ingest asks for `--tz`).

    Example:
        >>> prepare([], ParseContext(PLATFORM, LAYOUT))
    """


def parse_courier_tasks(member: Member, ctx: ParseContext) -> Iterator[Batch]:
    """Handler: `courier_tasks.csv` -> one `jobs` row per pickup + drop-off pair.

    The whole file is read before pairing (a pair may be far apart; real files hold hundreds of rows).

    Example:
        >>> import io
        >>> class M:
        ...     path, size = "courier_tasks.csv", 0
        ...     def open(self):
        ...         return io.BytesIO(b'"Task creation time ","Task completion time","Is pickup task"\\n'
        ...                           b'"2020-04-24 16:19:34.025","2020-04-24 16:31:02.5","TRUE"\\n'
        ...                           b'"2020-04-24 16:19:34.025","2020-04-24 16:45:10.96","FALSE"\\n')
        >>> batch = next(parse_courier_tasks(M(), ParseContext("wolt", LAYOUT, user_tz="UTC")))
        >>> batch.rows[["status", "requested_at"]].astype(str).to_dict("records")
        [{'status': 'completed', 'requested_at': '2020-04-24 16:19:34.025+00:00'}]
    """
    frames = list(read_csv(member, ctx))
    if not frames:
        return
    tasks = pd.concat(frames) if len(frames) > 1 else frames[0]
    pick_variant(member.path, tasks.columns, {LAYOUT: REQUIRED})
    yield Batch("jobs", jobs_from_tasks(tasks, member.path, ctx))


def jobs_from_tasks(tasks: pd.DataFrame, file: str, ctx: ParseContext) -> pd.DataFrame:
    """Jobs from task rows (string frame indexed by source row, as `read_csv` yields it).

    Example:
        >>> t = pd.DataFrame({CREATED: ["2020-04-24 16:19:34.025"] * 2,
        ...     COMPLETED: ["2020-04-24 16:40:01.5", "2020-04-24 17:02:10.96"], IS_PICKUP: ["TRUE", "FALSE"],
        ...     VEHICLE: ["BIC\\nYCLE", "BICYCLE"], ARRIVED: [None, "2020-04-24 16:58:00"],
        ...     "source_row": [2, 3]}, index=[2, 3])
        >>> j = jobs_from_tasks(t, "courier_tasks.csv", ParseContext("wolt", LAYOUT, user_tz="UTC"))
        >>> j[["product", "status", "source_row"]].values.tolist()
        [['BICYCLE', 'completed', 2]]
    """
    pickup = to_bool(tasks[IS_PICKUP], ctx, file)
    tasks = tasks[pickup.notna()].assign(_pickup=pickup[pickup.notna()].astype(bool))
    times = {name: _times(tasks, name, file, ctx) for name in (CREATED, COMPLETED, ARRIVED)}
    tasks = tasks.assign(_created=times[CREATED], _completed=times[COMPLETED], _arrived=times[ARRIVED],
                         _vehicle=_vehicle(tasks))
    order = tasks.groupby(["_created", "_pickup"], dropna=False).cumcount()
    no_time = tasks["_created"].isna()  # cannot be paired: each makes its own job
    tasks = tasks.assign(_n=order.where(~no_time, -pd.Series(tasks.index, index=tasks.index)))
    _report_missing(tasks, no_time, file, ctx)
    _report_shared(tasks, file, ctx)
    pickups, dropoffs = tasks[tasks["_pickup"]], tasks[~tasks["_pickup"]]
    pairs = pickups.reset_index(drop=True).merge(dropoffs.reset_index(drop=True), how="outer",
                                                 on=["_created", "_n"], suffixes=("_p", "_d"), sort=False)
    _report_unpaired(pairs, file, ctx)
    return _jobs(pairs, [c for c in tasks.columns if not c.startswith("_")])


def _jobs(pairs: pd.DataFrame, source_columns: list[str]) -> pd.DataFrame:
    dropped = pairs["_completed_d"].notna()
    frame = pd.DataFrame({
        "kind": "delivery", "product": pairs["_vehicle_d"].fillna(pairs["_vehicle_p"]),
        "status": dropped.map({True: "completed", False: "other"}),
        "requested_at": pairs["_created"], "arrived_pickup_at": pairs["_arrived_p"],
        "picked_up_at": pairs["_completed_p"], "arrived_dropoff_at": pairs["_arrived_d"],
        "dropped_off_at": pairs["_completed_d"],
        "source_row": pairs["source_row_p"].fillna(pairs["source_row_d"]).astype("int64"),
        "extra": _extra(pairs, source_columns),
    }, index=pairs.index)
    return finish(frame.sort_values("source_row", kind="stable").reset_index(drop=True), "jobs")


def _times(tasks: pd.DataFrame, name: str, file: str, ctx: ParseContext) -> pd.Series:
    if name not in tasks:
        return pd.Series(pd.NaT, index=tasks.index, dtype="datetime64[us, UTC]")
    placed = place_local(tasks[name], ctx, file)
    amend_tz(ctx, file, name, _ZONE_DOUBT)
    return placed


def _vehicle(tasks: pd.DataFrame) -> pd.Series:
    """`BIC\\nYCLE` -> `BICYCLE`: a value split by an embedded newline in the real file."""
    if VEHICLE not in tasks:
        return pd.Series(None, index=tasks.index, dtype="str")
    return tasks[VEHICLE].str.replace(r"\s+", "", regex=True).str.upper().replace("", None)


def _extra(pairs: pd.DataFrame, source_columns: list[str]) -> pd.Series:
    """The tasks' columns the model has no place for, as `pickup <column>` / `dropoff <column>`."""
    kept = [c for c in source_columns if c not in (CREATED, COMPLETED, IS_PICKUP, ARRIVED, "source_row")]
    parts = {}
    for side, suffix in (("pickup", "_p"), ("dropoff", "_d")):
        for name in kept:
            values = pairs[name + suffix] if name + suffix in pairs else pairs.get(name)
            if values is None:
                continue
            if name == VEHICLE:  # kept only when the normalised product hides what was written
                values = values.where(values != pairs["_vehicle" + suffix])
            parts[f"{side} {name}"] = values
    parts["dropoff source_row"] = pairs["source_row_d"].astype("Int64").astype("str").where(
        pairs["source_row_d"].notna() & pairs["source_row_p"].notna())
    # row by row: parsers.common.extra_json loses rows whose values are all null (pyarrow 26
    # binary_join_element_wise with null_handling="skip"); these files hold hundreds of rows
    records = pd.DataFrame(parts, index=pairs.index).astype(object).to_dict("records")
    kept_values = [{k: v for k, v in r.items() if isinstance(v, str)} for r in records]
    return pd.Series([json.dumps(r, ensure_ascii=False, separators=(",", ":")) if r else None
                      for r in kept_values], index=pairs.index, dtype=object)


def _report_shared(tasks: pd.DataFrame, file: str, ctx: ParseContext) -> None:
    shared = tasks[tasks["_created"].notna()].groupby(["_created", "_pickup"])["_n"].transform("size") > 1
    for row in shared[shared].index[:100]:
        ctx.issue(file, "shared_creation_time", "several tasks of the same kind share this creation time; "
                  "they were paired with the other kind in file order", row=int(row), column=CREATED)


def _report_missing(tasks: pd.DataFrame, no_time: pd.Series, file: str, ctx: ParseContext) -> None:
    empty = no_time & tasks[CREATED].isna()  # unreadable values were reported when they were read
    for row in tasks.index[empty][:100]:
        ctx.issue(file, "missing_value", "a task without a creation time cannot be paired", row=int(row),
                  column=CREATED)


def _report_unpaired(pairs: pd.DataFrame, file: str, ctx: ParseContext) -> None:
    for side, other in (("_p", "_d"), ("_d", "_p")):
        alone = pairs["source_row" + side].notna() & pairs["source_row" + other].isna()
        what = "pickup" if side == "_p" else "drop-off"
        for row in pairs.loc[alone, "source_row" + side].astype("int64").tolist()[:100]:
            ctx.issue(file, "unpaired_task", f"a {what} task with no partner sharing its creation time; "
                      "it makes a job with what it says", row=row, column=CREATED)


RULES: list[Rule] = [
    Rule(r"(^|/)courier_tasks\.csv$", parse_courier_tasks,
         "Wolt courier tasks: a pickup and a drop-off task per order, joined into jobs", ("jobs",)),
]
"""The handler table: the only Wolt file whose layout is known (§10); others are reported as unknown."""
