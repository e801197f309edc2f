"""What every platform parser shares: reading CSV members, times, numbers, `extra`, finishing a batch.

- `parsers.common.csvfile`: `read_csv` (any delimiter, encoding, null marker; `source_row` as a
  spreadsheet shows it), `detect_encoding`, `sniff_delimiter`, `clean_header`;
- `parsers.common.arrowcsv`: `read_csv_arrow`, the same for files of millions of rows, as Arrow string
  batches read in bounded pieces;
- `parsers.common.times`: `utc`, `epoch_ms`, `local_to_utc`, `local_to_utc_rowzones`,
  `local_with_offset`, `row_offsets`, `place_local`, `utc_or_local`, with every time-zone choice
  recorded in the manifest;
- `parsers.common.values`: `to_float`, `to_int`, `to_bool`, `coordinates`, `map_values`, `require`,
  `pick_variant`, `report_rows`, `extra_json`/`json_objects`, `finish`, unit constants.

Example:
    >>> from parsers.base import ParseContext
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"trip_distance_miles": ["2"], "flow": ["Black"], "source_row": [2]})
    >>> out = pd.DataFrame({"job_distance_m": to_float(frame["trip_distance_miles"],
    ...     ParseContext("uber", "t"), "a.csv") * MILE_M, "kind": "ride", "status": "completed",
    ...     "source_row": frame["source_row"], "extra": extra_json(frame, ["trip_distance_miles"])})
    >>> finish(out, "jobs")[["job_distance_m", "extra"]].to_dict("records")
    [{'job_distance_m': 3218.688, 'extra': '{"flow":"Black"}'}]
"""

from parsers.common.arrowcsv import PIECE_BYTES, read_csv_arrow
from parsers.common.csvfile import (
    DELIMITERS,
    NULL_TOKENS,
    clean_header,
    detect_encoding,
    read_csv,
    sniff_delimiter,
)
from parsers.common.times import (
    EPOCH_MS_RANGE,
    UTC_DTYPE,
    amend_tz,
    dst_note,
    epoch_ms,
    local_to_utc,
    local_to_utc_rowzones,
    local_with_offset,
    place_local,
    row_offsets,
    utc,
    utc_or_local,
    zone_names,
)
from parsers.common.values import (
    ISSUE_LIMIT,
    KM_M,
    MILE_M,
    column,
    coordinates,
    extra_json,
    finish,
    first_present,
    json_objects,
    labels,
    map_values,
    note_worker_id,
    null_island,
    pick_variant,
    report_rows,
    require,
    to_bool,
    to_float,
    to_int,
    within,
)

__all__ = [
    "PIECE_BYTES", "read_csv_arrow",
    "DELIMITERS", "EPOCH_MS_RANGE", "ISSUE_LIMIT", "KM_M", "MILE_M", "NULL_TOKENS", "UTC_DTYPE", "amend_tz",
    "clean_header",
    "column", "coordinates", "detect_encoding", "dst_note", "epoch_ms", "extra_json", "finish",
    "first_present", "json_objects", "labels", "local_to_utc", "local_to_utc_rowzones", "local_with_offset",
    "map_values", "note_worker_id", "null_island", "pick_variant", "place_local", "read_csv", "report_rows",
    "require",
    "row_offsets", "sniff_delimiter", "to_bool", "to_float", "to_int", "utc", "utc_or_local", "within",
    "zone_names",
]
