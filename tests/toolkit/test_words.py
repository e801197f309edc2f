"""Every code the schema allows is said in words in both languages (toolkit.words)."""

from __future__ import annotations

import pytest

from toolkit.i18n import LANGUAGES, Translator
from toolkit.schema import JOB_KINDS, JOB_STATUSES, OFFER_OUTCOMES, SANCTION_KINDS
from toolkit.words import job_kind_words, kind_words, outcome_words, rule_words, status_words


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_schema_code_has_words(lang: str) -> None:
    tr = Translator(lang)
    groups = [(SANCTION_KINDS, kind_words, "kind"), (OFFER_OUTCOMES, outcome_words, "outcome"),
              (JOB_STATUSES, status_words, "status"), (JOB_KINDS, job_kind_words, "job_kind")]
    for codes, say, group in groups:
        for code in codes:
            assert tr.has(f"words.{group}.{code}"), (lang, group, code)
            assert say(code, tr) == tr(f"words.{group}.{code}")


def test_rules_in_words_and_unknown_rules_kept_readable() -> None:
    fr, en = Translator("fr"), Translator("en")
    assert rule_words("consecutiveReject", fr) == "refus consécutifs de propositions"
    assert "consecutiveReject" not in rule_words("consecutiveReject", en)
    assert rule_words("nightShiftLimit", fr) == "règle nommée par la plateforme : night shift limit"
    assert rule_words(float("nan"), fr) == "motif non indiqué"
    assert rule_words("  ", en) == "reason not given"
