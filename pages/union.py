"""My union's pool (for union officers): make a pool, add members' bundles, list and withdraw members,
see the collective figures (internal view, k = 5) and download the evidence pack (export rules: k = 10,
from 20 members). The same pool and functions as `gigdata pool …`."""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from pages import common
from toolkit.access import union_log
from toolkit.errors import PoolError
from toolkit.pool import Pool
from toolkit.pool.figures import POOL_MINIMUM, collective, refresh
from toolkit.pool.keys import pool_public, public_code
from toolkit.pool.pack import evidence_pack, pack_digest
from toolkit.pool.private import budget
from toolkit.words import platform_words

PACK_KEY = "_gigdata_pack"

view = common.current_view()
tr = view.tr


def say_error(exc: PoolError) -> None:
    """The error in the reader's language, the software's own words in a details expander."""
    known = {"passphrase", "not_bundle", "cannot_open", "unreadable", "replay", "withdrawn", "filing"}
    st.error(tr(f"union.error.{exc.kind if exc.kind in known else 'other'}"))
    with st.expander(tr("union.details")):
        st.code(str(exc), language=None)


st.title(tr("union.title"))
st.write(tr("union.intro"))
folder = Path(st.text_input(tr("union.folder"), value=os.environ.get("GIGDATA_POOL", "gigdata-pool"),
                            help=tr("union.folder_help"), key="union-folder"))
passphrase = st.text_input(tr("union.passphrase"), type="password", key="union-pass",
                           help=tr("union.passphrase_help"))
pool = Pool(folder)
try:
    pool.check()
    ready = True
except PoolError:
    ready = False

if not ready:
    st.info(tr("union.no_pool"))
    name = st.text_input(tr("union.name"), key="union-name")
    again = st.text_input(tr("union.passphrase_again"), type="password", key="union-pass-again")
    if st.button(tr("union.make"), type="primary", key="union-make"):
        if passphrase != again:
            st.error(tr("union.mismatch"))
        elif len(passphrase) < 8:
            st.error(tr("union.short"))
        else:
            try:
                Pool.init(folder, passphrase, name.strip() or None)
                st.rerun()
            except PoolError as exc:
                say_error(exc)
    st.stop()

code = public_code(pool_public(folder))
st.subheader(tr("union.key_title"))
st.write(tr("union.key_intro"))
st.code(code, language=None)
st.download_button(tr("union.key_download"), data=(folder / "union.pub").read_bytes(), file_name="union.pub",
                   mime="text/plain", key="union-pub", on_click="ignore")

st.subheader(tr("union.add_title"))
uploads = st.file_uploader(tr("union.add_files"), type=["gdb"], accept_multiple_files=True, key="union-add")
if st.button(tr("union.add"), type="primary", disabled=not uploads, key="union-add-go"):
    with tempfile.TemporaryDirectory(prefix="gigdata-bundles-") as tmp:
        paths = []
        for upload in uploads or []:
            path = Path(tmp) / Path(upload.name).name
            path.write_bytes(upload.getvalue())
            paths.append(path)
        try:
            results = pool.add(paths, passphrase)
        except PoolError as exc:
            say_error(exc)
            results = []
    if any(outcome.status != "refused" for outcome in results):
        with st.spinner(tr("union.computing")):
            refresh(pool)
    for outcome in results:
        if outcome.status == "refused":
            say_error(PoolError(outcome.message, outcome.kind or "other"))
        else:
            st.success(tr(f"union.{outcome.status}", file=outcome.file, member=outcome.member))

members = pool.members()
st.subheader(tr("union.members_title", count=tr.integer(len(members))))
if members:
    table = pd.DataFrame([{
        tr("union.col_member"): m["member"],
        tr("union.col_platforms"): ", ".join(platform_words(p, tr) for p in m["platforms"]),
        tr("union.col_joined"): tr.date(m["joined_at"][:10]),
        tr("union.col_bundles"): tr.integer(len(m["bundles"])),
        tr("union.col_rows"): tr.integer(sum(m["rows"].values())),
    } for m in members])
    st.dataframe(table, hide_index=True, width="stretch")
    leaving = st.selectbox(tr("union.withdraw_who"), [m["member"] for m in members], key="union-withdraw-who")
    if st.button(tr("union.withdraw"), key="union-withdraw"):
        done = pool.withdraw(leaving)
        st.success(tr("union.withdrawn", member=done["member"], rows=tr.integer(sum(done["rows"].values()))))
        st.rerun()

    st.markdown(f"**{tr('request.log.title')}**")
    logged = union_log.log(pool.store, date.today(), pool.member_ids())
    if logged:
        st.caption(tr("request.log.intro"))
        header, rows = union_log.shown(logged, tr)
        st.dataframe(pd.DataFrame(rows, columns=list(header)), hide_index=True, width="stretch")
        st.write(union_log.summary_text(logged, tr))
    else:
        st.caption(tr("request.log.none"))

    st.subheader(tr("union.figures_title"))
    st.caption(tr("union.figures_intro"))
    version = (folder / "members.json").read_bytes()
    result = common.memo("pool-figures", lambda *_: collective(pool, internal=True), str(folder), version)

    def shown(value: object, how: str, currency: str | None = None) -> str:
        """A figure in the reader's language, or a dash when withheld or unknown."""
        if value is None:
            return "—"
        return {"int": lambda: tr.integer(value), "hours": lambda: tr.number(value, 0),
                "share": lambda: tr.percent(value), "rate": lambda: tr.number(value, 2),
                "money": lambda: tr.money(value, currency)}[how]()

    def cells(cell: dict) -> dict:  # type: ignore[type-arg]
        totals, pooled = cell["totals"], cell.get("pooled") or {}
        below, currency = cell.get("members_below_minimum_wage"), cell["currency"]
        return {
            tr("union.col_period"): cell["period"],
            tr("union.col_members"): shown(cell["members"], "int"),
            tr("union.col_jobs"): shown(totals.get("jobs"), "int"),
            tr("union.col_hours"): shown(totals.get("logged_in_h"), "hours"),
            tr("union.col_unpaid"): shown(pooled.get("unpaid_share"), "share"),
            tr("union.col_pay"): shown(pooled.get("per_hour_logged_in"), "money", currency),
            tr("union.col_net"): shown(pooled.get("net_per_hour_logged_in"), "money", currency),
            tr("union.col_below"): shown(below and below["share"], "share"),
        }

    for scale in ("years", "months"):
        st.markdown(f"**{tr(f'union.{scale}')}**")
        st.dataframe(pd.DataFrame([cells(c) for c in result[scale]]), hide_index=True, width="stretch")
    st.caption(tr("union.withheld", k=tr.integer(result["k"])))
    st.markdown(f"**{tr('union.per_member')}**")
    st.dataframe(pd.DataFrame([{
        tr("union.col_member"): m["member"],
        tr("union.col_hours"): shown(m["logged_in_h"], "hours"),
        tr("union.col_unpaid"): shown(m["unpaid_share"], "share"),
        tr("union.col_offers"): shown(m["offers_per_logged_in_h"], "rate"),
    } for m in result["per_member"]]), hide_index=True, width="stretch")

    invoices = result["invoice_years"]
    if invoices["status"] == "released":
        st.markdown(f"**{tr('union.invoices')}**")
        st.caption(tr("union.invoices_intro"))
        st.dataframe(pd.DataFrame([{
            tr("union.col_period"): c["year"],
            tr("union.col_members"): shown(c["riders"], "int"),
            tr("union.col_shifts"): shown(c["totals"].get("shifts"), "int"),
            tr("union.col_orders_per_hour"): shown(c.get("ratios", {}).get("orders_per_hour"), "rate"),
            tr("union.col_pay"): shown(c.get("ratios", {}).get("hourly_pay"), "money", c["currency"]),
            tr("union.col_below_ten"): shown(c.get("ratios", {}).get("shifts_below_ten_share"), "share"),
            tr("union.col_below_shifts"): shown(c.get("ratios", {}).get("shifts_below_minimum_share"),
                                                "share"),
        } for c in invoices["years"]]), hide_index=True, width="stretch")

st.subheader(tr("union.pack_title"))
if len(members) < POOL_MINIMUM:
    st.info(tr("union.pack_small", count=tr.integer(len(members)), minimum=tr.integer(POOL_MINIMUM)))
else:
    fmt = st.radio(tr("union.pack_format"), ("pdf", "xlsx"), horizontal=True, key="union-pack-fmt",
                   format_func=lambda f: tr(f"union.pack_{f}"))
    held = budget(pool)
    private = st.number_input(tr("union.dp_epsilon"), min_value=0.0, max_value=float(held["left"]), value=0.0,
                              step=0.1, format="%.1f", key="union-dp", help=tr("union.dp_help"))
    st.caption(tr("union.dp_budget", spent=tr.number(held["spent"], 1), total=tr.number(held["total"], 1),
                  left=tr.number(held["left"], 1)))
    if st.button(tr("union.pack_make"), type="primary", key="union-pack"):
        with st.spinner(tr("union.pack_making")):
            try:
                data = evidence_pack(pool, view.lang, fmt,  # type: ignore[arg-type]
                                     dp=float(private) if private > 0 else None)
            except PoolError as exc:
                say_error(exc)
                st.stop()
        pool.log("pack", file_name=f"gigdata-pack.{fmt}", sha256=pack_digest(data), lang=view.lang)
        st.session_state[PACK_KEY] = (fmt, data)
    made = st.session_state.get(PACK_KEY)
    if made is not None and made[0] == fmt:
        st.success(tr("union.pack_ready", sha=pack_digest(made[1])))
        st.download_button(tr("union.pack_download"), data=made[1], file_name=f"gigdata-pack.{fmt}",
                           key="union-pack-download", on_click="ignore", type="primary")
