"""Maps for the pages: pydeck maps that fetch nothing from the network. The home-area privacy mask they
apply is computed in `toolkit.geo` (`home_anchor`, `away_from`), re-exported here for the pages.
"""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

import h3
import pandas as pd
import pydeck as pdk
import streamlit as st

from pages.common import View
from toolkit.geo import away_from, home_anchor

__all__ = ["OFFLINE_MAP_STYLE", "away_from", "deck", "hex_map", "home_anchor"]

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
