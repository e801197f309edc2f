"""The data dictionary: every column of every table explained in plain language, in English and French.

The words live in the locale files (`[tables]` and `[dictionary.<table>]`, with `[dictionary.common]` for
the columns many tables share: provenance, `extra`, `currency`, `job_id`); the column list and types come
from `toolkit.schema.TABLES`, so a column added to the schema without an explanation is caught by the
tests (`unexplained()`).

Example:
    >>> explain("jobs", "fare", "en").startswith("The fare")
    True
    >>> list(dictionary("fr").columns)
    ['table', 'column', 'type', 'meaning']
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
    """Table, column, Arrow type and meaning of every column (or of one table's), in schema order.

    Example:
        >>> dictionary("en", "ratings").iloc[0]["column"]
        'worker_id'
    """
    rows = [
        {
            "table": name,
            "column": field.name,
            "type": str(field.type),
            "meaning": explain(name, field.name, lang),
        }
        for name, schema in TABLES.items()
        if table in (None, name)
        for field in schema
    ]
    return pd.DataFrame(rows, columns=["table", "column", "type", "meaning"])


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
