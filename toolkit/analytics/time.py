"""Time accounting (methods.md §1): where a worker's hours went, P0 to P3, from the best source there is.

- P0 app off; P1 online waiting for an offer (unpaid); P2 accepted, going to and waiting at the pickup;
  P3 carrying the passenger or order. Logged-in = P1+P2+P3, engaged = P2+P3, unpaid share = P1 / logged-in.
- Sources, best first, chosen per platform (methods.md §1.3): `status_log` (state segments saying
  waiting / to_pickup / at_pickup / on_job); `sessions` (segments saying only `online`: P2 and P3 come from
  the jobs, P1 is the rest of the session; with no job times at all, as on Deliveroo invoices, the
  sessions give logged-in hours only, and P1, P2, P3 and the unpaid share are unknown); `inferred` (jobs
  only: sessions are jobs chained with gaps up to
  `time.pseudo_session_gap_min`, an estimate reported with its sensitivity band at 15/30/60 min).
- Platforms are merged by state priority (`intervals.state_timeline`), so two apps at once count once.
  Online gaps up to `time.reconnect_gap_s` count as waiting. Unknown is None, never 0.

Example:
    >>> import pandas as pd
    >>> seg = pd.DataFrame({"platform": ["uber"] * 2, "state": ["waiting", "on_job"],
    ...     "start_at": pd.to_datetime(["2026-01-05 10:00", "2026-01-05 10:24"], utc=True),
    ...     "end_at": pd.to_datetime(["2026-01-05 10:24", "2026-01-05 11:00"], utc=True)})
    >>> t = time_accounting(seg, None, zone="Europe/Paris")
    >>> t.source, t.logged_in_h, t.unpaid_share
    ('status_log', 1.0, 0.4)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from toolkit.analytics import intervals as iv
from toolkit.config import Config, load_config
from toolkit.i18n import Note

PERIOD_OF_STATE = {"waiting": "P1", "online": "P1", "to_pickup": "P2", "at_pickup": "P2", "on_job": "P3",
                   "unsplit": "unsplit"}
"""Which period each logged-in state belongs to; `break` and `offline` are not logged in."""
LOG_STATES = ("waiting", "to_pickup", "at_pickup", "on_job")
SOURCE_RANK = {"status_log": 0, "sessions": 1, "inferred": 2}
PERIODS = ("P0", "P1", "P2", "P3")
Span = tuple[pd.Timestamp, pd.Timestamp]


@dataclass(frozen=True)
class TimeAccounting:
    """Result of `time_accounting`: totals in hours (None when unknown), splits, waits and notes."""

    source: str | None
    sources: dict[str, str]
    period: Span | None
    zone: str
    hours: dict[str, float | None]
    timeline: pd.DataFrame
    by_day: pd.DataFrame
    by_week: pd.DataFrame
    by_month: pd.DataFrame
    by_hour_of_week: pd.DataFrame
    pickup_wait: dict[str, object]
    between_jobs_wait: dict[str, float | int | None]
    longest_waits: pd.DataFrame
    sensitivity: dict[int, dict[str, float | None]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def logged_in_h(self) -> float | None:
        """P1+P2+P3 hours."""
        return self.hours["logged_in"]

    @property
    def engaged_h(self) -> float | None:
        """P2+P3 hours."""
        return self.hours["engaged"]

    @property
    def unpaid_share(self) -> float | None:
        """P1 / (P1+P2+P3), None when nothing was logged in."""
        return _share(self.hours["P1"], self.hours["logged_in"])


def time_accounting(
    segments: pd.DataFrame | None,
    jobs: pd.DataFrame | None,
    period: Span | None = None,
    zone: str = "UTC",
    source: str = "auto",
    config: Config | None = None,
) -> TimeAccounting:
    """P0–P3 hours in total and per local day, week, month and hour×weekday, from the best source.

    `segments` and `jobs` are `status_segments` and `jobs` frames (any workers' rows are treated as one
    worker: filter first). `period` is [start, end) in UTC (default: the span of the data); `source`
    forces "status_log", "sessions" or "inferred" for every platform (default "auto": the best each
    platform has). Inputs are not modified.

    Example:
        >>> jobs = pd.DataFrame({"platform": ["wolt"], "job_id": ["1"], "status": ["completed"],
        ...     "requested_at": pd.to_datetime(["2026-01-05 12:00"], utc=True),
        ...     "accepted_at": pd.to_datetime(["2026-01-05 12:00"], utc=True),
        ...     "arrived_pickup_at": pd.to_datetime(["2026-01-05 12:10"], utc=True),
        ...     "picked_up_at": pd.to_datetime(["2026-01-05 12:15"], utc=True),
        ...     "dropped_off_at": pd.to_datetime(["2026-01-05 12:45"], utc=True)})
        >>> t = time_accounting(None, jobs)
        >>> t.source, t.hours["P2"], t.pickup_wait["median_s"], t.hours["P1"]
        ('inferred', 0.25, 300.0, 0.0)
    """
    if source not in ("auto", *SOURCE_RANK):
        raise ValueError(f"time_accounting: source must be auto, status_log, sessions or inferred, "
                         f"not {source!r}")
    cfg = config or load_config()
    notes: list[str] = []
    seg = _usable_segments(segments, notes, cfg)
    job_notes: list[str] = []
    job_states = job_intervals(jobs, job_notes)
    tau = float(cfg.get("time.pseudo_session_gap_min"))
    states, sources = _platform_states(seg, job_states, source, tau)
    if any(s != "status_log" for s in sources.values()):
        notes += job_notes  # the jobs' times are used only when no status log covers the platform
    empty = _empty_result(zone, period, notes)
    if not sources:
        notes.append(Note("notes.time.no_time"))
        return empty
    span = period or _span(states)
    timeline = _timeline(states, span, float(cfg.get("time.reconnect_gap_s")))
    worst = max(sources.values(), key=SOURCE_RANK.__getitem__)
    if worst == "inferred":
        notes.append(Note("notes.time.estimate_rule", tau=_plain(tau), tau2=_plain(tau)))
    unsplit = [p for p, how in sources.items()
               if how == "sessions" and job_states[job_states["platform"] == p].empty]
    if unsplit:
        notes.append(Note("notes.time.sessions_unsplit", platforms=", ".join(unsplit)))
    hours = _totals(timeline, span)
    spells = _waiting_spells(timeline)
    splits = {f: _split(timeline, span, f, zone) for f in ("day", "week", "month")}
    return TimeAccounting(
        source=worst, sources=sources, period=span, zone=zone, hours=hours, timeline=timeline,
        by_day=splits["day"], by_week=splits["week"], by_month=splits["month"],
        by_hour_of_week=_hour_of_week(timeline, span, zone),
        pickup_wait=pickup_waits(jobs, timeline, span, zone),
        between_jobs_wait=_spell_stats(spells[spells["between_jobs"]]),
        longest_waits=spells.nlargest(int(cfg.get("time.longest_waits")), "duration_s")
        .reset_index(drop=True),
        sensitivity=_sensitivity(seg, job_states, source, span, cfg) if worst == "inferred" else {},
        notes=notes,
    )


def job_intervals(jobs: pd.DataFrame | None, notes: list[str] | None = None) -> pd.DataFrame:
    """The P2 and P3 intervals of each job: to_pickup (accept -> arrival or pickup), at_pickup
    (arrival -> pickup), on_job (pickup -> drop-off). A missing acceptance falls back to the request
    time, a missing pickup to drop-off minus `job_duration_s`, else on_job starts at the arrival or the
    acceptance; each fallback is counted in `notes`.

    Example:
        >>> j = pd.DataFrame({"platform": ["uber"],
        ...     "accepted_at": pd.to_datetime(["2026-01-05 09:00"], utc=True),
        ...     "picked_up_at": pd.to_datetime(["2026-01-05 09:06"], utc=True),
        ...     "dropped_off_at": pd.to_datetime(["2026-01-05 09:30"], utc=True)})
        >>> job_intervals(j)["state"].tolist()
        ['to_pickup', 'on_job']
    """
    notes = notes if notes is not None else []
    if jobs is None or jobs.empty:
        return _no_states()
    nat = pd.Series(pd.NaT, index=jobs.index, dtype="datetime64[us, UTC]")

    def col(name: str) -> pd.Series:
        return jobs[name] if name in jobs.columns else nat

    accepted = col("accepted_at").fillna(col("requested_at"))
    dropped = col("dropped_off_at")
    duration = (jobs["job_duration_s"] if "job_duration_s" in jobs.columns
                else pd.Series(np.nan, index=jobs.index))
    picked = col("picked_up_at").fillna(dropped - pd.to_timedelta(duration, unit="s"))
    from_duration = int((col("picked_up_at").isna() & picked.notna()).sum())
    arrived = col("arrived_pickup_at")
    from_request = int((col("accepted_at").isna() & col("requested_at").notna()
                        & arrived.fillna(picked).fillna(dropped).notna()).sum())
    platform = jobs["platform"] if "platform" in jobs.columns else pd.Series("", index=jobs.index)
    # Without a pickup time the split between P2 and P3 is unknown: the rest of the job counts as on_job.
    on_job_from = picked.fillna(arrived).fillna(accepted)
    unsplit = int((picked.isna() & dropped.notna() & on_job_from.notna()).sum())
    parts = [
        ("to_pickup", accepted, arrived.fillna(picked)),
        ("at_pickup", arrived, picked),
        ("on_job", on_job_from, dropped),
    ]
    frames = [pd.DataFrame({"platform": platform, "state": state, "start_at": s, "end_at": e})
              for state, s, e in parts]
    out = pd.concat(frames, ignore_index=True)
    out = out[out["start_at"].notna() & out["end_at"].notna() & (out["end_at"] > out["start_at"])]
    if unsplit:
        notes.append(Note("notes.time.pickup_missing", n=unsplit))
    if from_request:
        notes.append(Note("notes.time.accept_missing", n=from_request))
    if from_duration:
        notes.append(Note("notes.time.pickup_from_duration", n=from_duration))
    return out.reset_index(drop=True)


def pickup_waits(
    jobs: pd.DataFrame | None, timeline: pd.DataFrame, period: Span, zone: str
) -> dict[str, object]:
    """Waiting at the pickup (arrival -> pickup): count, median and p90 in seconds, the median per local
    month and every wait (`seconds`). From the jobs' timestamps, else from `at_pickup` segments.

    Example:
        >>> span = (pd.Timestamp("2026-01-01", tz="UTC"), pd.Timestamp("2026-02-01", tz="UTC"))
        >>> j = pd.DataFrame({"arrived_pickup_at": pd.to_datetime(["2026-01-05 09:00"], utc=True),
        ...                   "picked_up_at": pd.to_datetime(["2026-01-05 09:04"], utc=True)})
        >>> pickup_waits(j, pd.DataFrame(columns=["state", "start_at", "end_at"]), span, "UTC")["median_s"]
        240.0
    """
    waits = pd.DataFrame({"at": pd.Series([], dtype="datetime64[us, UTC]"), "s": pd.Series([], dtype=float)})
    origin = None
    if jobs is not None and {"arrived_pickup_at", "picked_up_at"} <= set(jobs.columns):
        seconds = (jobs["picked_up_at"] - jobs["arrived_pickup_at"]).dt.total_seconds()
        inside = (jobs["picked_up_at"] >= period[0]) & (jobs["picked_up_at"] < period[1])
        ok = seconds.notna() & (seconds >= 0) & inside
        waits, origin = pd.DataFrame({"at": jobs.loc[ok, "picked_up_at"], "s": seconds[ok]}), "jobs"
    if waits.empty and not timeline.empty:
        at = timeline[timeline["state"] == "at_pickup"]
        waits = pd.DataFrame({"at": at["end_at"], "s": (at["end_at"] - at["start_at"]).dt.total_seconds()})
        origin = "status_log" if not waits.empty else None
    if waits.empty:
        return {"source": None, "count": 0, "median_s": None, "p90_s": None, "by_month": pd.DataFrame(),
                "seconds": waits["s"]}
    month = waits["at"].dt.tz_convert(zone).dt.tz_localize(None).dt.to_period("M").astype(str)
    grouped = waits.groupby(month.to_numpy())["s"]
    by_month = pd.DataFrame({"count": grouped.count(), "median_s": grouped.median(),
                             "p90_s": grouped.quantile(0.9)})
    return {"source": origin, "count": int(len(waits)), "median_s": float(waits["s"].median()),
            "p90_s": float(waits["s"].quantile(0.9)), "by_month": by_month,
            "seconds": waits["s"].reset_index(drop=True)}


def _usable_segments(segments: pd.DataFrame | None, notes: list[str], cfg: Config) -> pd.DataFrame:
    if segments is None or segments.empty:
        return _no_states()
    seg = segments.copy()
    if "platform" not in seg.columns:
        seg["platform"] = ""
    open_ended = int(seg["end_at"].isna().sum())
    if open_ended:
        notes.append(Note("notes.time.segment_open", n=open_ended))
    seg = seg[seg["start_at"].notna() & seg["end_at"].notna()]
    limit = pd.Timedelta(hours=float(cfg.get("time.long_segment_h")))
    # a night offline is normal; a logged-in state lasting longer than a working day is suspect
    too_long = ((seg["end_at"] - seg["start_at"]) > limit) & seg["state"].isin(PERIOD_OF_STATE)
    long = int(too_long.sum())
    if long:
        hours = limit.total_seconds() / 3600
        notes.append(Note("notes.time.segment_long", n=long, hours=_plain(hours)))
    return seg[["platform", "state", "start_at", "end_at"]].reset_index(drop=True)


def _platform_states(
    seg: pd.DataFrame, job_states: pd.DataFrame, forced: str, tau_min: float
) -> tuple[pd.DataFrame, dict[str, str]]:
    pieces, sources = [], {}
    for platform in sorted(set(seg["platform"]) | set(job_states["platform"])):
        s, j = seg[seg["platform"] == platform], job_states[job_states["platform"] == platform]
        has_log = bool(s["state"].isin(LOG_STATES).any())
        has_online = bool((s["state"] == "online").any())
        choice = forced if forced != "auto" else (
            "status_log" if has_log else "sessions" if has_online else "inferred" if not j.empty else None)
        if choice == "status_log" and has_log:
            pieces.append(s)
        elif choice == "sessions" and has_online and j.empty:
            # sessions and no job times: logged in, but waiting and working cannot be told apart
            unsplit = s[s["state"].isin(("online", "break", "offline"))].copy()
            unsplit.loc[unsplit["state"] == "online", "state"] = "unsplit"
            pieces.append(unsplit)
        elif choice == "sessions" and has_online:
            pieces += [s[s["state"].isin(("online", "break", "offline"))], j]
        elif choice == "inferred" and not j.empty:
            start, end = iv.union(iv.epoch_us(j["start_at"]), iv.epoch_us(j["end_at"]), gap=tau_min * 60e6)
            sessions = pd.DataFrame({"platform": platform, "state": "online",
                                     "start_at": iv.utc_timestamps(start), "end_at": iv.utc_timestamps(end)})
            pieces += [sessions, j]
        else:
            continue
        sources[platform] = choice
    pieces = [p for p in pieces if not p.empty]
    return (pd.concat(pieces, ignore_index=True) if pieces else _no_states()), sources


def _timeline(states: pd.DataFrame, span: Span, reconnect_s: float) -> pd.DataFrame:
    line = iv.clipped_frame(iv.state_timeline(states), *span)
    logged = line[line["state"].isin(PERIOD_OF_STATE)]
    s, e = iv.epoch_us(logged["start_at"]), iv.epoch_us(logged["end_at"])
    gs, ge = iv.union(s, e, gap=reconnect_s * iv.US_PER_S)
    busy = line[line["state"] == "break"]
    fs, fe = iv.difference(gs, ge, np.concatenate([s, iv.epoch_us(busy["start_at"])]),
                           np.concatenate([e, iv.epoch_us(busy["end_at"])]))
    # gaps the reconnection rule counts as waiting are marked, so the hours they add can be shown
    fill = pd.DataFrame({"state": "waiting", "platform": None, "start_at": iv.utc_timestamps(fs),
                         "end_at": iv.utc_timestamps(fe), "reconnect_gap": True})
    line = line.assign(reconnect_gap=False)
    kept = [x for x in (line[line["state"] != "offline"], fill) if not x.empty]
    line = pd.concat(kept, ignore_index=True) if kept else line.iloc[:0]
    line = line.sort_values("start_at", kind="stable").reset_index(drop=True)
    line.insert(0, "period", line["state"].map(PERIOD_OF_STATE).fillna("break"))
    return line


def _totals(timeline: pd.DataFrame, span: Span) -> dict[str, float | None]:
    hours: dict[str, float | None] = {p: _hours(timeline[timeline["period"] == p])
                                      for p in ("P1", "P2", "P3")}
    hours["break"] = _hours(timeline[timeline["period"] == "break"])
    hours["logged_in"] = _hours(timeline[timeline["period"] != "break"])
    hours["engaged"] = _hours(timeline[timeline["period"].isin(("P2", "P3"))])
    hours["P0"] = (span[1] - span[0]).total_seconds() / 3600 - _hours(timeline)
    hours["unsplit"] = _hours(timeline[timeline["period"] == "unsplit"])
    if "reconnect_gap" in timeline.columns:
        hours["reconnect_added"] = _hours(timeline[timeline["reconnect_gap"].fillna(False).astype(bool)])
    if hours["unsplit"]:  # part of the logged-in time has no known activity: its split is unknown
        hours.update({"P1": None, "P2": None, "P3": None, "engaged": None})
    return hours


def _split(timeline: pd.DataFrame, span: Span, freq: iv.Freq, zone: str) -> pd.DataFrame:
    cols = {p: iv.seconds_by_period(_period_frame(timeline, span, p), freq, zone) / 3600
            for p in (*PERIODS, "unsplit")}
    out = pd.DataFrame(cols).fillna(0.0).sort_index()
    out.index.name = "start"
    out["logged_in"] = out["P1"] + out["P2"] + out["P3"] + out["unsplit"]
    known = out["unsplit"] == 0  # a period with logged-in time of unknown activity has no known split
    out[["P1", "P2", "P3"]] = out[["P1", "P2", "P3"]].where(known)
    out["unpaid_share"] = (out["P1"] / out["logged_in"]).where((out["logged_in"] > 0) & known)
    return out.drop(columns="unsplit")


def _hour_of_week(timeline: pd.DataFrame, span: Span, zone: str) -> pd.DataFrame:
    grids = {p: iv.seconds_by_hour_of_week(_period_frame(timeline, span, p), zone).stack() / 3600
             for p in PERIODS}
    return pd.DataFrame(grids)


def _period_frame(timeline: pd.DataFrame, span: Span, p: str) -> pd.DataFrame:
    if p != "P0":
        return timeline[timeline["period"] == p]
    lo, hi = iv.epoch_us(pd.DatetimeIndex(list(span)))
    s, e = iv.difference(np.array([lo]), np.array([hi]), iv.epoch_us(timeline["start_at"]),
                         iv.epoch_us(timeline["end_at"]))
    return pd.DataFrame({"start_at": iv.utc_timestamps(s), "end_at": iv.utc_timestamps(e)})


def _waiting_spells(timeline: pd.DataFrame) -> pd.DataFrame:
    p1 = timeline[timeline["period"] == "P1"]
    s, e = iv.union(iv.epoch_us(p1["start_at"]), iv.epoch_us(p1["end_at"]))
    engaged = timeline[timeline["period"].isin(("P2", "P3"))]
    es, ee = iv.union(iv.epoch_us(engaged["start_at"]), iv.epoch_us(engaged["end_at"]))
    between = np.isin(s, ee) & np.isin(e, es)
    return pd.DataFrame({"start_at": iv.utc_timestamps(s), "end_at": iv.utc_timestamps(e),
                         "duration_s": (e - s) / iv.US_PER_S, "between_jobs": between})


def _spell_stats(spells: pd.DataFrame) -> dict[str, float | int | None]:
    d = spells["duration_s"]
    if d.empty:
        return {"count": 0, "median_s": None, "p90_s": None, "total_h": None}
    return {"count": int(len(d)), "median_s": float(d.median()), "p90_s": float(d.quantile(0.9)),
            "total_h": float(d.sum() / 3600)}


def _sensitivity(seg: pd.DataFrame, job_states: pd.DataFrame, forced: str,
                 span: Span, cfg: Config) -> dict[int, dict[str, float | None]]:
    band: dict[int, dict[str, float | None]] = {}
    for tau in cfg.get("time.pseudo_session_band_min"):
        states, _ = _platform_states(seg, job_states, forced, float(tau))
        hours = _totals(_timeline(states, span, float(cfg.get("time.reconnect_gap_s"))), span)
        band[int(tau)] = {"logged_in_h": hours["logged_in"], "waiting_h": hours["P1"],
                          "unpaid_share": _share(hours["P1"], hours["logged_in"])}
    return band


def _span(states: pd.DataFrame) -> Span:
    return pd.Timestamp(states["start_at"].min()), pd.Timestamp(states["end_at"].max())


def _hours(frame: pd.DataFrame) -> float:
    return iv.covered_seconds(frame) / 3600


def _plain(value: float) -> float | int:
    """A number as `{value:g}` shows it: a whole number without decimals (for a note's values)."""
    return int(value) if float(value).is_integer() else value


def _share(part: float | None, whole: float | None) -> float | None:
    return None if part is None or not whole else part / whole


def _no_states() -> pd.DataFrame:
    ts = pd.Series([], dtype="datetime64[us, UTC]")
    return pd.DataFrame({"platform": pd.Series([], dtype=object), "state": pd.Series([], dtype=object),
                         "start_at": ts, "end_at": ts.copy()})


def _empty_result(zone: str, period: Span | None, notes: list[str]) -> TimeAccounting:
    hours: dict[str, float | None] = dict.fromkeys(
        ("P0", "P1", "P2", "P3", "break", "logged_in", "engaged", "reconnect_added"))
    none: dict[str, float | int | None] = {"count": 0, "median_s": None, "p90_s": None, "total_h": None}
    return TimeAccounting(
        source=None, sources={}, period=period, zone=zone, hours=hours, timeline=_no_states(),
        by_day=pd.DataFrame(), by_week=pd.DataFrame(), by_month=pd.DataFrame(),
        by_hour_of_week=pd.DataFrame(),
        pickup_wait={"source": None, "count": 0, "median_s": None, "p90_s": None, "by_month": pd.DataFrame(),
                     "seconds": pd.Series([], dtype=float)},
        between_jobs_wait=none,
        longest_waits=pd.DataFrame(columns=["start_at", "end_at", "duration_s", "between_jobs"]),
        notes=notes,
    )
