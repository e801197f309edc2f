"""Ratings & sanctions: the ratings received and their trend, what followed low ratings, every sanction."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from pages import common, compute
from toolkit.analytics.ratings import low_rating_effects, rating_summary
from toolkit.words import kind_words, rule_words

view = common.current_view()
tr = view.tr

st.title(tr("ratings.title"))
st.write(tr("ratings.intro"))
if not common.require_data(view):
    st.stop()

t = compute.frames(view, "ratings", "sanctions", "offers", "offer_windows", "status_segments", "earnings")

# --- ratings
st.subheader(tr("ratings.ratings_title"))
summary = common.per_view(
    view, "rating_summary", lambda: rating_summary(t["ratings"], freq="month", tz=view.zone)
)
if not summary["count"]:
    common.not_available(view, tr("ratings.ratings_needs"))
else:
    cols1 = st.columns(4)
    common.figure(
        tr("overview.ratings.label"),
        tr.number(summary["mean"], 2),
        tr("overview.ratings.explain", count=tr.integer(summary["count"])),
        cols1[0],
        key="fig-rating-mean",
    )
    common.figure(
        tr("ratings.share_5"),
        tr.percent(summary.get("share_5")),
        tr("ratings.share_5_explain"),
        cols1[1],
        key="fig-rating-5",
    )
    common.figure(
        tr("ratings.share_low"),
        tr.percent(summary.get("share_low")),
        tr("ratings.share_low_explain"),
        cols1[2],
        key="fig-rating-low",
    )
    common.figure(
        tr("ratings.rolling"),
        tr.number(summary.get("current_rolling"), 2),
        tr("ratings.rolling_explain"),
        cols1[3],
        key="fig-rating-rolling",
    )
    distribution = summary["distribution"].rename_axis("stars").rename("count").reset_index()
    bars = (
        alt.Chart(distribution)
        .mark_bar(color=common.OKABE_ITO[0])
        .encode(
            x=alt.X("stars:O", title=tr("ratings.stars")),
            y=alt.Y("count:Q", title=tr("ratings.count")),
            tooltip=[
                alt.Tooltip("stars:O", title=tr("ratings.stars")),
                alt.Tooltip("count:Q", title=tr("ratings.count")),
            ],
        )
    )
    common.chart(bars, view, height=220)
    trend = summary.get("trend")
    if trend is not None and not trend.empty:
        monthly = trend.rename_axis("month").reset_index()
        monthly, order = common.labelled(monthly, "month", view, "month")
        line = (
            alt.Chart(monthly)
            .mark_line(point={"color": common.OKABE_ITO[2]}, color=common.OKABE_ITO[2])
            .encode(
                x=common.period_x(tr("time.freq.month"), order),
                y=alt.Y("mean:Q", title=tr("ratings.mean_axis"), scale=alt.Scale(zero=False)),
                tooltip=[
                    alt.Tooltip("label:N", title=tr("time.freq.month")),
                    alt.Tooltip("mean:Q", title=tr("ratings.mean_axis"), format=",.2f"),
                    alt.Tooltip("count:Q", title=tr("ratings.count")),
                ],
            )
        )
        common.chart(line, view, height=240)
    effects = common.per_view(
        view,
        "low_rating_effects",
        lambda: low_rating_effects(
            t["ratings"],
            offers=t["offers"],
            offer_windows=t["offer_windows"],
            segments=t["status_segments"],
            earnings=t["earnings"],
            tz=view.zone,
        ),
    )
    st.markdown(f"**{tr('ratings.after_title')}**")
    table = effects.get("effects")
    if table is None or table.empty:
        common.not_available(view, tr("ratings.after_needs"))
    else:
        shown = table.copy()
        shown["outcome"] = [tr(f"ratings.outcomes.{o}") for o in shown["outcome"]]
        shown = shown.drop(columns=["kind"]).rename(
            columns={
                c: tr(f"ratings.effect_col.{c}") for c in shown.columns if tr.has(f"ratings.effect_col.{c}")
            }
        )
        st.dataframe(shown.round(3), hide_index=True, width="stretch")
        st.caption(tr("ratings.after_caveat"))
    common.notes(view, list(summary.get("notes", [])) + list(effects.get("notes", [])))

# --- sanctions
st.subheader(tr("ratings.sanctions_title"))
sel = compute.selection(view)
every = sel.raw("sanctions")
penalties = compute.headline(view)["sanctions"]  # the Overview's figures (toolkit.analytics.sanctions)
sanctions = sel.figure("sanctions_timeline")  # the report lists the same rows
timeline = sanctions.get("timeline")
if penalties.get("total") is None or timeline is None or timeline.empty:
    st.info(tr("ratings.no_sanctions"))
else:
    cols2 = st.columns(3)
    common.figure(
        tr("overview.sanctions.label"),
        tr.integer(penalties["total"]),
        tr("overview.sanctions.explain"),
        cols2[0],
        key="fig-sanctions-total",
    )
    common.figure(
        tr("overview.blocked_h.label"),
        tr.hours(penalties.get("blocked_h")),
        tr("ratings.blocked_h_explain"),
        cols2[1],
        key="fig-sanctions-blocked",
    )
    common.figure(
        tr("ratings.refusal_sanctions"),
        tr.integer(penalties.get("refusal_sanctions")),
        tr(
            "ratings.refusal_sanctions_explain",
            blocks=tr.integer(penalties.get("refusal_blocks")),
            hours=tr.hours(penalties.get("refusal_blocked_h")),
        ),
        cols2[2],
        key="fig-sanctions-refusals",
    )
    missing = penalties.get("blocks_without_duration") or 0
    if missing:
        state = "unknown" if penalties.get("blocked_h") is None else "partial"
        st.caption(tr(f"ratings.blocked_h_{state}", n=tr.integer(missing)))
    points = timeline.assign(
        at=timeline["at"].dt.tz_convert(view.zone).dt.tz_localize(None),
        kind_label=[kind_words(k, tr) for k in timeline["kind"]],
        hours=timeline["stated_h"].fillna(0.0),
        rule=[rule_words(r, tr) for r in timeline["rule"]],
    )
    kinds = sorted(set(points["kind_label"]))
    chart = (
        alt.Chart(points)
        .mark_circle(size=120, opacity=0.85)
        .encode(
            x=alt.X("at:T", title=tr("ratings.when"), axis=alt.Axis(format="%e %b %Y", labelAngle=-40)),
            y=alt.Y("kind_label:N", title=None),
            color=alt.Color(
                "kind_label:N",
                legend=None,
                scale=alt.Scale(domain=kinds, range=common.OKABE_ITO[: len(kinds)]),
            ),
            tooltip=[
                alt.Tooltip("at:T", title=tr("ratings.when"), format="%d/%m/%Y %H:%M"),
                alt.Tooltip("kind_label:N", title=" "),
                alt.Tooltip("rule:N", title=tr("dispatch.col_rule")),
                alt.Tooltip("hours:Q", title=tr("ratings.col_stated_h"), format=",.1f"),
            ],
        )
    )
    common.chart(chart, view, height=200)
    yes_no = {True: tr("common.yes"), False: tr("common.no")}
    shown = pd.DataFrame(
        {
            tr("dispatch.col_at"): [tr.datetime(a, view.zone) for a in timeline["at"]],
            tr("ratings.kind"): points["kind_label"],
            tr("dispatch.col_rule"): points["rule"],
            tr("dispatch.col_refusal_rule"): [yes_no[bool(r)] for r in timeline["refusal"]],
            tr("ratings.col_stated_h"): [tr.number(h, 1) for h in timeline["stated_h"]],
            tr("ratings.col_added_h"): [tr.number(h, 1) for h in timeline["blocked_h"]],
            tr("dispatch.col_source"): [
                f"{f} #{r}" for f, r in zip(timeline["source_file"], timeline["source_row"], strict=True)
            ],
        }
    )
    st.dataframe(shown, hide_index=True, width="stretch")
    st.caption(tr("ratings.table_explain"))
    common.notes(view, list(sanctions.get("notes", [])))
