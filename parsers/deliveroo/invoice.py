"""Turn the text lines of a Deliveroo rider invoice into records: period, sessions, adjustments, summary.

The layout (§4.1 of the reference, and `labels.py` for the labels per language): a header naming the
issuer and the period; a session table, one row per session (`Day`, `Date`, `Time In`, `Time Out`,
`Session`, `Duration`, `Orders Delivered`, `Total`; a row reads
`Monday 06 January 2020 20:00 20:43 0.7h 1: £10.00 £10.00`, orders and their pay as `orders: amount`);
an optional `Fee Adjustments` table (`Category`, `Note`, `Amount`); a summary (`Drop Fees`, `Tips`,
`Adjustments`, `Transaction fee`, `Total`). The reader is deliberately tolerant: rows are recognised by
their shape (a date, two times, amounts), not by the column header (whose French and Dutch wording is
not known), amounts by a currency symbol before or after (`£10.00`, `€10.00`, `10,00 €`, `-£0.50`).

Positions: every record carries `position = page * 1000 + line` (both 1-based; lines as pdfplumber's
`extract_text` gives them), which becomes `source_row`.

Example:
    >>> inv = parse_invoice([(1, ["Roofoods Limited",
    ...     "Payment for Services Rendered: 06 January 2020 - 12 January 2020",
    ...     "Monday 06 January 2020 20:00 20:43 0.7h 1: £10.00 £10.00",
    ...     "Summary", "Drop Fees £10.00", "Total £10.00"])])
    >>> inv.market.code, inv.period_start.isoformat(), inv.sessions[0].pay, inv.sessions[0].position
    ('GB', '2020-01-06', 10.0, 1003)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from parsers.deliveroo.labels import (
    ADJUSTMENTS_COLUMNS,
    ADJUSTMENTS_HEADING,
    ADJUSTMENTS_TOTAL,
    CURRENCY_SYMBOLS,
    INVOICE_DATE_LABEL,
    MONTHS,
    PERIOD_LABEL,
    SUMMARY_HEADING,
    Market,
    language_of,
    market_of,
    summary_key,
)

Problem = Callable[[str, str, int | None, str | None], None]
"""Called as problem(kind, detail, position, column) for a malformed line (becomes an Issue)."""

_DATE = (r"(?:(?P<d>\d{1,2})(?:er)?\s+(?P<month>[A-Za-zÀ-ÿ]+)\.?\s+(?P<y>\d{4})"
         r"|(?P<nd>\d{1,2})/(?P<nm>\d{1,2})/(?P<ny>\d{4}))")
DATE_RE = re.compile(_DATE)
_TIME = r"(\d{1,2})[:h](\d{2})"
SESSION_RE = re.compile(_DATE + r"\s+(?P<tin>" + _TIME + r")\s+(?P<tout>" + _TIME + r")(?P<rest>.*)$")
MONEY_RE = re.compile(
    r"(?<![\w.,])(?P<s1>[-−–])?(?:(?P<c1>[£€$])\s?)?(?P<s2>[-−–])?"
    r"(?P<n>\d{1,3}(?:[\u00a0\u202f ,.]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)"
    r"(?:\s?(?P<c2>€|EUR|GBP|AUD)\b|\s?(?P<c3>€))?(?![\w%])")
HOURS_RE = re.compile(r"(?<![\w.,])(\d+(?:[.,]\d+)?)\s?h\b")
ORDERS_RE = re.compile(r"(?<![\w.,])(\d+)\s?:\s?(?=[-−£€$\d])")
EXTRA_FEES_RE = re.compile(r"\s*(extra\s+fees?|frais\s+suppl[ée]mentaires|extra\s+vergoeding)", re.IGNORECASE)


@dataclass(frozen=True)
class Money:
    """An amount as printed: its value, currency (None when no symbol) and span in the line."""

    value: float
    currency: str | None
    start: int
    end: int


@dataclass(frozen=True)
class Session:
    """One row of the session table (local wall-clock times; `end` past midnight when Time Out < Time In)."""

    position: int
    start: datetime
    end: datetime
    pay: float
    orders: int | None
    raw: dict[str, str]


@dataclass(frozen=True)
class Adjustment:
    """One row of the fee-adjustments table."""

    position: int
    category: str
    note: str
    amount: float
    first_day: date | None


@dataclass(frozen=True)
class SummaryLine:
    """One line of the summary: `key` says what it is (see `labels.summary_key`), None when unknown."""

    position: int
    key: str | None
    label: str
    amount: float
    printed: str


@dataclass
class Invoice:
    """Everything one invoice states, in local dates and times."""

    market: Market | None
    language: str
    period_start: date | None = None
    period_end: date | None = None
    period_position: int = 0
    invoice_date: str | None = None
    sessions: list[Session] = field(default_factory=list)
    adjustments: list[Adjustment] = field(default_factory=list)
    adjustments_total: tuple[float, int] | None = None
    summary: list[SummaryLine] = field(default_factory=list)
    currencies: set[str] = field(default_factory=set)

    def summary_amount(self, key: str) -> float | None:
        """The amount of the first summary line of kind `key`, or None.

        Example:
            >>> parse_invoice([(1, ["Summary", "Tips £3.00"])]).summary_amount("tips")
            3.0
        """
        return next((s.amount for s in self.summary if s.key == key), None)

    def summary_position(self, key: str) -> int | None:
        """The position of the first summary line of kind `key`, or None.

        Example:
            >>> parse_invoice([(2, ["Summary", "Tips £3.00"])]).summary_position("tips")
            2002
        """
        return next((s.position for s in self.summary if s.key == key), None)

    def looks_like_invoice(self) -> bool:
        """Whether the text had the shape of a Deliveroo invoice at all.

        Example:
            >>> parse_invoice([(1, ["Hotel booking", "Total 80.00"])]).looks_like_invoice()
            False
        """
        return self.market is not None or (self.period_start is not None and (bool(self.sessions)
                                                                              or bool(self.summary)))


def parse_invoice(pages: Sequence[tuple[int, Sequence[str]]], problem: Problem | None = None) -> Invoice:
    """The records of one invoice, from its pages' text lines `[(page_number, lines), ...]`.

    Malformed lines are reported through `problem` (and skipped); nothing is guessed silently.

    Example:
        >>> parse_invoice([(1, ["Prestations du 06 janvier 2020 au 19 janvier 2020"])]).period_end
        datetime.date(2020, 1, 19)
    """
    report: Problem = problem or (lambda kind, detail, position, column: None)
    lines = [(page * 1000 + i, line.strip()) for page, text in pages for i, line in enumerate(text, start=1)]
    whole = "\n".join(text for _, text in lines)
    invoice = Invoice(market=market_of(whole), language=language_of(whole))
    _read_header(invoice, lines)
    section = "sessions"
    last: Adjustment | None = None
    previous = 0
    for position, text in lines:
        if ADJUSTMENTS_HEADING.match(text):
            section, last = "adjustments", None
        elif SUMMARY_HEADING.match(text):
            section = "summary"
        elif section == "sessions":
            _session_line(invoice, position, text, report)
        elif section == "adjustments":
            last = _adjustment_line(invoice, position, text, last if position == previous + 1 else None)
        else:
            _summary_line(invoice, position, text)
        previous = position
    return invoice


def parse_money(text: str) -> list[Money]:
    """Every amount in `text` that is money: with a currency symbol, or with two decimals.

    Example:
        >>> [(m.value, m.currency) for m in parse_money("1: £10.00 -£0.50 12,50 € 0.7h 20:43")]
        [(10.0, 'GBP'), (-0.5, 'GBP'), (12.5, 'EUR')]
    """
    found = []
    for match in MONEY_RE.finditer(text):
        symbol = match.group("c1") or match.group("c2") or match.group("c3")
        number = match.group("n")
        if symbol is None and not re.search(r"[.,]\d{2}$", number):
            continue
        value = _number(number)
        if match.group("s1") or match.group("s2"):
            value = -value
        currency = CURRENCY_SYMBOLS.get(symbol) if symbol else None
        found.append(Money(value, currency, match.start(), match.end()))
    return found


def parse_date(text: str) -> date | None:
    """The first date in `text` (`06 January 2020`, `1er février 2021`, `6 januari 2020`, `06/01/2020`).

    Example:
        >>> parse_date("Lundi 1er février 2021"), parse_date("06/01/2020 -")
        (datetime.date(2021, 2, 1), datetime.date(2020, 1, 6))
    """
    for match in DATE_RE.finditer(text):
        found = _date(match)
        if found is not None:
            return found
    return None


def _read_header(invoice: Invoice, lines: list[tuple[int, str]]) -> None:
    for index, (position, text) in enumerate(lines):
        if invoice.period_start is None and PERIOD_LABEL.search(text):
            dates = _dates(text)
            if len(dates) < 2 and index + 1 < len(lines):
                position, dates = lines[index + 1][0], _dates(lines[index + 1][1])
            if len(dates) >= 2:
                invoice.period_start, invoice.period_end = dates[0], dates[1]
                invoice.period_position = position
        if invoice.invoice_date is None and INVOICE_DATE_LABEL.search(text):
            invoice.invoice_date = INVOICE_DATE_LABEL.split(text, maxsplit=1)[-1].strip(" :")


def _session_line(invoice: Invoice, position: int, text: str, report: Problem) -> None:
    match = SESSION_RE.search(text)
    if match is None:
        return
    day = _date(match)
    rest = match.group("rest")
    amounts = parse_money(rest)
    if day is None or not amounts:
        report("unreadable_row", "a session row without a readable date or pay", position, "Total")
        return
    start = datetime.combine(day, _time(match.group("tin")))
    end = datetime.combine(day, _time(match.group("tout")))
    if end < start:  # Time Out before Time In: the session ran past midnight (§4.1)
        end += timedelta(days=1)
    raw = {"day": text[: match.start()].strip(), "time_in": match.group("tin"),
           "time_out": match.group("tout")}
    orders = ORDERS_RE.search(rest)
    hours = HOURS_RE.search(rest)
    if hours:
        raw["session"] = hours.group(0)
    if orders:
        raw["orders_delivered"] = orders.group(1)
    for money in amounts:
        if EXTRA_FEES_RE.match(rest[money.end:]):
            raw["extra_fees"] = rest[money.start:money.end].strip()
    invoice.currencies.update(m.currency for m in amounts if m.currency)
    invoice.sessions.append(Session(position, start, end, amounts[-1].value,
                                    int(orders.group(1)) if orders else None, raw))


def _adjustment_line(invoice: Invoice, position: int, text: str,
                     last: Adjustment | None) -> Adjustment | None:
    """A fee-adjustment row; a line without an amount right below one continues its note (a wrapped
    `06/01/2020 - 07/01/2020`); anything else (a page header, the column header) is not a row."""
    if ADJUSTMENTS_COLUMNS.match(text):
        return None
    amounts = parse_money(text)
    if ADJUSTMENTS_TOTAL.match(text):
        invoice.adjustments_total = (amounts[-1].value, position) if amounts else None
        return None
    if not amounts:
        if last is None:
            return None
        merged = Adjustment(last.position, last.category, f"{last.note} {text}".strip(), last.amount,
                            last.first_day or parse_date(text))
        invoice.adjustments[-1] = merged
        return merged
    label = text[: amounts[-1].start].strip()
    words = label.split()
    upper = _leading_upper(words)
    invoice.currencies.update(m.currency for m in amounts if m.currency)
    note = " ".join(words[len(upper):])
    row = Adjustment(position, " ".join(upper) or label, note, amounts[-1].value, parse_date(note))
    invoice.adjustments.append(row)
    return row


def _summary_line(invoice: Invoice, position: int, text: str) -> None:
    amounts = parse_money(text)
    if not amounts:
        return
    label = text[: amounts[-1].start].strip()
    if not label:
        return
    invoice.currencies.update(m.currency for m in amounts if m.currency)
    printed = text[amounts[-1].start: amounts[-1].end].strip()
    invoice.summary.append(SummaryLine(position, summary_key(label), label, amounts[-1].value, printed))


def _leading_upper(words: list[str]) -> list[str]:
    out: list[str] = []
    for word in words:
        letters = [c for c in word if c.isalpha()]
        if not letters or not all(c.isupper() for c in letters):
            break
        out.append(word)
    return out


def _dates(text: str) -> list[date]:
    return [d for d in (_date(m) for m in DATE_RE.finditer(text)) if d is not None]


def _date(match: re.Match[str]) -> date | None:
    try:
        if match.group("nd"):
            return date(int(match.group("ny")), int(match.group("nm")), int(match.group("nd")))
        month = MONTHS.get(match.group("month").lower().rstrip("."))
        return date(int(match.group("y")), month, int(match.group("d"))) if month else None
    except ValueError:
        return None


def _time(text: str) -> time:
    hours, minutes = re.split(r"[:h]", text)
    return time(int(hours) % 24, int(minutes))


def _number(text: str) -> float:
    digits = re.sub(r"[\u00a0\u202f ]", "", text)
    decimal = re.search(r"[.,](\d{1,2})$", digits)
    whole = digits[: decimal.start()] if decimal else digits
    whole = re.sub(r"[.,]", "", whole)
    return float(f"{whole}.{decimal.group(1)}") if decimal else float(whole)
