"""Start: upload exports (zips or an unpacked folder), follow the reading, see what was understood."""

from __future__ import annotations

import uuid
import zoneinfo
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from pages import common, style
from parsers.common.zone_evidence import Clue, ZoneEvidence
from parsers.ingest import ingest_export
from toolkit.words import issue_words, platform_words, zone_lines

REPORTS_KEY = "_gigdata_ingest_reports"
PENDING_KEY = "_gigdata_pending_tz"
DEFAULT_WORKER = "me"

view = common.current_view()
tr = view.tr


def _uploads_dir() -> Path:
    directory = view.store / ".uploads"
    directory.mkdir(exist_ok=True)
    return directory


def _ingest(name: str, path: Path, tz: str | None, received: date | None = None) -> None:
    bar = st.progress(0.0, text=tr("start.reading", name=name))

    def progress(fraction: float, what: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=tr("start.reading_file", name=name, file=what))

    with common.ingest_gate():
        report = ingest_export(path, view.store, worker=DEFAULT_WORKER, tz=tz, progress=progress,
                               source_name=name, received=received).to_dict()
    report["zone_given"], report["token"] = tz, uuid.uuid4().hex
    if report.get("error"):  # the upload's temporary name never reaches the screen
        report["error"] = {k: v.replace(path.name, name) if isinstance(v, str) else v
                           for k, v in report["error"].items()}
    error = report.get("error") or {}
    if (
        report["status"] == "refused"
        and error.get("kind") == "needs_timezone"
        and (tz is None or error.get("member") == "--tz")  # no zone yet, or one the export contradicts
    ):
        st.session_state.setdefault(PENDING_KEY, []).append(
            {"name": name, "path": str(path), "error": error, "token": report["token"],
             "evidence": report.get("zone_evidence"), "received": received}
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


def _clue_words(clue: Clue, part: str) -> str:
    role = clue.role if tr.has(f"start.zone.of.{clue.role}") else "files"
    more = "…" if len(clue.zones) > 4 else ""
    return tr(
        f"start.zone.{part}.{clue.kind}",
        of=tr(f"start.zone.of.{role}"),
        within=tr(f"start.zone.within.{role}"),
        the=tr(f"start.zone.the.{role}"),
        values=", ".join(clue.values),
        zones=", ".join(clue.zones[:4]) + more,
        countries=", ".join(clue.countries()[:4]) + ("…" if len(clue.countries()) > 4 else ""),
    )


def _fits_words(zone: str, evidence: dict[str, Any] | None) -> str:
    support = ZoneEvidence.from_dict(evidence).support(zone, per_kind=True)
    return tr("start.zone.sep").join(_clue_words(c, "fits") for c in support)


def _chosen_zone(report: dict[str, Any]) -> str | None:
    zones = [d["zone"] for d in report.get("tz_decisions", []) if d.get("source") == "user" and d.get("zone")]
    if not zones:
        return None
    why = _fits_words(zones[0], report.get("zone_evidence"))
    if not why:
        return tr("start.zone.unchecked", zone=zones[0])
    return tr("start.zone.chosen", zone=zones[0], why=why)


def _how(decision: dict[str, Any], report: dict[str, Any]) -> str:
    source = decision.get("source", "")
    said = tr(f"start.zone.source.{source}") if tr.has(f"start.zone.source.{source}") else source
    if source == "user" and decision.get("zone"):
        why = _fits_words(decision["zone"], report.get("zone_evidence"))
        return f"{said} ({why})" if why else said
    return said + (": " + decision["detail"] if decision.get("detail") else "")


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
                platform=platform_words(report.get("platform"), tr),
                rows=tr.integer(rows),
            )
        )
        if chosen := _chosen_zone(report):
            st.write(chosen)
    elif status == "already_ingested":
        st.info(tr("start.already", name=name))
    else:
        error = report.get("error") or {}
        kind = error.get("kind", "unreadable")
        given = report.get("zone_given")
        clue = ZoneEvidence.from_dict(report.get("zone_evidence")).contradicting(given) if given else None
        if clue is not None and error.get("member") == "--tz":
            st.error(tr("start.zone.refused", zone=given, why=_clue_words(clue, "says")))
        else:
            st.error(tr("start.refused", name=name, why=tr(f"errors.{kind}")))
        if error.get("detail") and kind != "needs_timezone":  # the zone question below says it in words
            with st.expander(tr("start.refused_details")):
                st.caption(tr("start.refused_detail", member=style.escape(error.get("member") or ""),
                              detail=style.escape(error["detail"])))
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
            st.markdown("\n".join(f"- {style.escape(line)}" for line in zone_lines(decisions, tr)))
    for kind, count in sorted(report.get("issues", {}).items()):
        st.warning(tr("start.issues", count=tr.integer(count), kind=issue_words(kind, tr)))


def _zone_question() -> None:
    pending: list[dict[str, Any]] = st.session_state.get(PENDING_KEY, [])
    if not pending:
        return
    zones = sorted(zoneinfo.available_timezones())
    browser = st.context.timezone if st.context.timezone in zones else "Europe/Paris"
    for index, item in enumerate(list(pending)):
        proposal = item["error"].get("zone")
        with st.container(border=True, key=f"tz-question-{index}"):
            st.subheader(tr("start.tz_title"))
            st.write(tr("start.tz_question", name=item["name"], member=item["error"].get("member", "")))
            if proposal in zones:
                why = _fits_words(proposal, item.get("evidence"))
                st.write(tr("start.zone.proposed", zone=proposal, why=why))
            start = zones.index(proposal if proposal in zones else browser)
            token = item.get("token", index)
            zone = st.selectbox(tr("start.tz_choose"), zones, index=start, key=f"tz-{token}")
            if st.button(tr("start.tz_read_again"), key=f"tz-go-{token}", type="primary"):
                pending.remove(item)
                # the answer replaces the report that asked the question
                reports = st.session_state.get(REPORTS_KEY, [])
                st.session_state[REPORTS_KEY] = [r for r in reports if r.get("token") != item.get("token")]
                _ingest(item["name"], Path(item["path"]), zone, item.get("received"))
                st.rerun()


def _gaps_block() -> None:
    """What the exports of the store left out (the completeness check, as on "Ask for my data")."""
    gaps = common.gaps(view, DEFAULT_WORKER, tr.lang)
    if not gaps:
        return
    with st.container(border=True, key="start-gaps"):
        st.subheader(tr("request.check.title"))
        for name, lines in style.gap_lines(gaps, tr).items():
            st.write(tr("start.gaps_of", platform=platform_words(name, tr)))
            st.markdown("\n".join(f"- {style.escape(line)}" for line in lines))
        st.page_link("pages/ask.py", label=tr("start.gaps_letter"))


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
    received = st.date_input(tr("start.received"), value=None, max_value=date.today(),
                             help=tr("start.received_help"), format=tr("start.date_format"),
                             key="upload-received")
    submitted = st.form_submit_button(tr("start.read"), type="primary")
if submitted:
    for upload in zips or []:
        _ingest(upload.name, common.upload_to_file(upload, _uploads_dir()), None, received)
    if folder:
        top = folder[0].name.split("/")[0] or tr("start.folder")
        _ingest(top, common.folder_as_zip(folder, _uploads_dir()), None, received)
    st.rerun()

_zone_question()
reports = st.session_state.get(REPORTS_KEY, [])
if reports:
    st.subheader(tr("start.understood"))
    for report in reports:
        with st.container(border=True):
            _show_report(report)
    _gaps_block()
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
    _gaps_block()
    st.page_link("pages/overview.py", label=tr("start.see_overview"))
