"""Every column of every table is explained in plain language, in every language."""

from __future__ import annotations

from toolkit.dictionary import describe_table, dictionary, explain, unexplained
from toolkit.i18n import LANGUAGES
from toolkit.schema import TABLES


def test_every_column_is_explained_in_every_language() -> None:
    assert unexplained() == []


def test_the_dictionary_lists_each_column_once_with_its_type() -> None:
    for lang in LANGUAGES:
        frame = dictionary(lang)
        expected = [(t, f.name, str(f.type)) for t, schema in TABLES.items() for f in schema]
        assert list(frame[["table", "column", "arrow_type"]].itertuples(index=False, name=None)) == expected
        assert not frame["type"].str.contains(r"\[|tz=|int64|string", regex=True).any()  # types in words
        assert frame["meaning"].str.len().min() >= 5


def test_table_specific_words_win_over_shared_ones() -> None:
    assert explain("sanctions", "lat", "en") != explain("locations", "lat", "en")
    assert explain("earnings", "currency", "fr") == explain("jobs", "currency", "fr")
    assert describe_table("jobs", "fr") != describe_table("jobs", "en")
