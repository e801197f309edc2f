"""The normalized data model: one pyarrow schema per table, declared once.

Every table carries the provenance columns (`worker_id`, `platform`, `export_id`, `source_file`,
`source_row`) and an `extra` JSON string holding the source columns the model has no place for.
Timestamps are `timestamp[us, tz=UTC]`, distances metres (`*_m`), durations seconds (`*_s`), money a
float in the units of the ISO 4217 `currency` column. See DESIGN.md, "The normalized data model".

Example:
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"worker_id": ["w"], "platform": ["uber"], "export_id": ["0" * 16],
    ...     "source_file": ["a.csv"], "source_row": [2], "extra": [None], "rated_at": [None],
    ...     "rating": [5.0], "scale": [5.0], "rater": ["customer"], "job_id": [None]})
    >>> conform(frame, "ratings").num_rows
    1
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import pyarrow as pa

UTC_TS = pa.timestamp("us", tz="UTC")
STR = pa.string()
F64 = pa.float64()
I64 = pa.int64()
BOOL = pa.bool_()

PROVENANCE: list[tuple[str, pa.DataType]] = [
    ("worker_id", STR),
    ("platform", STR),
    ("export_id", STR),
    ("source_file", STR),
    ("source_row", I64),
]
PROVENANCE_COLUMNS = [name for name, _ in PROVENANCE]

# Controlled vocabularies (values outside them are a parser bug, checked by conform()).
STATES = ("offline", "waiting", "to_pickup", "at_pickup", "on_job", "break", "online")
JOB_KINDS = ("ride", "delivery")
JOB_STATUSES = ("completed", "cancelled_by_customer", "cancelled_by_worker", "failed", "other")
OFFER_OUTCOMES = ("accepted", "rejected", "expired", "cancelled")
EARNING_CATEGORIES = (
    "fare", "tip", "incentive", "commission", "tax", "fee", "toll", "adjustment", "holdback", "other",
)
RATERS = ("customer", "merchant", "unknown")
SANCTION_KINDS = ("notification", "block", "warning", "deactivation", "fine", "other")

_BODY: dict[str, list[tuple[str, pa.DataType]]] = {
    "status_segments": [
        ("state", STR), ("raw_state", STR), ("start_at", UTC_TS), ("end_at", UTC_TS),
        ("start_lat", F64), ("start_lon", F64), ("end_lat", F64), ("end_lon", F64),
        ("jobs_reported", I64),
    ],
    "jobs": [
        ("job_id", STR), ("kind", STR), ("product", STR), ("status", STR), ("raw_status", STR),
        ("requested_at", UTC_TS), ("accepted_at", UTC_TS), ("arrived_pickup_at", UTC_TS),
        ("picked_up_at", UTC_TS), ("arrived_dropoff_at", UTC_TS), ("dropped_off_at", UTC_TS),
        ("accept_lat", F64), ("accept_lon", F64), ("pickup_lat", F64), ("pickup_lon", F64),
        ("dropoff_lat", F64), ("dropoff_lon", F64),
        ("to_pickup_distance_m", F64), ("to_pickup_duration_s", F64),
        ("job_distance_m", F64), ("job_duration_s", F64),
        ("surge_multiplier", F64), ("fare", F64), ("currency", STR),
    ],
    "offers": [
        ("offered_at", UTC_TS), ("ended_at", UTC_TS), ("outcome", STR), ("raw_outcome", STR),
        ("job_id", STR),
    ],
    "offer_windows": [
        ("window_start", UTC_TS), ("window_end", UTC_TS), ("offers", I64), ("accepted", I64),
        ("rejected", I64), ("expired", I64), ("cancelled_by_worker", I64),
        ("cancelled_by_customer", I64), ("completed", I64), ("minutes_online", F64),
        ("minutes_active", F64), ("minutes_on_job", F64), ("minutes_on_break", F64),
        ("fares", F64), ("currency", STR),
    ],
    "earnings": [
        ("earned_at", UTC_TS), ("amount", F64), ("currency", STR), ("category", STR),
        ("classification", STR), ("job_id", STR),
    ],
    "locations": [
        ("ts", UTC_TS), ("lat", F64), ("lon", F64), ("accuracy_m", F64), ("altitude_m", F64),
        ("speed_mps", F64), ("online", BOOL), ("raw_status", STR), ("event", STR),
    ],
    "ratings": [
        ("rated_at", UTC_TS), ("rating", F64), ("scale", F64), ("rater", STR), ("job_id", STR),
    ],
    "sanctions": [
        ("at", UTC_TS), ("kind", STR), ("rule", STR), ("duration_s", F64), ("lat", F64), ("lon", F64),
    ],
    "statements": [
        ("period_start", UTC_TS), ("period_end", UTC_TS), ("issuer", STR), ("total", F64),
        ("currency", STR),
    ],
}

TABLES: dict[str, pa.Schema] = {
    name: pa.schema(PROVENANCE + body + [("extra", STR)]) for name, body in _BODY.items()
}
"""Table name -> the exact Arrow schema written to the store."""

REQUIRED: dict[str, tuple[str, ...]] = {
    "status_segments": ("state", "start_at"),
    "jobs": ("kind", "status"),
    "offers": ("offered_at", "outcome"),
    "offer_windows": ("window_start", "window_end"),
    "earnings": ("amount", "currency", "category"),
    "locations": ("ts", "lat", "lon"),
    "ratings": ("rating", "scale", "rater"),
    "sanctions": ("at", "kind"),
    "statements": ("issuer",),
}
"""Columns (beyond provenance) that may never be null."""

VOCABULARIES: dict[tuple[str, str], tuple[str, ...]] = {
    ("status_segments", "state"): STATES,
    ("jobs", "kind"): JOB_KINDS,
    ("jobs", "status"): JOB_STATUSES,
    ("offers", "outcome"): OFFER_OUTCOMES,
    ("earnings", "category"): EARNING_CATEGORIES,
    ("ratings", "rater"): RATERS,
    ("sanctions", "kind"): SANCTION_KINDS,
}

NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "status_segments": ("state", "start_at", "end_at"),
    "jobs": ("kind", "status", "requested_at", "accepted_at", "picked_up_at", "dropped_off_at"),
    "offers": ("offered_at", "outcome"),
    "offer_windows": ("window_start", "window_end"),
    "earnings": ("earned_at", "amount", "currency", "classification"),
    "locations": ("ts", "lat", "lon"),
    "ratings": ("rated_at", "rating", "job_id"),
    "sanctions": ("at", "kind", "rule"),
    "statements": ("period_start", "period_end", "issuer", "total"),
}
"""What makes two rows of one worker and platform the same fact, whichever export they came from.

Two overlapping exports repeat rows; the store keeps each (key, occurrence number) once, so two equal
payment lines in one export stay two lines (see `toolkit.store`)."""


class SchemaError(ValueError):
    """A frame does not fit its table: a parser bug, never a property of the user's data."""


def conform(frame: pd.DataFrame | pa.Table, table: str) -> pa.Table:
    """Return `frame` as an Arrow table with exactly the schema of `table`, or raise SchemaError.

    Missing, unexpected and null-in-required columns are rejected; values are cast safely (no silent
    truncation); controlled-vocabulary columns must hold known values. The caller's frame is not
    modified.

    Example:
        >>> conform(pd.DataFrame({"x": [1]}), "ratings")  # doctest: +ELLIPSIS +IGNORE_EXCEPTION_DETAIL
        Traceback (most recent call last):
        SchemaError: ratings: missing columns ['worker_id', ...
    """
    schema = TABLES[table]
    names = list(frame.column_names) if isinstance(frame, pa.Table) else [str(c) for c in frame.columns]
    missing = [n for n in schema.names if n not in names]
    unexpected = [n for n in names if n not in schema.names]
    if missing or unexpected:
        shown = (missing[:8] if missing else unexpected[:8])
        what = "missing columns" if missing else "unexpected columns"
        raise SchemaError(f"{table}: {what} {shown}" + (" ..." if len(shown) == 8 else ""))
    arrow = _to_arrow(frame, schema, table)
    _check_required(arrow, table)
    _check_vocabularies(arrow, table)
    return arrow


def empty_table(table: str) -> pa.Table:
    """An empty Arrow table with the schema of `table`.

    Example:
        >>> empty_table("jobs").num_rows
        0
    """
    return TABLES[table].empty_table()


def body_columns(table: str) -> list[str]:
    """The columns of `table` other than provenance and `extra` (what a parser fills).

    Example:
        >>> body_columns("ratings")
        ['rated_at', 'rating', 'scale', 'rater', 'job_id']
    """
    return [name for name, _ in _BODY[table]]


def _to_arrow(frame: pd.DataFrame | pa.Table, schema: pa.Schema, table: str) -> pa.Table:
    columns = []
    for field in schema:
        values = frame[field.name] if isinstance(frame, pa.Table) else _pandas_column(frame, field)
        try:
            columns.append(pa.array(values, type=field.type, from_pandas=True)
                           if not isinstance(values, pa.ChunkedArray | pa.Array)
                           else values.cast(field.type, safe=True))
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, TypeError) as exc:
            raise SchemaError(f"{table}.{field.name}: cannot be {field.type} ({type(exc).__name__})") from exc
    return pa.Table.from_arrays(columns, schema=schema)


def _pandas_column(frame: pd.DataFrame, field: pa.Field) -> object:
    series = frame[field.name]
    if pa.types.is_timestamp(field.type):
        if series.isna().all():
            return pa.nulls(len(series), type=field.type)
        if not isinstance(series.dtype, pd.DatetimeTZDtype):
            raise SchemaError(f"{field.name}: timestamps must be timezone-aware UTC, got {series.dtype}")
        return pa.array(series.dt.tz_convert("UTC").dt.as_unit("us"), type=field.type, from_pandas=True)
    if series.dtype == object and series.isna().all():
        return pa.nulls(len(series), type=field.type)
    return series


def _check_required(arrow: pa.Table, table: str) -> None:
    for name in PROVENANCE_COLUMNS + list(REQUIRED[table]):
        nulls = arrow.column(name).null_count
        if nulls:
            raise SchemaError(f"{table}.{name}: {nulls} null value(s) in a required column")


def _check_vocabularies(arrow: pa.Table, table: str) -> None:
    for (tab, column), allowed in VOCABULARIES.items():
        if tab != table or arrow.num_rows == 0:
            continue
        values = {v for v in arrow.column(column).unique().to_pylist() if v is not None}
        unknown = sorted(values - set(allowed))
        if unknown:
            raise SchemaError(f"{table}.{column}: values outside the vocabulary {unknown[:5]}")


def describe(tables: Mapping[str, pa.Schema] = TABLES) -> str:
    """A Markdown table of every table and column, for the README and the data dictionary.

    Example:
        >>> "status_segments" in describe()
        True
    """
    lines = ["| table | column | type |", "|---|---|---|"]
    for name, schema in tables.items():
        lines += [f"| {name} | {f.name} | {f.type} |" for f in schema]
    return "\n".join(lines)
