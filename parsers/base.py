"""What every platform parser shares: handler rules, the parse context, batches.

A platform module (e.g. `parsers.uber`) exposes:
- `PLATFORM` (its default platform name) and `detect(paths) -> Detection | None`, which recognises the
  export from which known files are present;
- `prepare(export, ctx)`, optional, which gathers export-wide facts before any file is parsed (the time
  zone that the export itself states, for one);
- `RULES`, the ordered handler table: the first rule whose pattern matches a file's path decides what
  becomes of it: parsed by its handler, or ignored with the rule's reason.

A handler is `handler(member, ctx) -> Iterator[Batch]`. A batch is one table's rows, as a pandas frame or
Arrow table holding the table's body columns (`toolkit.schema.body_columns`) plus `source_row` (1-based
line of the record in the source file, header = line 1) and `extra` (JSON of the source columns the model
has no place for, or null). The ingest adds the rest of the provenance and conforms the batch. Large files
are yielded in several batches so memory stays flat.

Example:
    >>> rule = Rule(r"(^|/)\\d+[a-z]? - Driver Payments\\.csv$", None, "example")
    >>> rule.matches("FR-Paris/19a - Driver Payments.csv")
    True
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

import pandas as pd
import pyarrow as pa

from toolkit.errors import IngestError, Issue, IssueLog


class Member(Protocol):
    """One file of an export (implemented by `toolkit.archive.Member`)."""

    path: str
    size: int

    def open(self) -> Any:
        """A binary stream of the file's bytes, with the export's size budgets enforced."""
        ...

    def read_bytes(self) -> bytes:
        """All the file's bytes (only for small files)."""
        ...


@dataclass(frozen=True)
class Batch:
    """Rows for one table from one source file."""

    table: str
    rows: pd.DataFrame | pa.Table


Handler = Callable[[Member, "ParseContext"], Iterator[Batch]]


@dataclass(frozen=True)
class Rule:
    """One row of a platform's handler table.

    `handler=None` means the file is ignored on purpose and `reason` says why (shown to the user).
    With a handler, `reason` says what the file is ("hourly offer counts"), and `tables` which tables
    it fills.
    """

    pattern: str
    handler: Handler | None
    reason: str
    tables: tuple[str, ...] = ()

    def matches(self, path: str) -> bool:
        """Whether this rule applies to the file at `path` (posix path inside the export)."""
        return re.search(self.pattern, path, flags=re.IGNORECASE) is not None


@dataclass(frozen=True)
class Detection:
    """Which platform and layout an export is."""

    platform: str
    layout: str
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class TzDecision:
    """How the local times of one file (or column) were placed on the UTC time line."""

    file: str
    column: str
    zone: str | None
    source: str  # "utc_column", "row_timezone_column", "export", "user", "row_offset"
    detail: str = ""

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return {"file": self.file, "column": self.column, "zone": self.zone, "source": self.source,
                "detail": self.detail}


@dataclass
class ParseContext:
    """State shared by the handlers of one export.

    `user_tz` is the `--tz` the user gave; `export_tz` the zone the export itself states (set by the
    platform's `prepare`), with `export_tz_evidence` saying where it was read.
    """

    platform: str
    layout: str
    user_tz: str | None = None
    export_tz: str | None = None
    export_tz_evidence: str = ""
    issues: IssueLog = field(default_factory=IssueLog)
    tz_decisions: list[TzDecision] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)

    def issue(self, file: str, kind: str, detail: str, row: int | None = None,
              column: str | None = None) -> None:
        """Record one malformed row or value (raises in strict mode)."""
        self.issues.add(Issue(file, kind, detail, row=row, column=column))

    def zone_for(self, file: str, column: str) -> str:
        """The zone in which to read the local wall-clock times of `column`, recorded in the manifest.

        The export's own statement wins over the user's `--tz` (which is then noted if it disagrees);
        with neither, the ingest stops and asks for `--tz`.
        """
        if self.export_tz:
            detail = self.export_tz_evidence
            if self.user_tz and self.user_tz != self.export_tz:
                detail += f"; --tz {self.user_tz} was not used because the export states its zone"
            self.record_tz(file, column, self.export_tz, "export", detail)
            return self.export_tz
        if self.user_tz:
            self.record_tz(file, column, self.user_tz, "user", "zone given with --tz")
            return self.user_tz
        raise IngestError(
            "needs_timezone", file,
            f"column {column} holds local times and the export does not say in which time zone; "
            "run again with --tz ZONE (for example --tz Europe/Paris)",
        )

    def record_tz(self, file: str, column: str, zone: str | None, source: str, detail: str = "") -> None:
        """Record a time-zone decision once per (file, column)."""
        if any(d.file == file and d.column == column for d in self.tz_decisions):
            return
        self.tz_decisions.append(TzDecision(file, column, zone, source, detail))


def first_rule(rules: list[Rule], path: str) -> Rule | None:
    """The rule that decides what becomes of `path`, or None when no rule knows the file.

    Example:
        >>> first_rule([Rule(r"\\.csv$", None, "csv")], "x/a.CSV").reason
        'csv'
    """
    for rule in rules:
        if rule.matches(path):
            return rule
    return None
