"""Plausibility of the jobs' distances, durations and dates: values outside physical sense are flagged with
their rows and replaced by an estimate said to be one, or made unknown; never silently used.

- A distance over its travel time implies a speed. Under `plausibility.min_pickup_speed_kmh` (pickups)
  or `plausibility.min_job_speed_kmh` (trips), over at least `plausibility.min_duration_s`, or over
  `plausibility.max_speed_kmh`, the distance is wrong (a real Paris export gives a median pickup of
  0.013 mi next to a 5.3-minute pickup time: a unit slip). The travel time of a pickup is acceptance ->
  arrival at the pickup when both are known, else the file's pickup duration, else acceptance -> pickup;
  of a trip, pickup -> drop-off, else the file's trip duration.
- A flagged distance is replaced by the great-circle distance between the job's own positions (accept ->
  pickup, pickup -> drop-off) x `plausibility.detour_factor`, else by its travel time x
  `plausibility.estimate_speed_kmh`; both are estimates, and every replaced row is listed with its
  `source_file` and `source_row` (never its value) and how it was replaced.
- Rows dated before `plausibility.earliest_date` or after today are flagged (`implausible_dates`).

Example:
    >>> import pandas as pd
    >>> from toolkit.config import load_config
    >>> j = pd.DataFrame({"job_id": ["a"], "to_pickup_distance_m": [21.0], "to_pickup_duration_s": [318.0]})
    >>> km, flagged = pickup_distance_km(j, load_config())
    >>> round(float(km.iloc[0]), 2), flagged["how"].tolist()  # 318 s x 15 km/h
    (1.32, ['travel time x 15 km/h (estimate)'])
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from toolkit.config import Config
from toolkit.geo import distance_m
from toolkit.i18n import Note
from toolkit.periods import row_time

FLAG_COLUMNS = ["source_file", "source_row", "job_id", "column", "reason", "implied_kmh", "how", "used_km"]
"""Columns of a table of flagged values: where the row is, what was wrong, and what replaced it."""

LEGS = {
    "to_pickup_distance_m": ("to_pickup_duration_s", ("accept_lat", "accept_lon", "pickup_lat", "pickup_lon"),
                             (("accepted_at", "arrived_pickup_at"), None, ("accepted_at", "picked_up_at")),
                             "min_pickup_speed_kmh"),
    "job_distance_m": ("job_duration_s", ("pickup_lat", "pickup_lon", "dropoff_lat", "dropoff_lon"),
                       (("picked_up_at", "dropped_off_at"), None), "min_job_speed_kmh"),
}
"""Per distance column: its duration column, the positions it runs between, where its travel time is
read, best first (a pair of times, or None for the duration column), and the key of its minimum speed."""


@dataclass(frozen=True)
class TripKm:
    """The jobs' distances as the pay analyses use them: per job (index of the jobs frame), in km, with
    implausible values replaced; `flagged` lists every replaced value (indexed like the jobs), `notes`
    say how many and how."""

    when: pd.Series
    job_km: pd.Series
    pickup_km: pd.Series
    flagged: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def trip_km(jobs: pd.DataFrame | None, cfg: Config) -> TripKm:
    """Both distances of every job, checked (`pickup_distance_km`, `job_distance_km`), with notes.

    Example:
        >>> from toolkit.config import load_config
        >>> j = pd.DataFrame({"job_id": ["a"], "job_distance_m": [5000.0], "job_duration_s": [900.0]})
        >>> t = trip_km(j, load_config())
        >>> float(t.job_km.iloc[0]), t.flagged.empty, t.notes
        (5.0, True, [])
    """
    frame = jobs if jobs is not None else pd.DataFrame()
    pickup, flagged_pickup = pickup_distance_km(frame, cfg)
    job, flagged_job = job_distance_km(frame, cfg)
    flagged = pd.concat([flagged_pickup, flagged_job]) if len(frame) else _no_flags()
    notes: list[str] = [_note(f, column, cfg) for column, f in (("to_pickup_distance_m", flagged_pickup),
                                                            ("job_distance_m", flagged_job)) if not f.empty]
    when = row_time(frame, "jobs") if len(frame) else pd.Series([], dtype="datetime64[us, UTC]")
    return TripKm(when, job, pickup, flagged, notes)


def pickup_distance_km(jobs: pd.DataFrame, cfg: Config) -> tuple[pd.Series, pd.DataFrame]:
    """The distance to the pickup of each job in km, implausible ones replaced; and the flagged rows
    (`FLAG_COLUMNS`, indexed like `jobs`). NaN where the export gives none.

    Example:
        >>> from toolkit.config import load_config
        >>> j = pd.DataFrame({"to_pickup_distance_m": [2000.0], "to_pickup_duration_s": [400.0]})
        >>> km, flagged = pickup_distance_km(j, load_config())
        >>> float(km.iloc[0]), len(flagged)
        (2.0, 0)
    """
    return _checked(jobs, "to_pickup_distance_m", cfg)


def job_distance_km(jobs: pd.DataFrame, cfg: Config) -> tuple[pd.Series, pd.DataFrame]:
    """The trip distance (pickup -> drop-off) of each job in km, implausible ones replaced; and the
    flagged rows (`FLAG_COLUMNS`).

    Example:
        >>> from toolkit.config import load_config
        >>> j = pd.DataFrame({"job_distance_m": [5e6], "job_duration_s": [600.0],  # 5,000 km in 10 min
        ...     "pickup_lat": [48.85], "pickup_lon": [2.35], "dropoff_lat": [48.86], "dropoff_lon": [2.35]})
        >>> km, flagged = job_distance_km(j, load_config())
        >>> round(float(km.iloc[0]), 2), flagged["reason"].tolist()
        (1.56, ['faster than 150 km/h'])
    """
    return _checked(jobs, "job_distance_m", cfg)


def implausible_pickup_distances(jobs: pd.DataFrame, cfg: Config) -> pd.DataFrame:
    """The jobs whose distance to the pickup implies a speed below the minimum or above the maximum,
    with what replaces it (`FLAG_COLUMNS`).

    Example:
        >>> from toolkit.config import load_config
        >>> j = pd.DataFrame({"source_file": ["trips.csv"], "source_row": [2],
        ...     "to_pickup_distance_m": [21.0], "to_pickup_duration_s": [318.0]})
        >>> implausible_pickup_distances(j, load_config())[["source_row", "reason"]].to_dict("records")
        [{'source_row': 2, 'reason': 'slower than 2 km/h'}]
    """
    return pickup_distance_km(jobs, cfg)[1]


def implausible_job_distances(jobs: pd.DataFrame, cfg: Config) -> pd.DataFrame:
    """The jobs whose trip distance and duration imply an impossible speed (`FLAG_COLUMNS`).

    Example:
        >>> from toolkit.config import load_config
        >>> implausible_job_distances(pd.DataFrame({"job_distance_m": [4000.0], "job_duration_s": [600.0]}),
        ...                           load_config()).empty
        True
    """
    return job_distance_km(jobs, cfg)[1]


def implausible_dates(frame: pd.DataFrame, table: str, cfg: Config,
                      today: pd.Timestamp | None = None) -> pd.DataFrame:
    """The rows of a store table dated before `plausibility.earliest_date` or after `today` (default:
    now): their `source_file`, `source_row` and the reason.

    Example:
        >>> from toolkit.config import load_config
        >>> e = pd.DataFrame({"source_row": [2, 3], "earned_at": pd.to_datetime(["1970-01-01", "2024-05-01"],
        ...     utc=True)})
        >>> implausible_dates(e, "earnings", load_config())[["source_row", "reason"]].to_dict("records")
        [{'source_row': 2, 'reason': 'dated before 2009-03-01'}]
    """
    when: pd.Series = (row_time(frame, table) if len(frame)
                       else pd.Series([], dtype="datetime64[us, UTC]"))
    earliest = pd.Timestamp(cfg.get("plausibility.earliest_date"), tz="UTC")
    now = today if today is not None else pd.Timestamp.now(tz="UTC")
    early, late = when < earliest, when > now
    reason = np.where(early, f"dated before {earliest.date()}", "dated after today")
    out = frame.reindex(columns=["source_file", "source_row"]).assign(reason=reason)
    return out[(early | late).to_numpy()].reset_index(drop=True)


def km_in_span(trips: TripKm, span: tuple[pd.Timestamp, pd.Timestamp], scope: str,
               notes: list[str]) -> tuple[float | None, int]:
    """Km of the jobs dated in [span start, end) (the trip, plus the pickup when `scope` is
    "job_and_to_pickup"), implausible distances replaced; and how many of their distances were replaced.
    None without jobs, or when no job of the span has a distance (said in `notes`).

    Example:
        >>> from toolkit.config import load_config
        >>> j = pd.DataFrame({"dropped_off_at": pd.to_datetime(["2026-01-05 10:00"], utc=True),
        ...     "job_distance_m": [5000.0], "to_pickup_distance_m": [21.0], "to_pickup_duration_s": [318.0]})
        >>> day = (pd.Timestamp("2026-01-05", tz="UTC"), pd.Timestamp("2026-01-06", tz="UTC"))
        >>> km, replaced = km_in_span(trip_km(j, load_config()), day, "job_and_to_pickup", [])
        >>> round(km, 3), replaced  # 5 km + 318 s x 15 km/h
        (6.325, 1)
    """
    if trips.when.empty:
        return None, 0
    inside = (trips.when >= span[0]) & (trips.when < span[1])
    if not inside.any():
        return 0.0, 0
    job = trips.job_km[inside]
    missing = int(job.isna().sum())
    if missing == len(job):
        notes.append(Note("notes.plausibility.no_distance"))
        return None, 0
    if missing:
        notes.append(Note("notes.plausibility.distance_missing", n=missing, total=len(job)))
    km = float(job.sum()) + (float(trips.pickup_km[inside].sum()) if scope == "job_and_to_pickup" else 0.0)
    flagged = trips.flagged[trips.flagged.index.isin(inside[inside].index)]
    if scope == "job":
        flagged = flagged[flagged["column"] == "job_distance_m"]
    return km, len(flagged)


def date_notes(earnings: pd.DataFrame | None, jobs: pd.DataFrame | None, cfg: Config) -> list[str]:
    """Notes counting the earnings lines and jobs with impossible dates (`implausible_dates`).

    Example:
        >>> from toolkit.config import load_config
        >>> e = pd.DataFrame({"earned_at": pd.to_datetime(["1970-01-01"], utc=True)})
        >>> date_notes(e, None, load_config())[0][:45]
        '1 earnings line(s) dated before 2009-03-01 or'
    """
    notes: list[str] = []
    for frame, table in ((earnings, "earnings"), (jobs, "jobs")):
        if frame is not None and len(frame):
            odd = implausible_dates(frame, table, cfg)
            if len(odd):
                notes.append(Note(f"notes.plausibility.dates_{table}", n=len(odd),
                                  earliest=str(cfg.get("plausibility.earliest_date"))))
    return notes


# ---------------------------------------------------------------------------------------------- private


def _checked(jobs: pd.DataFrame, column: str, cfg: Config) -> tuple[pd.Series, pd.DataFrame]:
    if jobs.empty or column not in jobs.columns:
        return pd.Series(np.nan, index=jobs.index, dtype=float), _no_flags()
    duration_col, positions, bounds, min_key = LEGS[column]
    km = jobs[column].astype(float) / 1000
    hours = _travel_s(jobs, duration_col, bounds) / 3600
    speed = km / hours.where(hours > 0)
    long_enough = hours * 3600 >= float(cfg.get("plausibility.min_duration_s"))
    low, high = float(cfg.get(f"plausibility.{min_key}")), float(cfg.get("plausibility.max_speed_kmh"))
    slow = km.notna() & long_enough & (speed < low)
    fast = km.notna() & (speed > high)
    bad = slow | fast
    if not bad.any():
        return km, _no_flags()
    detour = float(cfg.get("plausibility.detour_factor"))
    pace = float(cfg.get("plausibility.estimate_speed_kmh"))
    lat1, lon1, lat2, lon2 = (jobs[c] if c in jobs.columns else pd.Series(np.nan, index=jobs.index)
                              for c in positions)
    from_positions = pd.Series(distance_m(lat1, lon1, lat2, lon2) / 1000 * detour, index=jobs.index)
    from_time = hours * pace
    from_time = from_time.where(from_time <= high * hours)  # never faster than the maximum
    used = from_positions.where(from_positions.notna(), from_time)
    how = np.where(from_positions.notna(), f"great-circle distance between the job's positions x {detour:g} "
                   "(estimate)", np.where(from_time.notna(), f"travel time x {pace:g} km/h (estimate)",
                                          "unknown"))
    fixed = km.where(~bad, used)
    flagged = jobs.reindex(columns=["source_file", "source_row", "job_id"]).assign(
        column=column, reason=np.where(slow, f"slower than {low:g} km/h", f"faster than {high:g} km/h"),
        implied_kmh=speed, how=how, used_km=used)
    return fixed, flagged[bad.to_numpy()]


def _travel_s(jobs: pd.DataFrame, duration_col: str,
              sources: tuple[tuple[str, str] | None, ...]) -> pd.Series:
    """The travel time of a leg in seconds, from the first source that gives one: acceptance -> arrival
    at the pickup (the file's pickup duration may include the wait there), the file's duration column,
    then acceptance -> pickup. A zero (already at the pickup) is kept: no speed, nothing to judge."""
    out = pd.Series(np.nan, index=jobs.index, dtype=float)
    for source in sources:
        if source is None:
            seconds = (jobs[duration_col].astype(float) if duration_col in jobs.columns
                       else pd.Series(np.nan, index=jobs.index))
        elif source[0] in jobs.columns and source[1] in jobs.columns:
            seconds = (jobs[source[1]] - jobs[source[0]]).dt.total_seconds()
        else:
            continue
        out = out.fillna(seconds.where(seconds >= 0))
    return out


def _note(flagged: pd.DataFrame, column: str, cfg: Config) -> Note:
    """How many distances of `column` were replaced, and by what (most used way first)."""
    counts = flagged["how"].map(_way).value_counts()
    ways = [_way_note(str(way), int(n), cfg) for way, n in counts.items() if way != "unknown"]
    unknown = int(counts.get("unknown", 0))
    details: str = ""
    if ways:
        by = ways[0] if len(ways) == 1 else Note("notes.plausibility.two_ways", first=ways[0], second=ways[1])
        details = (Note("notes.plausibility.details_by_unknown", ways=by, unknown=unknown) if unknown
                   else Note("notes.plausibility.details_by", ways=by))
    elif unknown:
        details = Note("notes.plausibility.details_unknown", unknown=unknown)
    what = "pickup" if column == "to_pickup_distance_m" else "trip"
    return Note(f"notes.plausibility.replaced_{what}", n=len(flagged), column=column, details=details)


def _way(how: str) -> str:
    """The way a flagged distance was replaced, from its `how`: positions, time or unknown."""
    return "positions" if how.startswith("great-circle") else "time" if how.startswith("travel time") else how


def _way_note(way: str, n: int, cfg: Config) -> Note:
    if way == "positions":
        return Note("notes.plausibility.by_positions", n=n,
                    detour=_plain(float(cfg.get("plausibility.detour_factor"))))
    return Note("notes.plausibility.by_time", n=n,
                pace=_plain(float(cfg.get("plausibility.estimate_speed_kmh"))))


def _plain(value: float) -> float | int:
    """A number as `{value:g}` shows it: a whole number without decimals (for a note's values)."""
    return int(value) if value.is_integer() else value


def _no_flags() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=float if c in ("implied_kmh", "used_km") else object)
                         for c in FLAG_COLUMNS})
