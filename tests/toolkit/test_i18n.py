"""Strings exist in every language, and numbers, money, shares and dates follow each locale."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from toolkit.i18n import LANGUAGES, Translator, catalogue, fmt_money, fmt_number, fmt_percent, missing_keys

ROOT = Path(__file__).resolve().parents[2]
LITERAL_KEY = re.compile(r"""\btr\(\s*["']([a-z0-9_]+(?:\.[a-z0-9_]+)+)["']""")
NNBSP, NBSP = "\u202f", "\xa0"


def test_every_language_has_every_key() -> None:
    assert missing_keys() == {lang: [] for lang in LANGUAGES}


def test_no_string_is_empty_and_placeholders_match_across_languages() -> None:
    for key, english in catalogue("en").items():
        for lang in LANGUAGES:
            value = catalogue(lang)[key]
            assert value.strip(), f"{lang}:{key} is empty"
            assert sorted(re.findall(r"{(\w+)}", value)) == sorted(re.findall(r"{(\w+)}", english)), key


@pytest.mark.parametrize(
    "source", sorted([*ROOT.glob("pages/*.py"), ROOT / "app.py", *ROOT.glob("toolkit/report/*.py")])
)
def test_every_literal_key_the_code_uses_exists(source: Path) -> None:
    used = set(LITERAL_KEY.findall(source.read_text(encoding="utf-8")))
    for lang in LANGUAGES:
        assert not sorted(used - catalogue(lang).keys()), f"{source.name}: keys missing in {lang}"


@pytest.mark.parametrize(
    ("value", "lang", "digits", "expected"),
    [
        (1234.56, "en", 1, "1,234.6"),
        (1234.56, "fr", 1, f"1{NNBSP}234,6"),
        (0.0, "en", 0, "0"),
        (-3.25, "fr", 2, "-3,25"),
        (None, "en", 1, "—"),
        (float("nan"), "fr", 1, "—"),
    ],
)
def test_numbers_follow_the_locale(value: float | None, lang: str, digits: int, expected: str) -> None:
    assert fmt_number(value, lang, digits) == expected


def test_money_places_the_currency_as_each_locale_does() -> None:
    assert fmt_money(1234.5, "EUR", "en") == "€1,234.50"
    assert fmt_money(1234.5, "EUR", "fr") == f"1{NNBSP}234,50{NBSP}€"
    assert fmt_money(12.0, "GBP", "en") == "£12.00"
    assert fmt_money(12.0, None, "en") == "12.00"  # unknown currency: a plain number, never a guessed sign
    assert fmt_money(None, "EUR", "fr") == "—"


def test_shares_are_percentages() -> None:
    assert fmt_percent(0.256, "en") == "26%"
    assert fmt_percent(0.256, "fr", 1) == f"25,6{NNBSP}%"
    assert fmt_percent(None, "fr") == "—"


def test_dates_and_times_follow_the_locale_and_the_zone() -> None:
    assert Translator("fr").date(date(2024, 3, 5)) == "5 mars 2024"
    assert Translator("en").date("2024-03-05") == "5 Mar 2024"
    assert Translator("en").month("2024-03-05") == "Mar 2024"
    moment = pd.Timestamp("2024-07-01 22:30", tz="UTC")
    assert Translator("fr").datetime(moment, "Europe/Paris").startswith("2 juil. 2024, 00:30")


def test_a_missing_key_is_a_bug_not_a_blank() -> None:
    with pytest.raises(KeyError):
        Translator("en")("overview.no_such_key")
    with pytest.raises(ValueError):
        Translator("de")
