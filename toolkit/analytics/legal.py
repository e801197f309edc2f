"""French legal indicators per worker (methods.md §1.2, §5.3) and measurable signs of subordination.

`lom_indicators` computes, per month, the seven indicators platforms must publish every 1 March
(code des transports L1326-3, R1326-4 ff., décret 2021-501), on the legal definitions, so a worker or a
union can set their own figures beside the platform's:
  1. mean duration of a prestation: pickup to drop-off only (P3; approach excluded);
  2. mean income per prestation: price paid by the platform - commission + bonuses; tips excluded;
  3. mean waiting time before an offer: logged-in time outside accepted jobs (time after a refusal
     included) / offers received;
  4.-7. weekly and monthly cumulated duration and income, by volume of prestations (band).
The décret leaves the volume bands to the platform; `bands` are ours and a parameter.

`subordination_signs` lists the facts French courts read as signs of subordination (Cass. soc. 4 Mar
2020, n°19-13.316, Uber; Cass. soc. 28 Nov 2018, n°17-20.079): refusals followed by a block or a
disconnection, cancellation-rate warnings, deactivations, and fare corrections; each with its evidence
rows (table, source_file, source_row), never a value of the row.

Example:
    >>> import pandas as pd
    >>> jobs = pd.DataFrame({"status": ["completed"], "job_duration_s": [None],
    ...     "picked_up_at": pd.to_datetime(["2026-01-05 10:00"], utc=True),
    ...     "dropped_off_at": pd.to_datetime(["2026-01-05 10:20"], utc=True)})
    >>> float(lom_indicators(jobs)["monthly"]["mean_duration_min"].iloc[0])
    20.0
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from toolkit.analytics.changepoints import period_start
from toolkit.analytics.dispatch import REFUSALS, is_block, offer_rates, online_hours, refusal_runs
from toolkit.analytics.intervals import Freq
from toolkit.analytics.sanctions import refusal_rows
from toolkit.i18n import Note

LOM_INCOME_CATEGORIES = ("fare", "incentive", "commission", "adjustment", "fee")
"""Earnings categories in the legal 'revenu d'activité': price paid (fare), bonuses (incentive), minus the
commission and platform fees, with adjustments; tips, taxes, tolls, holdbacks and 'other' are left out."""
WEEKLY_BANDS = (0, 10, 20, 40, np.inf)
"""Prestations per week: (0, 10], (10, 20], (20, 40], more. Ours: the décret leaves bands to platforms."""
MONTHLY_BANDS = (0, 40, 80, 160, np.inf)
CASE_LAW = "Cass. soc. 4 Mar 2020, n°19-13.316 (Uber); Cass. soc. 28 Nov 2018, n°17-20.079 (Take Eat Easy)"
_DEFINITIONS = {
    "duration": "prestation = completed job; duration = pickup to drop-off (P3), else job_duration_s",
    "income": f"earnings lines of categories {', '.join(LOM_INCOME_CATEGORIES)} by earned_at; tips excluded",
    "waiting": "waiting (P1) hours / offers received: logged-in time outside accepted jobs, time after "
               "refusals included",
}


def lom_indicators(
    jobs: pd.DataFrame,
    segments: pd.DataFrame | None = None,
    earnings: pd.DataFrame | None = None,
    offers: pd.DataFrame | None = None,
    offer_windows: pd.DataFrame | None = None,
    *,
    tz: str = "Europe/Paris",
    weekly_bands: tuple[float, ...] = WEEKLY_BANDS,
    monthly_bands: tuple[float, ...] = MONTHLY_BANDS,
) -> dict[str, Any]:
    """The seven LOM indicators per local month, the weekly table behind 4-5, and both by volume band.

    Months and weeks are local (`tz`, Paris by default: the law is French). Unknown is NaN: income
    without an earnings table, waiting without a state log or windows, waiting per offer without offers.

    Example:
        >>> jobs = pd.DataFrame({"status": ["completed"] * 2, "job_duration_s": [600.0, 1200.0],
        ...     "picked_up_at": pd.to_datetime(["2026-01-05 10:00", "2026-01-06 10:00"], utc=True)})
        >>> lom_indicators(jobs)["monthly"][["prestations", "duration_h"]].values.tolist()
        [[2.0, 0.5]]
    """
    prestations = _prestations(jobs)
    notes = list(prestations.attrs.get("notes", []))
    income, income_source = _income(earnings, notes)
    weekly = _periodic(prestations, income, "week", tz, weekly_bands)
    monthly = _periodic(prestations, income, "month", tz, monthly_bands)
    wait = _waiting_per_offer(segments, jobs, offers, offer_windows, tz, notes)
    monthly = monthly.join(wait, how="outer")
    active = weekly.loc[weekly["prestations"] > 0]
    thursday = pd.Series(pd.DatetimeIndex(active.index) + pd.Timedelta(days=3))  # an ISO week's month
    month_of_week = period_start(thursday, "month", tz)
    by_month = active.groupby(month_of_week.to_numpy())[["duration_h", "income"]].mean()
    monthly["mean_weekly_duration_h"] = by_month["duration_h"].reindex(monthly.index)
    monthly["mean_weekly_income"] = by_month["income"].reindex(monthly.index)
    return {
        "monthly": monthly.rename_axis("month"), "weekly": weekly.rename_axis("week"),
        "weekly_by_band": _by_band(weekly), "monthly_by_band": _by_band(monthly),
        "tz": tz, "definitions": _DEFINITIONS, "notes": notes,
        "source": {"duration": "jobs", "income": income_source,
                   "waiting": wait.attrs.get("source"), "offers": wait.attrs.get("offer_source")},
    }


def subordination_signs(
    *,
    offers: pd.DataFrame | None = None,
    sanctions: pd.DataFrame | None = None,
    segments: pd.DataFrame | None = None,
    earnings: pd.DataFrame | None = None,
    min_refusals: int = 3,
    within_min: float = 30.0,
) -> dict[str, Any]:
    """Signs of subordination with their evidence rows; a sign the data cannot show is None, not 0.

    - `refusals_then_block`: a run of >= `min_refusals` refusals (rejected or expired offers) followed
      within `within_min` by a block, or a block whose rule names rejections;
    - `refusals_then_offline`: such a run followed by going offline with no block (may be the worker's own
      choice: reported apart);
    - `cancellation_warnings`: sanctions whose rule names cancellations;
    - `deactivations`: sanctions of kind deactivation;
    - `fare_corrections`: negative adjustment lines (a fare lowered after the job; the export rarely says
      whether a route deviation was the reason).

    Example:
        >>> s = pd.DataFrame({"at": pd.to_datetime(["2026-01-05 12:00"], utc=True), "kind": ["warning"],
        ...     "rule": ["cancellationRate"], "duration_s": [None], "source_file": ["r.csv"],
        ...     "source_row": [2]})
        >>> subordination_signs(sanctions=s)["signs"].loc["cancellation_warnings", "count"]
        1
    """
    blocks = sanctions.loc[is_block(sanctions)] if sanctions is not None else None
    offline = segments.loc[segments["state"] == "offline"] if segments is not None else None
    runs = _long_runs(offers, blocks, offline, min_refusals)
    evidence: list[pd.DataFrame] = []
    counts = _refusal_signs(runs, blocks, offline, pd.Timedelta(minutes=within_min), evidence)
    notes: list[str] = [] if runs is not None else [Note("notes.legal.no_runs")]
    if sanctions is not None:
        rule = sanctions["rule"].astype(object).fillna("").astype(str)
        cancels = sanctions.loc[rule.str.contains("cancel|annul", case=False)]
        for sign, rows in (("cancellation_warnings", cancels),
                           ("deactivations", sanctions.loc[sanctions["kind"] == "deactivation"])):
            counts[sign] = len(rows)
            evidence.append(_evidence(sign, "sanctions", rows, "at"))
    else:
        counts.update(cancellation_warnings=None, deactivations=None)
        notes.append(Note("notes.legal.no_sanctions"))
    counts["fare_corrections"] = None
    if earnings is not None:
        fixes = earnings.loc[(earnings["category"] == "adjustment") & (earnings["amount"] < 0)]
        counts["fare_corrections"] = len(fixes)
        evidence.append(_evidence("fare_corrections", "earnings", fixes, "earned_at"))
    table = pd.DataFrame({"count": pd.Series(counts, dtype=object)}).rename_axis("sign")
    table["court_index"] = [_INDEX[sign] for sign in table.index]
    frames = [e for e in evidence if len(e)]
    rows = (pd.concat(frames, ignore_index=True) if frames
            else pd.DataFrame(columns=["sign", "table", "at", "source_file", "source_row"]))
    rows = rows.sort_values(["sign", "at"], kind="stable").reset_index(drop=True)
    used = {"offers": offers, "sanctions": sanctions, "status_segments": segments, "earnings": earnings}
    return {"signs": table, "evidence": rows, "case_law": CASE_LAW, "notes": notes,
            "source": " + ".join(name for name, frame in used.items() if frame is not None) or None,
            "definition": f"refusal = {' or '.join(REFUSALS)} offer; a run of at least {min_refusals} "
                          "ends at an acceptance, a block or going offline; next event within "
                          f"{within_min:g} min"}


_INDEX = {
    "refusals_then_block": "temporary disconnection after refusals (Cass. soc. 4 Mar 2020)",
    "refusals_then_offline": "disconnection after refusals, no block recorded (may be the worker's choice)",
    "cancellation_warnings": "loss of account above a cancellation-rate threshold (Cass. soc. 4 Mar 2020)",
    "deactivations": "account loss / sanctions power (Cass. soc. 28 Nov 2018; 4 Mar 2020)",
    "fare_corrections": "imposed itinerary with fare corrections (Cass. soc. 4 Mar 2020)",
}


def _prestations(jobs: pd.DataFrame) -> pd.DataFrame:
    """Completed jobs: `at` (pickup, else drop-off) and `duration_s` (pickup -> drop-off, else the export's
    job duration); notes in `.attrs`."""
    done = jobs.loc[jobs["status"] == "completed"]
    nat = pd.Series(pd.NaT, index=done.index, dtype="datetime64[us, UTC]")
    pickup = pd.to_datetime(done["picked_up_at"], utc=True) if "picked_up_at" in done else nat
    drop = pd.to_datetime(done["dropped_off_at"], utc=True) if "dropped_off_at" in done else nat
    observed = (drop - pickup).dt.total_seconds()
    stated = (pd.to_numeric(done["job_duration_s"], errors="coerce") if "job_duration_s" in done
              else pd.Series(np.nan, index=done.index))
    seconds = observed.where(observed >= 0)
    used_stated = int((seconds.isna() & stated.notna()).sum())
    at = pickup.fillna(drop)
    out = pd.DataFrame({"at": at, "duration_s": seconds.fillna(stated)}).loc[at.notna()]
    notes: list[str] = ([Note("notes.legal.job_undated", n=len(done) - len(out))]
                        if len(out) < len(done) else [])
    if used_stated:
        notes.append(Note("notes.legal.stated_duration", n=used_stated))
    if out["duration_s"].isna().any():
        notes.append(Note("notes.legal.unknown_duration", n=int(out["duration_s"].isna().sum())))
    out.attrs["notes"] = notes
    return out


def _income(earnings: pd.DataFrame | None, notes: list[str]) -> tuple[pd.DataFrame | None, str | None]:
    if earnings is None:
        notes.append(Note("notes.legal.no_earnings"))
        return None, None
    lines = earnings.loc[earnings["category"].isin(LOM_INCOME_CATEGORIES) & earnings["earned_at"].notna()]
    undated = int((earnings["category"].isin(LOM_INCOME_CATEGORIES) & earnings["earned_at"].isna()).sum())
    if undated:
        notes.append(Note("notes.legal.income_undated", n=undated))
    if earnings["currency"].nunique() > 1:
        notes.append(Note("notes.legal.several_currencies"))
    return pd.DataFrame({"at": lines["earned_at"], "amount": lines["amount"]}), "earnings (legal categories)"


def _periodic(prest: pd.DataFrame, income: pd.DataFrame | None, freq: Freq, tz: str,
              bands: tuple[float, ...]) -> pd.DataFrame:
    key = period_start(prest["at"], freq, tz)
    grouped = prest.groupby(key.rename("period"))["duration_s"]
    out = pd.DataFrame({"prestations": grouped.size().astype(float), "duration_h": grouped.sum() / 3600.0,
                        "mean_duration_min": grouped.mean() / 60.0})
    if income is not None:
        amount = income.groupby(period_start(income["at"], freq, tz).rename("period"))["amount"].sum()
        out = out.join(amount.rename("income"), how="outer")
        out["income"] = out["income"].fillna(0.0)
    else:
        out["income"] = np.nan
    out["prestations"] = out["prestations"].fillna(0.0)
    out["mean_income_per_prestation"] = out["income"] / out["prestations"].where(out["prestations"] > 0)
    out["band"] = pd.cut(out["prestations"], list(bands), right=True).astype(str)
    out.loc[out["prestations"] == 0, "band"] = "none"
    return out


def _waiting_per_offer(segments: pd.DataFrame | None, jobs: pd.DataFrame, offers: pd.DataFrame | None,
                       windows: pd.DataFrame | None, tz: str, notes: list[str]) -> pd.DataFrame:
    hours = online_hours(segments, windows, jobs, freq="month", tz=tz)
    counts = offer_rates(offers, windows, freq="month", tz=tz)
    wait = hours["table"]["waiting_h"] if hours["table"] is not None else pd.Series(dtype=float)
    offered = (counts["by_period"]["offered"] if counts["by_period"] is not None
               else pd.Series(dtype=float, name="offered"))
    out = pd.DataFrame({"waiting_h": wait, "offers": offered})
    out["mean_wait_before_offer_min"] = out["waiting_h"] * 60.0 / out["offers"].where(out["offers"] > 0)
    notes += [n for n in hours["notes"] + counts["notes"] if n not in notes]
    out.attrs.update(source=hours["source"], offer_source=counts["source"])
    return out


def _by_band(table: pd.DataFrame) -> pd.DataFrame:
    active = table.loc[table["prestations"] > 0]
    return active.groupby("band").agg(periods=("prestations", "size"),
                                      mean_prestations=("prestations", "mean"),
                                      mean_duration_h=("duration_h", "mean"), mean_income=("income", "mean"))


def _long_runs(offers: pd.DataFrame | None, blocks: pd.DataFrame | None, offline: pd.DataFrame | None,
               min_refusals: int) -> pd.DataFrame | None:
    """Refusal runs of at least `min_refusals`, cut at blocks and disconnections (None without offers)."""
    if offers is None or offers.empty:
        return None
    cuts = [x for x in (blocks["at"] if blocks is not None else None,
                        offline["start_at"] if offline is not None else None) if x is not None]
    runs = refusal_runs(offers, pd.concat(cuts) if cuts else None)
    return runs.loc[runs["rows"].map(len) >= min_refusals]


def _refusal_signs(runs: pd.DataFrame | None, blocks: pd.DataFrame | None, offline: pd.DataFrame | None,
                   window: pd.Timedelta, evidence: list[pd.DataFrame]) -> dict[str, int | None]:
    """Count runs followed by a block (else by going offline) within `window`; add their evidence."""
    found = {"refusals_then_block": 0, "refusals_then_offline": 0}
    matched: list[Any] = []
    pairs = zip(runs["end_at"], runs["rows"], strict=True) if runs is not None else iter([])
    for end_at, offer_rows in pairs:
        follow = _next_within(blocks, "at", end_at, window)
        sign, table, column = "refusals_then_block", "sanctions", "at"
        if follow.empty:
            follow = _next_within(offline, "start_at", end_at, window)
            sign, table, column = "refusals_then_offline", "status_segments", "start_at"
        if follow.empty:
            continue
        found[sign] += 1
        matched += list(follow.index) if table == "sanctions" else []
        offers = pd.DataFrame(offer_rows, columns=["at", "source_file", "source_row"])
        evidence += [offers.assign(sign=sign, table="offers"), _evidence(sign, table, follow, column)]
    if blocks is not None:  # blocks whose rule names rejections, with no visible run before them
        named = blocks.loc[refusal_rows(blocks) & ~blocks.index.isin(matched)]
        found["refusals_then_block"] += len(named)
        evidence.append(_evidence("refusals_then_block", "sanctions", named, "at"))
    return {"refusals_then_block": found["refusals_then_block"] if blocks is not None else None,
            "refusals_then_offline": found["refusals_then_offline"]
            if runs is not None and offline is not None else None}


def _next_within(
    rows: pd.DataFrame | None, column: str, t: pd.Timestamp, window: pd.Timedelta
) -> pd.DataFrame:
    """The first of `rows` whose `column` falls in [t, t + window] (empty when none or no table)."""
    if rows is None:
        return pd.DataFrame()
    hit = rows.loc[(rows[column] >= t) & (rows[column] <= t + window)].sort_values(column, kind="stable")
    return hit.iloc[:1]


def _evidence(sign: str, table: str, rows: pd.DataFrame, at: str) -> pd.DataFrame:
    return pd.DataFrame({"sign": sign, "table": table, "at": rows[at].to_numpy() if len(rows) else [],
                         "source_file": rows["source_file"].to_numpy() if len(rows) else [],
                         "source_row": rows["source_row"].to_numpy() if len(rows) else []})
