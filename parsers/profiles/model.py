"""What a mapping profile says: `Profile`, its `FileEntry`s and `Ignore` rules, and the column facts they
rely on (units a column takes, its type, its vocabulary).

A profile (a TOML file, see `docs/profiles.md`) describes the export of a platform whose layout is not
publicly documented, as someone who received one saw it: which files, which table each fills, which
source column goes to which schema column, in which units, time zone and date format, and which source
labels mean which state or status. `parsers.profiles.validate` builds one from TOML and checks it.

Example:
    >>> entry = FileEntry(table="jobs", path="rides-*.csv", columns={"Ride": "job_id"})
    >>> entry.pattern, entry.signature
    ('(^|/)rides\\\\-[^/]*\\\\.csv$', ['Ride'])
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from toolkit.schema import TABLES, VOCABULARIES

FORMATS = ("csv", "xlsx", "json")
"""File formats a profile can read."""
DECIMALS = (".", ",")
THOUSANDS = ("", ",", ".", " ", "'", "\u00a0", "\u202f")
RAW_COMPANIONS: dict[tuple[str, str], str] = {
    ("jobs", "status"): "raw_status",
    ("status_segments", "state"): "raw_state",
    ("offers", "outcome"): "raw_outcome",
    ("locations", "online"): "raw_status",
    ("earnings", "category"): "classification",
}
"""Where the source label of a mapped vocabulary column is kept too, unless the profile maps it itself."""

_DISTANCE = {"m": 1.0, "km": 1000.0, "mi": 1609.344, "miles": 1609.344, "ft": 0.3048}
_DURATION = {"s": 1.0, "ms": 0.001, "min": 60.0, "h": 3600.0, "hms": 1.0}
_MINUTES = {"min": 1.0, "s": 1 / 60, "h": 60.0, "ms": 1 / 60000}
_SPEED = {"m/s": 1.0, "km/h": 1 / 3.6, "mph": 1609.344 / 3600}
_MONEY = {"units": 1.0, "cents": 0.01}
_DEGREES = {"deg": 1.0, "e7": 1e-7}
_EPOCHS = ("epoch_s", "epoch_ms")
_MONEY_COLUMNS = ("fare", "amount", "total", "fares")


class ProfileError(ValueError):
    """A profile that cannot be run; `problems` holds (key, message) pairs, every one found.

    Example:
        >>> str(ProfileError("x.toml", [("profile.name", "missing")]))
        'x.toml: profile.name: missing'
    """

    def __init__(self, origin: str, problems: list[tuple[str, str]]) -> None:
        super().__init__("\n".join(f"{origin}: {key}: {message}" for key, message in problems))
        self.origin = origin
        self.problems = problems


@dataclass
class FileEntry:
    """One kind of file of the export and how it maps into one table (see docs/profiles.md)."""

    table: str
    path: str = ""
    path_regex: str = ""
    format: str = "csv"
    name: str = ""
    description: str = ""
    header: list[str] = field(default_factory=list)
    required: bool = False
    columns: dict[str, str] = field(default_factory=dict)
    constants: dict[str, Any] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    timestamp_format: list[str] = field(default_factory=list)
    formats: dict[str, list[str]] = field(default_factory=dict)
    timezone: str = ""
    timezone_column: str = ""
    delimiter: str = ""
    decimal: str = "."
    thousands: str = ""
    sheet: str = ""
    records: str = ""

    @property
    def pattern(self) -> str:
        """The regular expression matched against a file's path inside the export (any case)."""
        return self.path_regex or glob_regex(self.path)

    @property
    def label(self) -> str:
        """How the entry is named to the user."""
        return self.name or self.path or self.path_regex

    @property
    def signature(self) -> list[str]:
        """Columns a file's header must hold to be read by this entry (default: every mapped column)."""
        return list(self.header) or list(self.columns)

    def target_source(self, target: str) -> str | None:
        """The source column mapped to `target`, if any."""
        return next((s for s, t in self.columns.items() if t == target), None)


@dataclass
class Ignore:
    """Files of the export left out on purpose, and why."""

    reason: str
    path: str = ""
    path_regex: str = ""

    @property
    def pattern(self) -> str:
        """The regular expression matched against a file's path."""
        return self.path_regex or glob_regex(self.path)


@dataclass
class Profile:
    """A whole mapping profile. `origin` and `sha256` say which file it was read from (not in the TOML)."""

    name: str
    platform: str
    source: str
    files: list[FileEntry]
    description: str = ""
    author: str = ""
    version: int = 1
    example: bool = False
    timezone: str = ""
    ignore: list[Ignore] = field(default_factory=list)
    origin: str = field(default="", compare=False)
    sha256: str = field(default="", compare=False)


def glob_regex(pattern: str) -> str:
    """A path glob (`*` within a folder, `**/` any folders, `?` one character) as the regular expression
    that matches the whole path or its end after a `/`.

    Example:
        >>> glob_regex("**/rides-*.csv")
        '(^|/)(.*/)?rides\\\\-[^/]*\\\\.csv$'
    """
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        else:
            char = pattern[i]
            out.append("[^/]*" if char == "*" else "[^/]" if char == "?" else re.escape(char))
            i += 1
    return "(^|/)" + "".join(out) + "$"


def normalise(name: str) -> str:
    """A column name as compared: case-folded, spaces collapsed.

    Example:
        >>> normalise("  Order\\u00a0 ID ")
        'order id'
    """
    return " ".join(name.split()).casefold()


def unit_factors(table: str, target: str) -> dict[str, float]:
    """The units a column accepts and their factor to the schema's unit ({} when it takes none).

    Example:
        >>> unit_factors("jobs", "job_distance_m")["km"], unit_factors("jobs", "status")
        (1000.0, {})
    """
    if target.startswith("minutes_"):
        return dict(_MINUTES)
    if target == "speed_mps":
        return dict(_SPEED)
    if target.endswith("_m"):
        return dict(_DISTANCE)
    if target.endswith("_s"):
        return dict(_DURATION)
    if target in _MONEY_COLUMNS:
        return dict(_MONEY)
    if target.endswith(("_lat", "_lon")) or target in ("lat", "lon"):
        return dict(_DEGREES)
    if column_type(table, target) == "timestamp":
        return dict.fromkeys(_EPOCHS, 1.0)
    return {}


def column_type(table: str, target: str) -> str:
    """`timestamp`, `float`, `int`, `bool` or `str`: how a source string becomes this column.

    Example:
        >>> column_type("jobs", "fare"), column_type("locations", "online")
        ('float', 'bool')
    """
    kind = TABLES[table].field(target).type
    if pa.types.is_timestamp(kind):
        return "timestamp"
    if pa.types.is_floating(kind):
        return "float"
    if pa.types.is_integer(kind):
        return "int"
    if pa.types.is_boolean(kind):
        return "bool"
    return "str"


def vocabulary(table: str, target: str) -> tuple[str, ...] | None:
    """The values a column may hold, when it has a controlled vocabulary (`true`/`false` for booleans).

    Example:
        >>> vocabulary("ratings", "rater")
        ('customer', 'merchant', 'unknown')
    """
    if column_type(table, target) == "bool":
        return ("true", "false")
    return VOCABULARIES.get((table, target))
