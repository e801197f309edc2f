"""What a profile would make of an export, without writing anything: `gigdata profile check`.

`check_profile` runs the profile's module over the export exactly as the ingest would (archive checks,
header assignment, handlers, `conform`), in lenient mode, and reports per file: which entry read it (or
why none could), the rows per table, the first rows of each table, and the issues met. It also lists the
profile's entries that found no file and the files no rule knows, so a profile's author sees what it
misses before anyone ingests with it.

Example:
    >>> from parsers.profiles.files import BUILTIN_DIR, load_profile
    >>> result = check_profile(load_profile(BUILTIN_DIR / "example-courier.toml"), "/no/such.zip")
    >>> result.error["kind"]
    'not_found'
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pyarrow as pa

from parsers.base import Member, ParseContext, first_rule, is_clutter
from parsers.profiles.model import Profile
from parsers.profiles.module import ProfileModule, assign_files
from toolkit.archive import Limits, open_export
from toolkit.errors import IngestError, Issue
from toolkit.schema import TABLES, conform

PREVIEW_ROWS = 5


@dataclass
class FileCheck:
    """What the profile makes of one file: status `parsed`, `ignored`, `failed` or `missed` (no rule)."""

    path: str
    status: str
    reason: str = ""
    entry: str | None = None
    rows: dict[str, int] = field(default_factory=dict)
    preview: dict[str, pd.DataFrame] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (previews as lists of records, times as ISO text)."""
        return {"path": self.path, "status": self.status, "reason": self.reason, "entry": self.entry,
                "rows": dict(self.rows), "issues": [i.to_dict() for i in self.issues],
                "preview": {t: [{k: None if pd.isna(v) else str(v) for k, v in row.items()}
                                for row in frame.to_dict("records")] for t, frame in self.preview.items()}}


@dataclass
class ProfileCheck:
    """The whole check: per file, the entries that found no file, time-zone decisions, or why the export
    could not be opened at all (`error`)."""

    profile: str
    files: list[FileCheck] = field(default_factory=list)
    unmatched_entries: list[str] = field(default_factory=list)
    tz_decisions: list[dict[str, Any]] = field(default_factory=list)
    error: dict[str, str] | None = None

    @property
    def rows(self) -> dict[str, int]:
        """Rows per table over every file."""
        total: dict[str, int] = {}
        for item in self.files:
            for table, n in item.rows.items():
                total[table] = total.get(table, 0) + n
        return total

    @property
    def missed_files(self) -> list[str]:
        """Files of the export that no entry and no ignore rule of the profile knows."""
        return [f.path for f in self.files if f.status == "missed"]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (what `gigdata profile check --json` prints)."""
        return {"profile": self.profile, "error": self.error, "rows": self.rows,
                "missed_files": self.missed_files, "unmatched_entries": list(self.unmatched_entries),
                "tz_decisions": list(self.tz_decisions), "files": [f.to_dict() for f in self.files]}


def check_profile(profile: Profile, export_path: str | os.PathLike[str], tz: str | None = None,
                  preview_rows: int = PREVIEW_ROWS, limits: Limits | None = None) -> ProfileCheck:
    """Run `profile` over the export at `export_path` (zip or folder) and report, writing nothing.

    Example:
        >>> import pathlib, tempfile
        >>> from parsers.profiles.files import BUILTIN_DIR, load_profile
        >>> root = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (root / "notes.txt").write_text("hello")
        >>> check_profile(load_profile(BUILTIN_DIR / "example-courier.toml"), root).missed_files
        ['notes.txt']
    """
    result = ProfileCheck(profile=profile.name)
    module = ProfileModule(profile)
    try:
        with open_export(export_path, limits) as export:
            members = [m for m in export.members if not is_clutter(m.path)]
            ctx = ParseContext(profile.platform, module.LAYOUT, user_tz=tz)
            assigned, failures = assign_files(profile, members)
            ctx.facts[f"profile:{profile.name}:files"] = (assigned, failures)
            used = set(assigned.values())
            result.unmatched_entries = [e.label for i, e in enumerate(profile.files) if i not in used]
            for member in members:
                result.files.append(_check_member(member, module, ctx, assigned, preview_rows))
            result.tz_decisions = [d.to_dict() for d in ctx.tz_decisions]
    except IngestError as exc:
        result.error = {"kind": exc.kind, "member": exc.member, "detail": exc.detail}
    return result


def _check_member(member: Member, module: ProfileModule, ctx: ParseContext, assigned: dict[str, int],
                  preview_rows: int) -> FileCheck:
    rule = first_rule(module.RULES, member.path)
    if rule is None:
        return FileCheck(member.path, "missed", "no entry or ignore rule of the profile matches this path")
    if rule.handler is None:
        return FileCheck(member.path, "ignored", rule.reason)
    index = assigned.get(member.path)
    outcome = FileCheck(member.path, "parsed", rule.reason,
                        None if index is None else module.profile.files[index].label)
    before = len(ctx.issues.issues)
    frames: dict[str, list[pd.DataFrame]] = {}
    try:
        for batch in rule.handler(member, ctx):
            rows = batch.rows if isinstance(batch.rows, pd.DataFrame) else batch.rows.to_pandas()
            _conform(rows, batch.table, ctx.platform, member.path)
            outcome.rows[batch.table] = outcome.rows.get(batch.table, 0) + len(rows)
            held = frames.setdefault(batch.table, [])
            if sum(len(f) for f in held) < preview_rows:
                held.append(rows.head(preview_rows))
    except IngestError as exc:
        outcome.status, outcome.reason, outcome.rows = "failed", exc.detail, {}
        frames = {}
    outcome.preview = {t: pd.concat(parts).head(preview_rows) for t, parts in frames.items()}
    outcome.issues = ctx.issues.issues[before:]
    return outcome


def _conform(rows: pd.DataFrame, table: str, platform: str, path: str) -> None:
    """Prove the ingest would accept these rows (a `SchemaError` here is a bug of the profile code)."""
    arrow = pa.Table.from_pandas(rows, preserve_index=False)
    for name, value in (("worker_id", "check"), ("platform", platform), ("export_id", "0" * 16),
                        ("source_file", path)):
        arrow = arrow.append_column(name, pa.repeat(pa.scalar(value, pa.string()), arrow.num_rows))
    conform(arrow.select(TABLES[table].names), table)
