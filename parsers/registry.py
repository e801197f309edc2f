"""Which platform parsers exist, and the rules every export shares.

Example:
    >>> detect_platform(["FR-Paris/02 - Driver Lifetime Trips.csv"]).platform
    'uber'
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from parsers import deliveroo, uber, wolt
from parsers.base import Detection, Rule
from parsers.profiles import LAYOUT_PREFIX, profile_modules

PLATFORM_MODULES: list[ModuleType] = [uber, wolt, deliveroo]
"""Platform parser modules, tried in order by `detect_platform`. Deliveroo comes last: it is known by its
invoice PDFs, and its `prepare` confirms from their text that they are Deliveroo's."""

COMMON_RULES: list[Rule] = [
    Rule(r"(^|/)__MACOSX/", None, "macOS archive metadata, not part of the export"),
    Rule(r"(^|/)\._[^/]*$", None, "macOS resource-fork copy of another file, not part of the export"),
    Rule(r"(^|/)\.DS_Store$", None, "macOS folder settings, not part of the export"),
    Rule(r"(^|/)(Thumbs\.db|desktop\.ini)$", None, "Windows folder settings, not part of the export"),
]
"""Operating-system clutter found in re-packed exports; checked before any platform's rules."""


def is_clutter(path: str) -> bool:
    """Whether `path` is operating-system clutter rather than a file of the export.

    Example:
        >>> is_clutter("__MACOSX/FR-Paris/._02 - Driver Lifetime Trips.csv")
        True
    """
    return any(rule.matches(path) for rule in COMMON_RULES)


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


def module_for(platform: str, layout: str | None = None) -> Any:
    """The parser module that handles `platform` (as named in a Detection); a `profile:<name>` layout
    picks that mapping profile, whatever its platform."""
    if layout is not None and layout.startswith(LAYOUT_PREFIX):
        for profile in profile_modules():
            if layout == profile.LAYOUT:
                return profile
    for module in _detection_order():
        if platform in getattr(module, "PLATFORMS", (module.PLATFORM,)):
            return module
    raise KeyError(platform)


def _detection_order() -> list[Any]:
    by_name = [m for m in PLATFORM_MODULES if m is not deliveroo]
    return [*by_name, *profile_modules(), *[m for m in PLATFORM_MODULES if m is deliveroo]]
