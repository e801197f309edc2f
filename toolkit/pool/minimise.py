"""What leaves a worker's computer when they share with their union: minimised tables, never the store.

Minimisation is built in, not optional (security.md §3.3–3.5, methods.md §6.2):

- **columns**: each table keeps only the columns of the data model listed in `ALLOWED`; `extra` (the
  export's other columns) never leaves. Platform trip ids become a keyed hash (`job_id` = HMAC of the
  worker's own share secret, so rows still join and two shares of one export agree, but the platform's id
  is not in the bundle). `source_file` becomes the file's SHA-256 prefix (file names can carry names).
- **codes**: the platform's own labels (`raw_state`, `classification`, `rule`…) leave only when they look
  like a code: no `@`, no run of four digits, no address, plate-like or postcode-like token, at most six
  words and 64 characters. Anything else is removed and counted.
- **times** are cut to the minute; dates are kept.
- **places**: coordinates leave only as the centre of their H3 resolution-8 cell (about 0.7 km²). Around
  each sensitive place (the likely home, `toolkit.geo.home_anchor`, and every cell where a working day
  began or ended on 3 days or more) nothing within `MASK_RADIUS_M` leaves: the mask's centre is moved by a
  secret offset of up to half the radius and its radius grown by that offset and by `ANCHOR_MARGIN_M` (the
  place is estimated from the data, and the estimate can miss the real door by tens of metres), so at least
  500 m around the place are masked and the mask's edge does not point to it. GPS fixes within the first and
  the last `CUT_M` of path of each shift are left out too; the first position of each day and the last are
  removed from the status log.

Example:
    >>> looks_like_code("consecutiveReject"), looks_like_code("+44 7700 900123"), looks_like_code("AB12 CDE")
    (True, False, False)
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import h3
import numpy as np
import pandas as pd
import pyarrow as pa

from toolkit.geo import distance_m, home_anchor
from toolkit.schema import TABLES, conform
from toolkit.store import list_manifests, load_table

SHARE_DIR = "_share"
SECRET_FILE = "secret"
H3_RES = 8
MASK_RADIUS_M = 500.0
ANCHOR_MARGIN_M = 100.0
"""Added to every mask's radius: a place is estimated from the data (where days begin and end), and the
estimate can sit tens of metres from the real door; the 500 m are meant around the real place."""
CUT_M = 1000.0
SHIFT_GAP = pd.Timedelta(hours=1)
FREQUENT_DAYS = 3

COORDS: dict[str, list[tuple[str, str]]] = {
    "status_segments": [("start_lat", "start_lon"), ("end_lat", "end_lon")],
    "jobs": [("accept_lat", "accept_lon"), ("pickup_lat", "pickup_lon"), ("dropoff_lat", "dropoff_lon")],
    "locations": [("lat", "lon")],
    "sanctions": [("lat", "lon")],
}
CODES: dict[str, list[str]] = {
    "status_segments": ["raw_state"],
    "jobs": ["product", "raw_status"],
    "offers": ["raw_outcome"],
    "earnings": ["classification"],
    "locations": ["raw_status", "event"],
    "sanctions": ["rule"],
    "statements": ["issuer"],
}
DROPPED: dict[str, list[str]] = {"locations": ["accuracy_m", "altitude_m"]}
"""Columns of the data model that never leave either (an altitude tells the floor of a building)."""
ALLOWED: dict[str, list[str]] = {
    table: [c for c in schema.names if c != "extra" and c not in DROPPED.get(table, [])]
    for table, schema in TABLES.items() if table in {
        "status_segments", "jobs", "offers", "offer_windows", "earnings", "locations", "ratings",
        "sanctions", "statements"}
}
"""The columns each shareable table may carry in a bundle (provenance included, `worker_id` replaced by
the union's pseudonym on arrival)."""

_PLATE = re.compile(r"\b[A-Z]{1,3}[- ]?\d{1,4}[- ]?[A-Z]{0,3}\b|\b\d{1,4}[A-Z]{1,3}\b")
_IP = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b|\b[0-9a-f]{1,4}(?::[0-9a-f]{0,4}){3,}\b", re.I)
_DIGITS = re.compile(r"\d[\d .\-/]{2,}\d")
_ADDRESS = re.compile(r"\b(rue|avenue|street|road|boulevard|chemin|straat|weg|strasse|straße)\b", re.I)


def looks_like_code(value: str) -> bool:
    """Whether a platform label can leave as it is (a code, not free text or an identifier)."""
    text = value.strip()
    if not text or len(text) > 64 or len(text.split()) > 6 or "@" in text:
        return False
    if _IP.search(text) or _ADDRESS.search(text) or _PLATE.search(text):
        return False
    digits = _DIGITS.findall(text)
    return not any(sum(ch.isdigit() for ch in run) >= 4 for run in digits)


@dataclass
class Minimised:
    """The tables that would leave, what was removed, and what the union needs to file them."""

    tables: dict[str, pa.Table]
    exports: list[dict[str, Any]]
    identity: dict[str, Any]
    removed: dict[str, dict[str, int]] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)
    """The worker's access requests as they leave (`tracker.SHARED_FIELDS`): the union's request log."""

    def preview(self, table: str, rows: int = 5) -> pd.DataFrame:
        """The first rows of a table exactly as they would leave."""
        return self.tables[table].slice(0, rows).to_pandas()


def share_secret(store: Path) -> bytes:
    """The worker's own share secret (made on first use, kept in the store, never shared): it keys the
    hashed trip ids and the mask offsets, so two shares of the same data agree."""
    folder = store / SHARE_DIR
    path = folder / SECRET_FILE
    if path.is_file():
        return path.read_bytes()
    folder.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(secret)
    return secret


def minimise(store: Path, worker: str, platform: str | None = None, tables: list[str] | None = None,
             zone: str = "UTC", requests: bool = True) -> Minimised:
    """The worker's data as it would leave for the union: allowlisted, coarsened, masked.

    `tables` limits which tables leave (None: every shareable table holding rows); `requests`: whether the
    worker's access requests go along (dates, codes and what the answers lacked; no free text)."""
    from toolkit.access.check import check
    from toolkit.access.tracker import shared_records

    secret = share_secret(store)
    wanted = list(ALLOWED) if tables is None else tables
    unknown = [t for t in wanted if t not in ALLOWED]
    if unknown:
        raise ValueError(f"these tables cannot be shared: {', '.join(unknown)} "
                         f"(shareable: {', '.join(ALLOWED)})")
    frames = {t: load_table(store, t, worker=worker, platform=platform) for t in ALLOWED}
    manifests = [m for m in list_manifests(store) if m.get("worker_id") == worker
                 and platform in (None, m.get("platform"))]
    file_hash = {(m["export_id"], f.get("path")): f.get("sha256")
                 for m in manifests for f in m.get("files", [])}
    places = _sensitive_places(frames, zone, secret)
    out: dict[str, pa.Table] = {}
    removed: dict[str, dict[str, int]] = {}
    for table in wanted:
        frame = frames[table]
        if frame.empty:
            continue
        done, counts = _minimise_table(table, frame, places, secret, file_hash, zone)
        if len(done):
            out[table] = conform(done, table).select(ALLOWED[table])
        removed[table] = counts
    used = {str(e) for t in out.values() for e in t.column("export_id").unique().to_pylist()}
    exports = [_export_record(m) for m in manifests if m["export_id"] in used]
    shared: list[dict[str, Any]] = []
    if requests:
        missing: dict[str, list[str]] = {}
        for gap in check(store, worker=worker):
            missing.setdefault(gap.platform, []).append(gap.item)
        shared = shared_records(store, worker, missing, platform)
    return Minimised(out, exports, _identity(manifests, used), removed, shared)


def _identity(manifests: list[dict[str, Any]], used: set[str]) -> dict[str, Any]:
    """What the union turns into the member's pseudonym: the platform's worker id when an export gave one,
    else the SHA-256 of every source file that gave rows (the same export filed twice is then one member;
    a file without rows, such as a header alone, is the same for many workers and tells no one apart)."""
    ids = sorted({(str(m["platform"]), str(m["platform_worker_id"])) for m in manifests
                  if m["export_id"] in used and m.get("platform_worker_id")})
    if ids:
        return {"kind": "platform_id", "values": [f"{p}:{i.strip().lower()}" for p, i in ids]}
    hashes = sorted({str(f["sha256"]) for m in manifests if m["export_id"] in used
                     for f in m.get("files", []) if f.get("sha256") and f.get("status") == "parsed"
                     and has_rows(f)})
    return {"kind": "content", "values": hashes}


def has_rows(file: dict[str, Any]) -> bool:
    """Whether a manifest's (or a bundle's) file entry gave rows to any table."""
    return any(int(n or 0) > 0 for n in (file.get("tables") or {}).values())


def _export_record(manifest: dict[str, Any]) -> dict[str, Any]:
    """What the union may know of an export: no file names, no source name, no worker name."""
    return {
        "export_id": manifest["export_id"], "sha256": manifest.get("sha256"),
        "platform": manifest.get("platform"), "layout": manifest.get("layout"),
        "parser_version": manifest.get("parser_version"), "received": manifest.get("received"),
        "user_tz": manifest.get("user_tz"),
        "tz_decisions": [{"zone": d.get("zone"), "source": d.get("source")}
                         for d in manifest.get("tz_decisions", [])],
        "zone_evidence": {"proposal": (manifest.get("zone_evidence") or {}).get("proposal")},
        "files": [{"sha256": f.get("sha256"), "status": f.get("status"), "tables": f.get("tables", {})}
                  for f in manifest.get("files", []) if f.get("status") == "parsed"],
    }


def _minimise_table(table: str, frame: pd.DataFrame, places: list[tuple[float, float, float]],
                    secret: bytes, file_hash: dict[tuple[str, str], str | None],
                    zone: str) -> tuple[pd.DataFrame, dict[str, int]]:
    counts: dict[str, int] = {"rows": len(frame)}
    frame = frame.copy()
    frame["extra"] = None
    for column in DROPPED.get(table, []):
        frame[column] = np.nan
    for name, dtype in zip(TABLES[table].names, TABLES[table].types, strict=True):
        if pa.types.is_timestamp(dtype) and name in frame:
            frame[name] = pd.to_datetime(frame[name], utc=True).dt.floor("min")
    if "job_id" in frame:
        frame["job_id"] = [None if pd.isna(v) else _keyed(secret, "job", str(v))[:16]
                           for v in frame["job_id"]]
    frame["source_file"] = [
        "sha256:" + (file_hash.get((e, f)) or _keyed(secret, "file", str(f)))[:16]
        for e, f in zip(frame["export_id"], frame["source_file"], strict=True)]
    for column in CODES.get(table, []):
        values = frame[column]
        keep = pd.Series([v is None or (isinstance(v, float) and v != v) or looks_like_code(str(v))
                          for v in values], index=values.index, dtype=bool)
        counts[f"{column}_removed"] = int((~keep).sum())
        frame[column] = values.where(keep, None)
    if table == "locations":
        frame, cut = _cut_shift_ends(frame)
        counts["fixes_cut_at_shift_ends"] = cut
    if table == "status_segments":
        frame = _drop_day_ends(frame, zone)
    for lat, lon in COORDS.get(table, []):
        inside = _inside(frame[lat], frame[lon], places)
        counts[f"{lat[:-4] or 'point'}_masked"] = int(inside.sum())
        frame.loc[inside, [lat, lon]] = np.nan
        frame[lat], frame[lon] = _cell_centres(frame[lat], frame[lon])
    if table == "locations":
        before = len(frame)
        frame = frame[frame["lat"].notna()]
        counts["fixes_left_out"] = before - len(frame)
    return frame.reset_index(drop=True), counts


def _keyed(secret: bytes, what: str, value: str) -> str:
    return hmac.new(secret, f"{what}:{value}".encode(), hashlib.sha256).hexdigest()


def _cell_centres(lat: pd.Series, lon: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Each known position replaced by the centre of its H3 res-8 cell."""
    out_lat, out_lon = lat.astype(float).copy(), lon.astype(float).copy()
    known = lat.notna() & lon.notna()
    cache: dict[str, tuple[float, float]] = {}
    centres = []
    for a, b in zip(lat[known].astype(float), lon[known].astype(float), strict=True):
        cell = h3.latlng_to_cell(a, b, H3_RES)
        centres.append(cache.setdefault(cell, h3.cell_to_latlng(cell)))
    if centres:
        out_lat.loc[known] = np.array([c[0] for c in centres])
        out_lon.loc[known] = np.array([c[1] for c in centres])
    return out_lat, out_lon


def _sensitive_places(frames: dict[str, pd.DataFrame], zone: str,
                      secret: bytes) -> list[tuple[float, float, float]]:
    """(lat, lon, radius m) of each mask: the home anchor and the cells where days began or ended on
    `FREQUENT_DAYS` days or more, each moved by its secret offset."""
    locations = frames["locations"][["ts", "lat", "lon"]].dropna()
    segments = frames["status_segments"]
    found: list[tuple[float, float]] = []
    home = home_anchor(locations, segments.dropna(subset=["start_at"]), zone)
    if home is not None:
        found.append(home)
    ends = _day_ends(frames, zone)
    if not ends.empty:
        ends["cell"] = [h3.latlng_to_cell(a, b, H3_RES)
                        for a, b in zip(ends["lat"], ends["lon"], strict=True)]
        days = ends.groupby("cell")["day"].nunique()
        for cell in days[days >= FREQUENT_DAYS].index:
            inside = ends[ends["cell"] == cell]
            found.append((float(inside["lat"].mean()), float(inside["lon"].mean())))
    masks = []
    for lat, lon in found:
        digest = hmac.new(secret, f"mask:{lat:.5f}:{lon:.5f}".encode(), hashlib.sha256).digest()
        angle = int.from_bytes(digest[:4], "big") / 2**32 * 2 * math.pi
        shift = math.sqrt(int.from_bytes(digest[4:8], "big") / 2**32) * MASK_RADIUS_M / 2
        dlat = shift * math.cos(angle) / 111_195.0
        dlon = shift * math.sin(angle) / (111_195.0 * max(math.cos(math.radians(lat)), 0.01))
        masks.append((lat + dlat, lon + dlon, MASK_RADIUS_M + ANCHOR_MARGIN_M + shift))
    return masks


def _day_ends(frames: dict[str, pd.DataFrame], zone: str) -> pd.DataFrame:
    """The first and last known position of each local day, from every table that has positions."""
    points = []
    for table, pairs in COORDS.items():
        frame = frames[table]
        if frame.empty:
            continue
        when = {"status_segments": "start_at", "jobs": "requested_at", "locations": "ts",
                "sanctions": "at"}[table]
        for lat, lon in pairs:
            part = frame[[when, lat, lon]].dropna().set_axis(["ts", "lat", "lon"], axis=1)
            points.append(part)
    if not points:
        return pd.DataFrame(columns=["day", "lat", "lon"])
    every = pd.concat(points).sort_values("ts")
    if every.empty:
        return pd.DataFrame(columns=["day", "lat", "lon"])
    every["day"] = every["ts"].dt.tz_convert(zone).dt.date
    grouped = every.groupby("day")
    return pd.concat([grouped.head(1), grouped.tail(1)])[["day", "lat", "lon"]].reset_index(drop=True)


def _inside(lat: pd.Series, lon: pd.Series, places: list[tuple[float, float, float]]) -> pd.Series:
    inside = pd.Series(False, index=lat.index)
    for plat, plon, radius in places:
        inside |= pd.Series(distance_m(lat, lon, plat, plon) <= radius, index=lat.index)
    return inside


def _cut_shift_ends(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Leave out the fixes within the first and last `CUT_M` of path of each shift (fixes more than
    `SHIFT_GAP` apart start a new shift)."""
    ordered = frame.sort_values("ts").reset_index(drop=True)
    known = ordered["lat"].notna() & ordered["lon"].notna() & ordered["ts"].notna()
    fixes = ordered[known]
    if fixes.empty:
        return ordered, 0
    shift = (fixes["ts"].diff() > SHIFT_GAP).cumsum()
    step = distance_m(fixes["lat"].shift(), fixes["lon"].shift(), fixes["lat"], fixes["lon"])
    step = np.where(shift.diff().fillna(1).to_numpy() != 0, 0.0, np.nan_to_num(step))
    path = pd.Series(step, index=fixes.index).groupby(shift).cumsum()
    total = path.groupby(shift).transform("max")
    near_end = (path < CUT_M) | (total - path < CUT_M)
    drop = near_end[near_end].index
    return ordered.drop(index=drop).reset_index(drop=True), len(drop)


def _drop_day_ends(frame: pd.DataFrame, zone: str) -> pd.DataFrame:
    """No position for where a day's status log began or ended."""
    if frame["start_at"].isna().all():
        return frame
    ordered = frame.sort_values("start_at")
    day = ordered["start_at"].dt.tz_convert(zone).dt.date
    first = ordered.groupby(day).head(1).index
    last = ordered.groupby(day).tail(1).index
    frame = frame.copy()
    frame.loc[first, ["start_lat", "start_lon"]] = np.nan
    frame.loc[last, ["end_lat", "end_lon"]] = np.nan
    return frame
