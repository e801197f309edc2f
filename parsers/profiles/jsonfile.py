"""JSON members read safely: a depth limit, duplicate keys, NaN and size refused (security.md B11, B12).

The depth is counted before parsing, outside strings, so a file nested 100,000 deep is refused without
recursion (stdlib `json` would raise `RecursionError`, which is caught too). Records are the whole file
when it is a list (or one object), else the list at the entry's dotted `records` path; nested objects
become dotted column names (`pickup.lat`), lists stay JSON text; `source_row` is a record's 1-based
position.

Example:
    >>> class M:
    ...     path, size = "a.json", 40
    ...     def read_bytes(self): return b'{"data": [{"id": 1, "at": {"lat": 48.5}}]}'
    >>> entry = FileEntry(table="jobs", path="a.json", format="json", records="data", decimal=",")
    >>> json_records(M(), entry, ParseContext("x", "y"))[1]
    [(1, {'id': '1', 'at.lat': '48,5'})]
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime, time
from typing import Any

from parsers.base import Member, ParseContext
from parsers.common.csvfile import MAX_COLUMNS, NULL_TOKENS
from parsers.profiles.model import FileEntry
from toolkit.errors import IngestError

JSON_MAX_BYTES = 64 * 2**20
JSON_MAX_DEPTH = 64
JSON_MAX_VALUES = 2_000_000
"""Values (counted by their separators, before parsing) one JSON file may hold: parsed into Python
objects, each costs about a hundred bytes, so this keeps a file's memory well under a GiB."""


def json_records(member: Member, entry: FileEntry,
                 ctx: ParseContext) -> tuple[list[str], list[tuple[int, dict[str, str | None]]]]:
    """The records of a JSON member flattened to text, numbered from 1, and the union of their keys.

    Example:
        >>> class M:
        ...     path, size = "a.json", 30
        ...     def read_bytes(self): return b'[{"a": {"b": 1}}, 2, {"c": [1]}]'
        >>> ctx = ParseContext("x", "y")
        >>> json_records(M(), FileEntry(table="jobs", path="a.json", format="json"), ctx)
        (['a.b', 'c'], [(1, {'a.b': '1'}), (3, {'c': '[1]'})])
        >>> ctx.issues.issues[0].where()
        'a.json row 2'
    """
    document = json_document(member)
    found = _at_path(document, entry.records, member.path)
    items = found if isinstance(found, list) else [found]
    records: list[tuple[int, dict[str, str | None]]] = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            ctx.issue(member.path, "malformed_row", "a record that is not a JSON object", row=number)
            continue
        flat: dict[str, str | None] = {}
        _flatten(item, "", flat, entry.decimal)
        records.append((number, flat))
    header = list(dict.fromkeys(name for _, r in records for name in r))
    if len(header) > MAX_COLUMNS:
        raise IngestError("too_large", member.path, f"the records have {len(header):,} different fields, "
                          f"more than the {MAX_COLUMNS:,} columns a file of an export can have")
    return header, records


def json_document(member: Member) -> Any:
    """The parsed JSON of a member, refused (`IngestError`) when too large, too deep, with duplicate keys,
    NaN/Infinity, or invalid.

    Example:
        >>> class M:
        ...     path, size = "a.json", 14
        ...     def read_bytes(self): return b'{"a": 1, "a": 2}'
        >>> try:
        ...     json_document(M())
        ... except IngestError as e:
        ...     e.detail
        'an object of the file has the same key twice'
    """
    if member.size > JSON_MAX_BYTES:
        raise IngestError("too_large", member.path, f"the JSON file is over {JSON_MAX_BYTES >> 20} MiB")
    data = member.read_bytes()
    try:
        text = data.decode(json.detect_encoding(data))
    except UnicodeDecodeError as exc:
        raise IngestError("unreadable", member.path,
                          f"the file is not UTF-8 text ({type(exc).__name__})") from exc
    if text.count(",") + text.count(":") > JSON_MAX_VALUES:
        raise IngestError("too_large", member.path, f"the JSON file holds more than {JSON_MAX_VALUES:,} "
                          "values, more than one worker's export has; it is not read")
    try:
        document = json.loads(text.lstrip("\ufeff"), object_pairs_hook=_no_duplicates,
                              parse_constant=_no_constant, parse_float=_finite)
    except _DuplicateKey as exc:
        raise IngestError("unreadable", member.path, "an object of the file has the same key twice") from exc
    except _BadConstant as exc:
        raise IngestError("unreadable", member.path, "the file holds NaN or an infinite number, which "
                          "JSON does not allow") from exc
    except RecursionError as exc:
        raise IngestError("unreadable", member.path, f"the JSON nests deeper than {JSON_MAX_DEPTH} "
                          "levels") from exc
    except ValueError as exc:
        raise IngestError("unreadable", member.path,
                          f"the file is not valid JSON ({type(exc).__name__})") from exc
    if _depth(document) > JSON_MAX_DEPTH:
        raise IngestError("unreadable", member.path, f"the JSON nests deeper than {JSON_MAX_DEPTH} levels")
    return document


def guess_records(member: Member) -> str:
    """For a JSON file that is an object, the dotted path of the first list of objects in it, breadth
    first ('' when the file is a list, or holds none); a proposal for the entry's `records`.

    Example:
        >>> class M:
        ...     path, size = "a.json", 50
        ...     def read_bytes(self): return b'{"who": {"id": 1}, "data": {"rides": [{"id": 2}]}}'
        >>> guess_records(M())
        'data.rides'
    """
    queue: list[tuple[str, Any]] = [("", json_document(member))]
    while queue:
        path, value = queue.pop(0)
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            return path
        if isinstance(value, dict):
            queue += [(f"{path}.{k}" if path else k, v) for k, v in value.items()]
    return ""


def value_text(value: Any, decimal: str) -> str | None:
    """A value read from JSON or a workbook cell as the text a CSV would hold: numbers with `decimal`,
    booleans `true`/`false`, dates ISO, `\\N` and empty as null.

    Example:
        >>> value_text(12.5, ","), value_text(3.0, "."), value_text(True, "."), value_text("", ".")
        ('12,5', '3', 'true', None)
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _number_text(value, decimal)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    text = str(value)
    return None if text in NULL_TOKENS else text


# ---------------------------------------------------------------------------------------------- private


def _depth(document: Any) -> int:
    """How deep arrays and objects nest in a parsed document (walked without recursion, B11)."""
    deepest, pending = 0, [(document, 1)]
    while pending:
        value, level = pending.pop()
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else None
        if children is None:
            continue
        deepest = max(deepest, level)
        if deepest > JSON_MAX_DEPTH:
            return deepest
        pending += [(child, level + 1) for child in children if isinstance(child, dict | list)]
    return deepest


def _at_path(document: Any, path: str, file: str) -> Any:
    found = document
    for part in [p for p in path.split(".") if p] if path else []:
        if not isinstance(found, dict) or part not in found:
            raise IngestError("schema_mismatch", file, "the JSON has no records where the profile's "
                                                       "`records` path points")
        found = found[part]
    return found


def _flatten(item: dict[str, Any], prefix: str, out: dict[str, str | None], decimal: str) -> None:
    for key, value in item.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            _flatten(value, name + ".", out, decimal)
        elif isinstance(value, list):
            out[name] = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        elif isinstance(value, str):
            out[name] = None if value in NULL_TOKENS else value
        else:
            out[name] = value_text(value, decimal)


class _DuplicateKey(ValueError):
    pass


class _BadConstant(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise _BadConstant


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e400 reads as infinity
        raise _BadConstant
    return value


def _number_text(value: int | float, decimal: str) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        text = str(int(value))
    else:
        text = repr(value)
    return text.replace(".", decimal)
