"""Synthetic Uber and Uber Eats exports, shaped exactly like the real ones, with known truth.

`write_sample(platform, out, layout=...)` simulates a worker (`toolkit.simulate`) and writes what the
platform would have sent them, in one real layout: the same files, headers, delimiters, line endings,
null markers, timestamp formats, units and vocabularies (`../shared/reference/export-formats.md`), plus
the junk files some layouts carry. It returns a `SampleTruth`: the simulated World, and, per table, exactly
the rows the ingest must produce under `docs/uber-mapping.md` (body columns, `source_file`, `source_row`;
no `extra`). Every value is synthetic: made-up positions around a city centre, made-up identifiers
(uuid5 of a fixed name), a fake plate `AA-000-AA`, TEST-NET IP addresses.

| platform | layout | imitates |
|---|---|---|
| uber | `sar-fr-2021` (default) | French access-request response, 2021 |
| uber | `sar-geneva-2022` | Geneva access-request responses, 2017–2022 |
| uber | `portal-2022` | download portal, Title-Case trips (US, to 2022) |
| uber | `portal-2025` | download portal, `Uber Data/…` (US, 2024–2025) |
| uber | `sar-2016` | Geneva access-request response, 2015–2016 |
| ubereats | `sar-eats-2025` (default) | Lausanne Uber Eats courier response, 2025 |

Example:
    >>> import tempfile
    >>> truth = write_sample("uber", Path(tempfile.mkdtemp()) / "uber.zip", days=3, seed=2)
    >>> truth.layout, "FR-Paris/02 - Driver Lifetime Trips.csv" in truth.files
    ('sar-fr-2021', True)
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from toolkit.samples.common import Export
from toolkit.samples.locations import write_locations_csv
from toolkit.samples.uber import sar_fr_2021, sar_geneva_2022
from toolkit.samples.uber_2016 import sar_2016
from toolkit.samples.uber_portal import portal_2022, portal_2025
from toolkit.samples.ubereats import sar_eats_2025
from toolkit.samples.wolt import ZONE as WOLT_ZONE
from toolkit.simulate import SimParams, World, simulate_worker

__all__ = ["DEFAULT_LAYOUT", "LAYOUTS", "SAMPLE_ZONES", "SampleTruth", "layout_params", "write_locations_csv",
           "write_sample"]

_PARIS = {"zone": "Europe/Paris", "centre_lat": 48.8566, "centre_lon": 2.3522, "currency": "EUR"}
_GENEVA = {"zone": "Europe/Zurich", "centre_lat": 46.2044, "centre_lon": 6.1432, "currency": "CHF"}
_LOS_ANGELES = {"zone": "America/Los_Angeles", "centre_lat": 34.0522, "centre_lon": -118.2437,
                "currency": "USD", "product": "UberX", "vat_rate": 0.0}
_LAUSANNE = {"zone": "Europe/Zurich", "centre_lat": 46.5197, "centre_lon": 6.6323, "currency": "CHF",
             "kind": "delivery", "product": "UberEats", "commission": 0.0, "vat_rate": 0.081}


@dataclass(frozen=True)
class Layout:
    """One real layout: its writer and the simulated worker it is shown with by default."""

    writer: Callable[[World], Export]
    defaults: dict[str, Any]


LAYOUTS: dict[str, dict[str, Layout]] = {
    "uber": {
        # the French response held 109 restriction rows in a month: this driver rejects more
        "sar-fr-2021": Layout(sar_fr_2021, {**_PARIS, "start": date(2021, 2, 1), "reject_prob": 0.25}),
        "sar-geneva-2022": Layout(sar_geneva_2022, {**_GENEVA, "start": date(2021, 10, 18),
                                                     "product": "UberX"}),
        "portal-2022": Layout(portal_2022, {**_LOS_ANGELES, "start": date(2022, 8, 29)}),
        "portal-2025": Layout(portal_2025, {**_LOS_ANGELES, "start": date(2025, 3, 3)}),
        "sar-2016": Layout(sar_2016, {**_GENEVA, "start": date(2015, 11, 23), "vat_rate": 0.0,
                                      "commission": 0.2}),
    },
    "ubereats": {"sar-eats-2025": Layout(sar_eats_2025, {**_LAUSANNE, "start": date(2024, 3, 25)})},
}
"""Platform -> layout name -> how to write it."""
DEFAULT_LAYOUT = {"uber": "sar-fr-2021", "ubereats": "sar-eats-2025"}

SAMPLE_ZONES: dict[str, str] = {
    "uber-portal-2022": str(LAYOUTS["uber"]["portal-2022"].defaults["zone"]),
    "uber-sar-2016": str(LAYOUTS["uber"]["sar-2016"].defaults["zone"]),
    "wolt-courier-tasks-2021": WOLT_ZONE,
}
"""Folders of `sample_exports/` whose export states no time zone -> the zone to ingest them with (`--tz`):
where the simulated worker lived. Every other sample places its times itself."""
SAMPLE_GPS_EVERY_S = 60.0
"""GPS density of samples by default (a real app logs every few seconds; samples stay small)."""


@dataclass
class SampleTruth:
    """What a written sample holds and what the ingest must make of it.

    `expected`: table -> the rows the ingest must produce (for every table the layout fills, possibly
    empty), in file order; `files`: every path written inside the export (sorted); `ignored`: those the
    ingest must ignore; `needs_tz`: the export states no time zone, so ingest it with `--tz zone`.
    """

    platform: str
    layout: str
    out: Path
    world: World
    expected: dict[str, pd.DataFrame]
    files: list[str]
    ignored: list[str] = field(default_factory=list)
    needs_tz: bool = False

    @property
    def zone(self) -> str:
        """The simulated worker's time zone (what `--tz` should be when `needs_tz`)."""
        return self.world.params.zone

    @property
    def truth(self) -> dict[str, Any]:
        """The simulated figures (`World.truth`)."""
        return self.world.truth


def write_sample(platform: str, out: Path, layout: str | None = None, days: int = 14, seed: int = 1,
                 params: SimParams | None = None) -> SampleTruth:
    """Simulate a worker and write their export in `layout` to `out` (a `.zip`, else a folder).

    Without `params`, the layout's own worker (city, zone, currency, years: see `LAYOUTS`) is simulated
    for `days` from `seed`; with `params`, exactly those parameters are used (`days` and `seed` are then
    ignored). Raises ValueError for an unknown platform or layout, or a ride worker on Uber Eats.

    Example:
        >>> import tempfile
        >>> t = write_sample("ubereats", Path(tempfile.mkdtemp()) / "eats", days=2)
        >>> sorted(t.expected)
        ['earnings', 'jobs', 'status_segments']
    """
    name = layout or DEFAULT_LAYOUT.get(platform, "")
    chosen = _layout(platform, name)
    p = params or layout_params(platform, name, days=days, seed=seed)
    if platform == "ubereats" and p.kind != "delivery":
        raise ValueError("ubereats samples need a delivery worker: SimParams(kind='delivery')")
    world = simulate_worker(p)
    export = chosen.writer(world)
    _write(Path(out), export.files)
    return SampleTruth(platform, name, Path(out), world, export.tables(), sorted(export.files),
                       sorted(export.ignored), export.needs_tz)


def layout_params(platform: str, layout: str, days: int = 14, seed: int = 1, **overrides: Any) -> SimParams:
    """The parameters `write_sample` simulates for `layout` by default, with `overrides` applied.

    Example:
        >>> layout_params("uber", "portal-2025", days=30, fee_cut=None).zone
        'America/Los_Angeles'
    """
    defaults = {"gps_every_s": SAMPLE_GPS_EVERY_S, **_layout(platform, layout).defaults}
    return replace(SimParams(), days=days, seed=seed, **{**defaults, **overrides})


def _layout(platform: str, layout: str) -> Layout:
    if platform not in LAYOUTS:
        raise ValueError(f"unknown platform {platform!r}: choose one of {sorted(LAYOUTS)}")
    if layout not in LAYOUTS[platform]:
        known = sorted(LAYOUTS[platform])
        raise ValueError(f"unknown layout {layout!r} for {platform}: choose one of {known}")
    return LAYOUTS[platform][layout]


_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _write(out: Path, files: dict[str, bytes]) -> None:
    """Write the files as a zip (fixed dates, sorted names: same input, same bytes) or a folder tree."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".zip":
        with zipfile.ZipFile(out, "w") as archive:
            for path in sorted(files):
                info = zipfile.ZipInfo(path, date_time=_ZIP_TIME)
                info.compress_type, info.create_system = zipfile.ZIP_DEFLATED, 3
                info.external_attr = 0o644 << 16
                archive.writestr(info, files[path], compresslevel=6)
        return
    for path in sorted(files):
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(files[path])


def file_simulated(store: Path, params: SimParams, worker: str, export_id: str, platform: str = "uber",
                   layout: str = "sar-fr-2021") -> World:
    """Simulate one worker and file the tables `layout`'s export would give straight into `store` (no
    zip round trip: for benchmarks and pooled tests); the simulated World, whose truth the figures are
    checked against.

    Example:
        >>> import tempfile
        >>> from toolkit.store import table_counts
        >>> store = Path(tempfile.mkdtemp()) / "s"
        >>> world = file_simulated(store, layout_params("uber", "sar-fr-2021", days=3, seed=2, gps_every_s=0),
        ...                        "w1", "0" * 16)
        >>> sorted(set(table_counts(store)["worker_id"]))
        ['w1']
    """
    from toolkit.schema import TABLES, conform
    from toolkit.store import ExportWriter, store_lock

    world = simulate_worker(params)
    export = _layout(platform, layout).writer(world)
    with store_lock(store), ExportWriter(store, export_id, platform, worker) as writer:
        for table, frame in export.tables().items():
            full = frame.assign(worker_id=worker, platform=platform, export_id=export_id, extra=None)
            writer.write(table, conform(full[TABLES[table].names], table))
        writer.commit({"source": "simulator", "layout": layout,
                       "tz_decisions": [{"zone": params.zone, "source": "export", "detail": "simulated"}]})
    return world
