"""The report's blocks (`toolkit.report.document`) as an editable DOCX (python-docx) or ODT (odfdo), for a
union that adds its own words before filing: the same text as the PDF, block for block.

Example:
    >>> from toolkit.report.document import Document, Paragraph
    >>> render_docx(Document("en", "T", "footer", [Paragraph("Hello")]))[:2]
    b'PK'
    >>> render_odt(Document("en", "T", "footer", [Paragraph("Hello")]))[:2]
    b'PK'
"""

from __future__ import annotations

import io
from typing import Any

from toolkit.i18n import Translator
from toolkit.report.document import Chart, Document, Figures, Heading, Paragraph, Table

# ------------------------------------------------------------------------------------------------ DOCX


def render_docx(doc: Document) -> bytes:
    """The document as DOCX bytes (A4, page numbers in the footer).

    Example:
        >>> from toolkit.report.document import Heading
        >>> render_docx(Document("fr", "Titre", "pied", [Heading("Titre", 0)]))[:2]
        b'PK'
    """
    import docx
    from docx.shared import Cm, Pt

    out = docx.Document()
    section = out.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(1.8))
    out.core_properties.title = doc.title
    out.core_properties.language = doc.lang
    out.styles["Normal"].font.size = Pt(9.5)
    _docx_footer(section.footer.paragraphs[0], doc)
    for block in doc.blocks:
        if isinstance(block, Heading):
            out.add_heading(block.text, level=min(block.level, 2))
        elif isinstance(block, Paragraph):
            run = out.add_paragraph().add_run(block.text)
            if block.mono:
                run.font.name = "DejaVu Sans Mono"
            if block.small or block.mono:
                run.font.size = Pt(7.5 if block.mono else 8)
        elif isinstance(block, Figures):
            _docx_table(out, ("", "", ""), [(f.label, f.value, f.explanation) for f in block.rows],
                        (0.3, 0.18, 0.52), header=False)
        elif isinstance(block, Table):
            _docx_table(out, block.header, list(block.rows), block.widths, mono=block.mono)
        else:
            _docx_chart(out, block)
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def _docx_table(out: Any, head: tuple[str, ...], rows: list[tuple[str, ...]], widths: tuple[float, ...],
                header: bool = True, mono: tuple[int, ...] = ()) -> None:
    from docx.shared import Cm, Pt

    table = out.add_table(rows=0, cols=len(widths))
    table.style = "Table Grid"
    body = [head, *rows] if header else rows
    for index, cells in enumerate(body):
        row = table.add_row().cells
        for column, (cell, value, share) in enumerate(zip(row, cells, widths, strict=True)):
            cell.width = Cm(17.4 * share)
            run = cell.paragraphs[0].add_run(value)
            small = column in mono and not (header and index == 0)  # a fingerprint, not its heading
            run.font.size = Pt(6 if small else 8)
            run.bold = header and index == 0
            if small:
                run.font.name = "DejaVu Sans Mono"
    out.add_paragraph()



def _docx_chart(out: Any, block: Chart) -> None:
    from docx.shared import Cm, Pt

    out.add_picture(io.BytesIO(block.png), width=Cm(17))
    for caption in block.captions:
        out.add_paragraph().add_run(caption).font.size = Pt(8)


def _docx_footer(paragraph: Any, doc: Document) -> None:
    """'<footer> · page N of M' with Word fields, so every page numbers itself."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    words = Translator(doc.lang)("report.pdf.page", page="\x00", pages="\x01")
    before, rest = words.split("\x00")
    middle, after = rest.split("\x01")
    paragraph.add_run(f"{doc.footer} · {before}")
    for field_code, text in (("PAGE", middle), ("NUMPAGES", after)):
        simple = OxmlElement("w:fldSimple")
        simple.set(qn("w:instr"), field_code)
        run = OxmlElement("w:r")
        shown = OxmlElement("w:t")
        shown.text = "1"
        run.append(shown)
        simple.append(run)
        paragraph._p.append(simple)
        if text:
            paragraph.add_run(text)


# ------------------------------------------------------------------------------------------------- ODT


def render_odt(doc: Document) -> bytes:
    """The document as ODT bytes (OpenDocument text, LibreOffice's own format).

    Example:
        >>> from toolkit.report.document import Heading
        >>> render_odt(Document("fr", "Titre", "pied", [Heading("Titre", 0)]))[:2]
        b'PK'
    """
    from odfdo import Document as Odt
    from odfdo import Header
    from odfdo import Paragraph as OdtParagraph

    out = Odt("text")
    body = out.body
    body.clear()
    out.meta.title = doc.title
    for block in doc.blocks:
        if isinstance(block, Heading):
            body.append(Header(max(block.level, 1), block.text))
        elif isinstance(block, Paragraph):
            body.append(OdtParagraph(block.text))
        elif isinstance(block, Figures):
            _odt_table(body, None, [(f.label, f.value, f.explanation) for f in block.rows])
        elif isinstance(block, Table):
            _odt_table(body, block.header, list(block.rows))
        else:
            _odt_chart(out, body, block)
    body.append(OdtParagraph(doc.footer))
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def _odt_table(body: Any, header: tuple[str, ...] | None, rows: list[tuple[str, ...]]) -> None:
    from odfdo import Cell, Row
    from odfdo import Table as OdtTable

    width = len(header) if header else len(rows[0]) if rows else 1
    table = OdtTable(f"table{len(body.get_tables()) + 1}", width=width, height=0)
    for cells in ([header] if header else []) + rows:
        row = Row()
        for value in cells:
            row.append_cell(Cell(value, value_type="string"))
        table.append_row(row)
    body.append(table)


def _odt_chart(out: Any, body: Any, block: Chart) -> None:
    from odfdo import Frame
    from odfdo import Paragraph as OdtParagraph

    uri = out.add_file(io.BytesIO(block.png))
    paragraph = OdtParagraph("")
    paragraph.append(Frame.image_frame(uri, size=("17cm", "6.8cm"), anchor_type="as-char"))
    body.append(paragraph)
    for caption in block.captions:
        body.append(OdtParagraph(caption))
