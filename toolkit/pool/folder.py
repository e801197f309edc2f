"""A union's pool folder: its keys, its members' minimised data keyed by pseudonym, a register, a log.

Layout:

    POOL/union.pub        the public key members encrypt to (a file and a code to print)
    POOL/keys/            the private key and the pool key, apart, each encrypted with the passphrase
    POOL/store/           a gigdata store (same layout and schema) whose worker_id is the pseudonym
    POOL/members.json     the register: members, the bundles each sent (id, SHA-256, tables, rows),
                          merges of one person filed twice, withdrawals
    POOL/log.jsonl        what was done and when: added, refused, merged, withdrawn (hashes, no data)
    POOL/figures/         each member's computed months, kept until what they depend on changes
    POOL/prints/          each member's pay-line fingerprints, to find one person filed under two ids

The pool never holds `extra`, platform ids, file names or exact coordinates (DESIGN.md, "Beyond one
worker"): bundles arrive minimised (`toolkit.pool.minimise`) and are checked for it. A member's figures
are the figures of the read layer over `POOL/store` (`Selection(POOL/store, worker=pseudonym)`), the same
functions a worker's own store uses.

Example:
    >>> import tempfile
    >>> pool = Pool(Path(tempfile.mkdtemp()) / "pool")
    >>> pool.members()
    []
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from toolkit.access.tracker import merge_worker_requests
from toolkit.errors import PoolError
from toolkit.pool.bundle import MAX_BUNDLE_BYTES, OpenedBundle, open_bundle
from toolkit.pool.keys import UnlockedKeys, create_keys, unlock
from toolkit.pool.minimise import has_rows
from toolkit.schema import TABLES, conform
from toolkit.store import ExportWriter, delete_worker, list_manifests, load_table, store_lock
from toolkit.store.paths import _write_json_atomically

REGISTER = "members"
LOG = "log.jsonl"
STORE = "store"
PRINTS = "prints"
"""Each member's pay-line fingerprints (`content_prints`), to find one person filed under two ids."""
SAME_CONTENT_MIN_LINES = 10
SAME_CONTENT_SHARE = 0.5
"""A bundle is the same person as a member when at least this share (and `SAME_CONTENT_MIN_LINES`) of its
pay lines are already filed for them."""
CACHE = "figures"
"""Each member's computed months (`toolkit.pool.figures.member_months`), removed with the member."""
FORMAT = "gigdata-pool/1"


@dataclass
class Added:
    """What `Pool.add` did with one bundle."""

    file: str
    member: str | None
    status: str  # "added", "merged", "refused"
    message: str
    rows: dict[str, int] = field(default_factory=dict)
    kind: str | None = None  # why it was refused (`PoolError.kind`)


class Pool:
    """A union's pool folder (see the module docstring)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    @property
    def store(self) -> Path:
        """The gigdata store holding the members' minimised tables."""
        return self.folder / STORE

    # ----------------------------------------------------------------------------------- making it

    @classmethod
    def init(cls, folder: Path, passphrase: str, name: str | None = None) -> tuple[Pool, str]:
        """Make a pool in `folder` (empty or new): keys, register, log. Returns it and its public code."""
        folder = Path(folder)
        if folder.exists() and not folder.is_dir():
            raise PoolError(f"{folder}: exists and is not a folder")
        if folder.is_dir() and any(folder.iterdir()):
            raise PoolError(f"{folder}: not empty; a pool is made in a new or empty folder "
                            "(nothing was changed)")
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, 0o700)
        pool = cls(folder)
        code = create_keys(folder, passphrase, name or folder.name)
        pool.store.mkdir()
        register = {"format": FORMAT, "name": name or folder.name, "created_at": _now(),
                    "members": {}, "bundles": {}, "aliases": {}, "withdrawn": {}}
        _write_json_atomically(folder, REGISTER, register)
        pool.log("init", name=register["name"])
        return pool, code

    # ----------------------------------------------------------------------------------- reading it

    def register(self) -> dict[str, Any]:
        """The pool's register (members, bundles, merges, withdrawals)."""
        path = self.folder / f"{REGISTER}.json"
        if not path.is_file():
            return {"format": FORMAT, "members": {}, "bundles": {}, "aliases": {}, "withdrawn": {}}
        content = json.loads(path.read_text(encoding="utf-8"))
        if content.get("format") != FORMAT:
            raise PoolError(f"{path}: not a gigdata pool register")
        return dict(content)

    def check(self) -> None:
        """A clear error when the folder is not a pool."""
        if not (self.folder / f"{REGISTER}.json").is_file() or not (self.folder / "union.pub").is_file():
            raise PoolError(f"{self.folder}: not a pool folder (make one with `gigdata pool init`)")

    def members(self) -> list[dict[str, Any]]:
        """One entry per member: pseudonym, platforms, when they joined, bundles, rows per table."""
        register = self.register()
        out = []
        for pid, entry in sorted(register["members"].items(), key=lambda kv: kv[1]["joined_at"]):
            out.append({"member": pid, "platforms": entry["platforms"], "joined_at": entry["joined_at"],
                        "bundles": [{"bundle_id": b, **{k: register["bundles"][b][k]
                                                         for k in ("added_at", "sha256", "tables")}}
                                    for b in entry["bundles"]],
                        "rows": _rows_of(self.store, pid), "identity": entry["identity"]})
        return out

    def member_ids(self) -> list[str]:
        """The pseudonyms of the current members, in the order they joined."""
        members = self.register()["members"]
        return [pid for pid, _ in sorted(members.items(), key=lambda kv: kv[1]["joined_at"])]

    # ----------------------------------------------------------------------------------- changing it

    def add(self, files: list[Path], passphrase: str | None = None,
            keys: UnlockedKeys | None = None) -> list[Added]:
        """Open, check and file each bundle. A refused bundle changes nothing; the others are added."""
        self.check()
        keys = keys or unlock(self.folder, passphrase or "")
        results = []
        for path in files:
            try:
                results.append(self._add_one(Path(path), keys))
            except PoolError as exc:
                self.log("refused", file_name=Path(path).name, reason=str(exc), kind=exc.kind)
                results.append(Added(Path(path).name, None, "refused", str(exc), kind=exc.kind))
        return results

    def withdraw(self, member: str) -> dict[str, Any]:
        """Remove a member's data from the pool; what was removed (rows per table, bundles). `member` is
        the pseudonym, or the bundle id printed on the member's receipt."""
        self.check()
        with self._locked():
            register = self.register()
            pid = register["aliases"].get(member, member)
            if pid not in register["members"] and member in register["bundles"]:  # a receipt's bundle id
                pid = register["bundles"][member]["member"]
            if pid not in register["members"]:
                gone = register["withdrawn"].get(pid)
                known = f"; withdrawn on {gone['at'][:10]}" if gone else ""
                raise PoolError(f"{member}: no such member in this pool{known} (see `gigdata pool members`)")
            rows = _rows_of(self.store, pid)
            with store_lock(self.store):
                files = delete_worker(self.store, pid)
            for kept in (self.folder / CACHE / f"{pid}.parquet", self.folder / PRINTS / f"{pid}.npy"):
                if kept.exists():
                    kept.unlink()
                    files += 1
            entry = register["members"].pop(pid)
            for bundle in entry["bundles"]:  # kept: its id and hash, so that it is refused if sent again
                register["bundles"][bundle].update(status="withdrawn", exports=[], tables={})
            register["withdrawn"][pid] = {"at": _now(), "rows": rows, "bundles": entry["bundles"]}
            _write_json_atomically(self.folder, REGISTER, register)
            self.log("withdrawn", member=pid, rows=rows, files=files)
        return {"member": pid, "rows": rows, "files": files, "bundles": entry["bundles"]}

    # ----------------------------------------------------------------------------------- private

    def _add_one(self, path: Path, keys: UnlockedKeys) -> Added:
        if not path.is_file():
            raise PoolError(f"{path}: no such file")
        size = path.stat().st_size
        if size > MAX_BUNDLE_BYTES:
            raise PoolError(f"{path.name}: {size:,} bytes, larger than any bundle this version opens")
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        opened = open_bundle(data, keys.private, path.name)
        header = opened.header
        with self._locked():
            register = self.register()
            _refuse_replay(register, header, digest, path.name)
            pid, merged_from, why = _member_of(register, header, keys)
            prints = content_prints(opened.tables)
            if why is None and pid not in register["members"]:
                twin = self._same_content(prints, register)
                if twin is not None:
                    merged_from, why = [pid, *merged_from], twin[1]
                    pid = twin[0]
            written = self._write(opened, pid, path.name)
            if opened.requests:  # the member's latest list of requests replaces the one filed before
                with store_lock(self.store):
                    merge_worker_requests(self.store, pid, opened.requests)
            self._keep_prints(pid, prints)
            now = _now()
            entry = register["members"].setdefault(pid, {
                "joined_at": now, "platforms": [], "bundles": [], "exports": [], "files": [],
                "identity": header["identity"].get("kind")})
            entry["platforms"] = sorted({*entry["platforms"], *(e["platform"] for e in header["exports"])})
            entry["bundles"].append(header["bundle_id"])
            entry["exports"] = sorted({*entry["exports"], *(e["export_id"] for e in header["exports"])})
            entry["files"] = sorted({*entry["files"], *bundle_files(header)})
            for alias in merged_from:
                register["aliases"][alias] = pid
            register["bundles"][header["bundle_id"]] = {
                "sha256": digest, "added_at": now, "created_at": header["created_at"], "member": pid,
                "tables": {t: int(e["rows"]) for t, e in header["tables"].items()}, "status": "added",
                "exports": [{"export_id": e["export_id"], "sha256": e.get("sha256"),
                             "platform": e.get("platform"), "received": e.get("received"),
                             "files": [f["sha256"] for f in e.get("files", [])]} for e in header["exports"]],
            }
            _write_json_atomically(self.folder, REGISTER, register)
            self.log("added", member=pid, bundle_id=header["bundle_id"], sha256=digest, rows=written,
                      merged=why)
        status = "merged" if why else "added"
        message = (f"{path.name}: added to member {pid}" + (f" ({why})" if why else "")
                   + f": {', '.join(f'{n:,} {t}' for t, n in written.items()) or 'no rows'}")
        return Added(path.name, pid, status, message, written)

    def _same_content(self, prints: np.ndarray, register: dict[str, Any]) -> tuple[str, str] | None:
        """The member whose pay lines this bundle mostly repeats (the same person under another id, as
        Bureau Local found for one invoice in ten), and why; None when none does."""
        if len(prints) < SAME_CONTENT_MIN_LINES:
            return None
        best: tuple[int, str] | None = None
        for pid in register["members"]:
            try:
                theirs = np.load(self.folder / PRINTS / f"{pid}.npy", allow_pickle=False)
            except (OSError, ValueError):
                continue
            shared = int(np.intersect1d(prints, theirs, assume_unique=True).size)
            if best is None or shared > best[0]:
                best = (shared, pid)
        if best is None or best[0] < max(SAME_CONTENT_MIN_LINES, SAME_CONTENT_SHARE * len(prints)):
            return None
        return best[1], (f"{best[0]:,} of its {len(prints):,} pay lines are already filed for {best[1]} "
                         "(same time, amount and kind): the same person under another id, counted once")

    def _keep_prints(self, pid: str, prints: np.ndarray) -> None:
        folder = self.folder / PRINTS
        folder.mkdir(exist_ok=True)
        path = folder / f"{pid}.npy"
        try:
            old = np.load(path, allow_pickle=False) if path.exists() else np.array([], dtype=np.uint64)
        except (OSError, ValueError):
            old = np.array([], dtype=np.uint64)
        temp = folder / f".{pid}.{os.getpid()}.npy"
        np.save(temp, np.union1d(old, prints).astype(np.uint64), allow_pickle=False)
        os.replace(temp, path)

    def _write(self, opened: OpenedBundle, pid: str, name: str) -> dict[str, int]:
        """File the bundle's tables under `pid`, export by export, atomically per export; on failure,
        the exports this call made are removed again."""
        written: dict[str, int] = {}
        before = {m["export_id"] for m in list_manifests(self.store) if m.get("worker_id") == pid}
        made: list[str] = []
        try:
            with store_lock(self.store):
                for export in opened.header["exports"]:
                    eid, platform = str(export["export_id"]), str(export["platform"])
                    parts = {t: _rows_for(t, table, eid, platform, pid) for t, table in opened.tables.items()}
                    parts = {t: p for t, p in parts.items() if p.num_rows}
                    if eid in before:  # tables this bundle does not carry stay as they were
                        for table in TABLES:
                            if table not in parts:
                                kept = load_table(self.store, table, worker=pid, platform=platform)
                                kept = kept[kept["export_id"] == eid]
                                if len(kept):
                                    parts[table] = conform(kept, table)
                    with ExportWriter(self.store, eid, platform, pid) as writer:
                        for table, part in parts.items():
                            writer.write(table, part)
                        done = writer.commit(_pool_manifest(export))
                    made.append(eid)
                    for table, entry in done.items():
                        written[table] = written.get(table, 0) + entry["rows"]
        except PoolError:
            self._undo(made, before, pid)
            raise
        except (OSError, ValueError, pa.ArrowException) as exc:
            self._undo(made, before, pid)
            raise PoolError(f"{name}: could not be filed ({exc}); the pool is as it was", "filing") from exc
        return written

    def _undo(self, made: list[str], before: set[str], pid: str) -> None:
        with store_lock(self.store):
            for eid in made:
                if eid in before:
                    continue
                for path in self.store.glob(f"*/platform=*/worker_id={pid}/{eid}.parquet"):
                    path.unlink()
                (self.store / "_exports" / f"{eid}.json").unlink(missing_ok=True)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        fd = os.open(self.folder / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def log(self, event: str, **details: Any) -> None:
        """Append one line to the pool's log (what was done, when; hashes and counts, never data)."""
        line = json.dumps({"at": _now(), "event": event, **details}, default=str, ensure_ascii=False)
        with open(self.folder / LOG, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")
            handle.flush()
            os.fsync(handle.fileno())


# ---------------------------------------------------------------------------------------------- private


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _refuse_replay(register: dict[str, Any], header: dict[str, Any], digest: str, name: str) -> None:
    """A bundle already added (same id or same bytes), or withdrawn, is refused."""
    seen = register["bundles"].get(header["bundle_id"])
    if seen is None:
        seen = next((b for b in register["bundles"].values() if b["sha256"] == digest), None)
    if seen is not None:
        what = ("withdrawn with its member" if seen["status"] == "withdrawn"
                else f"added to member {seen['member']}")
        raise PoolError(f"{name}: this bundle was already {what} on {seen['added_at'][:10]}: "
                        "nothing was changed (a member shares again with a new bundle)",
                        "withdrawn" if seen["status"] == "withdrawn" else "replay")


def _member_of(register: dict[str, Any], header: dict[str, Any],
               keys: UnlockedKeys) -> tuple[str, list[str], str | None]:
    """(the member's pseudonym, other pseudonyms merged into it, why they were merged or None)."""
    identity = header.get("identity") or {}
    files = bundle_files(header)
    values = [str(v) for v in identity.get("values") or []]
    if identity.get("kind") != "platform_id":  # only files with rows tell a worker (not a header alone)
        values = [v for v in values if v in files]
    if not values:
        raise PoolError("the bundle gives nothing to tell its member by; nothing was added")
    if identity.get("kind") == "platform_id":
        candidates = [keys.pseudonym("id:" + v) for v in values]
    else:
        candidates = [keys.pseudonym("content:" + min(values))]
    members, aliases = register["members"], register["aliases"]
    for candidate in candidates:
        known = aliases.get(candidate, candidate)
        if known in members:
            return known, [c for c in candidates if c != known and c not in aliases], (
                "already a member: the same platform id or the same export files, one person counted once")
    exports = {e["export_id"] for e in header["exports"]}
    for pid, entry in members.items():
        shared = exports & set(entry["exports"]) or files & set(entry["files"])
        if shared:
            return pid, candidates, (f"the same export or source file was already filed for {pid}: "
                                     "one person, counted once")
    return candidates[0], candidates[1:], None


def bundle_files(header: dict[str, Any]) -> set[str]:
    """The SHA-256 of each source file of a bundle that gave rows: a file without rows (a header alone,
    an empty list) can be byte for byte the same for two workers, so it never links them."""
    return {str(f["sha256"]) for e in header["exports"] for f in e.get("files", [])
            if f.get("sha256") and has_rows(f)}


def content_prints(tables: dict[str, pa.Table]) -> np.ndarray:
    """A fingerprint of each pay line of a bundle (platform, minute, amount, currency, kind), sorted and
    unique: what two filings of one person's pay share whatever their files or ids.

    Example:
        >>> import pyarrow as pa
        >>> t = pa.table({"platform": ["uber"], "earned_at": ["2024-01-01 10:00"], "amount": [7.5],
        ...               "currency": ["EUR"], "category": ["fare"]})
        >>> len(content_prints({"earnings": t}))
        1
    """
    table = tables.get("earnings")
    if table is None or table.num_rows == 0:
        return np.array([], dtype=np.uint64)
    frame = table.select(["platform", "earned_at", "amount", "currency", "category"]).to_pandas()
    frame = frame.dropna(subset=["earned_at", "amount"])
    text = (frame["platform"].astype(str) + "|" + frame["earned_at"].astype(str) + "|"
            + frame["amount"].astype(float).round(2).astype(str) + "|" + frame["currency"].astype(str) + "|"
            + frame["category"].astype(str))
    digests = [int.from_bytes(hashlib.blake2b(t.encode(), digest_size=8).digest(), "big") for t in text]
    return np.unique(np.array(digests, dtype=np.uint64))


def _rows_for(name: str, table: pa.Table, eid: str, platform: str, pid: str) -> pa.Table:
    """The bundle rows of one export in the store's exact schema, filed under the pseudonym."""
    mask = pc.and_(pc.equal(table.column("export_id"), eid), pc.equal(table.column("platform"), platform))
    part = table.filter(mask).to_pandas()
    part["worker_id"] = pid
    for column in TABLES[name].names:
        if column not in part:
            part[column] = None
    return conform(part[TABLES[name].names], name)


def _pool_manifest(export: dict[str, Any]) -> dict[str, Any]:
    """What the pool keeps of an export (what the read layer needs: platform, layout, zones)."""
    return {"source": "shared by a member", "kind": "bundle", "layout": export.get("layout"),
            "sha256": export.get("sha256"), "parser_version": export.get("parser_version"),
            "received": export.get("received"), "user_tz": export.get("user_tz"),
            "tz_decisions": export.get("tz_decisions", []), "zone_evidence": export.get("zone_evidence", {}),
            "files": [{"sha256": f.get("sha256"), "status": f.get("status"), "tables": f.get("tables", {})}
                      for f in export.get("files", [])]}


def _rows_of(store: Path, pid: str) -> dict[str, int]:
    rows = {}
    for table in TABLES:
        frame = load_table(store, table, worker=pid, columns=["export_id"])
        if len(frame):
            rows[table] = len(frame)
    return rows

