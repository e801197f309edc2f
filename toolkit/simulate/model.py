"""The simulator's parameters (`SimParams`), its result (`World`) and small shared helpers.

Example:
    >>> SimParams().zone
    'Europe/Paris'
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

BLOCK_MS = 21_600_000
"""Uber's `consecutiveReject` penalty box: 6 hours (French SAR 2021, `msg.penaltyboxdurationms`)."""
OFFER_TIMEOUT_S = 15
"""An offer left unanswered this long expires."""
QUEST_TRIPS, QUEST_BONUS = 20, 25.0
"""Weekly quest: this many completed jobs in a week (from the first simulated day) earn this bonus."""
EARTH_M = 6_371_000.0


@dataclass(frozen=True)
class SimParams:
    """What to simulate. Defaults: a Paris ride-hail driver, two weeks from Monday 1 February 2021.

    Example:
        >>> SimParams(days=60, waiting_share=0.5).days
        60
    """

    seed: int = 1
    start: date = date(2021, 2, 1)  # first local day simulated
    days: int = 14
    zone: str = "Europe/Paris"  # IANA zone of the worker's city
    centre_lat: float = 48.8566
    centre_lon: float = 2.3522
    currency: str = "EUR"
    kind: str = "ride"  # "ride" (driver) or "delivery" (courier)
    product: str = "uberX"
    waiting_share: float = 0.40  # target P1 / logged-in (P1+P2+P3)
    reject_prob: float = 0.15  # per offer
    expire_prob: float = 0.05  # per offer: no answer within OFFER_TIMEOUT_S
    offer_cancel_prob: float = 0.02  # per offer: withdrawn by the customer before an answer
    customer_cancel_prob: float = 0.05  # per accepted job
    worker_cancel_prob: float = 0.02  # per accepted job
    failed_prob: float = 0.01  # per accepted delivery (courier could not hand the order over)
    tip_prob: float = 0.15  # per completed job
    rated_prob: float = 0.6  # share of completed jobs the customer rates
    star_probs: tuple[float, float, float, float, float] = (0.02, 0.01, 0.03, 0.12, 0.82)  # 1..5 stars
    fee_cut: tuple[date, float] | None = None  # (from this local day, fraction by which pay rates fall)
    rating_effect: float = 0.0  # fraction by which the offer rate while waiting falls after a 1-star
    rating_effect_days: int = 7  # for so many days after the 1-star rating is given
    block_after_rejections: int = 3  # N consecutive rejections -> 6 h block (0: never); N-1 -> warning
    streak_effect: float = 0.0  # fraction by which offers per logged-in hour fall in the local calendar
    #   month after a month in which a rejection streak got the worker blocked (needs block_after_rejections)
    reject_prob_months: tuple[float, ...] = ()  # per-offer rejection probability of each local calendar
    #   month from `start` (cycled); empty: `reject_prob` throughout
    commission: float = 0.25  # platform's share of the fare (a negative pay line; 0: none)
    vat_rate: float = 0.05  # VAT withheld, as a fraction of the fare (a negative pay line; 0: none)
    work_prob: float = 0.85  # share of days worked
    session_hours: float = 4.5  # mean planned length of a session (two shorter ones on some days)
    home_lat: float | None = None  # None: about 3 km south-east of the centre
    home_lon: float | None = None
    gps_every_s: float = 4.0  # one fix every so many seconds online (0: no GPS)


@dataclass
class World:
    """The simulated facts, every timestamp tz-aware UTC.

    - `sessions`: session_id, start_at, end_at, end_reason (`logout`, `blocked`);
    - `intervals`: session_id (null when offline), state (offline, waiting, to_pickup, on_job), start_at,
      end_at, start_lat/lon, end_lat/lon, job_id: contiguous and non-overlapping from the first login to
      the end of the simulated period (or of the last session, when it runs past midnight);
    - `offers`: offer_id, session_id, offered_at, ended_at, outcome (accepted, rejected, expired,
      cancelled), job_id (accepted offers), lat, lon;
    - `jobs`: job_id, offer_id, session_id, kind, product, status (completed, cancelled_by_customer,
      cancelled_by_worker, failed), requested_at, accepted_at, arrived_pickup_at, picked_up_at,
      arrived_dropoff_at, dropped_off_at, cancelled_at, accept/pickup/dropoff lat/lon,
      to_pickup_distance_m, to_pickup_duration_s (accept -> pickup or cancellation), job_distance_m,
      job_duration_s, surge_multiplier, eta_s, currency, fare (gross fare before commission), pay (sum of
      the job's pay lines, tips included), tip;
    - `pay`: earned_at, amount, currency, classification and uber_category (Uber's labels), category
      (the model's), job_id (null for quests);
    - `ratings`: rated_at, rating (1..5), job_id; `sanctions`: at, kind (block, notification), rule,
      duration_ms, lat, lon;
    - `gps`: ts (ms), lat, lon, accuracy_m, altitude_m, speed_mps, state, phase (offline, waiting,
      offered, to_pickup, at_pickup, on_job);
    - `truth`: the planted parameters and exact derived figures, keyed like `gigdata metrics --json`.
    """

    params: SimParams
    sessions: pd.DataFrame
    intervals: pd.DataFrame
    offers: pd.DataFrame
    jobs: pd.DataFrame
    pay: pd.DataFrame
    ratings: pd.DataFrame
    sanctions: pd.DataFrame
    gps: pd.DataFrame
    truth: dict[str, Any] = field(default_factory=dict)


def local_day_start(day: date, zone: str) -> int:
    """Epoch seconds of the local midnight that starts `day` in `zone`.

    Example:
        >>> local_day_start(date(2021, 2, 1), "Europe/Paris")
        1612134000
    """
    return int(datetime.combine(day, time(), tzinfo=ZoneInfo(zone)).timestamp())


def utc(seconds: Any) -> pd.Series:
    """Epoch seconds (NaN or None for null) as a tz-aware UTC Series in microseconds.

    Example:
        >>> str(utc([0, None]).iloc[0])
        '1970-01-01 00:00:00+00:00'
    """
    values = pd.Series(np.asarray(seconds, dtype="float64"))
    return pd.to_datetime(values, unit="s", utc=True).dt.as_unit("us")


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in metres between two (lat, lon) points.

    Example:
        >>> round(metres((48.0, 2.0), (48.0, 2.01)))
        744
    """
    lat1, lon1, lat2, lon2 = map(np.radians, (a[0], a[1], b[0], b[1]))
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return float(2 * EARTH_M * np.arcsin(np.sqrt(h)))


def params_dict(params: Any) -> dict[str, Any]:
    """The parameters as a JSON-ready dict (dates as ISO strings).

    Example:
        >>> params_dict(SimParams())["start"]
        '2021-02-01'
    """
    def plain(value: Any) -> Any:
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, tuple | list):
            return [plain(v) for v in value]
        return value

    return {k: plain(v) for k, v in asdict(params).items()}
