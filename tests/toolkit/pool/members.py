"""Simulated members for the pool tests: each a worker with their own store, as on their own computer."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
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
                 days: int = 14, seed: int = 1, plant: Callable[[Path], None] | None = None,
                 **params: Any) -> Path:
    """Simulate a worker, write their export (`plant` may change its files), ingest it into their own
    store; the store."""
    export = folder / f"{name}-export"
    write_sample(platform, export, layout=layout,
                 params=layout_params(platform, layout, days=days, seed=seed, **params))
    if plant is not None:
        plant(export)
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


def plant_canaries(export: Path) -> None:
    """Direct identifiers and free text in every file of a sample export, as real exports carry them."""
    planted = {"Driver first name": "Zephyrine", "Driver surname": "Canarywood",
               "email": "canary@example.org",
               "Phone": "+44 7700 900123", "license_plate": "AB12 CDE", "IP Address": "203.0.113.77",
               "driver_uuid": "c0ffee00-1111-2222-3333-444455556666",
               "Support note": "Zephyrine Canarywood wrote from canary@example.org"}
    for path in export.rglob("*.csv"):
        lines = path.read_text(encoding="utf-8").splitlines()
        if len(lines) < 2:
            continue
        sep = ";" if lines[0].count(";") > lines[0].count(",") else ","
        lines[0] += sep + sep.join(planted)
        lines[1:] = [line + sep + sep.join(planted.values()) for line in lines[1:]]
        if "Restrictions" in path.name:  # a rule in free text naming a phone and a plate
            lines[1] = lines[1].replace("consecutiveReject", "Call +44 7700 900123 about AB12 CDE")
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")


CANARIES = ("Zephyrine", "Canarywood", "canary@example.org", "7700 900123", "AB12 CDE", "203.0.113.77",
            "c0ffee00-1111-2222-3333-444455556666")
