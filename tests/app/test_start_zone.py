"""The Start page's time-zone question: the zone the export points to is pre-selected, the answer replaces
the question's red message, and the decision reads in plain words (synthetic Lausanne export)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from parsers.ingest import ingest_export
from toolkit.i18n import text
from toolkit.samples import layout_params, write_sample

from .conftest import APP

REPORTS_KEY, PENDING_KEY = "_gigdata_ingest_reports", "_gigdata_pending_tz"


def _asked(tmp_path: Path, store: Path) -> tuple[dict[str, object], dict[str, object]]:
    """What the page holds after an upload that needs a zone: the refused report and the question."""
    export = tmp_path / "lausanne-2016.zip"
    params = layout_params("uber", "sar-2016", days=3, centre_lat=46.5197, centre_lon=6.6323)
    write_sample("uber", export, layout="sar-2016", params=params)
    report = ingest_export(export, store).to_dict()
    assert report["status"] == "refused"
    report.update(source=export.name, zone_given=None, token=uuid.uuid4().hex)
    item = {"name": export.name, "path": str(export), "error": report["error"], "token": report["token"],
            "evidence": report["zone_evidence"]}
    return report, item


def _start(store: Path, report: dict[str, object], item: dict[str, object], lang: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.session_state["_gigdata_store"] = str(store)
    at.session_state["lang"] = lang
    at.session_state[REPORTS_KEY] = [report]
    at.session_state[PENDING_KEY] = [item]
    return at.run()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_proposed_zone_is_selected_and_the_answer_replaces_the_question(
    tmp_path: Path, session_store: Path, lang: str
) -> None:
    report, item = _asked(tmp_path, session_store)
    at = _start(session_store, report, item, lang)
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox[0].value == "Europe/Zurich"  # coordinates in Lausanne, paid in CHF
    assert len(at.error) == 1  # the question's refused report
    at.button(key=f"tz-go-{item['token']}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]  # the red "run again with --tz" message is gone
    assert len(at.success) == 1
    lines = [m.value for m in at.markdown]
    chosen = text("start.zone.chosen", lang, zone="Europe/Zurich", why="").split("(")[0]
    [line] = [v for v in lines if v.startswith(chosen)]
    assert text("start.zone.fits.coordinates", lang, of="").strip() in line
    assert "CHF" in line
    assert "--tz" not in line


def test_a_zone_the_export_contradicts_is_refused_in_words_and_asked_again(
    tmp_path: Path, session_store: Path
) -> None:
    report, item = _asked(tmp_path, session_store)
    at = _start(session_store, report, item, "en")
    at.selectbox[0].set_value("Europe/Amsterdam")
    at.button(key=f"tz-go-{item['token']}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [e.value for e in at.error] == [
        "Europe/Amsterdam does not fit what the export says: the coordinates of the GPS positions lie in "
        "Europe/Zurich. Choose the zone where you worked."
    ]
    assert at.selectbox[0].value == "Europe/Zurich"  # asked again, the export's zone selected
