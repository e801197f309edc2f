"""The mapping page, run alone with AppTest on a synthetic export of a made-up layout.

AppTest cannot upload a file nor edit a `st.data_editor`: the export's zip is handed to the page as an
upload leaves it (its path in the session), and the proposed mappings are taken as proposed. The page is
not yet in app.py's navigation, so it is run as its own script.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from parsers.profiles import load_profile
from tests.parsers.test_profiles import csv_file, json_file, xlsx_file

PAGE = Path(__file__).resolve().parents[2] / "pages" / "mapping.py"
ZIP_KEY = "_gigdata_mapping_zip"


@pytest.fixture
def export(tmp_path: Path) -> Path:
    out = tmp_path / "export.zip"
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("export/courier_deliveries.csv", csv_file())
        archive.writestr("export/courier_payouts.xlsx", xlsx_file())
        archive.writestr("export/courier_sessions.json", json_file())
        archive.writestr("export/contract.pdf", b"%PDF-1.4\n")
    return out


@pytest.fixture
def profiles(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    folder = tmp_path / "profiles"
    monkeypatch.setenv("GIGDATA_PROFILES", str(folder))
    return folder


def run_page(export: Path, lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(PAGE), default_timeout=60)
    at.session_state[ZIP_KEY] = str(export)
    at.session_state["lang"] = lang
    return at.run()


def test_without_an_export_the_page_asks_for_one() -> None:
    at = AppTest.from_file(str(PAGE), default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "Map an unknown export" and not at.dataframe


def test_the_page_lists_the_files_and_proposes_a_mapping(export: Path, profiles: Path) -> None:
    at = run_page(export)
    assert not at.exception, [e.value for e in at.exception]
    listed = at.dataframe[0].value
    assert listed["File"].tolist() == ["export/contract.pdf", "export/courier_deliveries.csv",
                                      "export/courier_payouts.xlsx", "export/courier_sessions.json"]
    assert [at.toggle(key=f"map-{i}-use").value for i in range(4)] == [False, True, True, True]
    tables = [at.selectbox(key=f"map-{i}-table").value for i in (1, 2, 3)]
    assert tables == ["jobs", "earnings", "status_segments"]
    assert at.text_input(key="map-1-tf").value == "%d/%m/%Y %H:%M"
    assert at.selectbox(key="map-1-decimal").value == ","
    assert at.text_input(key="map-3-records").value == "sessions"
    warning = " ".join(m.value for m in at.markdown)
    for key in ("profile.platform", "profile.source", "files[0].constants"):
        assert f"`{key}`" in warning
    assert not at.button  # nothing to save while the profile is incomplete


def test_a_completed_profile_is_previewed_and_saved(export: Path, profiles: Path) -> None:
    at = run_page(export)
    at.text_input(key="map-name").set_value("my-courier-2024")
    at.text_input(key="map-platform").set_value("my-courier")
    at.text_area(key="map-source").set_value("written from a synthetic export made by the test")
    at.selectbox(key="map-zone").set_value("Europe/Paris")
    at.selectbox(key="map-1-jobs-const-kind").set_value("delivery")
    at.text_input(key="map-2-earnings-const-currency").set_value("EUR")
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.exception]
    assert "Rows per table: jobs 2, earnings 3, status_segments 2" in [m.value for m in at.markdown]
    outcomes = next(d.value for d in at.dataframe if "Outcome" in d.value.columns)
    assert outcomes.set_index("File")["Outcome"].to_dict() == {
        "export/contract.pdf": "ignored", "export/courier_deliveries.csv": "parsed",
        "export/courier_payouts.xlsx": "parsed", "export/courier_sessions.json": "parsed"}
    at.button(key="map-save").click().run()
    assert [s.value for s in at.success] == ["Saved as my-courier-2024.toml."]
    saved = load_profile(profiles / "my-courier-2024.toml")
    assert (saved.platform, saved.timezone) == ("my-courier", "Europe/Paris")
    assert saved.source == "written from a synthetic export made by the test"
    assert saved.files[0].values["status"] == {"Livrée": "completed",
                                               "annulée par le client": "cancelled_by_customer"}
    at.button(key="map-save").click().run()
    assert "already exists" in at.warning[0].value


def test_the_page_speaks_french(export: Path, profiles: Path) -> None:
    at = run_page(export, lang="fr")
    assert not at.exception
    assert at.title[0].value == "Décrire un export inconnu"
    assert at.toggle(key="map-1-use").label == "Lire ce fichier"
