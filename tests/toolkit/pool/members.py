"""Simulated members for the pool tests: each a worker with their own store, as on their own computer."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from parsers.ingest import ingest_export
from toolkit.pool.bundle import build
from toolkit.pool.keys import read_public
from toolkit.pool.minimise import minimise
from toolkit.samples import layout_params, write_sample
from toolkit.selection import export_zone

PASSPHRASE = "a long pool passphrase"
LAYOUT_TZ = {"portal-2022": "America/Los_Angeles", "sar-2016": "Europe/Zurich"}


def member_store(folder: Path, name: str, layout: str = "sar-fr-2021", platform: str = "uber",
                 days: int = 14, seed: int = 1, **params: Any) -> Path:
    """Simulate a worker, write their export, ingest it into their own store; the store."""
    export = folder / f"{name}-export"
    write_sample(platform, export, layout=layout,
                 params=layout_params(platform, layout, days=days, seed=seed, **params))
    store = folder / f"{name}-store"
    report = ingest_export(export, store, worker=name, tz=LAYOUT_TZ.get(layout))
    assert report.status == "ingested", report.error
    return store


def share_file(store: Path, worker: str, union_pub: Path, out: Path, tables: list[str] | None = None) -> Path:
    """What `gigdata share --yes` writes: the sealed bundle."""
    done = minimise(store, worker, tables=tables, zone=export_zone(store, worker).zone)
    data, _ = build(done, read_public(union_pub), "test")
    out.write_bytes(data)
    return out


def tree_digest(folder: Path, skip: tuple[str, ...] = ("log.jsonl", ".lock")) -> str:
    """One hash of every file's path and bytes under `folder` (the log, which records refusals, aside)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name not in skip):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
