"""Share with my union: what would leave, table by table, with consent per table, then an encrypted
bundle and a receipt (the same bundle as `gigdata share`)."""

from __future__ import annotations

import hashlib
import json

import streamlit as st

from pages import common
from toolkit import __version__
from toolkit.errors import PoolError
from toolkit.pool.bundle import build
from toolkit.pool.keys import parse_public, public_code
from toolkit.pool.minimise import Minimised, minimise

BUNDLE_KEY = "_gigdata_bundle"

view = common.current_view()
tr = view.tr

st.title(tr("share.title"))
st.write(tr("share.intro"))
if not common.require_data(view):
    st.stop()

typed = st.text_input(tr("share.key_label"), help=tr("share.key_help"), key="share-key")
upload = st.file_uploader(tr("share.key_file"), type=["pub", "txt"], key="share-key-file")
given = upload.getvalue()[:10_000].decode("utf-8", errors="replace") if upload is not None else typed
public = None
if given.strip():
    try:
        public = parse_public(given)
        st.success(tr("share.key_ok", code=public_code(public)))
    except PoolError:
        st.error(tr("share.key_bad"))

done = common.per_view(view, "share-minimised",
                       lambda: minimise(view.store, str(view.worker), view.platform, zone=view.zone))
st.subheader(tr("share.what_leaves"))
st.caption(tr("share.minimised"))
chosen = []
for table, rows in done.tables.items():
    label = tr(f"share.tables.{table}")
    if st.checkbox(tr("share.consent", table=label, rows=tr.integer(rows.num_rows)), key=f"share-{table}"):
        chosen.append(table)
    with st.expander(tr("share.preview", table=label)):
        removed = {k: v for k, v in done.removed.get(table, {}).items() if k != "rows" and v}
        if removed:
            st.caption(tr("share.removed", count=tr.integer(sum(removed.values()))))
        st.caption(tr("share.columns", columns=", ".join(rows.schema.names)))
        st.dataframe(done.preview(table), hide_index=True, width="stretch")

with_requests = False
if done.requests:
    with_requests = st.checkbox(tr("share.requests", count=tr.integer(len(done.requests))),
                                key="share-requests")
    st.caption(tr("share.requests_help"))
wanted = (view.version, view.worker, view.platform, tuple(chosen), public, with_requests)
clicked = st.button(tr("share.make"), type="primary", disabled=public is None or not chosen, key="share-make")
if clicked and public is not None:
    kept = Minimised({t: done.tables[t] for t in chosen}, done.exports, done.identity,
                     {t: done.removed.get(t, {}) for t in chosen}, done.requests if with_requests else [])
    data, receipt = build(kept, public, __version__)
    st.session_state[BUNDLE_KEY] = (wanted, data, receipt)
ready = st.session_state.get(BUNDLE_KEY)
if public is None:
    st.caption(tr("share.need_key"))
elif not chosen:
    st.caption(tr("share.need_table"))
if ready is not None and ready[0] == wanted:
    _, data, receipt = ready
    st.success(tr("share.ready", bytes=tr.integer(len(data)), sha=hashlib.sha256(data).hexdigest()))
    left, right = st.columns(2)
    left.download_button(tr("share.download"), data=data, file_name="gigdata-share.gdb",
                         mime="application/octet-stream", type="primary", key="share-download",
                         on_click="ignore")
    right.download_button(tr("share.receipt"), data=json.dumps(receipt, indent=2, ensure_ascii=False),
                          file_name="gigdata-share.gdb.receipt.json", mime="application/json",
                          key="share-receipt", on_click="ignore")
    st.caption(tr("share.after", bundle=receipt["bundle_id"]))
