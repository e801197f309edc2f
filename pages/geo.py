"""Maps for the pages: pydeck maps that fetch nothing from the network, and the home-area privacy mask.

The privacy mask follows methods.md §6.2: the home anchor is the H3 res-8 cell most often seen at night
or where a working day began or ended; everything within the chosen radius of it is left off the map.
"""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

import h3
import numpy as np
import pandas as pd
import pydeck as pdk
import streamlit as st

from pages.common import View

OFFLINE_MAP_STYLE = "data:application/json," + urllib.parse.quote(
    json.dumps(
        {
            "version": 8,
            "sources": {},
            "layers": [{"id": "background", "type": "background", "paint": {"background-color": "#eef0f3"}}],
        }
    )
)
"""A map style with a plain background and nothing to download (see `deck`)."""


def deck(
    view: View,
    layers: list[Any],
    lat: float,
    lon: float,
    zoom: float = 11.0,
    tooltip: dict[str, Any] | None = None,
) -> Any:
    """A pydeck map whose background is an inline style: no basemap tile or style is fetched from the
    network (Streamlit otherwise loads a Carto basemap), so the page makes no call outside this computer."""

    del view
    return pdk.Deck(
        layers=layers,
        initial_view_state=pdk.ViewState(latitude=lat, longitude=lon, zoom=zoom),
        map_provider="mapbox",
        map_style=OFFLINE_MAP_STYLE,
        tooltip=tooltip or False,
    )


def hex_map(view: View, cells: pd.DataFrame) -> None:
    """Two maps of H3 cells side by side: hours waiting, and jobs started, in each cell."""

    data = cells.reset_index()
    lat, lon = h3.cell_to_latlng(str(data.iloc[0]["cell"]))
    columns = st.columns(2)
    for slot, column, colour, title in (
        (columns[0], "waiting_h", (230, 159, 0), "dispatch.map_waiting"),
        (columns[1], "job_starts", (0, 114, 178), "dispatch.map_jobs"),
    ):
        shown = data[data[column] > 0].copy()
        shown["alpha"] = (50 + 205 * shown[column] / shown[column].max()).round()
        shown["label"] = [view.tr(f"{title}_tip", n=view.tr.number(v, 1)) for v in shown[column]]
        layer = pdk.Layer(
            "H3HexagonLayer",
            shown,
            get_hexagon="cell",
            pickable=True,
            extruded=False,
            get_fill_color=f"[{colour[0]}, {colour[1]}, {colour[2]}, alpha]",
            get_line_color=[80, 80, 80],
            line_width_min_pixels=1,
        )
        with slot:
            st.markdown(f"**{view.tr(title)}**")
            st.pydeck_chart(deck(view, [layer], lat, lon, 11, {"text": "{label}"}), height=380)


def home_anchor(locations: pd.DataFrame, segments: pd.DataFrame, zone: str) -> tuple[float, float] | None:
    """Where the worker most likely lives (methods.md §6.2): the H3 res-8 cell most often seen at night
    (00:00-06:00 local) or where a day's work began or ended; the mean position inside it. None when no
    cell is seen at least twice (too little to tell).

    Used only to hide that area on the Map page; never shown nor stored.
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
    """True for positions further than `radius_m` from `anchor` (unknown positions count as away)."""

    rlat, rlon = np.radians(anchor[0]), np.radians(anchor[1])
    plat, plon = np.radians(lat.astype(float)), np.radians(lon.astype(float))
    a = np.sin((plat - rlat) / 2) ** 2 + np.cos(rlat) * np.cos(plat) * np.sin((plon - rlon) / 2) ** 2
    distance = 2 * 6_371_000 * np.arcsin(np.sqrt(a))
    return pd.Series(~(distance <= radius_m), index=lat.index)
