"""The letters: a first request per platform and legal ground, the follow-up asking for what an export left
out, the reminder of an overdue request, and the complaint to a data-protection authority.

A letter is built from the locale strings (`toolkit/locales/<lang>/request.toml`), the platform's record
(`platforms.toml`) and the worker's details kept in their store (`tracker.load_me`); nothing else goes in.
It is one `Letter`, drawn as plain text (to paste into a web form) or as PDF (`toolkit.report.pdf`), so both
say the same. `Letter.items` lists the items asked for, in order: what the golden tests hold.

Example:
    >>> me = {"name": "A. Rider", "email": "a@example.org", "city": "Lyon", "country": "FR"}
    >>> letter = request_letter("deliveroo", "art15", "en", me, today=date(2026, 12, 4))
    >>> letter.subject
    'Request for access to my personal data (Article 15 GDPR)'
    >>> letter.items[:2]
    ('status_log', 'per_offer_dispatch')
    >>> "dpo@deliveroo.com" in letter.text()
    True
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from babel import Locale
from babel.dates import format_date

from toolkit import __version__
from toolkit.access.reference import GROUNDS, Platform, authorities, authority, platform
from toolkit.i18n import Translator
from toolkit.report.document import Document, Heading, Paragraph

if TYPE_CHECKING:
    from toolkit.access.check import Gap
    from toolkit.access.tracker import Request

KINDS = ("request", "follow-up", "reminder", "complaint")
"""The letters gigdata writes."""
ITEMS_OF_GROUND: dict[str, tuple[str, ...]] = {
    "art15": ("status_log", "per_offer_dispatch", "dated_ratings", "trips", "payments", "restrictions", "gps",
              "data_dictionary"),
    "art20": ("status_log", "per_offer_dispatch", "dated_ratings", "trips", "payments", "gps",
              "data_dictionary"),
    "art22": ("per_offer_dispatch", "dated_ratings", "payments", "restrictions"),
    "pwd9": ("status_log", "per_offer_dispatch", "dated_ratings", "restrictions"),
}
"""What each ground's first letter names, as data the analyses need (Art. 20: what was provided or observed;
Art. 22 and the Directive: the data decisions and monitoring rest on)."""


class LetterError(ValueError):
    """A letter that cannot be written yet (the message says what to give first). `key` names the
    reason's words in the locales (`request.error.<key>`, with `values`), for the app."""

    def __init__(self, message: str, key: str = "", **values: str) -> None:
        super().__init__(message)
        self.key, self.values = key, values

    def words(self, tr: Translator) -> str:
        """The reason in the reader's language (the English message when no words are on record)."""
        return tr(f"request.error.{self.key}", **self.values) if self.key and tr.has(
            f"request.error.{self.key}") else str(self)


@dataclass(frozen=True)
class Letter:
    """One letter, ready to draw."""

    lang: str
    kind: str
    platform: str
    ground: str
    sender: tuple[str, ...]
    recipient: tuple[str, ...]
    route: str
    dated: str
    subject: str
    body: tuple[str | tuple[str, ...], ...]
    """Paragraphs; a tuple is a list of points."""
    signature: str
    items: tuple[str, ...] = ()
    footer: str = ""

    def text(self) -> str:
        """The letter as plain text (UTF-8, LF line ends)."""
        parts = ["\n".join(self.sender), "\n".join(self.recipient)]
        if self.route:
            parts.append(self.route)
        parts += [self.dated, self.subject]
        for block in self.body:
            parts.append("\n".join(f"- {point}" for point in block) if isinstance(block, tuple) else block)
        parts.append(self.signature)
        return "\n\n".join(p for p in parts if p) + "\n"

    def pdf(self) -> bytes:
        """The letter as PDF (the report's fonts and page footer)."""
        from toolkit.report.pdf import render_pdf

        blocks: list[Heading | Paragraph] = [Paragraph("\n".join(self.sender)),
                                             Paragraph("\n".join(self.recipient))]
        if self.route:
            blocks.append(Paragraph(self.route, small=True))
        blocks += [Paragraph(self.dated), Heading(self.subject, level=3)]
        for block in self.body:
            if isinstance(block, tuple):
                blocks.extend(Paragraph(f"•  {point}") for point in block)
            else:
                blocks.append(Paragraph(block))
        blocks.append(Paragraph(self.signature))
        return render_pdf(Document(self.lang, self.subject, self.footer, list(blocks)))


def request_letter(platform_key: str, ground: str, lang: str, me: dict[str, str],
                   period: tuple[date, date] | None = None, today: date | None = None) -> Letter:
    """The first request to `platform_key` on `ground`, for the period given (else the whole tenure)."""
    tr, record = _start(platform_key, ground, lang, me)
    items = ITEMS_OF_GROUND[ground]
    body: list[str | tuple[str, ...]] = [tr("request.letter.greeting"),
                                         tr("request.letter.who", platform=record.name.split(" (")[0]),
                                         tr(f"request.ground.{ground}.intro"),
                                         _points(tr, [_ask(tr, item) for item in items]),
                                         _period(tr, period),
                                         tr(f"request.ground.{ground}.extra")]
    body += _known_gaps(tr, record)
    body += [tr("request.letter.format"), tr("request.letter.deadline"), tr("request.letter.closing")]
    return _letter(tr, "request", record, ground, me, tr(f"request.ground.{ground}.subject"), body, items,
                   today)


def follow_up_letter(first: Request, gaps: list[Gap], lang: str, me: dict[str, str],
                     today: date | None = None) -> Letter:
    """The letter asking for exactly what the export left out (`check.check`), citing the first request."""
    if not gaps:
        raise LetterError("the export lacks nothing the analyses need: there is nothing to follow up",
                          "nothing_to_follow")
    tr, record = _start(first.platform, first.ground, lang, me)
    asked = [g for g in gaps if g.item in (*ITEMS_OF_GROUND[first.ground], "period")]
    if not asked:
        raise LetterError(f"the export lacks nothing the request of {first.sent} asked for",
                          "nothing_to_follow")
    article = tr(f"request.ground.{first.ground}.article")
    points = _points(tr, [_gap_point(tr, gap, first) for gap in asked])
    body: list[str | tuple[str, ...]] = [tr("request.letter.greeting"),
                                         tr("request.letter.followup_intro", first=_day(tr, first.sent),
                                            article=article), points,
                                         tr("request.letter.followup_close", article=article),
                                         tr("request.letter.closing")]
    subject = tr("request.letter.followup_subject", first=_day(tr, first.sent), article=article)
    return _letter(tr, "follow-up", record, first.ground, me, subject, body,
                   tuple(g.item for g in asked), today)


def reminder_letter(request: Request, lang: str, me: dict[str, str], today: date | None = None) -> Letter:
    """The reminder of a request whose answer period has ended (LetterError before, or once answered)."""
    tr, record = _start(request.platform, request.ground, lang, me)
    if request.answered is not None:
        raise LetterError(f"the request of {request.sent} was answered on {request.answered}: "
                          "write the follow-up letter for what the answer lacks", "answered",
                          sent=_day(tr, request.sent), answered=_day(tr, request.answered))
    if (today or date.today()) <= request.due:
        raise LetterError(f"the platform has until {request.due} to answer the request of {request.sent}: "
                          "the reminder is for the day after", "not_due", due=_day(tr, request.due),
                          sent=_day(tr, request.sent))
    article = tr(f"request.ground.{request.ground}.article")
    body: list[str | tuple[str, ...]] = [
        tr("request.letter.greeting"),
        tr("request.letter.reminder_intro", first=_day(tr, request.sent), article=article,
           due=_day(tr, request.due)),
        tr(f"request.ground.{request.ground}.intro"),
        _points(tr, [_ask(tr, item) for item in ITEMS_OF_GROUND[request.ground]]),
        _period(tr, _asked(request)),
        tr("request.letter.reminder_close"), tr("request.letter.closing")]
    subject = tr("request.letter.reminder_subject", first=_day(tr, request.sent), article=article)
    return _letter(tr, "reminder", record, request.ground, me, subject, body,
                   ITEMS_OF_GROUND[request.ground], today)


def complaint_letter(request: Request, lang: str, me: dict[str, str], gaps: list[Gap] | None = None,
                     today: date | None = None) -> Letter:
    """The complaint draft to the authority of the worker's country (Art. 77), naming the lead one."""
    tr, record = _start(request.platform, request.ground, lang, me)
    country = (me.get("country") or "").lower()
    lead_key = record.lead_authority
    to_key = country if country in authorities() else lead_key
    if not to_key:
        raise LetterError(f"no authority on record for country {country.upper() or '(none given)'} nor for "
                          f"{record.name}'s main establishment: give your country with "
                          f"`gigdata request me --country XX`", "no_authority")
    to = authority(to_key)
    article = tr(f"request.ground.{request.ground}.article")
    via = tr(f"request.letter.by_{request.via}")
    body: list[str | tuple[str, ...]] = [
        tr("request.letter.greeting"),
        tr("request.letter.complaint_intro", controller=record.controller or record.shown(tr.lang),
           platform=record.shown(tr.lang)),
        tr("request.letter.complaint_facts", first=_day(tr, request.sent), article=article, via=via,
           due=_day(tr, request.due))]
    if request.reminder_sent is not None:
        body.append(tr("request.letter.complaint_reminded", reminded=_day(tr, request.reminder_sent)))
    items: tuple[str, ...] = ()
    if request.answered is None:
        body.append(tr("request.letter.complaint_no_answer"))
    elif asked := [g for g in gaps or [] if g.item in (*ITEMS_OF_GROUND[request.ground], "period")]:
        body += [tr("request.letter.complaint_answered", answered=_day(tr, request.answered)),
                 _points(tr, [_gap_point(tr, gap, request) for gap in asked])]
        items = tuple(g.item for g in asked)
    if lead_key and lead_key != to_key:
        body.append(tr("request.letter.complaint_lead", country=_country(lead_key, lang),
                       lead=authority(lead_key).shown(lang)))
    body += [tr("request.letter.complaint_ask"), tr("request.letter.complaint_attach"),
             tr("request.letter.closing")]
    subject = tr("request.letter.complaint_subject", controller=record.controller or record.shown(lang))
    recipient = (to.shown(lang), *to.address.splitlines())
    route = (tr("request.letter.via_webform", url=to.webform) if to.webform
             else tr("request.letter.via_email", email=to.email) if to.email else "")
    return Letter(lang=lang, kind="complaint", platform=record.key, ground=request.ground,
                  sender=_sender(tr, me), recipient=recipient, route=route, dated=_dated(tr, me, today),
                  subject=subject, body=tuple(body), signature=me["name"], items=items,
                  footer=tr("request.letter.footer", version=__version__))


# ---------------------------------------------------------------------------------------------- private


def _start(platform_key: str, ground: str, lang: str, me: dict[str, str]) -> tuple[Translator, Platform]:
    if ground not in GROUNDS:
        raise LetterError(f"ground {ground!r}: one of {', '.join(GROUNDS)}")
    try:
        record = platform(platform_key)
        tr = Translator(lang)
    except ValueError as exc:
        raise LetterError(str(exc)) from exc
    check_me(me)
    return tr, record


def check_me(me: dict[str, str]) -> None:
    """LetterError unless the details name the worker and give an e-mail (what identifies them)."""
    if not me.get("name") or not me.get("email"):
        raise LetterError("your name and e-mail are needed to identify you: give them first with "
                          "`gigdata request me --name … --email …` (they stay in your store)", "need_details")


def _letter(tr: Translator, kind: str, record: Platform, ground: str, me: dict[str, str], subject: str,
            body: list[str | tuple[str, ...]], items: tuple[str, ...], today: date | None) -> Letter:
    recipient = (record.controller or record.shown(tr.lang), *record.address.splitlines())
    return Letter(lang=tr.lang, kind=kind, platform=record.key, ground=ground, sender=_sender(tr, me),
                  recipient=recipient, route=_route(tr, record), dated=_dated(tr, me, today), subject=subject,
                  body=tuple(b for b in body if b), signature=me["name"], items=items,
                  footer=tr("request.letter.footer", version=__version__))


def _sender(tr: Translator, me: dict[str, str]) -> tuple[str, ...]:
    lines = [me["name"], *(me.get("address") or "").splitlines(),
             tr("request.letter.email", email=me["email"])]
    if me.get("account"):
        lines.append(tr("request.letter.account", account=me["account"]))
    return tuple(line for line in lines if line.strip())


def _dated(tr: Translator, me: dict[str, str], today: date | None) -> str:
    day = _day(tr, today or date.today())
    city = (me.get("city") or "").strip()
    return tr("request.letter.place_date", city=city, date=day) if city else tr("request.letter.date_only",
                                                                                  date=day)


def _route(tr: Translator, record: Platform) -> str:
    if record.webform:
        return tr("request.letter.via_webform", url=record.webform)
    if record.email:
        return tr("request.letter.via_email", email=record.email)
    return tr("request.letter.via_unknown")


def _ask(tr: Translator, item: str) -> str:
    return tr(f"request.item.{item}.ask")


def _points(tr: Translator, texts: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Points of a list as a letter writes them: each ends with a semicolon, the last with a full stop."""
    return tuple(point + (tr("request.letter.point_end") if n < len(texts) - 1 else ".")
                 for n, point in enumerate(texts))


def _day(tr: Translator, day: date) -> str:
    """A date as a letter writes it, in full ("4 December 2026", "4 décembre 2026")."""
    written = format_date(day, "long", locale=tr.locale)
    return "1er" + written[1:] if tr.lang == "fr" and day.day == 1 else written


def _period(tr: Translator, period: tuple[date, date] | None) -> str:
    if period is None:
        return tr("request.letter.period_all")
    return tr("request.letter.period", start=_day(tr, period[0]), end=_day(tr, period[1]))


def _asked(request: Request) -> tuple[date, date] | None:
    if request.period_from is None or request.period_to is None:
        return None
    return request.period_from, request.period_to


def _gap_point(tr: Translator, gap: Gap, first: Request) -> str:
    asked = _asked(first)
    if gap.item == "period" and asked is not None:
        what = tr("request.letter.followup_period", start=_day(tr, asked[0]), end=_day(tr, asked[1]))
    else:
        what = tr(f"request.item.{gap.item}.ask")
    return f"{what} ({gap.detail})"


def _known_gaps(tr: Translator, record: Platform) -> list[str | tuple[str, ...]]:
    if not record.known_gaps:
        return []
    return [tr("request.known.intro", platform=record.shown(tr.lang)),
            _points(tr, [tr(f"request.known.{key}") for key in record.known_gaps])]


def _country(code: str, lang: str) -> str:
    return str(Locale.parse(lang).territories.get(code.upper(), code.upper()))

