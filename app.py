"""gigdata app: the router (st.navigation) and the shared sidebar, nothing else.

Pages live in pages/ and only lay out what toolkit/ computes. The sidebar holds what every page shares:
the language, whose data (worker, platform), the period, and "delete my data".
"""

import streamlit as st

from pages import common, compute, style
from toolkit.i18n import LANGUAGES, text
from toolkit.words import platform_words

PAGES = [
    ("start", "pages/start.py"),
    ("overview", "pages/overview.py"),
    ("time", "pages/time_use.py"),
    ("pay", "pages/pay.py"),
    ("dispatch", "pages/dispatch.py"),
    ("ratings", "pages/ratings.py"),
    ("map", "pages/trips_map.py"),
    ("data", "pages/my_data.py"),
    ("report", "pages/pdf_report.py"),
    ("ask", "pages/ask.py"),
    ("share", "pages/share.py"),
    ("union", "pages/union.py"),
    ("mapping", "pages/mapping.py"),
]

ALL_PLATFORMS = "*"  # the sidebar's "all platforms" choice (no platform is named "*": store names forbid it)

st.set_page_config(page_title="gigdata", layout="wide")
tr = common.translator()
style.apply(tr)
store = common.session_store()
if st.session_state.pop(common.EXPIRED_KEY, False):
    st.info(tr("common.session_expired", minutes=tr.integer(common.idle_seconds() / 60)))
version = common.store_version(store)
navigation = st.navigation(
    [st.Page(path, title=tr(f"nav.{name}"), url_path=name, default=name == "start") for name, path in PAGES],
    expanded=True,  # every page listed: past ten, Streamlit would fold them under its own English "View more"
)

with st.sidebar:
    st.radio(
        tr("common.language"),
        LANGUAGES,
        key=common.LANG_KEY,
        horizontal=True,
        format_func=lambda lang: text("common.language_name", lang),
    )
    counts = common.counts(store, version)
    workers = sorted(set(counts["worker_id"]))
    worker = platform = start = end = span = None
    if workers:
        worker = st.selectbox(
            tr("sidebar.worker"),
            workers,
            key=f"worker-{hash(version)}",
            index=workers.index("me") if "me" in workers else 0,
            help=tr("sidebar.worker_help"),
            format_func=lambda w: tr("sidebar.me") if w == "me" else w,
        )
        platforms = sorted(set(counts.loc[counts["worker_id"] == worker, "platform"]))
        chosen = st.selectbox(
            tr("sidebar.platform"),
            [ALL_PLATFORMS, *platforms],  # not None: Streamlit shows a None choice as "nothing chosen"
            key=f"platform-{hash(version)}",
            format_func=lambda p: (tr("sidebar.all_platforms") if p == ALL_PLATFORMS
                                   else platform_words(p, tr)),
        )
        platform = None if chosen == ALL_PLATFORMS else chosen
    zone = compute.display_zone(store, version, worker, platform)
    if worker is not None:
        span = compute.data_span(store, version, worker, platform)
    if span is not None:
        chosen = st.date_input(
            tr("sidebar.period"),
            value=span,
            min_value=span[0],
            max_value=span[1],
            format="DD/MM/YYYY",
            key=f"period-{worker}-{platform}-{hash(version)}",
            help=tr("sidebar.period_help"),
        )
        days = list(chosen) if isinstance(chosen, tuple | list) else [chosen]
        if days and (days[0], days[-1]) != span:
            start, end = days[0], days[-1]
    if workers:
        st.caption(tr("sidebar.zone", zone=zone))
    if workers or (store / ".uploads").is_dir():
        with st.popover(tr("sidebar.delete"), width="stretch"):
            st.write(tr("sidebar.delete_explained"))
            if st.button(tr("sidebar.delete_confirm"), type="primary", key="delete-confirm"):
                common.delete_my_data()
                st.session_state["_gigdata_deleted"] = True
                st.rerun()
    st.caption(tr("sidebar.privacy"))

common.set_view(
    common.View(
        store=store,
        tr=tr,
        worker=worker,
        platform=platform,
        start=start,
        end=end,
        span=span,
        zone=zone,
        version=version,
    )
)
navigation.run()
