"""Start: upload exports (zips or an unpacked folder), follow the reading, see what was understood."""

from __future__ import annotations

import zoneinfo
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from pages import common
from parsers.ingest import ingest_export

REPORTS_KEY = "_gigdata_ingest_reports"
PENDING_KEY = "_gigdata_pending_tz"
DEFAULT_WORKER = "me"

view = common.current_view()
tr = view.tr


def _uploads_dir() -> Path:
    directory = view.store / ".uploads"
    directory.mkdir(exist_ok=True)
    return directory


def _ingest(name: str, path: Path, tz: str | None) -> None:
    bar = st.progress(0.0, text=tr("start.reading", name=name))

    def progress(fraction: float, what: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=tr("start.reading_file", name=name, file=what))

    with common.ingest_gate():
        report = ingest_export(path, view.store, worker=DEFAULT_WORKER, tz=tz, progress=progress).to_dict()
    report["source"] = name
    if (
        report["status"] == "refused"
        and (report.get("error") or {}).get("kind") == "needs_timezone"
        and tz is None
    ):
        st.session_state.setdefault(PENDING_KEY, []).append(
            {"name": name, "path": str(path), "error": report["error"]}
        )
    else:
        path.unlink(missing_ok=True)
    st.session_state.setdefault(REPORTS_KEY, []).insert(0, report)
    common.forget_figures()


def _files_table(report: dict[str, Any]) -> pd.DataFrame:
    rows = []
    for item in report.get("files", []):
        status = item["status"]
        if status == "parsed":
            detail = ", ".join(
                tr("start.into_table", table=t, rows=tr.integer(n)) for t, n in item["tables"].items()
            )
            detail = detail or tr("start.no_rows")
        else:
            detail = item.get("reason") or ""
        rows.append(
            {
                tr("start.col_file"): item["path"],
                tr("start.col_outcome"): tr(f"start.status.{status}"),
                tr("start.col_detail"): detail,
            }
        )
    return pd.DataFrame(rows)


def _zones_table(decisions: list[dict[str, Any]]) -> pd.DataFrame:
    how = [d.get("source", "") + (": " + d["detail"] if d.get("detail") else "") for d in decisions]
    return pd.DataFrame(
        {
            tr("start.col_file"): [d.get("file", "") for d in decisions],
            tr("start.col_column"): [d.get("column", "") for d in decisions],
            tr("start.col_zone"): [d.get("zone") or "UTC" for d in decisions],
            tr("start.col_how"): how,
        }
    )


def _show_report(report: dict[str, Any]) -> None:
    name, status = report["source"], report["status"]
    files = report.get("files", [])
    summary = {
        s: sum(1 for f in files if f["status"] == s) for s in ("parsed", "ignored", "failed", "unknown")
    }
    if status == "ingested":
        rows = sum(report.get("rows", {}).values())
        st.success(
            tr(
                "start.ingested",
                name=name,
                platform=report.get("platform") or "?",
                layout=report.get("layout") or "?",
                rows=tr.integer(rows),
            )
        )
    elif status == "already_ingested":
        st.info(tr("start.already", name=name))
    else:
        error = report.get("error") or {}
        kind = error.get("kind", "unreadable")
        st.error(tr("start.refused", name=name, why=tr(f"errors.{kind}")))
        if error.get("detail"):
            st.caption(tr("start.refused_detail", member=error.get("member", ""), detail=error["detail"]))
        if kind == "unknown_platform":
            st.page_link("pages/mapping.py", label=tr("start.map_unknown"))
    if files:
        st.write(
            tr(
                "start.files_summary",
                total=tr.integer(len(files)),
                parsed=tr.integer(summary["parsed"]),
                ignored=tr.integer(summary["ignored"]),
                failed=tr.integer(summary["failed"]),
                unknown=tr.integer(summary["unknown"]),
            )
        )
        with st.expander(tr("start.files_detail"), expanded=summary["failed"] + summary["unknown"] > 0):
            st.dataframe(_files_table(report), hide_index=True, width="stretch")
    decisions = report.get("tz_decisions", [])
    if decisions:
        with st.expander(tr("start.tz_detail", count=tr.integer(len(decisions)))):
            st.dataframe(_zones_table(decisions), hide_index=True, width="stretch")
    for kind, count in sorted(report.get("issues", {}).items()):
        st.warning(tr("start.issues", count=tr.integer(count), kind=kind))


def _zone_question() -> None:
    pending: list[dict[str, Any]] = st.session_state.get(PENDING_KEY, [])
    if not pending:
        return
    zones = sorted(zoneinfo.available_timezones())
    browser = st.context.timezone if st.context.timezone in zones else "Europe/Paris"
    for index, item in enumerate(list(pending)):
        with st.container(border=True, key=f"tz-question-{index}"):
            st.subheader(tr("start.tz_title"))
            st.write(tr("start.tz_question", name=item["name"], member=item["error"].get("member", "")))
            zone = st.selectbox(tr("start.tz_choose"), zones, index=zones.index(browser), key=f"tz-{index}")
            if st.button(tr("start.tz_read_again"), key=f"tz-go-{index}", type="primary"):
                pending.remove(item)
                _ingest(item["name"], Path(item["path"]), zone)
                st.rerun()


st.title(tr("start.title"))
st.write(tr("start.intro"))
if st.session_state.pop("_gigdata_deleted", False):
    st.success(tr("start.deleted"))

with st.container(border=True):
    st.subheader(tr("start.samples_title"))
    st.write(tr("start.samples_text"))
    if st.button(tr("start.try_samples"), key="try-samples", type="primary"):
        with st.spinner(tr("start.samples_loading")):
            common.load_samples(view.store)
        st.session_state[REPORTS_KEY] = []
        st.rerun()

st.subheader(tr("start.upload_title"))
st.write(tr("start.upload_text"))
with st.form("upload", clear_on_submit=True):
    zips = st.file_uploader(
        tr("start.upload_zip"), type=["zip"], accept_multiple_files=True, key="upload-zips"
    )
    folder = st.file_uploader(
        tr("start.upload_folder"), accept_multiple_files="directory", key="upload-folder"
    )
    submitted = st.form_submit_button(tr("start.read"), type="primary")
if submitted:
    for upload in zips or []:
        _ingest(upload.name, common.upload_to_file(upload, _uploads_dir()), None)
    if folder:
        top = folder[0].name.split("/")[0] or tr("start.folder")
        _ingest(top, common.folder_as_zip(folder, _uploads_dir()), None)
    st.rerun()

_zone_question()
reports = st.session_state.get(REPORTS_KEY, [])
if reports:
    st.subheader(tr("start.understood"))
    for report in reports:
        with st.container(border=True):
            _show_report(report)
    st.page_link("pages/overview.py", label=tr("start.see_overview"))
elif view.version:
    st.subheader(tr("start.in_store"))
    counts = common.counts(view.store, view.version)
    shown = counts.rename(
        columns={
            "table": tr("start.col_table"),
            "platform": tr("sidebar.platform"),
            "worker_id": tr("sidebar.worker"),
            "rows": tr("start.col_rows"),
        }
    )
    st.dataframe(shown, hide_index=True, width="stretch")
    st.page_link("pages/overview.py", label=tr("start.see_overview"))
