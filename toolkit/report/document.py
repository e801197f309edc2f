"""What the report says, as a list of blocks in the reader's language, drawn the same way as PDF
(`toolkit.report.pdf`), DOCX and ODT (`toolkit.report.editable`): one composition, three formats, so the
union's editable copy holds exactly what the PDF holds.

Blocks are plain text (no markup is ever interpreted), a table of cells, or a chart as PNG bytes.

Example:
    >>> from toolkit.report.content import EMPTY_FIGURES, ReportContent
    >>> doc = compose(ReportContent(figures=EMPTY_FIGURES, manifests=[]), Translator("en"))
    >>> doc.blocks[0]
    Heading(text="What the platform's algorithm did with my time and pay", level=0, keep=False)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from toolkit import __version__
from toolkit.i18n import Translator
from toolkit.report.charts import minimum_wage_count, partial_note, pay_chart, reconnect_note, time_chart
from toolkit.report.content import HeadlineFigure, ReportContent, headline_figures
from toolkit.words import kind_words, offer_source_words, platform_words, rule_words, zone_lines


@dataclass(frozen=True)
class Heading:
    """A title: level 0 the report's, 1 a section's, 2 a part of a section; `keep`: start the part on a
    new page when little room is left."""

    text: str
    level: int = 1
    keep: bool = False


@dataclass(frozen=True)
class Paragraph:
    """Running text; `small` for notes and captions, `mono` for fingerprints."""

    text: str
    small: bool = False
    mono: bool = False


@dataclass(frozen=True)
class Figures:
    """Headline figures: label, value and the sentence that explains it."""

    rows: tuple[HeadlineFigure, ...]


@dataclass(frozen=True)
class Table:
    """A table: header cells, rows of cells, each column's share of the width, and the columns printed
    small in a monospace face (fingerprints)."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    mono: tuple[int, ...] = ()


@dataclass(frozen=True)
class Chart:
    """A chart as PNG bytes and the sentences under it."""

    png: bytes
    captions: tuple[str, ...]


Block = Heading | Paragraph | Figures | Table | Chart


@dataclass
class Document:
    """The report in one language: its blocks and what every page's footer says."""

    lang: str
    title: str
    footer: str
    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> None:
        """Append blocks."""
        self.blocks.extend(blocks)

    def texts(self) -> list[str]:
        """Every piece of text of the report, in order (what each format must hold).

        Example:
            >>> d = Document("en", "T", "f", [Heading("A"), Table(("x",), (("1",),), (1.0,))])
            >>> d.texts()
            ['A', 'x', '1']
        """
        out: list[str] = []
        for block in self.blocks:
            if isinstance(block, Heading | Paragraph):
                out.append(block.text)
            elif isinstance(block, Figures):
                for row in block.rows:
                    out += [row.label, row.value, row.explanation]
            elif isinstance(block, Table):
                out += list(block.header) + [cell for row in block.rows for cell in row]
            else:
                out += list(block.captions)
        return [t for t in out if t]


def compose(content: ReportContent, tr: Translator) -> Document:
    """The report of `content` in the translator's language.

    Example:
        >>> from toolkit.report.content import EMPTY_FIGURES
        >>> doc = compose(ReportContent(figures=EMPTY_FIGURES, manifests=[], name="A. Martin"),
        ...               Translator("fr"))
        >>> [t for t in doc.texts() if t.startswith("Travailleur")]
        ['Travailleur ou travailleuse : A. Martin']
    """
    generated = tr.date(content.generated_at)
    doc = Document(tr.lang, tr("report.pdf.title"),
                   tr("report.pdf.footer", version=__version__, generated=generated))
    _cover(doc, content, tr, generated)
    _headline(doc, content, tr)
    _pay(doc, content, tr)
    _charts(doc, content, tr)
    _dispatch(doc, content, tr)
    _sanctions(doc, content, tr)
    _gaps(doc, content, tr)
    _method(doc, content, tr)
    _sources(doc, content, tr)
    return doc


# ------------------------------------------------------------------------------------------- sections


def _cover(doc: Document, content: ReportContent, tr: Translator, generated: str) -> None:
    figures = content.figures
    period = figures.get("period") or {}
    zone = period.get("zone") or content.zone
    zone_source = period.get("zone_source") or ("exports" if period.get("zone") else "none")
    doc.add(
        Heading(doc.title, 0),
        Paragraph(tr("report.pdf.worker", name=content.shown_name(tr))),
        Paragraph(tr("report.pdf.platforms", platforms=", ".join(
            platform_words(p, tr) for p in figures.get("platforms") or []) or "—")),
        Paragraph(tr("report.pdf.period", start=tr.date(period.get("start")),
                     end=tr.date(period.get("end")))),
        Paragraph(tr(f"report.pdf.zone.{zone_source}", zone=zone)),
        Paragraph(tr("report.pdf.generated", generated=generated, version=__version__)),
        Paragraph(tr("report.pdf.intro")),
    )
    shown = {f.key: f for f in headline_figures(figures, tr)}
    if "estimate" in shown:
        doc.add(Heading(tr("report.pdf.estimate_title"), 2))
        doc.add(*(Paragraph(tr("report.pdf.figure_line", label=shown[k].label, value=shown[k].value,
                                  explanation=shown[k].explanation))
                  for k in ("unpaid_share", "estimate")))


def _headline(doc: Document, content: ReportContent, tr: Translator) -> None:
    doc.add(Heading(tr("report.pdf.figures"), 1, keep=True))
    section: str | None = None
    rows: list[HeadlineFigure] = []
    for item in headline_figures(content.figures, tr):
        if item.section != section and rows:
            doc.add(Heading(tr(f"overview.section_{section}"), 2), Figures(tuple(rows)))
            rows = []
        section = item.section
        rows.append(item)
    if rows:
        doc.add(Heading(tr(f"overview.section_{section}"), 2), Figures(tuple(rows)))
    doc.add(Paragraph(tr("common.unknown_note"), small=True))


def _pay(doc: Document, content: ReportContent, tr: Translator) -> None:
    """How net pay was reached, line by line, with every parameter as a number and its source."""
    pay = content.figures.get("pay") or {}
    params = pay.get("parameters") or {}
    currency = pay.get("currency")
    doc.add(Heading(tr("report.pdf.pay_title"), 1, keep=True), Paragraph(tr("report.pdf.pay_intro")))

    def money(key: str) -> str:
        return tr.money(pay.get(key), currency)

    per_km, km = params.get("cost_per_km"), pay.get("distance_km")
    cost_currency = params.get("cost_currency") or currency
    rate, base = params.get("contribution_rate"), params.get("contribution_base")
    days, monthly = params.get("days"), params.get("monthly_fixed")
    rows = [
        (tr("report.pay.earnings"), money("earnings_total"), ""),
        (tr("report.pay.tips"), money("tips"), ""),
        (tr("report.pay.taxes"), money("taxes"), ""),
        (tr("report.pay.gross"), money("gross"), tr("report.pay.gross_how")),
        (tr("report.pay.km"), tr("report.pay.km_value", km=tr.number(km, 1)) if km is not None else "—",
         tr("report.pay.km_how", replaced=tr.integer(pay.get("distances_replaced") or 0))),
        (tr("report.pay.per_km"),
         f"{tr.number(per_km, 3)} {cost_currency or ''}/km".strip() if per_km is not None else "—",
         _cost_source(params, tr)),
        (tr("report.pay.vehicle"), money("vehicle_cost"),
         tr("report.pay.vehicle_how", rate=f"{tr.number(per_km, 3)} {cost_currency or ''}".strip(),
            km=tr.number(km, 1))
         if per_km is not None and km is not None else ""),
        (tr("report.pay.fixed"), money("fixed_cost"),
         tr("report.pay.fixed_how", monthly=tr.money(monthly, params.get("fixed_currency") or currency),
            days=tr.number(days, 1)) if days is not None and monthly is not None else ""),
        (tr("report.pay.contribution_rate"), tr.percent(rate, 1) if rate is not None else "—",
         _contribution_source(params, tr)),
        (tr("report.pay.contributions"), money("contributions"),
         tr("report.pay.contributions_how", rate=tr.percent(rate, 1), base=tr.money(base, currency))
         if rate is not None and base is not None else ""),
        (tr("report.pay.net"), money("net"), tr("report.pay.net_how")),
        (tr("report.pay.minimum"), tr.money(pay.get("minimum_wage_per_hour"), currency),
         _wage_source(params.get("minimum_wage") or {}, currency, tr)),
    ]
    doc.add(Table((tr("report.pay.col_item"), tr("report.pay.col_value"), tr("report.pay.col_how")),
                  tuple(rows), (0.3, 0.18, 0.52)))


def _cost_source(params: dict[str, Any], tr: Translator) -> str:
    mode = params.get("cost_mode")
    if mode != "profile":
        return tr(f"report.pay.cost_mode.{mode}") if tr.has(f"report.pay.cost_mode.{mode}") else ""
    said = tr("report.pay.per_km_source", source=params.get("cost_source") or "")
    if params.get("annual_km"):
        said += " " + tr("report.pay.per_km_annual", km=tr.integer(params["annual_km"]))
    return said


def _entries(entries: list[dict[str, Any]], tr: Translator, currency: str | None, share: bool) -> str:
    return "; ".join(
        tr("report.pay.entry", value=tr.percent(e["value"], 1) if share else tr.money(e["value"], currency),
           start=tr.date(e["from"]), status=tr(f"report.pay.status.{e.get('status') or 'unknown'}"))
        for e in entries)


def _contribution_source(params: dict[str, Any], tr: Translator) -> str:
    if params.get("contribution_scheme") == "own":
        return tr("report.pay.own_rate")
    source = params.get("contribution_source") or ""
    entries = _entries(params.get("contribution_rates") or [], tr, None, share=True)
    return " — ".join(p for p in (source, entries) if p)


def _wage_source(wage: dict[str, Any], currency: str | None, tr: Translator) -> str:
    if wage.get("own") is not None:
        return tr("report.pay.own_wage")
    if not wage.get("table"):
        return tr("report.pay.no_wage", currency=currency or "—")
    entries = _entries(wage.get("rates") or [], tr, currency, share=False)
    return " — ".join(p for p in (wage.get("source") or "", tr("report.pay.wage_days"), entries) if p)


def _charts(doc: Document, content: ReportContent, tr: Translator) -> None:
    estimated = bool((content.figures.get("time") or {}).get("estimate"))
    charts: list[Chart] = []
    weekly = content.weekly_time
    if weekly is not None and not weekly.empty:
        title = tr("report.pdf.chart_time_estimated" if estimated else "report.pdf.chart_time")
        charts.append(Chart(time_chart(weekly, tr), _kept(title, partial_note(weekly, "week", tr))))
    pay = content.monthly_pay
    if pay is not None and not pay.empty and _any_number(pay, "per_hour_logged_in"):
        currency = (content.figures.get("pay") or {}).get("currency")
        words = _kept(tr("report.pdf.chart_pay"), partial_note(pay, "month", tr),
                      *minimum_wage_count(pay, "month", tr))
        charts.append(Chart(pay_chart(pay, tr, currency, estimated), words))
    if charts:
        doc.add(Heading(tr("report.pdf.charts"), 1, keep=True), *charts)


def _dispatch(doc: Document, content: ReportContent, tr: Translator) -> None:
    offers = content.figures.get("offers") or {}
    sanctions = content.figures.get("sanctions") or {}
    per_hour = content.offers_per_hour or {}
    doc.add(Heading(tr("report.pdf.dispatch_title"), 1, keep=True))
    if offers.get("offered") is None:
        doc.add(Paragraph(tr("report.pdf.no_offers")))
    else:
        rows = [
            (tr("report.dispatch.offered"), tr.integer(offers.get("offered"))),
            (tr("report.dispatch.accepted"), tr.integer(offers.get("accepted"))),
            (tr("report.dispatch.rejected"), tr.integer(offers.get("rejected"))),
            (tr("report.dispatch.expired"), tr.integer(offers.get("expired"))),
            (tr("report.dispatch.acceptance"), tr.percent(offers.get("acceptance_rate"))),
            (tr("report.dispatch.per_logged_in_h"), tr.number(per_hour.get("per_logged_in_h"), 2)),
            (tr("report.dispatch.per_waiting_h"), tr.number(per_hour.get("per_waiting_h"), 2)),
        ]
        doc.add(Table((tr("report.pay.col_item"), tr("report.pay.col_value")), tuple(rows), (0.6, 0.4)),
                Paragraph(tr("report.dispatch.source", source=offer_source_words(offers.get("source"), tr)),
                          small=True))
    if sanctions.get("total") is not None:
        doc.add(Paragraph(tr(
            "report.dispatch.refusals",
            sanctions=tr.integer(sanctions.get("refusal_sanctions")),
            blocks=tr.integer(sanctions.get("refusal_blocks")),
            hours=tr.hours(sanctions.get("refusal_blocked_h")),
        )))


def _sanctions(doc: Document, content: ReportContent, tr: Translator) -> None:
    timeline = content.sanctions
    summary = content.figures.get("sanctions") or {}
    doc.add(Heading(tr("report.pdf.sanctions_title"), 1, keep=True))
    if summary.get("total") is None:
        doc.add(Paragraph(tr("report.pdf.sanctions_unknown")))
        return
    if timeline is None or timeline.empty:
        doc.add(Paragraph(tr("report.pdf.sanctions_none")))
        return
    doc.add(Paragraph(tr("report.pdf.sanctions_intro", total=tr.integer(summary.get("total")),
                         hours=tr.hours(summary.get("blocked_h")), zone=content.zone)))
    yes_no = {True: tr("common.yes"), False: tr("common.no")}
    rows = tuple(
        (_moment(row.at, content.zone, tr), kind_words(row.kind, tr), rule_words(row.rule, tr),
         yes_no[bool(row.refusal)], tr.hours(row.stated_h),
         tr.hours(row.blocked_h))
        for row in timeline.itertuples()
    )
    header = tuple(tr(f"report.sanctions.{k}") for k in ("at", "kind", "rule", "refusal", "stated", "added"))
    doc.add(Table(header, rows, (0.2, 0.15, 0.29, 0.11, 0.12, 0.13)))


def _gaps(doc: Document, content: ReportContent, tr: Translator) -> None:
    """What the exports left out (the completeness check), each gap with what it blocks."""
    if tr.lang not in content.gaps:
        return
    gaps = content.gaps[tr.lang]
    doc.add(Heading(tr("request.check.title"), 1, keep=True))
    if not gaps:
        doc.add(Paragraph(tr("report.pdf.gaps_none")))
        return
    doc.add(Paragraph(tr("report.pdf.gaps_intro")))
    for gap in gaps:
        doc.add(Paragraph(tr("report.pdf.gap", platform=platform_words(gap.platform, tr),
                             item=tr(f"request.item.{gap.item}.name"), detail=gap.detail, blocks=gap.blocks)))
    doc.add(Paragraph(tr("report.pdf.gaps_letter"), small=True))


def _method(doc: Document, content: ReportContent, tr: Translator) -> None:
    doc.add(Heading(tr("report.pdf.annex_method"), 1, keep=True))
    time = content.figures.get("time") or {}
    for key in ("periods", "logged_in", "waiting", "pay", "net", "minimum", "offers", "sanctions", "unknown"):
        doc.add(Paragraph(tr(f"report.method.{key}")))
        if key == "waiting" and content.reconnect_s is not None:
            doc.add(Paragraph(reconnect_note(content.reconnect_s, time.get("reconnect_added_h"), tr,
                                             "report.method")))
    if time.get("source"):
        doc.add(Paragraph(tr(f"overview.time_source.{time['source']}")))
    shown = {f.key: f for f in headline_figures(content.figures, tr)}
    if "estimate" in shown:
        doc.add(Paragraph(tr("report.method.estimate", rule=shown["estimate"].explanation,
                             band=shown["unpaid_share"].explanation)))
    doc.add(Heading(tr("report.pdf.tz_decisions"), 2), Paragraph(tr("report.method.zones")))
    lines = [line for m in content.manifests for line in zone_lines(m.get("tz_decisions", []), tr)]
    doc.add(*(Paragraph(line, small=True) for line in lines))
    if not lines:
        doc.add(Paragraph(tr("report.pdf.no_tz_decisions"), small=True))


def _sources(doc: Document, content: ReportContent, tr: Translator) -> None:
    doc.add(Heading(tr("report.pdf.annex_sources"), 1, keep=True), Paragraph(tr("report.pdf.sources_intro")))
    if not content.manifests:
        doc.add(Paragraph(tr("report.pdf.no_sources")))
    for manifest in content.manifests:
        received = manifest.get("received")
        doc.add(
            Heading(tr("report.pdf.export", source=manifest.get("source", "?")), 2),
            Paragraph(tr("report.pdf.export_meta",
                         platform=platform_words(manifest.get("platform"), tr),
                         layout=manifest.get("layout", "?"),
                         received=tr.date(received) if received else tr("report.pdf.received_unknown"),
                         written=tr.date(str(manifest.get("written_at", ""))[:10] or None),
                         parser=str(manifest.get("parser_version", "?"))), small=True),
            Paragraph(f"SHA-256 {manifest.get('sha256', '?')}", mono=True),
        )
        rows = tuple(
            (str(item.get("path", "")), tr(f"start.status.{item.get('status', 'unknown')}"),
             str(item.get("sha256") or "—"))
            for item in manifest.get("files", [])
        )
        if rows:
            doc.add(Table((tr("report.pdf.col_file"), tr("report.pdf.col_outcome"), "SHA-256"), rows,
                          (0.34, 0.12, 0.54), mono=(2,)))


def _moment(at: Any, zone: str, tr: Translator) -> str:
    """A moment as local day and minute ("9 Feb 2021 15:28"); the zone is said once, above the table."""
    if at is None or pd.isna(at):
        return tr("report.sanctions.undated")
    local = pd.Timestamp(at).tz_convert(zone)
    return f"{tr.date(local)} {local:%H:%M}"


def _kept(*captions: str | None) -> tuple[str, ...]:
    return tuple(c for c in captions if c)


def _any_number(table: pd.DataFrame, column: str) -> bool:
    """Whether `column` holds at least one known number (a chart of unknowns says nothing)."""
    return column in table.columns and bool(pd.to_numeric(table[column], errors="coerce").notna().any())
