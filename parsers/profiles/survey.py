"""What an export holds, file by file, for writing a mapping profile: each file's format, header and first
rows, or why it cannot be read. Nothing else of the export is read (the app's "Map an unknown export" page
and `gigdata profile check` start from it).

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "rides.csv").write_text("start,end,price\\n2026-01-05 10:00,2026-01-05 10:20,12.5\\n")
    >>> survey = survey_export(folder)
    >>> survey["rides.csv"]["header"], len(survey["rides.csv"]["sample"])
    (['start', 'end', 'price'], 1)
"""

from __future__ import annotations

from pathlib import Path
from typing import TypedDict

import pandas as pd

from parsers.base import ParseContext
from parsers.profiles.jsonfile import guess_records
from parsers.profiles.model import FileEntry
from parsers.profiles.readers import read_frames, read_header
from parsers.registry import is_clutter
from toolkit.archive import Member, open_export
from toolkit.errors import IngestError

SAMPLE_ROWS = 50
"""Rows read from each file for the preview."""


class FileSurvey(TypedDict):
    """One file of the export as the mapping starts from it."""

    format: str
    header: list[str]
    sample: pd.DataFrame
    records: str
    error: str


def survey_export(path: Path, sample_rows: int = SAMPLE_ROWS) -> dict[str, FileSurvey]:
    """Per file (clutter such as __MACOSX left out): its format, header and first `sample_rows` rows, or
    the reason it cannot be read (`error`)."""
    files: dict[str, FileSurvey] = {}
    with open_export(path) as export:
        for member in export.members:
            if not is_clutter(member.path):
                files[member.path] = _survey_file(member, sample_rows)
    return files


def _survey_file(member: Member, sample_rows: int) -> FileSurvey:
    fmt = {"xlsx": "xlsx", "json": "json"}.get(member.path.rsplit(".", 1)[-1].lower(), "csv")
    try:
        records = guess_records(member) if fmt == "json" else ""
        probe = FileEntry(table="jobs", path=member.path, format=fmt, records=records)
        header = read_header(member, probe)
        frame = next(read_frames(member, probe, ParseContext("", ""), chunk_rows=sample_rows), None)
        sample = pd.DataFrame() if frame is None else frame.head(sample_rows)
        return {"format": fmt, "header": header, "sample": sample, "records": records, "error": ""}
    except IngestError as exc:
        return {"format": fmt, "header": [], "sample": pd.DataFrame(), "records": "", "error": exc.detail}
