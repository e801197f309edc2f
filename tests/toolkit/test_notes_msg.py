"""The analyses' English notes are said in French: each sentence of the `notes.` catalogue, filled with
values, comes back in French with its values in place and no placeholder left; sentences the catalogue
does not hold stay as they are (never a wrong translation)."""

from __future__ import annotations

import re

import pytest

from toolkit.i18n import Translator, catalogue, say

NOTE_KEYS = sorted(k for k in catalogue("en") if k.startswith("notes."))


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", text))


@pytest.mark.parametrize("key", NOTE_KEYS)
def test_each_note_is_said_in_french_with_its_values(key: str) -> None:
    english, french = catalogue("en")[key], catalogue("fr")[key]
    assert _placeholders(english) == _placeholders(french)
    # "tau" and "tau2" are one number written twice: they get one value
    values = {name: str(17 + sorted({n.rstrip("0123456789") for n in _placeholders(english)}).index(
        name.rstrip("0123456789"))) for name in _placeholders(english)}
    sentence = english.format(**values)
    said = say(sentence, Translator("fr"))
    if len(re.sub(r"\{\w+\}", "", english).strip(" :;,.")) < 12:
        return  # too general to be recognised from its English ("{worker}: {note}"): Note objects say it
    assert said != sentence and "{" not in said
    for value in values.values():
        assert value in said


def test_an_unknown_sentence_stays_as_it_is() -> None:
    assert say("a sentence no catalogue holds", Translator("fr")) == "a sentence no catalogue holds"
    english = "12 job(s) without an acceptance time: P2 starts at the request"
    assert say(english, Translator("en")) == english
