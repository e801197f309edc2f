"""The app's production settings (security.md §0.10, §1C C4, §2 S1/S7/S8)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

CONFIG = Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml"


def test_production_settings() -> None:
    config = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["maxUploadSize"] == 200
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["enableCORS"] is True
    assert config["server"]["headless"] is True
    assert config["server"]["address"] == "127.0.0.1"


def test_streamlit_reads_these_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    import streamlit.config as st_config

    monkeypatch.chdir(CONFIG.parent.parent)  # Streamlit reads .streamlit/ of the folder it runs in
    st_config.get_config_options(force_reparse=True, options_from_flags={})
    try:
        assert st_config.get_option("client.showErrorDetails") == "none"
        assert st_config.get_option("browser.gatherUsageStats") is False
    finally:
        st_config.get_config_options(force_reparse=True)
