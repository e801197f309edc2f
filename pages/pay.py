"""Pay: per-hour pay (gross, net) against the minimum wage, costs, earnings by category, pay rates and their
changes, and the quest calculator."""

from __future__ import annotations

from datetime import time

import altair as alt
import pandas as pd
import streamlit as st

from pages import common, compute
from toolkit.analytics.changepoints import pay_rates
from toolkit.analytics.quest import quest_feasibility
from toolkit.report import headline_figures
from toolkit.report.charts import minimum_wage_count, partial_note, zone_note

view = common.current_view()
tr = view.tr

st.title(tr("pay.title"))
st.write(tr("pay.intro"))
if not common.require_data(view):
    st.stop()

settings = compute.analysis_settings(view)
cfg = compute.config_for(view)
tables = compute.frames(view, "earnings", "jobs", "status_segments")
earnings, jobs = tables["earnings"], tables["jobs"]
acc = compute.accounting(view)
headline = compute.headline(view)
currency = headline["pay"].get("currency")
st.caption(tr("common.local_time_note", zone=zone_note(headline.get("period") or {}, tr)))
shown = {f.key: f for f in headline_figures(headline, tr)}
estimated = "estimate" in shown

# --- per-hour pay against the minimum wage
st.subheader(tr("pay.per_hour_title"))
if estimated:  # the hours pay is divided by are estimates: the band, the rule and its limits
    band = shown["estimate"]
    st.info(" ".join([tr("pay.estimated"), shown["per_hour_logged_in"].explanation, tr(
        "report.pdf.figure_line", label=band.label, value=band.value, explanation=band.explanation)]))
if acc.source is None or earnings.empty:
    common.not_available(view, tr("pay.per_hour_needs"))
else:
    freq = (
        st.segmented_control(
            tr("time.by"),
            ["week", "month"],
            default="month",
            key="pay-freq",
            format_func=lambda f: tr(f"time.freq.{f}"),
        )
        or "month"
    )
    table = compute.pay_table(view, freq)
    suffix = "_estimated" if estimated else ""
    lines = {
        "per_hour_logged_in": tr(f"pay.legend.gross{suffix}"),
        "net_per_hour_logged_in": tr(f"pay.legend.net{suffix}"),
        "minimum_wage_per_hour": tr("pay.legend.minimum"),
    }
    if not table.empty:
        long = (
            table[list(lines)]
            .apply(pd.to_numeric, errors="coerce")
            .rename(columns=lines)
            .assign(partial=table["partial"].astype(bool))
            .rename_axis("start")
            .reset_index()
            .melt(id_vars=["start", "partial"], var_name="line", value_name="value")
        )
        long["whole"] = [tr(f"time.partial.legend_{'partial' if p else 'full'}") for p in long["partial"]]
        long, order = common.labelled(long, "start", view, freq)
        base = alt.Chart(long)
        chart = (
            base.mark_line()
            .encode(
                x=common.period_x(tr(f"time.freq.{freq}"), order),
                y=alt.Y("value:Q", title=tr("pay.axis_per_hour", currency=currency or "")),
                color=alt.Color(
                    "line:N",
                    title=None,
                    sort=list(lines.values()),
                    scale=alt.Scale(
                        domain=list(lines.values()),
                        range=[common.OKABE_ITO[0], common.OKABE_ITO[2], common.OKABE_ITO[5]],
                    ),
                    legend=alt.Legend(orient="top"),
                ),
                strokeDash=alt.StrokeDash(
                    "line:N",
                    sort=list(lines.values()),
                    legend=None,
                    scale=alt.Scale(domain=list(lines.values()), range=[[1, 0], [1, 0], [6, 4]]),
                ),
                tooltip=[
                    alt.Tooltip("label:N", title=tr(f"time.freq.{freq}")),
                    alt.Tooltip("line:N", title=" "),
                    alt.Tooltip("value:Q", title=currency or "", format=",.2f"),
                    alt.Tooltip("whole:N", title=" "),
                ],
            )
        )
        # whole periods get filled points, partial ones hollow points
        points = [
            chart.mark_point(filled=not part, fill="white" if part else None, size=45, opacity=1)
            .transform_filter(f"datum.partial == {str(part).lower()}")
            for part in (False, True)
        ]
        common.chart(alt.layer(chart, *points), view)
        for sentence in [partial_note(table, freq, tr), *minimum_wage_count(table, freq, tr)]:
            if sentence:
                st.caption(sentence)
        sector = [c for c in table.columns if c.endswith("_shortfall_hourly")]
        if sector and freq == "month":
            with st.expander(tr("pay.sector_title")):
                st.write(tr("pay.sector_explain"))
                sectors = table[[c for c in table.columns if c.startswith(("vtc_", "delivery_"))]].copy()
                partial_marks = [tr("common.yes" if p else "common.no") for p in table["partial"]]
                sectors[tr("pay.col_partial")] = partial_marks
                sectors.index = [tr.month(i) for i in sectors.index]
                st.dataframe(sectors, width="stretch")

# --- cost and contribution settings
COST_MODES = ["profile", "custom", "none", "ask"]
st.subheader(tr("pay.costs_title"))
st.write(tr("pay.costs_intro"))
profiles = sorted(cfg.get("costs.profiles"))
with st.form("costs"):
    cols1 = st.columns(3)
    mode = cols1[0].selectbox(
        tr("pay.cost_mode"),
        COST_MODES,
        key="cost-mode",
        index=COST_MODES.index(str(cfg.get("costs.mode"))),
        format_func=lambda m: tr(f"pay.cost_modes.{m}"),
    )
    profile = cols1[1].selectbox(
        tr("pay.cost_profile"),
        profiles,
        key="cost-profile",
        index=profiles.index(str(cfg.get("costs.profile"))),
        format_func=lambda p: tr(f"pay.profiles.{p}") if tr.has(f"pay.profiles.{p}") else p,
    )
    per_km = common.number_field(cols1[2], tr, tr("pay.custom_per_km"), float(cfg.get("costs.custom_per_km")),
                                 "cost-per-km", 0.0, 10.0, 3)
    cols2 = st.columns(4)
    fixed = common.number_field(cols2[0], tr, tr("pay.monthly_fixed"), float(cfg.get("costs.monthly_fixed")),
                                "cost-fixed", 0.0, 10_000.0, 2)
    extra = common.number_field(cols2[1], tr, tr("pay.extra_rate"),
                                float(cfg.get("contributions.extra_rate")) * 100, "cost-extra", 0.0, 50.0, 1)
    own_scheme = cfg.get("contributions.scheme") == "own"  # no standard rate for the worker's country
    own_rate = float(cfg.get("contributions.own_rate"))
    own = common.number_field(cols2[2], tr, tr("pay.own_rate"), own_rate * 100 if own_rate >= 0 else None,
                              "cost-own-rate", 0.0, 80.0, 1, disabled=not own_scheme)
    own_wage = float(cfg.get("minimum_wage.own_hourly"))
    wage = common.number_field(cols2[3], tr, tr("pay.own_wage", currency=currency or ""),
                               own_wage if own_wage >= 0 else None, "cost-own-wage", 0.0, 1000.0, 2,
                               help=tr("pay.own_wage_help"))
    if st.form_submit_button(tr("pay.apply"), key="cost-apply"):
        typed = {tr("pay.custom_per_km"): per_km, tr("pay.monthly_fixed"): fixed, tr("pay.extra_rate"): extra,
                 tr("pay.own_rate"): own, tr("pay.own_wage", currency=currency or ""): wage}
        wrong = [f"{label} : « {value} »" if tr.lang == "fr" else f"{label}: “{value}”"
                 for label, value in typed.items() if isinstance(value, str)]
        if wrong:
            st.error(tr("pay.bad_number", fields="; ".join(wrong)))
        else:
            chosen = {
                "costs.mode": mode,
                "costs.profile": profile,
                "costs.custom_per_km": per_km or 0.0,
                "costs.monthly_fixed": fixed or 0.0,
                "contributions.extra_rate": (extra or 0.0) / 100,
                "minimum_wage.own_hourly": -1.0 if wage is None else wage,
            }
            if own_scheme:
                chosen["contributions.own_rate"] = -1.0 if own is None else float(own) / 100  # type: ignore[arg-type]
            common.set_cost_settings(chosen)
            st.rerun()
figures = compute.headline(view)["pay"]
cols3 = st.columns(3)
common.figure(
    tr("pay.vehicle_cost"),
    tr.money(figures.get("vehicle_cost"), currency),
    tr("pay.vehicle_cost_explain", km=tr.number(figures.get("distance_km"), 0)),
    cols3[0],
    key="fig-vehicle",
)
common.figure(
    tr("pay.contributions"),
    tr.money(figures.get("contributions"), currency),
    tr("pay.contributions_explain"),
    cols3[1],
    key="fig-contributions",
)
net = shown["net_per_hour_logged_in"]  # the Overview's figure, in the same words
common.figure(net.label, net.value, net.explanation, cols3[2], key="fig-net")

# --- earnings by category
st.subheader(tr("pay.categories_title"))
if earnings.empty:
    common.not_available(view, tr("pay.categories_needs"))
else:
    lines_in = earnings[earnings["currency"] == currency] if currency else earnings
    by_category = lines_in.groupby("category", as_index=False)["amount"].sum()
    by_category["label"] = [tr(f"pay.categories.{c}") for c in by_category["category"]]
    bars = (
        alt.Chart(by_category)
        .mark_bar(color=common.OKABE_ITO[0])
        .encode(
            x=alt.X("amount:Q", title=currency or ""),
            y=alt.Y("label:N", sort="-x", title=None),
            tooltip=[
                alt.Tooltip("label:N", title=" "),
                alt.Tooltip("amount:Q", title=currency or "", format=",.2f"),
            ],
        )
    )
    common.chart(bars, view, height=max(120, 28 * len(by_category)))
    st.caption(tr("pay.categories_explain"))

# --- pay per km and per job over time, with detected changes
st.subheader(tr("pay.rates_title"))
measure = (
    st.segmented_control(
        tr("pay.measure"),
        ["per_km", "per_job", "per_minute"],
        default="per_km",
        key="pay-measure",
        format_func=lambda m: tr(f"pay.measures.{m}"),
    )
    or "per_km"
)
rates = pay_rates(jobs, earnings, freq="week", tz=view.zone) if not jobs.empty else None
if rates is None or rates["table"][measure].dropna().empty:
    common.not_available(view, tr("pay.rates_needs"))
else:
    found = compute.pay_changes_of(view, measure)
    weekly = rates["table"][[measure]].rename(columns={measure: "value"}).rename_axis("start").reset_index()
    weekly, order = common.labelled(weekly, "start", view, "week")
    layers = [
        alt.Chart(weekly)
        .mark_line(point={"color": common.OKABE_ITO[0]}, color=common.OKABE_ITO[0])
        .encode(
            x=common.period_x(tr("time.freq.week"), order),
            y=alt.Y("value:Q", title=tr(f"pay.measures.{measure}") + f" ({currency or ''})"),
            tooltip=[
                alt.Tooltip("label:N", title=tr("time.freq.week")),
                alt.Tooltip("value:Q", title=currency or "", format=",.2f"),
            ],
        )
    ]
    changes = found["changes"]
    if not changes.empty:
        day = pd.to_datetime(changes["date"])
        marks = pd.DataFrame(
            {
                "label": [tr.date(d - pd.Timedelta(days=d.dayofweek)) for d in day],
                "when": [tr.date(d) for d in day],
                "text": [tr("pay.change_label", size=tr.percent(r, 0)) for r in changes["relative"]],
            }
        )
        layers.append(
            alt.Chart(marks)
            .mark_rule(color=common.OKABE_ITO[5], strokeDash=[4, 3], size=2)
            .encode(
                x=alt.X("label:O", sort=order),
                tooltip=[
                    alt.Tooltip("when:N", title=tr("pay.change_date")),
                    alt.Tooltip("text:N", title=" "),
                ],
            )
        )
    common.chart(alt.layer(*layers), view)
    if changes.empty:
        st.caption(tr("pay.no_change"))
    for row in changes.itertuples():
        st.write(
            tr(
                "pay.change_sentence",
                date=tr.date(row.date),
                before=tr.money(row.before, currency),
                after=tr.money(row.after, currency),
                relative=tr.percent(row.relative, 0),
                low=tr.date(row.date_low),
                high=tr.date(row.date_high),
            )
        )
    common.notes(view, list(found.get("notes", [])) + list(rates.get("notes", [])))

# --- quest calculator
st.subheader(tr("pay.quest_title"))
st.write(tr("pay.quest_intro"))
with st.form("quest"):
    cols4 = st.columns(5)
    needed = cols4[0].number_input(tr("pay.quest_jobs"), min_value=1, max_value=200, value=15, step=1)
    begin = cols4[1].time_input(tr("pay.quest_start"), value=time(19, 0), step=900)
    finish = cols4[2].time_input(tr("pay.quest_end"), value=time(22, 0), step=900)
    day = cols4[3].date_input(
        tr("pay.quest_day"), value=view.span[1] if view.span else None, format="DD/MM/YYYY"
    )
    bonus = common.number_field(cols4[4], tr, tr("pay.quest_bonus", currency=currency or ""), 40.0,
                                "quest-bonus", 0.0, 100_000.0, 2)
    asked = st.form_submit_button(tr("pay.quest_go"))
if asked:
    if isinstance(bonus, str):
        st.error(tr("pay.bad_number", fields=tr("pay.quest_bonus", currency=currency or "")))
    elif jobs.empty or day is None or begin == finish:
        common.not_available(view, tr("pay.quest_needs"))
    else:
        q = quest_feasibility(
            jobs,
            tables["status_segments"],
            jobs_needed=int(needed),
            start=begin,
            end=finish,
            day=day,
            bonus=float(bonus or 0.0),
            earnings=earnings,
            tz=view.zone,
        )
        model = q.get("model") or {}
        cols5 = st.columns(4)
        common.figure(
            tr("pay.quest_pace"),
            tr("pay.quest_pace_value", n=tr.number(q["pace_per_h"], 1)),
            tr("pay.quest_pace_explain", minutes=tr.number(q["minutes_per_job"], 0)),
            cols5[0],
            key="fig-q-pace",
        )
        empirical = q["empirical"]
        common.figure(
            tr("pay.quest_history"),
            tr.percent(empirical["share"]),
            tr(
                "pay.quest_history_explain",
                met=tr.integer(empirical["met"]),
                windows=tr.integer(empirical["windows"]),
            ),
            cols5[1],
            key="fig-q-history",
        )
        common.figure(
            tr("pay.quest_probability"),
            tr.percent(model.get("p_success")),
            tr("pay.quest_probability_explain"),
            cols5[2],
            key="fig-q-p",
        )
        common.figure(
            tr("pay.quest_value"),
            tr.money(q["expected_bonus_per_h"], currency),
            tr(
                "pay.quest_value_explain",
                without=tr.money(q["pay_per_h_without_bonus"], currency),
                with_bonus=tr.money(q["pay_per_h_with_bonus"], currency),
            ),
            cols5[3],
            key="fig-q-value",
        )
        if q["structurally_unattainable"]:
            st.warning(tr("pay.quest_unattainable"))
        common.notes(view, q["notes"])
