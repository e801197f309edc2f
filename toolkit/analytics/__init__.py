"""Analyses of the normalized tables: what algorithmic management did with a worker's time and pay.

Modules (plain functions over the store's pandas frames, never mutating their inputs):
- `intervals`: union, intersection, clipping and calendar splits of time intervals; the priority merge
  of state segments across platforms (so multi-apping is never counted twice);
- `time`: P0–P3 time accounting (methods.md §1) from the best source available;
- `pay`: earnings per period, per engaged and per logged-in hour, net of costs, against minimum wages;
- `minimums`: the French sector minimums (VTC per activity hour and per ride, delivery per activity hour);
- `dispatch`, `ratings`, `legal`, `changepoints`, `quest`: offers, ratings, legal indicators, rate
  changes and bonus feasibility.

Every function the README names is importable from here (`from toolkit.analytics import pay_changes`);
the modules load when a name is first asked for, so importing one analysis does not load them all.

Example:
    >>> from toolkit.analytics import intervals
    >>> intervals.STATE_PRIORITY[0]
    'on_job'
    >>> from toolkit.analytics import pay_changes
    >>> pay_changes.__module__
    'toolkit.analytics.changepoints'
"""

from __future__ import annotations

import importlib
from typing import Any

PUBLIC = {
    "time_accounting": "time", "pickup_waits": "time", "job_intervals": "time",
    "pay_summary": "pay", "pay_by_period": "pay", "earnings_by_category": "pay", "minimum_wage": "pay",
    "sector_minimums": "minimums",
    "offer_rates": "dispatch", "offers_per_online_hour": "dispatch", "blocks_after_rejections": "dispatch",
    "pay_changes": "changepoints", "pay_rates": "changepoints",
    "quest_feasibility": "quest",
    "rating_summary": "ratings", "low_rating_effects": "ratings",
    "sanctions_summary": "sanctions", "sanctions_timeline": "sanctions", "blocked_hours": "sanctions",
    "refusal_sanctions": "sanctions", "is_refusal_rule": "sanctions",
    "lom_indicators": "legal", "subordination_signs": "legal",
}
"""Public function -> the module of `toolkit.analytics` that defines it."""

__all__ = sorted(PUBLIC)


def __getattr__(name: str) -> Any:
    if name not in PUBLIC:
        raise AttributeError(f"module 'toolkit.analytics' has no attribute {name!r}")
    return getattr(importlib.import_module(f"toolkit.analytics.{PUBLIC[name]}"), name)
