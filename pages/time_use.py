"""Time: P1/P2/P3 hours per day or week, when the worker waited (weekday x hour), waits at pickups."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from pages import common, compute
from toolkit.i18n import UNKNOWN, weekday_names
from toolkit.report import headline_figures
from toolkit.report.charts import PARTIAL_ALPHA, partial_note, reconnect_note, zone_note

view = common.current_view()
tr = view.tr


def _minutes(seconds: object) -> str:
    if not isinstance(seconds, int | float) or pd.isna(seconds):
        return UNKNOWN  # unknown, without a unit
    return tr("time.minutes", n=tr.number(float(seconds) / 60, 1))


st.title(tr("time.title"))
st.write(tr("time.intro"))
if not common.require_data(view):
    st.stop()

acc = compute.accounting(view)
if acc.source is None:
    common.not_available(view, tr("time.needs"))
    common.notes(view, acc.notes)
    st.stop()
headline = compute.headline(view)
zone = (headline.get("period") or {}).get("zone") or view.zone
where = zone_note(headline.get("period") or {}, tr)
st.caption(tr(f"overview.time_source.{acc.source}") + " " + tr("common.local_time_note", zone=where))
estimate = (headline.get("time") or {}).get("estimate")

# --- the totals, as the Overview shows them (with the band when they are estimates)
st.subheader(tr("time.totals_title"))
totals = [f for f in headline_figures(headline, tr) if f.section == "time"]
for slot, item in zip(st.columns(len(totals)), totals, strict=True):
    common.figure(item.label, item.value, item.explanation, slot, key=f"fig-time-{item.key}")
st.caption(reconnect_note(float(compute.config_for(view).get("time.reconnect_gap_s")),
                          acc.hours.get("reconnect_added"), tr))

st.subheader(tr("time.stacked_title"))
freq = (
    st.segmented_control(
        tr("time.by"),
        ["day", "week", "month"],
        default="week",
        key="time-freq",
        format_func=lambda f: tr(f"time.freq.{f}"),
    )
    or "week"
)
table = compute.time_table(view, freq)
if "partial" not in table.columns:  # no period at all
    table = table.reindex(columns=[*table.columns, "partial"], fill_value=False)
parts = {p: tr(f"time.legend.{p}") for p in ("P1", "P2", "P3")}
whole = {False: tr("time.partial.legend_full"), True: tr("time.partial.legend_partial")}
long = (
    table[[*parts, "partial"]]
    .rename(columns=parts)
    .rename_axis("start")
    .reset_index()
    .melt(id_vars=["start", "partial"], var_name="part", value_name="hours")
)
long["whole"] = [whole[bool(p)] for p in long["partial"]]
long, order = common.labelled(long, "start", view, freq)
# a period the data covers only in part is drawn lighter, and said so in the legend
opacity = alt.Opacity(
    "whole:N",
    title=None,
    scale=alt.Scale(domain=list(whole.values()), range=[1.0, PARTIAL_ALPHA]),
    legend=alt.Legend(orient="top") if bool(table["partial"].any()) else None,
)
bars = (
    alt.Chart(long)
    .mark_bar()
    .encode(
        opacity=opacity,
        x=common.period_x(tr(f"time.freq.{freq}"), order),
        y=alt.Y("sum(hours):Q", title=tr("time.axis_hours"), stack="zero"),
        color=alt.Color(
            "part:N",
            title=None,
            sort=list(parts.values()),
            scale=alt.Scale(domain=list(parts.values()), range=[common.PERIOD_COLOURS[p] for p in parts]),
            legend=alt.Legend(orient="top"),
        ),
        order=alt.Order("part_order:Q"),
        tooltip=[
            alt.Tooltip("label:N", title=tr(f"time.freq.{freq}")),
            alt.Tooltip("part:N", title=" "),
            alt.Tooltip("hours:Q", title=tr("time.axis_hours"), format=",.1f"),
            alt.Tooltip("whole:N", title=" "),
        ],
    )
    .transform_calculate(part_order=f"indexof({list(parts.values())!r}, datum.part)")
)
common.chart(bars, view)
st.caption(tr("time.stacked_explain") + (" " + tr("time.stacked_estimated") if estimate else ""))
partial = partial_note(table, freq, tr)
if partial:
    st.caption(partial)

st.subheader(tr("time.heatmap_title"))
grid = acc.by_hour_of_week["P1"].rename("hours").reset_index()
grid.columns = ["weekday", "hour", "hours"]
names = weekday_names(view.lang, "wide")
grid["day"] = [names[int(d)] for d in grid["weekday"]]
heat = (
    alt.Chart(grid)
    .mark_rect()
    .encode(
        x=alt.X("hour:O", title=tr("time.hour")),
        y=alt.Y("day:N", sort=names, title=None),
        color=alt.Color("hours:Q", title=tr("time.axis_hours"), scale=alt.Scale(scheme="viridis")),
        tooltip=[
            alt.Tooltip("day:N", title=" "),
            alt.Tooltip("hour:O", title=tr("time.hour")),
            alt.Tooltip("hours:Q", title=tr("time.axis_hours"), format=",.1f"),
        ],
    )
)
common.chart(heat, view, height=260)
st.caption(tr("time.heatmap_explain", zone=zone))

st.subheader(tr("time.pickup_title"))
wait = acc.pickup_wait
cols = st.columns(3)
common.figure(
    tr("time.pickup_median"),
    _minutes(wait.get("median_s")),
    tr("time.pickup_median_explain"),
    cols[0],
    key="fig-pickup-median",
)
common.figure(
    tr("time.pickup_p90"),
    _minutes(wait.get("p90_s")),
    tr("time.pickup_p90_explain"),
    cols[1],
    key="fig-pickup-p90",
)
between = acc.between_jobs_wait
common.figure(
    tr("time.between_median"),
    _minutes(between.get("median_s")),
    tr("time.between_explain", count=tr.integer(between.get("count"))),
    cols[2],
    key="fig-between-median",
)
by_month = wait.get("by_month")
if isinstance(by_month, pd.DataFrame) and not by_month.empty:
    monthly = by_month.rename_axis("month").reset_index()
    monthly["month"] = pd.to_datetime(monthly["month"])
    monthly["minutes"] = monthly["median_s"] / 60
    monthly, order = common.labelled(monthly, "month", view, "month")
    line = (
        alt.Chart(monthly)
        .mark_line(point={"color": common.OKABE_ITO[1]}, color=common.OKABE_ITO[1])
        .encode(
            x=common.period_x(tr("time.freq.month"), order),
            y=alt.Y("minutes:Q", title=tr("time.pickup_axis")),
            tooltip=[
                alt.Tooltip("label:N", title=tr("time.freq.month")),
                alt.Tooltip("minutes:Q", title=tr("time.pickup_axis"), format=",.1f"),
                alt.Tooltip("count:Q", title=tr("time.count")),
            ],
        )
    )
    common.chart(line, view, height=240)
elif wait.get("source") is None:
    common.not_available(view, tr("time.pickup_needs"))

if not acc.longest_waits.empty:
    st.subheader(tr("time.longest_title"))
    longest = pd.DataFrame(
        {
            tr("time.col_start"): [tr.datetime(t, zone) for t in acc.longest_waits["start_at"]],
            tr("time.col_minutes"): [tr.number(s / 60, 0) for s in acc.longest_waits["duration_s"]],
            tr("time.col_between"): [
                tr("common.yes") if b else tr("common.no") for b in acc.longest_waits["between_jobs"]
            ],
        }
    )
    st.dataframe(longest, hide_index=True, width="stretch")
    if estimate:
        st.caption(tr("time.longest_capped", gap=tr.number(estimate.get("rule_gap_min"), 0)))
common.notes(view, acc.notes)
