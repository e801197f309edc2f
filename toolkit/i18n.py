"""Every word the app and the report show, in English and French, and locale-aware formatting.

The strings live in `toolkit/locales/<lang>/<area>.toml`, one file per part of the app (nested tables; a
key is the dotted path, e.g. `overview.waiting_h.label`; a key given in two files is an error);
placeholders use Python's `{name}` syntax. Numbers, money, percentages and dates are formatted by Babel
with the conventions of the language's locale (`fr`: `1 234,5 €`, `en`: `€1,234.50`).
Unknown values (None, NaN) are shown as an em dash, never as zero.

Example:
    >>> tr = Translator("fr")
    >>> tr("common.language")
    'Langue'
    >>> tr.money(1234.5, "EUR")
    '1\u202f234,50\xa0€'
"""

from __future__ import annotations

import re
import tomllib
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from babel.dates import format_date, format_datetime, get_day_names, get_month_names
from babel.numbers import format_currency, format_decimal, get_decimal_symbol, get_group_symbol

LANGUAGES = ("en", "fr")
"""Languages every string exists in (the first is the default)."""
BABEL_LOCALES = {"en": "en_GB", "fr": "fr_FR"}
"""The Babel locale used to format numbers and dates for each language."""
UNKNOWN = "—"
"""What an unknown figure is shown as (the data cannot tell: never shown as zero)."""

_LOCALES_DIR = Path(__file__).resolve().parent / "locales"


class Translator:
    """The strings and formatters of one language.

    Example:
        >>> Translator("en").percent(0.4567)
        '46%'
    """

    def __init__(self, lang: str) -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"unknown language {lang!r}; known: {LANGUAGES}")
        self.lang = lang
        self.locale = BABEL_LOCALES[lang]

    def __call__(self, key: str, **values: Any) -> str:
        """The string at `key`, its `{placeholders}` filled (a missing key is a bug: KeyError)."""
        return text(key, self.lang, **values)

    def has(self, key: str) -> bool:
        """Whether `key` exists in this language's catalogue."""
        return key in catalogue(self.lang)

    def number(self, value: Any, digits: int = 1) -> str:
        """A number with `digits` decimals, grouped for the locale."""
        return fmt_number(value, self.lang, digits)

    def integer(self, value: Any) -> str:
        """A whole number, grouped for the locale."""
        return fmt_number(value, self.lang, 0)

    def money(self, value: Any, currency: str | None, digits: int = 2) -> str:
        """An amount in `currency` (ISO 4217), or a plain number when the currency is unknown."""
        return fmt_money(value, currency, self.lang, digits)

    def percent(self, share: Any, digits: int = 0) -> str:
        """A share in 0..1 as a percentage."""
        return fmt_percent(share, self.lang, digits)

    def hours(self, value: Any, digits: int = 1) -> str:
        """A number of hours, with the unit."""
        return fmt_hours(value, self.lang, digits)

    def date(self, value: Any) -> str:
        """A calendar date in the locale's medium format."""
        return fmt_date(value, self.lang)

    def month(self, value: Any) -> str:
        """A month and year, abbreviated ("Mar 2024", "mars 2024")."""
        return fmt_month(value, self.lang)

    def datetime(self, value: Any, zone: str = "UTC") -> str:
        """A moment shown in `zone`, with the zone's name."""
        return fmt_datetime(value, self.lang, zone)


def text(key: str, lang: str, **values: Any) -> str:
    """The string at `key` in `lang`, with `{placeholders}` filled from `values`.

    Example:
        >>> text("common.unknown_explained", "en")
        'The data cannot tell.'
    """
    template = catalogue(lang)[key]
    return template.format(**values) if values else template


@lru_cache(maxsize=len(LANGUAGES))
def catalogue(lang: str) -> dict[str, str]:
    """Every string of `lang`, flattened to dotted keys (read once per process; not user data).

    Example:
        >>> catalogue("en")["common.language"]
        'Language'
    """
    flat: dict[str, str] = {}
    for path in sorted((_LOCALES_DIR / lang).glob("*.toml")):
        with open(path, "rb") as handle:
            part: dict[str, str] = {}
            _flatten(tomllib.load(handle), "", part)
        twice = sorted(set(part) & set(flat))
        if twice:
            raise ValueError(f"{path.name}: keys already given in another file of {lang}: {twice[:5]}")
        flat.update(part)
    return flat


def missing_keys() -> dict[str, list[str]]:
    """For each language, the keys another language has and it lacks (empty lists when complete).

    Example:
        >>> missing_keys()
        {'en': [], 'fr': []}
    """
    every = set().union(*(catalogue(lang).keys() for lang in LANGUAGES))
    return {lang: sorted(every - catalogue(lang).keys()) for lang in LANGUAGES}


def fmt_number(value: Any, lang: str, digits: int = 1) -> str:
    """`value` with `digits` decimals for the locale of `lang`; unknown values as an em dash.

    Example:
        >>> fmt_number(1234.56, "fr"), fmt_number(1234.56, "en"), fmt_number(None, "en")
        ('1\u202f234,6', '1,234.6', '—')
    """
    if _unknown(value):
        return UNKNOWN
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(float(value), format=pattern, locale=BABEL_LOCALES[lang])


def fmt_money(value: Any, currency: str | None, lang: str, digits: int = 2) -> str:
    """An amount with its currency sign placed as the locale places it.

    Example:
        >>> fmt_money(12.5, "EUR", "en"), fmt_money(12.5, "EUR", "fr")
        ('€12.50', '12,50\xa0€')
    """
    if _unknown(value):
        return UNKNOWN
    if not currency:
        return fmt_number(value, lang, digits)
    pattern = "¤#,##0" + ("." + "0" * digits if digits > 0 else "")
    if lang == "fr":
        pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "") + "\xa0¤"
    return format_currency(
        float(value), currency, format=pattern, locale=BABEL_LOCALES[lang], currency_digits=False
    )


def fmt_percent(share: Any, lang: str, digits: int = 0) -> str:
    """A share in 0..1 as a percentage for the locale.

    Example:
        >>> fmt_percent(0.256, "en"), fmt_percent(0.256, "fr", 1)
        ('26%', '25,6\u202f%')
    """
    if _unknown(share):
        return UNKNOWN
    return fmt_number(float(share) * 100, lang, digits) + ("\u202f%" if lang == "fr" else "%")


def fmt_hours(value: Any, lang: str, digits: int = 1) -> str:
    """A number of hours with the unit `h`.

    Example:
        >>> fmt_hours(1234.25, "fr")
        '1\u202f234,2\xa0h'
    """
    if _unknown(value):
        return UNKNOWN
    return fmt_number(value, lang, digits) + "\xa0h"


def fmt_date(value: Any, lang: str) -> str:
    """A date (or the date of a timestamp) in the locale's medium format.

    Example:
        >>> fmt_date(date(2024, 3, 5), "fr"), fmt_date("2024-03-05", "en")
        ('5 mars 2024', '5 Mar 2024')
    """
    if _unknown(value):
        return UNKNOWN
    day = value if isinstance(value, date) and not isinstance(value, datetime) else pd.Timestamp(value).date()
    return format_date(day, format="medium", locale=BABEL_LOCALES[lang])


def fmt_month(value: Any, lang: str) -> str:
    """The month of a date or timestamp, abbreviated, with its year.

    Example:
        >>> fmt_month("2024-03-05", "fr"), fmt_month("2024-03-05", "en")
        ('mars 2024', 'Mar 2024')
    """
    if _unknown(value):
        return UNKNOWN
    return format_date(pd.Timestamp(value).date(), format="LLL yyyy", locale=BABEL_LOCALES[lang])


def fmt_datetime(value: Any, lang: str, zone: str = "UTC") -> str:
    """A moment in `zone`, in the locale's medium format, followed by the zone name.

    Example:
        >>> fmt_datetime(pd.Timestamp("2024-03-05 08:30", tz="UTC"), "fr", "Europe/Paris")
        '5 mars 2024, 09:30:00 (Europe/Paris)'
    """
    if _unknown(value):
        return UNKNOWN
    moment = pd.Timestamp(value)
    moment = moment.tz_localize("UTC") if moment.tzinfo is None else moment
    local = moment.tz_convert(zone).to_pydatetime().replace(tzinfo=None)
    return f"{format_datetime(local, format='medium', locale=BABEL_LOCALES[lang])} ({zone})"


def vega_locale(lang: str) -> dict[str, Any]:
    """A Vega-Lite `config.locale` so chart axes follow the language's number and date conventions.

    Example:
        >>> vega_locale("fr")["number"]["decimal"]
        ','
    """
    loc = BABEL_LOCALES[lang]
    group = get_group_symbol(loc)
    months = get_month_names("wide", locale=loc)
    short_months = get_month_names("abbreviated", locale=loc)
    days = get_day_names("wide", locale=loc)
    short_days = get_day_names("abbreviated", locale=loc)
    sunday_first = [6, 0, 1, 2, 3, 4, 5]  # d3 counts weekdays from Sunday, Babel from Monday
    return {
        "number": {
            "decimal": get_decimal_symbol(loc),
            "thousands": group,
            "grouping": [3],
            "currency": ["", "\xa0€"] if lang == "fr" else ["€", ""],
        },
        "time": {
            "dateTime": "%A %e %B %Y, %X" if lang == "fr" else "%a %e %b %Y, %X",
            "date": "%d/%m/%Y",
            "time": "%H:%M:%S",
            "periods": ["AM", "PM"],
            "days": [days[i] for i in sunday_first],
            "shortDays": [short_days[i] for i in sunday_first],
            "months": [months[i] for i in range(1, 13)],
            "shortMonths": [short_months[i] for i in range(1, 13)],
        },
    }


def weekday_names(
    lang: str, width: Literal["abbreviated", "narrow", "short", "wide"] = "abbreviated"
) -> list[str]:
    """Weekday names Monday first, for the language.

    Example:
        >>> weekday_names("fr")[0]
        'lun.'
    """
    names = get_day_names(width, locale=BABEL_LOCALES[lang])
    return [names[i] for i in range(7)]


def _unknown(value: Any) -> bool:
    if value is None or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _flatten(node: dict[str, Any], prefix: str, out: dict[str, str]) -> None:
    for key, value in node.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            _flatten(value, name + ".", out)
        elif isinstance(value, str):
            out[name] = value
        else:
            raise TypeError(f"locale key {name}: strings only, got {type(value).__name__}")


class Note(str):
    """A sentence the toolkit says (an analysis note, a parser's reason, an error's detail) that every
    surface can show in the reader's language.

    It *is* its English text (so logs, JSON and `in` tests read it as before) and it carries its catalogue
    key and values: `say(note, tr)` gives it in `tr`'s language. Keys live under `notes.` in the
    catalogues; numbers among the values are formatted for the language when the note is said.

    Example:
        >>> n = Note("common.unknown_explained")
        >>> n, say(n, Translator("fr"))
        ('The data cannot tell.', 'Les données ne permettent pas de le dire.')
    """

    key: str
    values: dict[str, Any]

    def __new__(cls, key: str, **values: Any) -> Note:
        note = super().__new__(cls, text(key, "en", **values))
        note.key, note.values = key, values
        return note

    def __getnewargs_ex__(self) -> tuple[tuple[str], dict[str, Any]]:  # pickling (processes, caches)
        return (self.key,), self.values


def say(sentence: str, tr: Translator) -> str:
    """`sentence` in `tr`'s language when it is a `Note`, its numbers formatted for the language; a plain
    string as it is (text that comes from the data, never translated).

    Example:
        >>> say(Note("common.unknown_explained"), Translator("en"))
        'The data cannot tell.'
        >>> say("free text", Translator("fr"))
        'free text'
    """
    if not isinstance(sentence, Note):
        return _from_english(sentence, tr) if tr.lang != "en" and isinstance(sentence, str) else sentence
    values = {name: _said(value, tr) for name, value in sentence.values.items()}
    return tr(sentence.key, **values)


def _from_english(sentence: str, tr: Translator) -> str:
    """A plain English note said in `tr`'s language when the catalogues hold its sentence (gettext-style:
    the English text, with its `{placeholders}`, is the key; `notes.` keys); else as it is.

    Example:
        >>> say("1200 job(s) without an acceptance time: P2 starts at the request", Translator("fr"))[:40]
        "courses sans heure d'acceptation : 1\u202f200"
    """
    for pattern, key, names in _note_patterns():
        found = pattern.match(sentence)
        if found is None:
            continue
        values = {name: _value(found.group(f"v{i}"), tr) for i, name in enumerate(names)}
        return tr(key, **values)
    return sentence


def _value(text: str, tr: Translator) -> Any:
    """A captured part of a note: a number formatted for the language, a note said, else the text."""
    try:
        number: float = float(text) if "." in text or "e" in text.lower() else int(text)
    except ValueError:
        return say(text, tr)
    return _said(number, tr) if text.strip() == text and text[:1] not in "+" else text


_COUNTS = frozenset({"n", "total", "lines", "tau", "tau2", "hours", "known", "workers"})
"""Placeholders of the English notes that only ever hold a number."""
_NUMBER = r"-?[\d.,]+"


@lru_cache(maxsize=1)
def _note_patterns() -> list[tuple[re.Pattern[str], str, list[str]]]:
    """(regex of the English sentence, key, placeholder names) of every `notes.` string; longest first,
    so that a specific sentence wins over a general one."""
    out = []
    for key, template in catalogue("en").items():
        if not key.startswith("notes."):
            continue
        parts = re.split(r"\{(\w+)\}", template)
        names = parts[1::2]
        if len("".join(parts[0::2]).strip(" :;,.")) < 12:  # "{worker}: {note}" would match anything
            continue
        regex = "".join(re.escape(part) if i % 2 == 0
                        else f"(?P<v{i // 2}>{_NUMBER if part in _COUNTS else '.+?'})"
                        for i, part in enumerate(parts))
        out.append((re.compile(regex + r"\Z", re.S), key, names))
    return sorted(out, key=lambda item: -len(item[0].pattern))


def _said(value: Any, tr: Translator) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return say(value, tr) if isinstance(value, Note) else value
    if isinstance(value, int):
        return tr.integer(value)
    return tr.number(value, 0 if float(value).is_integer() else 2 if abs(value) < 1 else 1)
