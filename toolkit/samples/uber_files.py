"""Uber files that several layouts write with small variations: `Driver Online Offline` (§2.4),
`Driver Payments` (§2.7) and `Driver App Restrictions` (§2.8), with the rows the ingest must read.

Example:
    >>> sorted(STATE_OF["status"]["en route"] for _ in [0])
    ['to_pickup']
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from toolkit.samples.common import (
    PLAIN,
    expected_frame,
    f32,
    fint,
    fnum,
    fts,
    model_category,
    rlocal,
    rnum,
    rutc,
)
from toolkit.simulate import World

RAW_STATE = {
    "earner_state": {"offline": "offline", "waiting": "open", "to_pickup": "enroute", "on_job": "ontrip"},
    "status": {"offline": "offline", "waiting": "open", "to_pickup": "en route", "on_job": "on trip"},
}
"""The simulated state -> Uber's word, in `earner_state` (2021 SAR, Uber Eats) and `status` (Geneva)."""
STATE_OF = {column: {raw: model for model, raw in words.items()} for column, words in RAW_STATE.items()}


@dataclass(frozen=True)
class OnlineVariant:
    """One variant of the Online Offline file: its header and how it names things."""

    header: list[str]
    state: str  # "earner_state" or "status"
    begin: str  # UTC begin column (end: the same with "end")
    begin_local: str
    duration: str
    duration_unit_s: float  # 0.001 for ms, 1.0 for seconds
    fmt: str
    coordinates: bool
    open_end_keeps_duration: bool  # the still-open last row (end empty) keeps its duration


def online_offline(world: World, variant: OnlineVariant, constants: dict[str, str]) -> pd.DataFrame:
    """One row per simulated interval; the trailing offline interval (still open when the export was
    made) has empty end columns.

    Example:
        >>> from toolkit.simulate import SimParams, simulate_worker
        >>> from toolkit.samples.uber import FR_ONLINE
        >>> w = simulate_worker(SimParams(days=2, gps_every_s=0))
        >>> list(online_offline(w, FR_ONLINE, {"city_id": "3"}).columns) == FR_ONLINE.header
        True
    """
    iv, v = world.intervals.reset_index(drop=True), variant
    end = _ends(v)
    still_open = np.zeros(len(iv), dtype=bool)
    if len(iv) and iv["state"].iloc[-1] == "offline":
        still_open[-1] = True
    seconds = (iv["end_at"] - iv["start_at"]).dt.total_seconds()
    cells = pd.DataFrame({c: [constants.get(c)] * len(iv) for c in v.header}, dtype="object")
    cells[v.state] = [RAW_STATE[v.state][s] for s in iv["state"]]
    zone = world.params.zone
    cells[v.begin], cells[v.begin_local] = fts(iv["start_at"], v.fmt), fts(iv["start_at"], v.fmt, zone)
    cells[end[0]], cells[end[1]] = fts(iv["end_at"], v.fmt), fts(iv["end_at"], v.fmt, zone)
    cells[v.duration] = fint(seconds / v.duration_unit_s)
    if v.coordinates:
        for prefix, column in (("begin", "start"), ("end", "end")):
            cells[f"{prefix}_lat"] = f32(iv[f"{column}_lat"])
            cells[f"{prefix}_lng"] = f32(iv[f"{column}_lon"])
    open_columns = [*end, "end_lat", "end_lng"] if v.coordinates else list(end)
    open_columns += [] if v.open_end_keeps_duration else [v.duration]
    cells.loc[still_open, open_columns] = None
    return cells


def expected_online_offline(path: str, rows: pd.DataFrame, variant: OnlineVariant) -> pd.DataFrame:
    """The `status_segments` rows the ingest must read from an Online Offline file.

    Example:
        >>> from toolkit.samples.uber import FR_ONLINE
        >>> rows = pd.DataFrame({"earner_state": ["open"], "duration_ms": ["1500"],
        ...     "begin_timestamp_utc": ["2021-02-01T09:00:00.000Z"], "end_timestamp_utc": [None],
        ...     "begin_lat": ["1.0"], "begin_lng": ["2.0"], "end_lat": [None], "end_lng": [None]})
        >>> str(expected_online_offline("o.csv", rows, FR_ONLINE)["end_at"][0])
        '2021-02-01 09:00:01.500000+00:00'
    """
    v, end = variant, _ends(variant)
    start, stop = rutc(rows, v.begin), rutc(rows, end[0])
    duration = pd.to_timedelta(rnum(rows, v.duration) * v.duration_unit_s, unit="s")
    stop = stop.where(stop.notna(), start + duration)
    data: dict[str, object] = {"state": [STATE_OF[v.state][s] for s in rows[v.state]],
                               "raw_state": rows[v.state],
                               "start_at": start, "end_at": stop}
    if v.coordinates:
        data.update(start_lat=rnum(rows, "begin_lat"), start_lon=rnum(rows, "begin_lng"),
                    end_lat=rnum(rows, "end_lat"), end_lon=rnum(rows, "end_lng"))
    return expected_frame("status_segments", path, rows, data)


def payments(world: World, names: dict[str, str], constants: dict[str, str], blank_every: int = 0,
             fmt: str = PLAIN) -> pd.DataFrame:
    """One row per simulated pay line (in recognition order). `names` maps `amount`, `currency`,
    `classification`, `category`, `timestamp` and optionally `trip` to the file's column names;
    every `blank_every`-th row (0: none) has an empty category, as in the Uber Eats file.

    Example:
        >>> from toolkit.simulate import SimParams, simulate_worker
        >>> w = simulate_worker(SimParams(days=2, gps_every_s=0))
        >>> names = {"amount": "a", "currency": "c", "classification": "k", "category": "g", "timestamp": "t"}
        >>> len(payments(w, names, {})) == len(w.pay)
        True
    """
    pay = world.pay.reset_index(drop=True)
    cells = pd.DataFrame({c: [v] * len(pay) for c, v in constants.items()}, dtype="object")
    cells[names["amount"]] = fnum(pay["amount"] + 0.0)
    cells[names["currency"]] = pay["currency"].tolist()
    cells[names["classification"]] = pay["classification"].tolist()
    category = pay["uber_category"].astype(object)
    if blank_every:
        category[np.arange(len(pay)) % blank_every == blank_every - 1] = None
    cells[names["category"]] = category.tolist()
    cells[names["timestamp"]] = fts(pay["earned_at"], fmt, world.params.zone)
    if "trip" in names:
        cells[names["trip"]] = [None if pd.isna(j) else str(j) for j in pay["job_id"]]
    return cells


def expected_payments(path: str, rows: pd.DataFrame, names: dict[str, str], zone: str) -> pd.DataFrame:
    """The `earnings` rows the ingest must read from a Payments file (local times placed in `zone`).

    Example:
        >>> names = {"amount": "a", "currency": "c", "classification": "k", "category": "g", "timestamp": "t"}
        >>> rows = pd.DataFrame({"a": ["-1.5"], "c": ["EUR"], "k": ["transport.tax.vat"], "g": [None],
        ...                      "t": ["2021-02-01 10:00:00"]})
        >>> expected_payments("p.csv", rows, names, "Europe/Paris")["category"].tolist()
        ['tax']
    """
    classes = rows[names["classification"]]
    data = {"earned_at": rlocal(rows, names["timestamp"], zone), "amount": rnum(rows, names["amount"]),
            "currency": rows[names["currency"]], "classification": classes,
            "category": [model_category(c, k) for c, k in zip(rows[names["category"]], classes, strict=True)],
            "job_id": rows[names["trip"]] if "trip" in names else None}
    return expected_frame("earnings", path, rows, data)


RESTRICTIONS_HEADER = ["msg.cityid", "msg.penaltyboxdurationms", "msg.rule", "Time", "msg.latitude",
                       "msg.longitude"]
"""`Driver App Restrictions`, French SAR 2021, verbatim (export-formats.md §2.8)."""


def restrictions(world: World, city_id: str) -> pd.DataFrame:
    """One row per simulated sanction; every other notification has the 0/0 position Uber sometimes gives.

    Example:
        >>> from toolkit.simulate import SimParams, simulate_worker
        >>> w = simulate_worker(SimParams(days=2, gps_every_s=0))
        >>> list(restrictions(w, "3").columns) == RESTRICTIONS_HEADER
        True
    """
    s = world.sanctions.reset_index(drop=True)
    nowhere = ((s["kind"] == "notification") & (s.groupby("kind").cumcount() % 2 == 0)).to_numpy()
    lat = np.where(nowhere, 0.0, s["lat"].to_numpy(dtype=float))
    lon = np.where(nowhere, 0.0, s["lon"].to_numpy(dtype=float))
    return pd.DataFrame({
        "msg.cityid": [city_id] * len(s), "msg.penaltyboxdurationms": fint(s["duration_ms"]),
        "msg.rule": s["rule"].tolist(), "Time": fts(s["at"], PLAIN),
        "msg.latitude": ["0" if z else v for z, v in zip(nowhere, fnum(lat), strict=True)],
        "msg.longitude": ["0" if z else v for z, v in zip(nowhere, fnum(lon), strict=True)],
    }, columns=RESTRICTIONS_HEADER, dtype="object")


def expected_restrictions(path: str, rows: pd.DataFrame) -> pd.DataFrame:
    """The `sanctions` rows the ingest must read from `Driver App Restrictions` (`Time` is UTC).

    Example:
        >>> rows = pd.DataFrame({"msg.penaltyboxdurationms": ["21600000"], "msg.rule": ["consecutiveReject"],
        ...     "Time": ["2021-02-01 10:00:00"], "msg.latitude": ["0"], "msg.longitude": ["0"]})
        >>> expected_restrictions("r.csv", rows)[["kind", "duration_s", "lat"]].values.tolist()
        [['block', 21600.0, nan]]
    """
    ms = rnum(rows, "msg.penaltyboxdurationms")
    lat, lon = rnum(rows, "msg.latitude"), rnum(rows, "msg.longitude")
    nowhere = (lat == 0) & (lon == 0)
    data = {"at": rutc(rows, "Time"), "kind": ["block" if m > 0 else "notification" for m in ms],
            "rule": rows["msg.rule"], "duration_s": ms / 1000, "lat": lat.where(~nowhere),
            "lon": lon.where(~nowhere)}
    return expected_frame("sanctions", path, rows, data)


def _ends(v: OnlineVariant) -> tuple[str, str]:
    return v.begin.replace("begin", "end"), v.begin_local.replace("begin", "end")
