"""Dispatch: how work was offered and withheld: acceptance over time and by hour, refusals and the blocks
that followed, pickup distances, where the worker waited against where jobs started."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from pages import common, compute, geo
from toolkit.analytics.dispatch import (
    after_decisions,
    blocks_after_rejections,
    offer_rates,
    pickup_distributions,
    waiting_vs_job_starts,
)
from toolkit.words import kind_words, offer_source_words, rule_words

view = common.current_view()
tr = view.tr

st.title(tr("dispatch.title"))
st.write(tr("dispatch.intro"))
if not common.require_data(view):
    st.stop()

t = compute.frames(view, "offers", "offer_windows", "status_segments", "sanctions", "jobs")
offers = t["offers"] if not t["offers"].empty else None
windows = t["offer_windows"] if not t["offer_windows"].empty else None
segments = t["status_segments"] if not t["status_segments"].empty else None
outcomes = {
    "acceptance_rate": tr("dispatch.accepted"),
    "rejection_rate": tr("dispatch.rejected"),
    "expiry_rate": tr("dispatch.expired"),
}
colours = [common.OKABE_ITO[2], common.OKABE_ITO[5], common.OKABE_ITO[1]]


def _rates_chart(frame: pd.DataFrame, freq: str, title: str) -> alt.Chart:
    long = (
        frame[list(outcomes)]
        .rename(columns=outcomes)
        .rename_axis("x")
        .reset_index()
        .melt(id_vars="x", var_name="outcome", value_name="share")
    )
    if freq == "hour":
        long["label"] = long["x"].astype(int).map(lambda h: f"{h:02d}")
        order = sorted(set(long["label"]))
    else:
        long, order = common.labelled(long, "x", view, freq)
    return (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=common.period_x(title, order),
            y=alt.Y("share:Q", title=tr("dispatch.share"), axis=alt.Axis(format="%")),
            color=alt.Color(
                "outcome:N",
                title=None,
                sort=list(outcomes.values()),
                scale=alt.Scale(domain=list(outcomes.values()), range=colours),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=[
                alt.Tooltip("label:N", title=title),
                alt.Tooltip("outcome:N", title=" "),
                alt.Tooltip("share:Q", title=tr("dispatch.share"), format=".0%"),
            ],
        )
    )


# --- offers over time and by hour
st.subheader(tr("dispatch.rates_title"))
rates = common.per_view(view, "offer_rates", lambda: offer_rates(offers, windows, freq="week", tz=view.zone))
if rates["by_period"] is None:
    common.not_available(view, tr("dispatch.offers_needs"))
else:
    totals = rates["totals"] or {}
    per_hour = compute.selection(view).figure("offers_per_hour")  # the report's figures too
    cols1 = st.columns(4)
    common.figure(
        tr("dispatch.offered"),
        tr.integer(totals.get("offered")),
        tr("dispatch.offered_explain"),
        cols1[0],
        key="fig-offered",
    )
    common.figure(
        tr("dispatch.acceptance"),
        tr.percent(totals.get("acceptance_rate")),
        tr("dispatch.acceptance_explain"),
        cols1[1],
        key="fig-acceptance",
    )
    common.figure(
        tr("dispatch.per_waiting_h"),
        tr.number(per_hour.get("per_waiting_h"), 1),
        tr("dispatch.per_waiting_h_explain"),
        cols1[2],
        key="fig-per-waiting",
    )
    common.figure(
        tr("dispatch.per_logged_in_h"),
        tr.number(per_hour.get("per_logged_in_h"), 1),
        tr("dispatch.per_logged_in_h_explain"),
        cols1[3],
        key="fig-per-logged",
    )
    st.caption(tr("dispatch.source", source=offer_source_words(rates["source"], tr)))
    common.chart(_rates_chart(rates["by_period"], "week", tr("time.freq.week")), view)
    st.markdown(f"**{tr('dispatch.by_hour_title')}**")
    common.chart(_rates_chart(rates["by_hour"], "hour", tr("time.hour")), view, height=260)
    st.caption(tr("dispatch.by_hour_explain", zone=view.zone))

# --- refusals, the sanctions for them and the blocks that followed
st.subheader(tr("dispatch.refusals_title"))
sel = compute.selection(view)
every = sel.raw("sanctions")
penalties = compute.headline(view)["sanctions"]  # the Overview's figures (toolkit.analytics.sanctions)
blocks = common.per_view(
    view,
    "blocks_after_rejections",
    lambda: blocks_after_rejections(None if every.empty else every, offers, segments, span=sel.span),
)
table = blocks["table"]
if penalties.get("total") is None:
    st.info(tr("dispatch.no_sanctions"))
else:
    cols2 = st.columns(4)
    common.figure(
        tr("dispatch.refusal_sanctions"),
        tr.integer(penalties.get("refusal_sanctions")),
        tr("dispatch.refusal_sanctions_explain", blocks=tr.integer(penalties.get("refusal_blocks"))),
        cols2[0],
        key="fig-refusal-sanctions",
    )
    common.figure(
        tr("dispatch.blocks"),
        tr.integer(penalties.get("blocks")),
        tr("dispatch.blocks_explain"),
        cols2[1],
        key="fig-blocks",
    )
    common.figure(
        tr("overview.blocked_h.label"),
        tr.hours(penalties.get("blocked_h")),
        tr("dispatch.blocked_h_explain"),
        cols2[2],
        key="fig-blocked",
    )
    common.figure(
        tr("dispatch.refusal_blocked_h"),
        tr.hours(penalties.get("refusal_blocked_h")),
        tr("dispatch.refusal_blocked_h_explain"),
        cols2[3],
        key="fig-refusal-blocked",
    )
    missing = penalties.get("blocks_without_duration") or 0
    if missing:
        state = "unknown" if penalties.get("blocked_h") is None else "partial"
        st.caption(tr(f"dispatch.blocked_h_{state}", n=tr.integer(missing)))
    if blocks.get("blocks_after_refused_offers") is not None:
        common.figure(
            tr("dispatch.blocks_after"),
            tr.integer(blocks["blocks_after_refused_offers"]),
            tr("dispatch.blocks_after_explain"),
            key="fig-blocks-after",
        )
    if table is None or table.empty:
        st.info(tr("dispatch.no_blocks"))
    else:
        yes_no = {True: tr("common.yes"), False: tr("common.no")}
        shown = pd.DataFrame(
            {
                tr("dispatch.col_at"): [tr.datetime(a, view.zone) for a in table["at"]],
                tr("ratings.kind"): [kind_words(k, tr) for k in table["kind"]],
                tr("dispatch.col_rule"): [rule_words(r, tr) for r in table["rule"]],
                tr("dispatch.col_refusal_rule"): [yes_no[bool(r)] for r in table["refusal_rule"]],
                tr("dispatch.col_refusals"): [tr.integer(n) for n in table["refusals_before"]],
                tr("dispatch.col_hours"): [tr.number(h, 1) for h in table["hours_cost"]],
                tr("dispatch.col_cost_source"): [
                    tr(f"dispatch.cost_source.{c or 'unknown'}") for c in table["cost_source"]
                ],
                tr("dispatch.col_source"): [
                    f"{f} #{r}" for f, r in zip(table["source_file"], table["source_row"], strict=True)
                ],
            }
        )
        st.dataframe(shown, hide_index=True, width="stretch")
        if offers is None:
            st.caption(tr("dispatch.refusals_unknown"))
        st.caption(tr("dispatch.hours_column_explain"))
if rates["by_period"] is not None:
    followed = common.per_view(
        view,
        "after_decisions",
        lambda: after_decisions(
            offers, windows, segments, t["sanctions"] if not t["sanctions"].empty else None, n_boot=199
        ),
    )
    if followed["table"] is not None:
        st.markdown(f"**{tr('dispatch.after_title', hours=tr.hours(followed['horizon_h'], 0))}**")
        after = pd.DataFrame(
            {
                c: [tr.integer(v) if c == "n" else tr.number(v, 2) for v in col]
                for c, col in followed["table"].items()
            },
            index=followed["table"].index,
        )
        after.index = [
            tr(f"dispatch.decision.{d}") if tr.has(f"dispatch.decision.{d}") else d for d in after.index
        ]
        after = after.rename(
            columns={
                c: tr(f"dispatch.after_col.{c}") for c in after.columns if tr.has(f"dispatch.after_col.{c}")
            }
        )
        st.dataframe(after, width="stretch")
        st.caption(tr("dispatch.after_caveat"))
common.notes(view, list(rates.get("notes", [])) + list(blocks.get("notes", [])))

# --- pickup distances
st.subheader(tr("dispatch.pickup_title"))
jobs = t["jobs"]
pickup = pickup_distributions(jobs) if not jobs.empty else None
if pickup is None or pd.isna(pickup["summary"].loc["distance_m", "median"]):
    common.not_available(view, tr("dispatch.pickup_needs"))
else:
    summary = pickup["summary"]
    cols3 = st.columns(3)
    common.figure(
        tr("dispatch.pickup_km"),
        f"{tr.number(summary.loc['distance_m', 'median'] / 1000, 1)} km",
        tr("dispatch.pickup_km_explain", p90=tr.number(summary.loc["distance_m", "p90"] / 1000, 1)),
        cols3[0],
        key="fig-pickup-km",
    )
    common.figure(
        tr("dispatch.pickup_min"),
        tr("time.minutes", n=tr.number(summary.loc["duration_s", "median"] / 60, 1)),
        tr("dispatch.pickup_min_explain"),
        cols3[1],
        key="fig-pickup-min",
    )
    common.figure(
        tr("dispatch.deadhead"),
        tr.percent(pickup.get("deadhead_ratio")),
        tr("dispatch.deadhead_explain"),
        cols3[2],
        key="fig-deadhead",
    )
    km = (
        (pd.to_numeric(jobs["to_pickup_distance_m"], errors="coerce") / 1000).dropna().rename("km").to_frame()
    )
    histogram = (
        alt.Chart(km)
        .mark_bar(color=common.OKABE_ITO[4])
        .encode(
            x=alt.X("km:Q", bin=alt.Bin(maxbins=30), title=tr("dispatch.pickup_axis")),
            y=alt.Y("count():Q", title=tr("time.count")),
        )
    )
    common.chart(histogram, view, height=220)

# --- where the worker waited against where jobs started
st.subheader(tr("dispatch.where_title"))
if segments is None or jobs.empty:
    common.not_available(view, tr("dispatch.where_needs"))
else:
    resolution = st.radio(
        tr("dispatch.hex_size"), list(geo.HEX_AREAS_KM2), index=1, horizontal=True, key="hex-size",
        format_func=lambda r: tr(f"dispatch.hex_size_{r}", area=tr.number(geo.HEX_AREAS_KM2[r], 2)),
    )
    where = common.per_view(view, "waiting_vs_job_starts",
                            lambda: waiting_vs_job_starts(segments, jobs, resolution=resolution), resolution)
    cells = where["cells"]
    if cells.empty:
        common.not_available(view, tr("dispatch.where_needs"))
    else:
        geo.hex_map(view, cells)
        st.caption(tr("dispatch.where_explain", area=tr.number(geo.HEX_AREAS_KM2[resolution], 2)))
