"""An invoice's records as the gigdata tables: `statements`, `earnings`, `status_segments`.

- each session row -> a `status_segments` row, state `online` (Deliveroo invoices give logged-in time
  without saying how much of it was waiting and how much delivering), `raw_state` `session`; and an
  `earnings` row: category `fare`, classification `deliveroo.session`, `earned_at` = Time In;
- each fee adjustment -> `earnings`: category `incentive` when its category says BONUS, INCENTIVE,
  BOOST, PRIME or PROMO, else `adjustment`; classification = the category as printed (`BONUS INCENTIVE`);
- summary: `Tips` -> `tip` (`deliveroo.tips`), `Transaction fee` -> `fee` (`deliveroo.transaction_fee`,
  negative: it is deducted), a VAT line -> `tax`, `Adjustments` -> `adjustment` only when the invoice has
  no fee-adjustment rows (else it is their sum); `Drop Fees` and `Total` are checks, not lines of pay;
- one `statements` row: the period as local midnights (start of the first day, start of the day after
  the last: a half-open interval), the issuer, the total, the currency.
Lines with no date of their own (tips, fees, undated adjustments) are dated at the period's start.
Zero amounts are not lines of pay and are left out. Every sum the invoice prints is checked against its
lines (`total_mismatch` issues).

Example:
    >>> from parsers.deliveroo.invoice import parse_invoice
    >>> inv = parse_invoice([(1, ["Roofoods Limited",
    ...     "Payment for Services Rendered: 06 January 2020 - 12 January 2020",
    ...     "Tuesday 07 January 2020 20:00 00:01 4.0h 1: £10.00 £10.00",
    ...     "Summary", "Drop Fees £10.00", "Total £10.00"])])
    >>> frames = invoice_frames(inv, "a.pdf", ParseContext("deliveroo", "invoice-pdf"))
    >>> frames["status_segments"][["start_at", "end_at"]].astype(str).values.tolist()
    [['2020-01-07 20:00:00+00:00', '2020-01-08 00:01:00+00:00']]
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pandas as pd

from parsers.base import ParseContext
from parsers.common import amend_tz, dst_note, finish, local_to_utc
from parsers.deliveroo.invoice import Invoice, Session
from parsers.deliveroo.labels import INCENTIVE_WORDS
from toolkit.errors import IngestError

TOLERANCE = 0.005 + 1e-9
"""Printed sums are rounded to the cent."""

SUMMARY_LINES = {"tips": ("tip", "deliveroo.tips"), "transaction_fee": ("fee", "deliveroo.transaction_fee"),
                 "tax": ("tax", "deliveroo.vat"), "adjustments": ("adjustment", "deliveroo.adjustments")}
"""Summary lines that are lines of pay: their category and classification."""


def invoice_frames(invoice: Invoice, file: str, ctx: ParseContext,
                   skip: frozenset[int] = frozenset()) -> dict[str, pd.DataFrame]:
    """The rows of `invoice` (file `file`) for each table; sessions at positions in `skip` are left out
    (a session that another invoice of the upload already bills).

    Example:
        >>> from parsers.deliveroo.invoice import parse_invoice
        >>> inv = parse_invoice([(1, ["Deliveroo France SAS",
        ...     "Prestations du 06 janvier 2020 au 19 janvier 2020", "Résumé", "Pourboires 2,00 €",
        ...     "Total TTC 2,00 €"])])
        >>> invoice_frames(inv, "f.pdf", ParseContext("deliveroo", "x"))["earnings"]["category"].tolist()
        ['tip']
    """
    zone = _zone(invoice, file, ctx)
    currency = _currency(invoice, file, ctx)
    place = _Placer(zone, ctx, file)
    sessions = [s for s in invoice.sessions if s.position not in skip]
    period_start = place.day(invoice.period_start)
    segments = _segments(sessions, place)
    lines = _invoice_lines(invoice, place, currency, period_start, file, ctx)
    earnings = pd.concat([_session_pay(sessions, place, currency), lines], ignore_index=True)
    statement = _statement(invoice, place, currency)
    _check_sums(invoice, file, ctx, _transaction_fee_sign(invoice))
    amend_tz(ctx, file, "Time In/Time Out", dst_note(place.counts))
    return {"statements": statement, "earnings": earnings, "status_segments": segments}


class _Placer:
    """Local wall-clock datetimes of one invoice to UTC, with the DST counts for the manifest."""

    def __init__(self, zone: str, ctx: ParseContext, file: str) -> None:
        self.zone, self.ctx, self.file = zone, ctx, file
        self.counts = {"ambiguous": 0, "nonexistent": 0}

    def times(self, values: list[datetime]) -> pd.Series:
        text = pd.Series([v.strftime("%Y-%m-%d %H:%M:%S") for v in values], dtype="str", name="Time In")
        out, counts = local_to_utc(text, self.zone, self.ctx, self.file)
        self.counts = {k: self.counts[k] + counts[k] for k in self.counts}
        return out.reset_index(drop=True)

    def day(self, value: date | None) -> pd.Timestamp | None:
        if value is None:
            return None
        return self.times([datetime.combine(value, datetime.min.time())]).iloc[0]


def _segments(sessions: list[Session], place: _Placer) -> pd.DataFrame:
    frame = pd.DataFrame({
        "state": "online", "raw_state": "session",
        "start_at": place.times([s.start for s in sessions]),
        "end_at": place.times([s.end for s in sessions]),
        "jobs_reported": pd.Series([s.orders for s in sessions], dtype="Int64"),
        "source_row": pd.Series([s.position for s in sessions], dtype="int64"),
        "extra": [_extra_of(s) for s in sessions],
    }, index=pd.RangeIndex(len(sessions)))
    return finish(frame, "status_segments")


def _session_pay(sessions: list[Session], place: _Placer, currency: str) -> pd.DataFrame:
    paid = [s for s in sessions if s.pay != 0]
    frame = pd.DataFrame({
        "earned_at": place.times([s.start for s in paid]), "amount": [s.pay for s in paid],
        "currency": currency, "category": "fare", "classification": "deliveroo.session",
        "source_row": pd.Series([s.position for s in paid], dtype="int64"),
        "extra": [_extra_of(s) for s in paid],
    }, index=pd.RangeIndex(len(paid)))
    return finish(frame, "earnings")


def _invoice_lines(invoice: Invoice, place: _Placer, currency: str, period_start: pd.Timestamp | None,
                   file: str, ctx: ParseContext) -> pd.DataFrame:
    rows: list[dict[str, object]] = []
    for adj in invoice.adjustments:
        when = place.day(adj.first_day) if adj.first_day else period_start
        category = "incentive" if INCENTIVE_WORDS.search(adj.category) else "adjustment"
        rows.append(_line(when, adj.amount, category, adj.category, adj.position,
                          {"Note": adj.note} if adj.note else None))
    fee_sign = _transaction_fee_sign(invoice)
    for line in invoice.summary:
        if line.key == "adjustments" and invoice.adjustments:
            continue
        if line.key in SUMMARY_LINES:
            amount = -abs(line.amount) if line.key == "transaction_fee" and fee_sign < 0 else line.amount
            rows.append(_line(period_start, amount, *SUMMARY_LINES[line.key], line.position,
                              {"label": line.label}))
        elif line.key is None:
            ctx.issue(file, "unknown_label", "a summary line this parser does not know; it was kept in the "
                      "statement's extra, not counted as pay", row=line.position, column="Summary")
    frame = pd.DataFrame([r for r in rows if r["amount"] != 0],
                         columns=["earned_at", "amount", "category", "classification", "source_row", "extra"])
    frame["currency"] = currency
    frame["earned_at"] = pd.to_datetime(frame["earned_at"], utc=True).astype("datetime64[us, UTC]")
    frame["source_row"] = frame["source_row"].astype("int64")
    return finish(frame, "earnings")


def _line(when: pd.Timestamp | None, amount: float, category: str, classification: str, position: int,
          extra: dict[str, str] | None) -> dict[str, object]:
    return {"earned_at": when, "amount": amount, "category": category, "classification": classification,
            "source_row": position, "extra": json.dumps(extra, ensure_ascii=False) if extra else None}


def _statement(invoice: Invoice, place: _Placer, currency: str) -> pd.DataFrame:
    end = invoice.period_end + timedelta(days=1) if invoice.period_end else None
    extra = {line.label: line.printed for line in invoice.summary if line.key != "total"}
    if invoice.invoice_date:
        extra["Invoice Date"] = invoice.invoice_date
    frame = pd.DataFrame({
        "period_start": [place.day(invoice.period_start)], "period_end": [place.day(end)],
        "issuer": [invoice.market.issuer if invoice.market else "Deliveroo (issuer not named)"],
        "total": [invoice.summary_amount("total")], "currency": [currency],
        "source_row": pd.Series([invoice.period_position], dtype="int64"),
        "extra": [json.dumps(extra, ensure_ascii=False) if extra else None],
    })
    for name in ("period_start", "period_end"):
        frame[name] = pd.to_datetime(frame[name], utc=True).astype("datetime64[us, UTC]")
    return finish(frame, "statements")


def _zone(invoice: Invoice, file: str, ctx: ParseContext) -> str:
    market = invoice.market
    column = "Time In/Time Out"
    if market is None:
        return ctx.zone_for(file, column)
    if market.zone_note and ctx.user_tz:
        ctx.record_tz(file, column, ctx.user_tz, "user", f"zone given with --tz ({market.zone_note})")
        return ctx.user_tz
    detail = f"the invoice is issued by {market.issuer} (market {market.code})"
    if market.zone_note:
        detail += f"; {market.zone_note}"
    elif ctx.user_tz and ctx.user_tz != market.zone:
        detail += f"; --tz {ctx.user_tz} was not used because the invoice states its market"
    ctx.record_tz(file, column, market.zone, "export", detail)
    return market.zone


def _currency(invoice: Invoice, file: str, ctx: ParseContext) -> str:
    if invoice.market is not None:
        if invoice.currencies - {invoice.market.currency}:
            ctx.issue(file, "currency_mismatch", f"amounts carry a currency symbol other than the "
                      f"{invoice.market.currency} of the issuer's market", column="Total")
        return invoice.market.currency
    if len(invoice.currencies) == 1:
        return next(iter(invoice.currencies))
    raise IngestError("schema_mismatch", file, "the invoice names no Deliveroo issuer and its amounts no "
                      "single currency; its currency cannot be told")


def _transaction_fee_sign(invoice: Invoice) -> int:
    """-1 when the transaction fee is to be deducted (printed negative, or printed positive but the
    total only adds up when it is deducted), +1 when the total adds up with it added."""
    fee = invoice.summary_amount("transaction_fee")
    total = invoice.summary_amount("total")
    if fee is None or fee <= 0 or total is None:
        return -1
    rest = _sum_without_fee(invoice)
    return 1 if abs(rest + fee - total) <= TOLERANCE and abs(rest - fee - total) > TOLERANCE else -1


def _sum_without_fee(invoice: Invoice) -> float:
    adjustments = (sum(a.amount for a in invoice.adjustments) if invoice.adjustments
                   else invoice.summary_amount("adjustments") or 0.0)
    return (sum(s.pay for s in invoice.sessions) + adjustments + (invoice.summary_amount("tips") or 0.0)
            + (invoice.summary_amount("tax") or 0.0))


def _check_sums(invoice: Invoice, file: str, ctx: ParseContext, fee_sign: int) -> None:
    fee = invoice.summary_amount("transaction_fee")
    fee_amount = 0.0 if fee is None else (-abs(fee) if fee_sign < 0 else fee)
    sessions = sum(s.pay for s in invoice.sessions)
    checks = [("Drop Fees", "drop_fees", sessions),
              ("Total", "total", _sum_without_fee(invoice) + fee_amount)]
    if invoice.adjustments:
        checks.append(("Adjustments", "adjustments", sum(a.amount for a in invoice.adjustments)))
    for label, key, summed in checks:
        printed = invoice.summary_amount(key)
        if printed is not None and abs(printed - summed) > TOLERANCE:
            ctx.issue(file, "total_mismatch", "the printed sum differs from the sum of the invoice's lines",
                      row=invoice.summary_position(key), column=label)
    if invoice.adjustments and invoice.adjustments_total is not None:
        printed, position = invoice.adjustments_total
        if abs(printed - sum(a.amount for a in invoice.adjustments)) > TOLERANCE:
            ctx.issue(file, "total_mismatch", "the printed sum differs from the sum of the fee adjustments",
                      row=position, column="Total Adjustments")
    if invoice.summary_amount("total") is None:
        ctx.issue(file, "missing_value", "the invoice's total was not found", column="Total")
    if invoice.period_start is None:
        ctx.issue(file, "missing_value", "the invoice's period was not found", column="period")


def _extra_of(session: Session) -> str | None:
    names = {"day": "Day", "session": "Session", "orders_delivered": "Orders Delivered",
             "extra_fees": "extra fees"}
    extra = {names[k]: v for k, v in session.raw.items() if k in names and v}
    return json.dumps(extra, ensure_ascii=False) if extra else None
