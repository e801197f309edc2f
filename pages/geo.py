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


HEX_AREAS_KM2 = {7: 5.16, 8: 0.737, 9: 0.105}
"""Average area of an H3 cell at each resolution offered (h3 documentation, table of cell areas)."""


def hex_map(view: View, cells: pd.DataFrame) -> None:
    """Two maps of H3 cells side by side: hours waiting, and jobs started, in each cell; under each, what
    the colours mean with its counts; a layer without data says so instead of an empty map."""

    tr = view.tr
    data = cells.reset_index()
    weights = data["waiting_h"] + data["job_starts"]
    centre = data.loc[weights.idxmax(), "cell"] if len(data) else None
    lat, lon = h3.cell_to_latlng(str(centre)) if centre is not None else (0.0, 0.0)
    columns = st.columns(2)
    for slot, column, colour, title, amount in (
        (columns[0], "waiting_h", (230, 159, 0), "dispatch.map_waiting", tr.hours),
        (columns[1], "job_starts", (0, 114, 178), "dispatch.map_jobs", tr.integer),
    ):
        shown = data[data[column] > 0].copy()
        with slot:
            st.markdown(f"**{tr(title)}**")
            if shown.empty:
                st.info(tr(f"{title}_empty"))
                continue
            top = shown[column].max()
            shown["alpha"] = (50 + 205 * shown[column] / top).round()
            shown["label"] = [tr(f"{title}_tip", n=tr.number(v, 1)) for v in shown[column]]
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
            st.pydeck_chart(deck(view, [layer], lat, lon, 11, {"text": "{label}"}), height=380)
            swatch = f"rgb({colour[0]}, {colour[1]}, {colour[2]})"
            st.html(f"<div style='display:flex;align-items:center;gap:.4rem;font-size:.8rem'>"
                    f"<span>{tr('dispatch.map_low')}</span><span style='flex:0 0 6rem;height:.7rem;"
                    f"background:linear-gradient(to right, rgba({colour[0]},{colour[1]},{colour[2]},.2), "
                    f"{swatch})'></span><span>{tr('dispatch.map_high')}</span></div>")
            st.caption(tr(f"{title}_legend", cells=tr.integer(len(shown)), total=amount(shown[column].sum()),
                          top=amount(top)))
