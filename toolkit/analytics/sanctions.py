"""Sanctions: block intervals and the hours they took (counted once where blocks overlap), refusal
sanctions, and the timeline of every sanction — the one place these figures are computed.

- `sanctions_summary(sanctions, span)`: the headline figures (`gigdata metrics`, the Overview, the PDF,
  Dispatch, Ratings & sanctions): sanctions in the period, blocks, hours blocked, refusal sanctions;
- `blocked_hours(sanctions, span)`: the length of the union of block intervals [at, at + duration)
  cut to the span (two 6-hour blocks 8 minutes apart took 6 h 8 min, not 12 h); a block that began
  before the span counts for its part inside it;
- `refusal_sanctions(sanctions, span)`: notices and blocks whose rule names refused offers
  (`is_refusal_rule`; Uber's `consecutiveReject`, export-formats.md §2.8), and the hours they cost;
- `block_intervals(sanctions)`, `sanctions_timeline(sanctions, span)`: each block's interval; every
  sanction in time order with the hours it added to the union.

`sanctions` is every sanction of the worker, whatever its date (so that a block begun before the span
is seen); `span` is the period [start, end) in UTC, None for no cut. Figures are unknown (None), never 0,
when the table is empty (the export may hold no restrictions file) or when blocks exist and none states a
duration.

Example:
    >>> s = pd.DataFrame({"at": pd.to_datetime(["2026-01-05 12:00", "2026-01-05 12:08"], utc=True),
    ...     "kind": ["block", "block"], "rule": ["consecutiveReject"] * 2, "duration_s": [21600.0] * 2})
    >>> round(blocked_hours(s, None) * 60)  # 6 h 8 min, in minutes
    368
"""

from __future__ import annotations

import re
from typing import Any, TypedDict

import numpy as np
import pandas as pd

from toolkit.analytics import intervals as iv
from toolkit.i18n import Note
from toolkit.periods import Span, row_time

REFUSAL_PATTERN = re.compile(r"reject|rejet|refus|declin", re.IGNORECASE)
"""Rule names that mean the worker refused offers: Uber's `consecutiveReject` (export-formats.md §2.8,
the only rule string seen in a real export), and the English and French words for rejecting, refusing
or declining an offer. Timing out is not named by any rule seen."""

CANCEL_PATTERN = re.compile(r"cancel|annul", re.IGNORECASE)
"""Cancellations of accepted jobs are a separate matter (e.g. a `highCancellationRate` warning): a rule
naming them is never a refusal sanction."""

DEFINITION = ("hours blocked = length of the union of block intervals [at, at + duration_s), cut to the "
              "period (overlapping blocks count once; a block begun before the period counts for its part "
              "inside); block = kind 'block' or a positive duration; refusal sanction = a sanction whose "
              "rule names rejected, refused or declined offers (e.g. consecutiveReject)")
_US_H = 3_600_000_000.0


class SanctionsSummary(TypedDict):
    """The headline sanction figures of a period (None where the data cannot tell)."""

    total: int | None
    blocks: int | None
    blocked_h: float | None
    blocks_without_duration: int
    refusal_sanctions: int | None
    refusal_blocks: int | None
    refusal_blocked_h: float | None


class RefusalSanctions(TypedDict):
    """Sanctions whose rule names refusals: how many in the period, how many blocked, the hours blocked."""

    count: int | None
    blocks: int | None
    blocked_h: float | None
    blocks_without_duration: int


def sanctions_summary(sanctions: pd.DataFrame | None, span: Span | None) -> SanctionsSummary:
    """Sanctions dated in `span`, the blocks among them, hours blocked (union, cut to `span`), the blocks
    stating no duration, and the same for refusal sanctions. Empty or absent table: all unknown.

    Example:
        >>> s = pd.DataFrame({"at": pd.to_datetime(["2026-01-05 12:00", "2026-01-06 09:00"], utc=True),
        ...     "kind": ["notification", "block"], "rule": ["consecutiveReject", "drivingHourLimits"],
        ...     "duration_s": [0.0, 7200.0]})
        >>> summary = sanctions_summary(s, None)
        >>> summary["total"], summary["blocked_h"], summary["refusal_sanctions"], summary["refusal_blocked_h"]
        (2, 2.0, 1, 0.0)
    """
    if sanctions is None or sanctions.empty:
        return SanctionsSummary(total=None, blocks=None, blocked_h=None, blocks_without_duration=0,
                                refusal_sanctions=None, refusal_blocks=None, refusal_blocked_h=None)
    inside = _dated_in(sanctions, span)
    blocks = is_block(sanctions) & inside
    hours, missing = _blocked(sanctions, span)
    refusals = refusal_sanctions(sanctions, span)
    return SanctionsSummary(total=int(inside.sum()), blocks=int(blocks.sum()), blocked_h=hours,
                            blocks_without_duration=missing, refusal_sanctions=refusals["count"],
                            refusal_blocks=refusals["blocks"], refusal_blocked_h=refusals["blocked_h"])


def blocked_hours(sanctions: pd.DataFrame, span: Span | None) -> float | None:
    """Hours of the union of block intervals, cut to `span`; None when blocks dated in `span` exist and
    none that reaches into it states a duration (0.0 without any block).

    Example:
        >>> s = pd.DataFrame({"at": pd.to_datetime(["2026-01-04 22:00"], utc=True), "kind": ["block"],
        ...     "rule": [None], "duration_s": [21600.0]})
        >>> day = (pd.Timestamp("2026-01-05", tz="UTC"), pd.Timestamp("2026-01-06", tz="UTC"))
        >>> blocked_hours(s, day)  # 22:00-04:00: the 4 hours inside the day
        4.0
    """
    return _blocked(sanctions, span)[0]


def refusal_sanctions(sanctions: pd.DataFrame | None, span: Span | None) -> RefusalSanctions:
    """Sanctions whose rule names refused offers (`is_refusal_rule`): how many are dated in `span`, the
    blocks among them, and the hours those blocks took (union, cut to `span`).

    Example:
        >>> s = pd.DataFrame({"at": pd.to_datetime(["2026-01-05 12:00"] * 2, utc=True),
        ...     "kind": ["notification"] * 2, "rule": ["consecutiveReject", "drivingHourLimits"],
        ...     "duration_s": [0.0, 0.0]})
        >>> refusal_sanctions(s, None)
        {'count': 1, 'blocks': 0, 'blocked_h': 0.0, 'blocks_without_duration': 0}
    """
    if sanctions is None or sanctions.empty:
        return RefusalSanctions(count=None, blocks=None, blocked_h=None, blocks_without_duration=0)
    refusal = sanctions.loc[refusal_rows(sanctions)]
    inside = _dated_in(refusal, span)
    hours, missing = _blocked(refusal, span)
    return RefusalSanctions(count=int(inside.sum()), blocks=int((is_block(refusal) & inside).sum()),
                            blocked_h=hours, blocks_without_duration=missing)


def is_refusal_rule(rule: Any) -> bool:
    """Whether a sanction's rule names refused offers (and not cancellations); no rule is not one.

    Example:
        >>> [is_refusal_rule(r) for r in ("consecutiveReject", "drivingHourLimits", "highCancellationRate",
        ...                               "refus répétés", None)]
        [True, False, False, True, False]
    """
    if not isinstance(rule, str):
        return False
    return bool(REFUSAL_PATTERN.search(rule)) and not CANCEL_PATTERN.search(rule)


def refusal_rows(sanctions: pd.DataFrame) -> pd.Series:
    """True for the sanctions whose rule names refused offers.

    Example:
        >>> refusal_rows(pd.DataFrame({"rule": ["consecutiveReject", None]})).tolist()
        [True, False]
    """
    return pd.Series([is_refusal_rule(r) for r in sanctions["rule"]], index=sanctions.index, dtype=bool)


def is_block(sanctions: pd.DataFrame) -> pd.Series:
    """True for sanctions that blocked the worker: kind 'block' or a positive duration.

    Example:
        >>> is_block(pd.DataFrame({"kind": ["notification", "block"], "duration_s": [0.0, None]})).tolist()
        [False, True]
    """
    return (sanctions["kind"] == "block") | (pd.to_numeric(sanctions["duration_s"], errors="coerce") > 0)


def block_intervals(sanctions: pd.DataFrame) -> pd.DataFrame:
    """One row per block, in time order, with its interval: `at`, `end_at` (NaT when the block states no
    duration), `stated_h`, `kind`, `rule`, and `source_file`/`source_row` when present; the index is the
    input's.

    Example:
        >>> s = pd.DataFrame({"at": pd.to_datetime(["2026-01-05 12:00", "2026-01-05 09:00"], utc=True),
        ...     "kind": ["block", "notification"], "rule": ["consecutiveReject"] * 2,
        ...     "duration_s": [21600.0, 0.0]})
        >>> block_intervals(s)["end_at"].dt.strftime("%H:%M").tolist()
        ['18:00']
    """
    blocks = sanctions.loc[is_block(sanctions)].sort_values("at", kind="stable")
    seconds = pd.to_numeric(blocks["duration_s"], errors="coerce").astype(float)
    at = pd.to_datetime(blocks["at"], utc=True).dt.as_unit("us")
    out = pd.DataFrame({"at": at, "end_at": at + pd.to_timedelta(seconds, unit="s"),
                        "stated_h": seconds / 3600.0, "kind": blocks["kind"], "rule": blocks["rule"]},
                       index=blocks.index)
    for column in ("source_file", "source_row"):
        if column in blocks.columns:
            out[column] = blocks[column]
    return out


def sanctions_timeline(sanctions: pd.DataFrame | None, span: Span | None = None) -> dict[str, Any]:
    """Every sanction dated in `span`, and every block that began before it and reaches into it, in time
    order: kind, rule, whether the rule names refusals, the stated length of blocks (`stated_h`, NaN
    when a block states none, 0 for other kinds) and `blocked_h`, the hours it added to the union of
    blocks inside `span` (the column adds up to `blocked_h` of `sanctions_summary`); counts and hours
    (union within each group) by kind and by rule; `summary` is `sanctions_summary(sanctions, span)`.

    Example:
        >>> s = pd.DataFrame({"at": pd.to_datetime(["2026-01-05 12:00", "2026-01-05 12:08"], utc=True),
        ...     "kind": ["block"] * 2, "rule": ["consecutiveReject"] * 2, "duration_s": [21600.0] * 2,
        ...     "source_file": ["r.csv"] * 2, "source_row": [2, 3]})
        >>> [round(h * 60) for h in sanctions_timeline(s)["timeline"]["blocked_h"]]  # minutes added
        [360, 8]
    """
    summary = sanctions_summary(sanctions, span)
    if sanctions is None or sanctions.empty:
        return {"timeline": None, "by_kind": None, "by_rule": None, "total": summary["total"],
                "blocked_h": None, "summary": summary, "source": None,
                "notes": [Note("notes.sanctions.none_stored")], "definition": DEFINITION}
    inside = _dated_in(sanctions, span)
    began_before = _began_before(sanctions, span)
    s = sanctions.loc[inside | began_before].sort_values("at", kind="stable")
    stated = (pd.to_numeric(s["duration_s"], errors="coerce") / 3600.0).where(is_block(s), 0.0)
    timeline = pd.DataFrame({
        "at": s["at"], "kind": s["kind"], "rule": s["rule"], "refusal": refusal_rows(s),
        "stated_h": stated, "blocked_h": _added_hours(s, span), "began_before": began_before.loc[s.index],
        "source_file": s.get("source_file"), "source_row": s.get("source_row"),
    }).reset_index(drop=True)
    named = s.assign(rule=s["rule"].fillna("(no rule)"))
    return {"timeline": timeline, "by_kind": _by(named, "kind", inside, span),
            "by_rule": _by(named, "rule", inside, span), "total": summary["total"],
            "blocked_h": summary["blocked_h"], "summary": summary, "source": "sanctions",
            "notes": _notes(summary, int(began_before.sum())), "definition": DEFINITION}


def in_period(sanctions: pd.DataFrame, span: Span | None) -> pd.Series:
    """True for the sanctions of the period: dated in `span`, or blocks that began before it and reach
    into it (every row without a span).

    Example:
        >>> s = pd.DataFrame({"at": pd.to_datetime(["2026-01-04 22:00", "2026-01-04 23:00"], utc=True),
        ...     "kind": ["block", "notification"], "rule": [None, None], "duration_s": [21600.0, 0.0]})
        >>> day = (pd.Timestamp("2026-01-05", tz="UTC"), pd.Timestamp("2026-01-06", tz="UTC"))
        >>> in_period(s, day).tolist()
        [True, False]
    """
    return _dated_in(sanctions, span) | _began_before(sanctions, span)


def _blocked(sanctions: pd.DataFrame, span: Span | None) -> tuple[float | None, int]:
    """Hours of the union of stated block intervals cut to `span`, and the blocks dated in `span` that
    state no duration; the hours are None when such blocks exist and no stated one reaches the span."""
    blocks = block_intervals(sanctions)
    start, end = _cut(blocks, span)
    missing = int((blocks["end_at"].isna() & _dated_in(blocks, span)).sum())
    if missing and not len(start):
        return None, missing
    return float(iv.total_length(start, end)) / _US_H if len(start) else 0.0, missing


def _cut(blocks: pd.DataFrame, span: Span | None) -> tuple[np.ndarray, np.ndarray]:
    """The stated intervals of `blocks` (µs), cut to `span`; the empty ones dropped."""
    stated = blocks.loc[blocks["end_at"].notna()]
    start, end = iv.epoch_us(stated["at"]), iv.epoch_us(stated["end_at"])
    return iv.clipped(start, end, *_bounds(span))


def _bounds(span: Span | None) -> tuple[float, float]:
    """`span` as float µs since the epoch (the unit of `toolkit.analytics.intervals`); no span: unbounded."""
    if span is None:
        return -np.inf, np.inf
    lo, hi = iv.epoch_us(pd.DatetimeIndex(list(span)))
    return float(lo), float(hi)


def _dated_in(sanctions: pd.DataFrame, span: Span | None) -> pd.Series:
    """True for rows whose time (`toolkit.periods.row_time`) is in [start, end); every row without a span."""
    when = row_time(sanctions, "sanctions")
    if span is None:
        return pd.Series(True, index=sanctions.index)
    return (when >= span[0]) & (when < span[1])


def _began_before(sanctions: pd.DataFrame, span: Span | None) -> pd.Series:
    """Blocks that began before `span` and whose stated end is inside it or after it."""
    out = pd.Series(False, index=sanctions.index)
    if span is None:
        return out
    blocks = block_intervals(sanctions)
    reach = blocks.index[(blocks["at"] < span[0]) & (blocks["end_at"] > span[0])]
    out.loc[reach] = True
    return out


def _added_hours(s: pd.DataFrame, span: Span | None) -> pd.Series:
    """Per row (in time order): hours its block added to the union of earlier blocks inside `span`; 0 for
    sanctions that are not blocks, NaN for blocks stating no duration."""
    out = pd.Series(0.0, index=s.index)
    blocks = block_intervals(s)
    out.loc[blocks.index[blocks["end_at"].isna()]] = np.nan
    stated = blocks.loc[blocks["end_at"].notna()]
    lo, hi = _bounds(span)
    start = np.maximum(iv.epoch_us(stated["at"]), lo).astype(float)
    end = np.minimum(iv.epoch_us(stated["end_at"]), hi).astype(float)
    # sorted by start: earlier blocks all start no later, so they cover exactly [start, reach of earlier)
    reach = np.concatenate([[-np.inf], np.maximum.accumulate(end)[:-1]]) if len(end) else end
    out.loc[stated.index] = np.maximum(end - np.maximum(start, reach), 0.0) / _US_H
    return out


def _by(s: pd.DataFrame, column: str, inside: pd.Series, span: Span | None) -> pd.DataFrame:
    """Count dated in `span` and hours blocked (union within the group, cut to `span`) per `column`."""
    rows = {name: {"count": int(inside.loc[part.index].sum()), "blocked_h": _blocked(part, span)[0]}
            for name, part in s.groupby(column, sort=True)}
    table = pd.DataFrame.from_dict(rows, orient="index", columns=["count", "blocked_h"])
    return table.astype({"count": int, "blocked_h": float}).rename_axis(column)


def _notes(summary: SanctionsSummary, began_before: int) -> list[str]:
    notes: list[str] = []
    if summary["blocks_without_duration"]:
        notes.append(Note("notes.sanctions.no_duration", n=summary["blocks_without_duration"]))
    if began_before:
        notes.append(Note("notes.sanctions.began_before", n=began_before))
    return notes
