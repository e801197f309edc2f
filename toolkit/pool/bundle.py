"""The bundle a worker sends their union: minimised tables sealed to the union's public key, and the
worker's receipt.

A bundle file is the line `GIGDATA-BUNDLE/1`, then a libsodium sealed box (PyNaCl `SealedBox`) holding a
zip with `bundle.json` (what it holds: a random bundle id, when it was made, the tables with their rows,
columns and SHA-256, the exports and their file hashes, what minimisation removed, and the identity the
union turns into a pseudonym) and one Parquet file per table. Only the union's private key opens it; a
changed, cut or foreign bundle does not open at all (the box is authenticated), and the union checks
every table against its hash.

Example:
    >>> from nacl.public import PrivateKey
    >>> key = PrivateKey.generate()
    >>> header = {"format": FORMAT, "bundle_id": "b1", "created_at": "2026-12-03", "identity": {},
    ...           "exports": [], "tables": {}}
    >>> sealed = seal(header, {}, bytes(key.public_key))
    >>> open_bundle(sealed, bytes(key), "b.gdb").header["tables"]
    {}
"""

from __future__ import annotations

import hashlib
import io
import json
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from toolkit.errors import PoolError
from toolkit.pool.keys import public_code
from toolkit.pool.minimise import ALLOWED, Minimised

MAGIC = b"GIGDATA-BUNDLE/1\n"
FORMAT = "gigdata-bundle/1"
MAX_BUNDLE_BYTES = 4 * 1024**3
"""The largest bundle `pool add` opens (a worker's five years with GPS is well under 1 GiB)."""
MAX_TABLE_BYTES = 4 * 1024**3
MAX_HEADER_BYTES = 64 * 1024**2
"""Tables and the description are stored uncompressed inside the sealed zip, so no member can be larger
than the bundle itself (no decompression bomb)."""


@dataclass
class OpenedBundle:
    """A bundle once opened and checked: its header and its tables."""

    header: dict[str, Any]
    tables: dict[str, pa.Table]
    requests: list[Any] = field(default_factory=list)
    """The member's access requests (`toolkit.access.tracker.Request`), checked."""


def build(minimised: Minimised, public: bytes, software: str) -> tuple[bytes, dict[str, Any]]:
    """(the sealed bundle, the worker's receipt) for the minimised tables, to the union's `public` key."""
    blobs: dict[str, bytes] = {}
    tables: dict[str, Any] = {}
    for name, table in minimised.tables.items():
        sink = io.BytesIO()
        pq.write_table(table, sink, compression="zstd")
        blobs[name] = sink.getvalue()
        tables[name] = {"rows": table.num_rows, "columns": table.schema.names,
                        "sha256": hashlib.sha256(blobs[name]).hexdigest()}
    header = {
        "format": FORMAT, "bundle_id": uuid.uuid4().hex, "created_at": datetime.now(UTC).isoformat(),
        "software": software, "union_key": public_code(public), "tables": tables,
        "exports": minimised.exports, "identity": minimised.identity, "removed": minimised.removed,
        "requests": minimised.requests,
    }
    sealed = seal(header, blobs, public)
    receipt = {
        "what": "what you shared with your union (keep this receipt: it lets you ask for withdrawal)",
        "bundle_id": header["bundle_id"], "created_at": header["created_at"],
        "union_key": header["union_key"],
        "bundle_sha256": hashlib.sha256(sealed).hexdigest(), "bundle_bytes": len(sealed),
        "tables": tables, "removed": minimised.removed, "requests": len(minimised.requests),
        "exports": [{"export_id": e["export_id"], "platform": e["platform"], "sha256": e["sha256"],
                     "files": [f["sha256"] for f in e["files"]]} for e in minimised.exports],
    }
    return sealed, receipt


def seal(header: dict[str, Any], blobs: dict[str, bytes], public: bytes) -> bytes:
    """The bundle bytes: the magic line and the sealed zip."""
    from nacl.public import PublicKey, SealedBox

    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("bundle.json", json.dumps(header, sort_keys=True))
        for name, blob in blobs.items():
            archive.writestr(f"tables/{name}.parquet", blob)
    return MAGIC + bytes(SealedBox(PublicKey(public)).encrypt(inner.getvalue()))


def open_bundle(data: bytes, private: bytes, name: str) -> OpenedBundle:
    """Open and check a bundle with the union's private key; a `PoolError` naming `name` otherwise."""
    from nacl.exceptions import CryptoError
    from nacl.public import PrivateKey, SealedBox

    if not data.startswith(MAGIC):
        raise PoolError(f"{name}: not a gigdata bundle (made with `gigdata share`); nothing was added",
                        "not_bundle")
    try:
        inner = SealedBox(PrivateKey(private)).decrypt(data[len(MAGIC):])
    except CryptoError as exc:
        raise PoolError(f"{name}: cannot be opened with this pool's key: it was made for another union's "
                        "key, or changed or cut after it was made; nothing was added", "cannot_open") from exc
    try:
        with zipfile.ZipFile(io.BytesIO(inner)) as archive:
            about = archive.getinfo("bundle.json")
            if about.compress_type != zipfile.ZIP_STORED or about.file_size > MAX_HEADER_BYTES:
                raise PoolError(f"{name}: the bundle's description is not one `gigdata share` writes; "
                                "nothing was added", "unreadable")
            header = json.loads(archive.read(about))
            if header.get("format") != FORMAT:
                raise PoolError(f"{name}: bundle format {header.get('format')!r} is not one this version "
                                f"reads ({FORMAT}); nothing was added")
            tables = {}
            for table, entry in (header.get("tables") or {}).items():
                tables[table] = _checked_table(archive, name, table, entry)
    except (zipfile.BadZipFile, KeyError, json.JSONDecodeError, ValueError) as exc:
        raise PoolError(f"{name}: the bundle opened but its content is not readable ({exc}); "
                        "nothing was added", "unreadable") from exc
    for key in ("bundle_id", "created_at", "identity", "exports"):
        if key not in header:
            raise PoolError(f"{name}: the bundle does not say its {key}; nothing was added")
    from toolkit.access.tracker import TrackerError, checked_shared

    try:
        requests = checked_shared(header.get("requests", []), name)
    except TrackerError as exc:
        raise PoolError(f"{exc}; nothing was added", "unreadable") from exc
    return OpenedBundle(header, tables, requests)


def _checked_table(archive: zipfile.ZipFile, name: str, table: str, entry: dict[str, Any]) -> pa.Table:
    if table not in ALLOWED:
        raise PoolError(f"{name}: holds a table {table!r} that members never share; nothing was added")
    info = archive.getinfo(f"tables/{table}.parquet")
    if info.compress_type != zipfile.ZIP_STORED:  # share stores; a compressed member could be a bomb
        raise PoolError(f"{name}: table {table} is compressed inside the bundle, which `gigdata share` never "
                        "does; nothing was added", "unreadable")
    if info.file_size > MAX_TABLE_BYTES:
        raise PoolError(f"{name}: table {table} is {info.file_size:,} bytes, over the limit")
    blob = archive.read(info)
    if hashlib.sha256(blob).hexdigest() != entry.get("sha256"):
        raise PoolError(f"{name}: table {table} does not match the hash the bundle gives for it; "
                        "nothing was added")
    try:
        read = pq.read_table(io.BytesIO(blob))
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise PoolError(f"{name}: table {table} is not a readable Parquet table ({type(exc).__name__}); "
                        "nothing was added", "unreadable") from exc
    extra = [c for c in read.schema.names if c not in ALLOWED[table]]
    if extra:
        raise PoolError(f"{name}: table {table} holds columns members never share ({', '.join(extra)}); "
                        "nothing was added")
    if read.num_rows != entry.get("rows"):
        raise PoolError(f"{name}: table {table} holds {read.num_rows} rows, the bundle says "
                        f"{entry.get('rows')}; nothing was added")
    _check_plausible(read, name, table)
    return read


def _check_plausible(read: pa.Table, name: str, table: str) -> None:
    """A bundle passes the ingest's checks of sense again: `gigdata share` only sends what an ingest
    accepted, where every value outside sense was already emptied, so one found here was put there by
    hand, and the bundle is refused before it can break the pool's figures."""
    from parsers.base import ParseContext
    from parsers.common.plausible import plausible

    ctx = ParseContext("pool", "bundle")
    try:
        plausible(read, table, ctx, f"{name}:{table}")
    except (pa.ArrowException, TypeError, ValueError) as exc:
        raise PoolError(f"{name}: table {table} holds values of the wrong type ({type(exc).__name__}); "
                        "nothing was added", "unreadable") from exc
    found = ctx.issues.counts().get("implausible_value", 0)
    if found:
        first = ctx.issues.issues[0]
        raise PoolError(f"{name}: table {table} holds {found} value(s) outside physical sense (first in "
                        f"column {first.column}), which `gigdata share` never sends; nothing was added",
                        "unreadable")
