"""Drawing the report as PDF with fpdf2, from plain text only (no HTML, nothing fetched).

The fonts are the DejaVu fonts that matplotlib ships (accents, €, SHA-256 in a monospace face).

Example:
    >>> from toolkit.report.content import EMPTY_FIGURES, ReportContent
    >>> render_report(ReportContent(figures=EMPTY_FIGURES, manifests=[]), "en")[:5]
    b'%PDF-'
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
import pandas as pd
from fpdf import FPDF

from toolkit.i18n import Translator
from toolkit.report.charts import (
    minimum_wage_count,
    partial_note,
    pay_chart,
    reconnect_note,
    time_chart,
)
from toolkit.report.content import HeadlineFigure, ReportContent, headline_figures

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def render_report(content: ReportContent, lang: str) -> bytes:
    """Draw the report as PDF bytes in `lang`.

    Example:
        >>> from toolkit.report.content import EMPTY_FIGURES
        >>> render_report(ReportContent(figures=EMPTY_FIGURES, manifests=[]), "en")[:5]
        b'%PDF-'
    """
    tr = Translator(lang)
    pdf = _Pdf(tr)
    pdf.add_page()
    _cover(pdf, content, tr)
    _headline(pdf, content, tr)
    _charts(pdf, content, tr)
    _methodology(pdf, content, tr)
    _sources(pdf, content, tr)
    return bytes(pdf.output())


class _Pdf(FPDF):
    def __init__(self, tr: Translator) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.tr = tr
        self.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.add_font("DejaVuMono", "", str(FONT_DIR / "DejaVuSansMono.ttf"))
        self.set_auto_page_break(auto=True, margin=15)
        self.set_title(tr("report.pdf.title"))
        self.set_creator("gigdata")
        self.set_lang(tr.lang)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", "", 7)
        self.set_text_color(110)
        self.cell(0, 5, self.tr("report.pdf.footer", page=str(self.page_no())), align="C")
        self.set_text_color(0)

    def heading(self, text: str, size: int = 13) -> None:
        self.ln(2)
        self.set_font("DejaVu", "B", size)
        self.multi_cell(0, size * 0.55, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def paragraph(self, text: str, size: float = 9.5) -> None:
        self.set_font("DejaVu", "", size)
        self.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(1.5)


def _cover(pdf: _Pdf, content: ReportContent, tr: Translator) -> None:
    period = content.figures.get("period") or {}
    pdf.set_font("DejaVu", "B", 18)
    pdf.multi_cell(0, 9, tr("report.pdf.title"), new_x="LMARGIN", new_y="NEXT")
    pdf.paragraph(
        tr(
            "report.pdf.subtitle",
            worker=content.worker or "—",
            platforms=", ".join(content.figures.get("platforms") or []) or "—",
            start=tr.date(period.get("start")),
            end=tr.date(period.get("end")),
            zone=content.zone,
            generated=tr.date(content.generated_at),
        ),
        10,
    )
    zone_source = period.get("zone_source") or ("exports" if period.get("zone") else "none")
    pdf.paragraph(tr(f"report.pdf.zone.{zone_source}", zone=period.get("zone") or content.zone), 10)
    pdf.paragraph(tr("report.pdf.intro"))
    _estimate_box(pdf, headline_figures(content.figures, tr), tr)


def _estimate_box(pdf: _Pdf, figures: list[HeadlineFigure], tr: Translator) -> None:
    """On the first page: the time figures are estimates, with their band, rule and limits."""
    shown = {f.key: f for f in figures}
    if "estimate" not in shown:
        return
    pdf.heading(tr("report.pdf.estimate_title"), 11)
    for key in ("unpaid_share", "estimate"):
        item = shown[key]
        pdf.paragraph(tr("report.pdf.figure_line", label=item.label, value=item.value,
                         explanation=item.explanation), 9)


def _headline(pdf: _Pdf, content: ReportContent, tr: Translator) -> None:
    pdf.heading(tr("report.pdf.figures"))
    section = None
    for item in headline_figures(content.figures, tr):
        if item.section != section:
            section = item.section
            pdf.set_font("DejaVu", "B", 10.5)
            pdf.cell(0, 7, tr(f"overview.section_{section}"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 9.5)
        y = pdf.get_y()
        pdf.multi_cell(70, 5, item.label, new_x="RIGHT", new_y="TOP")
        pdf.set_font("DejaVu", "B", 9.5)
        pdf.multi_cell(32, 5, item.value, align="R", new_x="RIGHT", new_y="TOP")
        pdf.set_font("DejaVu", "", 8)
        pdf.set_text_color(70)
        pdf.multi_cell(0, 4, item.explanation, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0)
        pdf.set_y(max(pdf.get_y(), y + 10))
    pdf.paragraph(tr("common.unknown_note"), 8)


def _charts(pdf: _Pdf, content: ReportContent, tr: Translator) -> None:
    estimated = bool((content.figures.get("time") or {}).get("estimate"))
    charts: list[tuple[bytes, list[str | None]]] = []
    weekly = content.weekly_time
    if weekly is not None and not weekly.empty:
        title = tr("report.pdf.chart_time_estimated" if estimated else "report.pdf.chart_time")
        charts.append((time_chart(weekly, tr), [title, partial_note(weekly, "week", tr)]))
    pay = content.monthly_pay
    if pay is not None and not pay.empty and _any_number(pay, "per_hour_logged_in"):
        currency = (content.figures.get("pay") or {}).get("currency")
        words = [tr("report.pdf.chart_pay"), partial_note(pay, "month", tr),
                 *minimum_wage_count(pay, "month", tr)]
        charts.append((pay_chart(pay, tr, currency, estimated), words))
    if not charts:
        return
    pdf.add_page()
    pdf.heading(tr("report.pdf.charts"))
    for png, captions in charts:
        pdf.image(io.BytesIO(png), w=180)
        for caption in captions:
            if caption:
                pdf.paragraph(caption, 8.5)


def _methodology(pdf: _Pdf, content: ReportContent, tr: Translator) -> None:
    pdf.add_page()
    pdf.heading(tr("report.pdf.annex_method"))
    time = content.figures.get("time") or {}
    for key in ("periods", "logged_in", "waiting", "pay", "net", "minimum", "offers", "unknown", "zones"):
        pdf.paragraph(tr(f"report.method.{key}"))
        if key == "waiting":
            gap = _seconds(content.parameters.get("reconnect"))
            if gap is not None:
                pdf.paragraph(reconnect_note(gap, time.get("reconnect_added_h"), tr, "report.method"))
    source = time.get("source")
    if source:
        pdf.paragraph(tr(f"overview.time_source.{source}"))
    shown = {f.key: f for f in headline_figures(content.figures, tr)}
    if "estimate" in shown:
        pdf.paragraph(tr("report.method.estimate", rule=shown["estimate"].explanation,
                         band=shown["unpaid_share"].explanation))
    if content.parameters:
        pdf.heading(tr("report.pdf.parameters"), 11)
        for name, value in content.parameters.items():
            pdf.paragraph(tr("report.pdf.parameter_line", name=tr(f"report.param.{name}"), value=value), 8.5)
    decisions = [(m, d) for m in content.manifests for d in m.get("tz_decisions", [])]
    if decisions:
        pdf.heading(tr("report.pdf.tz_decisions"), 11)
        for manifest, d in decisions:
            pdf.paragraph(
                tr(
                    "start.tz_decision",
                    file=f"{manifest.get('source', '')}: {d.get('file', '')}",
                    column=d.get("column", ""),
                    zone=d.get("zone") or "UTC",
                    source=d.get("source", ""),
                ),
                8,
            )


def _sources(pdf: _Pdf, content: ReportContent, tr: Translator) -> None:
    pdf.add_page()
    pdf.heading(tr("report.pdf.annex_sources"))
    pdf.paragraph(tr("report.pdf.sources_intro"))
    if not content.manifests:
        pdf.paragraph(tr("report.pdf.no_sources"))
    for manifest in content.manifests:
        pdf.set_font("DejaVu", "B", 10)
        pdf.multi_cell(
            0,
            5.5,
            tr(
                "report.pdf.export",
                source=manifest.get("source", "?"),
                platform=manifest.get("platform", "?"),
                layout=manifest.get("layout", "?"),
            ),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_font("DejaVuMono", "", 7.5)
        pdf.multi_cell(0, 4, f"SHA-256 {manifest.get('sha256', '?')}", new_x="LMARGIN", new_y="NEXT")
        pdf.paragraph(
            tr(
                "report.pdf.export_meta",
                parser=str(manifest.get("parser_version", "?")),
                written=str(manifest.get("written_at", "?"))[:19],
            ),
            8,
        )
        for item in manifest.get("files", []):
            pdf.set_font("DejaVu", "", 7.5)
            pdf.multi_cell(
                0,
                3.8,
                f"{item.get('path', '')} · {tr('start.status.' + item.get('status', 'unknown'))}",
                new_x="LMARGIN",
                new_y="NEXT",
            )
            pdf.set_font("DejaVuMono", "", 6.5)
            pdf.multi_cell(0, 3.4, f"    {item.get('sha256') or '—'}", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)


def _seconds(parameter: str | None) -> float | None:
    """The seconds of a parameter written "120 s" (`content._parameters`)."""
    number = (parameter or "").removesuffix(" s")
    try:
        return float(number)
    except ValueError:
        return None


def _any_number(table: pd.DataFrame, column: str) -> bool:
    """Whether `column` holds at least one known number (a chart of unknowns says nothing)."""
    return column in table.columns and bool(pd.to_numeric(table[column], errors="coerce").notna().any())
