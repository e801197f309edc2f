"""What a report shows: the metrics of the period, weekly time, monthly pay, the exports' manifests, and
the headline figures formatted and explained (shared with the app's Overview page).

Example:
    >>> [f.key for f in headline_figures(EMPTY_FIGURES, Translator("en"))][:3]
    ['logged_in_h', 'waiting_h', 'unpaid_share']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from toolkit.config import Config
from toolkit.i18n import Translator
from toolkit.selection import Selection

EMPTY_FIGURES: dict[str, Any] = {
    "workers": 0,
    "platforms": [],
    "period": {"start": None, "end": None},
    "time": {},
    "jobs": {},
    "pay": {},
    "offers": {},
    "ratings": {},
    "sanctions": {},
}
"""A metrics result with nothing known (every figure shown as unknown)."""


@dataclass(frozen=True)
class HeadlineFigure:
    """One headline figure as shown: its section, key (metrics JSON name), label, value and explanation."""

    section: str
    key: str
    label: str
    value: str
    explanation: str


@dataclass
class ReportContent:
    """What a report shows; `figures` is the metrics JSON (DESIGN.md contract)."""

    figures: dict[str, Any]
    manifests: list[dict[str, Any]]
    weekly_time: pd.DataFrame | None = None
    monthly_pay: pd.DataFrame | None = None
    worker: str | None = None
    zone: str = "UTC"
    name: str | None = None
    sanctions: pd.DataFrame | None = None
    offers_per_hour: dict[str, Any] | None = None
    reconnect_s: float | None = None
    gaps: dict[str, list[Any]] = field(default_factory=dict)
    """Per language, what the exports left out (`toolkit.access.check.Gap`, already in that language)."""
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def shown_name(self, tr: Translator) -> str:
        """The name or pseudonym the worker chose, else the name the data is filed under (not "me").

        Example:
            >>> ReportContent(figures=EMPTY_FIGURES, manifests=[], worker="me").shown_name(Translator("en"))
            'name not given'
        """
        if self.name and self.name.strip():
            return self.name.strip()
        if self.worker and self.worker != "me":
            return self.worker
        return tr("report.pdf.no_name")


def gather(
    store: Path | Selection,
    worker: str | None = None,
    platform: str | None = None,
    start: date | None = None,
    end: date | None = None,
    config: Config | None = None,
    name: str | None = None,
) -> ReportContent:
    """Compute what the report shows: metrics, weekly time, monthly pay, the sources' manifests; from a
    `Selection` (the read layer every surface shares), or from a store and the selection's parts.

    Example:
        >>> gather(Path("/nonexistent-store"), worker="me").manifests
        []
    """
    from toolkit.access.check import check_languages
    from toolkit.i18n import LANGUAGES
    from toolkit.store import list_manifests

    sel = store if isinstance(store, Selection) else Selection(store, worker, platform, start, end,
                                                                preset=config)
    weekly = sel.figure("time_by_period", "week") if sel.worker is not None or len(sel.workers) == 1 else None
    monthly = sel.figure("pay_by_period", "month")
    manifests = [
        m
        for m in list_manifests(sel.store)
        if sel.worker in (None, m.get("worker_id")) and sel.platform in (None, m.get("platform"))
    ]
    return ReportContent(
        figures=sel.metrics(),
        manifests=manifests,
        weekly_time=None if weekly is None or weekly.empty else weekly[["P1", "P2", "P3", "partial"]],
        monthly_pay=None if monthly is None or monthly.empty else monthly,
        worker=sel.worker,
        zone=sel.zone,
        name=name,
        sanctions=sel.figure("sanctions_timeline")["timeline"],
        offers_per_hour=sel.figure("offers_per_hour"),
        reconnect_s=float(sel.config.get("time.reconnect_gap_s")),
        gaps={lang: [g for g in found if sel.platform in (None, g.platform)]
              for lang, found in check_languages(sel.store, sel.worker, LANGUAGES).items()}
        if sel.worker is not None else {},
    )


def headline_figures(figures: dict[str, Any], tr: Translator) -> list[HeadlineFigure]:
    """The headline figures of a metrics result, formatted and explained in the translator's language.

    The Overview page, the Time and Pay pages and the report show the same list, so they always agree.
    When the time figures are estimates (`time.estimate`), the figures resting on logged-in hours say
    "estimated" and give the band, and an `estimate` figure names the rule and what it can and cannot tell.

    Example:
        >>> [f.value for f in headline_figures(EMPTY_FIGURES, Translator("en"))][:2]
        ['—', '—']
        >>> est = {"rule_gap_min": 30.0, "unpaid_share_low": 0.017, "unpaid_share_high": 0.031,
        ...        "band": {"15min": {"logged_in_h": 9.0}, "60min": {"logged_in_h": 10.0}}}
        >>> shown = headline_figures({**EMPTY_FIGURES, "time": {"estimate": est}}, Translator("en"))
        >>> [(f.label, f.value) for f in shown if f.key == "estimate"]
        [('Unpaid share, range of the estimate', '1.7% – 3.1%')]
        >>> next(f.explanation for f in shown if f.key == "unpaid_share")[:57]
        'Estimate; between 1.7% and 3.1% with gaps of 15 to 60 min'
    """
    time, pay, jobs = figures.get("time") or {}, figures.get("pay") or {}, figures.get("jobs") or {}
    offers, ratings = figures.get("offers") or {}, figures.get("ratings") or {}
    sanctions, currency = figures.get("sanctions") or {}, (figures.get("pay") or {}).get("currency")
    band = _estimate_band(time.get("estimate"), tr)
    rows: list[tuple[str, str, str, dict[str, str]]] = [
        ("time", "logged_in_h", tr.hours(time.get("logged_in_h")), {}),
        ("time", "waiting_h", tr.hours(time.get("waiting_h")), {}),
        ("time", "unpaid_share", tr.percent(time.get("unpaid_share")), band.get("share", {})),
        *([("time", "estimate", band["value"], {})] if band else []),
        ("pay", "per_hour_logged_in", tr.money(pay.get("per_hour_logged_in"), currency),
         band.get("hours", {})),
        ("pay", "net_per_hour_logged_in", tr.money(pay.get("net_per_hour_logged_in"), currency), {}),
        ("pay", "minimum_wage_per_hour", tr.money(pay.get("minimum_wage_per_hour"), currency), {}),
        ("pay", "per_hour_engaged", tr.money(pay.get("per_hour_engaged"), currency), {}),
        ("pay", "earnings_total", tr.money(pay.get("earnings_total"), currency), {}),
        ("pay", "tips", tr.money(pay.get("tips"), currency), {}),
        (
            "work",
            "jobs",
            tr.integer(jobs.get("total")),
            {"completed": tr.integer(jobs.get("completed")), "cancelled": tr.integer(jobs.get("cancelled"))},
        ),
        (
            "work",
            "accepted",
            tr.integer(offers.get("accepted")),
            {"offered": tr.integer(offers.get("offered")), "rate": tr.percent(offers.get("acceptance_rate"))},
        ),
        ("work", "rejected", tr.integer(offers.get("rejected")), {}),
        ("work", "expired", tr.integer(offers.get("expired")), {}),
        ("control", "sanctions", tr.integer(sanctions.get("total")), {}),
        ("control", "blocked_h", tr.hours(sanctions.get("blocked_h")), {}),
        (
            "control",
            "ratings",
            tr.number(ratings.get("mean"), 2),
            {"count": tr.integer(ratings.get("count"))},
        ),
    ]
    shown = []
    for section, key, value, values in rows:
        if key == "estimate":
            shown.append(HeadlineFigure(section, key, tr("overview.estimate.label"), value, band["explain"]))
            continue
        # a figure resting on estimated logged-in hours says so, in its label and its explanation
        suffix = "_estimated" if band and key in ("logged_in_h", "waiting_h", "unpaid_share",
                                                  "per_hour_logged_in", "net_per_hour_logged_in") else ""
        if values and any(v == "—" for v in values.values()) and tr.has(f"overview.{key}.explain_unknown"):
            explanation = tr(f"overview.{key}.explain_unknown")  # never "the mean of the — ratings"
        else:
            explanation = tr(f"overview.{key}.explain{suffix}", **values)
        shown.append(HeadlineFigure(section, key, tr(f"overview.{key}.label{suffix}"), value, explanation))
    return shown


def _estimate_band(estimate: dict[str, Any] | None, tr: Translator) -> dict[str, Any]:
    """The words of an estimate (`toolkit.figures.estimate`): its band of unpaid shares and of logged-in
    hours over the chaining gaps tried, and its rule with what it can and cannot tell; {} when measured."""
    if not estimate:
        return {}
    gap = tr.number(estimate.get("rule_gap_min"), 0)
    tried = sorted((int(str(k).removesuffix("min")), v) for k, v in (estimate.get("band") or {}).items())
    gaps = {"shortest": tr.integer(tried[0][0]) if tried else "—",
            "longest": tr.integer(tried[-1][0]) if tried else "—"}
    hours = [v.get("logged_in_h") for _, v in tried if v.get("logged_in_h") is not None]
    share = {"low": tr.percent(estimate.get("unpaid_share_low"), 1),
             "high": tr.percent(estimate.get("unpaid_share_high"), 1)}
    return {
        "share": {**share, **gaps},
        "hours": {"low": tr.hours(min(hours) if hours else None),
                  "high": tr.hours(max(hours) if hours else None), **gaps},
        "value": tr("overview.estimate.band", **share),
        "explain": " ".join(tr(f"overview.estimate.{part}", gap=gap) for part in ("rule", "can", "cannot")),
        "gaps": ", ".join(tr.integer(t) for t, _ in tried),
    }
