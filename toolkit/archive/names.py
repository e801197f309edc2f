"""Entry names of an export: refused (never fixed) when unsafe, compared as a file system would.

A name is refused when it is absolute, climbs out with '..', hides characters (NUL, controls, backslash,
invalid UTF-8) or is too long or deep for the `Limits`; two names are one when only letter case or Unicode
form tell them apart, and a name cannot be both a file and a folder. Names are printed through `_show`.

Example:
    >>> from toolkit.archive.members import Limits
    >>> _name_problem("../etc/passwd", False, Limits()), _show("a\\x00b")
    ("climbs out of its folder with '..'", 'a\\\\x00b')
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from toolkit.errors import IngestError

if TYPE_CHECKING:
    from toolkit.archive.members import Limits

_DRIVE = re.compile(r"^[A-Za-z]:")


def _check_name(name: str, is_dir: bool, prefix: str, limits: Limits) -> None:
    """Refuse (never fix) a name that is absolute, climbs out, hides characters or is too long."""
    problem = _name_problem(name, is_dir, limits)
    if problem is None and prefix:
        problem = _name_problem(prefix + name, is_dir, limits)
    if problem is not None:
        shown = _show(prefix + name)
        raise IngestError("hostile_archive", shown, f"the entry '{shown}' {problem}, so the export is "
                          "refused as unsafe")


def _name_problem(name: str, is_dir: bool, limits: Limits) -> str | None:
    if name in ("", "/"):
        return "has an empty name"
    if "\0" in name:
        return "contains a NUL character"
    if any(unicodedata.category(c) == "Cc" for c in name):
        return "contains control characters"
    if "\\" in name:
        return "contains a backslash"
    if name.startswith("/"):
        return "is an absolute path"
    if _DRIVE.match(name):
        return "starts with a drive letter"
    try:
        size = len(name.encode("utf-8"))
    except UnicodeEncodeError:
        return "is not valid UTF-8 text"
    parts = (name[:-1] if is_dir and name.endswith("/") else name).split("/")
    if ".." in parts:
        return "climbs out of its folder with '..'"
    if "" in parts or "." in parts:
        return "has an empty or '.' path component"
    if size > limits.max_path_bytes:
        return f"is longer than {limits.max_path_bytes} bytes"
    if any(len(p.encode("utf-8")) > limits.max_component_bytes for p in parts):
        return f"has a component longer than {limits.max_component_bytes} bytes"
    if len(parts) > limits.max_depth:
        return f"has more than {limits.max_depth} path components"
    return None


def _check_collisions(files: list[str], dirs: list[str]) -> None:
    """Two names equal once case and Unicode form are ignored, or a name both file and folder."""
    folders = {_fold(d.rstrip("/")): d for d in dirs}
    for path in files:
        parts = path.split("/")
        folders.update({_fold("/".join(parts[:i])): "/".join(parts[:i]) for i in range(1, len(parts))})
    seen: dict[str, str] = {}
    for path in files:
        key, shown = _fold(path), _show(path)
        if key in seen:
            raise IngestError("hostile_archive", shown, f"the entries '{_show(seen[key])}' and '{shown}' "
                              "have the same name once letter case and Unicode forms are ignored")
        if key in folders:
            raise IngestError("hostile_archive", shown, f"the entry '{shown}' is both a file and a folder")
        seen[key] = path


def _fold(path: str) -> str:
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", path).casefold())


def _show(name: str, width: int = 160) -> str:
    """A name safe to print: invisible characters escaped, long names cut."""
    shown = "".join(c if c.isprintable() else ascii(c)[1:-1] for c in name)
    return shown if len(shown) <= width else shown[: width - 1] + "…"
