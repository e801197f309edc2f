"""The report read back: every headline figure, every parameter behind net pay, every sanction and every
file's SHA-256 of the store are in the PDF, with the uploaded file's name and the day it arrived; pages are
numbered "X of Y" and none is left almost empty; the DOCX and ODT hold the same text; `gigdata report`
writes the same report as the app's path.

Expected values come from the read layer (`Selection.metrics()`, the manifests), formatted by the same
Translator; the PDF is read with pdfplumber, the DOCX with python-docx, the ODT with odfdo.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import Path

import pdfplumber
import pytest
from typer.testing import CliRunner

from parsers.ingest import ingest_export
from toolkit.cli import app
from toolkit.i18n import Translator
from toolkit.report import compose, gather, headline_figures, render_report
from toolkit.samples import SAMPLE_ZONES
from toolkit.selection import Selection
from toolkit.store import list_manifests
from toolkit.words import kind_words, rule_words

SAMPLES = Path(__file__).resolve().parents[3] / "sample_exports"
CHOSEN = ("uber-sar-fr-2021", "deliveroo-invoices-en-GB", "wolt-courier-tasks-2021")
RECEIVED = date(2021, 3, 20)


def _zip(folder: Path, out: Path) -> Path:
    with zipfile.ZipFile(out, "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder.parent).as_posix())
    return out


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three samples uploaded as the app does: under a temporary name, with their real one given."""
    root = tmp_path_factory.mktemp("readback")
    target = root / "store"
    for name in CHOSEN:
        temp = _zip(SAMPLES / name, root / "dbec26a5e0f1.zip")
        report = ingest_export(temp, target, worker=name, tz=SAMPLE_ZONES.get(name),
                               source_name=f"{name}.zip", received=RECEIVED)
        assert report.status == "ingested", report.error
        temp.unlink()
    return target


def _pages(pdf: bytes) -> list[pdfplumber.page.Page]:
    return list(pdfplumber.open(io.BytesIO(pdf)).pages)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\xa0", " "))


def _text(pdf: bytes) -> str:
    return _flat("\n".join(page.extract_text() or "" for page in _pages(pdf)))


def _in_order(words: str, text: str) -> bool:
    """The words of `words` appear in `text` in order (a cell that wraps interleaves with its neighbours)."""
    tokens, at = [t.strip(".,;:") for t in text.split()], 0
    for word in (w.strip(".,;:") for w in _flat(words).split()):
        try:
            at = tokens.index(word, at) + 1
        except ValueError:
            return False
    return True


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("worker", CHOSEN)
def test_every_headline_figure_parameter_sanction_and_hash_is_in_the_pdf(store: Path, worker: str,
                                                                          lang: str) -> None:
    tr = Translator(lang)
    sel = Selection(store, worker)
    figures = sel.metrics()
    pdf = render_report(gather(sel, name="Awa Diallo"), lang)
    text = _text(pdf)
    for item in headline_figures(figures, tr):
        assert _in_order(item.label, text), item.label
        assert _flat(item.value) in text, (item.label, item.value)
    pay = figures["pay"]
    params = pay["parameters"]
    currency = pay["currency"]
    for key in ("earnings_total", "gross", "net", "vehicle_cost", "fixed_cost", "contributions"):
        if pay.get(key) is not None:
            assert _flat(tr.money(pay[key], currency)) in text, key
    if params.get("cost_per_km") is not None:
        assert _flat(tr.number(params["cost_per_km"], 3)) in text
        assert _flat(tr("report.pay.km_value", km=tr.number(pay["distance_km"], 1))) in text
        assert _in_order(params["cost_source"], text)
    if params.get("contribution_rate") is not None:
        assert _flat(tr.percent(params["contribution_rate"], 1)) in text
        assert _flat(tr.money(params["contribution_base"], currency)) in text
    wage = params["minimum_wage"]
    for entry in wage["rates"]:
        assert _flat(tr("report.pay.entry", value=tr.money(entry["value"], currency),
                        start=tr.date(entry["from"]),
                        status=tr(f"report.pay.status.{entry['status']}"))) in text
    if wage["source"]:
        assert _in_order(wage["source"], text)
    timeline = sel.figure("sanctions_timeline")["timeline"]
    for row in [] if timeline is None else timeline.itertuples():
        assert _in_order(f"{kind_words(row.kind, tr)} {rule_words(row.rule, tr)}", text)
    assert "Awa Diallo" in text
    solid = re.sub(r"\s+", "", text)
    manifests = [m for m in list_manifests(store) if m["worker_id"] == worker]
    assert manifests
    for manifest in manifests:
        assert manifest["sha256"] in solid
        assert f"{worker}.zip" in text and "dbec26a5e0f1" not in text  # the uploaded name, not the temp one
        assert _flat(tr.date(RECEIVED)) in text
        for item in manifest["files"]:
            if item.get("sha256"):
                assert item["sha256"] in solid, item["path"]


def test_pages_are_numbered_x_of_y_and_none_is_almost_empty(store: Path) -> None:
    pdf = render_report(gather(Selection(store, "uber-sar-fr-2021")), "fr")
    pages = _pages(pdf)
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert f"page {number} sur {len(pages)}" in (page.extract_text() or "")
        assert "gigdata 0.1.0" in (page.extract_text() or "")
        body = [c["bottom"] for c in page.chars if c["bottom"] < page.height - 45]  # above the footer
        if number < len(pages):
            assert max(body) > 0.6 * page.height, f"page {number} ends at {max(body):.0f}"


def test_the_report_cites_no_file_of_the_project(store: Path) -> None:
    for lang in ("fr", "en"):
        text = _text(render_report(gather(Selection(store, "uber-sar-fr-2021")), lang))
        assert "methods.md" not in text and "§" not in text
        assert "utc_column" not in text and "consecutiveReject" not in text


def _docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return _flat("\n".join(parts))


def _odt_text(data: bytes, tmp: Path) -> str:
    from odfdo import Document

    path = tmp / "report.odt"
    path.write_bytes(data)
    body = Document(path).body
    parts = [p.text_recursive for p in body.get_paragraphs()] + [h.text_recursive for h in body.get_headers()]
    parts += [str(cell.value) for table in body.get_tables() for cell in table.get_cells(flat=True)]
    return _flat("\n".join(parts))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_docx_and_the_odt_hold_every_text_of_the_pdf(store: Path, lang: str, tmp_path: Path) -> None:
    content = gather(Selection(store, "uber-sar-fr-2021"), name="Awa Diallo")
    expected = [_flat(t) for t in compose(content, Translator(lang)).texts()]
    pdf, docx_text = _text(render_report(content, lang)), _docx_text(render_report(content, lang, "docx"))
    odt_text = _odt_text(render_report(content, lang, "odt"), tmp_path)
    assert len(expected) > 100
    for piece in expected:
        assert piece in docx_text, piece
        assert piece in odt_text, piece
        assert _in_order(piece, pdf), piece


def test_the_command_line_writes_the_apps_report(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    result = CliRunner().invoke(app, ["report", "--store", str(store), "--worker", "uber-sar-fr-2021",
                                      "--lang", "fr", "--out", str(out), "--name", "Awa Diallo"])
    assert result.exit_code == 0, result.output
    app_side = render_report(gather(Selection(store, "uber-sar-fr-2021"), name="Awa Diallo"), "fr")
    assert _text(out.read_bytes()) == _text(app_side)
    for fmt in ("docx", "odt"):
        result = CliRunner().invoke(app, ["report", "--store", str(store), "--worker", "uber-sar-fr-2021",
                                          "--out", str(tmp_path / "r.x"), "--format", fmt])
        assert result.exit_code == 0, result.output
        assert zipfile.is_zipfile(tmp_path / "r.x")
    result = CliRunner().invoke(app, ["report", "--store", str(store), "--out", str(tmp_path / "r.txt")])
    assert result.exit_code == 2 and "not one of pdf, docx, odt" in result.output


def test_a_period_cut_by_the_command_line_is_the_reports_period(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "cut.pdf"
    result = CliRunner().invoke(app, ["report", "--store", str(store), "--worker", "uber-sar-fr-2021",
                                      "--from", "2021-02-08", "--to", "2021-02-14", "--lang", "en",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    figures = Selection(store, "uber-sar-fr-2021", start=date(2021, 2, 8), end=date(2021, 2, 14)).metrics()
    text = _text(out.read_bytes())
    tr = Translator("en")
    assert _flat(tr("report.pdf.period", start=tr.date("2021-02-08"), end=tr.date("2021-02-14"))) in text
    assert _flat(tr.hours(figures["time"]["logged_in_h"])) in text


def test_an_unwritable_out_file_is_a_clear_message(store: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_bytes(b"not a folder")
    result = CliRunner().invoke(app, ["report", "--store", str(store), "--worker", "uber-sar-fr-2021",
                                      "--out", str(blocker / "r.pdf")])
    assert result.exit_code == 2 and "cannot write" in result.output
    assert blocker.read_bytes() == b"not a folder"
