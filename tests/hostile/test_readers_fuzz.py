"""Hypothesis fuzzing of every reader (issue 13): whatever the bytes, only the typed ingest error
escapes (`IngestError`; `ProfileError` for a profile's text), and an ingest that accepted a fuzzed
export never breaks `metrics` or `verify`.

Readers: the zip and folder opener, the row-wise and the Arrow CSV readers, every built-in file handler
of Uber and Wolt (fed their real header with hostile cells), the profiles' JSON and XLSX readers, and
the profile loader.
"""

from __future__ import annotations

import contextlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers import uber, wolt
from parsers.common.arrowcsv import read_csv_arrow
from parsers.common.csvfile import read_csv
from parsers.ingest import ingest_export
from parsers.profiles.files import BUILTIN_DIR, load_profile, load_profile_text
from parsers.profiles.jsonfile import json_document
from parsers.profiles.model import ProfileError
from parsers.profiles.readers import read_frames
from tests.parsers.conftest import BytesMember, lenient_ctx
from toolkit import store as store_mod
from toolkit.archive import open_export
from toolkit.errors import IngestError
from toolkit.metrics import metrics

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_exports"
EXAMPLE = load_profile(BUILTIN_DIR / "example-courier.toml")
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                       HealthCheck.function_scoped_fixture])

TRICKY = st.sampled_from(["", "\\N", "nan", "inf", "-inf", "1e308", "-1e308", "9" * 40, "0x10", "1,5", "-0",
                          "9999-12-31 23:59:59", "0001-01-01T00:00:00Z", "2021-02-30 25:61:00", "1e20",
                          "9000000000000000000", "TRUE", "null", "NaT", '"', "\x00", "\u202e", "[bold]x[/]",
                          "=HYPERLINK(\"x\")", "2021-02-01T06:12:58.000Z", "1612159978", "48.8", "-200"])
CELL = st.one_of(TRICKY, st.text(max_size=12), st.floats(allow_nan=True, allow_infinity=True).map(str),
                 st.integers(min_value=-(10**25), max_value=10**25).map(str))


def _sample_headers() -> dict[str, tuple[str, str, bytes]]:
    """Every built-in handler's file, as (path, delimiter, header line) taken from the samples."""
    found: dict[str, tuple[str, str, bytes]] = {}
    for module in (uber, wolt):
        for path in sorted(SAMPLES.rglob("*.csv")):
            rel = path.relative_to(SAMPLES).as_posix()
            rule = next((r for r in module.RULES if r.matches(rel)), None)
            if rule is None or rule.handler is None:
                continue
            head = path.read_bytes().split(b"\n", 1)[0].strip(b"\r")
            delimiter = ";" if head.count(b";") > head.count(b",") else ","
            found.setdefault(f"{module.__name__}:{path.name}", (rel, delimiter, head))
    return found


HANDLED = _sample_headers()


def _drain(handler_output: object) -> None:
    for batch in handler_output:  # type: ignore[attr-defined]
        assert batch.table


@settings(FUZZ)
@given(data=st.binary(max_size=4000))
def test_the_csv_readers_raise_only_ingest_errors(data: bytes) -> None:
    member = BytesMember("x/file.csv", data)
    for read in (lambda: list(read_csv(member, lenient_ctx())),
                 lambda: list(read_csv_arrow(member, lenient_ctx())[1])):
        with contextlib.suppress(IngestError):
            read()


@settings(FUZZ)
@given(name=st.sampled_from(sorted(HANDLED)), rows=st.lists(st.lists(CELL, min_size=1, max_size=40),
                                                            min_size=1, max_size=8))
def test_every_builtin_handler_raises_only_ingest_errors(name: str, rows: list[list[str]]) -> None:
    path, delimiter, header = HANDLED[name]
    module = uber if name.startswith("parsers.uber") else wolt
    width = header.count(delimiter.encode()) + 1
    body = [delimiter.join((row * width)[:width]).replace("\n", " ") for row in rows]
    member = BytesMember(path, header + b"\n" + "\n".join(body).encode("utf-8", "replace") + b"\n")
    rule = next(r for r in module.RULES if r.matches(path))
    ctx = lenient_ctx(platform="uber" if module is uber else "wolt", user_tz="Europe/Paris")
    with contextlib.suppress(IngestError):
        _drain(rule.handler(member, ctx))  # type: ignore[misc]


@settings(FUZZ)
@given(data=st.one_of(st.binary(max_size=3000), st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=30).map(lambda v: json.dumps(v).encode())))
def test_the_json_reader_raises_only_ingest_errors(data: bytes) -> None:
    try:
        json_document(BytesMember("s.json", data))
        list(read_frames(BytesMember("courier_sessions.json", data), EXAMPLE.files[2], lenient_ctx()))
    except IngestError:
        pass


@settings(FUZZ)
@given(parts=st.dictionaries(st.sampled_from(["[Content_Types].xml", "xl/workbook.xml", "xl/styles.xml",
                                              "xl/worksheets/sheet1.xml", "xl/_rels/workbook.xml.rels",
                                              "_rels/.rels", "xl/sharedStrings.xml"]),
                             st.binary(max_size=600), min_size=1))
def test_the_xlsx_reader_raises_only_ingest_errors(parts: dict[str, bytes]) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:
        for name, data in parts.items():
            book.writestr(name, data)
    with contextlib.suppress(IngestError):
        list(read_frames(BytesMember("courier_payouts.xlsx", buffer.getvalue()), EXAMPLE.files[1],
                         lenient_ctx()))


@settings(FUZZ)
@given(text=st.one_of(st.text(max_size=400), st.sampled_from([
    EXAMPLE_TEXT := (BUILTIN_DIR / "example-courier.toml").read_text("utf-8")]).flatmap(
        lambda t: st.integers(0, len(t)).map(lambda cut: t[:cut]))))
def test_the_profile_loader_raises_only_profile_errors(text: str) -> None:
    with contextlib.suppress(ProfileError):
        load_profile_text(text)


@settings(FUZZ)
@given(data=st.binary(max_size=2000), flips=st.lists(st.integers(0, 10_000), max_size=6))
def test_the_archive_opener_raises_only_ingest_errors(tmp_path_factory: pytest.TempPathFactory, data: bytes,
                                                      flips: list[int]) -> None:
    source = SAMPLES / "wolt-courier-tasks-2021" / "courier_tasks.csv"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("courier_tasks.csv", source.read_bytes()[:3000])
        archive.writestr("other.bin", data)
    damaged = bytearray(buffer.getvalue())
    for flip in flips:
        damaged[flip % len(damaged)] ^= 0xFF
    path = tmp_path_factory.mktemp("zip") / "export.zip"
    path.write_bytes(bytes(damaged))
    try:
        with open_export(path) as export:
            for member in export.members:
                member.read_bytes()
    except IngestError:
        pass


PARIS = sorted((SAMPLES / "uber-sar-fr-2021").rglob("*.csv"))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(file=st.integers(0, len(PARIS) - 1), cells=st.lists(st.tuples(st.integers(1, 60), st.integers(0, 30),
                                                                      TRICKY), min_size=1, max_size=12))
def test_an_accepted_fuzzed_export_never_breaks_metrics_or_verify(tmp_path_factory: pytest.TempPathFactory,
                                                                   file: int,
                                                                   cells: list[tuple[int, int, str]]) -> None:
    files = {p.relative_to(SAMPLES / "uber-sar-fr-2021").as_posix(): p.read_bytes() for p in PARIS}
    name = PARIS[file].relative_to(SAMPLES / "uber-sar-fr-2021").as_posix()
    lines = files[name].decode("utf-8").split("\n")
    for row, column, value in cells if len(lines) > 2 else ():
        at = 1 + row % (len(lines) - 2)  # a data row (the last "line" is after the final newline)
        parts = lines[at].split(";")
        if parts and parts != [""]:
            parts[column % len(parts)] = value.replace(";", ",").replace("\n", " ")
            lines[at] = ";".join(parts)
    files[name] = "\n".join(lines).encode("utf-8", "replace")
    folder = tmp_path_factory.mktemp("fuzzed")
    export = folder / "export.zip"
    with zipfile.ZipFile(export, "w") as archive:
        for rel, data in files.items():
            archive.writestr(rel, data)
    store = folder / "store"
    report = ingest_export(export, store, worker="fuzzed")
    if report.status != "ingested":
        return
    result = metrics(store, worker="fuzzed")
    assert result["workers"] and store_mod.verify(store) == []
    json.dumps(result, default=str)


def _naive_record_end(buffer: bytes) -> int:
    """Just after the last newline with an even number of quotes before it (0 when none)."""
    ends = [i + 1 for i, byte in enumerate(buffer) if byte == 10 and buffer.count(b'"', 0, i) % 2 == 0]
    return ends[-1] if ends else 0


@settings(FUZZ)
@given(buffer=st.lists(st.sampled_from([b"a", b",", b'"', b"\n", b"\r", b"1"]), max_size=80).map(b"".join))
def test_a_piece_of_csv_is_cut_after_its_last_record_outside_quotes(buffer: bytes) -> None:
    from parsers.common.arrowcsv import _record_end

    assert _record_end(buffer) == _naive_record_end(buffer)
    assert _record_end(buffer, careful=False) == buffer.rfind(b"\n") + 1
