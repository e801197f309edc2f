"""Deliveroo invoices: text goldens, each language generated and parsed back, one timeline from several
invoices, and hostile PDFs that must end in a clean IngestError without touching the parent's memory."""

from __future__ import annotations

import re
import resource
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from fpdf import FPDF

import parsers.deliveroo as roo
from parsers.base import ParseContext
from parsers.deliveroo.invoice import parse_invoice, parse_money
from parsers.deliveroo.sandbox import PdfLimits, read_pdf, read_pdfs
from parsers.deliveroo.tables import invoice_frames
from tests.parsers.conftest import BytesMember, lenient_ctx, strict_ctx, tables, ts
from toolkit.errors import IngestError
from toolkit.samples import deliveroo as sample
from toolkit.samples.deliveroo import LANGUAGES, write_deliveroo_sample

ROOT = Path(__file__).resolve().parents[2]

# The text of the en-GB invoice in iwgb/roo-invoice-parser's test fixture (tests/market/en-GB.json), one
# text item per line as pdf.js gave it; its own figures do not add up (20.00 + 0.50 is not 19.50).
ROO_EN_GB = ["Roofoods Limited", "1 Cousin Lane", "London, United Kingdom EC4R 3TE",
             "Company Number: 08167130",
             "Payment for Services Rendered: 06 January 2020 - 12 January 2020",
             "Services Rendered: Restaurant Food and Beverage Delivery", "Pay to: Test Rider",
             "Invoice Date: 31 January 2020", "Services provided - 06 January 2020 - 12 January 2020",
             "Day Date Time In Time Out Session Duration Orders Delivered Total",
             "Monday 06 January 2020 20:00 20:43 0.7h 1: £10.00 £10.00",
             "Tuesday 07 January 2020 20:00 00:01 4.5h 1: £10.00 £10.00",
             "Fee Adjustments", "Category", "Note", "Amount",
             "BONUS INCENTIVE Fee boost incentive 06/01/2020 - £0.50", "07/01/2020",
             "Total Adjustments £0.50", "Summary", "Drop Fees £20.00", "Adjustments £0.50", "Total £19.50"]


@dataclass
class FolderExport:
    """An unpacked export (what `prepare` needs of `toolkit.archive.Export`)."""

    members: Sequence[BytesMember]


def export_of(folder: Path) -> FolderExport:
    return FolderExport([BytesMember(p.relative_to(folder).as_posix(), p.read_bytes())
                         for p in sorted(folder.rglob("*")) if p.is_file()])


def ingest(export: FolderExport, ctx: ParseContext,
           limits: PdfLimits | None = None) -> dict[str, pd.DataFrame]:
    """prepare + every PDF's handler, conformed per table, with each row's source file."""
    roo.prepare(export, ctx, limits)
    out: dict[str, list[pd.DataFrame]] = {}
    for member in export.members:
        for table, frame in tables(roo.parse_invoice_pdf(member, ctx)).items():
            out.setdefault(table, []).append(frame.assign(source_file=member.path))
    return {t: pd.concat(f, ignore_index=True) for t, f in out.items()}


def same_rows(got: pd.DataFrame, want: pd.DataFrame, what: str) -> None:
    got = got[list(want.columns)].sort_values(["source_file", "source_row"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want, check_dtype=False, obj=what)


def pdf_bytes(lines: list[str], owner: str | None = None, user: str | None = None) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=9)
    for i, line in enumerate(lines):
        pdf.set_xy(10, 10 + 6 * i)
        pdf.cell(150, 5, line)
    if owner is not None:
        pdf.set_encryption(owner_password=owner, user_password=user)
    return bytes(pdf.output())


# ---- text goldens ----------------------------------------------------------------------------------

def test_roo_en_gb_fixture_text() -> None:
    invoice = parse_invoice([(1, ROO_EN_GB)])
    assert invoice.market is not None and invoice.market.code == "GB" and invoice.language == "en"
    assert (str(invoice.period_start), str(invoice.period_end), invoice.period_position) == (
        "2020-01-06", "2020-01-12", 1005)
    assert [(s.position, str(s.start), str(s.end), s.orders, s.pay) for s in invoice.sessions] == [
        (1011, "2020-01-06 20:00:00", "2020-01-06 20:43:00", 1, 10.0),
        (1012, "2020-01-07 20:00:00", "2020-01-08 00:01:00", 1, 10.0)]  # Time Out < Time In: next day
    [bonus] = invoice.adjustments
    assert (bonus.category, bonus.note, bonus.amount, str(bonus.first_day)) == (
        "BONUS INCENTIVE", "Fee boost incentive 06/01/2020 - 07/01/2020", 0.5, "2020-01-06")
    assert [(s.key, s.amount) for s in invoice.summary] == [("drop_fees", 20.0), ("adjustments", 0.5),
                                                            ("total", 19.5)]
    ctx = lenient_ctx("invoice-pdf", "deliveroo")
    frames = invoice_frames(invoice, "a.pdf", ctx)
    assert [(i.kind, i.row, i.column) for i in ctx.issues.issues] == [("total_mismatch", 1023, "Total")]
    earnings = frames["earnings"]
    assert earnings[["amount", "category", "classification"]].values.tolist() == [
        [10.0, "fare", "deliveroo.session"], [10.0, "fare", "deliveroo.session"],
        [0.5, "incentive", "BONUS INCENTIVE"]]
    assert earnings["earned_at"].tolist() == [ts("2020-01-06 20:00"), ts("2020-01-07 20:00"),
                                              ts("2020-01-06")]
    statement = frames["statements"][["period_start", "period_end", "issuer", "total", "currency"]]
    assert statement.values.tolist() == [
        [ts("2020-01-06"), ts("2020-01-13"), "Roofoods Limited", 19.5, "GBP"]]
    assert ctx.tz_decisions[0].zone == "Europe/London" and ctx.tz_decisions[0].source == "export"
    assert "Roofoods Limited" in ctx.tz_decisions[0].detail


@pytest.mark.parametrize(("text", "values"), [
    ("1: £10.00 £10.00", [(10.0, "GBP"), (10.0, "GBP")]),
    ("Transaction fee -£0.50", [(-0.5, "GBP")]),
    ("Transaction fee £-0.50", [(-0.5, "GBP")]),
    ("06/01/2020 - £0.50", [(0.5, "GBP")]),  # a date range's dash is not a minus sign
    ("Pourboires 12,50 €", [(12.5, "EUR")]),
    ("Total TTC 1 234,56 €", [(1234.56, "EUR")]),
    ("Drop Fees $1,234.50", [(1234.5, "AUD")]),
    ("0.7h 20:43 2020 Company Number: 08167130", []),
])
def test_money_forms(text: str, values: list[tuple[float, str]]) -> None:
    assert [(m.value, m.currency) for m in parse_money(text)] == values


def test_transaction_fee_printed_positive_is_deducted_when_the_total_says_so() -> None:
    lines = ["Roofoods Limited", "Payment for Services Rendered: 06 January 2020 - 12 January 2020",
             "Monday 06 January 2020 20:00 21:00 1.0h 2: £9.00 £9.00", "Summary", "Drop Fees £9.00",
             "Transaction fee £0.50", "Total £8.50"]
    ctx = strict_ctx("invoice-pdf", "deliveroo")
    earnings = invoice_frames(parse_invoice([(1, lines)]), "a.pdf", ctx)["earnings"]
    assert earnings[["amount", "category"]].values.tolist() == [[9.0, "fare"], [-0.5, "fee"]]


def test_unknown_summary_label_is_an_issue_not_pay() -> None:
    lines = ["Deliveroo Belgium sprl", "Services provided - 04 January 2021 - 17 January 2021", "Summary",
             "Drop Fees €0.00", "Mystery line €3.00", "Total €0.00"]
    ctx = lenient_ctx("invoice-pdf", "deliveroo")
    frames = invoice_frames(parse_invoice([(1, lines)]), "b.pdf", ctx)
    assert frames["earnings"].empty
    assert [(i.kind, i.row) for i in ctx.issues.issues] == [("unknown_label", 1005)]
    assert '"Mystery line": "€3.00"' in frames["statements"]["extra"].iloc[0]


# ---- each language, generated and parsed back ------------------------------------------------------

@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_gives_back_the_simulated_truth(language: str, tmp_path: Path) -> None:
    truth = write_deliveroo_sample(tmp_path / language, language, invoices=2, seed=11)
    ctx = strict_ctx("invoice-pdf", "deliveroo")
    got = ingest(export_of(tmp_path / language), ctx)
    assert set(got) == set(truth) == {"statements", "earnings", "status_segments"}
    for table, want in truth.items():
        same_rows(got[table], want, f"{language}/{table}")
    zone = sample.STYLES[language].zone
    assert {(d.zone, d.source) for d in ctx.tz_decisions} == {(zone, "export")}
    assert (got["status_segments"]["state"] == "online").all()


def test_multi_page_invoices_keep_page_positions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sample, "LINES_PER_PAGE", 12)
    truth = write_deliveroo_sample(tmp_path / "fr", "fr-FR", invoices=1, seed=3)
    assert truth["earnings"]["source_row"].max() > 3000  # the summary is on the third page or later
    got = ingest(export_of(tmp_path / "fr"), strict_ctx("invoice-pdf", "deliveroo"))
    for table, want in truth.items():
        same_rows(got[table], want, table)


def test_several_invoices_make_one_timeline_and_a_repeated_one_counts_once(tmp_path: Path) -> None:
    truth = write_deliveroo_sample(tmp_path / "gb", "en-GB", invoices=3, seed=5)
    got = ingest(export_of(tmp_path / "gb"), strict_ctx("invoice-pdf", "deliveroo"))
    periods = got["statements"].sort_values("period_start")
    assert (periods["period_end"].iloc[:-1].to_numpy() == periods["period_start"].iloc[1:].to_numpy()).all()
    segments = got["status_segments"].sort_values("start_at").reset_index(drop=True)
    assert (segments["end_at"] > segments["start_at"]).all()
    assert (segments["end_at"].iloc[:-1].to_numpy() <= segments["start_at"].iloc[1:].to_numpy()).all()
    assert len(segments) == len(truth["status_segments"])
    first = sorted((tmp_path / "gb").rglob("*.pdf"))[0]
    (first.parent / "copy of the first invoice.pdf").write_bytes(first.read_bytes())
    ctx = lenient_ctx("invoice-pdf", "deliveroo")
    again = ingest(export_of(tmp_path / "gb"), ctx)
    assert len(again["status_segments"]) == len(segments) and len(again["statements"]) == 3
    assert [i.kind for i in ctx.issues.issues] == ["duplicate_invoice"]


def test_australian_invoice_takes_the_users_zone(tmp_path: Path) -> None:
    write_deliveroo_sample(tmp_path / "au", "en-AU", invoices=1, seed=2)
    plain = ingest(export_of(tmp_path / "au"), strict_ctx("invoice-pdf", "deliveroo"))
    ctx = strict_ctx("invoice-pdf", "deliveroo", user_tz="Australia/Perth")
    perth = ingest(export_of(tmp_path / "au"), ctx)
    shift = perth["status_segments"]["start_at"] - plain["status_segments"]["start_at"]
    assert {(d.zone, d.source) for d in ctx.tz_decisions} == {("Australia/Perth", "user")}
    assert set(shift) <= {pd.Timedelta(hours=2), pd.Timedelta(hours=3)}  # Sydney's DST, not Perth's


def test_british_invoice_keeps_its_market_zone_and_notes_the_ignored_tz(tmp_path: Path) -> None:
    write_deliveroo_sample(tmp_path / "gb", "en-GB", invoices=1, seed=2)
    ctx = strict_ctx("invoice-pdf", "deliveroo", user_tz="Europe/Paris")
    ingest(export_of(tmp_path / "gb"), ctx)
    assert ctx.export_tz == "Europe/London"
    assert all(d.zone == "Europe/London" and "--tz Europe/Paris was not used" in d.detail
               for d in ctx.tz_decisions)


def test_detection_needs_a_deliveroo_issuer_in_the_text() -> None:
    found = roo.detect(["invoices/a.pdf", "notes.txt"])
    assert found is not None and (found.platform, found.layout) == ("deliveroo", "invoice-pdf")
    assert roo.detect(["courier_tasks.csv"]) is None
    holiday = pdf_bytes(["Hotel booking 12 March 2021", "Total 80.00"])
    other = FolderExport([BytesMember("holiday.pdf", holiday)])
    with pytest.raises(IngestError) as caught:
        roo.prepare(other, strict_ctx("invoice-pdf", "deliveroo"))
    assert caught.value.kind == "unknown_platform"


# ---- hostile PDFs ----------------------------------------------------------------------------------

def flate_bomb(mib: int) -> bytes:
    """A PDF whose one content stream is `mib` MiB of spaces, deflated twice (/FlateDecode twice)."""
    chunk = b" " * (1 << 20)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)  # repeatable: the window is reset
    tail = packer.flush(zlib.Z_FINISH)
    check = 1
    for _ in range(mib):
        check = zlib.adler32(chunk, check)
    inner = b"\x78\xda" + piece * mib + tail + check.to_bytes(4, "big")
    stream = zlib.compress(inner, 9)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
               b"<< /Length %d /Filter [/FlateDecode /FlateDecode] >>\nstream\n" % len(stream) + stream
               + b"\nendstream"]
    return pdf_of(objects)


def pdf_of(objects: list[bytes]) -> bytes:
    """A PDF file holding `objects` as objects 1, 2, … (object 1 the catalog), with its cross-reference
    table written by hand, so a test can give it content no PDF library would write."""
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_flate_bomb_is_stopped_in_the_child_within_seconds() -> None:
    bomb = flate_bomb(1280)  # 1.25 GiB once inflated, from a few kB; the child may use 1 GiB
    assert len(bomb) < 20_000
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    started = time.monotonic()
    with pytest.raises(IngestError) as caught:
        read_pdf(bomb, "invoices/bomb.pdf")
    assert time.monotonic() - started < 20
    assert caught.value.kind == "too_large" and caught.value.member == "invoices/bomb.pdf"
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before < 50 * 1024


def test_bomb_in_an_upload_refuses_the_upload(tmp_path: Path) -> None:
    write_deliveroo_sample(tmp_path / "up", "en-IE", invoices=1, seed=1)
    (tmp_path / "up" / "zz.pdf").write_bytes(flate_bomb(400))
    small = PdfLimits(memory_bytes=256 << 20)  # the same guard, tighter, to keep the test fast
    with pytest.raises(IngestError) as caught:
        ingest(export_of(tmp_path / "up"), lenient_ctx("invoice-pdf", "deliveroo"), small)
    assert caught.value.kind == "too_large" and caught.value.member == "zz.pdf"


@pytest.mark.parametrize(("name", "kind"), [("garbage", "unreadable"), ("truncated", "unreadable"),
                                            ("encrypted", "encrypted"), ("html", "wrong_type")])
def test_broken_pdfs_give_a_clean_error(name: str, kind: str) -> None:
    good = pdf_bytes(["Roofoods Limited", "Summary", "Total £1.00"])
    data = {"garbage": b"%PDF-1.7\n" + bytes(range(256)) * 40, "truncated": good[: len(good) // 2],
            "encrypted": pdf_bytes(["Roofoods Limited"], owner="o", user="u"),
            "html": b"<html><body>Session expired</body></html>"}[name]
    started = time.monotonic()
    with pytest.raises(IngestError) as caught:
        read_pdf(data, f"{name}.pdf")
    assert caught.value.kind == kind and time.monotonic() - started < 15
    assert "Roofoods" not in caught.value.detail  # the message never quotes the file


def test_owner_password_alone_does_not_stop_reading() -> None:
    pages = read_pdf(pdf_bytes(["Roofoods Limited"], owner="o"), "a.pdf")
    assert pages[0].lines == ("Roofoods Limited",)


def test_no_pdf_repair_mode_anywhere() -> None:
    sources = [p for folder in ("parsers", "toolkit") for p in (ROOT / folder).rglob("*.py")]
    assert sources
    assert [p for p in sources if re.search(r"repair\s*=\s*True", p.read_text("utf-8"))] == []


@pytest.mark.parametrize(("limits", "why"), [(PdfLimits(wall_seconds=0.001), "took more than"),
                                             (PdfLimits(max_pages=1), "more than 1 pages")])
def test_wall_clock_and_page_limits(limits: PdfLimits, why: str) -> None:
    pdf = FPDF()
    for _ in range(2):
        pdf.add_page()
    with pytest.raises(IngestError) as caught:
        read_pdf(bytes(pdf.output()), "two-pages.pdf", limits)
    assert caught.value.kind == "too_large" and why in caught.value.detail


def test_overlapping_sessions_of_two_invoices_are_reported(tmp_path: Path) -> None:
    head = ["Roofoods Limited", "Payment for Services Rendered: 04 January 2021 - 17 January 2021"]
    tail = ["Summary", "Drop Fees £9.00", "Total £9.00"]
    first = head + ["Monday 04 January 2021 18:00 20:00 2.0h 2: £9.00 £9.00"] + tail
    second = head + ["Monday 04 January 2021 19:30 21:00 1.5h 2: £9.00 £9.00"] + tail
    export = FolderExport([BytesMember("a.pdf", pdf_bytes(first)), BytesMember("b.pdf", pdf_bytes(second))])
    ctx = lenient_ctx("invoice-pdf", "deliveroo")
    got = ingest(export, ctx)
    assert len(got["status_segments"]) == 2
    assert [(i.file, i.kind, i.row) for i in ctx.issues.issues] == [("b.pdf", "overlapping_session", 1003)]


def test_a_years_invoices_are_read_whole_by_one_child_and_a_bad_one_fails_alone(tmp_path: Path) -> None:
    write_deliveroo_sample(tmp_path / "up", "en-GB", invoices=1, seed=3)
    invoice = next((tmp_path / "up").rglob("*.pdf")).read_bytes()
    bomb = flate_bomb(400)
    items = [(f"{n:02d}.pdf", lambda: invoice) for n in range(52)]  # a year of weekly invoices
    items.insert(20, ("bomb.pdf", lambda: bomb))
    got = read_pdfs(items, PdfLimits(memory_bytes=256 << 20))
    failed = {name: value.kind for name, value in got.items() if isinstance(value, IngestError)}
    assert failed == {"bomb.pdf": "too_large"}  # the ones after it were read by a new child
    assert all(got[name][0].lines == got["00.pdf"][0].lines for name, _ in items if name != "bomb.pdf")
