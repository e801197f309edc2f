"""Column helpers shared by the dispatch modules: the first non-null of several columns, safe ratios.

Example:
    >>> ratio(3.0, 0.0) is None
    True
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def first_time(frame: pd.DataFrame, *columns: str) -> pd.Series:
    """The first non-null of the named timestamp columns present in `frame`, as UTC µs timestamps.

    Example:
        >>> f = pd.DataFrame({"a": pd.to_datetime([None, "2026-01-05"], utc=True),
        ...                   "b": pd.to_datetime(["2026-01-01", "2026-01-01"], utc=True)})
        >>> first_time(f, "a", "b", "absent").dt.day.tolist()
        [1, 5]
    """
    out = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[us, UTC]")
    for name in columns:
        if name in frame:
            out = out.fillna(pd.to_datetime(frame[name], utc=True).dt.as_unit("us"))
    return out


def first_number(frame: pd.DataFrame, *columns: str) -> pd.Series:
    """The first non-null of the named numeric columns present in `frame` (NaN when none).

    Example:
        >>> first_number(pd.DataFrame({"a": [None, 2.0], "b": [1.0, 5.0]}), "a", "b").tolist()
        [1.0, 2.0]
    """
    out = pd.Series(np.nan, index=frame.index, dtype=float)
    for name in columns:
        if name in frame:
            out = out.fillna(pd.to_numeric(frame[name], errors="coerce").astype(float))
    return out


def ratio(numerator: float, denominator: float | None) -> float | None:
    """numerator / denominator, or None when the denominator is missing, zero or not finite.

    Example:
        >>> ratio(3.0, 2.0)
        1.5
    """
    if denominator is None or not np.isfinite(denominator) or denominator <= 0:
        return None
    return float(numerator) / float(denominator)


def num(value: Any) -> float | None:
    """A plain float, or None for a missing value (NaN, NaT, None).

    Example:
        >>> num(float("nan")) is None, num(2)
        (True, 2.0)
    """
    return None if value is None or pd.isna(value) else float(value)
