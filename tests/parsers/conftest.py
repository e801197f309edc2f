"""Shared helpers of the parser tests: an in-memory export member, contexts, and the schema check."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
import pytest

from parsers.base import Batch, ParseContext
from toolkit.errors import IssueLog
from toolkit.schema import TABLES, conform


@dataclass
class BytesMember:
    """One file of an export held in memory (satisfies `parsers.base.Member`)."""

    path: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)

    def open(self) -> io.BytesIO:
        return io.BytesIO(self.data)

    def read_bytes(self) -> bytes:
        return self.data


def csv_bytes(header: str, rows: Sequence[Iterable[object]] = (), sep: str = ",", eol: str = "\n") -> bytes:
    """A CSV file: `header` verbatim, then each row's values joined by `sep` (None -> empty)."""
    lines = [header] + [sep.join("" if v is None else str(v) for v in row) for row in rows]
    return (eol.join(lines) + eol).encode("utf-8")


def row_of(header: str, sep: str = ",", **values: object) -> list[object]:
    """A row for `header` with the named columns filled and every other one empty."""
    names = header.split(sep)
    unknown = set(values) - set(names)
    assert not unknown, unknown
    return [values.get(name) for name in names]


def strict_ctx(layout: str = "test", platform: str = "uber", **kwargs: object) -> ParseContext:
    """A context whose issues raise (`StrictIssueError`), as the project's tests run parsers."""
    return ParseContext(platform, layout, issues=IssueLog(strict=True), **kwargs)  # type: ignore[arg-type]


def lenient_ctx(layout: str = "test", platform: str = "uber", **kwargs: object) -> ParseContext:
    """A context that records issues instead of raising."""
    return ParseContext(platform, layout, **kwargs)  # type: ignore[arg-type]


def conformed(batch: Batch, path: str = "export/file.csv") -> pa.Table:
    """The batch with provenance added as the ingest adds it, passed through `toolkit.schema.conform`."""
    rows = batch.rows
    arrow = rows if isinstance(rows, pa.Table) else pa.Table.from_pandas(rows, preserve_index=False)
    n = arrow.num_rows
    for name, value in (
        ("worker_id", "w1"),
        ("platform", "uber"),
        ("export_id", "0123456789abcdef"),
        ("source_file", path),
    ):
        arrow = arrow.append_column(name, pa.array([value] * n, type=pa.string()))
    return conform(arrow.select(TABLES[batch.table].names), batch.table)


def tables(batches: Iterable[Batch]) -> dict[str, pd.DataFrame]:
    """Every batch conformed, concatenated per table, as pandas frames (one per table)."""
    out: dict[str, list[pa.Table]] = {}
    for batch in batches:
        out.setdefault(batch.table, []).append(conformed(batch))
    return {name: pa.concat_tables(parts).to_pandas() for name, parts in out.items()}


def ts(text: str) -> pd.Timestamp:
    """A UTC instant written as ISO text."""
    return pd.Timestamp(text).tz_convert("UTC") if pd.Timestamp(text).tzinfo else pd.Timestamp(text, tz="UTC")


@pytest.fixture
def ctx() -> ParseContext:
    return strict_ctx()
