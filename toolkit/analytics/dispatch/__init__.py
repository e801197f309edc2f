"""Dispatch: how the app offered and withheld work (methods.md §3).

- `offers`: acceptance, rejection and expiry rates over time and by hour of day; logged-in and waiting
  hours; offers per logged-in and per waiting hour — from per-offer rows when the export has them, else
  from hourly offer windows (each result says which in `source`);
- `refusals`: what follows a rejection (offers, waiting and sanctions in the next hours, against what
  follows an acceptance: an association within one worker, not a cause), blocks and refusal sanctions
  with the refused offers before each (hours blocked and refusal sanctions come from
  `toolkit.analytics.sanctions`, re-exported here: `is_block`);
- `space`: pickup distance and duration, where the worker waited against where jobs started (H3),
  repositioning distance between jobs, the share of surged jobs.

Example:
    >>> import pandas as pd
    >>> offers = pd.DataFrame({"offered_at": pd.to_datetime(["2026-01-05 10:00", "2026-01-05 10:20"],
    ...     utc=True), "outcome": ["accepted", "rejected"]})
    >>> offer_rates(offers)["totals"]["rejection_rate"]
    0.5
"""

from toolkit.analytics.dispatch.offers import (
    LOGGED_IN_STATES,
    logged_time,
    offer_rates,
    offers_per_online_hour,
    online_hours,
)
from toolkit.analytics.dispatch.refusals import (
    CAVEAT,
    REFUSALS,
    after_decisions,
    blocks_after_rejections,
    refusal_runs,
)
from toolkit.analytics.dispatch.space import (
    pickup_distributions,
    repositioning,
    surge_share,
    waiting_vs_job_starts,
)
from toolkit.analytics.sanctions import is_block

__all__ = [
    "CAVEAT", "LOGGED_IN_STATES", "REFUSALS", "after_decisions", "blocks_after_rejections", "is_block",
    "logged_time", "offer_rates", "offers_per_online_hour", "online_hours", "pickup_distributions",
    "refusal_runs", "repositioning", "surge_share", "waiting_vs_job_starts",
]
