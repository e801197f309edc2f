"""Checking a profile: from parsed TOML to a `Profile`, refusing anything that cannot run, naming the key.

A profile is refused for what it says (an unknown key, a column the table does not have, a unit the
column does not take, a label mapped to a word outside the schema's vocabulary, a required column that
nothing fills, a time zone that is not an IANA name); never for what an export holds, which is checked
when the export is read. Every problem is collected, so one pass shows them all.

Example:
    >>> p = profile_from_dict({"profile": {"name": "demo", "platform": "demo", "source": "synthetic"},
    ...     "files": [{"path": "rides.csv", "table": "jobs", "columns": {"Ride": "job_id"},
    ...                "constants": {"kind": "ride", "status": "completed"}}]})
    >>> p.files[0].pattern
    '(^|/)rides\\\\.csv$'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from parsers.base import pattern_problem
from parsers.common.times import zone_names
from parsers.profiles.model import (
    DECIMALS,
    FORMATS,
    THOUSANDS,
    FileEntry,
    Ignore,
    Profile,
    ProfileError,
    column_type,
    glob_regex,
    unit_factors,
    vocabulary,
)
from toolkit.schema import REQUIRED, TABLES, VOCABULARIES, body_columns

_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")
_PROFILE_KEYS = {"name", "platform", "source", "description", "author", "version", "example", "timezone"}
_FILE_KEYS = {"name", "description", "path", "path_regex", "format", "table", "header", "required",
              "columns", "constants", "units", "values", "timestamp_format", "formats", "timezone",
              "timezone_column", "delimiter", "decimal", "thousands", "sheet", "records"}


def profile_from_dict(data: Mapping[str, Any], origin: str = "profile") -> Profile:
    """Build and check a profile from parsed TOML; raise `ProfileError` naming every bad key.

    Example:
        >>> try:
        ...     profile_from_dict({"profile": {"name": "x", "platform": "x", "source": "s"},
        ...                        "files": [{"path": "a.csv", "table": "jobs", "colums": {}}]})
        ... except ProfileError as e:
        ...     e.problems[0]  # doctest: +ELLIPSIS
        ('files[0].colums', 'unknown key (known: columns, constants, decimal, delimiter, ...)')
    """
    problems: list[tuple[str, str]] = []
    _unknown_keys(data, {"profile", "files", "ignore"}, "", problems)
    head = data.get("profile")
    if not isinstance(head, Mapping):
        raise ProfileError(origin, problems + [("profile", "the [profile] table is missing")])
    _unknown_keys(head, _PROFILE_KEYS, "profile.", problems)
    profile = Profile(
        name=_text(head, "name", "profile.", problems),
        platform=_text(head, "platform", "profile.", problems),
        source=_text(head, "source", "profile.", problems),
        description=_text(head, "description", "profile.", problems),
        author=_text(head, "author", "profile.", problems),
        version=_integer(head, "version", "profile.", problems),
        example=_flag(head, "example", "profile.", problems),
        timezone=_text(head, "timezone", "profile.", problems),
        files=[_entry(item, f"files[{i}]", problems)
               for i, item in enumerate(_tables(data, "files", problems))],
        ignore=[_ignore(item, f"ignore[{i}]", problems)
                for i, item in enumerate(_tables(data, "ignore", problems))],
        origin=origin,
    )
    problems += check_profile_fields(profile)
    if problems:
        raise ProfileError(origin, problems)
    return profile


def check_profile_fields(profile: Profile) -> list[tuple[str, str]]:
    """Every problem of a profile built in code (the app's drafts), as (key, message) pairs.

    Example:
        >>> entry = FileEntry(table="ratings", path="r.csv", columns={"Stars": "rating"})
        >>> problems = check_profile_fields(Profile("x", "x", "s", [entry]))
        >>> [m for _, m in problems]  # doctest: +NORMALIZE_WHITESPACE
        ['table ratings needs scale: map a source column to it or give its value here',
         'table ratings needs rater: map a source column to it or give its value here']
    """
    problems: list[tuple[str, str]] = []
    for key, value in (("name", profile.name), ("platform", profile.platform), ("source", profile.source)):
        if not value.strip():
            problems.append((f"profile.{key}", "missing"))
        elif key != "source" and not _NAME.fullmatch(value):
            problems.append((f"profile.{key}", "use 1-64 lower-case letters, digits, '-', '_' or '.'"))
    if profile.timezone and profile.timezone not in zone_names():
        problems.append(("profile.timezone", "not an IANA time-zone name (for example Europe/Paris or UTC)"))
    if not profile.files:
        problems.append(("files", "a profile needs at least one [[files]] entry"))
    for i, entry in enumerate(profile.files):
        problems += _check_entry(entry, f"files[{i}]")
    for i, ignored in enumerate(profile.ignore):
        problems += _check_pattern(ignored.path, ignored.path_regex, f"ignore[{i}]")
        if not ignored.reason.strip():
            problems.append((f"ignore[{i}].reason", "say why these files are left out"))
    return problems


# ---------------------------------------------------------------------------------------------- private


def _check_entry(entry: FileEntry, key: str) -> list[tuple[str, str]]:
    problems = _check_pattern(entry.path, entry.path_regex, key)
    if entry.table not in TABLES:
        return problems + [(f"{key}.table", f"not a table of the schema ({', '.join(TABLES)})")]
    if entry.format not in FORMATS:
        problems.append((f"{key}.format", f"one of {', '.join(FORMATS)}"))
    problems += _check_format_keys(entry, key)
    columns = body_columns(entry.table)
    seen: dict[str, str] = {}
    for source, target in entry.columns.items():
        where = f"{key}.columns.{_quoted(source)}"
        if target not in columns:
            problems.append((where, f"not a column of table {entry.table}"))
        elif target in seen:
            problems.append((where, f"{target} is already mapped from another column"))
        seen[target] = source
    for target, value in entry.constants.items():
        problems += _check_constant(entry.table, target, value, seen, f"{key}.constants.{target}")
    for target in REQUIRED[entry.table]:
        if target not in seen and target not in entry.constants:
            problems.append((f"{key}.constants", f"table {entry.table} needs {target}: map a source column "
                                                 "to it or give its value here"))
    problems += _check_units(entry, seen, key)
    problems += _check_values(entry, seen, key)
    problems += _check_times(entry, seen, key)
    return problems


def _check_format_keys(entry: FileEntry, key: str) -> list[tuple[str, str]]:
    problems = []
    odd = len(entry.delimiter) != 1 or entry.delimiter in "\"\r\n"
    if entry.delimiter and (entry.format != "csv" or odd):
        problems.append((f"{key}.delimiter", "one character, for csv files only"))
    if entry.decimal not in DECIMALS:
        problems.append((f"{key}.decimal", "'.' or ','"))
    if entry.thousands not in THOUSANDS or (entry.thousands and entry.thousands == entry.decimal):
        problems.append((f"{key}.thousands", "empty, ',', '.', ' ', \"'\" or a non-breaking space, and not "
                                             "the decimal separator"))
    if entry.sheet and entry.format != "xlsx":
        problems.append((f"{key}.sheet", "only for xlsx files"))
    if entry.records and entry.format != "json":
        problems.append((f"{key}.records", "only for json files"))
    return problems


def _check_constant(table: str, target: str, value: Any, mapped: dict[str, str],
                    key: str) -> list[tuple[str, str]]:
    if target not in body_columns(table):
        return [(key, f"not a column of table {table}")]
    if target in mapped:
        return [(key, "also mapped from a source column: keep one")]
    kind = column_type(table, target)
    if kind == "timestamp":
        return [(key, "a time cannot be a constant")]
    if kind in ("float", "int") and (isinstance(value, bool) or not isinstance(value, int | float)):
        return [(key, "a number")]
    if kind == "bool" and not isinstance(value, bool):
        return [(key, "true or false")]
    if kind == "str" and not isinstance(value, str):
        return [(key, "a string")]
    allowed = VOCABULARIES.get((table, target))
    if allowed is not None and value not in allowed:
        return [(key, f"one of {', '.join(allowed)}")]
    return []


def _check_units(entry: FileEntry, mapped: dict[str, str], key: str) -> list[tuple[str, str]]:
    problems = []
    for target, unit in entry.units.items():
        factors = unit_factors(entry.table, target)
        if target not in mapped:
            problems.append((f"{key}.units.{target}", "not mapped from a source column"))
        elif unit not in factors:
            accepted = ", ".join(factors) if factors else "none (this column has no unit)"
            problems.append((f"{key}.units.{target}", f"accepted units: {accepted}"))
    return problems


def _check_values(entry: FileEntry, mapped: dict[str, str], key: str) -> list[tuple[str, str]]:
    problems = []
    for target, mapping in entry.values.items():
        where = f"{key}.values.{target}"
        if target not in mapped:
            problems.append((where, "not mapped from a source column"))
            continue
        kind = column_type(entry.table, target)
        if kind not in ("str", "bool"):
            problems.append((where, "value maps are for labels (states, statuses, categories, true/false)"))
            continue
        allowed = vocabulary(entry.table, target)
        for label, value in mapping.items():
            if not isinstance(value, str) or (allowed is not None and value not in allowed):
                shown = ", ".join(allowed) if allowed else "a string"
                problems.append((f"{where}.{_quoted(label)}", f"one of {shown}"))
    return problems


def _check_times(entry: FileEntry, mapped: dict[str, str], key: str) -> list[tuple[str, str]]:
    problems = []
    if entry.timezone and entry.timezone not in zone_names():
        problems.append((f"{key}.timezone", "not an IANA time-zone name (for example Europe/Paris or UTC)"))
    for fmt in entry.timestamp_format:
        problems += _check_format(fmt, f"{key}.timestamp_format")
    for target, formats in entry.formats.items():
        where = f"{key}.formats.{target}"
        if target not in mapped or column_type(entry.table, target) != "timestamp":
            problems.append((where, "not a time column mapped from a source column"))
        for fmt in formats:
            problems += _check_format(fmt, where)
    return problems


def _check_format(fmt: str, key: str) -> list[tuple[str, str]]:
    if "%" not in fmt or not re.fullmatch(r"(?:[^%]|%[YmdHMSfzbBjpIyaA%])*", fmt):
        return [(key, "a strftime format such as %d/%m/%Y %H:%M (directives %Y %m %d %H %M %S %f %z %b %p)")]
    return []


def _check_pattern(path: str, path_regex: str, key: str) -> list[tuple[str, str]]:
    if bool(path) == bool(path_regex):
        return [(f"{key}.path", "give exactly one of path (a glob) or path_regex")]
    problem = pattern_problem(path_regex or glob_regex(path))
    if problem:
        return [(f"{key}.path_regex" if path_regex else f"{key}.path", problem)]
    return []


def _entry(item: Mapping[str, Any], key: str, problems: list[tuple[str, str]]) -> FileEntry:
    _unknown_keys(item, _FILE_KEYS, key + ".", problems)
    prefix = key + "."
    return FileEntry(
        table=_text(item, "table", prefix, problems),
        path=_text(item, "path", prefix, problems), path_regex=_text(item, "path_regex", prefix, problems),
        format=_text(item, "format", prefix, problems) or "csv",
        name=_text(item, "name", prefix, problems), description=_text(item, "description", prefix, problems),
        header=_strings(item, "header", prefix, problems), required=_flag(item, "required", prefix, problems),
        columns=_string_map(item, "columns", prefix, problems),
        constants=dict(_mapping(item, "constants", prefix, problems)),
        units=_string_map(item, "units", prefix, problems),
        values={t: _string_map(_mapping(item["values"], t, f"{prefix}values.", problems), "", "", problems,
                               f"{prefix}values.{t}")
                for t in _mapping(item, "values", prefix, problems)},
        timestamp_format=_strings(item, "timestamp_format", prefix, problems),
        formats={t: _strings(item["formats"], t, f"{prefix}formats.", problems)
                 for t in _mapping(item, "formats", prefix, problems)},
        timezone=_text(item, "timezone", prefix, problems),
        timezone_column=_text(item, "timezone_column", prefix, problems),
        delimiter=_text(item, "delimiter", prefix, problems),
        decimal=_text(item, "decimal", prefix, problems) or ".",
        thousands=_text(item, "thousands", prefix, problems),
        sheet=_text(item, "sheet", prefix, problems), records=_text(item, "records", prefix, problems),
    )


def _ignore(item: Mapping[str, Any], key: str, problems: list[tuple[str, str]]) -> Ignore:
    _unknown_keys(item, {"path", "path_regex", "reason"}, key + ".", problems)
    return Ignore(reason=_text(item, "reason", key + ".", problems),
                  path=_text(item, "path", key + ".", problems),
                  path_regex=_text(item, "path_regex", key + ".", problems))


def _tables(data: Mapping[str, Any], key: str, problems: list[tuple[str, str]]) -> list[Mapping[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        problems.append((key, f"write each one as a [[{key}]] table"))
        return []
    return value


def _unknown_keys(item: Mapping[str, Any], known: set[str], prefix: str,
                  problems: list[tuple[str, str]]) -> None:
    for name in item:
        if name not in known:
            problems.append((f"{prefix.rstrip('.')}.{name}" if prefix else name,
                             f"unknown key (known: {', '.join(sorted(known))})"))


def _text(item: Mapping[str, Any], name: str, prefix: str, problems: list[tuple[str, str]]) -> str:
    value = item.get(name, "")
    if not isinstance(value, str):
        problems.append((prefix + name, "a string"))
        return ""
    return value


def _integer(item: Mapping[str, Any], name: str, prefix: str, problems: list[tuple[str, str]]) -> int:
    value = item.get(name, 1)
    if isinstance(value, bool) or not isinstance(value, int):
        problems.append((prefix + name, "a whole number"))
        return 1
    return value


def _flag(item: Mapping[str, Any], name: str, prefix: str, problems: list[tuple[str, str]]) -> bool:
    value = item.get(name, False)
    if not isinstance(value, bool):
        problems.append((prefix + name, "true or false"))
        return False
    return value


def _strings(item: Mapping[str, Any], name: str, prefix: str, problems: list[tuple[str, str]]) -> list[str]:
    value = item.get(name, [])
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append((prefix + name, "a string or a list of strings"))
        return []
    return list(value)


def _mapping(item: Mapping[str, Any], name: str, prefix: str,
             problems: list[tuple[str, str]]) -> dict[str, Any]:
    value = item.get(name, {})
    if not isinstance(value, Mapping):
        problems.append((prefix + name, "a table of key = value pairs"))
        return {}
    return dict(value)


def _string_map(item: Mapping[str, Any], name: str, prefix: str, problems: list[tuple[str, str]],
                where: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    given = item if not name else _mapping(item, name, prefix, problems)
    for key, value in given.items():
        if not isinstance(value, str):
            problems.append((f"{where or prefix + name}.{_quoted(key)}", "a string"))
            continue
        out[key] = value
    return out


def _quoted(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else '"' + key.replace('"', '\\"') + '"'
