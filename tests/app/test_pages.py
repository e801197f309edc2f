"""Every page of the app, run with AppTest on a synthetic export: it renders without error, and the
figures it shows are those the toolkit computes from the same store (read back from the page's text)."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pdfplumber
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.displayed import decimals, displayed_number
from toolkit.config import load_config
from toolkit.i18n import text
from toolkit.metrics import metrics
from toolkit.store import load_table, table_counts

PAGES = ["start", "overview", "time_use", "pay", "dispatch", "ratings", "trips_map", "my_data", "pdf_report",
         "ask", "share", "union"]
TITLES = {
    "en": {
        "start": "See what the algorithm did with your time and pay",
        "overview": "Overview",
        "time_use": "Time",
        "pay": "Pay",
        "dispatch": "Dispatch",
        "ratings": "Ratings & sanctions",
        "trips_map": "Map",
        "my_data": "My data",
        "pdf_report": "Report",
        "ask": "Ask for my data",
        "share": "Share with my union",
        "union": "Union pool",
    },
    "fr": {"overview": "Synthèse", "time_use": "Temps", "pay": "Rémunération", "my_data": "Mes données"},
}
HEADLINE = {
    "logged_in_h": ("time", "logged_in_h"),
    "waiting_h": ("time", "waiting_h"),
    "per_hour_logged_in": ("pay", "per_hour_logged_in"),
    "earnings_total": ("pay", "earnings_total"),
    "net_per_hour_logged_in": ("pay", "net_per_hour_logged_in"),
    "jobs": ("jobs", "total"),
    "accepted": ("offers", "accepted"),
    "rejected": ("offers", "rejected"),
    "expired": ("offers", "expired"),
    "sanctions": ("sanctions", "total"),
}


def _metric(at: AppTest, label: str) -> str:
    values = [m.value for m in at.metric if m.label == label]
    assert len(values) == 1, f"{label!r} shown {len(values)} times"
    return str(values[0])


def _assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


@pytest.mark.parametrize("page", PAGES)
def test_each_page_renders_in_english(app_on: Callable[..., AppTest], page: str) -> None:
    at = app_on(None if page == "start" else page)
    _assert_clean(at)
    assert at.title[0].value == TITLES["en"][page]


@pytest.mark.parametrize("page", ["overview", "time_use", "pay", "my_data"])
def test_pages_switch_to_french(app_on: Callable[..., AppTest], page: str) -> None:
    at = app_on(page, lang="fr")
    _assert_clean(at)
    assert at.title[0].value == TITLES["fr"][page]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_overview_shows_the_metrics_of_the_store(
    app_on: Callable[..., AppTest], session_store: Path, lang: str
) -> None:
    at = app_on("overview", lang=lang)
    _assert_clean(at)
    expected = metrics(session_store, worker="me", config=load_config())

    for key, (section, name) in HEADLINE.items():
        shown = _metric(at, text(f"overview.{key}.label", lang))
        value = expected[section][name]
        if value is None:
            assert shown == "—"
            continue
        number = displayed_number(shown, lang)
        assert number is not None
        assert abs(number - value) <= 0.5 * 10 ** -decimals(shown) + 1e-9, (key, shown, value)


def test_start_lists_what_the_store_holds(app_on: Callable[..., AppTest], session_store: Path) -> None:
    at = app_on()
    shown = at.dataframe[0].value
    counts = table_counts(session_store)
    assert sorted(shown.iloc[:, 0]) == sorted(counts["table"])
    assert shown.iloc[:, 3].sum() == counts["rows"].sum()


def test_sample_button_fills_an_empty_session(
    tmp_path: Path, template_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIGDATA_SAMPLE_STORE", str(template_store))
    at = AppTest.from_file("../../app.py", default_timeout=180)
    at.session_state["_gigdata_store"] = str(tmp_path / "empty")
    (tmp_path / "empty").mkdir()
    at.run()
    assert not at.dataframe  # nothing yet
    at.button(key="try-samples").click().run()
    _assert_clean(at)
    copied = {p.name for p in (tmp_path / "empty" / "_exports").glob("*.json")}
    assert copied == {p.name for p in (template_store / "_exports").glob("*.json")}


def test_pay_settings_change_the_net_pay(app_on: Callable[..., AppTest], session_store: Path) -> None:
    at = app_on("pay")
    _assert_clean(at)
    at.selectbox(key="cost-mode").set_value("none")
    at.button(key="cost-apply").click().run()
    _assert_clean(at)
    free = metrics(session_store, worker="me", config=load_config(overrides={"costs.mode": "none"}))
    shown = _metric(at, text("overview.net_per_hour_logged_in.label", "en"))
    number = displayed_number(shown, "en")
    assert number == pytest.approx(free["pay"]["net_per_hour_logged_in"], abs=0.005)


def test_numbers_are_typed_and_shown_in_french_and_a_wrong_one_changes_nothing(
    app_on: Callable[..., AppTest], session_store: Path
) -> None:
    at = app_on("pay", lang="fr")
    _assert_clean(at)
    assert at.text_input(key="cost-per-km").value == "0,000"  # not "0.00"
    at.text_input(key="cost-own-wage").set_value("24,50")
    at.text_input(key="cost-fixed").set_value("1 200,5")
    at.button(key="cost-apply").click().run()
    _assert_clean(at)
    own = metrics(session_store, worker="me", config=load_config(
        overrides={"minimum_wage.own_hourly": 24.5, "costs.monthly_fixed": 1200.5}))
    label = text("overview.minimum_wage_per_hour.label", "fr")
    at.text_input(key="cost-own-wage").set_value("vingt")
    at.button(key="cost-apply").click().run()
    assert any("vingt" in e.value for e in at.error)  # said in words, and the settings keep 24,50
    at.switch_page("pages/overview.py").run()
    assert displayed_number(_metric(at, label), "fr") == pytest.approx(own["pay"]["minimum_wage_per_hour"])
    assert own["pay"]["minimum_wage_per_hour"] == 24.5


def test_dispatch_counts_the_offers_of_the_export(
    app_on: Callable[..., AppTest], session_store: Path
) -> None:
    at = app_on("dispatch")
    _assert_clean(at)
    offers, windows = load_table(session_store, "offers"), load_table(session_store, "offer_windows")
    expected = len(offers) if len(offers) else int(windows["offers"].sum())
    assert displayed_number(_metric(at, "Offers received"), "en") == expected


def test_ratings_page_lists_every_sanction(app_on: Callable[..., AppTest], session_store: Path) -> None:
    at = app_on("ratings")
    _assert_clean(at)
    sanctions = load_table(session_store, "sanctions")
    if len(sanctions):
        assert displayed_number(_metric(at, "Sanctions"), "en") == len(sanctions)
        assert len(at.dataframe[-1].value) == len(sanctions)
    else:
        assert any("no sanction" in i.value for i in at.info)


def test_my_data_shows_each_table_and_offers_downloads(
    app_on: Callable[..., AppTest], session_store: Path
) -> None:
    at = app_on("my_data")
    _assert_clean(at)
    at.selectbox(key="data-table").set_value("earnings").run()
    _assert_clean(at)
    rows = len(load_table(session_store, "earnings"))
    assert any(m.value.startswith(f"{rows:,} rows") for m in at.markdown)
    assert len(at.get("download_button")) >= 3


def test_report_page_makes_a_pdf_with_the_fingerprints(
    app_on: Callable[..., AppTest], sample_zip: Path
) -> None:
    at = app_on("pdf_report")
    at.button(key="report-prepare").click().run()
    _assert_clean(at)
    pdf = at.session_state["_gigdata_report"][1]
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        text = "\n".join(page.extract_text() or "" for page in document.pages)
    assert hashlib.sha256(sample_zip.read_bytes()).hexdigest() in text
    with zipfile.ZipFile(sample_zip) as archive:
        member = next(i for i in archive.infolist() if not i.is_dir())
        assert hashlib.sha256(archive.read(member)).hexdigest() in text


def test_delete_my_data_removes_the_session_store(
    app_on: Callable[..., AppTest], session_store: Path
) -> None:
    at = app_on()  # the sidebar's popover is in AppTest's tree on the first page only
    at.button(key="delete-confirm").click().run()
    _assert_clean(at)
    assert not session_store.exists()
    assert any("deleted" in s.value for s in at.success)
    memo = at.session_state.get("_gigdata_memo", {})
    assert not any(str(session_store) in str(key) for key in memo)  # no figure of the erased data is kept
    assert at.session_state["_gigdata_store"] != str(session_store)


def test_map_hides_the_area_around_home_by_default(app_on: Callable[..., AppTest]) -> None:
    at = app_on("trips_map")
    _assert_clean(at)
    assert at.toggle(key="map-hide-home").value is True
    at.toggle(key="map-hide-home").set_value(False).run()
    _assert_clean(at)
    assert not any(c.value.startswith("Hidden near home") for c in at.caption)


def test_an_error_shows_no_detail_to_the_user(
    app_on: Callable[..., AppTest], session_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(Path(__file__).resolve().parents[2])  # the app's .streamlit/config.toml applies
    for parquet in session_store.glob("jobs/*/*/*.parquet"):
        parquet.write_bytes(b"PAR1 not a parquet file PAR1")  # a damaged store makes the page fail
    at = app_on("overview")
    assert at.exception, "the damaged store should have made the page fail"
    shown = " ".join(str(e.value) + " ".join(e.stack_trace) for e in at.exception)
    assert "redacted" in shown
    assert str(session_store) not in shown and "parquet" not in shown.lower()
