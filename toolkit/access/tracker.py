"""The worker's own details and the access requests they sent, kept in their store.

Both live in `<store>/_requests/`: `me.json` (name, e-mail, platform account, city, country: only what the
letters need, never leaving the store) and `requests.json` (one record per request: platform, ground, how
and when it was sent and received, the period asked for, extension notice, answer, files received with their
SHA-256, answer language, complaint). Every write takes the store's lock and replaces the file atomically
(temporary file, fsync, rename): an interrupted write leaves the previous version whole.

Example:
    >>> import tempfile
    >>> store = Path(tempfile.mkdtemp())
    >>> r = add_request(store, platform="uber", ground="art15", sent=date(2025, 1, 31), via="webform")
    >>> status(r, today=date(2025, 3, 1)), r.due.isoformat()
    ('overdue', '2025-02-28')
    >>> [x.id for x in load_requests(store)] == [r.id]
    True
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Any

from toolkit.access.deadlines import due_date, extension_valid, is_overdue, late
from toolkit.access.reference import GROUNDS, ITEMS, ROUTES, platform
from toolkit.store.paths import _write_json_atomically, is_valid_name, store_lock

REQUESTS_DIR = "_requests"
"""The store folder of the tracker (not a table: never shared, never in the panel)."""
ME_FIELDS = ("name", "email", "account", "city", "country", "address")
"""What `gigdata request me` keeps: the details letters are filled with."""
STATUSES = ("waiting", "extended", "overdue", "answered", "answered_late", "complaint_filed")
"""A request's state: derived from its dates, never stored."""
_MAX_TEXT = 500


class TrackerError(ValueError):
    """A tracker entry that cannot be recorded (the message says which field and why)."""


@dataclass
class Request:
    """One access request and what became of it (dates are local days, as the worker gives them)."""

    id: str
    platform: str
    ground: str
    sent: date
    via: str
    worker: str = "me"
    received: date | None = None
    proof: str = ""
    period_from: date | None = None
    period_to: date | None = None
    extension_notice: date | None = None
    extension_reason: str = ""
    answered: date | None = None
    answer_language: str = ""
    files: list[dict[str, str]] = field(default_factory=list)
    reminder_sent: date | None = None
    complaint_filed: date | None = None
    notes: str = ""
    missing: list[str] = field(default_factory=list)
    """The items (`reference.ITEMS`) the answer's exports lacked, as the completeness check found them
    when the request was shared with a union (the union's request log shows them)."""

    @property
    def receipt(self) -> date:
        """The day the platform received it: as recorded, else the day it was sent (e-mail, web form)."""
        return self.received or self.sent

    @property
    def due(self) -> date:
        """The last day of the answer period (`deadlines.due_date`)."""
        return due_date(self.receipt, self.extension_notice)

    @property
    def extended(self) -> bool:
        """Whether a valid extension notice (within the first month) was recorded."""
        return extension_valid(self.receipt, self.extension_notice)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        return {k: v.isoformat() if isinstance(v, date) else v for k, v in out.items()}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Request:
        known = {f.name: f.type for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in raw.items():
            if key not in known:
                continue
            if "date" in str(known[key]) and isinstance(value, str):
                value = date.fromisoformat(value)
            values[key] = value
        return cls(**values)


def status(request: Request, today: date) -> str:
    """One of `STATUSES` for `request` on `today`."""
    if request.complaint_filed is not None:
        return "complaint_filed"
    if request.answered is not None:
        return "answered_late" if late(request.receipt, request.answered, request.extension_notice) \
            else "answered"
    if is_overdue(request.receipt, today, request.extension_notice):
        return "overdue"
    return "extended" if request.extended else "waiting"


def _folder(store: Path) -> Path:
    return Path(store) / REQUESTS_DIR


def _write(store: Path, name: str, content: Any) -> None:
    _write_json_atomically(_folder(store), name.removesuffix(".json"), content)


def _read(store: Path, name: str, empty: Any) -> Any:
    path = _folder(store) / name
    if not path.exists():
        return empty
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TrackerError(f"{path}: cannot be read ({exc}); it was not changed") from exc


def _text(value: str | None, what: str) -> str:
    text = (value or "").strip()
    if len(text) > _MAX_TEXT or any(ord(c) < 32 and c not in "\n\t" for c in text):
        raise TrackerError(f"{what}: at most {_MAX_TEXT} printable characters")
    return text


def load_me(store: Path) -> dict[str, str]:
    """The worker's details (empty strings for what was never given)."""
    raw = _read(store, "me.json", {})
    return {k: str(raw.get(k, "")) for k in ME_FIELDS}


def save_me(store: Path, **details: str | None) -> dict[str, str]:
    """Set the given details (None leaves one as it was, "" clears it); returns them all."""
    unknown = set(details) - set(ME_FIELDS)
    if unknown:
        raise TrackerError(f"unknown detail(s) {sorted(unknown)}; known: {', '.join(ME_FIELDS)}")
    with store_lock(Path(store)):
        me = load_me(store)
        for key, value in details.items():
            if value is not None:
                me[key] = _text(value, key)
        if me["country"]:
            me["country"] = me["country"].lower()
            if len(me["country"]) != 2 or not me["country"].isalpha():
                raise TrackerError("country: a two-letter code (fr, gb, nl, be…)")
        if me["email"] and "@" not in me["email"]:
            raise TrackerError(f"email: {me['email']!r} is not an e-mail address")
        _write(store, "me.json", me)
    return me


LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})?")
"""A language as the tracker keeps it: a BCP 47 tag such as `en`, `fr`, `pt-BR` (never free text)."""
_DATES = ("sent", "received", "period_from", "period_to", "extension_notice", "answered", "reminder_sent",
          "complaint_filed")


def parsed(raw: Any, where: str) -> Request:
    """One stored or shared record as a `Request`, every field checked (TrackerError naming `where` and
    the field): a file edited by hand or a tampered bundle never reaches the figures."""
    if not isinstance(raw, dict):
        raise TrackerError(f"{where}: not a record")
    try:
        request = Request.from_json(raw)
    except (TypeError, ValueError, AttributeError) as exc:
        raise TrackerError(f"{where}: malformed ({exc})") from exc
    if not (isinstance(request.id, str) and request.id.isalnum() and 0 < len(request.id) <= 32):
        raise TrackerError(f"{where}: the id is not one gigdata makes")
    for name in ("platform", "ground", "via", "worker", "proof", "extension_reason", "answer_language",
                 "notes"):
        if not isinstance(getattr(request, name), str):
            raise TrackerError(f"{where}: {name} is not text")
    try:
        _known_platform(request.platform)
    except TrackerError as exc:
        raise TrackerError(f"{where}: {exc}") from exc
    if request.ground not in GROUNDS or request.via not in ROUTES:
        raise TrackerError(f"{where}: unknown ground or route")
    if not isinstance(request.sent, date) or any(
            not isinstance(getattr(request, k), (date, type(None))) for k in _DATES):
        raise TrackerError(f"{where}: a date is not a day (YYYY-MM-DD), or the day sent is missing")
    if any(getattr(request, k) is not None and getattr(request, k) < request.sent
           for k in ("received", "extension_notice", "answered", "reminder_sent", "complaint_filed")):
        raise TrackerError(f"{where}: a day comes before the request was sent")
    if not isinstance(request.missing, list) or not all(isinstance(i, str) and i in ITEMS
                                                        for i in request.missing):
        raise TrackerError(f"{where}: missing items outside the vocabulary")
    if request.answer_language and not LANGUAGE_CODE.fullmatch(request.answer_language):
        raise TrackerError(f"{where}: the answer's language is not a language code (en, fr, pt-BR…)")
    if not isinstance(request.files, list) or not all(
            isinstance(f, dict) and set(f) <= {"name", "sha256"}
            and all(isinstance(v, str) for v in f.values())
            for f in request.files):
        raise TrackerError(f"{where}: the files received are malformed")
    return request


def load_requests(store: Path) -> list[Request]:
    """Every recorded request, oldest first (TrackerError naming the file and the record when one is
    malformed; the file is then left as it is)."""
    path = _folder(store) / "requests.json"
    raw = _read(store, "requests.json", {"requests": []})
    records = raw.get("requests") if isinstance(raw, dict) else None
    if not isinstance(records, list):
        raise TrackerError(f"{path}: not a list of requests; it was not changed")
    requests = [parsed(r, f"{path}: record {n + 1}") for n, r in enumerate(records)]
    return sorted(requests, key=lambda r: (r.sent, r.id))


def _save(store: Path, requests: list[Request]) -> None:
    _write(store, "requests.json", {"version": 1, "requests": [r.to_json() for r in requests]})


def add_request(store: Path, *, platform: str, ground: str, sent: date, via: str, worker: str = "me",
                received: date | None = None, proof: str = "", period_from: date | None = None,
                period_to: date | None = None, today: date | None = None) -> Request:
    """Record a request sent (checked: a known platform and ground, no date in the future)."""
    _known_platform(platform)
    if ground not in GROUNDS:
        raise TrackerError(f"ground {ground!r}: one of {', '.join(GROUNDS)}")
    if via not in ROUTES:
        raise TrackerError(f"via {via!r}: one of {', '.join(ROUTES)}")
    if not is_valid_name(worker):
        raise TrackerError(f"worker {worker!r} is not a valid worker name")
    today = today or date.today()
    _not_future(sent, "sent", today)
    if received is not None:
        _not_future(received, "received", today)
        if received < sent:
            raise TrackerError(f"received {received} is before sent {sent}")
    one_sided = (period_from is None) != (period_to is None)
    if one_sided or (period_from and period_to and period_to < period_from):
        raise TrackerError("the period asked for needs a first day and a last day, in that order")
    request = Request(id=uuid.uuid4().hex[:8], platform=platform, ground=ground, sent=sent, via=via,
                      worker=worker, received=received, proof=_text(proof, "proof"),
                      period_from=period_from, period_to=period_to)
    with store_lock(Path(store)):
        _save(store, load_requests(store) + [request])
    return request


def update_request(store: Path, request_id: str, today: date | None = None, **changes: Any) -> Request:
    """Record what happened to request `request_id` (an answer, an extension notice, a reminder, a
    complaint); dates are checked against the request's own."""
    today = today or date.today()
    unknown = set(changes) - {f.name for f in fields(Request)} | ({"id", "worker", "sent"} & set(changes))
    if unknown:
        raise TrackerError(f"cannot change {', '.join(sorted(unknown))} of a request")
    with store_lock(Path(store)):
        requests = load_requests(store)
        request = find_request(requests, request_id)
        for key, value in changes.items():
            if value is None:
                continue
            if isinstance(value, date):
                _not_future(value, key, today)
                if value < request.sent:
                    raise TrackerError(f"{key} {value} is before the request was sent ({request.sent})")
            elif isinstance(value, str):
                value = _text(value, key)
            setattr(request, key, value)
        parsed(request.to_json(), f"request {request.id}")  # the changed record as a later read checks it
        _save(store, requests)
    return request


def find_request(requests: list[Request], request_id: str, platform_key: str | None = None,
                 worker: str | None = None) -> Request:
    """The one request whose id is `request_id` or starts with it (of that platform and worker when
    given); TrackerError when none or several match."""
    mine = [r for r in requests if platform_key in (None, r.platform) and worker in (None, r.worker)]
    exact = [r for r in mine if r.id == request_id]
    matches = exact or [r for r in mine if request_id and r.id.startswith(request_id)]
    if len(matches) != 1:
        raise TrackerError(f"no single request with id {request_id!r}; "
                           f"recorded: {', '.join(r.id for r in mine) or 'none'}")
    return matches[0]


def file_record(path: Path) -> dict[str, str]:
    """A received file as the tracker keeps it: its name and SHA-256 (the proof of what came back)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return {"name": Path(path).name, "sha256": digest.hexdigest()}


def delete_worker_requests(store: Path, worker: str) -> int:
    """Forget the requests of `worker` (with their data); returns how many were removed."""
    with store_lock(Path(store)):
        return forget_worker(store, worker)


def forget_worker(store: Path, worker: str) -> int:
    """`delete_worker_requests` for a caller that already holds the store's lock (`store.delete_worker`)."""
    if not (_folder(store) / "requests.json").exists():
        return 0
    requests = load_requests(store)
    kept = [r for r in requests if r.worker != worker]
    if len(kept) != len(requests):
        _save(store, kept)
    return len(requests) - len(kept)


def first_request(store: Path, platform_key: str, worker: str = "me") -> Request | None:
    """The earliest request to `platform_key` (what a follow-up letter cites)."""
    mine = [r for r in load_requests(store) if r.platform == platform_key and r.worker == worker]
    return mine[0] if mine else None


def _known_platform(key: str) -> None:
    try:
        platform(key)
    except ValueError as exc:
        raise TrackerError(str(exc)) from exc


def _not_future(day: date, what: str, today: date) -> None:
    if day > today:
        raise TrackerError(f"{what} {day} is in the future (today is {today})")



def request_row(request: Request, today: date) -> dict[str, Any]:
    """One request as a table row (the tracker list, the union's request log): dates as ISO days."""
    def day(value: date | None) -> str | None:
        return None if value is None else value.isoformat()

    return {"id": request.id, "worker": request.worker, "platform": request.platform,
            "ground": request.ground, "via": request.via, "sent": day(request.sent),
            "received": day(request.received), "due": day(request.due), "extended": request.extended,
            "status": status(request, today), "answered": day(request.answered),
            "late": request.answered is not None and late(request.receipt, request.answered,
                                                          request.extension_notice),
            "answer_language": request.answer_language or None, "files": len(request.files),
            "reminder_sent": day(request.reminder_sent), "complaint_filed": day(request.complaint_filed)}


SHARED_FIELDS = ("id", "platform", "ground", "via", "sent", "received", "extension_notice", "answered",
                 "answer_language", "reminder_sent", "complaint_filed", "missing")
"""What of a request leaves for the union (`gigdata share`): dates and codes, never the proof, the notes,
the files' names or the extension's reasons (free text)."""


def shared_records(store: Path, worker: str, missing: dict[str, list[str]],
                   platform_key: str | None = None) -> list[dict[str, Any]]:
    """The worker's requests as they leave for the union: `SHARED_FIELDS` only, with the items the
    answered platform's exports lack (`missing`, per platform, from the completeness check)."""
    out = []
    for request in load_requests(store):
        if request.worker != worker or platform_key not in (None, request.platform):
            continue
        record = {k: v for k, v in request.to_json().items() if k in SHARED_FIELDS}
        record["missing"] = list(missing.get(request.platform, [])) if request.answered else []
        out.append(record)
    return out


def checked_shared(records: Any, name: str) -> list[Request]:
    """A bundle's request records, checked field by field (TrackerError naming `name` and the field)."""
    if not isinstance(records, list) or len(records) > 1000:
        raise TrackerError(f"{name}: the bundle's requests are not a list of at most 1,000 records")
    checked = []
    for n, raw in enumerate(records):
        where = f"{name}: request {n + 1}"
        if not isinstance(raw, dict) or set(raw) - set(SHARED_FIELDS):
            raise TrackerError(f"{where}: holds fields members never share")
        checked.append(parsed({**raw, "worker": "member"}, where))
    return checked


def merge_worker_requests(store: Path, worker: str, requests: list[Request]) -> None:
    """File a member's shared `requests` under `worker`: each replaces the one of the same id, the others
    stay (a later share of one platform only keeps the other platforms' requests). The caller holds the
    store's lock."""
    given = {r.id for r in requests}
    kept = [r for r in load_requests(store) if r.worker != worker or r.id not in given]
    for request in requests:
        request.worker = worker
    _save(store, kept + list(requests))


def request_log(store: Path, today: date) -> list[dict[str, Any]]:
    """Every request of the store as one row each (`request_row`, with what the answer lacked): the
    union's request log over its members, by pseudonym."""
    return [{**request_row(r, today), "missing": list(r.missing)} for r in load_requests(store)]
