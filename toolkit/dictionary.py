"""The data dictionary: every column of every table explained in plain language, in English and French.

The words live in the locale files (`[tables]` and `[dictionary.<table>]`, with `[dictionary.common]` for
the columns many tables share: provenance, `extra`, `currency`, `job_id`); the column list and types come
from `toolkit.schema.TABLES`, so a column added to the schema without an explanation is caught by the
tests (`unexplained()`).

Example:
    >>> explain("jobs", "fare", "en").startswith("The fare")
    True
    >>> list(dictionary("fr").columns)
    ['table', 'column', 'type', 'meaning', 'arrow_type']
"""

from __future__ import annotations

import pandas as pd

from toolkit.i18n import LANGUAGES, catalogue
from toolkit.schema import TABLES


def explain(table: str, column: str, lang: str) -> str:
    """The plain-language meaning of `table.column` in `lang` (KeyError when it has none).

    Example:
        >>> explain("earnings", "worker_id", "fr").startswith("Le nom")
        True
    """
    strings = catalogue(lang)
    for key in (f"dictionary.{table}.{column}", f"dictionary.common.{column}"):
        if key in strings:
            return strings[key]
    raise KeyError(f"no explanation of {table}.{column} in {lang}")


def describe_table(table: str, lang: str) -> str:
    """What one row of `table` is, in `lang`.

    Example:
        >>> describe_table("offers", "en").startswith("Jobs the app offered")
        True
    """
    return catalogue(lang)[f"tables.{table}"]


def dictionary(lang: str, table: str | None = None) -> pd.DataFrame:
    """Table, column, type in words, meaning and Arrow type of every column (or of one table's), in
    schema order (the Arrow type is for researchers reading the Parquet files).

    Example:
        >>> dictionary("fr", "ratings").iloc[0][["column", "type"]].tolist()
        ['worker_id', 'texte']
    """
    rows = [
        {
            "table": name,
            "column": field.name,
            "type": type_words(str(field.type), lang),
            "meaning": explain(name, field.name, lang),
            "arrow_type": str(field.type),
        }
        for name, schema in TABLES.items()
        if table in (None, name)
        for field in schema
    ]
    return pd.DataFrame(rows, columns=["table", "column", "type", "meaning", "arrow_type"])


def type_words(arrow_type: str, lang: str) -> str:
    """An Arrow type said in words ("timestamp[us, tz=UTC]" -> "date and time, stored in UTC").

    Example:
        >>> type_words("timestamp[us, tz=UTC]", "fr"), type_words("int64", "en")
        ('date et heure, enregistrée en UTC', 'whole number')
    """
    strings = catalogue(lang)
    key = "timestamp" if arrow_type.startswith("timestamp") else arrow_type
    return strings.get(f"dictionary.types.{key}", strings["dictionary.types.other"])


def unexplained() -> list[str]:
    """Every `lang:table.column` (and `lang:table`) that has no explanation; empty when complete.

    Example:
        >>> unexplained()
        []
    """
    missing: list[str] = []
    for lang in LANGUAGES:
        strings = catalogue(lang)
        for name, schema in TABLES.items():
            if not strings.get(f"tables.{name}", "").strip():
                missing.append(f"{lang}:{name}")
            for field in schema:
                try:
                    if not explain(name, field.name, lang).strip():
                        missing.append(f"{lang}:{name}.{field.name}")
                except KeyError:
                    missing.append(f"{lang}:{name}.{field.name}")
    return missing
