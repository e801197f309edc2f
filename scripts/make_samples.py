"""Regenerate `sample_exports/`: one folder per Uber / Uber Eats layout, and its README.

Every folder is written by `toolkit.samples.write_sample` (14 simulated days, seed 1, a GPS fix every
60 s), so the bundled samples are exactly what the code makes: a test checks that they do not drift.
Only the folders named `<platform>-<layout>` and `README.md` are replaced; nothing else is touched.

Usage: `python scripts/make_samples.py [--out DIR]` (default: the repository's `sample_exports/`).
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from toolkit.samples import LAYOUTS, SampleTruth, write_sample
from toolkit.samples.deliveroo import write_deliveroo_sample
from toolkit.samples.wolt import write_wolt_sample

SAMPLES = Path(__file__).resolve().parent.parent / "sample_exports"
DAYS, SEED = 14, 1

IMITATES = {
    "uber-sar-fr-2021": (
        "Uber driver, EU access-request (Art. 15) response of 2021, French (Paris) folder `FR-Paris/` with "
        "`NN - Title.csv` files", "data of February 2021",
        "§2.1a, 2.4a, 2.5a, 2.7a, 2.8, 2.9",
        "`;`-delimited, CRLF, empty cells for null, `2021-02-01T09:40:46.000Z` timestamps (also on the "
        "`*_local` columns, which hold Paris wall-clock time), the empty (0-byte) Performance Badges file. "
        "Every header is verbatim from the reference. The file numbers differ from the real response's "
        "(which numbered two files `05`)."),
    "uber-sar-geneva-2022": (
        "Uber driver, EU access-request responses from Geneva, 2017–2022 (folder `CH-Geneva/`)",
        "data of late October 2021 (crossing the end of summer time)", "§2.1b, 2.4c, 2.5b, 2.6, 2.7a",
        "`,`, `\\N` for null, naive `2021-11-18 12:00:00` timestamps, `Online OffLine` with a capital L and "
        "`en route`/`on trip` states, per-offer `Driver Trip Status`. Only the Dispatches header (21 "
        "columns) is verbatim; the 89-column trips header, the Online OffLine column order, the four Trip "
        "Status columns and the CRLF line ends are assumptions built from the names the reference saw."),
    "uber-portal-2022": (
        "Uber driver, download portal (\"Download your data\"), Title-Case `driver_lifetime_trips-0.csv` "
        "(US, files dated up to 2022)", "data of late August to September 2022", "§2.2a",
        "Header verbatim. Local times only (with a misleading `Z`): ingest with `--tz America/Los_Angeles`. "
        "LF line ends (not documented)."),
    "uber-portal-2025": (
        "Uber driver, download portal 2024–2025, `Uber Data/<Folder>/<name>-<n>.csv` (US)",
        "data of March 2025 (crossing the start of US summer time)", "§1.1, 2.2b, 2.7c, 2.10, 2.11, 2.12",
        "Verbatim headers: app analytics (18 columns, split in two parts), ratings, rider `trips_data.csv`. "
        "The 73-column trips header holds the 52 names the reference confirms plus 21 assumed ones; the "
        "payments column names are documented, their order assumed. `Uber Data/Rider/trips_data.csv` and "
        "`Uber Data/Account and Profile/profile_data.csv` are the worker's own rider data and account: "
        "the ingest must ignore them. LF line ends (not documented)."),
    "uber-sar-2016": (
        "Uber driver, Geneva access-request response of 2015–2016 (files at the top level)",
        "data of late November and early December 2015", "§2.3, 2.10, 2.14",
        "Headers verbatim. `Trip details (Driver).csv` has local times with unpadded hours and no zone "
        "(ingest with `--tz Europe/Zurich`), `duration` in minutes, `distance` in an unstated unit; "
        "`1 - Driver Detailed Device Data.csv` has epoch-millisecond GPS times. `2 - Rider Detailed Device "
        "Data.csv` (the worker's own rider app) and `Lost Time details (Driver).csv` (made by an analyst, "
        "not by Uber) must be ignored. `,`, CRLF, `\\N` for null."),
    "ubereats-sar-eats-2025": (
        "Uber Eats courier, EU access-request response of 2025 (Lausanne), folder `CH-Lausanne/` (made-up "
        "name)", "data of late March to early April 2024 (crossing the start of summer time)",
        "§3, 2.4b, 2.7b",
        "Headers verbatim. `,`, LF, empty cells for null, `2023-11-10 11:36:35` timestamps; distances in "
        "miles, one column in km; every 7th payment line has an empty `category` (as in the real file); "
        "`UBER VÉLO` on some rows."),
}
"""Folder -> (what it imitates, period simulated, export-formats.md sections, format notes)."""

INVOICE_LANGUAGES = ("en-GB", "fr-FR", "nl-NL")
OTHERS = {
    "wolt-courier-tasks-2021": (
        "Wolt courier partner, access-request file `courier_tasks.csv` (2020–2021), export-formats.md §10",
        "Header verbatim, with the trailing space in `\"Task creation time \"`, every header cell quoted, "
        "`TRUE`/`FALSE`, variable fractional seconds, one vehicle value split by an embedded newline "
        "(`BIC\\nYCLE`). Local times of Europe/Helsinki with no zone in the file: ingest with "
        "`--tz Europe/Helsinki`. Wolt's other files (earnings, shifts, locations) are not public and not "
        "imitated."),
    "deliveroo-invoices-{lang}": (
        "Deliveroo rider self-billing invoices (PDF), {lang}, export-formats.md §4.1",
        "Two fortnightly invoices. The English labels come from the IWGB parser's fixtures; the French and "
        "Dutch ones partly so (see docs/deliveroo-wolt-mapping.md: labels not seen in a real invoice are "
        "marked as guesses there). Page geometry and file names are invented."),
}
"""Samples of the platforms that are not simulated through `write_sample`: folder -> (imitates, notes)."""


def main() -> None:
    """Rewrite the sample folders and the README under --out."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=SAMPLES, help="Where to write (default: sample_exports).")
    make_samples(parser.parse_args().out)


def make_samples(out: Path) -> list[SampleTruth]:
    """Write every layout's sample folder and `README.md` under `out`; return what was written.

    Example:
        >>> import tempfile
        >>> [t.layout for t in make_samples(Path(tempfile.mkdtemp()))][:2]
        ['sar-fr-2021', 'sar-geneva-2022']
    """
    truths = []
    for platform, layouts in LAYOUTS.items():
        for layout in layouts:
            folder = out / f"{platform}-{layout}"
            if folder.exists():
                shutil.rmtree(folder)
            truths.append(write_sample(platform, folder, layout=layout, days=DAYS, seed=SEED))
    (out / "README.md").write_text(readme(truths) + other_samples(out), encoding="utf-8")
    return truths


def other_samples(out: Path) -> str:
    """Write the Wolt and Deliveroo sample folders under `out`; return their README sections."""
    folders: dict[str, tuple[str, str]] = {}
    wolt = out / "wolt-courier-tasks-2021"
    shutil.rmtree(wolt, ignore_errors=True)
    write_wolt_sample(wolt, days=DAYS, seed=SEED)
    folders[wolt.name] = OTHERS[wolt.name]
    for lang in INVOICE_LANGUAGES:
        folder = out / f"deliveroo-invoices-{lang}"
        shutil.rmtree(folder, ignore_errors=True)
        write_deliveroo_sample(folder, language=lang, invoices=2, seed=SEED)
        what, notes = OTHERS["deliveroo-invoices-{lang}"]
        folders[folder.name] = (what.format(lang=lang), notes)
    lines: list[str] = []
    for name, (what, notes) in folders.items():
        files = sorted(p.relative_to(out / name).as_posix() for p in (out / name).rglob("*") if p.is_file())
        lines += [f"## `{name}/`", "", f"- Imitates: {what}.", f"- Format: {notes}", "- Files:", ""]
        lines += [f"  - `{path}`" for path in files]
        lines.append("")
    return "\n".join(lines)


def readme(truths: list[SampleTruth]) -> str:
    """The README of `sample_exports/`: what each folder imitates and what is synthetic."""
    lines = [
        "# Sample exports (synthetic)",
        "",
        "Every file here was **made up by a simulator**: no real person's data is in this folder. A",
        "simulated worker (`toolkit.simulate`: sessions, offers, jobs, pay lines, ratings, blocks, GPS) was",
        "written out by `toolkit.samples.write_sample` in the exact shape of a real export layout: same file",
        "names, headers, delimiters, line ends, null markers, timestamp formats, units and vocabularies, as",
        "documented in `../shared/reference/export-formats.md` (the § numbers below). Positions are random",
        "points around a city centre, identifiers are made-up UUIDs, the plate is `AA-000-AA`, IP addresses",
        "are from the documentation range 192.0.2.0/24, addresses read `1 Example Street`. Amounts follow",
        "invented rates, not any platform's.",
        "",
        f"Regenerate with `make samples` (`python scripts/make_samples.py`): {DAYS} simulated days,",
        f"seed {SEED}, one GPS fix a minute. `tests/toolkit/test_samples.py` fails if these folders differ",
        "from a fresh regeneration, so they cannot drift from the code.",
        "",
    ]
    for truth in truths:
        name = f"{truth.platform}-{truth.layout}"
        what, period, sections, notes = IMITATES[name]
        t = truth.truth
        zone = (f"not stated by the export: ingest with `--tz {truth.zone}`" if truth.needs_tz
                else "stated by the export")
        lines += [f"## `{name}/`", "", f"- Imitates: {what}; {period}; export-formats.md {sections}.",
                  f"- Format: {notes}",
                  f"- Simulated worker: {truth.world.params.kind} in {truth.zone}, {t['sessions']} sessions, "
                  f"{t['jobs']['total']} jobs, {t['offers']['offered']} offers, waiting share "
                  f"{t['time']['unpaid_share']:.3f}, {t['sanctions']['blocks']} block(s).",
                  f"- Time zone: {zone}.",
                  "- Files:", ""]
        lines += [f"  - `{path}`" + (" (to be ignored by the ingest)" if path in truth.ignored else "")
                  for path in truth.files]
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
