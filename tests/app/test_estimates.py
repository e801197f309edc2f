"""Inferred time is shown as an estimate, partial periods apart, the reconnection rule with its hours, and
the zone with its reason, on the Overview, Time and Pay pages (AppTest, English and French).

The Wolt sample has no login log (its sessions are inferred by chaining jobs); the 30-day Uber sample of
`conftest.py` starts on 1 February 2021 and ends on 3 March, so March is a partial month and the week of
1 March a partial week. Expected values come from the read layer (`toolkit.selection.Selection`, the one
place figures are computed) written by the same Translator the app uses: the test proves the surfaces say
what the toolkit computed.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from parsers.ingest import ingest_export
from tests.app.conftest import APP
from tests.app.gapped_export import gapped_uber_export
from toolkit.i18n import Translator
from toolkit.samples import SAMPLE_ZONES
from toolkit.selection import Selection

WOLT = Path(__file__).resolve().parents[2] / "sample_exports" / "wolt-courier-tasks-2021"
ESTIMATED = {"en": "(estimated", "fr": "(estimation"}  # how an estimated figure's label says so
APP_TIME = {"en": "All the time your app was on", "fr": "Tout le temps où votre application était allumée"}


GAPS = 30
"""One-minute holes in the gapped export's online log: the reconnection rule adds 30 minutes of waiting."""


@pytest.fixture(scope="module")
def gapped_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An Uber export with `GAPS` one-minute disconnections between logged-in stretches."""
    root = tmp_path_factory.mktemp("gapped")
    report = ingest_export(gapped_uber_export(root / "uber.zip", GAPS), root / "store", worker="me")
    assert report.status == "ingested", report.error
    return root / "store"


@pytest.fixture(scope="module")
def wolt_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Wolt courier sample (no login log) under worker "me"."""
    store = tmp_path_factory.mktemp("wolt") / "store"
    report = ingest_export(WOLT, store, worker="me", tz=SAMPLE_ZONES[WOLT.name])
    assert report.status == "ingested", report.error
    return store


def run_page(store: Path, tmp_path: Path, page: str, lang: str) -> AppTest:
    """The app on a private copy of `store`, showing `page` in `lang`."""
    copy = tmp_path / f"session-{page}-{lang}"
    shutil.copytree(store, copy)
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.session_state["_gigdata_store"] = str(copy)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def words(at: AppTest) -> str:
    """Every label, value, caption, note and box of the page's main area, as one text."""
    parts: list[str] = [str(m.label) + " " + str(m.value) for m in at.main.metric]
    for kind in ("caption", "info", "markdown", "warning"):
        parts += [str(e.value) for e in getattr(at.main, kind)]
    return "\n".join(parts)


def metric_labels(at: AppTest) -> dict[str, str]:
    """Each metric's value by its label."""
    return {str(m.label): str(m.value) for m in at.main.metric}


def band_words(estimate: dict[str, Any], tr: Translator) -> list[str]:
    """What an estimate's band is written as: both shares, the gaps tried, the rule's gap."""
    gaps = sorted(int(k.removesuffix("min")) for k in estimate["band"])
    return [tr.percent(estimate["unpaid_share_low"], 1), tr.percent(estimate["unpaid_share_high"], 1),
            f"{gaps[0]} ", f"{gaps[-1]} min", f"{estimate['rule_gap_min']:g} min"]


def test_the_wolt_sample_is_an_estimate(wolt_store: Path) -> None:
    m = Selection(wolt_store, "me").metrics()
    assert m["time"]["source"] == "inferred"
    estimate = m["time"]["estimate"]
    assert estimate is not None and estimate["rule_gap_min"] == 30
    assert estimate["unpaid_share_low"] < m["time"]["unpaid_share"] < estimate["unpaid_share_high"]


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("page", ["overview", "time_use", "pay"])
def test_estimated_time_shows_its_band_rule_and_limits(
    wolt_store: Path, tmp_path: Path, page: str, lang: str
) -> None:
    tr = Translator(lang)
    m = Selection(wolt_store, "me").metrics()
    estimate = m["time"]["estimate"]
    at = run_page(wolt_store, tmp_path, page, lang)
    text = words(at)
    for shown in band_words(estimate, tr):
        assert shown in text, (page, lang, shown)
    assert APP_TIME[lang] not in text  # no claim of app time for an estimate
    if page == "pay":
        assert tr("pay.estimated") in text
        assert tr.hours(min(b["logged_in_h"] for b in estimate["band"].values())) in text
        assert tr.hours(max(b["logged_in_h"] for b in estimate["band"].values())) in text
        return
    labels = metric_labels(at)
    unpaid = [v for k, v in labels.items() if k.startswith(tr("overview.unpaid_share.label"))]
    assert unpaid == [tr.percent(m["time"]["unpaid_share"])]
    logged = {k: v for k, v in labels.items() if k.startswith(tr("overview.logged_in_h.label"))}
    assert list(logged.values()) == [tr.hours(m["time"]["logged_in_h"])]
    assert all(ESTIMATED[lang] in k for k in logged), logged


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_measured_time_is_not_called_an_estimate(app_on: Callable[..., AppTest], lang: str) -> None:
    at = app_on("overview", lang=lang)
    assert not at.exception
    assert not any(ESTIMATED[lang] in str(m.label) for m in at.main.metric)
    assert APP_TIME[lang] in words(at)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_partial_month_is_marked_and_left_out_of_the_minimum_wage_count(
    app_on: Callable[..., AppTest], session_store: Path, lang: str
) -> None:
    sel = Selection(session_store, "me")
    days = sel.data_days
    assert days is not None and days[0] == date(2021, 2, 1) and days[1] < date(2021, 3, 31)
    months = sel.figure("pay_by_period", "month")
    february, march = pd.Timestamp("2021-02-01", tz=sel.zone), pd.Timestamp("2021-03-01", tz=sel.zone)
    assert list(months.index) == [february, march]
    below = int(bool(months.loc[february, "below_minimum_wage"]))  # the one full month
    tr = Translator(lang)
    text = words(app_on("pay", lang=lang))
    assert tr("pay.below_full_month", below=below, total=1) in text
    assert tr("pay.partial_out_month", count=1, periods=tr.month(march)) in text
    assert tr("time.partial.month", periods=tr.month(march)) in text
    assert tr("pay.below_full_month", below=below + 1, total=2) not in text
    assert tr("pay.below_full_month", below=below, total=2) not in text


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_time_page_marks_the_partial_week(
    app_on: Callable[..., AppTest], session_store: Path, lang: str
) -> None:
    sel = Selection(session_store, "me")
    weeks = sel.figure("time_by_period", "week")
    last = pd.Timestamp("2021-03-01", tz=sel.zone)  # a Monday; the data ends on Wednesday 3 March
    assert weeks.index[-1] == last
    tr = Translator(lang)
    text = words(app_on("time_use", lang=lang))
    assert tr("time.partial.week", periods=tr.date(last)) in text


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_page_says_the_zone_and_why(app_on: Callable[..., AppTest], lang: str) -> None:
    tr = Translator(lang)
    said = f"Europe/Paris ({tr('overview.zone_source.exports')})"  # the sample's exports state Paris
    for page in ("overview", "time_use", "pay"):
        assert said in words(app_on(page, lang=lang)), page


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_time_page_says_how_much_waiting_the_reconnection_rule_adds(
    gapped_store: Path, tmp_path: Path, lang: str
) -> None:
    added = Selection(gapped_store, "me").figure("time", "me").hours["reconnect_added"]
    assert added == pytest.approx(GAPS * 60 / 3600)  # the holes written into the export
    tr = Translator(lang)
    text = words(run_page(gapped_store, tmp_path, "time_use", lang))
    assert tr("time.reconnect", gap=tr("time.minutes", n="2"), hours=tr.hours(GAPS / 60)) in text
