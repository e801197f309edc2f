"""Map: the worker's trips, GPS traces and app-state positions, with a privacy switch that hides the area
around home (on by default)."""

from __future__ import annotations

import pandas as pd
import pydeck as pdk
import streamlit as st

from pages import common, compute, geo

MAX_POINTS = 20_000
"""GPS fixes drawn at most (evenly thinned beyond): a browser draws a few tens of thousands smoothly."""
STATE_COLOURS = {
    "waiting": [230, 159, 0, 190],
    "online": [230, 159, 0, 190],
    "to_pickup": [86, 180, 233, 190],
    "at_pickup": [86, 180, 233, 190],
    "on_job": [0, 114, 178, 190],
}

view = common.current_view()
tr = view.tr

st.title(tr("map.title"))
st.write(tr("map.intro"))
if not common.require_data(view):
    st.stop()

t = compute.frames(view, "jobs", "locations", "status_segments")
trips = t["jobs"].dropna(subset=["pickup_lat", "pickup_lon", "dropoff_lat", "dropoff_lon"])
fixes = t["locations"]
states = t["status_segments"].dropna(subset=["start_lat", "start_lon"])
states = states[states["state"].isin(list(STATE_COLOURS))]
cols = st.columns([2, 1])
hide = cols[0].toggle(tr("map.hide_home"), value=True, key="map-hide-home", help=tr("map.hide_home_help"))
radius = cols[1].selectbox(
    tr("map.radius"), [500, 1000, 2000], key="map-radius", format_func=lambda r: f"{tr.integer(r)} m"
)
anchor = common.per_view(view, "home_anchor", lambda: geo.home_anchor(fixes, t["status_segments"], view.zone))
if hide and anchor is None:
    st.warning(tr("map.home_unknown"))
elif hide and anchor is not None:
    keep_trips = geo.away_from(trips["pickup_lat"], trips["pickup_lon"], anchor, radius) & geo.away_from(
        trips["dropoff_lat"], trips["dropoff_lon"], anchor, radius
    )
    keep_fixes = geo.away_from(fixes["lat"], fixes["lon"], anchor, radius)
    keep_states = geo.away_from(states["start_lat"], states["start_lon"], anchor, radius)
    hidden = int((~keep_fixes).sum() + (~keep_states).sum())
    st.caption(
        tr(
            "map.hidden",
            trips=tr.integer(int((~keep_trips).sum())),
            fixes=tr.integer(hidden),
            radius=tr.integer(radius),
        )
    )
    trips, fixes, states = trips[keep_trips], fixes[keep_fixes], states[keep_states]

layers = []
if not states.empty:
    points = pd.DataFrame(
        {
            "lat": states["start_lat"].astype(float),
            "lon": states["start_lon"].astype(float),
            "colour": [STATE_COLOURS[s] for s in states["state"]],
            "label": [tr(f"map.state.{s}") for s in states["state"]],
        }
    )
    layers.append(
        pdk.Layer(
            "ScatterplotLayer",
            points,
            get_position="[lon, lat]",
            get_fill_color="colour",
            get_radius=60,
            radius_min_pixels=3,
            pickable=True,
        )
    )
if not fixes.empty:
    ordered = fixes.sort_values("ts").iloc[:: max(1, len(fixes) // MAX_POINTS)]
    day = ordered["ts"].dt.tz_convert(view.zone).dt.date
    paths = [
        {"path": g[["lon", "lat"]].astype(float).values.tolist(), "label": tr.date(d)}
        for d, g in ordered.groupby(day)
        if len(g) > 1
    ]
    layers.append(
        pdk.Layer(
            "PathLayer",
            paths,
            get_path="path",
            get_color=[0, 158, 115, 150],
            width_min_pixels=2,
            pickable=True,
        )
    )
if not trips.empty:
    lines = trips[["pickup_lat", "pickup_lon", "dropoff_lat", "dropoff_lon"]].astype(float)
    lines = lines.assign(
        label=[tr("map.trip_tip", when=tr.datetime(w, view.zone)) for w in trips["dropped_off_at"]]
    )
    layers.append(
        pdk.Layer(
            "LineLayer",
            lines,
            get_source_position="[pickup_lon, pickup_lat]",
            get_target_position="[dropoff_lon, dropoff_lat]",
            get_color=[0, 114, 178, 120],
            get_width=2,
            pickable=True,
        )
    )
    layers.append(
        pdk.Layer(
            "ScatterplotLayer",
            lines,
            get_position="[pickup_lon, pickup_lat]",
            get_fill_color=[213, 94, 0, 210],
            get_radius=40,
            radius_min_pixels=2,
        )
    )
if not layers:
    common.not_available(view, tr("map.needs"))
    st.stop()
where = (
    pd.concat(
        [
            trips[["pickup_lat", "pickup_lon"]].set_axis(["lat", "lon"], axis=1),
            fixes[["lat", "lon"]],
            states[["start_lat", "start_lon"]].set_axis(["lat", "lon"], axis=1),
        ]
    )
    .astype(float)
    .median()
)
st.pydeck_chart(
    geo.deck(view, layers, float(where["lat"]), float(where["lon"]), 11, {"text": "{label}"}),
    height=560,
    key="trips-map",
)
said = [tr(key, n=tr.integer(n)) for key, n in (("map.legend_states", len(states)),
                                                   ("map.legend_fixes", len(fixes)),
                                                   ("map.legend_trips", len(trips))) if n]
st.caption(" ".join(said + [tr("map.no_background")]))  # only the layers drawn are described
if len(fixes) > MAX_POINTS:
    st.caption(tr("map.thinned", shown=tr.integer(MAX_POINTS)))
