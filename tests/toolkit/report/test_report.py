"""The PDF report is a readable PDF holding the figures, the methodology and every file's SHA-256."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from pathlib import Path

import pdfplumber
import pytest

from parsers.ingest import ingest_export
from toolkit.metrics import metrics
from toolkit.report import EMPTY_FIGURES, ReportContent, build_report, render_report
from toolkit.samples import write_sample


def _text(pdf: bytes) -> str:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return "\n".join(page.extract_text() or "" for page in document.pages)


@pytest.fixture(scope="module")
def export_and_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("report")
    export = root / "uber.zip"
    write_sample("uber", export, days=21, seed=3)
    store = root / "store"
    assert ingest_export(export, store, worker="me").status == "ingested"
    return export, store


@pytest.mark.parametrize(
    ("lang", "title"),
    [("en", "What the platform's algorithm did"), ("fr", "Ce que l'algorithme de la plateforme a fait")],
)
def test_an_empty_report_is_a_readable_pdf_in_each_language(lang: str, title: str) -> None:
    text = _text(render_report(ReportContent(figures=EMPTY_FIGURES, manifests=[]), lang))
    assert title in text
    assert "—" in text  # unknown figures are shown as unknown


def test_the_report_lists_the_sha256_of_the_export_and_of_each_file(
    export_and_store: tuple[Path, Path],
) -> None:
    export, store = export_and_store
    text = _text(build_report(store, worker="me", lang="en"))
    assert hashlib.sha256(export.read_bytes()).hexdigest() in text
    with zipfile.ZipFile(export) as archive:
        for info in archive.infolist():
            if not info.is_dir():
                assert hashlib.sha256(archive.read(info)).hexdigest() in text, info.filename


def test_the_report_shows_the_metrics_of_the_store(export_and_store: tuple[Path, Path]) -> None:
    _, store = export_and_store
    expected = metrics(store, worker="me")
    text = _text(build_report(store, worker="me", lang="fr"))
    line = next(row for row in text.splitlines() if row.startswith("Heures de connexion"))
    shown = re.search(r"([\d\s\u202f]+,\d) h", line)
    assert shown is not None, line
    value = float(shown.group(1).replace("\u202f", "").replace(" ", "").replace(",", "."))
    assert value == pytest.approx(expected["time"]["logged_in_h"], abs=0.05)
    assert "6. Comment les chiffres ont été calculés" in text and "7. Les fichiers analysés" in text


def test_file_names_are_printed_as_plain_text() -> None:
    manifest = {
        "source": "<script>alert(1)</script>.zip",
        "sha256": "0" * 64,
        "platform": "uber",
        "layout": "x",
        "files": [{"path": "<img src=http://127.0.0.1/x>", "status": "parsed", "sha256": "1" * 64}],
    }
    text = _text(render_report(ReportContent(figures=EMPTY_FIGURES, manifests=[manifest]), "en"))
    assert "<script>alert(1)</script>.zip" in text
    assert "<img src=http://127.0.0.1/x>" in text
