"""The union's request log: every member's access requests, by pseudonym (what a collective complaint
rests on: who asked what, when, whether and when the platform answered, late or not, complete or not, in
which language). The pool page, `gigdata pool requests` and the evidence pack all draw it from here.

Example:
    >>> import tempfile
    >>> summary(log(Path(tempfile.mkdtemp()), date(2026, 12, 4)))["sent"]
    0
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from toolkit.access.reference import platform
from toolkit.access.tracker import request_log
from toolkit.i18n import Translator

COLUMNS = ("worker", "platform", "ground", "sent", "due", "status", "answered", "late", "answer_language",
           "missing")
"""The log's columns, in order (`request.log.col_<column>` in the locales)."""


def log(store: Path, today: date, members: list[str] | None = None) -> list[dict[str, Any]]:
    """The log's rows (`tracker.request_log`), only of `members` when given, by member then date."""
    rows = [r for r in request_log(store, today) if members is None or r["worker"] in members]
    return sorted(rows, key=lambda r: (members.index(r["worker"]) if members else 0, r["sent"], r["id"]))


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """How many requests were sent, answered, answered late, are overdue, came back incomplete; the
    answers' languages with their counts."""
    answered = [r for r in rows if r["answered"]]
    languages: dict[str, int] = {}
    for r in answered:
        if r["answer_language"]:
            languages[r["answer_language"]] = languages.get(r["answer_language"], 0) + 1
    return {"sent": len(rows), "members": len({r["worker"] for r in rows}), "answered": len(answered),
            "late": sum(1 for r in answered if r["late"]),
            "overdue": sum(1 for r in rows if r["status"] == "overdue"),
            "incomplete": sum(1 for r in answered if r["missing"]),
            "languages": dict(sorted(languages.items()))}


def shown(rows: list[dict[str, Any]], tr: Translator) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """(header, rows) of the log in the reader's language: the table every surface prints."""
    header = tuple(tr(f"request.log.col_{c}") for c in COLUMNS)
    out: list[tuple[str, ...]] = []
    for r in rows:
        out.append((str(r["worker"]), platform(r["platform"]).shown(tr.lang),
                    tr(f"request.ground.{r['ground']}.name"),
                    tr.date(r["sent"]), tr.date(r["due"]), tr(f"request.track.status_{r['status']}"),
                    tr.date(r["answered"]) if r["answered"] else "—",
                    (tr("common.yes") if r["late"] else tr("common.no")) if r["answered"] else "—",
                    str(r["answer_language"] or "—"),
                    ", ".join(tr(f"request.item.{i}.name") for i in r["missing"]) or "—"))
    return header, out


def summary_text(rows: list[dict[str, Any]], tr: Translator) -> str:
    """The summary in one sentence."""
    s = summary(rows)
    languages = ", ".join(f"{lang} ({tr.integer(n)})" for lang, n in s["languages"].items()) or "—"
    return tr("request.log.summary", sent=tr.integer(s["sent"]), members=tr.integer(s["members"]),
              answered=tr.integer(s["answered"]), late=tr.integer(s["late"]),
              overdue=tr.integer(s["overdue"]), incomplete=tr.integer(s["incomplete"]), languages=languages)
