"""Glue shared by the app's pages: the session's private store, the sidebar's choices, memoised figures.

Privacy rules this module keeps (security.md §2 S3/S4/S10):
- each window gets its own store (`pages.sessions`: a random token in its address, a 0700 folder), removed
  when the window closes, after the idle time and by "delete my data"; its path is never shown;
- figures computed from a worker's data are memoised in `st.session_state` only (per session, keyed by
  the store and its content), never in `st.cache_data`, so no session can read another's;
- only non-personal things are process-wide: the sample exports ingested once into a template store.
"""

from __future__ import annotations

import atexit
import io
import os
import shutil
import tempfile
import threading
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import altair as alt
import pandas as pd
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from pages import sessions
from toolkit import store as store_mod
from toolkit.i18n import LANGUAGES, Translator, say, vega_locale

T = TypeVar("T")


STORE_KEY = "_gigdata_store"


MEMO_KEY = "_gigdata_memo"


VIEW_KEY = "_gigdata_view"
FRESH_KEY = "_gigdata_view_fresh"


LANG_KEY = "lang"


COSTS_KEY = "_gigdata_costs"


MEMO_SIZE = 64
"""Figures kept per session (oldest dropped first)."""


OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
"""Colour-blind-safe palette (Okabe & Ito 2008)."""


PERIOD_COLOURS = {"P1": "#E69F00", "P2": "#56B4E9", "P3": "#0072B2"}


@dataclass(frozen=True)
class View:
    """What the sidebar chose: whose data, which platform, which days, in which language.

    `start`/`end` are None when the whole span of the data is chosen ("all the data": undated rows count,
    as in `gigdata metrics` without --from/--to); `span` is the data's first and last local day.
    """

    store: Path
    tr: Translator
    worker: str | None
    platform: str | None
    start: date | None
    end: date | None
    span: tuple[date, date] | None
    zone: str
    version: tuple[str, ...]

    @property
    def lang(self) -> str:
        """The language code."""
        return self.tr.lang


DELETED_KEY = "data_deleted"  # once deleted in a window, the store given with --store is not copied again
OPENED_STORE = "GIGDATA_APP_STORE"
"""Set by `gigdata app --store DIR`: each session's store starts as a copy of DIR (its data is only read,
under the store's lock, so "delete my data" removes the copy only)."""


EXPIRED_KEY = "_gigdata_expired"  # this window's data was removed (idle, or its window was closed)
TOKEN_PARAM = "s"  # the window's token in its address: a reload finds the data again


def session_store() -> Path:
    """This window's private store (pages.sessions): the one its address names when it still exists,
    else a new one; touched on every run, removed when the window closes or idles (0700, and at exit)."""
    root = sessions.sessions_root()
    sessions.start_reaper(root, idle_seconds(), _connected_sessions)
    path = st.session_state.get(STORE_KEY)
    if path is not None and Path(path).is_dir():
        _claim(Path(path), root)
        return Path(path)
    token = st.query_params.get(TOKEN_PARAM)
    found = sessions.find_store(root, token) if path is None else None
    if found is None:
        if path is not None or token:  # the window had data, and it was removed meanwhile
            st.session_state[EXPIRED_KEY] = True
        found = sessions.new_store(root)
        opened = os.environ.get(OPENED_STORE)
        if opened and not st.session_state.get(DELETED_KEY) and store_mod.list_manifests(Path(opened)):
            _copy_store(Path(opened), found)
    st.session_state[STORE_KEY] = str(found)
    atexit.register(shutil.rmtree, str(found), True)
    _claim(found, root)
    return found


def idle_seconds() -> float:
    """After how long without activity a window's data is removed (`[app] idle_minutes`)."""
    from toolkit.config import load_config

    return sessions.idle_seconds(float(load_config().get("app.idle_minutes")))


def _claim(path: Path, root: Path) -> None:
    """Touch the window's store, say which session owns it, and keep its token in the address."""
    if path.parent != root:  # a store given by a test, outside the sessions' folder
        return
    sessions.touch(path, _session_id())
    if st.query_params.get(TOKEN_PARAM) != path.name:
        st.query_params[TOKEN_PARAM] = path.name


def _session_id() -> str | None:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return None if ctx is None else str(ctx.session_id)


def _connected_sessions() -> set[str] | None:
    """The ids of the sessions with a connected window (None when the server does not say)."""
    from streamlit import runtime

    try:
        manager = runtime.get_instance()._session_mgr  # noqa: SLF001 - no public API lists them
        return {info.session.id for info in manager.list_active_sessions()}
    except Exception:  # noqa: BLE001 - any change of this internal API: fall back to the idle time
        return None


def _copy_store(source: Path, target: Path) -> None:
    with store_mod.store_lock(source), store_mod.store_lock(target):
        shutil.copytree(source, target, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns(".lock", "*.tmp", ".spill.tmp"))


def translator() -> Translator:
    """The session's language: chosen in the sidebar, else the browser's, else English."""
    lang = st.session_state.get(LANG_KEY)
    if lang not in LANGUAGES:
        browser = (st.context.locale or "").lower()
        lang = "fr" if browser.startswith("fr") else LANGUAGES[0]
        st.session_state[LANG_KEY] = lang
    return Translator(lang)


def gaps(view: View, worker: str, lang: str) -> list[Any]:
    """What the exports of `worker` left out (`toolkit.access.check.check`), computed once per store
    content, tracker state and language in this session: the Start and Ask pages rerun on every click."""
    from toolkit.access.check import check

    tracker = view.store / "_requests" / "requests.json"  # the period asked for is in the tracker
    stamp = tracker.stat().st_mtime_ns if tracker.exists() else 0
    return memo("access-gaps", lambda *_: check(view.store, worker=worker, lang=lang), str(view.store),
                view.version, stamp, worker, lang)


def store_version(store: Path) -> tuple[str, ...]:
    """What identifies the store's content: its manifests (each ingest or deletion changes it)."""
    exports = store / store_mod.EXPORTS_DIR
    if not exports.is_dir():
        return ()
    return tuple(sorted(p.name for p in exports.glob("[!.]*.json")))


def memo(name: str, fn: Callable[..., T], *args: Any) -> T:
    """`fn(*args)` memoised in this session only (args must include the store and its version)."""
    cache: dict[tuple[Any, ...], Any] = st.session_state.setdefault(MEMO_KEY, {})
    key = (name, *args)
    if key not in cache:
        if len(cache) >= MEMO_SIZE:
            cache.pop(next(iter(cache)))
        cache[key] = fn(*args)
    return cache[key]  # type: ignore[no-any-return]


def per_view(view: View, name: str, compute: Callable[[], T], *extra: Any) -> T:
    """`compute()` memoised in this session for this view's data, worker, platform, period and settings."""
    key = (
        view.store,
        view.version,
        view.worker,
        view.platform,
        view.start,
        view.end,
        view.zone,
        cost_settings(),
        *extra,
    )
    return memo(name, lambda *_: compute(), *key)


def set_view(view: View) -> None:
    """Remember the sidebar's choices for the page that runs next, in this same run."""
    st.session_state[VIEW_KEY] = view
    st.session_state[FRESH_KEY] = True


def current_view() -> View:
    """The sidebar's choices of this run (the page runs inside app.py, after the sidebar is drawn).

    Streamlit treats an app with a `pages/` folder as an old-style multipage app until `st.navigation`
    has run once in the process (and AppTest resets that on every run): a page can then be run alone,
    without app.py. Such a run finds no fresh view; it switches the old behaviour off and reruns, so
    app.py draws the sidebar and runs the page.
    """
    view = st.session_state.get(VIEW_KEY)
    if not st.session_state.pop(FRESH_KEY, False) or not isinstance(view, View):
        PagesManager.uses_pages_directory = False
        st.rerun()
    return view


def counts(store: Path, version: tuple[str, ...]) -> pd.DataFrame:
    """Rows per table, platform and worker of the store (memoised per store content)."""
    return memo("counts", lambda s, _v: store_mod.table_counts(s), store, version)


def has_data(view: View) -> bool:
    """Whether the session's store holds any export."""
    return bool(view.version)


def require_data(view: View) -> bool:
    """True when there is data; otherwise explain where to get some, offer the samples, and say False."""
    if has_data(view) and view.worker is not None:
        return True
    st.info(view.tr("common.no_data"))
    col1, col2 = st.columns(2)
    if col1.button(view.tr("start.try_samples"), key="samples-from-empty", type="primary"):
        load_samples(view.store)
        st.rerun()
    col2.page_link("pages/start.py", label=view.tr("common.go_start"))
    return False


def load_samples(store: Path) -> None:
    """Copy the bundled sample exports (already ingested once per process) into the session's store."""
    _copy_store(sample_template(), store)
    forget_figures()


@st.cache_resource(show_spinner=False)
def sample_template() -> Path:
    """The bundled samples ingested into a template store, once per process (synthetic data only)."""
    given = os.environ.get("GIGDATA_SAMPLE_STORE")
    if given and store_mod.list_manifests(Path(given)):
        return Path(given)
    from parsers.ingest import ingest_export
    from scripts.load_samples import SAMPLES  # the same folders as `make app`
    from toolkit.samples import SAMPLE_ZONES

    target = Path(tempfile.mkdtemp(prefix="gigdata-samples-"))
    atexit.register(shutil.rmtree, str(target), True)
    for folder in sorted(p for p in SAMPLES.iterdir() if p.is_dir()):
        ingest_export(folder, target, worker=folder.name, tz=SAMPLE_ZONES.get(folder.name))
    return target


@st.cache_resource(show_spinner=False)
def ingest_gate() -> threading.Semaphore:
    """One ingest at a time in this process (uploads are large; security.md §2 S2). Holds no data."""
    return threading.Semaphore(1)


def delete_my_data() -> None:
    """Remove the session's store and every figure computed from it; a fresh empty store follows."""
    path = st.session_state.pop(STORE_KEY, None)
    if path:
        shutil.rmtree(path, ignore_errors=True)
    if TOKEN_PARAM in st.query_params:  # the next store gets a new token: the old one names nothing
        del st.query_params[TOKEN_PARAM]
    for key in [k for k in st.session_state if str(k).startswith(("_gigdata", "ingest", "pending"))]:
        del st.session_state[key]
    st.session_state[DELETED_KEY] = True
    forget_figures()


def forget_figures() -> None:
    """Drop the session's memoised figures (after an ingest, a sample load or a deletion)."""
    st.session_state[MEMO_KEY] = {}


def folder_as_zip(files: list[Any], directory: Path) -> Path:
    """Files of an uploaded folder (names keep their relative paths) as one deterministic zip.

    The zip goes through the same archive checks as any upload, so a hostile name is refused there.
    """
    target = directory / f"{uuid.uuid4().hex}.zip"
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for upload in sorted(files, key=lambda f: f.name):
            info = zipfile.ZipInfo(upload.name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, upload.getvalue())
    return target


def upload_to_file(upload: Any, directory: Path) -> Path:
    """An uploaded zip written under a random name (never the user's file name) in `directory`."""
    target = directory / f"{uuid.uuid4().hex}.zip"
    with open(target, "wb") as handle:
        shutil.copyfileobj(io.BytesIO(upload.getvalue()), handle)
    return target


def chart(spec: alt.TopLevelMixin, view: View, height: int = 320) -> None:
    """Show an Altair chart with the language's number and date formats."""
    configured = spec.configure(locale=vega_locale(view.lang)).properties(height=height)  # type: ignore[attr-defined]
    st.altair_chart(configured, width="stretch")


def figure(label: str, value: str, explanation: str, container: Any = None, key: str | None = None) -> None:
    """One headline figure and the sentence that explains it (`key` names it for the browser tests)."""
    target = container if container is not None else st
    with target.container(border=True, key=key):
        st.metric(label, value)
        st.caption(explanation)


def notes(view: View, items: list[str]) -> None:
    """The analyses' technical notes, in the reader's language (`toolkit.i18n.Note`s are translated)."""
    shown = [say(n, view.tr) for n in dict.fromkeys(items) if n]
    if shown:
        with st.expander(view.tr("common.technical_notes")):
            st.markdown("\n".join(f"- {n}" for n in shown))


def period_label(view: View, value: Any, freq: str) -> str:
    """A period start as the axis shows it: the day, the week's Monday, or the month."""
    return view.tr.month(value) if freq == "month" else view.tr.date(value)


def labelled(frame: pd.DataFrame, column: str, view: View, freq: str) -> tuple[pd.DataFrame, list[str]]:
    """A copy with a `label` column naming each period as the language writes it, and the labels in order."""
    out = frame.copy()
    out["label"] = [period_label(view, v, freq) for v in out[column]]
    return out, list(dict.fromkeys(out.sort_values(column, kind="stable")["label"]))


def period_x(title: str, order: list[str]) -> alt.X:
    """The x axis of a chart over periods: the periods' names, in time order."""
    return alt.X("label:O", title=title, sort=order, axis=alt.Axis(labelAngle=-40, labelOverlap="greedy"))


def not_available(view: View, what: str) -> None:
    """Say plainly that an analysis is not available (yet) for this data."""
    st.info(view.tr("common.not_available", what=what))


def cost_settings() -> tuple[tuple[str, Any], ...]:
    """The session's cost and contribution choices (Pay page), as config overrides (hashable)."""
    chosen: dict[str, Any] = st.session_state.get(COSTS_KEY, {})
    return tuple(sorted(chosen.items()))


def set_cost_settings(chosen: dict[str, Any]) -> None:
    """Replace the session's cost and contribution choices."""
    st.session_state[COSTS_KEY] = dict(chosen)


def number_field(slot: Any, tr: Translator, label: str, value: float | None, key: str, low: float,
                 high: float, digits: int = 2, help: str | None = None,
                 disabled: bool = False) -> float | None | str:
    """A number typed as the reader's language writes it ("0,43" in French), shown the same way: a text
    field, since Streamlit's number input always shows "0.43". Returns the number, None when left empty,
    or the text typed when it is not a number between `low` and `high` (say so with `bad_number`)."""
    shown = "" if value is None else tr.number(value, digits).replace("\u202f", "").replace("\xa0", "")
    typed = slot.text_input(label, value=shown, key=key, help=help, disabled=disabled)
    return parse_number(typed, tr, low, high)


def parse_number(typed: str, tr: Translator, low: float, high: float) -> float | None | str:
    """`typed` read in the reader's language (a comma or a point as decimal mark, spaces between
    thousands): the number, None when empty, the text itself when it is no number between low and high.

    Example:
        >>> parse_number("0,43", Translator("fr"), 0, 10), parse_number("1 200,5", Translator("fr"), 0, 1e4)
        (0.43, 1200.5)
        >>> parse_number("", Translator("fr"), 0, 1), parse_number("abc", Translator("en"), 0, 1)
        (None, 'abc')
    """
    text = (typed or "").strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    if not text:
        return None
    text = text.replace(",", ".") if tr.lang == "fr" else text.replace(",", "")
    try:
        number = float(text)
    except ValueError:
        return typed
    if not (low <= number <= high) or number != number:
        return typed
    return number
