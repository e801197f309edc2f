"""What every platform parser shares: handler rules, the parse context, batches.

A platform module (e.g. `parsers.uber`) exposes:
- `PLATFORM` (its default platform name) and `detect(paths) -> Detection | None`, which recognises the
  export from which known files are present;
- `prepare(export, ctx)`, optional, which gathers export-wide facts before any file is parsed (the time
  zone that the export itself states, for one);
- `RULES`, the ordered handler table: the first rule whose pattern matches a file's path decides what
  becomes of it: parsed by its handler, or ignored with the rule's reason;
- `SIGNATURES`, the headers of its known files: a file that no rule knows by its name but whose first
  line holds a signature's columns is read as the file that signature names (a spreadsheet re-export
  renamed `Trip details (Driver)-Table 1.csv` is still the trips file), and the report says so;
- `WORK_DATA`, what to ask the platform for when an export holds only customer or account files.
`PlatformModule` is that contract, typed; `parsers.registry` lists the modules against it.

A handler is `handler(member, ctx) -> Iterator[Batch]`. A batch is one table's rows, as a pandas frame or
Arrow table holding the table's body columns (`toolkit.schema.body_columns`) plus `source_row` (1-based
line of the record in the source file, header = line 1) and `extra` (JSON of the source columns the model
has no place for, or null). The ingest adds the rest of the provenance and conforms the batch. Large files
are yielded in several batches so memory stays flat.

Operating-system clutter (`__MACOSX/`, `._*`, `.DS_Store`, `Thumbs.db`) is ruled on once, here
(`CLUTTER_RULES`), for every platform and mapping profile.

Example:
    >>> rule = Rule(r"(^|/)\\d+[a-z]? - Driver Payments\\.csv$", None, "example")
    >>> rule.matches("FR-Paris/19a - Driver Payments.csv")
    True
    >>> Signature(("request_time", "status"), "Trip details (Driver).csv").path_for("a/Table 1.csv")
    'a/Trip details (Driver).csv'
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import pandas as pd
import pyarrow as pa
import re2

from toolkit.errors import IngestError, Issue, IssueLog


class Member(Protocol):
    """One file of an export (implemented by `toolkit.archive.Member`)."""

    @property
    def path(self) -> str:
        """Its posix path inside the export."""
        ...

    @property
    def size(self) -> int:
        """Its size in bytes."""
        ...

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
    it fills. `side` says whose data an ignored file is: `customer` (the worker's own use of the platform
    as a passenger or customer), `account` (identity and profile), else `work`.
    """

    pattern: str
    handler: Handler | None
    reason: str
    tables: tuple[str, ...] = ()
    side: str = "work"

    def matches(self, path: str) -> bool:
        """Whether this rule applies to the file at `path` (posix path inside the export)."""
        return path_matches(self.pattern, path)


MAX_PATTERN_CHARS = 500


def check_time(member: Member) -> None:
    """Stop (`IngestError`) when the export's reading budget is spent; a no-op for members without one
    (tests' in-memory files). Readers that work on bytes already read call it between rows."""
    check = getattr(member, "check_time", None)
    if check is not None:
        check()


def path_matches(pattern: str, path: str) -> bool:
    r"""Whether a file path matches a rule's regular expression, case-insensitively.

    Matched by RE2, in time linear in the path whatever the pattern: patterns come from shared mapping
    profiles too, and a pattern such as `^(a+)+$` would take Python's backtracking engine years on a
    crafted file name (ReDoS, security.md §1). RE2 has no back-references or look-around; a profile
    using them is refused when it is checked (`pattern_problem`).

    Example:
        >>> path_matches("^(a+)+$", "a" * 5000 + "!"), path_matches(r"trips\.csv$", "x/TRIPS.csv")
        (False, True)
    """
    return _compiled(pattern).search(path) is not None


def pattern_problem(pattern: str) -> str | None:
    """Why a path pattern cannot be used (too long, not a regular expression RE2 runs), or None.

    Example:
        >>> pattern_problem("(?=a)b")
        'not a regular expression gigdata can run (back-references and look-around are not supported)'
    """
    if len(pattern) > MAX_PATTERN_CHARS:
        return f"longer than {MAX_PATTERN_CHARS} characters"
    try:
        _compiled(pattern)
    except re2.error:
        return "not a regular expression gigdata can run (back-references and look-around are not supported)"
    return None


@functools.lru_cache(maxsize=4096)
def _compiled(pattern: str) -> Any:
    options = re2.Options()
    options.case_sensitive = False
    options.max_mem = 8 << 20
    options.log_errors = False  # a bad pattern is said once, in words, by `pattern_problem`
    return re2.compile(pattern, options)


@dataclass(frozen=True)
class Signature:
    """A known file recognised by its header: the columns it must hold, and the file name they say it is.

    `name` is a file name that the platform's rules know (e.g. `00 - Driver Payments.csv`): a file of
    that header whose own name no rule knows is detected and read as if it bore that name, in its folder.
    Columns are compared exactly (after trimming), as the parsers read them.
    """

    columns: tuple[str, ...]
    name: str

    def fits(self, header: Collection[str]) -> bool:
        """Whether a file with these header cells holds every column of the signature.

        Example:
            >>> Signature(("a", "b"), "x.csv").fits(["b", "c", "a"])
            True
        """
        return all(name in header for name in self.columns)

    def path_for(self, path: str) -> str:
        """The path the file at `path` is read as: `name` in the same folder."""
        folder = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
        return folder + self.name


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
    platform's `prepare`), with `export_tz_evidence` saying where it was read. `by_header` maps the path
    of each file recognised by its columns rather than its name to the path it is read as.
    """

    platform: str
    layout: str
    user_tz: str | None = None
    export_tz: str | None = None
    export_tz_evidence: str = ""
    issues: IssueLog = field(default_factory=IssueLog)
    tz_decisions: list[TzDecision] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    by_header: dict[str, str] = field(default_factory=dict)

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


@runtime_checkable
class PlatformParser(Protocol):
    """What the ingest needs of any parser of an export: a built-in module or a mapping profile.

    `PLATFORM` is its default platform name, `PLATFORMS` every name its detections give, `RULES` its
    handler table (first match wins), `detect` and `prepare` as in the module docstring.
    """

    @property
    def PLATFORM(self) -> str: ...  # noqa: N802 (module constants, as the modules spell them)

    @property
    def PLATFORMS(self) -> tuple[str, ...]: ...  # noqa: N802

    @property
    def RULES(self) -> list[Rule]: ...  # noqa: N802

    def detect(self, paths: list[str]) -> Detection | None:
        """The platform and layout, from which known files the export holds; None if they are not its."""
        ...

    def prepare(self, export: Any, ctx: ParseContext) -> None:
        """Read the facts the export states about itself before any file is parsed."""
        ...


@runtime_checkable
class PlatformModule(PlatformParser, Protocol):
    """A built-in platform module (`parsers.uber`, `parsers.wolt`, …): a parser whose file headers are
    known too (`SIGNATURES`) and that can say what to ask for when it gets no work data (`WORK_DATA`)."""

    @property
    def SIGNATURES(self) -> tuple[Signature, ...]: ...  # noqa: N802

    @property
    def WORK_DATA(self) -> str: ...  # noqa: N802


CLUTTER_RULES: list[Rule] = [
    Rule(r"(^|/)__MACOSX/", None, "macOS archive metadata, not part of the export"),
    Rule(r"(^|/)\._[^/]*$", None, "macOS resource-fork copy of another file, not part of the export"),
    Rule(r"(^|/)\.DS_Store$", None, "macOS folder settings, not part of the export"),
    Rule(r"(^|/)(Thumbs\.db|desktop\.ini)$", None, "Windows folder settings, not part of the export"),
]
"""Operating-system clutter found in re-packed exports; checked before any platform's rules."""


def is_clutter(path: str) -> bool:
    """Whether `path` is operating-system clutter rather than a file of the export.

    Example:
        >>> is_clutter("__MACOSX/FR-Paris/._02 - Driver Lifetime Trips.csv"), is_clutter("a/b.csv")
        (True, False)
    """
    return any(rule.matches(path) for rule in CLUTTER_RULES)


def first_signature(signatures: Sequence[Signature], header: Collection[str]) -> Signature | None:
    """The first signature that a file with these header cells fits, or None.

    Example:
        >>> first_signature([Signature(("x",), "a.csv"), Signature(("y",), "b.csv")], ["y"]).name
        'b.csv'
    """
    return next((s for s in signatures if s.fits(header)), None)


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
