"""Drawing the report's blocks (`toolkit.report.document`) as PDF with fpdf2, from plain text only: no HTML,
no markdown, nothing fetched (security.md §1C C3).

The fonts are the DejaVu fonts that matplotlib ships (accents, €, SHA-256 in a monospace face). Every
page's footer gives the software version, the generation date and "page X of Y". A part starts on a new
page only when less than a quarter of the page is left, so no page is left almost empty.

Example:
    >>> from toolkit.report.content import EMPTY_FIGURES, ReportContent
    >>> from toolkit.report.document import compose
    >>> render_pdf(compose(ReportContent(figures=EMPTY_FIGURES, manifests=[]), Translator("en")))[:5]
    b'%PDF-'
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
from fpdf import FPDF
from fpdf.fonts import FontFace

from toolkit.i18n import Translator
from toolkit.report.document import Chart, Document, Figures, Heading, Paragraph, Table

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
KEEP_MM = 70.0
"""A part (heading) starts on a new page when less than this is left below it."""


def render_pdf(doc: Document) -> bytes:
    """The document as PDF bytes.

    Example:
        >>> render_pdf(Document("fr", "Titre", "pied", [Paragraph("Bonjour")]))[:5]
        b'%PDF-'
    """
    pdf = _Pdf(doc)
    pdf.add_page()
    for block in doc.blocks:
        if isinstance(block, Heading):
            _heading(pdf, block)
        elif isinstance(block, Paragraph):
            _paragraph(pdf, block)
        elif isinstance(block, Figures):
            _figures(pdf, block)
        elif isinstance(block, Table):
            _table(pdf, block)
        else:
            _chart(pdf, block)
    return bytes(pdf.output())


class _Pdf(FPDF):
    def __init__(self, doc: Document) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.doc = doc
        self.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.add_font("DejaVuMono", "", str(FONT_DIR / "DejaVuSansMono.ttf"))
        self.set_auto_page_break(auto=True, margin=16)
        self.set_title(doc.title)
        self.set_creator("gigdata")
        self.set_lang(doc.lang)
        self.alias_nb_pages("{nb}")

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", "", 7)
        self.set_text_color(110)
        page = Translator(self.doc.lang)("report.pdf.page", page=str(self.page_no()), pages="{nb}")
        self.cell(0, 5, f"{self.doc.footer} · {page}", align="C")
        self.set_text_color(0)

    def room(self) -> float:
        return float(self.h - self.b_margin - self.get_y())


def _heading(pdf: _Pdf, block: Heading) -> None:
    size = {0: 17.0, 1: 13.0, 2: 10.5}.get(block.level, 10.5)
    if block.keep and pdf.room() < KEEP_MM and pdf.get_y() > pdf.t_margin + 1 or pdf.room() < 25:
        pdf.add_page()
    pdf.ln(2 if block.level else 0)
    pdf.set_font("DejaVu", "B", size)
    pdf.multi_cell(0, size * 0.5, block.text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)


def _paragraph(pdf: _Pdf, block: Paragraph) -> None:
    if block.mono:
        pdf.set_font("DejaVuMono", "", 7.5)
        pdf.multi_cell(0, 4, block.text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
        return
    size = 8.0 if block.small else 9.5
    pdf.set_font("DejaVu", "", size)
    pdf.multi_cell(0, size * 0.5, block.text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.2)


def _figures(pdf: _Pdf, block: Figures) -> None:
    for item in block.rows:
        if pdf.room() < 14:
            pdf.add_page()
        y = pdf.get_y()
        pdf.set_font("DejaVu", "", 9.5)
        pdf.multi_cell(62, 5, item.label, new_x="RIGHT", new_y="TOP")
        pdf.set_font("DejaVu", "B", 9.5)
        pdf.multi_cell(36, 5, item.value, align="R", new_x="RIGHT", new_y="TOP")
        pdf.set_font("DejaVu", "", 8)
        pdf.set_text_color(70)
        pdf.multi_cell(0, 4, item.explanation, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0)
        pdf.set_y(max(pdf.get_y(), y + 10))
    pdf.ln(1)


def _table(pdf: _Pdf, block: Table) -> None:
    pdf.set_font("DejaVu", "", 7.5)
    width = pdf.w - pdf.l_margin - pdf.r_margin
    mono = FontFace(family="DejaVuMono", size_pt=5.6)
    with pdf.table(col_widths=[w * width for w in block.widths], width=width, text_align="LEFT",
                   line_height=3.6, padding=0.8, headings_style=FontFace(emphasis="BOLD"),
                   borders_layout="HORIZONTAL_LINES") as table:
        header = table.row()
        for cell in block.header:
            header.cell(cell)
        for cells in block.rows:
            row = table.row()
            for column, cell in enumerate(cells):
                row.cell(cell, style=mono if column in block.mono else None)
    pdf.ln(2)


def _chart(pdf: _Pdf, block: Chart) -> None:
    height = 180 * 3.2 / 8  # the charts are drawn 8 x 3.2 inches
    if pdf.room() < height + 12:
        pdf.add_page()
    pdf.image(io.BytesIO(block.png), w=180)
    for caption in block.captions:
        _paragraph(pdf, Paragraph(caption, small=True))
    pdf.ln(1)

