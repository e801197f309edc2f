"""Fixtures of the app tests: a synthetic export, a store holding it, and AppTests on a copy of that store.

The export is simulated by `toolkit.samples` (synthetic data only); the store is built once per test
process and copied for each test, since pages write into their session's store.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from parsers.ingest import ingest_export
from toolkit.samples import write_sample

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"


@pytest.fixture(autouse=True)
def navigation_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run AppTests as the real server runs after its first page view: `st.navigation` decides.

    Streamlit treats an app with a `pages/` folder as an old-style multipage app until `st.navigation`
    has run once in the process; AppTest resets that before every run, so each later run would run a page
    file alone. The real server keeps the setting once app.py has run.
    """
    original = PagesManager.__init__

    def init(self: PagesManager, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


@pytest.fixture(scope="session")
def sample_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 30-day synthetic Uber driver export (the default layout), as a zip."""
    out = tmp_path_factory.mktemp("exports") / "uber-30-days.zip"
    write_sample("uber", out, days=30, seed=1)
    return out


@pytest.fixture(scope="session")
def template_store(tmp_path_factory: pytest.TempPathFactory, sample_zip: Path) -> Path:
    """A store holding the sample export under worker "me"."""
    store = tmp_path_factory.mktemp("template") / "store"
    report = ingest_export(sample_zip, store, worker="me")
    assert report.status == "ingested", report.error
    return store


@pytest.fixture
def session_store(template_store: Path, tmp_path: Path) -> Path:
    """A private copy of the template store, as one browser session would hold."""
    store = tmp_path / "session-store"
    shutil.copytree(template_store, store)
    return store


@pytest.fixture
def app_on(session_store: Path) -> Callable[..., AppTest]:
    """Run the app on the session store, on `page`, in `lang`; returns the AppTest after the run."""

    def run(page: str | None = None, lang: str = "en") -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=180)
        at.session_state["_gigdata_store"] = str(session_store)
        at.session_state["lang"] = lang
        at.run()
        if page is not None:
            at.switch_page(f"pages/{page}.py").run()
        return at

    return run
