"""Overview: the headline figures of the chosen period, each with the sentence that explains it."""

from __future__ import annotations

import streamlit as st

from pages import common, compute
from toolkit.report import headline_figures
from toolkit.report.charts import zone_note
from toolkit.words import platform_words

SECTIONS = ("time", "pay", "work", "control")

view = common.current_view()
tr = view.tr

st.title(tr("overview.title"))
if not common.require_data(view):
    st.stop()

result = compute.headline(view)
period = result.get("period") or {}
st.caption(
    tr(
        "overview.scope",
        start=tr.date(period.get("start")),
        end=tr.date(period.get("end")),
        platforms=", ".join(platform_words(p, tr) for p in result.get("platforms") or []) or "—",
        zone=zone_note(period, tr),
    )
)
source = (result.get("time") or {}).get("source")
if source:
    st.caption(tr(f"overview.time_source.{source}"))

figures = headline_figures(result, tr)
for section in SECTIONS:
    st.subheader(tr(f"overview.section_{section}"))
    items = [f for f in figures if f.section == section]
    for first in range(0, len(items), 4):
        columns = st.columns(4)
        for slot, item in zip(columns, items[first : first + 4], strict=False):
            common.figure(item.label, item.value, item.explanation, slot, key=f"fig-{item.key}")
st.caption(tr("common.unknown_note"))
