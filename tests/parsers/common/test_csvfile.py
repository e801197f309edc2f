"""read_csv: one test per quirk of real exports, on the smallest input that shows it."""

from __future__ import annotations

import pytest

from parsers.common import read_csv, sniff_delimiter
from tests.parsers.conftest import BytesMember, lenient_ctx, strict_ctx
from toolkit.errors import IngestError, StrictIssueError

# French SAR 2021, export-formats.md §2.4a (verbatim header)
FR_ONLINE = (
    "earner_state;city_id;begin_lat;begin_lng;end_lat;end_lng;begin_timestamp_utc;end_timestamp_utc;"
    "duration_ms;begin_timestamp_local;end_timestamp_local"
)


def frames(data: bytes, path: str = "f.csv", chunk_rows: int | None = None, strict: bool = True) -> list:
    ctx = strict_ctx() if strict else lenient_ctx()
    return list(read_csv(BytesMember(path, data), ctx, chunk_rows))


def test_semicolon_delimiter_and_crlf() -> None:
    data = (
        FR_ONLINE + "\r\nopen;3;48.1;2.3;48.2;2.4;2021-02-01T09:40:46.000Z;2021-02-01T09:50:46.000Z;600000;"
        "2021-02-01T10:40:46.000Z;2021-02-01T10:50:46.000Z\r\n"
    ).encode()
    [frame] = frames(data)
    assert list(frame.columns) == FR_ONLINE.split(";") + ["source_row"]
    assert frame["end_timestamp_local"].tolist() == ["2021-02-01T10:50:46.000Z"]  # no stray \r
    assert frame["source_row"].tolist() == [2]


def test_backslash_n_and_empty_are_null() -> None:
    [frame] = frames(b"a,b,c\n\\N,,x\n")
    assert frame["a"].isna().all() and frame["b"].isna().all() and frame["c"].tolist() == ["x"]


def test_header_cells_lose_spaces_and_quotes() -> None:
    [frame] = frames(b"\" Local Amount \", 'Currency Code' ,Classification\n1,EUR,tip\n")
    assert list(frame.columns)[:3] == ["Local Amount", "Currency Code", "Classification"]


def test_utf8_bom_is_not_part_of_the_first_column_name() -> None:
    [frame] = frames("\ufeffcity_name,amount_local\nLausanne,1.0\n".encode())
    assert list(frame.columns)[:2] == ["city_name", "amount_local"]


def test_utf16_with_bom() -> None:
    [frame] = frames("a;b\r\nvélo;2\r\n".encode("utf-16"))
    assert frame["a"].tolist() == ["vélo"]


def test_cp1252_is_a_fallback_recorded_as_an_issue() -> None:
    data = "product,city\nUBER VÉLO,Zürich\n".encode("cp1252")
    ctx = lenient_ctx()
    [frame] = list(read_csv(BytesMember("t.csv", data), ctx))
    assert frame["product"].tolist() == ["UBER VÉLO"]
    assert ctx.issues.counts() == {"encoding": 1}
    with pytest.raises(StrictIssueError):
        frames(data)


def test_quoted_newline_is_one_record_and_rows_count_records() -> None:
    # Wolt writes vehicle types with a newline inside quotes ("BIC\nYCLE").
    [frame] = frames(b'id,vehicle\n1,"BIC\nYCLE"\n2,CAR\n')
    assert frame["vehicle"].tolist() == ["BIC\nYCLE", "CAR"]
    assert frame["source_row"].tolist() == [2, 3]
    assert frame.index.tolist() == [2, 3]


def test_blank_line_keeps_spreadsheet_row_numbers() -> None:
    [frame] = frames(b"a,b\n1,2\n\n3,4\n")
    assert frame["source_row"].tolist() == [2, 4]


def test_malformed_row_is_an_issue_with_its_row_number() -> None:
    data = b"a,b\n1,2\nsecret-value\n4,5,6\n7,8\n"
    ctx = lenient_ctx()
    [frame] = list(read_csv(BytesMember("t.csv", data), ctx))
    assert frame["a"].tolist() == ["1", "7"] and frame["source_row"].tolist() == [2, 5]
    assert [(i.kind, i.row) for i in ctx.issues.issues] == [("malformed_row", 3), ("malformed_row", 4)]
    assert not any("secret" in i.detail for i in ctx.issues.issues)


def test_malformed_row_raises_in_strict_mode() -> None:
    with pytest.raises(StrictIssueError) as caught:
        frames(b"a,b\n1,2\n3\n")
    assert caught.value.issue.row == 3 and caught.value.issue.file == "f.csv"


def test_empty_file_yields_nothing_and_header_only_an_empty_frame() -> None:
    assert frames(b"") == []
    [frame] = frames(b"a;b\r\n")
    assert len(frame) == 0 and list(frame.columns) == ["a", "b", "source_row"]


def test_chunks_continue_the_row_numbers() -> None:
    got = frames(b"a\n1\n2\n3\n4\n5\n", chunk_rows=2)
    assert [f["source_row"].tolist() for f in got] == [[2, 3], [4, 5], [6]]


def test_duplicate_column_names_are_a_schema_mismatch() -> None:
    with pytest.raises(IngestError) as caught:
        frames(b"a,a,b\n1,2,3\n")
    assert caught.value.kind == "schema_mismatch" and "a" in caught.value.detail


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"a\tb\tc\n1\t2,5\t3\n", "\t"),
        (b"a|b\n1|2\n", "|"),
        (b"five_star_rating\n5\n4\n", ","),
        (b'a,b\n"x;y;z",2\n', ","),
    ],
)
def test_delimiter_is_sniffed_per_file(data: bytes, expected: str) -> None:
    assert sniff_delimiter(BytesMember("f.csv", data), "utf-8") == expected
