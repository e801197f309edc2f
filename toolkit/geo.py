"""Places: the great-circle distance, and where a worker most likely lives (the privacy mask).

The privacy mask follows methods.md §6.2: the home anchor is the H3 res-8 cell most often seen at night
or where a working day began or ended; everything within the chosen radius of it is left out of maps and
of anything shared. Every distance between two positions in toolkit is `distance_m`.

Example:
    >>> round(float(distance_m(48.8566, 2.3522, 48.8566, 2.3622)))
    732
"""

from __future__ import annotations

from typing import Any

import h3
import numpy as np
import pandas as pd

EARTH_RADIUS_M = 6_371_008.8
"""The mean Earth radius (IUGG), in metres."""


def distance_m(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> np.ndarray:
    """Great-circle (haversine) distance in metres between positions, element-wise; NaN where a position
    is unknown.

    Example:
        >>> distance_m([0.0, np.nan], [0.0, 0.0], [0.0, 0.0], [1.0, 1.0]).round(-2).tolist()
        [111200.0, nan]
    """
    p1, p2 = np.radians(np.asarray(lat1, dtype=float)), np.radians(np.asarray(lat2, dtype=float))
    dl = np.radians(np.asarray(lon2, dtype=float) - np.asarray(lon1, dtype=float))
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(a)))


def home_anchor(locations: pd.DataFrame, segments: pd.DataFrame, zone: str) -> tuple[float, float] | None:
    """Where the worker most likely lives (methods.md §6.2): the H3 res-8 cell most often seen at night
    (00:00-06:00 local) or where a day's work began or ended; the mean position inside it. None when no
    cell is seen at least twice (too little to tell).

    Used only to hide that area (the Map page, anything shared); never shown nor stored.

    Example:
        >>> fixes = pd.DataFrame({"ts": pd.to_datetime(["2026-01-05 01:00", "2026-01-06 02:00"], utc=True),
        ...                       "lat": [48.84, 48.84001], "lon": [2.39, 2.39001]})
        >>> [round(v, 3) for v in home_anchor(fixes, pd.DataFrame(), "Europe/Paris")]
        [48.84, 2.39]
    """
    points = []
    if not locations.empty:
        local = locations.assign(day=locations["ts"].dt.tz_convert(zone).dt.date).sort_values("ts")
        night = local[local["ts"].dt.tz_convert(zone).dt.hour < 6]
        points += [
            night[["lat", "lon"]],
            local.groupby("day").head(1)[["lat", "lon"]],
            local.groupby("day").tail(1)[["lat", "lon"]],
        ]
    if not segments.empty and "start_lat" in segments:
        local_day = segments["start_at"].dt.tz_convert(zone).dt.date
        ordered = segments.assign(day=local_day).sort_values("start_at")
        first = ordered.groupby("day").head(1)[["start_lat", "start_lon"]].set_axis(["lat", "lon"], axis=1)
        last = ordered.groupby("day").tail(1)[["end_lat", "end_lon"]].set_axis(["lat", "lon"], axis=1)
        points += [first, last]
    candidates = pd.concat(points).dropna() if points else pd.DataFrame(columns=["lat", "lon"])
    if candidates.empty:
        return None
    cells = [
        h3.latlng_to_cell(float(a), float(b), 8)
        for a, b in zip(candidates["lat"], candidates["lon"], strict=True)
    ]
    seen = pd.Series(cells).value_counts()
    if seen.iloc[0] < 2:
        return None
    top = seen.index[0]
    inside = candidates[[c == top for c in cells]]
    return float(inside["lat"].mean()), float(inside["lon"].mean())


def away_from(lat: pd.Series, lon: pd.Series, anchor: tuple[float, float], radius_m: float) -> pd.Series:
    """True for positions further than `radius_m` from `anchor` (unknown positions count as away).

    Example:
        >>> away_from(pd.Series([48.84, 48.85]), pd.Series([2.39, 2.39]), (48.84, 2.39), 500).tolist()
        [False, True]
    """

    distance = distance_m(lat, lon, anchor[0], anchor[1])
    return pd.Series(~(distance <= radius_m), index=lat.index)
