"""Report: a PDF of the worker's figures and charts, with a methodology annex and the files' SHA-256."""

from __future__ import annotations

import streamlit as st

from pages import common, compute
from toolkit.i18n import LANGUAGES, text
from toolkit.report import build_report

REPORT_KEY = "_gigdata_report"

view = common.current_view()
tr = view.tr

st.title(tr("report.title"))
st.write(tr("report.intro"))
if not common.require_data(view):
    st.stop()

lang = st.radio(
    tr("report.language"),
    LANGUAGES,
    index=LANGUAGES.index(view.lang),
    horizontal=True,
    format_func=lambda code: text("common.language_name", code),
    key="report-lang",
)
settings = compute.analysis_settings(view)
wanted = (view.version, view.worker, view.platform, view.start, view.end, lang, settings)
if st.button(tr("report.prepare"), type="primary", key="report-prepare"):
    with st.spinner(tr("report.preparing")):
        pdf = build_report(
            view.store,
            worker=view.worker,
            platform=view.platform,
            start=view.start,
            end=view.end,
            lang=lang,
            config=compute.config_for(view),
        )
    st.session_state[REPORT_KEY] = (wanted, pdf)
ready = st.session_state.get(REPORT_KEY)
if ready is not None and ready[0] == wanted:
    st.success(tr("report.ready"))
    st.download_button(
        tr("report.download"),
        data=ready[1],
        file_name=f"gigdata-report-{lang}.pdf",
        mime="application/pdf",
        key="report-download",
        type="primary",
        on_click="ignore",
    )
st.caption(tr("report.contents"))
