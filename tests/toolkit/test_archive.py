"""toolkit.archive: exports read in place, hostile archives refused before anything is parsed.

Every zip is built here, in tmp_path, from crafted ZipInfo entries or by patching the bytes zipfile wrote
(security.md §1A: A1 names, A3 links, A4 bombs, A5 overlaps, A6 nesting, A7 duplicates, A8 encryption,
A9 damage, A11 counts and name lengths).
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import re
import stat
import struct
import tempfile
import warnings
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.archive import Limits, open_export
from toolkit.errors import IngestError

ROOT = Path(__file__).resolve().parents[2]
FILES = {
    "Driver/trips.csv": b"trip_id,fare\n1,12.50\n2,8.00\n",
    "Driver/Lifetime Trips/2021.json": b'{"trips": [1, 2, 3]}\n',
    "caf\u00e9/notes.txt": "d\u00e9j\u00e0 vu\n".encode(),
    "README.txt": b"",
}


# ------------------------------------------------------------------------------------------ builders


def write_zip(path: Path, entries: Sequence[tuple[str | zipfile.ZipInfo, bytes]],
              method: int = zipfile.ZIP_DEFLATED) -> Path:
    """A zip holding `entries` in order (duplicates allowed)."""
    path.write_bytes(zip_bytes(entries, method))
    return path


def zip_bytes(entries: Sequence[tuple[str | zipfile.ZipInfo, bytes]],
              method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """The same bytes on every run: plain names get a fixed timestamp."""
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns on duplicate names
        with zipfile.ZipFile(buffer, "w", compression=method) as zf:
            for name, data in entries:
                if isinstance(name, str):
                    name = zipfile.ZipInfo(name, date_time=(2021, 3, 1, 12, 0, 0))
                    name.compress_type = method
                zf.writestr(name, data)
    return buffer.getvalue()


def write_folder(root: Path, files: dict[str, bytes]) -> Path:
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return root


def central_entries(data: bytes) -> list[int]:
    """Offsets of the central-directory records (the zips built here have no comment)."""
    count, _, start = struct.unpack_from("<HLL", data, len(data) - 22 + 10)
    offsets, pos = [], start
    for _ in range(count):
        assert data[pos:pos + 4] == b"PK\x01\x02"
        offsets.append(pos)
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", data, pos + 28)
        pos += 46 + name_len + extra_len + comment_len
    return offsets


def patch(data: bytes, offset: int, fmt: str, value: int) -> bytes:
    out = bytearray(data)
    struct.pack_into(fmt, out, offset, value)
    return bytes(out)


def patch_entry(data: bytes, index: int, *, flags: int | None = None, method: int | None = None,
                compress_size: int | None = None, file_size: int | None = None) -> bytes:
    """Change fields of entry `index` in its central record and, for flags/method, its local header."""
    cd = central_entries(data)[index]
    (local,) = struct.unpack_from("<L", data, cd + 42)
    if flags is not None:
        data = patch(patch(data, cd + 8, "<H", flags), local + 6, "<H", flags)
    if method is not None:
        data = patch(patch(data, cd + 10, "<H", method), local + 8, "<H", method)
    if compress_size is not None:
        data = patch(data, cd + 20, "<L", compress_size)
    if file_size is not None:
        data = patch(data, cd + 24, "<L", file_size)
    return data


def zip_with_raw_name(path: Path, raw: bytes, utf8: bool = False) -> Path:
    """A stored zip whose only entry has exactly the name bytes `raw` (NUL, backslash… included)."""
    placeholder = b"Q" * len(raw)
    data = zip_bytes([(placeholder.decode(), b"data")], method=zipfile.ZIP_STORED)
    assert data.count(placeholder) == 2  # local header and central record
    data = data.replace(placeholder, raw)
    if utf8:
        data = patch_entry(data, 0, flags=0x800)
    path.write_bytes(data)
    return path


def refused(path: Path, limits: Limits | None = None) -> IngestError:
    with pytest.raises(IngestError) as caught:
        open_export(path, limits).close()
    return caught.value


def snapshot(*roots: Path) -> set[tuple[str, int, bool]]:
    found = set()
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root):
            for name in dirnames + filenames:
                full = os.path.join(dirpath, name)
                found.add((full, os.lstat(full).st_size, os.path.islink(full)))
    return found


# ------------------------------------------------------------------------------------------ normal use


def test_zip_and_folder_give_the_same_members_and_contents(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "export", FILES)
    archive = write_zip(tmp_path / "export.zip", [("Driver/", b"")] + list(FILES.items()))
    with open_export(archive) as from_zip, open_export(folder) as from_folder:
        assert (from_zip.kind, from_folder.kind) == ("zip", "folder")
        assert [m.path for m in from_zip.members] == sorted(FILES)
        assert [m.path for m in from_folder.members] == sorted(FILES)
        for path, data in FILES.items():
            for export in (from_zip, from_folder):
                member = export.member(path)
                assert member.size == len(data)
                assert member.read_bytes() == data
                assert member.sha256() == hashlib.sha256(data).hexdigest()
                with member.open() as stream:
                    chunks = []
                    while chunk := stream.read(5):
                        chunks.append(chunk)
                    assert b"".join(chunks) == data


def test_export_ids_follow_the_content(tmp_path: Path) -> None:
    archive = write_zip(tmp_path / "a.zip", list(FILES.items()))
    folder = write_folder(tmp_path / "export", FILES)
    lines = "".join(f"{p}\0{hashlib.sha256(FILES[p]).hexdigest()}\n" for p in sorted(FILES))
    with open_export(archive) as first, open_export(archive) as again, open_export(folder) as tree:
        assert first.sha256 == hashlib.sha256(archive.read_bytes()).hexdigest()
        assert first.export_id == again.export_id == first.sha256[:16]
        assert tree.sha256 == hashlib.sha256(lines.encode()).hexdigest()
        zip_id, folder_id = first.export_id, tree.export_id
    (folder / "Driver/trips.csv").write_bytes(b"trip_id,fare\n1,12.51\n2,8.00\n")
    changed = write_zip(tmp_path / "b.zip", [*FILES.items(), ("extra.csv", b"x\n")])
    with open_export(folder) as tree, open_export(changed) as other:
        assert tree.export_id != folder_id
        assert other.export_id != zip_id


class _Unseekable(io.BytesIO):
    """An output zipfile cannot seek in, so it writes data descriptors (as streaming servers do)."""

    def seek(self, *args: object) -> int:
        raise OSError("not seekable")

    def tell(self) -> int:
        raise OSError("not seekable")

    def seekable(self) -> bool:
        return False


@pytest.mark.parametrize("variant", ["stored", "bzip2", "lzma", "zip64", "data_descriptor"])
def test_ordinary_zip_variants_are_read(tmp_path: Path, variant: str) -> None:
    method = {"stored": zipfile.ZIP_STORED, "bzip2": zipfile.ZIP_BZIP2, "lzma": zipfile.ZIP_LZMA}
    buffer = _Unseekable() if variant == "data_descriptor" else io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method.get(variant, zipfile.ZIP_DEFLATED)) as zf:
        for name, data in FILES.items():
            with zf.open(name, "w", force_zip64=variant == "zip64") as out:
                out.write(data)
    (tmp_path / "a.zip").write_bytes(buffer.getvalue())
    with open_export(tmp_path / "a.zip") as export:
        assert {m.path: m.read_bytes() for m in export.members} == FILES
    if variant == "data_descriptor":
        with zipfile.ZipFile(tmp_path / "a.zip") as zf:
            assert all(info.flag_bits & 0x08 for info in zf.infolist())


def test_members_cannot_be_read_after_close_and_unknown_paths_raise(tmp_path: Path) -> None:
    export = open_export(write_zip(tmp_path / "a.zip", list(FILES.items())))
    member = export.member("README.txt")
    with pytest.raises(KeyError):
        export.member("nope.csv")
    export.close()
    with pytest.raises(ValueError):
        member.open()


def test_macos_junk_is_listed_not_filtered(tmp_path: Path) -> None:
    junk = ["__MACOSX/Driver/._trips.csv", "Driver/.DS_Store", "Driver/trips.csv"]
    with open_export(write_zip(tmp_path / "a.zip", [(n, b"x") for n in junk])) as export:
        assert [m.path for m in export.members] == sorted(junk)


def test_empty_zip_has_no_members(tmp_path: Path) -> None:
    with open_export(write_zip(tmp_path / "empty.zip", [])) as export:
        assert export.members == []


# ------------------------------------------------------------------------------------------ not an export


@pytest.mark.parametrize(("name", "content", "kind"), [
    ("statement.pdf", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "wrong_type"),
    ("trips.csv", b"trip_id,fare\n1,2\n", "wrong_type"),
    ("export.zip", b"this is not a zip archive at all\n", "wrong_type"),
    ("empty.zip", b"", "wrong_type"),
    ("noise.bin", random.Random(7).randbytes(4096), "wrong_type"),
])
def test_files_that_are_not_zips_are_wrong_type(tmp_path: Path, name: str, content: bytes, kind: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert refused(path).kind == kind


def test_missing_path_is_not_found(tmp_path: Path) -> None:
    assert refused(tmp_path / "absent.zip").kind == "not_found"


@pytest.mark.parametrize("keep", [0.5, 0.9, 0.98])
def test_truncated_zip_is_corrupt(tmp_path: Path, keep: float) -> None:
    data = (write_zip(tmp_path / "full.zip", list(FILES.items()))).read_bytes()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(data[: int(len(data) * keep)])
    assert refused(cut).kind == "corrupt_archive"


def test_unsupported_method_and_inconsistent_stored_sizes_are_corrupt(tmp_path: Path) -> None:
    data = zip_bytes([("a.csv", b"x" * 100)])
    (tmp_path / "deflate64.zip").write_bytes(patch_entry(data, 0, method=9))
    assert refused(tmp_path / "deflate64.zip").kind == "corrupt_archive"
    stored = zip_bytes([("a.csv", b"x" * 100)], method=zipfile.ZIP_STORED)
    (tmp_path / "stored.zip").write_bytes(patch_entry(stored, 0, file_size=50))
    assert refused(tmp_path / "stored.zip").kind == "corrupt_archive"


# ------------------------------------------------------------------------------------------ hostile names

HOSTILE_NAMES = [  # (raw name bytes, UTF-8 flag set)
    (b"../evil.csv", False), (b"a/../../evil.csv", False), (b"dir/..", False), (b"../", False),  # zip slip
    (b"/etc/passwd", False), (b"C:\\evil.csv", False), (b"C:/evil.csv", False), (b"c:evil.csv", False),
    (b"..\\evil.csv", False), (b"dir\\trips.csv", False),  # Windows separators
    (b"a\x00b.csv", False), (b"\x00.csv", False),  # zipfile cuts names at NUL (the second to "")
    (b"a\nb.csv", False), (b"a\x1b[2Jb.csv", False), (b"a\x7f.csv", False), ("a\u0085b.csv".encode(), True),
    (b"a//b.csv", False), (b"./a.csv", False), (b"a/./b.csv", False),  # names that alias others
    (b"x" * 256, False), (b"d/" * 16 + b"f.csv", False), ((b"y" * 200 + b"/") * 6 + b"f.csv", False),
    (b"\xff\xfe.csv", True),  # flagged UTF-8 but is not
]


@pytest.mark.parametrize(("raw", "utf8"), HOSTILE_NAMES)
def test_hostile_names_refuse_the_whole_export(tmp_path: Path, raw: bytes, utf8: bool) -> None:
    path = zip_with_raw_name(tmp_path / "hostile.zip", raw, utf8)
    before = snapshot(tmp_path)
    error = refused(path)
    assert error.kind in ({"corrupt_archive"} if raw == b"\xff\xfe.csv" else {"hostile_archive"})
    assert all(c.isprintable() for c in str(error))  # control characters are shown escaped
    assert snapshot(tmp_path) == before


def test_empty_name_is_hostile(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "empty-name.zip", [(zipfile.ZipInfo(""), b"x")])
    assert refused(path).kind == "hostile_archive"


def test_names_at_the_limits_pass(tmp_path: Path) -> None:
    deep = "/".join(["d"] * 15) + "/f.csv"  # 16 components
    long = "z" * 255
    with open_export(write_zip(tmp_path / "a.zip", [(deep, b"1"), (long, b"2")])) as export:
        assert [m.path for m in export.members] == sorted([deep, long])
    assert refused(tmp_path / "a.zip", Limits(max_depth=15)).kind == "hostile_archive"


def test_hostile_name_inside_a_nested_zip(tmp_path: Path) -> None:
    inner = zip_bytes([("../../evil.csv", b"x")])
    assert refused(write_zip(tmp_path / "a.zip", [("inner.zip", inner)])).kind == "hostile_archive"


def test_local_header_name_differing_from_central_directory(tmp_path: Path) -> None:
    data = zip_bytes([("trips.csv", b"1,2\n")], method=zipfile.ZIP_STORED)
    (tmp_path / "a.zip").write_bytes(data.replace(b"trips.csv", b"evils.csv", 1))  # local header only
    assert refused(tmp_path / "a.zip").kind == "hostile_archive"


# ------------------------------------------------------------------------------------------ links, devices


@pytest.mark.parametrize("kind", [stat.S_IFLNK, stat.S_IFCHR, stat.S_IFBLK, stat.S_IFIFO, stat.S_IFSOCK])
def test_link_and_device_entries_are_hostile(tmp_path: Path, kind: int) -> None:
    info = zipfile.ZipInfo("Driver/trips.csv")
    info.create_system = 3
    info.external_attr = (kind | 0o777) << 16
    path = write_zip(tmp_path / "link.zip", [(info, b"/etc/passwd")])
    before = snapshot(tmp_path)
    assert refused(path).kind == "hostile_archive"
    assert snapshot(tmp_path) == before


def test_regular_unix_entries_pass(tmp_path: Path) -> None:
    info = zipfile.ZipInfo("trips.csv")
    info.create_system = 3
    info.external_attr = (stat.S_IFREG | 0o644) << 16
    with open_export(write_zip(tmp_path / "a.zip", [(info, b"1\n")])) as export:
        assert export.member("trips.csv").read_bytes() == b"1\n"


@pytest.mark.parametrize("link", ["file", "dir", "dangling"])
def test_folder_with_a_symlink_is_hostile(tmp_path: Path, link: str) -> None:
    folder = write_folder(tmp_path / "export", FILES)
    target = {"file": tmp_path / "export/README.txt", "dir": tmp_path, "dangling": tmp_path / "gone"}[link]
    os.symlink(target, folder / "Driver" / "link")
    assert refused(folder).kind == "hostile_archive"


def test_folder_with_a_fifo_is_hostile(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "export", FILES)
    os.mkfifo(folder / "pipe")
    assert refused(folder).kind == "hostile_archive"


# ------------------------------------------------------------------------------------------ duplicates


@pytest.mark.parametrize("names", [
    ["trips.csv", "trips.csv"],
    ["Driver/Trips.csv", "driver/trips.CSV"],
    ["caf\u00e9.csv", "cafe\u0301.csv"],  # NFC vs NFD
    ["STRASSE.csv", "stra\u00dfe.csv"],  # casefold: ß -> ss
    ["Driver", "Driver/trips.csv"],  # a name both file and folder
])
def test_duplicate_and_colliding_names_are_hostile(tmp_path: Path, names: list[str]) -> None:
    path = write_zip(tmp_path / "dup.zip", [(n, b"x") for n in names])
    assert refused(path).kind == "hostile_archive"


def test_case_colliding_files_in_a_folder_are_hostile(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "export", {"Trips.csv": b"1", "trips.csv": b"2"})
    if len(list(folder.iterdir())) < 2:
        pytest.skip("case-insensitive file system")
    assert refused(folder).kind == "hostile_archive"


# ------------------------------------------------------------------------------------------ encryption


@pytest.mark.parametrize(("flags", "method"), [(0x1, None), (0x41, None), (None, 99)])
def test_password_protected_exports_say_so(tmp_path: Path, flags: int | None, method: int | None) -> None:
    data = zip_bytes([("trips.csv", b"trip_id\n1\n"), ("b.csv", b"2\n")])
    (tmp_path / "locked.zip").write_bytes(patch_entry(data, 1, flags=flags, method=method))
    error = refused(tmp_path / "locked.zip")
    assert error.kind == "encrypted"
    assert "password" in error.detail and error.member == "b.csv"


# ------------------------------------------------------------------------------------------ bombs


def test_overlapping_entries_are_hostile(tmp_path: Path) -> None:
    data = zip_bytes([("a.csv", b"a" * 500), ("b.csv", b"b" * 500)])
    cd_a, cd_b = central_entries(data)
    (size_a,) = struct.unpack_from("<L", data, cd_a + 20)
    (offset_b,) = struct.unpack_from("<L", data, cd_b + 42)
    # a's data now runs over b's local header, as in a quoted-overlap bomb (CVE-2024-0450)
    (tmp_path / "overlap.zip").write_bytes(patch_entry(data, 0, compress_size=size_a + 40))
    error = refused(tmp_path / "overlap.zip")
    assert error.kind == "hostile_archive" and "overlap" in error.detail
    assert offset_b < 30 + len("a.csv") + size_a + 40  # the patch really reaches b


def test_entry_overlapping_the_central_directory_is_hostile(tmp_path: Path) -> None:
    data = zip_bytes([("a.csv", b"a" * 500)])
    (size_a,) = struct.unpack_from("<L", data, central_entries(data)[0] + 20)
    (tmp_path / "overlap.zip").write_bytes(patch_entry(data, 0, compress_size=size_a + 10))
    assert refused(tmp_path / "overlap.zip").kind == "hostile_archive"


def test_two_records_sharing_one_local_header_are_hostile(tmp_path: Path) -> None:
    data = zip_bytes([("a.csv", b"a" * 500), ("b.csv", b"b" * 500)])
    data = patch(data, central_entries(data)[1] + 42, "<L", 0)  # both point at the first header
    (tmp_path / "shared.zip").write_bytes(data)
    error = refused(tmp_path / "shared.zip")
    assert error.kind == "hostile_archive" and "overlap" in error.detail


def test_ten_megabytes_of_zeros_is_too_large(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "zeros.zip", [("zeros.csv", bytes(10 * 1024**2))])
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("zeros.csv")
        assert info.file_size / info.compress_size > 1000  # the fixture really is a bomb
    assert refused(path).kind == "too_large"


def test_compressible_but_realistic_json_passes(tmp_path: Path) -> None:
    rows = b"".join(b'{"event": "online", "at": "2021-03-%02d"}\n' % (i % 28 + 1) for i in range(60_000))
    path = write_zip(tmp_path / "events.zip", [("events.json", rows)])
    with open_export(path) as export:
        assert export.member("events.json").sha256() == hashlib.sha256(rows).hexdigest()


def test_declared_size_that_lies_low_never_yields_more_than_declared(tmp_path: Path) -> None:
    real = random.Random(3).randbytes(200_000)
    data = zip_bytes([("trips.csv", real)])
    (tmp_path / "liar.zip").write_bytes(patch_entry(data, 0, file_size=1000))
    with open_export(tmp_path / "liar.zip") as export:
        member = export.member("trips.csv")
        received = 0
        with pytest.raises(IngestError) as caught, member.open() as stream:
            while chunk := stream.read(100):
                received += len(chunk)
        assert caught.value.kind in {"too_large", "corrupt_archive"}
        assert received <= 1000


def test_declared_size_that_lies_high_is_corrupt(tmp_path: Path) -> None:
    data = zip_bytes([("trips.csv", b"trip_id\n" * 100)])
    (tmp_path / "liar.zip").write_bytes(patch_entry(data, 0, file_size=5000))
    with open_export(tmp_path / "liar.zip") as export, pytest.raises(IngestError) as caught:
        export.member("trips.csv").read_bytes()
    assert caught.value.kind == "corrupt_archive"


def test_folder_file_growing_after_listing_is_cut_off(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "export", {"trips.csv": b"x" * 50, "other.csv": b"y" * 50})
    with open_export(folder) as export:
        (folder / "trips.csv").write_bytes(b"x" * 5000)
        (folder / "other.csv").write_bytes(b"y" * 10)
        with pytest.raises(IngestError) as grown:
            export.member("trips.csv").read_bytes()
        with pytest.raises(IngestError) as shrunk:
            export.member("other.csv").read_bytes()
    assert (grown.value.kind, shrunk.value.kind) == ("too_large", "corrupt_archive")


def test_member_count_limit(tmp_path: Path) -> None:
    limits = Limits(max_members=20)
    at_limit = write_zip(tmp_path / "20.zip", [(f"f{i}.csv", b"") for i in range(20)])
    with open_export(at_limit, limits) as export:
        assert len(export.members) == 20
    over = write_zip(tmp_path / "21.zip", [(f"f{i}.csv", b"") for i in range(21)])
    assert refused(over, limits).kind == "too_large"
    many = write_zip(tmp_path / "many.zip", [(f"f{i}", b"") for i in range(10_001)], zipfile.ZIP_STORED)
    assert refused(many).kind == "too_large"
    folder = write_folder(tmp_path / "export", {f"d/f{i}.csv": b"" for i in range(20)})  # 21 entries
    assert refused(folder, limits).kind == "too_large"


def test_declared_member_and_total_size_limits(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "a.zip", [("a.csv", b"a" * 600), ("b.csv", b"b" * 600)], zipfile.ZIP_STORED)
    assert refused(path, Limits(max_member_bytes=599)).kind == "too_large"
    assert refused(path, Limits(max_total_bytes=1199)).kind == "too_large"
    with open_export(path, Limits(max_member_bytes=600, max_total_bytes=1200)) as export:
        assert [len(m.read_bytes()) for m in export.members] == [600, 600]
    folder = write_folder(tmp_path / "export", {"a.csv": b"a" * 600})
    assert refused(folder, Limits(max_member_bytes=599)).kind == "too_large"


# ------------------------------------------------------------------------------------------ nesting


def test_nested_zip_is_read_one_level_deep(tmp_path: Path) -> None:
    inner = zip_bytes([("Trips/trips.csv", b"1,2\n"), ("Trips/", b"")])
    path = write_zip(tmp_path / "outer.zip", [("top.csv", b"t\n"), ("Driver/inner.ZIP", inner)])
    with open_export(path) as export:
        assert [m.path for m in export.members] == ["Driver/inner.ZIP/Trips/trips.csv", "top.csv"]
        assert export.member("Driver/inner.ZIP/Trips/trips.csv").read_bytes() == b"1,2\n"
    folder = write_folder(tmp_path / "export", {"inner.zip": inner, "top.csv": b"t\n"})
    with open_export(folder) as export:
        assert [m.path for m in export.members] == ["inner.zip/Trips/trips.csv", "top.csv"]
        assert export.member("inner.zip/Trips/trips.csv").read_bytes() == b"1,2\n"


def test_zip_nested_two_levels_is_hostile(tmp_path: Path) -> None:
    deepest = zip_bytes([("a.csv", b"1")])
    middle = zip_bytes([("deeper.zip", deepest)])
    path = write_zip(tmp_path / "outer.zip", [("middle.zip", middle)])
    assert refused(path).kind == "hostile_archive"
    assert refused(write_zip(tmp_path / "one.zip", [("m.zip", deepest)]), Limits(max_nesting=0)).kind == \
        "hostile_archive"


def test_nested_zips_share_the_budgets(tmp_path: Path) -> None:
    inners = [(f"part{i}.zip", zip_bytes([(f"f{j}.csv", b"x" * 100) for j in range(4)])) for i in range(3)]
    path = write_zip(tmp_path / "outer.zip", inners)
    assert refused(path, Limits(max_members=14)).kind == "too_large"  # 3 + 12 entries
    with open_export(path, Limits(max_members=15)) as export:
        assert len(export.members) == 12
    declared = 1200 + sum(len(data) for _, data in inners)
    assert refused(path, Limits(max_total_bytes=declared - 1)).kind == "too_large"


def test_damaged_nested_zip_is_corrupt(tmp_path: Path) -> None:
    inner = zip_bytes([("a.csv", b"1,2\n" * 50)])
    path = write_zip(tmp_path / "outer.zip", [("inner.zip", inner[: len(inner) // 2])])
    error = refused(path)
    assert error.kind == "corrupt_archive" and error.member == "inner.zip"


# ------------------------------------------------------------------------------------------ robustness

INNER = zip_bytes([("a.csv", b"a,b\n1,2\n"), ("b.txt", b"hello")], method=zipfile.ZIP_STORED)
SEED_FILES = [
    ("Driver/trips.csv", b"trip_id,fare\n" + b"".join(b"%d,%d.50\n" % (i, i % 40) for i in range(300))),
    ("Driver/profile.json", b'{"city": "Paris", "since": "2019-04-01"}'),
    ("inner.zip", INNER),
]
SEEDS = [zip_bytes(SEED_FILES, zipfile.ZIP_DEFLATED), zip_bytes(SEED_FILES, zipfile.ZIP_STORED)]


def header_positions(data: bytes, nested: bool = True) -> list[int]:
    """Byte positions of every local header, central record and end record (where damage bites),
    including those of the inner zip when it is stored as is."""
    positions = set(range(len(data) - 22, len(data)))
    for record in central_entries(data):
        (local,) = struct.unpack_from("<L", data, record + 42)
        (name_len,) = struct.unpack_from("<H", data, record + 28)
        positions.update(range(record, record + 46 + name_len))
        positions.update(range(local, local + 30 + name_len))
    inner_at = data.find(INNER)
    if nested and inner_at >= 0:
        positions.update(inner_at + p for p in header_positions(INNER, nested=False))
    return sorted(positions)


@st.composite
def mutants(draw: st.DrawFn) -> bytes:
    """A seed zip with 1-6 bytes changed (often in a header) and perhaps cut short."""
    seed = draw(st.sampled_from(SEEDS))
    position = st.one_of(st.integers(0, len(seed) - 1), st.sampled_from(header_positions(seed)))
    value = st.one_of(st.integers(0, 255), st.sampled_from([0, 1, 0x7F, 0x80, 0xFF]))
    data = bytearray(seed)
    for at, byte in draw(st.lists(st.tuples(position, value), min_size=1, max_size=6)):
        data[at] = byte
    return bytes(data[: draw(st.one_of(st.none(), st.integers(0, len(seed))))])


@settings(max_examples=200, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=mutants())
def test_mutated_zips_only_raise_ingest_error(tmp_path: Path, data: bytes) -> None:
    """Whatever the damage, only IngestError escapes, and a member read whole has its declared size."""
    path = tmp_path / "mutant.zip"
    path.write_bytes(data)
    try:
        with open_export(path, Limits(max_member_bytes=10 * 1024**2, max_total_bytes=20 * 1024**2)) as export:
            for member in export.members:
                try:
                    assert len(member.read_bytes()) == member.size
                    member.sha256()
                except IngestError:
                    pass
    except IngestError:
        pass


def test_nothing_is_written_to_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inputs, cwd, tmp = tmp_path / "in", tmp_path / "cwd", tmp_path / "tmp"
    for folder in (inputs, cwd, tmp):
        folder.mkdir()
    good = write_zip(inputs / "good.zip", [*FILES.items(), ("n.zip", zip_bytes(list(FILES.items())))])
    tree = write_folder(inputs / "tree", FILES)
    bad = [zip_with_raw_name(inputs / f"bad{i}.zip", raw, utf8)
           for i, (raw, utf8) in enumerate(HOSTILE_NAMES)]
    monkeypatch.chdir(cwd)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    before = snapshot(inputs, cwd, tmp)
    for source in (good, tree):
        with open_export(source) as export:
            assert all(m.sha256() == hashlib.sha256(m.read_bytes()).hexdigest() for m in export.members)
    for source in bad:
        refused(source)
    assert snapshot(inputs, cwd, tmp) == before


def test_no_code_extracts_archives_or_uses_zipfile_path() -> None:
    """A2: member names are only ever checked in toolkit.archive; nothing extracts to disk."""
    forbidden = re.compile(r"\.extractall\(|(?<!\.str)\.extract\(|zipfile\.Path\(")  # not pandas .str.extract
    offenders = [f"{source.name}: {hit.group()}"
                 for folder in ("toolkit", "parsers", "pages") for source in (ROOT / folder).rglob("*.py")
                 for hit in forbidden.finditer(source.read_text(encoding="utf-8"))]
    assert offenders == []

