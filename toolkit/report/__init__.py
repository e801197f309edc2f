"""The report of a worker's figures, for a union or a lawyer, in English or French, as PDF, DOCX or ODT.

Contents: who and what period; the headline figures with the sentence that explains each (the same words
as the app's Overview); pay from earnings to net, line by line, with every parameter as a number and its
legal source; charts of time and of pay per hour against the minimum wage; the offers and the sanctions
for refusals; the list of sanctions; a method annex written for a reader without the project's files, one
line per time-zone decision; and the uploaded files' names, the day each export arrived and the SHA-256
fingerprint of every export and every file in it, so each figure can be traced to the files the platform
sent.

Modules: `content` (what a report shows, computed from the store through the shared read layer),
`document` (the report as blocks of plain text in one language), `pdf` (fpdf2: no HTML, no remote
resource, security.md §1C C3), `editable` (DOCX with python-docx, ODT with odfdo), `charts` (matplotlib).

Example:
    >>> pdf = render_report(ReportContent(figures=EMPTY_FIGURES, manifests=[]), "fr")
    >>> pdf[:5]
    b'%PDF-'
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

from toolkit.config import Config
from toolkit.i18n import Translator
from toolkit.report.content import EMPTY_FIGURES, HeadlineFigure, ReportContent, gather, headline_figures
from toolkit.report.document import Document, compose
from toolkit.selection import Selection

Format = Literal["pdf", "docx", "odt"]
FORMATS: tuple[Format, ...] = ("pdf", "docx", "odt")
MIME = {"pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "odt": "application/vnd.oasis.opendocument.text"}

__all__ = [
    "EMPTY_FIGURES",
    "FORMATS",
    "MIME",
    "Document",
    "HeadlineFigure",
    "ReportContent",
    "build_report",
    "compose",
    "gather",
    "headline_figures",
    "render_report",
]


def render_report(content: ReportContent, lang: str, fmt: Format = "pdf") -> bytes:
    """The report of `content` in `lang` as `fmt` bytes.

    Example:
        >>> render_report(ReportContent(figures=EMPTY_FIGURES, manifests=[]), "en", "docx")[:2]
        b'PK'
    """
    from toolkit.report.editable import render_docx, render_odt  # fpdf2, matplotlib, python-docx and odfdo
    from toolkit.report.pdf import render_pdf  # are loaded when a report is drawn, not with the pages

    doc = compose(content, Translator(lang))
    return {"pdf": render_pdf, "docx": render_docx, "odt": render_odt}[fmt](doc)


def build_report(
    store: Path | Selection,
    worker: str | None = None,
    platform: str | None = None,
    start: date | None = None,
    end: date | None = None,
    lang: str = "en",
    config: Config | None = None,
    fmt: Format = "pdf",
    name: str | None = None,
) -> bytes:
    """The report of a `Selection`, or of `worker` (optionally one platform, `start`..`end` local days)
    from the store, under the name or pseudonym `name`.

    Example:
        >>> build_report(Path("/nonexistent-store"), worker="me")[:5]
        b'%PDF-'
    """
    return render_report(gather(store, worker, platform, start, end, config, name), lang, fmt)
