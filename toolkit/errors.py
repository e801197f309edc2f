"""What can go wrong with a worker's export, said without ever quoting their data.

Two kinds of trouble (STYLE.md rule 5):
- `IngestError`: the export (or one file of it) cannot be read at all: a hostile or corrupt archive, a
  wrong file type, a local time with no known zone. It carries a `kind`, the `member` (path inside the
  export) and a plain-language `detail` that names places (file, column, row), never cell values.
- `Issue`: one malformed row or value in an otherwise readable file. It is counted and reported, and
  the parse goes on. In strict mode (tests) an issue raises `StrictIssueError` instead.

Example:
    >>> str(IngestError("corrupt_archive", "export.zip", "the central directory is damaged"))
    'export.zip: the central directory is damaged [corrupt_archive]'
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

INGEST_ERROR_KINDS = {
    "not_found": "the path does not exist",
    "wrong_type": "the file is not what its name says",
    "corrupt_archive": "the archive is damaged",
    "hostile_archive": "the archive contains entries that could harm the computer",
    "encrypted": "the archive or file is password-protected",
    "too_large": "the export is larger than the limits",
    "needs_timezone": "local times whose time zone the export does not give",
    "schema_mismatch": "the file's columns are not the layout it claims to be",
    "unreadable": "the file could not be decoded",
    "unknown_platform": "no platform's files were recognised",
}


class IngestError(Exception):
    """An export or one of its files cannot be read.

    Example:
        >>> e = IngestError("needs_timezone", "trips.csv", "column request_timestamp_local has no zone")
        >>> e.kind, e.member
        ('needs_timezone', 'trips.csv')
    """

    def __init__(self, kind: str, member: str, detail: str) -> None:
        if kind not in INGEST_ERROR_KINDS:
            raise ValueError(f"unknown IngestError kind {kind!r}")
        super().__init__(f"{member}: {detail} [{kind}]")
        self.kind = kind
        self.member = member
        self.detail = detail


@dataclass(frozen=True)
class Issue:
    """One malformed row or value, located but never quoted.

    Example:
        >>> Issue("trips.csv", "bad_timestamp", "unparseable value", row=12, column="dropoff").where()
        'trips.csv row 12 column dropoff'
    """

    file: str
    kind: str
    detail: str
    row: int | None = None
    column: str | None = None

    def where(self) -> str:
        """The place, as the user reads it."""
        place = self.file
        if self.row is not None:
            place += f" row {self.row}"
        if self.column is not None:
            place += f" column {self.column}"
        return place

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return asdict(self)


class StrictIssueError(Exception):
    """Raised instead of recording an `Issue` when parsing in strict mode (tests)."""

    def __init__(self, issue: Issue) -> None:
        super().__init__(f"{issue.where()}: {issue.kind}: {issue.detail}")
        self.issue = issue


@dataclass
class IssueLog:
    """Collects issues; raises on the first one in strict mode.

    Example:
        >>> log = IssueLog()
        >>> log.add(Issue("a.csv", "bad_number", "not a number", row=3, column="fare"))
        >>> log.counts()
        {'bad_number': 1}
    """

    strict: bool = False
    issues: list[Issue] = field(default_factory=list)
    unkept: dict[str, int] = field(default_factory=dict)
    _per_place: dict[tuple[str, str], int] = field(default_factory=dict, repr=False)

    KEEP = 1_000
    """Issues kept of one kind in one file; the others are only counted (a broken file of millions of
    rows must not hold millions of issues in memory)."""

    def add(self, issue: Issue) -> None:
        """Record `issue` (or raise it, in strict mode)."""
        if self.strict:
            raise StrictIssueError(issue)
        place = (issue.file, issue.kind)
        kept = self._per_place.get(place, 0)
        if kept >= self.KEEP:
            self.unkept[issue.kind] = self.unkept.get(issue.kind, 0) + 1
            return
        self._per_place[place] = kept + 1
        self.issues.append(issue)

    def counts(self) -> dict[str, int]:
        """Issues counted by kind (those kept and those only counted)."""
        out: dict[str, int] = dict(self.unkept)
        for issue in self.issues:
            out[issue.kind] = out.get(issue.kind, 0) + 1
        return out


class PoolError(Exception):
    """A union pool or a member's bundle that cannot be used (wrong key or passphrase, a changed, cut,
    foreign or replayed bundle, an unknown member): the message names the file and says what was left
    unchanged; `kind` says which, for a page to say it in the reader's language.

    Example:
        >>> PoolError("b.gdb: not a gigdata bundle", "not_bundle").kind
        'not_bundle'
    """

    def __init__(self, message: str, kind: str = "other") -> None:
        super().__init__(message)
        self.kind = kind
