"""Letters: a golden text per platform x ground x language, and what every letter must say."""

from __future__ import annotations

import io
import os
from datetime import date
from pathlib import Path

import pdfplumber
import pytest

from toolkit.access.check import Gap
from toolkit.access.letters import (
    ITEMS_OF_GROUND,
    LetterError,
    complaint_letter,
    follow_up_letter,
    reminder_letter,
    request_letter,
)
from toolkit.access.reference import GROUNDS, ITEMS, platform, platforms
from toolkit.access.tracker import Request
from toolkit.i18n import LANGUAGES, Translator, text

GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "letters"
UPDATE = os.environ.get("GIGDATA_UPDATE_GOLDENS") == "1"
ME = {"name": "Alex Martin", "email": "alex@example.org", "account": "alex.driver@example.org",
      "city": "Lyon", "country": "FR", "address": "12 rue de l'Exemple\n69003 Lyon"}
TODAY = date(2026, 12, 4)
CASES = [(p, g, lang) for p in platforms() for g in GROUNDS for lang in LANGUAGES]


def test_every_platform_the_issue_names_has_a_record() -> None:
    assert set(platforms()) == {"uber", "ubereats", "deliveroo", "wolt", "glovo", "bolt", "justeat", "stuart",
                                "amazonflex", "lyft"}


@pytest.mark.parametrize(("key", "ground", "lang"), CASES)
def test_letter_matches_its_golden_text(key: str, ground: str, lang: str) -> None:
    letter = request_letter(key, ground, lang, ME, period=(date(2024, 1, 1), date(2025, 12, 31)), today=TODAY)
    golden = GOLDEN / f"{key}-{ground}-{lang}.txt"
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(letter.text(), encoding="utf-8")
    assert golden.exists(), f"no golden letter {golden.name}: run `make goldens` and review it"
    assert letter.text() == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize(("key", "ground", "lang"), CASES)
def test_letter_names_the_items_of_its_ground_and_where_it_goes(key: str, ground: str, lang: str) -> None:
    letter = request_letter(key, ground, lang, ME, today=TODAY)
    body = letter.text()
    record = platform(key)
    assert letter.items == ITEMS_OF_GROUND[ground]
    for item in letter.items:  # each item's ask, in the letter's order
        assert text(f"request.item.{item}.ask", lang) in body
    positions = [body.index(text(f"request.item.{item}.ask", lang)) for item in letter.items]
    assert positions == sorted(positions)
    for gap in record.known_gaps:
        assert text(f"request.known.{gap}", lang) in body
    if record.webform:
        assert record.webform in body
    elif record.email:
        assert record.email in body
    else:
        assert text("request.letter.via_unknown", lang) in body
    assert ME["name"] in body and ME["email"] in body and ME["account"] in body
    assert text(f"request.ground.{ground}.subject", lang) in body


@pytest.mark.parametrize("lang", LANGUAGES)
def test_directive_letter_cites_article_9_1_and_no_national_law(lang: str) -> None:
    body = request_letter("wolt", "pwd9", lang, ME, today=TODAY).text()
    cited = {"en": "Article 9(1)", "fr": "article 9, paragraphe 1"}[lang]
    assert "2024/2831" in body and cited in body
    others = ("9(2)", "9(3)", "9(4)", "9(5)", "9(6)", "article 9, paragraphe 2", "article 9, paragraphe 6",
              "Code du travail", "loi n°", "Act 20")
    for other in others:
        assert other not in body


def test_grounds_cite_their_articles() -> None:
    assert "Article 15(1)(a) to (h)" in request_letter("uber", "art15", "en", ME).text()
    assert "CSV" in request_letter("uber", "art20", "en", ME).text()
    assert "Article 22(3)" in request_letter("uber", "art22", "en", ME).text()
    assert "article 22, paragraphe 3" in request_letter("uber", "art22", "fr", ME).text()
    assert "article 15, paragraphe 1, points a) à h)" in request_letter("uber", "art15", "fr", ME).text()


def test_letter_refuses_without_name_or_email_and_unknown_inputs() -> None:
    with pytest.raises(LetterError, match="name and e-mail"):
        request_letter("uber", "art15", "en", {"name": "X"})
    with pytest.raises(LetterError, match="ground"):
        request_letter("uber", "art99", "en", ME)
    with pytest.raises(LetterError, match="known: uber"):
        request_letter("doordash", "art15", "en", ME)


def _gap(item: str, detail: str = "the export holds no such file") -> Gap:
    return Gap(item=item, platform="uber", worker="me", blocks="b", detail=detail, known_kept=True,
               source="s")


def test_follow_up_asks_exactly_the_gaps_and_cites_the_first_request() -> None:
    first = Request(id="a1", platform="uber", ground="art15", sent=date(2026, 1, 31), via="webform",
                    period_from=date(2025, 1, 1), period_to=date(2025, 12, 31))
    gaps = [_gap("status_log"), _gap("period", "no row at all for Mar 2025")]
    for lang, first_day in (("en", "31 January 2026"), ("fr", "31 janvier 2026")):
        letter = follow_up_letter(first, gaps, lang, ME, today=TODAY)
        body = letter.text()
        assert letter.items == ("status_log", "period")
        assert first_day in letter.subject and first_day in body
        assert text("request.item.status_log.ask", lang) in body
        assert text("request.item.per_offer_dispatch.ask", lang) not in body
        assert "no row at all for Mar 2025" in body
    assert "1 January 2025 to 31 December 2025" in follow_up_letter(first, gaps, "en", ME).text()
    art22 = Request(id="a2", platform="uber", ground="art22", sent=date(2026, 1, 31), via="webform")
    narrowed = follow_up_letter(art22, [_gap("status_log"), _gap("restrictions")], "en", ME)
    assert narrowed.items == ("restrictions",)  # an Art. 22 request never asked for the status log
    assert "Articles 15(1)(h) and 22 GDPR" in narrowed.text()
    with pytest.raises(LetterError, match="nothing to follow up"):
        follow_up_letter(first, [], "en", ME)


def test_reminder_and_complaint_name_the_due_day_and_the_authorities() -> None:
    late = Request(id="b2", platform="bolt", ground="art15", sent=date(2025, 1, 31), via="email",
                   reminder_sent=date(2025, 3, 10))
    body = reminder_letter(late, "en", ME, today=TODAY).text()
    assert "28 February 2025" in body and "31 January 2025" in body
    complaint = complaint_letter(late, "fr", ME, today=TODAY).text()
    assert "Commission nationale de l'informatique et des libertés" in complaint  # the worker's own country
    assert "Andmekaitse Inspektsioon" in complaint and "Estonie" in complaint  # the lead one, named
    assert "10 mars 2025" in complaint and "28 février 2025" in complaint and "par courriel" in complaint
    abroad = complaint_letter(late, "en", {**ME, "country": "PT"}, today=TODAY).text()
    assert abroad.splitlines()[abroad.splitlines().index("") + 1].startswith("Andmekaitse Inspektsioon")
    with pytest.raises(LetterError, match="the reminder is for the day after"):
        reminder_letter(late, "en", ME, today=date(2025, 2, 28))  # the due day itself: still in time
    assert reminder_letter(late, "en", ME, today=date(2025, 3, 1)).kind == "reminder"
    answered = Request(id="d4", platform="bolt", ground="art15", sent=date(2026, 1, 31), via="email",
                       answered=date(2026, 2, 10))
    with pytest.raises(LetterError, match="follow-up") as refused:
        reminder_letter(answered, "fr", ME, today=TODAY)
    said = refused.value.words(Translator("fr"))
    assert said.startswith("la demande du 31 janvier 2026 a reçu une réponse")
    with pytest.raises(LetterError, match="country"):
        complaint_letter(Request(id="c3", platform="lyft", ground="art15", sent=date(2026, 1, 2), via="app"),
                         "en", {**ME, "country": ""})


def test_pdf_reads_back_as_the_text() -> None:
    letter = request_letter("glovo", "art22", "fr", ME, today=TODAY)
    with pdfplumber.open(io.BytesIO(letter.pdf())) as pdf:
        read = " ".join((page.extract_text() or "") for page in pdf.pages)
    flat = " ".join(read.split())
    assert "gdpr@glovoapp.com" in flat and "Alex Martin" in flat
    assert " ".join(letter.subject.split())[:60] in flat
    assert "« excellence »" in flat  # accents and French quotes survive the fonts


def test_items_of_grounds_are_in_the_vocabulary() -> None:
    assert {i for items in ITEMS_OF_GROUND.values() for i in items} <= set(ITEMS)
    assert set(ITEMS_OF_GROUND) == set(GROUNDS)
