"""Deliveroo rider invoices (PDF) -> `statements`, `earnings`, `status_segments`.

What is read: the fortnightly self-billing invoices that riders download from the rider app or find
attached to an access-request answer, from the six markets whose invoices the reference describes
(`../shared/reference/export-formats.md` §4.1: UK, Ireland, Australia and Belgium in English, France in
French, the Netherlands in Dutch). Deliveroo's access-request files themselves are not publicly known
(§4.2, §16.1), so nothing else is parsed. The labels per language, and which of them are guesses, are
in `labels.py` and `docs/deliveroo-wolt-mapping.md`; the text is read in a resource-limited child
process (`sandbox.py`), so a hostile PDF cannot take the machine down.

Detection: `detect` only sees file names, so it claims any export holding PDF files (the registry tries
it after every other platform); `prepare` then reads every PDF and confirms from their text that they are
invoices issued by a Deliveroo company, or refuses the export (`unknown_platform`). Several invoices in
one upload make one timeline: an invoice repeated in the upload, or a session that two invoices both
bill, is counted once (a `duplicate_invoice` / `duplicate_session` issue says so); a partial overlap
is reported (`overlapping_session`).

Example:
    >>> detect(["invoices/2020-01-06.pdf", "invoices/notes.txt"]).layout
    'invoice-pdf'
    >>> detect(["courier_tasks.csv"]) is None
    True
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from parsers.base import Batch, Detection, Member, ParseContext, Rule, Signature
from parsers.deliveroo.invoice import Invoice, parse_invoice
from parsers.deliveroo.sandbox import PdfLimits, PdfPage, read_pdf, read_pdfs
from parsers.deliveroo.tables import invoice_frames
from toolkit.errors import IngestError

PLATFORM = "deliveroo"
PLATFORMS = (PLATFORM,)
LAYOUT = "invoice-pdf"
SIGNATURES: tuple[Signature, ...] = ()
"""Invoices are PDFs, known by their text (`prepare`), not by a CSV header."""
WORK_DATA = ("Ask Deliveroo for your data as a rider (GDPR Art. 15), and download your fortnightly "
             "invoices (PDF) from the rider app.")
MAX_INVOICES = 1000
"""More PDFs than 40 years of fortnightly invoices is not a rider's upload."""
_FACTS = "deliveroo.invoices"


class Export(Protocol):
    """What `prepare` needs of an opened export (`toolkit.archive.Export`)."""

    members: Sequence[Member]


@dataclass(frozen=True)
class ReadInvoice:
    """One PDF of the upload, read: its invoice, or why it could not be read, and what to leave out."""

    invoice: Invoice | None
    error: IngestError | None = None
    skip: frozenset[int] = frozenset()
    duplicate_of: str | None = None


def detect(paths: list[str]) -> Detection | None:
    """Deliveroo when the export holds PDF files (confirmed from their text by `prepare`).

    Example:
        >>> detect(["a.PDF"]).evidence
        ('1 PDF file(s), confirmed as Deliveroo invoices from the issuer named in their text',)
    """
    pdfs = [p for p in paths if p.lower().endswith(".pdf")]
    if not pdfs:
        return None
    return Detection(PLATFORM, LAYOUT, (f"{len(pdfs)} PDF file(s), confirmed as Deliveroo invoices from the "
                                        "issuer named in their text",))


def prepare(export: Export, ctx: ParseContext, limits: PdfLimits | None = None) -> None:
    """Read every PDF once, confirm the upload holds Deliveroo invoices, find repeated invoices and
    sessions, and state the export's zone when every invoice names the same market.

    Raises `IngestError("unknown_platform")` when no PDF is a Deliveroo invoice (or the error of the
    only PDFs, e.g. `encrypted`, when none could be read).

    Example:
        >>> class E:
        ...     members = []
        >>> prepare(E(), ParseContext("deliveroo", LAYOUT))
        Traceback (most recent call last):
        ...
        toolkit.errors.IngestError: PDF files: no PDF of this export names a Deliveroo company ...
    """
    members = sorted((m for m in export.members if m.path.lower().endswith(".pdf")), key=lambda m: m.path)
    if len(members) > MAX_INVOICES:
        raise IngestError("too_large", f"{len(members)} PDF files",
                          f"more than {MAX_INVOICES} PDF files; this is not one rider's invoices")
    pages = read_pdfs([(m.path, m.read_bytes) for m in members], limits)
    read = {m.path: _invoice_of(m.path, pages[m.path], ctx) for m in members}
    confirmed = [r.invoice for r in read.values() if r.invoice is not None and r.invoice.market is not None]
    if not confirmed:
        errors = [r.error for r in read.values() if r.error is not None and r.error.kind != "schema_mismatch"]
        if errors:  # PDFs that could not be read at all (locked, hostile, damaged) say why
            raise errors[0]
        raise IngestError("unknown_platform", "PDF files", "no PDF of this export names a Deliveroo "
                          "company as its issuer (Roofoods Limited, Deliveroo France SAS…); they are not "
                          "rider invoices")
    _one_timeline(read, ctx)
    markets = {inv.market for inv in confirmed if inv.market is not None}
    if len(markets) == 1 and not (market := markets.pop()).zone_note:
        ctx.export_tz = market.zone
        ctx.export_tz_evidence = f"every invoice is issued by {market.issuer} (market {market.code})"
    ctx.facts[_FACTS] = read


def read_invoice(member: Member, ctx: ParseContext, limits: PdfLimits | None = None) -> ReadInvoice:
    """Read one PDF member into an invoice; an unreadable PDF gives its `IngestError` (not raised).

    Example:
        >>> class M:
        ...     path, size = "x.pdf", 3
        ...     def read_bytes(self): return b"abc"
        >>> read_invoice(M(), ParseContext("deliveroo", "invoice-pdf")).error.kind
        'wrong_type'
    """
    try:
        pages: list[PdfPage] | IngestError = read_pdf(member.read_bytes(), member.path, limits)
    except IngestError as exc:
        pages = exc
    return _invoice_of(member.path, pages, ctx)


def _invoice_of(path: str, pages: list[PdfPage] | IngestError, ctx: ParseContext) -> ReadInvoice:
    """The invoice a PDF's pages hold (or the error that kept them from being read)."""
    if isinstance(pages, IngestError):
        return ReadInvoice(None, pages)

    def problem(kind: str, detail: str, position: int | None, column: str | None) -> None:
        ctx.issue(path, kind, detail, row=position, column=column)

    invoice = parse_invoice([(p.number, p.lines) for p in pages], problem)
    if not invoice.looks_like_invoice():
        return ReadInvoice(None, IngestError("schema_mismatch", path, "this PDF is not a Deliveroo "
                                             "rider invoice (no issuer, period or session rows found)"))
    return ReadInvoice(invoice)


def parse_invoice_pdf(member: Member, ctx: ParseContext) -> Iterator[Batch]:
    """Handler: one invoice PDF -> its statement, lines of pay and sessions.

    Uses what `prepare` read; reads the file itself when called without `prepare` (one-file use).

    Example:
        >>> class M:
        ...     path, size = "notes.pdf", 5
        ...     def read_bytes(self): return b"hello"
        >>> list(parse_invoice_pdf(M(), ParseContext("deliveroo", LAYOUT)))
        Traceback (most recent call last):
        ...
        toolkit.errors.IngestError: notes.pdf: this file is not a PDF ... [wrong_type]
    """
    read: ReadInvoice = ctx.facts.get(_FACTS, {}).get(member.path) or read_invoice(member, ctx)
    if read.error is not None:
        raise read.error
    if read.invoice is None or read.duplicate_of is not None:
        return
    for table, frame in invoice_frames(read.invoice, member.path, ctx, read.skip).items():
        yield Batch(table, frame)


def _one_timeline(read: dict[str, ReadInvoice], ctx: ParseContext) -> None:
    """Mark invoices repeated in the upload, and sessions billed twice, so the timeline counts each once."""
    seen_invoices: dict[tuple[object, ...], str] = {}
    seen_sessions: dict[tuple[object, ...], str] = {}
    for path, got in read.items():
        invoice = got.invoice
        if invoice is None:
            continue
        key = (invoice.market.code if invoice.market else None, invoice.period_start, invoice.period_end,
               tuple((s.start, s.end, s.pay) for s in invoice.sessions), invoice.summary_amount("total"))
        if key in seen_invoices:
            ctx.issue(path, "duplicate_invoice", "the same invoice appears twice in the upload; this copy "
                      "was not counted", row=invoice.period_position)
            read[path] = ReadInvoice(invoice, duplicate_of=seen_invoices[key])
            continue
        seen_invoices[key] = path
        skip = set()
        for session in invoice.sessions:
            where = (invoice.market.code if invoice.market else None, session.start, session.end)
            if where in seen_sessions:
                ctx.issue(path, "duplicate_session", "another invoice of the upload bills the same session; "
                          "it was counted once", row=session.position, column="Time In")
                skip.add(session.position)
            else:
                seen_sessions[where] = path
        if skip:
            read[path] = ReadInvoice(invoice, skip=frozenset(skip))
    _report_overlaps(read, ctx)


def _report_overlaps(read: dict[str, ReadInvoice], ctx: ParseContext) -> None:
    """Sessions (kept) that overlap another one: both are counted, the later one is reported."""
    kept = sorted((s.start, s.end, path, s.position) for path, got in read.items()
                  if got.invoice is not None and got.duplicate_of is None
                  for s in got.invoice.sessions if s.position not in got.skip)
    for (_, end, _, _), (start, _, path, position) in zip(kept, kept[1:], strict=False):
        if start < end:
            ctx.issue(path, "overlapping_session", "this session overlaps another billed session",
                      row=position, column="Time In")


RULES: list[Rule] = [
    Rule(r"\.pdf$", parse_invoice_pdf,
         "Deliveroo rider invoice (PDF): period, sessions, adjustments, summary",
         ("statements", "earnings", "status_segments")),
]
"""The handler table: PDFs are invoices; any other file is reported as not recognised."""
