"""A corpus of hostile and broken exports, built from the bundled synthetic samples (issue 13).

Every case is one thing a worker's upload, a member's bundle or a shared mapping profile could hold:
archive attacks (security.md §1A), CSV, JSON, XLSX and PDF traps inside otherwise valid exports, values
outside physical sense, folder hazards, malicious profile folders and odd file names. `build_corpus`
writes each case under a folder and returns them; `tests/hostile/run.py` ingests each into a store that
already holds a good export and classifies what happened.

No case holds anyone's data: the valid parts are the synthetic samples of `sample_exports/`.

Example (about 30 s and 300 MB of files; `tests/hostile/test_corpus.py` checks the count):
    cases = build_corpus(Path(tempfile.mkdtemp()))
"""

from __future__ import annotations

import io
import os
import shutil
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.parsers.test_deliveroo import pdf_of

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_exports"
EXAMPLE_PROFILE = ROOT / "parsers" / "profiles" / "builtin" / "example-courier.toml"

PARIS = "FR-Paris/"
TRIPS = PARIS + "02 - Driver Lifetime Trips.csv"
ONLINE = PARIS + "05 - Driver Online Offline.csv"
DISPATCH = PARIS + "08 - Driver Dispatches Offered and Accepted.csv"
PAYMENTS = PARIS + "19a - Driver Payments.csv"
RESTRICTIONS = PARIS + "11 - Driver App Restrictions.csv"
STATUS_GE = "CH-Geneva/04 - Driver Trip Status.csv"
ONLINE_GE = "CH-Geneva/02 - Driver Online OffLine.csv"
WOLT = "courier_tasks.csv"


@dataclass
class Case:
    """One hostile or broken input: the export to ingest and, for profile cases, a profile folder.

    `group` names the reader it aims at; `fast` cases form the subset `make test` runs."""

    name: str
    group: str
    export: Path
    profiles: Path | None = None
    fast: bool = False
    note: str = ""
    tz: str | None = None
    env: dict[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------- the base exports


def sample_files(name: str) -> dict[str, bytes]:
    """Every file of one bundled sample, by its path inside the sample folder."""
    root = SAMPLES / name
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def write_zip(path: Path, files: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    """A zip holding `files` (path -> bytes)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def _lines(data: bytes) -> tuple[bytes, list[bytes]]:
    text = data.decode("utf-8-sig").encode("utf-8")
    lines = text.splitlines()
    return lines[0], lines[1:]


def sep(data: bytes) -> str:
    """The delimiter of a sample CSV (the French Uber files use ';')."""
    first = data.split(b"\n", 1)[0]
    return ";" if first.count(b";") > first.count(b",") else ","


def columns(data: bytes) -> list[str]:
    """The column names of a sample CSV."""
    header, _ = _lines(data)
    return [c.strip('"') for c in header.decode("utf-8").split(sep(data))]


def _column_index(header: bytes, name: str, delimiter: str) -> int:
    cells = header.decode("utf-8").split(delimiter)
    return [c.strip('"') for c in cells].index(name)


def set_column(data: bytes, column: str, value: str, rows: int | None = None) -> bytes:
    """The CSV `data` with `column` set to `value` in its first `rows` rows (all when None)."""
    header, body = _lines(data)
    delimiter = sep(data)
    index = _column_index(header, column, delimiter)
    out = [header]
    for number, line in enumerate(body):
        cells = line.decode("utf-8").split(delimiter)
        if (rows is None or number < rows) and index < len(cells):
            cells[index] = value
        out.append(delimiter.join(cells).encode("utf-8"))
    return b"\n".join(out) + b"\n"


def first_column(data: bytes, prefix: str) -> str:
    """The name of the first column of a CSV whose name starts with `prefix`."""
    return next(c for c in columns(data) if c.startswith(prefix))


# --------------------------------------------------------------------------------------- raw zip crafting


def _patch(data: bytes, signature: bytes, index: int, offset: int, fmt: str, value: int) -> bytes:
    """Overwrite a field of the `index`-th header starting with `signature` (offset from the signature)."""
    position = -1
    for _ in range(index + 1):
        position = data.index(signature, position + 1)
    out = bytearray(data)
    struct.pack_into(fmt, out, position + offset, value)
    return bytes(out)


def _patch_central(data: bytes, index: int, offset: int, fmt: str, value: int) -> bytes:
    """A field of the `index`-th central directory header overwritten."""
    return _patch(data, b"PK\x01\x02", index, offset, fmt, value)


def _patch_local(data: bytes, index: int, offset: int, fmt: str, value: int) -> bytes:
    """A field of the `index`-th local file header overwritten."""
    return _patch(data, b"PK\x03\x04", index, offset, fmt, value)


def _zip_bytes(
    files: dict[str, bytes],
    method: int = zipfile.ZIP_DEFLATED,
    attrs: dict[str, int] | None = None,
    system: int | None = None,
) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = method
            if attrs and name in attrs:
                info.external_attr = attrs[name] << 16
                info.create_system = 3
            elif system is not None:
                info.create_system = system
            archive.writestr(info, data)
    return buffer.getvalue()


# ------------------------------------------------------------------------------------------- the builders


class _Corpus:
    def __init__(self, folder: Path, fast_only: bool = False) -> None:
        self.folder = folder
        self.fast_only = fast_only  # the other cases are listed but their files not written
        self.cases: list[Case] = []
        self.paris = sample_files("uber-sar-fr-2021")
        self.geneva = sample_files("uber-sar-geneva-2022")
        self.wolt = sample_files("wolt-courier-tasks-2021")
        self.portal = sample_files("uber-portal-2025")
        self.deliveroo = sample_files("deliveroo-invoices-en-GB")

    def example_body(self) -> dict[str, bytes]:
        """The files of the synthetic export the example profile describes (CSV, XLSX, JSON)."""
        from tests.parsers.test_profiles import csv_file, json_file, xlsx_file

        return {
            "export/courier_deliveries.csv": csv_file(),
            "export/courier_payouts.xlsx": xlsx_file(),
            "export/courier_sessions.json": json_file(),
        }

    def path(self, name: str, suffix: str = ".zip") -> Path:
        return self.folder / "exports" / f"{name}{suffix}"

    def add(
        self,
        name: str,
        group: str,
        export: Path,
        fast: bool = False,
        note: str = "",
        profiles: Path | None = None,
    ) -> None:
        # the Wolt file and the 2016 Uber files give no zone: the zones their samples' README gives
        zones = {"wolt": "Europe/Helsinki", "gps-": "Europe/Zurich"}
        tz = next((zone for start, zone in zones.items() if name.startswith(start)), None)
        self.cases.append(Case(name, group, export, profiles=profiles, fast=fast, note=note, tz=tz))

    def skipped(self, fast: bool) -> bool:
        """Whether a case's files are left unwritten (only the fast subset is asked for)."""
        return self.fast_only and not fast

    def raw(
        self, name: str, group: str, data: bytes, suffix: str = ".zip", fast: bool = False, note: str = ""
    ) -> None:
        target = self.path(name, suffix)
        if self.skipped(fast):
            self.add(name, group, target, fast=fast, note=note)
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.add(name, group, target, fast=fast, note=note)

    def zipped(
        self, name: str, group: str, files: dict[str, bytes], fast: bool = False, note: str = ""
    ) -> None:
        target = self.path(name) if self.skipped(fast) else write_zip(self.path(name), files)
        self.add(name, group, target, fast=fast, note=note)

    def paris_with(
        self, name: str, group: str, replace: dict[str, bytes], fast: bool = False, note: str = ""
    ) -> None:
        self.zipped(name, group, {**self.paris, **replace}, fast=fast, note=note)


def _archive_cases(c: _Corpus) -> None:
    good = c.paris
    trips = good[TRIPS]
    c.zipped("zip-slip-dotdot", "zip", {**good, "../../evil.csv": b"a,b\n"}, fast=True)
    c.zipped("zip-slip-absolute", "zip", {**good, "/etc/evil.csv": b"a,b\n"})
    c.zipped("zip-slip-drive", "zip", {**good, "C:/Windows/evil.csv": b"a,b\n"})
    c.zipped("zip-slip-backslash", "zip", {**good, "..\\..\\evil.csv": b"a,b\n"})
    for kind, mode in (
        ("symlink", stat.S_IFLNK | 0o777),
        ("chardev", stat.S_IFCHR | 0o644),
        ("fifo", stat.S_IFIFO | 0o644),
        ("socket", stat.S_IFSOCK | 0o644),
    ):
        c.raw(
            f"zip-entry-{kind}",
            "zip",
            _zip_bytes({**good, "FR-Paris/link.csv": b"/etc/passwd"}, attrs={"FR-Paris/link.csv": mode}),
            fast=kind == "symlink",
        )
    c.raw(
        "zip-dir-marked-file",
        "zip",
        _zip_bytes({**good, "FR-Paris/x.csv": b"a\n"}, attrs={"FR-Paris/x.csv": stat.S_IFDIR | 0o755}),
    )
    c.zipped("zip-ratio-bomb", "zip", {**good, "FR-Paris/zeros.csv": b"0" * (200 * 2**20)}, fast=True)
    c.zipped("zip-ratio-bomb-trips", "zip", {**good, TRIPS: trips + b"\n" * (300 * 2**20)})
    inner = write_zip(c.folder / "tmp" / "inner.zip", {"zeros.csv": b"\0" * (64 * 2**20)}).read_bytes()
    c.zipped("zip-nested-bomb", "zip", {**good, "more.zip": inner})
    nested = b"a,b\n1,2\n"
    for depth in range(6):
        nested = _zip_bytes({f"level{depth}.zip" if depth else "deep.csv": nested})
    c.zipped("zip-nested-6-deep", "zip", {**good, "deep.zip": nested}, fast=True)
    c.zipped("zip-nested-valid-export", "zip", {"export.zip": _zip_bytes(good)})
    base = _zip_bytes({"a.csv": b"a,b\n" * 1000, "b.csv": b"c,d\n" * 1000, **good})
    overlap = _patch_central(
        base, 1, 42, "<I", struct.unpack_from("<I", base, base.index(b"PK\x01\x02") + 42)[0]
    )
    c.raw("zip-overlapping-entries", "zip", overlap, fast=True)
    renamed = bytearray(_zip_bytes({"FR-Paris/aaaa.csv": b"a,b\n", **good}))
    renamed[30:34] = b"zzzz"  # the first local header's name, not the directory's
    c.raw("zip-local-name-mismatch", "zip", bytes(renamed))
    flagged = _patch_central(_zip_bytes({TRIPS: trips}), 0, 8, "<H", 0x1)
    c.raw("zip-encrypted-flag", "zip", _patch_local(flagged, 0, 6, "<H", 0x1), fast=True)
    c.raw(
        "zip-aes-method",
        "zip",
        _patch_local(_patch_central(_zip_bytes({TRIPS: trips}), 0, 10, "<H", 99), 0, 8, "<H", 99),
    )
    c.raw(
        "zip-unknown-method",
        "zip",
        _patch_local(_patch_central(_zip_bytes({TRIPS: trips}), 0, 10, "<H", 95), 0, 8, "<H", 95),
    )
    stored = _zip_bytes({TRIPS: trips}, method=zipfile.ZIP_STORED)
    c.raw("zip-stored-size-mismatch", "zip", _patch_central(stored, 0, 24, "<I", len(trips) * 4))
    c.raw(
        "zip-declared-huge-size", "zip", _patch_central(_zip_bytes({TRIPS: trips}), 0, 24, "<I", 0xFFFFFFF0)
    )
    whole = _zip_bytes(good)
    c.raw("zip-truncated-half", "zip", whole[: len(whole) // 2], fast=True)
    c.raw("zip-truncated-directory", "zip", whole[:-10])
    stored_whole = bytearray(_zip_bytes(good, method=zipfile.ZIP_STORED))
    at = bytes(stored_whole).index(trips[:200])
    stored_whole[at + 100 : at + 110] = b"XXXXXXXXXX"
    c.raw("zip-bad-crc", "zip", bytes(stored_whole), fast=True)
    c.raw("zip-garbage", "zip", bytes(range(256)) * 400)
    c.raw("zip-empty-file", "zip", b"", fast=True)
    c.raw("zip-no-entries", "zip", _zip_bytes({}))
    c.zipped("zip-only-folders", "zip", {"a/": b"", "a/b/": b""})
    c.raw("zip-junk-prefix", "zip", b"MZ" + b"\0" * 4000 + whole)
    c.raw("zip-multidisk", "zip", whole[:-22] + whole[-22:-18] + b"\x01\x00" + whole[-16:])
    c.zipped("zip-20000-members", "zip", {**good, **{f"junk/{i}.txt": b"" for i in range(20_000)}})
    tiny = {f"FR-Paris/{n:04d} - Driver Online Offline.csv": good[ONLINE] for n in range(400)}
    c.zipped("zip-400-parsed-members", "zip", {**good, **tiny}, note="many small members that are all parsed")
    c.zipped(
        "zip-3000-parsed-members",
        "zip",
        {
            **good,
            **{f"FR-Paris/{n:05d} - Driver Online Offline.csv": good[ONLINE][:300] for n in range(3000)},
        },
    )
    c.raw("zip-duplicate-names", "zip", _dup_zip(good), fast=True)
    c.zipped("zip-case-collision", "zip", {**good, "FR-Paris/a.csv": b"a\n", "FR-Paris/A.csv": b"b\n"})
    c.zipped("zip-name-nul", "zip", {**good, "FR-Paris/a\0b.csv": b"a\n"})
    c.zipped("zip-name-5000", "zip", {**good, "FR-Paris/" + "a" * 5000 + ".csv": b"a\n"})
    c.zipped("zip-name-rtl", "zip", {**good, "FR-Paris/evil\u202ecsv.exe": b"a\n"})
    c.zipped("zip-name-markup", "zip", {**good, "FR-Paris/[bold red]boom[/].csv": b"a,b\n1,2\n"}, fast=True)
    c.zipped("zip-name-bad-markup", "zip", {**good, "FR-Paris/[/]x[/bold].csv": b"a,b\n1,2\n"}, fast=True)
    c.zipped(
        "zip-name-markup-trips",
        "zip",
        {k.replace("FR-Paris/", "[link=file:///etc]FR[/link]/"): v for k, v in good.items()},
    )
    c.zipped("zip-name-ansi", "zip", {**good, "FR-Paris/\x1b[2J\x1b[31mx.csv": b"a\n"})
    c.zipped("zip-name-newline", "zip", {**good, "FR-Paris/a\nb.csv": b"a\n"})
    c.zipped("zip-file-folder-collision", "zip", {**good, "FR-Paris/x": b"a", "FR-Paris/x/y.csv": b"a\n"})
    c.zipped("zip-deep-folders", "zip", {**good, "/".join(["d"] * 300) + "/x.csv": b"a\n"})
    c.add("zip-bzip2", "zip", write_zip(c.path("zip-bzip2"), good, method=zipfile.ZIP_BZIP2))
    c.add("zip-lzma", "zip", write_zip(c.path("zip-lzma"), good, method=zipfile.ZIP_LZMA))
    c.zipped(
        "zip-macos-junk",
        "zip",
        {
            **good,
            "__MACOSX/FR-Paris/._x.csv": b"\0\5\x16\7" * 100,
            "FR-Paris/.DS_Store": b"\0\0\0\1Bud1" + b"\0" * 100,
        },
    )
    c.raw("zip-named-csv", "csv", whole, suffix=".csv")
    c.raw("pdf-named-zip", "zip", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    c.raw("gzip-named-zip", "zip", b"\x1f\x8b\x08\x00" + zlib.compress(trips)[2:])
    c.raw("html-named-zip", "zip", b"<!doctype html><html><body>Sign in</body></html>")


def _dup_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, data in files.items():
                archive.writestr(name, data)
            archive.writestr(TRIPS, b"other,trips\n1,2\n")
    return buffer.getvalue()


def _csv_cases(c: _Corpus) -> None:
    p = c.paris
    trips = p[TRIPS]
    header, body = _lines(trips)
    d = sep(trips).encode()
    c.paris_with(
        "csv-100k-columns",
        "csv",
        {TRIPS: d.join(f"c{i}".encode() for i in range(100_000)) + b"\n" + d * 99_999 + b"\n"},
        fast=True,
    )
    c.paris_with(
        "csv-5000-columns-wide-rows",
        "csv",
        {
            TRIPS: header
            + d
            + d.join(f"x{i}".encode() for i in range(5000))
            + b"\n"
            + b"\n".join(line + d + (b"1" + d) * 4999 + b"1" for line in body)
            + b"\n"
        },
    )
    c.paris_with("csv-64mib-field", "csv", {TRIPS: header + b"\n" + b"x" * (64 * 2**20) + b"\n"})
    c.paris_with(
        "csv-stray-quote-300k-lines",
        "csv",
        {
            TRIPS: header
            + b"\n"
            + body[0].replace(d, d + b'"', 1)
            + b"\n"
            + b"\n".join(body[1:] * (300_000 // max(len(body) - 1, 1) + 1))
            + b"\n"
        },
    )
    stray = body[0].replace(d, d + b'"', 1)
    c.paris_with(
        "csv-stray-quote", "csv", {TRIPS: header + b"\n" + stray + b"\n" + b"\n".join(body * 20)}, fast=True
    )
    c.paris_with("csv-unterminated-quote", "csv", {TRIPS: trips + b'"' + b"a" * 10_000})
    c.paris_with("csv-nul-bytes", "csv", {TRIPS: trips.replace(d, d + b"\0", 50)}, fast=True)
    c.paris_with("csv-invalid-utf8", "csv", {TRIPS: trips.replace(d, d + b"\xff\xfe", 30)})
    c.paris_with("csv-utf16", "csv", {TRIPS: b"\xff\xfe" + trips.decode().encode("utf-16-le")}, fast=True)
    c.paris_with("csv-utf8-bom", "csv", {TRIPS: b"\xef\xbb\xbf" + trips})
    c.paris_with("csv-latin1", "csv", {TRIPS: trips + "é,à,ü\n".encode("latin-1")})
    c.paris_with("csv-cr-only", "csv", {TRIPS: trips.replace(b"\n", b"\r")})
    c.paris_with("csv-crlf", "csv", {TRIPS: trips.replace(b"\n", b"\r\n")})
    c.paris_with("csv-other-delimiter", "csv", {TRIPS: trips.replace(d, b",")})
    c.paris_with("csv-empty", "csv", {TRIPS: b""}, fast=True)
    c.paris_with("csv-header-only", "csv", {TRIPS: header + b"\n"})
    c.paris_with("csv-blank-lines", "csv", {TRIPS: header + b"\n" + b"\n" * 100_000})
    c.paris_with(
        "csv-duplicate-columns",
        "csv",
        {TRIPS: header + d + header + b"\n" + b"\n".join(r + d + r for r in body) + b"\n"},
    )
    c.paris_with(
        "csv-missing-columns",
        "csv",
        {TRIPS: b"\n".join(d.join(line.split(d)[:3]) for line in [header, *body]) + b"\n"},
    )
    c.paris_with(
        "csv-too-many-fields",
        "csv",
        {TRIPS: header + b"\n" + b"\n".join(r + d + b"1" + d + b"2" + d + b"3" for r in body)},
    )
    c.paris_with(
        "csv-too-few-fields",
        "csv",
        {TRIPS: header + b"\n" + b"\n".join(r[: len(r) // 2] for r in body)},
        fast=True,
    )
    c.paris_with(
        "csv-trailing-delimiters", "csv", {TRIPS: b"\n".join(r + d + d + d for r in [header, *body])}
    )
    c.paris_with(
        "csv-long-column-name",
        "csv",
        {TRIPS: header + d + b"n" * 100_000 + b"\n" + b"\n".join(r + d + b"1" for r in body)},
    )
    c.paris_with(
        "csv-markup-column-name",
        "csv",
        {
            TRIPS: header
            + d
            + b"[bold]x[/]"
            + d
            + b"\x1b[31mred\n"
            + b"\n".join(r + d + b"1" + d + b"2" for r in body)
        },
    )
    c.paris_with(
        "csv-formula-cells",
        "csv",
        {TRIPS: set_column(trips, first_column(trips, "city"), '=HYPERLINK("http://x","y")')},
    )
    c.paris_with(
        "csv-quoted-newlines",
        "csv",
        {
            TRIPS: header
            + b"\n"
            + b"\n".join(d.join(b'"' + cell + b'\n"' for cell in r.split(d)) for r in body)
        },
    )
    c.paris_with("csv-10mib-quoted-field", "csv", {TRIPS: header + b'\n"' + b"q\n" * (5 * 2**20) + b'"\n'})
    c.paris_with("csv-binary-garbage", "csv", {TRIPS: bytes(range(256)) * 2000})
    c.paris_with("csv-gzip-bytes", "csv", {TRIPS: b"\x1f\x8b\x08\x00\x00\x00\x00\x00" + zlib.compress(trips)})
    c.paris_with("csv-is-pdf", "csv", {TRIPS: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"})
    c.paris_with(
        "csv-is-xlsx",
        "csv",
        {TRIPS: _zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})},
    )
    c.paris_with(
        "csv-is-html", "csv", {TRIPS: b"<html><body><table><tr><td>1</td></tr></table></body></html>"}
    )
    c.paris_with("csv-is-json", "csv", {TRIPS: b'[{"a": 1}, {"a": 2}]'})
    c.paris_with(
        "csv-300k-valid-rows",
        "csv",
        {TRIPS: header + b"\n" + b"\n".join(body * (300_000 // len(body) + 1)) + b"\n"},
    )
    c.paris_with("csv-one-giant-line", "csv", {TRIPS: header + b"\n" + d.join([b"1"] * 2_000_000) + b"\n"})
    for name in (ONLINE, DISPATCH, PAYMENTS, RESTRICTIONS):
        short = name.split(" - ")[1].split(".")[0].lower().replace(" ", "-")
        c.paris_with(f"csv-{short}-truncated", "csv", {name: p[name][: len(p[name]) // 3]})
        c.paris_with(
            f"csv-{short}-shuffled-header",
            "csv",
            {
                name: d.join(reversed(_lines(p[name])[0].split(d)))
                + b"\n"
                + b"\n".join(_lines(p[name])[1])
                + b"\n"
            },
        )
    sar = sample_files("uber-sar-2016")
    gps_name = "1 - Driver Detailed Device Data.csv"
    gps_head, gps_body = _lines(sar[gps_name])
    many = gps_body * (300_000 // len(gps_body) + 1)
    stray = [gps_body[0].replace(b",", b',"', 1)]
    for label, rows in (("gps-stray-quote-300k-lines", stray + many), ("gps-300k-lines", many),
                        ("gps-quote-every-row", [r.replace(b",", b',"', 1) for r in gps_body] * 20)):
        gps = gps_head + b"\n" + b"\n".join(rows) + b"\n"
        c.zipped(label, "csv", {**sar, gps_name: gps}, fast=label == "gps-quote-every-row")
    wolt = c.wolt[WOLT]
    c.zipped("wolt-binary", "csv", {WOLT: bytes(range(256)) * 100})
    c.zipped("wolt-truncated", "csv", {WOLT: wolt[: len(wolt) // 2]})
    ge = c.geneva
    c.zipped("geneva-status-unterminated", "csv", {**ge, STATUS_GE: ge[STATUS_GE] + b'"abc\n' * 1000})


def _value_cases(c: _Corpus) -> None:
    p, ge, wolt = c.paris, c.geneva, c.wolt
    trips = p[TRIPS]
    stamp = first_column(trips, "request_timestamp_utc")
    for label, value in (
        ("year-9999", "9999-12-31 23:59:59"),
        ("year-0001", "0001-01-01 00:00:00"),
        ("year-1900", "1900-01-01 00:00:00"),
        ("year-2101", "2101-01-02 00:00:00"),
        ("not-a-date", "yesterday at noon"),
        ("epoch-digits", "99999999999999999999"),
    ):
        c.paris_with(
            f"trips-{label}",
            "values",
            {TRIPS: set_column(trips, stamp, value, rows=3)},
            fast=label == "year-9999",
        )
    money = [
        c for c in columns(trips) if "fare" in c.lower() or "amount" in c.lower() or "total" in c.lower()
    ]
    distance = [c for c in columns(trips) if "distance" in c.lower()]
    for label, value in (
        ("1e308", "1e308"),
        ("inf", "inf"),
        ("minus-inf", "-inf"),
        ("nan", "nan"),
        ("minus-1e20", "-1e20"),
        ("9e18", "9000000000000000000"),
        ("huge-digits", "9" * 400),
        ("hex", "0x1p1023"),
    ):
        for column in money[:1] + distance[:1]:
            c.paris_with(
                f"trips-{column[:12].lower()}-{label}",
                "values",
                {TRIPS: set_column(trips, column, value, rows=5)},
                fast=label in ("1e308", "inf"),
            )
    online = p[ONLINE]
    for name in columns(online):
        if "time" in name.lower() or "local" in name.lower() or "utc" in name.lower():
            c.paris_with(
                f"online-{name[:20].lower()}-year-9999",
                "values",
                {ONLINE: set_column(online, name, "9999-01-01 00:00:00", rows=4)},
            )
            c.paris_with(
                f"online-{name[:20].lower()}-1e308",
                "values",
                {ONLINE: set_column(online, name, "1e308", rows=4)},
            )
    for name in columns(ge[STATUS_GE])[:2]:
        for value in ("1e308", "-1e20", "inf", "9e18"):
            c.zipped(
                f"geneva-status-{name[:16].lower()}-{value}",
                "values",
                {**ge, STATUS_GE: set_column(ge[STATUS_GE], name, value, rows=6)},
                fast=value == "1e308" and name == columns(ge[STATUS_GE])[0],
            )
    for name in columns(ge[ONLINE_GE])[:5]:
        c.zipped(
            f"geneva-online-{name[:16].lower()}-epoch-overflow",
            "values",
            {**ge, ONLINE_GE: set_column(ge[ONLINE_GE], name, "1e20", rows=6)},
        )
    dispatch = p[DISPATCH]
    for name in dict.fromkeys(columns(dispatch)[:6] + ["minutes_online", "trip_fares"]):
        c.paris_with(
            f"dispatch-{name.lower()}-9e18",
            "values",
            {DISPATCH: set_column(dispatch, name, "9000000000000000000", rows=6)},
        )
    pay = p[PAYMENTS]
    amounts = [x for x in columns(pay) if "amount" in x or "timestamp" in x]
    for name in amounts:
        for value in ("1e308", "-1e300", "nan"):
            c.paris_with(
                f"payments-{name[:16].lower()}-{value}",
                "values",
                {PAYMENTS: set_column(pay, name, value, rows=6)},
            )
    wolt_file = wolt[WOLT]
    for number, name in enumerate(columns(wolt_file)[:6]):
        short = name.strip().lower().replace(" ", "-")[:20]
        c.zipped(
            f"wolt-{short}-bad-time",
            "values",
            {WOLT: set_column(wolt_file, name, '"2021-02-30 25:61:00"', rows=5)},
        )
        c.zipped(
            f"wolt-{short}-year-9999",
            "values",
            {WOLT: set_column(wolt_file, name, '"9999-12-31 23:59:59"', rows=5)},
            fast=number == 0,
        )


def _folder_cases(c: _Corpus) -> None:
    base = c.folder / "folders"

    def folder(name: str) -> Path:
        root = base / name
        for rel, data in c.paris.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(data)
        return root

    root = folder("folder-symlink-out")
    (root / "FR-Paris" / "passwd.csv").symlink_to("/etc/passwd")
    c.add("folder-symlink-out", "folder", root, fast=True)
    root = folder("folder-symlink-dev-zero")
    (root / "FR-Paris" / "02 - Driver Lifetime Trips.csv").unlink()
    (root / "FR-Paris" / "02 - Driver Lifetime Trips.csv").symlink_to("/dev/zero")
    c.add("folder-symlink-dev-zero", "folder", root, fast=True)
    root = folder("folder-fifo")
    os.mkfifo(root / "FR-Paris" / "03 - Driver Trip Status.csv")
    c.add("folder-fifo", "folder", root, fast=True)
    root = folder("folder-symlink-loop")
    (root / "FR-Paris" / "loop").symlink_to(root / "FR-Paris")
    c.add("folder-symlink-loop", "folder", root)
    root = folder("folder-dangling-link")
    (root / "FR-Paris" / "gone.csv").symlink_to(root / "nowhere.csv")
    c.add("folder-dangling-link", "folder", root)
    root = folder("folder-deep")
    deep = root.joinpath(*["d"] * 60)
    deep.mkdir(parents=True)
    (deep / "x.csv").write_bytes(b"a\n")
    c.add("folder-deep", "folder", root)
    root = folder("folder-12000-files")
    many = root / "many"
    many.mkdir()
    for i in range(12_000):
        (many / f"{i}.txt").touch()
    c.add("folder-12000-files", "folder", root)
    empty = base / "folder-empty"
    empty.mkdir(parents=True)
    c.add("folder-empty", "folder", empty)
    c.add("path-missing", "folder", base / "no-such-export.zip", fast=True)
    root = folder("folder-markup-name")
    (root / "FR-Paris" / "[bold red]x [link=mailto:e]y.csv").write_bytes(b"a,b\n1,2\n")
    c.add("folder-markup-name", "folder", root)


def _json_cases(c: _Corpus) -> None:
    profiles = _profile_folder(c, "json-profiles")
    body = c.example_body()

    def with_json(name: str, data: bytes, fast: bool = False) -> None:
        files = {**body, "export/courier_sessions.json": data}
        c.add(
            name,
            "json",
            c.path(name) if c.skipped(fast) else write_zip(c.path(name), files),
            fast=fast,
            profiles=profiles,
        )

    with_json("json-valid-example", body["export/courier_sessions.json"], fast=True)
    with_json("json-1.5m-elements", b'{"sessions": [' + b",".join([b"0"] * 1_500_000) + b"]}", fast=True)
    with_json("json-1m-objects", b'{"sessions": [' + b",".join([b"{}"] * 1_000_000) + b"]}")
    with_json("json-depth-100k", b"[" * 100_000 + b"]" * 100_000, fast=True)
    with_json("json-unterminated-escapes", b'{"sessions": "' + b"\\\\\\" * 5_000_000)
    with_json("json-unterminated-string", b'{"sessions": [{"state": "' + b"a" * 10_000_000)
    with_json("json-huge-string", b'{"sessions": [{"state": "' + b"a" * (100 * 2**20) + b'"}]}')
    with_json("json-nan-infinity", b'{"sessions": [{"state": "available", "start": NaN, "end": Infinity}]}')
    with_json("json-huge-int", b'{"sessions": [{"state": 1' + b"0" * 100_000 + b"}]}")
    with_json("json-invalid-utf8", b'{"sessions": [{"state": "\xff\xfe"}]}')
    with_json("json-bom", b"\xef\xbb\xbf" + body["export/courier_sessions.json"])
    with_json("json-top-scalar", b"42")
    with_json("json-wrong-types", b'{"sessions": [{"state": [1], "start": {"a": 1}, "end": true}]}')
    with_json("json-duplicate-keys", b'{"sessions": [], "sessions": [{"state": "x"}]}')
    with_json("json-year-9999", body["export/courier_sessions.json"].replace(b"2024-03-24", b"9999-03-24"))
    with_json("json-empty", b"")
    with_json("json-lines", b'{"state": "x"}\n{"state": "y"}\n')
    with_json("json-300mib", b'{"sessions": [' + b" " * (300 * 2**20) + b"]}")


def _xlsx_cases(c: _Corpus) -> None:
    profiles = _profile_folder(c, "xlsx-profiles")
    body = c.example_body()
    good = body["export/courier_payouts.xlsx"]
    parts = {
        i.filename: zipfile.ZipFile(io.BytesIO(good)).read(i)
        for i in zipfile.ZipFile(io.BytesIO(good)).infolist()
    }

    def with_xlsx(name: str, data: bytes, fast: bool = False) -> None:
        files = {**body, "export/courier_payouts.xlsx": data}
        c.add(
            name,
            "xlsx",
            c.path(name) if c.skipped(fast) else write_zip(c.path(name), files),
            fast=fast,
            profiles=profiles,
        )

    def book(**replace: bytes) -> bytes:
        return _zip_bytes({**parts, **replace})

    sheet = next(k for k in parts if k.startswith("xl/worksheets/sheet"))
    strings = (
        "<?xml version='1.0'?><sst xmlns='http://schemas.openxmlformats.org/spreadsheetml/2006/main' "
        "count='3000000' uniqueCount='3000000'>" + "<si><t>xxxxxxxxxxxxxxxx</t></si>" * 3_000_000 + "</sst>"
    ).encode()
    with_xlsx("xlsx-shared-strings-bomb", book(**{"xl/sharedStrings.xml": strings}), fast=True)
    rows = "".join(
        f"<row r='{i}'><c r='A{i}' t='inlineStr'><is><t>x</t></is></c></row>" for i in range(1, 2_000_000)
    )
    with_xlsx(
        "xlsx-sheet-xml-bomb",
        book(
            **{
                sheet: (
                    "<?xml version='1.0'?><worksheet xmlns='http://schemas.openxmlformats.org/spreadsheetml/2006/main'>"
                    f"<sheetData>{rows}</sheetData></worksheet>"
                ).encode()
            }
        ),
    )
    laughs = (
        "<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'>"
        + "".join(
            f"<!ENTITY lol{i} '{('&lol' + str(i - 1) + ';') * 10 if i else '&lol;' * 10}'>" for i in range(9)
        )
        + "]><sst xmlns='http://schemas.openxmlformats.org/spreadsheetml/2006/main'><si><t>&lol8;</t></si></sst>"
    )
    with_xlsx("xlsx-billion-laughs", book(**{"xl/sharedStrings.xml": laughs.encode()}), fast=True)
    xxe = (
        "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>"
        "<sst xmlns='http://schemas.openxmlformats.org/spreadsheetml/2006/main'><si><t>&e;</t></si></sst>"
    )
    with_xlsx("xlsx-xxe", book(**{"xl/sharedStrings.xml": xxe.encode()}))
    with_xlsx("xlsx-10001-parts", book(**{f"xl/media/p{i}.bin": b"" for i in range(10_001)}))
    with_xlsx(
        "xlsx-huge-dimension",
        book(
            **{sheet: parts[sheet].replace(b"<sheetData", b"<dimension ref='A1:XFD1048576'/><sheetData", 1)}
        ),
    )
    with_xlsx("xlsx-truncated", good[: len(good) // 2], fast=True)
    with_xlsx("xlsx-no-sheets", book(**{sheet: b""}))
    with_xlsx("xlsx-is-csv", b"Date,Order,Type,Amount\n2024-01-01,A,Tip,1\n")
    with_xlsx("xlsx-ratio-bomb-part", book(**{"xl/media/zeros.bin": b"\0" * (300 * 2**20)}))
    with_xlsx("xlsx-macro-vba", book(**{"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 1000}))
    with_xlsx("xlsx-1e308-amounts", book(**{sheet: parts[sheet].replace(b"<v>12</v>", b"<v>1e308</v>")}))


def _pdf_cases(c: _Corpus) -> None:
    invoices = c.deliveroo
    name, pdf = next(iter(invoices.items()))
    folder = name.rsplit("/", 1)[0] + "/" if "/" in name else ""
    bomb = _pdf_with_stream(zlib.compress(b"0 0 m 1 1 l S\n" * (40 * 2**20 // 14), 9))
    heavy = _pdf_many_pages(4000)
    c.zipped("pdf-flate-bomb", "pdf", {**invoices, folder + "bomb.pdf": bomb})
    c.zipped("pdf-two-heavy", "pdf", {**invoices, folder + "heavy1.pdf": heavy, folder + "heavy2.pdf": heavy})
    c.zipped("pdf-1000-tiny", "pdf", {folder + f"invoice-{i:04d}.pdf": pdf for i in range(998)} | invoices)
    c.zipped("pdf-1001-invoices", "pdf", {folder + f"invoice-{i:04d}.pdf": pdf for i in range(1001)})
    c.zipped("pdf-truncated", "pdf", {**invoices, folder + "cut.pdf": pdf[: len(pdf) // 2]}, fast=True)
    c.zipped(
        "pdf-garbage",
        "pdf",
        {**invoices, folder + "garbage.pdf": b"%PDF-1.7\n" + bytes(range(256)) * 100},
        fast=True,
    )
    c.zipped("pdf-only-garbage", "pdf", {folder + "garbage.pdf": b"%PDF-1.7\n" + bytes(range(256)) * 100})
    c.zipped(
        "pdf-deep-nesting",
        "pdf",
        {**invoices, folder + "deep.pdf": _pdf_with_dict("<<" * 50_000 + ">>" * 50_000)},
    )
    c.zipped(
        "pdf-javascript",
        "pdf",
        {
            **invoices,
            folder + "js.pdf": _pdf_with_dict(
                "<</Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>>>"
            ),
        },
    )
    c.zipped(
        "pdf-encrypted-marker",
        "pdf",
        {**invoices, folder + "enc.pdf": pdf.replace(b"trailer", b"trailer\n<</Encrypt 99 0 R>>\n", 1)},
    )
    c.zipped("pdf-4000-pages", "pdf", {**invoices, folder + "pages.pdf": heavy})
    c.zipped("pdf-not-pdf", "pdf", {**invoices, folder + "fake.pdf": b"MZ\x90\x00" + b"\0" * 1000})


def _pdf_with_stream(content: bytes) -> bytes:
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R>>",
        b"<</Length %d/Filter/FlateDecode>>stream\n" % len(content) + content + b"\nendstream",
    ]
    return pdf_of(objects)


def _pdf_with_dict(text: str) -> bytes:
    return pdf_of([text.encode(), b"<</Type/Pages/Kids[]/Count 0>>"])


def _pdf_many_pages(pages: int) -> bytes:
    content = b"BT /F1 12 Tf 72 720 Td (Delivery fee 4.50) Tj ET\n" * 40
    kids = " ".join(f"{4 + i} 0 R" for i in range(pages))
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        f"<</Type/Pages/Kids[{kids}]/Count {pages}>>".encode(),
        b"<</Length %d>>stream\n" % len(content) + content + b"\nendstream",
    ]
    objects += [
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 3 0 R/Resources<</Font<</F1"
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>>>>>>>"
    ] * pages
    return pdf_of(objects)


# --------------------------------------------------------------------------------------- mapping profiles


def _profile_text(name: str = "hostile-courier", **entry: str) -> str:
    """The example profile as a real (non-example) one, optionally with a changed first entry."""
    text = EXAMPLE_PROFILE.read_text(encoding="utf-8")
    text = text.replace('name = "example-courier"', f'name = "{name}"', 1).replace("example = true\n", "", 1)
    for key, value in entry.items():
        if key == "path_regex":
            text = text.replace('path = "courier_deliveries*.csv"', f"path_regex = '{value}'", 1)
        elif key == "path":
            text = text.replace('path = "courier_deliveries*.csv"', f"path = '{value}'", 1)
    return text


def _profile_folder(c: _Corpus, name: str, text: str | None = None) -> Path:
    folder = c.folder / "profiles" / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "hostile-courier.toml").write_text(
        text if text is not None else _profile_text(), encoding="utf-8"
    )
    return folder


def _profile_cases(c: _Corpus) -> None:
    body = c.example_body()
    export = write_zip(c.path("example-export"), body)
    paris = write_zip(c.path("paris-export"), c.paris)

    def with_folder(
        name: str, setup: Callable[[Path], None], fast: bool = False, target: Path = export
    ) -> None:
        folder = c.folder / "profiles" / name
        folder.mkdir(parents=True, exist_ok=True)
        setup(folder)
        c.add(name, "profiles", target, profiles=folder, fast=fast)

    with_folder("profiles-fifo", lambda f: os.mkfifo(f / "shared.toml"), fast=True)
    with_folder("profiles-dev-zero", lambda f: (f / "zero.toml").symlink_to("/dev/zero"), fast=True)
    with_folder("profiles-symlink-loop", lambda f: (f / "loop.toml").symlink_to(f / "loop.toml"), fast=True)
    with_folder("profiles-folder-loop", lambda f: (f / "sub.toml").symlink_to(f))
    with_folder("profiles-dir-named-toml", lambda f: (f / "dir.toml").mkdir())
    with_folder("profiles-link-outside", lambda f: (f / "passwd.toml").symlink_to("/etc/passwd"))

    def many(f: Path) -> None:
        for i in range(4000):
            (f / f"p{i:04d}.toml").write_text(_profile_text(f"p{i:04d}"), encoding="utf-8")

    with_folder("profiles-4000-entries", many, fast=True)
    with_folder(
        "profiles-redos-regex",
        lambda f: (f / "r.toml").write_text(_profile_text(path_regex="^(a+)+$"), encoding="utf-8"),
        fast=True,
        target=write_zip(c.path("redos-names"), {**body, "export/" + "a" * 200 + "!": b"x"}),
    )
    with_folder(
        "profiles-redos-regex-nested",
        lambda f: (f / "r.toml").write_text(_profile_text(path_regex="(.*a){20}$"), encoding="utf-8"),
        target=write_zip(c.path("redos-names-2"), {**body, "export/" + "a" * 60 + ".csv": b"x"}),
    )
    with_folder(
        "profiles-redos-glob",
        lambda f: (f / "g.toml").write_text(
            _profile_text(path="*a*a*a*a*a*a*a*a*a*a*a*a*b"), encoding="utf-8"
        ),
        fast=True,
        target=write_zip(c.path("redos-glob-names"), {**body, "export/" + "a" * 250: b"x"}),
    )
    with_folder("profiles-2mib-file", lambda f: (f / "big.toml").write_bytes(b"# " + b"x" * (2 * 2**20)))
    with_folder(
        "profiles-invalid-toml", lambda f: (f / "bad.toml").write_text("[profile\nname=", encoding="utf-8")
    )
    with_folder("profiles-binary", lambda f: (f / "bin.toml").write_bytes(bytes(range(256)) * 10))
    with_folder(
        "profiles-deep-toml",
        lambda f: (f / "deep.toml").write_text("x = " + "[" * 50_000 + "]" * 50_000 + "\n", encoding="utf-8"),
    )
    with_folder(
        "profiles-duplicate-names",
        lambda f: [(f / n).write_text(_profile_text(), encoding="utf-8") for n in ("a.toml", "b.toml")],
    )
    with_folder(
        "profiles-claims-uber",
        lambda f: (f / "u.toml").write_text(
            _profile_text()
            .replace('platform = "example-courier"', 'platform = "uber"')
            .replace('path = "courier_deliveries*.csv"', "path = '**/*.csv'"),
            encoding="utf-8",
        ),
        target=paris,
    )
    with_folder(
        "profiles-match-everything",
        lambda f: (f / "all.toml").write_text(_profile_text(path_regex=".*"), encoding="utf-8"),
        target=paris,
    )
    with_folder(
        "profiles-epoch-1e308",
        lambda f: (f / "e.toml").write_text(_profile_text(), encoding="utf-8"),
        target=write_zip(
            c.path("epoch-1e308"),
            {
                **body,
                "export/courier_deliveries.csv": body["export/courier_deliveries.csv"].replace(
                    b"3,4", b"1e308"
                ),
            },
        ),
    )
    with_folder("profiles-empty-folder", lambda f: None)


def build_corpus(folder: Path, fast_only: bool = False) -> list[Case]:
    """Write every case under `folder` (about 250 MB of mostly sparse, compressible files) and list them;
    with `fast_only`, every case is listed but the archives of those outside the fast subset are not
    written (the folder and profile-folder cases are)."""
    for part in ("exports", "folders", "profiles", "tmp"):
        shutil.rmtree(folder / part, ignore_errors=True)
    corpus = _Corpus(folder, fast_only)
    for build in (
        _archive_cases,
        _csv_cases,
        _value_cases,
        _folder_cases,
        _json_cases,
        _xlsx_cases,
        _pdf_cases,
        _profile_cases,
    ):
        build(corpus)
    names = [c.name for c in corpus.cases]
    duplicated = {n for n in names if names.count(n) > 1}
    if duplicated:
        raise ValueError(f"corpus case names used twice: {sorted(duplicated)}")
    return corpus.cases
