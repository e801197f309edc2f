"""Where and how far: pickup distance and duration, waiting versus job starts on H3 cells, repositioning
between jobs, surge share (methods.md §3.3, §3.4).

H3 resolution 8 (about 0.74 km²) is for a worker's own view; published multi-worker aggregates use
resolution 7 (methods.md §3.3, §6.2). Positions are the worker's: never publish them per worker.

Example:
    >>> jobs = pd.DataFrame({"status": ["completed"] * 3, "surge_multiplier": [1.0, 1.5, None]})
    >>> surge_share(jobs)["share"]
    0.5
"""

from __future__ import annotations

from typing import Any

import h3
import numpy as np
import pandas as pd

from toolkit.analytics.dispatch._frames import first_number, first_time, num, ratio
from toolkit.i18n import Note


def pickup_distributions(jobs: pd.DataFrame) -> dict[str, Any]:
    """Distance and duration from acceptance to pickup (P2): quantiles, and the deadhead ratio P2 km / P3 km.

    The duration is the export's own, else acceptance to arrival at pickup (else pickup) timestamps.

    Example:
        >>> jobs = pd.DataFrame({"to_pickup_distance_m": [500.0, 1500.0],
        ...     "to_pickup_duration_s": [60.0, 180.0], "job_distance_m": [4000.0, 4000.0]})
        >>> float(pickup_distributions(jobs)["summary"].loc["distance_m", "median"])
        1000.0
    """
    distance, p3 = first_number(jobs, "to_pickup_distance_m"), first_number(jobs, "job_distance_m")
    stated = first_number(jobs, "to_pickup_duration_s")
    observed = (first_time(jobs, "arrived_pickup_at", "picked_up_at") - first_time(jobs, "accepted_at"))
    seconds = observed.dt.total_seconds()
    duration = stated.fillna(seconds.where(seconds >= 0))
    filled = int((stated.isna() & duration.notna()).sum())
    both = distance.notna() & p3.notna()
    summary = pd.DataFrame({"distance_m": _quantiles(distance), "duration_s": _quantiles(duration)}).T
    notes: list[str] = [Note("notes.space.pickup_filled", n=filled)] if filled else []
    return {"summary": summary, "deadhead_ratio": ratio(distance[both].sum(), p3[both].sum()),
            "source": "jobs", "notes": notes,
            "definition": "P2 = acceptance to pickup; deadhead ratio = sum P2 km / sum P3 km (jobs with "
                          "both)"}

def waiting_vs_job_starts(
    segments: pd.DataFrame | None, jobs: pd.DataFrame, *, resolution: int = 8
) -> dict[str, Any]:
    """Hours waiting (P1) per H3 cell, beside the jobs that started in each cell (acceptance, else pickup).

    Example:
        >>> seg = pd.DataFrame({"state": ["waiting"], "start_lat": [48.85], "start_lon": [2.35],
        ...     "start_at": pd.to_datetime(["2026-01-05 10:00"], utc=True),
        ...     "end_at": pd.to_datetime(["2026-01-05 10:30"], utc=True)})
        >>> jobs = pd.DataFrame({"accept_lat": [48.85], "accept_lon": [2.35]})
        >>> waiting_vs_job_starts(seg, jobs)["cells"][["waiting_h", "job_starts"]].values.tolist()
        [[0.5, 1.0]]
    """
    wait = segments.loc[segments["state"] == "waiting"] if segments is not None else pd.DataFrame()
    wait_cells = _cells(first_number(wait, "start_lat", "end_lat"),
                        first_number(wait, "start_lon", "end_lon"), resolution)
    wait_h = (first_time(wait, "end_at") - first_time(wait, "start_at")).dt.total_seconds() / 3600.0
    job_cells = _cells(first_number(jobs, "accept_lat", "pickup_lat"),
                       first_number(jobs, "accept_lon", "pickup_lon"), resolution)
    cells = pd.DataFrame({"waiting_h": wait_h.groupby(wait_cells).sum(),
                          "job_starts": job_cells.value_counts().astype(float)}).fillna(0.0)
    for name, share in (("waiting_h", "waiting_share"), ("job_starts", "job_start_share")):
        total = cells[name].sum()
        cells[share] = cells[name] / total if total > 0 else np.nan
    unplaced = int(wait_cells.isna().sum())
    return {"cells": cells.rename_axis("cell").sort_values("waiting_h", ascending=False),
            "resolution": resolution, "unplaced_jobs": int(job_cells.isna().sum()),
            "source": "status_segments (waiting, start position) + jobs (acceptance, else pickup position)",
            "notes": [Note("notes.space.waiting_unplaced", n=unplaced)] if unplaced else [],
            "definition": f"H3 resolution {resolution} cells; waiting hours summed in the cell where "
                          "each waiting segment began"}

def repositioning(jobs: pd.DataFrame, *, max_gap_h: float = 2.0) -> dict[str, Any]:
    """Straight-line metres from each drop-off to the next job's acceptance (else pickup) position.

    Pairs further apart in time than `max_gap_h` are treated as a new session and left out.

    Example:
        >>> jobs = pd.DataFrame({"status": ["completed"] * 2, "dropoff_lat": [48.85, 48.86],
        ...     "dropoff_lon": [2.35, 2.35], "accept_lat": [None, 48.86], "accept_lon": [None, 2.35],
        ...     "dropped_off_at": pd.to_datetime(["2026-01-05 10:00", "2026-01-05 10:40"], utc=True),
        ...     "accepted_at": pd.to_datetime(["2026-01-05 09:40", "2026-01-05 10:10"], utc=True)})
        >>> round(float(repositioning(jobs)["moves"]["distance_m"].iloc[0]))
        1112
    """
    done = jobs.loc[jobs["status"] == "completed"]
    done = done.assign(_start=first_time(done, "accepted_at", "picked_up_at")).sort_values("_start")
    moves = pd.DataFrame({
        "from_at": first_time(done, "dropped_off_at").shift(1), "to_at": done["_start"],
        "distance_m": _haversine_m(first_number(done, "dropoff_lat").shift(1),
                                   first_number(done, "dropoff_lon").shift(1),
                                   first_number(done, "accept_lat", "pickup_lat"),
                                   first_number(done, "accept_lon", "pickup_lon")),
        "to": np.where(first_number(done, "accept_lat").notna(), "acceptance", "pickup"),
    }).iloc[1:]
    moves["gap_min"] = (moves["to_at"] - moves["from_at"]).dt.total_seconds() / 60.0
    moves = moves.loc[(moves["gap_min"] <= max_gap_h * 60) & moves["distance_m"].notna()]
    moves = moves.reset_index(drop=True)
    return {"moves": moves, "summary": _quantiles(moves["distance_m"]),
            "total_km": num(moves["distance_m"].sum() / 1000.0) if len(moves) else None, "source": "jobs",
            "notes": [] if len(moves) else [Note("notes.space.no_repositioning")],
            "definition": "haversine from previous drop-off to the next acceptance (else pickup) position"}

def surge_share(jobs: pd.DataFrame) -> dict[str, Any]:
    """Share of completed jobs with a surge multiplier above 1, among those whose multiplier is known.

    Example:
        >>> jobs = pd.DataFrame({"status": ["completed"] * 3, "surge_multiplier": [1.0, 1.5, None]})
        >>> surge_share(jobs)["share"]
        0.5
    """
    done = jobs.loc[jobs["status"] == "completed"]
    surge = first_number(done, "surge_multiplier").dropna()
    if surge.empty:
        return {"share": None, "known": 0, "unknown": int(len(done)), "source": "jobs.surge_multiplier",
                "notes": [Note("notes.space.no_surge")]}
    surged = surge > 1.0
    return {"share": num(surged.mean()), "known": int(surge.size), "unknown": int(len(done) - surge.size),
            "mean_multiplier_when_surged": num(surge[surged].mean()) if surged.any() else None,
            "source": "jobs.surge_multiplier", "notes": [],
            "definition": "completed jobs with surge_multiplier > 1 / completed jobs with a known multiplier"}

def _cells(lat: pd.Series, lon: pd.Series, resolution: int) -> pd.Series:
    cells = [h3.latlng_to_cell(a, b, resolution) if pd.notna(a) and pd.notna(b) else None
             for a, b in zip(lat, lon, strict=True)]
    return pd.Series(cells, index=lat.index, dtype=object)

def _haversine_m(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> np.ndarray:
    p1, p2 = np.radians(np.asarray(lat1, dtype=float)), np.radians(np.asarray(lat2, dtype=float))
    dl = np.radians(np.asarray(lon2, dtype=float) - np.asarray(lon1, dtype=float))
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * 6_371_008.8 * np.arcsin(np.sqrt(a))

def _quantiles(values: pd.Series) -> pd.Series:
    v = pd.to_numeric(values, errors="coerce").dropna()
    levels = [0.1, 0.25, 0.5, 0.75, 0.9]
    q = v.quantile(levels) if len(v) else pd.Series(np.nan, index=levels)
    return pd.Series({"n": float(len(v)), "mean": v.mean() if len(v) else np.nan, "p10": q[0.1],
                      "p25": q[0.25], "median": q[0.5], "p75": q[0.75], "p90": q[0.9]})
