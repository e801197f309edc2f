"""Turning a frame read from a file into one table's rows, as a profile entry says.

Source columns are found by name without regard to case or repeated spaces. Each schema column is then
filled from its source column, converted by the column's type, or from the entry's constants:
- numbers: the entry's thousands separator removed, its decimal separator read as `.`, then the unit
  factor applied (`km` -> metres, `min` -> seconds, `cents` -> currency units...); `hms` reads durations
  written `01:02:03`;
- times: the entry's strftime formats first (explicit only: never a guessed day-first), ISO text
  otherwise; then placed on UTC by the zone the profile states (recorded as source `profile`), the row's
  own zone column, or the export's zone / the user's `--tz` (`ParseContext.zone_for`); epoch seconds or
  milliseconds are UTC by definition;
- labels: the entry's value map (any case), then the schema's own words; a label neither knows is an
  `unknown_value` issue and, in a required column, leaves the row out. The source label is kept in the
  table's raw column (`raw_status`, `raw_state`, `raw_outcome`, earnings' `classification`).
Source columns with no place in the model go to `extra`; a required value that is empty leaves the row
out with a `missing_value` issue.

Example:
    >>> from parsers.profiles.model import FileEntry, Profile
    >>> entry = FileEntry(table="jobs", path="a.csv", decimal=",", timezone="Europe/Paris",
    ...     columns={"Km": "job_distance_m", "Etat": "status", "Le": "requested_at"},
    ...     units={"job_distance_m": "km"}, values={"status": {"Livrée": "completed"}},
    ...     timestamp_format=["%d/%m/%Y %H:%M"], constants={"kind": "delivery"})
    >>> frame = pd.DataFrame({"Km": ["1,5"], "Etat": ["livrée"], "Le": ["01/03/2024 12:00"],
    ...     "Note": ["x"], "source_row": [2]}, index=[2])
    >>> out = map_frame(frame, entry, Profile("p", "p", "s", [entry]), ParseContext("p", "t"), "a.csv")
    >>> out[["job_distance_m", "status", "raw_status", "requested_at", "extra"]].astype(str).values.tolist()
    [['1500.0', 'completed', 'livrée', '2024-03-01 11:00:00+00:00', '{"Note":"x"}']]
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from parsers.base import ParseContext
from parsers.common import (
    EPOCH_MS_RANGE,
    UTC_DTYPE,
    column,
    dst_note,
    extra_json,
    finish,
    labels,
    local_to_utc,
    map_values,
    place_local,
    report_rows,
    require,
    to_bool,
    to_float,
    to_int,
    utc,
    within,
)
from parsers.profiles.model import (
    RAW_COMPANIONS,
    FileEntry,
    Profile,
    column_type,
    normalise,
    unit_factors,
    vocabulary,
)
from toolkit.schema import REQUIRED, body_columns

_SPACES = ("\u00a0", "\u202f", " ")


def map_frame(frame: pd.DataFrame, entry: FileEntry, profile: Profile, ctx: ParseContext,
              file: str) -> pd.DataFrame:
    """One table's rows (body columns, `source_row`, `extra`) from a string frame of the file.

    Example:
        >>> from parsers.profiles.model import FileEntry, Profile
        >>> e = FileEntry(table="ratings", path="r.csv", columns={"Stars": "rating"},
        ...               constants={"scale": 5, "rater": "customer"})
        >>> f = pd.DataFrame({"stars ": ["4"], "source_row": [2]}, index=[2])
        >>> map_frame(f, e, Profile("p", "p", "s", [e]), ParseContext("p", "t"), "r.csv")["rating"].tolist()
        [4.0]
    """
    sources = resolve_columns(frame.columns, entry.columns)
    out = pd.DataFrame(index=frame.index)
    for target in body_columns(entry.table):
        if target in sources:
            out[target] = _convert(frame, sources[target], target, entry, profile, ctx, file)
        elif target in entry.constants:
            out[target] = _constant(entry.constants[target], entry.table, target, frame.index)
    for (table, target), raw in RAW_COMPANIONS.items():
        if table == entry.table and target in sources and raw not in sources and raw not in entry.constants:
            out[raw] = frame[sources[target]]
    out["source_row"] = frame["source_row"]
    zone_column = resolve_columns(frame.columns, {entry.timezone_column: ""}) if entry.timezone_column else {}
    out["extra"] = extra_json(frame, list(sources.values()) + list(zone_column.values()))
    needed = {target: sources.get(target) for target in REQUIRED[entry.table]}
    return finish(require(out, frame, ctx, file, needed), entry.table)


def resolve_columns(present: Iterable[object], columns: dict[str, str]) -> dict[str, str]:
    """For each target of `columns` (source -> target), the name of its source column as the file writes
    it (compared without case or repeated spaces); targets whose source is absent are left out.

    Example:
        >>> resolve_columns(["Order  ID", "x"], {"order id": "job_id", "y": "fare"})
        {'job_id': 'Order  ID'}
    """
    lookup = {normalise(str(name)): str(name) for name in present if name != "source_row"}
    return {target: lookup[normalise(source)] for source, target in columns.items()
            if normalise(source) in lookup}


def numeric_text(values: pd.Series, entry: FileEntry) -> pd.Series:
    """Numbers written with the entry's separators, rewritten with `.` decimals and no grouping.

    Example:
        >>> e = FileEntry(table="jobs", path="a", decimal=",", thousands=".")
        >>> numeric_text(pd.Series([" 1.234,5", None], name="n"), e).tolist()
        ['1234.5', nan]
    """
    text = values.astype("str").str.strip()
    if entry.thousands:
        for separator in _SPACES if entry.thousands in _SPACES else (entry.thousands,):
            text = text.str.replace(separator, "", regex=False)
    if entry.decimal != ".":
        text = text.str.replace(entry.decimal, ".", regex=False)
    return text.rename(str(values.name))


# ---------------------------------------------------------------------------------------------- private


def _convert(frame: pd.DataFrame, source: str, target: str, entry: FileEntry, profile: Profile,
             ctx: ParseContext, file: str) -> pd.Series:
    values = frame[source]
    kind = column_type(entry.table, target)
    unit = entry.units.get(target, "")
    if kind == "timestamp":
        return _times(frame, values, target, entry, profile, ctx, file)
    if kind in ("float", "int") and unit == "hms":
        seconds = pd.to_timedelta(values.str.strip(), errors="coerce").dt.total_seconds()
        report_rows(ctx, file, "bad_number", "not a duration hh:mm:ss",
                    values.index[values.notna() & seconds.isna()], column=source)
        return seconds.astype("float64")
    if kind == "float":
        factor = unit_factors(entry.table, target).get(unit, 1.0)
        return to_float(numeric_text(values, entry), ctx, file) * factor
    if kind == "int":
        return to_int(numeric_text(values, entry), ctx, file)
    mapping = {label.strip().lower(): value for label, value in entry.values.get(target, {}).items()}
    if kind == "bool":
        mapped = labels(values, mapping)
        return to_bool(mapped.where(mapped.notna(), values).rename(source), ctx, file)
    allowed = vocabulary(entry.table, target)
    if allowed is not None:
        return map_values(values, {**{v: v for v in allowed}, **mapping}, ctx, file)
    if mapping:
        mapped = labels(values, mapping)
        return mapped.where(mapped.notna(), values)
    return values


def _times(frame: pd.DataFrame, values: pd.Series, target: str, entry: FileEntry, profile: Profile,
           ctx: ParseContext, file: str) -> pd.Series:
    name = str(values.name)
    unit = entry.units.get(target, "")
    if unit in ("epoch_s", "epoch_ms"):
        numbers = to_float(numeric_text(values, entry), ctx, file) * (1000.0 if unit == "epoch_s" else 1.0)
        numbers = within(numbers, EPOCH_MS_RANGE[0], EPOCH_MS_RANGE[1], ctx, file)
        ctx.record_tz(file, name, "UTC", "utc_column", f"{unit.replace('_', ' ')}: UTC by definition")
        return pd.to_datetime(numbers.round(3), unit="ms", utc=True).astype(UTC_DTYPE)
    text = _formatted(values, entry.formats.get(target) or entry.timestamp_format)
    out = pd.Series(pd.NaT, index=values.index, dtype=UTC_DTYPE, name=values.name)
    todo = text.notna()
    if entry.timezone_column:
        found = resolve_columns(frame.columns, {entry.timezone_column: "zone"})
        zones = column(frame, found.get("zone", entry.timezone_column))
        if (own := todo & zones.notna()).any():
            out.loc[own] = place_local(text[own], ctx, file, zones=zones[own])
            todo &= ~own
            name += " (rows without their own zone)"
    if todo.any():
        zone = entry.timezone or profile.timezone
        out.loc[todo] = _in_zone(text[todo].rename(name), zone, profile, ctx, file)
    return out


def _in_zone(text: pd.Series, zone: str, profile: Profile, ctx: ParseContext, file: str) -> pd.Series:
    name = str(text.name)
    if not zone:
        return place_local(text, ctx, file)
    said = f"mapping profile {profile.name} says"
    if ctx.user_tz and ctx.user_tz != zone:
        said = f"--tz {ctx.user_tz} was not used because " + said
    if zone == "UTC":
        placed = utc(text, ctx, file)
        ctx.record_tz(file, name, "UTC", "profile", f"{said} these times are UTC")
        return placed
    placed, counts = local_to_utc(text, zone, ctx, file)
    ctx.record_tz(file, name, zone, "profile", f"{said} these are local times in {zone}" + dst_note(counts))
    return placed


def _formatted(values: pd.Series, formats: list[str]) -> pd.Series:
    """Values that fit one of the entry's formats rewritten as ISO text; the others left as they are."""
    if not formats:
        return values
    text = values.astype("str").str.strip()
    out = text.copy()
    todo = text.notna()
    for fmt in formats:
        if not todo.any():
            break
        aware = "%z" in fmt
        parsed = pd.to_datetime(text[todo], format=fmt, errors="coerce", utc=aware)
        rendered = parsed.dt.strftime("%Y-%m-%d %H:%M:%S.%f" + ("+00:00" if aware else ""))
        hit = parsed.notna()
        out.loc[hit.index[hit]] = rendered[hit]
        todo.loc[hit.index[hit]] = False
    return out.rename(str(values.name))


def _constant(value: object, table: str, target: str, index: pd.Index) -> pd.Series:
    dtype = {"float": "float64", "int": "Int64", "bool": "boolean"}.get(column_type(table, target), object)
    return pd.Series([value] * len(index), index=index, dtype=dtype)
