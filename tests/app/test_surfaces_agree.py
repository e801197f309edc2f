"""One figure, one value: for every bundled sample and every headline figure, `gigdata metrics --json`, the
Overview, the page that details the figure and the PDF report show the same value.

The value each surface must show is the CLI's JSON number written by the same Translator the app uses;
the surfaces are read back as a user sees them (AppTest's rendered metrics, the PDF's text).
"""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from parsers.ingest import ingest_export
from tests.app.conftest import APP
from toolkit.cli import app as cli
from toolkit.i18n import Translator
from toolkit.report import build_report, headline_figures
from toolkit.samples import SAMPLE_ZONES
from toolkit.selection import Selection

SAMPLES = Path(__file__).resolve().parents[2] / "sample_exports"
FOLDERS = sorted(p.name for p in SAMPLES.iterdir() if p.is_dir())

DETAIL_PAGES: dict[str, dict[str, tuple[str, str, str]]] = {
    # page -> {figure key on that page: (metrics section, key, how it is written)}
    "pay": {"fig-net": ("pay", "net_per_hour_logged_in", "money")},
    "dispatch": {"fig-blocked": ("sanctions", "blocked_h", "hours")},
    "ratings": {"fig-sanctions-total": ("sanctions", "total", "integer"),
                "fig-sanctions-blocked": ("sanctions", "blocked_h", "hours")},
}


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One store per bundled sample, each holding that sample under worker "me"."""
    out = {}
    for name in FOLDERS:
        store = tmp_path_factory.mktemp(name) / "store"
        report = ingest_export(SAMPLES / name, store, worker="me", tz=SAMPLE_ZONES.get(name))
        assert report.status == "ingested", (name, report.error)
        out[name] = store
    return out


def cli_metrics(store: Path) -> dict[str, Any]:
    """What `gigdata metrics --worker me --json` prints."""
    result = CliRunner().invoke(cli, ["metrics", "--store", str(store), "--worker", "me", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def run_page(store: Path, tmp_path: Path, page: str, lang: str) -> AppTest:
    """The app on a private copy of `store`, showing `page`."""
    copy = tmp_path / f"session-{page}-{lang}"
    shutil.copytree(store, copy)
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.session_state["_gigdata_store"] = str(copy)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown_by_key(at: AppTest) -> dict[str, str]:
    """The value of every figure on the page, by the key of its box (`pages.common.figure`)."""
    found: dict[str, str] = {}

    def walk(node: Any, key: str | None) -> None:
        for child in getattr(node, "children", {}).values():
            own = getattr(child, "key", None) or key
            if type(child).__name__ == "Metric" and key is not None:
                found[key] = str(child.value)
            walk(child, own if type(child).__name__ == "Block" else key)

    walk(at.main, None)
    return found


def pdf_text(pdf: bytes) -> str:
    """The report's text with runs of white space made one space (the PDF may break a line anywhere)."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        text = " ".join(page.extract_text() or "" for page in document.pages)
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\xa0", " "))


def written(tr: Translator, how: str, value: Any, currency: str | None) -> str:
    """A number as the app writes it."""
    if how == "money":
        return tr.money(value, currency)
    return str(getattr(tr, how)(value))


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("sample", FOLDERS)
def test_cli_overview_detail_pages_and_pdf_agree(
    stores: dict[str, Path], tmp_path: Path, sample: str, lang: str
) -> None:
    store = stores[sample]
    expected = cli_metrics(store)
    tr = Translator(lang)
    headline = {f.key: f.value for f in headline_figures(expected, tr)}

    overview = shown_by_key(run_page(store, tmp_path, "overview", lang))
    assert {k: overview.get(f"fig-{k}") for k in headline} == headline

    text = pdf_text(build_report(Selection(store, "me"), lang=lang))
    for key, value in headline.items():
        assert re.sub(r"\s+", " ", value.replace("\u202f", " ").replace("\xa0", " ")) in text, (key, value)

    currency = expected["pay"]["currency"]
    for page, wanted in DETAIL_PAGES.items():
        shown = shown_by_key(run_page(store, tmp_path, page, lang))
        for key, (section, name, how) in wanted.items():
            if key in shown:  # a page shows a figure only when the data has it
                assert shown[key] == written(tr, how, expected[section][name], currency), (page, key)
            else:
                assert expected[section][name] in (None, 0), (page, key, expected[section][name])
