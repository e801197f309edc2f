"""Uber worker states -> `status_segments` (and `offers` from the per-offer trip status log).

`NN - Driver Online Offline.csv` (export-formats.md §2.4): one row per interval in one state. French
2021: `;`, `earner_state`, `*_utc` plus `*_local` with a bogus `Z`, `duration_ms`, coordinates. Uber Eats
2025: the same without coordinates (7 columns). Geneva 2017–2022: `Online OffLine` (capital L), `status`
spelled `en route`/`on trip`, naive UTC `begin_timestamp`/`end_timestamp`, `duration_seconds`.
`04 - Driver Trip Status.csv` (§2.6, Geneva only): `dispatching` rows are offers, whose `end_reason`
is the outcome; the other rows are the stages of a job, in local time. Mapping: docs/uber-mapping.md.

Example:
    >>> sorted(set(ONLINE_STATES.values()))
    ['offline', 'on_job', 'to_pickup', 'waiting']
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from parsers.base import Batch, Member, ParseContext
from parsers.common import (
    coordinates,
    extra_json,
    finish,
    first_present,
    labels,
    map_values,
    pick_variant,
    read_csv,
    require,
    to_float,
    utc_or_local,
    within,
)

MAX_SEGMENT_S = 3_660 * 86_400.0
"""A status period said to last longer than ten years, or less than nothing, is not one (1e308 seconds
would not even fit a time)."""

CHUNK_ROWS = 200_000
ONLINE_STATES = {"open": "waiting", "enroute": "to_pickup", "en route": "to_pickup", "ontrip": "on_job",
                 "on trip": "on_job", "offline": "offline"}
ONLINE_VARIANTS = {
    "earner_state with UTC times (2021–2025)": ("earner_state", "begin_timestamp_utc"),
    "status with naive UTC times (Geneva)": ("status", "begin_timestamp"),
    "earner_state with local times": ("earner_state", "begin_timestamp_local"),
    "status with local times": ("status", "begin_timestamp_local"),
}
TRIP_STAGES = {"to_pickup": "to_pickup", "at_pickup": "at_pickup", "to_destination": "on_job",
               "at_destination": "on_job", "at_stop": "on_job", "to_next_stop": "on_job"}
OFFER_OUTCOMES = {"driver_accepted": "accepted", "driver_rejected": "rejected", "dispatch_resent": "expired"}
_TIMES = ["begin_timestamp_utc", "begin_timestamp", "begin_timestamp_local", "end_timestamp_utc",
          "end_timestamp", "end_timestamp_local"]
STATUS_VARIANTS = {
    "UTC times": ("status", "end_reason", "begin_timestamp_utc"),
    "naive UTC times (Geneva)": ("status", "end_reason", "begin_timestamp"),
    "local times": ("status", "end_reason", "begin_timestamp_local"),
}


def parse_online_offline(member: Member, ctx: ParseContext) -> Iterator[Batch]:
    """`Driver Online Offline` -> `status_segments`; a missing end is start + duration.

    Example:
        >>> import io
        >>> class M:
        ...     path, size = "02 - Driver Online OffLine.csv", 0
        ...     def open(self): return io.BytesIO(b"status,begin_timestamp,end_timestamp,duration_seconds"
        ...         b"\\non trip,2021-11-18 12:00:00,\\\\N,90\\n")
        >>> rows = next(parse_online_offline(M(), ParseContext("uber", "sar-geneva-2022"))).rows
        >>> rows[["state", "raw_state"]].to_dict("records"), str(rows["end_at"].iloc[0])
        ([{'state': 'on_job', 'raw_state': 'on trip'}], '2021-11-18 12:01:30+00:00')
    """
    for frame in read_csv(member, ctx, CHUNK_ROWS):
        pick_variant(member.path, frame.columns, ONLINE_VARIANTS)
        yield Batch("status_segments", _online_segments(frame, ctx, member.path))


def parse_trip_status(member: Member, ctx: ParseContext) -> Iterator[Batch]:
    """`Driver Trip Status` -> `offers` (the `dispatching` rows) and `status_segments` (the others).

    Example:
        >>> import io
        >>> class M:
        ...     path, size = "04 - Driver Trip Status.csv", 0
        ...     def open(self): return io.BytesIO(b"begin_timestamp_local,end_timestamp_local,status,"
        ...         b"end_reason\\n2017-11-02 14:16:18,2017-11-02 14:16:30,dispatching,driver_rejected\\n")
        >>> ctx = ParseContext("uber", "sar-geneva-2022", export_tz="Europe/Zurich")
        >>> offers = next(parse_trip_status(M(), ctx)).rows
        >>> offers["outcome"].tolist(), str(offers["offered_at"].iloc[0])
        (['rejected'], '2017-11-02 13:16:18+00:00')
    """
    for frame in read_csv(member, ctx, CHUNK_ROWS):
        pick_variant(member.path, frame.columns, STATUS_VARIANTS)
        file = member.path
        start = utc_or_local(frame, ctx, file, first_present(frame, "begin_timestamp_utc", "begin_timestamp"),
                             "begin_timestamp_local")
        end = utc_or_local(frame, ctx, file, first_present(frame, "end_timestamp_utc", "end_timestamp"),
                           "end_timestamp_local")
        offer = labels(frame["status"], {"dispatching": "offer"}) == "offer"
        yield Batch("offers", _offers(frame[offer], start[offer], end[offer], ctx, file))
        yield Batch("status_segments", _stage_segments(frame[~offer], start[~offer], end[~offer], ctx, file))


def _online_segments(frame: pd.DataFrame, ctx: ParseContext, file: str) -> pd.DataFrame:
    state = first_present(frame, "earner_state", "status") or "earner_state"
    begin_utc = first_present(frame, "begin_timestamp_utc", "begin_timestamp")
    end_utc = first_present(frame, "end_timestamp_utc", "end_timestamp")
    out = pd.DataFrame(index=frame.index)
    out["raw_state"] = frame[state]
    out["state"] = map_values(frame[state], ONLINE_STATES, ctx, file)
    out["start_at"] = utc_or_local(frame, ctx, file, begin_utc, "begin_timestamp_local")
    end = utc_or_local(frame, ctx, file, end_utc, "end_timestamp_local")
    duration = _duration_s(frame, ctx, file)
    # in the start's own unit: a nanosecond timedelta would turn the sum into nanoseconds, which overflow
    # past 2262 (a year-9999 start is emptied later, by the checks of sense, not crashed on here)
    step = pd.to_timedelta(duration, unit="s").astype(np.dtype(f"m8[{out['start_at'].dt.unit}]"))
    out["end_at"] = end.where(end.notna(), out["start_at"] + step)
    out["start_lat"], out["start_lon"] = coordinates(frame, ctx, file, "begin_lat", "begin_lng")
    out["end_lat"], out["end_lon"] = coordinates(frame, ctx, file, "end_lat", "end_lng")
    used = [state, *_TIMES, "duration_ms", "duration_seconds", "begin_lat", "begin_lng", "end_lat", "end_lng"]
    out["source_row"] = frame["source_row"]
    out["extra"] = extra_json(frame, used)
    needed = {"state": state, "start_at": begin_utc or "begin_timestamp_local"}
    return finish(require(out, frame, ctx, file, needed), "status_segments")


def _duration_s(frame: pd.DataFrame, ctx: ParseContext, file: str) -> pd.Series:
    if "duration_ms" in frame:
        seconds = to_float(frame["duration_ms"], ctx, file) / 1000.0
    elif "duration_seconds" in frame:
        seconds = to_float(frame["duration_seconds"], ctx, file)
    else:
        return pd.Series(float("nan"), index=frame.index)
    return within(seconds, 0.0, MAX_SEGMENT_S, ctx, file)


def _offers(frame: pd.DataFrame, start: pd.Series, end: pd.Series, ctx: ParseContext,
            file: str) -> pd.DataFrame:
    out = pd.DataFrame(index=frame.index)
    out["offered_at"], out["ended_at"] = start, end
    out["raw_outcome"] = frame["end_reason"]
    out["outcome"] = labels(frame["end_reason"], OFFER_OUTCOMES, "cancelled")
    out["source_row"] = frame["source_row"]
    out["extra"] = extra_json(frame, _TIMES + ["status", "end_reason"])
    begin = first_present(frame, "begin_timestamp_utc", "begin_timestamp", "begin_timestamp_local")
    return finish(require(out, frame, ctx, file, {"offered_at": begin}), "offers")


def _stage_segments(frame: pd.DataFrame, start: pd.Series, end: pd.Series, ctx: ParseContext,
                    file: str) -> pd.DataFrame:
    out = pd.DataFrame(index=frame.index)
    out["raw_state"] = frame["status"]
    out["state"] = map_values(frame["status"], TRIP_STAGES, ctx, file)
    out["start_at"], out["end_at"] = start, end
    out["source_row"] = frame["source_row"]
    out["extra"] = extra_json(frame, _TIMES + ["status"])
    begin = first_present(frame, "begin_timestamp_utc", "begin_timestamp", "begin_timestamp_local")
    return finish(require(out, frame, ctx, file, {"state": "status", "start_at": begin}), "status_segments")

