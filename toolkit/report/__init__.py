"""The PDF report of a worker's figures, for a union or a lawyer, in English or French.

Contents: the headline figures of the period with the sentence that explains each (the same words as the
app's Overview), charts of time and pay per hour against the minimum wage, a methodology annex (the
definitions, parameters and time-zone decisions used), and the SHA-256 fingerprint of every export and of
every file in it, so each figure can be traced to the original files the platform sent.

Modules: `content` (what a report shows, computed from the store), `pdf` (drawing it with fpdf2, from plain
text only: no HTML, no remote resource, security.md §1C C3), `charts` (matplotlib PNGs).

Example:
    >>> pdf = render_report(ReportContent(figures=EMPTY_FIGURES, manifests=[]), "fr")
    >>> pdf[:5]
    b'%PDF-'
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from toolkit.config import Config
from toolkit.report.content import EMPTY_FIGURES, HeadlineFigure, ReportContent, gather, headline_figures
from toolkit.report.pdf import render_report
from toolkit.selection import Selection

__all__ = [
    "EMPTY_FIGURES",
    "HeadlineFigure",
    "ReportContent",
    "build_report",
    "gather",
    "headline_figures",
    "render_report",
]


def build_report(
    store: Path | Selection,
    worker: str | None = None,
    platform: str | None = None,
    start: date | None = None,
    end: date | None = None,
    lang: str = "en",
    config: Config | None = None,
) -> bytes:
    """The PDF report of a `Selection`, or of `worker` (optionally one platform, `start`..`end` local days)
    from the store.

    Example:
        >>> build_report(Path("/nonexistent-store"), worker="me")[:5]
        b'%PDF-'
    """
    return render_report(gather(store, worker, platform, start, end, config), lang)
