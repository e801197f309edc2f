"""Read a PDF's text in a child process that a hostile PDF cannot use to take the machine down.

pdfminer.six (under pdfplumber) decompresses streams with no size cap: a 1 kB PDF holding a
double-FlateDecode stream made it use ~900 MB and 7.6 s (`../shared/reference/security.md` §0 item 2,
§1B B15). So every PDF is opened in a separate Python process (`_pdf_child.py`, run in isolated mode)
that limits itself before reading the file: address space (`RLIMIT_AS`, 1 GiB), CPU time
(`RLIMIT_CPU`, 60 s), no file writes (`RLIMIT_FSIZE` 0), few open files; the parent adds a wall-clock
timeout and caps pages and text. pdfplumber's repair mode (which runs Ghostscript) is never used (B17).
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

import json
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit.errors import IngestError

CHILD = Path(__file__).with_name("_pdf_child.py")


@dataclass(frozen=True)
class PdfLimits:
    """What one PDF may cost. An invoice is a page or two; these leave a wide margin.

    Example:
        >>> PdfLimits().memory_bytes == 1 << 30
        True
    """

    memory_bytes: int = 1 << 30
    cpu_seconds: int = 60
    wall_seconds: float = 90.0
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
    limits = limits or PdfLimits()
    _check_bytes(data, member, limits)
    command = [sys.executable, "-I", "-B", str(CHILD), str(limits.memory_bytes), str(limits.cpu_seconds),
               str(limits.max_pages), str(limits.max_chars), "1" if tables else "0"]
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=limits.wall_seconds,
                              check=False)
    except subprocess.TimeoutExpired as exc:
        raise IngestError("too_large", member, f"reading this PDF took more than {limits.wall_seconds:.0f} s "
                          "(the limit for one file); it was stopped") from exc
    return _pages(_answer(done, member, limits), member)


def _check_bytes(data: bytes, member: str, limits: PdfLimits) -> None:
    if len(data) > limits.max_bytes:
        raise IngestError("too_large", member, f"this PDF is larger than {limits.max_bytes // 2**20} MB, "
                          "far beyond an invoice; it was not opened")
    if b"%PDF-" not in data[:1024]:
        raise IngestError("wrong_type", member, "this file is not a PDF (it does not start with %PDF-)")


def _answer(done: subprocess.CompletedProcess[bytes], member: str, limits: PdfLimits) -> dict[str, Any]:
    if done.returncode < 0:
        raise _killed(-done.returncode, member, limits)
    if done.returncode == 1 and not done.stdout:  # the reader did not start: a broken installation
        last = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        raise RuntimeError(f"the PDF reader process failed to start: {last[0]}")
    try:
        answer = json.loads(done.stdout.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IngestError("unreadable", member, f"the PDF reader stopped (exit code {done.returncode}) "
                          "without an answer") from exc
    if not isinstance(answer, dict):
        raise IngestError("unreadable", member, "the PDF reader gave an answer of the wrong shape")
    if not answer.get("ok"):
        raise _failure(answer, member, limits)
    return answer


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
