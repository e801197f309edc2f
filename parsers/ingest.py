"""Ingest exports into the store: recognise, parse every file, report what became of each.

The flow for one export (a zip or a folder):
1. `toolkit.archive.open_export` checks the archive as a whole (hostile names, links, bombs, encryption)
   and refuses it before anything is parsed;
2. an export whose manifest is already in the store is not read again;
3. the platform is detected from which known files are present, and its `prepare` reads the facts the
   export states about itself (its time zone);
4. every file meets the first rule that matches it: parsed into tables, ignored with a reason, or, when no
   rule knows it, reported as not recognised. A file whose layout does not fit fails alone, with its
   reason; the other files go on;
5. the tables are staged and published atomically with the manifest (`toolkit.store.ExportWriter`),
   dropping rows that another export of the same worker already holds.
Local times with no known zone stop the ingest (`needs_timezone`) before anything is written.

Example:
    >>> from pathlib import Path
    >>> folder = Path("sample_exports/uber-sar-fr-2021")
    >>> report = ingest_export(folder, Path("/tmp/doc-store"))  # doctest: +SKIP
    >>> report.platform, report.status  # doctest: +SKIP
    ('uber', 'ingested')
"""

from __future__ import annotations

import json
import os
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa

from parsers import PARSER_VERSION
from parsers.base import Batch, Member, ParseContext, Rule, first_rule
from parsers.common.plausible import plausible
from parsers.common.zone_clues import check_given_zone, note_zone_support, read_zone_facts, zone_record
from parsers.common.zone_evidence import propose_zone, valid_zone
from parsers.registry import COMMON_RULES, ignore_rule, module_for, recognise, rule_by_header
from toolkit.archive import Export, Limits, open_export
from toolkit.errors import IngestError, IssueLog
from toolkit.schema import TABLES, conform
from toolkit.store import ExportWriter, load_manifest, store_lock

Progress = Callable[[float, str], None]
"""Called with (fraction done 0..1, what is being read) while ingesting."""

HOLD_BYTES = 16 * 2**20
"""A file's rows are held in memory until they take this many bytes; past that its batches are written as
they come, and a failure later in that file stops the whole ingest (nothing is published)."""

ABORTING_KINDS = {"hostile_archive", "too_large", "encrypted", "needs_timezone"}
"""Errors met while reading one file that put the whole export in doubt."""


@dataclass
class FileOutcome:
    """What became of one file of the export."""

    path: str
    size: int
    status: str  # parsed | ignored | failed | unknown
    reason: str = ""
    sha256: str | None = None
    tables: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {"path": self.path, "size": self.size, "status": self.status, "reason": self.reason,
                "sha256": self.sha256, "tables": dict(self.tables)}


@dataclass
class IngestReport:
    """What one export gave: the manifest's content plus how the store changed."""

    source: str
    status: str  # ingested | already_ingested | refused
    export_id: str | None = None
    platform: str | None = None
    layout: str | None = None
    worker_id: str | None = None
    files: list[FileOutcome] = field(default_factory=list)
    tz_decisions: list[dict[str, Any]] = field(default_factory=list)
    issues: dict[str, int] = field(default_factory=dict)
    issue_samples: list[dict[str, Any]] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    stored: dict[str, dict[str, int]] = field(default_factory=dict)
    error: dict[str, str] | None = None
    zone_evidence: dict[str, Any] | None = None  # what the export says about its zone
    received: str | None = None  # ISO day the worker received the export from the platform, when said
    platform_worker_id: str | None = None  # the platform's id of the worker, when a file states one

    def unread(self) -> list[FileOutcome]:
        """The files of a recognised export that were left unread: not recognised, or failed (an ingest
        that leaves one exits non-zero).

        Example:
            >>> IngestReport("x.zip", "ingested", files=[FileOutcome("a.csv", 1, "unknown")]).unread()[0].path
            'a.csv'
        """
        if self.status == "refused":  # nothing was stored: the error says why
            return []
        return [f for f in self.files if f.status in ("unknown", "failed")]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        out = dict(self.__dict__)
        out["files"] = [f.to_dict() for f in self.files]
        return out


def ingest(paths: list[Path], store: Path, worker: str = "me", tz: str | None = None,
           strict: bool = False, progress: Progress | None = None,
           limits: Limits | None = None, received: date | None = None) -> list[IngestReport]:
    """Ingest several exports in order; one refused export does not stop the others.

    Example:
        >>> [r.status for r in ingest([Path("missing.zip")], Path("/tmp/doc-store"))]
        ['refused']
    """
    return [ingest_export(p, store, worker=worker, tz=tz, strict=strict, progress=progress, limits=limits,
                          received=received)
            for p in paths]


def ingest_export(path: Path, store: Path, worker: str = "me", tz: str | None = None,
                  strict: bool = False, progress: Progress | None = None,
                  limits: Limits | None = None, source_name: str | None = None,
                  received: date | None = None) -> IngestReport:
    """Ingest one export (zip or folder) into `store` and report what became of every file.

    `source_name` is the export's name as the worker knows it (the app saves an upload under a
    temporary name: the uploaded file's name goes here), `received` the day the platform's answer
    arrived; both go into the manifest and the report. An `IngestError` that concerns the whole export
    is returned as a refused report (nothing written); in strict mode, a malformed row raises
    `StrictIssueError` instead of being counted.
    """
    report = IngestReport(source=source_name or os.path.basename(os.fspath(path).rstrip("/")),
                          status="refused", worker_id=worker,
                          received=received.isoformat() if received is not None else None)
    try:
        _check_zone(tz)
        with open_export(path, limits) as export:
            report.export_id = export.export_id
            _ingest_opened(export, store, worker, tz, strict, progress, report)
    except IngestError as exc:
        report.status = "refused"
        report.error = {"kind": exc.kind, "member": exc.member, "detail": exc.detail}
        propose_zone(report.error, report.zone_evidence)  # "needs --tz": the zone the export points to
    return report


def _ingest_opened(export: Export, store: Path, worker: str, tz: str | None, strict: bool,
                   progress: Progress | None, report: IngestReport) -> None:
    existing = load_manifest(store, export.export_id)
    if existing is not None:
        _fill_from_manifest(report, existing)
        return
    found = recognise(export.members)  # by file names, then by headers for files no name rule knows
    detection = found.detection
    if detection is None:
        report.files = [_unknown(m, found.by_header) for m in export.members]
        raise IngestError("unknown_platform", report.source, found.not_work or
                          "no file of this export matches a known platform layout; see the file list")
    module = module_for(detection.platform, detection.layout)
    ctx = ParseContext(platform=detection.platform, layout=detection.layout, user_tz=tz,
                       issues=IssueLog(strict=strict), by_header=found.by_header)
    read_zone_facts(export.members, COMMON_RULES + list(module.RULES), ctx)
    prepare = getattr(module, "prepare", None)
    if prepare is not None:
        prepare(export, ctx)
    report.zone_evidence = zone_record(ctx)
    check_given_zone(ctx)  # a --tz that the export contradicts stops here, before anything is written
    report.platform, report.layout = detection.platform, detection.layout
    rules: list[Rule] = COMMON_RULES + list(module.RULES)
    with store_lock(store), ExportWriter(store, export.export_id, detection.platform, worker) as staged, \
            _BackgroundWriter(staged) as writer:
        raced = load_manifest(store, export.export_id)
        if raced is not None:  # another process ingested this export meanwhile
            _fill_from_manifest(report, raced)
            staged.abort()
            return
        total = sum(max(m.size, 1) for m in export.members) or 1
        done = 0
        for member in export.members:
            if progress is not None:
                progress(done / total, member.path)
            report.files.append(_ingest_member(member, rules, ctx, writer, worker, export.export_id))
            done += max(member.size, 1)
        note_zone_support(ctx)
        _finish_report(report, ctx)
        manifest = _manifest(report, export, detection.evidence, tz)
        writer.drain()
        report.stored = staged.commit(manifest)
        report.status = "ingested"
    if progress is not None:
        progress(1.0, "done")


def _ingest_member(member: Member, rules: list[Rule], ctx: ParseContext, writer: _BackgroundWriter,
                   worker: str, export_id: str) -> FileOutcome:
    outcome = FileOutcome(path=member.path, size=member.size, status="unknown")
    rule = first_rule(rules, member.path) or rule_by_header(rules, member.path, ctx.by_header)
    outcome.sha256 = member.sha256() if hasattr(member, "sha256") else None
    if rule is None:
        outcome.reason = "no parser knows this file; it was not read (please report its name and header)"
        return outcome
    if rule.handler is None:
        outcome.status, outcome.reason = "ignored", rule.reason
        return outcome
    held: list[tuple[str, pa.Table]] = []
    streaming = False
    try:
        for table, arrow in _conformed(rule.handler(member, ctx), member, ctx, worker, export_id):
            outcome.tables[table] = outcome.tables.get(table, 0) + arrow.num_rows
            if streaming:
                writer.write(table, arrow)
                continue
            held.append((table, arrow))
            if sum(t.nbytes for _, t in held) >= HOLD_BYTES:
                streaming = True
                for name, batch in held:
                    writer.write(name, batch)
                held.clear()
    except IngestError as exc:
        if streaming or exc.kind in ABORTING_KINDS:
            raise
        outcome.status, outcome.reason, outcome.tables = "failed", exc.detail, {}
        return outcome
    for name, batch in held:
        writer.write(name, batch)
    outcome.status, outcome.reason = "parsed", rule.reason
    return outcome


def _conformed(batches: Iterator[Batch], member: Member, ctx: ParseContext, worker: str,
               export_id: str) -> Iterator[tuple[str, pa.Table]]:
    for batch in batches:
        if batch.table not in TABLES:
            raise KeyError(f"parser produced unknown table {batch.table!r}")
        rows = batch.rows
        n = rows.num_rows if isinstance(rows, pa.Table) else len(rows)
        if n == 0:
            continue
        arrow = rows if isinstance(rows, pa.Table) else pa.Table.from_pandas(rows, preserve_index=False)
        arrow = plausible(arrow, batch.table, ctx, member.path)  # nothing outside sense reaches the store
        if arrow.num_rows == 0:
            continue
        n = arrow.num_rows
        for name, value in (("worker_id", worker), ("platform", ctx.platform), ("export_id", export_id),
                            ("source_file", member.path)):
            arrow = arrow.append_column(name, pa.repeat(pa.scalar(value, pa.string()), n))
        yield batch.table, conform(arrow.select(TABLES[batch.table].names), batch.table)


class _BackgroundWriter:
    """Hands batches to the store's writer on a second thread, so parsing the next batch and compressing
    this one to Parquet overlap (both release the GIL). At most `depth` batches wait in between, so memory
    stays bounded; an error on the writing side is raised on the next `write` or at `drain`."""

    def __init__(self, target: ExportWriter, depth: int = 2) -> None:
        self._target = target
        self._queue: queue.Queue[tuple[str, pa.Table] | None] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="gigdata-parquet-writer", daemon=True)
        self._thread.start()

    def write(self, table: str, batch: pa.Table) -> None:
        """Queue one conformed batch (blocks while `depth` batches are waiting)."""
        self._raise_error()
        self._queue.put((table, batch))

    def drain(self) -> None:
        """Wait until every queued batch is written; raise the writing side's error if there was one."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        self._raise_error()

    def __enter__(self) -> _BackgroundWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._thread.is_alive():  # leaving on an error: stop the thread before the writer aborts
            while True:
                try:
                    self._queue.get_nowait()
                except queue.Empty:
                    break
            self._queue.put(None)
            self._thread.join()

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self._target.write(*item)
                except BaseException as exc:  # re-raised on the parsing thread, never swallowed
                    self._error = exc

    def _raise_error(self) -> None:
        if self._error is not None:
            raise self._error


def _finish_report(report: IngestReport, ctx: ParseContext) -> None:
    report.tz_decisions = [d.to_dict() for d in ctx.tz_decisions]
    report.platform_worker_id = ctx.facts.get("platform_worker_id")
    report.issues = ctx.issues.counts()
    report.issue_samples = [i.to_dict() for i in ctx.issues.issues[:200]]
    rows: dict[str, int] = {}
    for outcome in report.files:
        for table, n in outcome.tables.items():
            rows[table] = rows.get(table, 0) + n
    report.rows = rows


def _manifest(report: IngestReport, export: Export, evidence: tuple[str, ...],
              tz: str | None) -> dict[str, Any]:
    return {
        "export_id": export.export_id, "sha256": export.sha256, "source": report.source,
        "kind": export.kind, "platform": report.platform, "layout": report.layout,
        "detection_evidence": list(evidence), "parser_version": PARSER_VERSION,
        "worker_id": report.worker_id, "user_tz": tz, "tz_decisions": report.tz_decisions,
        "zone_evidence": report.zone_evidence,
        "files": [f.to_dict() for f in report.files], "rows_parsed": report.rows,
        "issues": report.issues, "issue_samples": report.issue_samples, "received": report.received,
        "platform_worker_id": report.platform_worker_id,
    }


def _fill_from_manifest(report: IngestReport, manifest: dict[str, Any]) -> None:
    report.status = "already_ingested"
    report.received = manifest.get("received")
    report.platform = manifest.get("platform")
    report.layout = manifest.get("layout")
    report.worker_id = manifest.get("worker_id")
    report.tz_decisions = list(manifest.get("tz_decisions", []))
    report.zone_evidence = manifest.get("zone_evidence")
    report.issues = dict(manifest.get("issues", {}))
    report.rows = dict(manifest.get("rows_parsed", {}))
    report.files = [FileOutcome(**f) for f in manifest.get("files", [])]
    report.stored = {}  # nothing added: the store already holds this export


def _unknown(member: Member, by_header: dict[str, str]) -> FileOutcome:
    rule = ignore_rule(member.path, by_header)  # a rider's or account file says whose data it is
    if rule is not None:
        return FileOutcome(path=member.path, size=member.size, status="ignored", reason=rule.reason)
    return FileOutcome(path=member.path, size=member.size, status="unknown",
                       reason="no parser knows this file; it was not read")


def _check_zone(tz: str | None) -> None:
    if tz is not None:
        valid_zone(tz)


def report_json(reports: list[IngestReport]) -> str:
    """The reports as one JSON document (what `gigdata ingest --json` prints).

    Example:
        >>> json.loads(report_json([IngestReport(source="x.zip", status="refused")]))[0]["status"]
        'refused'
    """
    return json.dumps([r.to_dict() for r in reports], indent=2, default=str)
