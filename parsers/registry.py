"""Which platform parsers exist, how an export is recognised, and the rules every export shares.

An export is recognised from its files' names first: each platform module's `detect` looks for the files
it knows (`parsers.base.PlatformModule`). A file that no rule of any parser knows by its name is then
recognised by its header when it holds the columns of a built-in module's `SIGNATURES`: it takes part in
detection, and is read, under the name those columns give it (an export made only of renamed files is
still recognised). An export that holds only customer or account files (an Uber rider's download) is
said to be so, with what to ask the platform for instead (`Recognition.not_work`).

Example:
    >>> detect_platform(["FR-Paris/02 - Driver Lifetime Trips.csv"]).platform
    'uber'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from parsers import deliveroo, uber, wolt
from parsers.base import (
    CLUTTER_RULES,
    Detection,
    Member,
    PlatformModule,
    PlatformParser,
    Rule,
    first_rule,
    first_signature,
    is_clutter,
)
from parsers.common.csvfile import header_cells
from parsers.profiles import LAYOUT_PREFIX, profile_modules

__all__ = ["BY_HEADER", "COMMON_RULES", "PLATFORM_MODULES", "Recognition", "detect_platform", "ignore_rule",
           "is_clutter", "module_for", "recognise", "rule_by_header"]

PLATFORM_MODULES: list[PlatformModule] = [uber, wolt, deliveroo]
"""Platform parser modules, tried in order by `detect_platform`. Deliveroo comes last: it is known by its
invoice PDFs, and its `prepare` confirms from their text that they are Deliveroo's."""

COMMON_RULES: list[Rule] = CLUTTER_RULES
"""Operating-system clutter found in re-packed exports; checked before any platform's rules."""

BY_HEADER = "recognised by its columns, not its name"
"""Said in the reason of every file read under the name its header gives it."""
_HEADER_SUFFIXES = re.compile(r"\.(csv|tsv|txt)$", re.IGNORECASE)


@dataclass(frozen=True)
class Recognition:
    """What an export is: its detection (None if no parser knows it), the files recognised by their
    header (path -> the path they are read as), and, when it holds only customer or account files, the
    message that says so."""

    detection: Detection | None
    by_header: dict[str, str] = field(default_factory=dict)
    not_work: str | None = None


def recognise(members: Sequence[Member]) -> Recognition:
    """Detect the export's platform from its files' names and, for files no parser knows by name, from
    their headers.

    Example:
        >>> import io
        >>> class M:
        ...     path, size = "export/Trip details (Driver)-Table 1.csv", 60
        ...     def open(self): return io.BytesIO(b"request_time,begintrip_time,dropoff_time,status\\n")
        >>> found = recognise([M()])
        >>> found.detection.layout, found.by_header
        ('sar-2016', {'export/Trip details (Driver)-Table 1.csv': 'export/Trip details (Driver).csv'})
    """
    useful = [m for m in members if not is_clutter(m.path)]
    by_header = _read_as(useful)
    paths = [by_header.get(m.path, m.path) for m in useful]
    detection = detect_platform(paths)
    if detection is None:
        return Recognition(None, by_header, _not_work(paths))
    renamed = {read_as: real for real, read_as in by_header.items()}
    evidence = tuple(f"{renamed[e]} ({BY_HEADER}: read as {_name(e)})" if e in renamed else e
                     for e in detection.evidence)
    return Recognition(Detection(detection.platform, detection.layout, evidence), by_header)


def detect_platform(paths: list[str]) -> Detection | None:
    """The platform and layout of an export, from which known files it holds; None if none fits.

    Built-in parsers known by their file names first, then the mapping profiles of
    `parsers.profiles.profile_dirs()` (the synthetic examples never recognise an export), then Deliveroo,
    which claims any export holding PDFs and confirms from their text in `prepare`.
    """
    useful = [p for p in paths if not is_clutter(p)]
    for module in _detection_order():
        found: Detection | None = module.detect(useful)
        if found is not None:
            return found
    return None


def module_for(platform: str, layout: str | None = None) -> PlatformParser:
    """The parser module that handles `platform` (as named in a Detection); a `profile:<name>` layout
    picks that mapping profile, whatever its platform."""
    if layout is not None and layout.startswith(LAYOUT_PREFIX):
        for profile in profile_modules():
            if layout == profile.LAYOUT:
                return profile
    for module in _detection_order():
        if platform in module.PLATFORMS:
            return module
    raise KeyError(platform)


def rule_by_header(rules: list[Rule], path: str, by_header: dict[str, str]) -> Rule | None:
    """The rule for a file recognised by its header (its reason saying so), or None.

    Example:
        >>> rule = rule_by_header(uber.RULES, "a/x.csv", {"a/x.csv": "a/00 - Driver Payments.csv"})
        >>> rule.reason.split("; ")[1]
        'recognised by its columns, not its name (read as 00 - Driver Payments.csv)'
    """
    if path not in by_header:
        return None
    rule = first_rule(rules, by_header[path])
    if rule is None:
        return None
    return Rule(rule.pattern, rule.handler, f"{rule.reason}; {BY_HEADER} (read as {_name(by_header[path])})",
                rule.tables, rule.side)


def ignore_rule(path: str, by_header: dict[str, str] | None = None) -> Rule | None:
    """The rule that ignores `path` on purpose in some parser (clutter first), looking it up under the
    name its header gives it when it has one; None when no parser ignores it. What an export nobody
    recognised says of each of its files.

    Example:
        >>> ignore_rule("Uber Data/Rider/trips_data.csv").side
        'customer'
    """
    looked_up = (by_header or {}).get(path, path)
    for rules in (COMMON_RULES, *(parser.RULES for parser in _detection_order())):
        rule = first_rule(rules, looked_up)
        if rule is not None and rule.handler is None:
            return rule if looked_up == path else rule_by_header(rules, path, {path: looked_up})
        if rule is not None:
            return None
    return None


def _read_as(members: Sequence[Member]) -> dict[str, str]:
    """Files that no parser knows by name but whose header a built-in module's signature fits."""
    parsers = _detection_order()
    modules = [m for m in parsers if isinstance(m, PlatformModule) and m.SIGNATURES]
    out: dict[str, str] = {}
    for member in members:
        if member.size == 0 or not _HEADER_SUFFIXES.search(member.path):
            continue
        if any(first_rule(parser.RULES, member.path) is not None for parser in parsers):
            continue
        header = header_cells(member)
        for module in modules if header else ():
            signature = first_signature(module.SIGNATURES, set(header or ()))
            if signature is not None:
                out[member.path] = signature.path_for(member.path)
                break
    return out


def _not_work(paths: list[str]) -> str | None:
    """The message for an export whose files are only the worker's customer or account data."""
    sides: dict[str, int] = {}
    advice = ""
    for module in PLATFORM_MODULES:
        for path in paths:
            rule = first_rule(module.RULES, path)
            if rule is not None and rule.side in ("customer", "account"):
                sides[rule.side] = sides.get(rule.side, 0) + 1
                advice = advice or module.WORK_DATA
        if sides:
            break
    if not sides:
        return None
    others = sum(first_rule(module.RULES, path) is None for path in paths)
    held = " and ".join(f"{n} {'customer' if side == 'customer' else 'account and profile'} file(s)"
                        for side, n in sorted(sides.items(), key=lambda kv: kv[0] != "customer"))
    what = ("this is your data as a passenger/customer, not as a driver/courier"
            if "customer" in sides else "this export holds only account and profile data, not your data "
            "as a driver/courier")
    unread = f"; {others} other file(s) were not recognised" if others else ""
    return (f"no work data was found: {what} ({held}{unread}; no trips, online/offline log or payments). "
            f"{advice}")


def _name(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def _detection_order() -> list[PlatformParser]:
    by_name: list[PlatformParser] = [m for m in PLATFORM_MODULES if m is not deliveroo]
    last: list[PlatformParser] = [m for m in PLATFORM_MODULES if m is deliveroo]
    return [*by_name, *profile_modules(), *last]
