"""Read a PDF's text in a child process that a hostile PDF cannot use to take the machine down.

pdfminer.six (under pdfplumber) decompresses streams with no size cap: a 1 kB PDF holding a
double-FlateDecode stream made it use ~900 MB and 7.6 s (`../shared/reference/security.md` §0 item 2,
§1B B15). So PDFs are opened in a separate Python process (`_pdf_child.py`, run in isolated mode)
that limits itself before reading the file: address space (`RLIMIT_AS`, 1 GiB), CPU time
(`RLIMIT_CPU`, 30 s per PDF), no file writes (`RLIMIT_FSIZE` 0), few open files; the parent adds a
wall-clock timeout (40 s per PDF), a budget of 45 s of processor time for all the PDFs of one export,
and caps pages and text.
pdfplumber's repair mode (which runs Ghostscript) is never used (B17).
The pdfminer.six floor in pyproject.toml keeps out the pickle-CMap code execution (B14).

Every failure is one `IngestError` naming the file and the exception type, never the file's content:
`too_large` (over a limit, or killed for it), `encrypted` (needs a password, B18), `wrong_type` (not a
PDF at all), `unreadable` (damaged).

Example:
    >>> read_pdf(b"not a pdf", "invoices/x.pdf")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    toolkit.errors.IngestError: invoices/x.pdf: this file is not a PDF (it does not start with %PDF-) ...
"""

from __future__ import annotations

import contextlib
import json
import resource
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from toolkit.errors import IngestError

CHILD = Path(__file__).with_name("_pdf_child.py")
BATCH_FILES = 200
BATCH_BYTES = 64 * 2**20
"""PDFs handed to one child at most (by count and by bytes): starting the child costs more than reading
an invoice, and the batch is what the parent holds in memory at a time."""


@dataclass(frozen=True)
class PdfLimits:
    """What one PDF may cost. An invoice is a page or two; these leave a wide margin.

    Example:
        >>> PdfLimits().memory_bytes == 1 << 30
        True
    """

    memory_bytes: int = 1 << 30
    cpu_seconds: int = 30
    wall_seconds: float = 40.0
    export_seconds: float = 45.0
    max_pages: int = 500
    max_bytes: int = 50 * 1024 * 1024
    max_chars: int = 5_000_000


@dataclass(frozen=True)
class PdfPage:
    """The text of one page as lines (top to bottom), and its tables when asked for."""

    number: int
    lines: tuple[str, ...]
    tables: tuple[tuple[tuple[str | None, ...], ...], ...] = ()


def read_pdf(data: bytes, member: str, limits: PdfLimits | None = None,
             tables: bool = False) -> list[PdfPage]:
    """The pages of the PDF `data` (file `member` of the export), read in a resource-limited child.

    Raises `IngestError` (`wrong_type`, `too_large`, `encrypted`, `unreadable`) for any PDF that
    cannot be read within the limits; the parent's memory never holds more than the PDF and its text.

    Example:
        >>> read_pdf(b"%PDF-1.4 garbage", "a.pdf")  # doctest: +IGNORE_EXCEPTION_DETAIL
        Traceback (most recent call last):
        toolkit.errors.IngestError: a.pdf: ... [unreadable]
    """
    got = read_pdfs([(member, lambda: data)], limits, tables)[member]
    if isinstance(got, IngestError):
        raise got
    return got


def read_pdfs(items: Sequence[tuple[str, Callable[[], bytes]]], limits: PdfLimits | None = None,
              tables: bool = False) -> dict[str, list[PdfPage] | IngestError]:
    """The pages of every PDF of an export (name -> pages, or the `IngestError` of that PDF), read in
    as few limited children as the PDFs allow, within one budget for them all (`export_seconds`):
    a thousand tiny PDFs, or two heavy ones, cannot hold the ingest past it.

    `items` gives each PDF's name and how to read its bytes (read one batch at a time, so memory holds
    at most `BATCH_BYTES` of PDFs). A PDF that stops its child (killed at its CPU or memory limit)
    fails alone: the ones after it are read by a new child.

    Example:
        >>> got = read_pdfs([("a.pdf", lambda: b"not a pdf"), ("b.pdf", lambda: b"%PDF-1.4 junk")])
        >>> {name: error.kind for name, error in got.items()}
        {'a.pdf': 'wrong_type', 'b.pdf': 'unreadable'}
    """
    limits = limits or PdfLimits()
    out: dict[str, list[PdfPage] | IngestError] = {}
    spent = 0.0  # processor seconds of the children so far
    pending = list(items)
    while pending:
        batch: list[tuple[str, bytes]] = []
        size = 0
        while pending and len(batch) < BATCH_FILES and size < BATCH_BYTES:
            member, load = pending.pop(0)
            try:
                data = load()
                _check_bytes(data, member, limits)
            except IngestError as exc:
                out[member] = exc
                continue
            batch.append((member, data))
            size += len(data)
        while batch:
            left = limits.export_seconds - spent
            if left <= 0:
                for member, _ in batch + [(m, b"") for m, _ in pending]:
                    out[member] = IngestError("too_large", member, "the PDFs of this export took more than "
                                              f"{limits.export_seconds:.0f} s of processor time to read "
                                              "together, the limit for one export; this one was not read")
                return out
            before = _children_cpu()
            answers, stopped = _run_batch(batch, limits, tables, left)
            spent += max(0.0, _children_cpu() - before)
            for (member, _), answer in zip(batch, answers, strict=False):
                out[member] = _result(answer, member, limits)
            if stopped is None:
                break
            out[batch[len(answers)][0]] = stopped
            batch = batch[len(answers) + 1:]
    return out


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _run_batch(batch: list[tuple[str, bytes]], limits: PdfLimits, tables: bool,
               left: float) -> tuple[list[dict[str, Any]], IngestError | None]:
    """Read `batch` in one child: the answers it gave, and the error of the PDF it stopped at (None
    when it answered for every PDF)."""
    command = [sys.executable, "-I", "-B", str(CHILD), str(limits.memory_bytes), str(limits.cpu_seconds),
               str(limits.max_pages), str(limits.max_chars), "1" if tables else "0",
               str(max(1, int(limits.wall_seconds)))]
    payload = b"".join(len(data).to_bytes(8, "big") + data for _, data in batch)
    stdout, stderr, code, over = _supervised(command, payload, limits.wall_seconds * len(batch), left)
    answers = []
    for line in stdout.split(b"\n"):
        try:
            answer = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            break
        answers.append(answer if isinstance(answer, dict) else {"ok": False, "kind": "shape"})
    if len(answers) >= len(batch):
        return answers[: len(batch)], None
    member = batch[len(answers)][0]
    if code is None:
        return answers, IngestError("too_large", member, (
            f"the PDFs of this export took more than {limits.export_seconds:.0f} s of processor time to "
            "read together, the limit for one export; this one was stopped") if over else (
            f"reading this PDF took more than {limits.wall_seconds:.0f} s (the limit for one file); it "
            "was stopped"))
    if code < 0:
        return answers, _killed(-code, member, limits)
    if code == 1 and not stdout:  # the reader did not start: a broken installation
        last = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        raise RuntimeError(f"the PDF reader process failed to start: {last[0]}")
    return answers, IngestError("unreadable", member, f"the PDF reader stopped (exit code {code}) without "
                                "an answer")


def _supervised(command: list[str], payload: bytes, wall: float,
                cpu_left: float) -> tuple[bytes, bytes, int | None, bool]:
    """Run the child on `payload`, stopping it past `wall` seconds or `cpu_left` seconds of processor
    time: its output, error output, exit code (None when stopped) and whether the processor budget
    stopped it. Processor time, not wall-clock, is the export's budget, so a busy computer does not
    refuse an export that a quiet one reads."""
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdin is not None and process.stdout is not None and process.stderr is not None
    out: dict[str, bytes] = {}

    def feed() -> None:
        with contextlib.suppress(OSError):  # the child stopped early: the rest is not needed
            process.stdin.write(payload)  # type: ignore[union-attr]
        with contextlib.suppress(OSError):
            process.stdin.close()  # type: ignore[union-attr]

    def drain(name: str, stream: Any) -> None:
        out[name] = stream.read()

    threads = [threading.Thread(target=feed, daemon=True),
               threading.Thread(target=drain, args=("stdout", process.stdout), daemon=True),
               threading.Thread(target=drain, args=("stderr", process.stderr), daemon=True)]
    for thread in threads:
        thread.start()
    watched = psutil.Process(process.pid)
    started, over, stopped = time.monotonic(), False, False
    while process.poll() is None:
        try:
            times = watched.cpu_times()
            over = times.user + times.system > cpu_left
        except psutil.Error:
            over = False
        if over or time.monotonic() - started > wall:
            process.kill()
            stopped = True
            break
        time.sleep(0.05)
    process.wait()
    for thread in threads:
        thread.join()
    return out.get("stdout", b""), out.get("stderr", b""), None if stopped else process.returncode, over


def _result(answer: dict[str, Any], member: str, limits: PdfLimits) -> list[PdfPage] | IngestError:
    if not answer.get("ok"):
        if answer.get("kind") == "shape":
            return IngestError("unreadable", member, "the PDF reader gave an answer of the wrong shape")
        return _failure(answer, member, limits)
    try:
        return _pages(answer, member)
    except IngestError as exc:
        return exc


def _check_bytes(data: bytes, member: str, limits: PdfLimits) -> None:
    if len(data) > limits.max_bytes:
        raise IngestError("too_large", member, f"this PDF is larger than {limits.max_bytes // 2**20} MB, "
                          "far beyond an invoice; it was not opened")
    if b"%PDF-" not in data[:1024]:
        raise IngestError("wrong_type", member, "this file is not a PDF (it does not start with %PDF-)")


def _killed(signum: int, member: str, limits: PdfLimits) -> IngestError:
    name = signal.Signals(signum).name if signum in {s.value for s in signal.Signals} else str(signum)
    if signum in (signal.SIGXCPU, signal.SIGKILL):
        return IngestError("too_large", member, f"reading this PDF went past the limits "
                           f"({limits.cpu_seconds} s of CPU, {limits.memory_bytes // 2**20} MB of memory) "
                           f"and was stopped ({name})")
    return IngestError("unreadable", member, f"the PDF reader crashed on this file ({name})")


def _failure(answer: dict[str, Any], member: str, limits: PdfLimits) -> IngestError:
    kind = str(answer.get("kind", "unreadable"))
    exception = str(answer.get("exception", "")) or "unknown error"
    if kind == "encrypted":
        return IngestError("encrypted", member, "this PDF is password-protected; please upload a copy "
                           "without a password (the password is never asked for nor stored)")
    if kind == "too_large":
        why = str(answer.get("why", "")) or f"more than {limits.memory_bytes // 2**20} MB of memory"
        return IngestError("too_large", member, f"reading this PDF needed {why}, beyond the limits for "
                           f"one file; it was stopped ({exception})")
    return IngestError("unreadable", member, f"this PDF is damaged or not a PDF the reader understands "
                       f"({exception})")


def _pages(answer: dict[str, Any], member: str) -> list[PdfPage]:
    pages = answer.get("pages")
    if not isinstance(pages, list):
        raise IngestError("unreadable", member, "the PDF reader gave an answer of the wrong shape")
    out = []
    for page in pages:
        tables = tuple(tuple(tuple(row) for row in table) for table in page.get("tables", []))
        out.append(PdfPage(int(page["number"]), tuple(str(line) for line in page["lines"]), tables))
    return out
