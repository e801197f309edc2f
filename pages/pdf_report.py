"""Report: the worker's figures, parameters, sanctions, method and the files' SHA-256, as PDF, DOCX or ODT
(the same file as `gigdata report`)."""

from __future__ import annotations

import streamlit as st

from pages import common, compute
from toolkit.i18n import LANGUAGES, text
from toolkit.report import FORMATS, MIME, gather, render_report

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
fmt = st.radio(
    tr("report.format"),
    FORMATS,
    horizontal=True,
    format_func=lambda code: tr(f"report.format_{code}"),
    key="report-format",
)
name = st.text_input(tr("report.name"), help=tr("report.name_help"), max_chars=80, key="report-name")
settings = compute.analysis_settings(view)
wanted = (view.version, view.worker, view.platform, view.start, view.end, lang, fmt, name.strip(), settings)
if st.button(tr("report.prepare"), type="primary", key="report-prepare"):
    with st.spinner(tr("report.preparing")):
        # the same selection as every page (one read layer), so the report's figures are the pages'
        data = render_report(gather(compute.selection(view), name=name.strip() or None), lang, fmt)
    st.session_state[REPORT_KEY] = (wanted, data)
ready = st.session_state.get(REPORT_KEY)
if ready is not None and ready[0] == wanted:
    st.success(tr("report.ready"))
    st.download_button(
        tr("report.download"),
        data=ready[1],
        file_name=f"gigdata-report-{lang}.{fmt}",
        mime=MIME[fmt],
        key="report-download",
        type="primary",
        on_click="ignore",
    )
st.caption(tr("report.contents"))
