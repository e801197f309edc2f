"""My data: every table with filters, the data dictionary, and downloads (CSV, XLSX, Parquet)."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from pages import common, compute
from toolkit.dictionary import describe_table, dictionary
from toolkit.exporting import FORMATS, MIME, export_bytes
from toolkit.schema import TABLES, VOCABULARIES

SHOWN_ROWS = 5_000

view = common.current_view()
tr = view.tr

st.title(tr("data.title"))
st.write(tr("data.intro"))
if not common.require_data(view):
    st.stop()

counts = common.counts(view.store, view.version)
mine = counts[
    (counts["worker_id"] == view.worker) & (counts["platform"] == view.platform if view.platform else True)
]
available = [t for t in TABLES if t in set(mine["table"])]
if not available:
    st.info(tr("data.empty"))
    st.stop()
table = st.selectbox(
    tr("data.table"),
    available,
    key="data-table",
    format_func=lambda t: f"{t} ({tr.integer(int(mine.loc[mine['table'] == t, 'rows'].sum()))})",
)
st.caption(describe_table(table, view.lang))

frame = compute.table_in_period(view, table)
filters = st.columns(3)
for column in [c for (t, c) in VOCABULARIES if t == table][:2] + (["platform"] if not view.platform else []):
    values = sorted(v for v in frame[column].dropna().unique())
    if len(values) > 1:
        chosen = filters[0].multiselect(
            tr("data.only_values", column=column), values, key=f"data-{table}-{column}"
        )
        if chosen:
            frame = frame[frame[column].isin(chosen)]
text_columns = [c for c in frame.columns if pd.api.types.is_string_dtype(frame[c].dtype) and c != "extra"]
search_in = filters[1].selectbox(tr("data.search_in"), text_columns, key=f"data-{table}-search-col")
needle = filters[2].text_input(tr("data.contains"), key=f"data-{table}-search")
if needle and search_in:
    frame = frame[frame[search_in].fillna("").str.contains(needle, case=False, regex=False)]

st.write(tr("data.rows", rows=tr.integer(len(frame)), zone=view.zone))
shown = frame.head(SHOWN_ROWS).copy()
for column in shown.columns:
    if isinstance(shown[column].dtype, pd.DatetimeTZDtype):
        shown[column] = shown[column].dt.tz_convert(view.zone)
st.dataframe(shown, hide_index=True, width="stretch", key="data-grid")
if len(frame) > SHOWN_ROWS:
    st.caption(tr("data.truncated", shown=tr.integer(SHOWN_ROWS)))

st.subheader(tr("data.download_title"))
st.caption(tr("data.download_note"))
buttons = st.columns(len(FORMATS))
for slot, fmt in zip(buttons, FORMATS, strict=True):
    slot.download_button(
        tr(f"common.download_{fmt}"),
        data=partial(export_bytes, frame, fmt, table, view.zone),
        file_name=f"gigdata-{table}.{fmt}",
        mime=MIME[fmt],
        key=f"download-{table}-{fmt}",
        on_click="ignore",
        width="stretch",
    )

st.subheader(tr("data.dictionary_title"))
labels = {c: tr(f"dictionary.labels.{c}") for c in ("table", "column", "type", "meaning", "arrow_type")}
words = dictionary(view.lang, table).drop(columns=["table", "arrow_type"]).rename(columns=labels)
st.table(words.set_index(labels["column"]))  # a table wraps the long explanations
with st.expander(tr("data.dictionary_all")):
    everything = dictionary(view.lang)
    st.dataframe(everything.rename(columns=labels), hide_index=True, width="stretch")
    st.download_button(
        tr("common.download_csv"),
        data=partial(export_bytes, everything, "csv"),
        file_name=f"gigdata-dictionary-{view.lang}.csv",
        mime=MIME["csv"],
        on_click="ignore",
        key="download-dictionary",
    )
