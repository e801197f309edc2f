"""The child side of `parsers.deliveroo.sandbox`: read one PDF from stdin under resource limits.

Run as a script (`python -I -B _pdf_child.py MEMORY CPU PAGES CHARS TABLES WALL`), never imported by
the project: it uses only the standard library and pdfplumber, so it runs in isolated mode (`-I`: no
PYTHON* variables, no user site, no script directory on the path). The limits are set before any PDF
is read; one child reads all the PDFs of an export in turn (starting Python and pdfplumber costs more
than reading an invoice), with a budget per PDF. It prints one JSON line per PDF on stdout:
`{"ok": true, "pages": [{"number": 1, "lines": [...], "tables": [...]}]}` or
`{"ok": false, "kind": "too_large" | "encrypted" | "unreadable", "exception": "TypeName", "why": "..."}`.

Every failure of pdfminer on a hostile file (there are many exception types: a damaged xref, a
recursion, a decompression that hits the memory limit) ends this process through `_report_crash`,
which names the exception types and never their messages (a message may quote the file's bytes).

Example (shell):
    $ python -I -B _pdf_child.py 1073741824 30 500 5000000 0 40 < length-prefixed-pdfs
"""

from __future__ import annotations

import io
import json
import os
import resource
import signal
import sys
from types import TracebackType
from typing import Any

_ENCRYPTION_ERRORS = {"PDFPasswordIncorrect", "PDFEncryptionError", "PDFEncryptionWarning"}


class TooLargeError(Exception):
    """The PDF holds more pages or text than an invoice can."""


def main(argv: list[str]) -> None:
    """Set the limits, then read the PDFs that stdin holds one after another (each an 8-byte big-endian
    length, then its bytes), printing one JSON line per PDF as soon as it is read.

    Each PDF gets its own budget: `CPU` seconds of processor time (the soft limit moves on after every
    file; the kernel stops the process at it, and the parent re-reads the PDFs after that one in a new
    child) and `WALL` seconds of wall-clock (an alarm: that PDF fails, the next one is read)."""
    memory, cpu, max_pages, max_chars, tables = (int(a) for a in argv[1:6])
    wall = int(argv[6]) if len(argv) > 6 else cpu
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # the parser has no reason to write a file
    import pdfplumber  # a failure here is the environment's, not the PDF's: exit code 1, no answer

    sys.excepthook = _report_crash
    stream = sys.stdin.buffer
    resource.setrlimit(resource.RLIMIT_NOFILE, (32, 32))
    signal.signal(signal.SIGALRM, _too_slow)
    while len(head := stream.read(8)) == 8:
        data = stream.read(int.from_bytes(head, "big"))
        used = resource.getrusage(resource.RUSAGE_SELF)
        spent = int(used.ru_utime + used.ru_stime) + 1
        signal.alarm(max(1, wall))
        try:
            # SIGXCPU (which ends the process) at this PDF's share; only the soft limit moves, since
            # raising a hard limit again is not allowed
            resource.setrlimit(resource.RLIMIT_CPU, (spent + cpu, resource.getrlimit(resource.RLIMIT_CPU)[1]))
            answer = {"ok": True, "pages": _read(pdfplumber, data, max_pages, max_chars, tables)}
        except BaseException as exc:  # noqa: BLE001 - every failure of one PDF is that PDF's answer
            answer = _failure(exc)
        finally:
            signal.alarm(0)
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


def _read(pdfplumber: Any, data: bytes, max_pages: int, max_chars: int, tables: int) -> list[dict[str, Any]]:
    pages: list[dict[str, Any]] = []
    chars = 0
    with pdfplumber.open(io.BytesIO(data), repair=False) as pdf:
        if len(pdf.pages) > max_pages:
            raise TooLargeError(f"more than {max_pages} pages")
        for number, page in enumerate(pdf.pages, start=1):
            text = page.extract_text() or ""
            chars += len(text)
            if chars > max_chars:
                raise TooLargeError(f"more than {max_chars} characters of text")
            found = page.extract_tables() if tables else []
            pages.append({"number": number, "lines": text.splitlines(), "tables": found})
            page.close()
    return pages


class TooSlowError(TooLargeError):
    """One PDF took more wall-clock time than its budget."""


def _too_slow(signum: int, frame: Any) -> None:
    raise TooSlowError("more than its time budget")


def _failure(exc: BaseException) -> dict[str, Any]:
    chain = _chain(exc)
    names = [type(e).__name__ for e in chain]
    if any(isinstance(e, MemoryError | TooLargeError | RecursionError) for e in chain):
        kind = "too_large"
    elif any(name in _ENCRYPTION_ERRORS for name in names):
        kind = "encrypted"
    else:
        kind = "unreadable"
    why = str(exc) if isinstance(exc, TooLargeError) else ""
    return {"ok": False, "kind": kind, "exception": " <- ".join(names), "why": why}


def _report_crash(kind_: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    sys.stdout.write(json.dumps(_failure(exc)) + "\n")
    sys.stdout.flush()
    os._exit(3)


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception, what caused it, and the exceptions pdfplumber wrapped in its arguments."""
    seen: list[BaseException] = []
    todo: list[BaseException] = [exc]
    while todo and len(seen) < 20:
        current = todo.pop(0)
        if any(current is s for s in seen):
            continue
        seen.append(current)
        todo += [e for e in (current.__cause__, current.__context__) if e is not None]
        todo += [a for a in current.args if isinstance(a, BaseException)]
    return seen


if __name__ == "__main__":
    main(sys.argv)
