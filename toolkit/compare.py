"""Comparisons across drivers on the panel (`toolkit.panel`): the statistics researchers publish.

Every function takes the panel (a DataFrame with one row per worker × platform × period, as
`gigdata panel` writes it), states its n (workers and worker-periods used) and refuses to run under
`MIN_WORKERS` workers, with the reason. Rows whose value is unknown are left out and counted.

- `distribution`: the spread of a figure across workers (each worker's mean over their periods).
- `inequality`: the Gini coefficient and the top-10 % share across workers (of the workers' totals for a
  sum, or of their means for a rate), e.g. offers per online hour, or pay per hour.
- `panel_regression`: y on x (optionally x of the period before) with worker fixed effects (the within
  estimator) and standard errors clustered by worker (statsmodels), e.g. offers per logged-in hour on
  last month's acceptance rate.
- `event_study`: the pooled change of a figure around a date (a pay-model change): each worker's mean
  after minus before within a window, their mean with a 95 % confidence interval and a permutation test
  (random sign flips of the workers' changes).
- `below_minimum_share`: the pooled share of logged-in hours in worker-periods whose net pay per
  logged-in hour fell below the minimum wage of the period.

Example:
    >>> round(gini([1.0, 1.0, 1.0, 1.0]), 3), round(gini([0.0, 0.0, 0.0, 4.0]), 3)
    (0.0, 0.75)
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd

MIN_WORKERS = 10
"""No comparison runs on fewer workers: with fewer, a distribution is a handful of people and a
regression's clustered standard errors are not reliable."""
PERMUTATIONS = 10_000


class TooFew(ValueError):
    """A comparison refused because the panel holds fewer than `MIN_WORKERS` workers with data."""


def gini(values: list[float] | np.ndarray) -> float:
    """The Gini coefficient of non-negative values (0: all equal; (n-1)/n: one holds everything)."""
    x = np.sort(np.asarray(values, dtype=float))
    if len(x) == 0 or x.sum() <= 0:
        return float("nan")
    n = len(x)
    return float((2 * np.arange(1, n + 1) - n - 1).dot(x) / (n * x.sum()))


def distribution(panel: pd.DataFrame, column: str) -> dict[str, Any]:
    """Quantiles across workers of each worker's mean `column` over their periods."""
    per_worker, n = _per_worker(panel, column, "mean")
    q = np.quantile(per_worker, [0.1, 0.25, 0.5, 0.75, 0.9])
    return {"statistic": "distribution", "column": column, **n, "mean": float(per_worker.mean()),
            "p10": float(q[0]), "q1": float(q[1]), "median": float(q[2]), "q3": float(q[3]),
            "p90": float(q[4]),
            "definition": "quantiles over workers of each worker's mean over their periods"}


def inequality(panel: pd.DataFrame, column: str, how: str = "mean") -> dict[str, Any]:
    """Gini and top-10 % share across workers of `column` (`how`: "mean" for a rate, "sum" for a total)."""
    per_worker, n = _per_worker(panel, column, how)
    values = per_worker.clip(lower=0).to_numpy()
    top = max(1, int(np.ceil(len(values) * 0.1)))
    share = float(np.sort(values)[-top:].sum() / values.sum()) if values.sum() > 0 else float("nan")
    return {"statistic": "inequality", "column": column, "of": how, **n, "gini": gini(values),
            "top10_share": share, "top10_workers": top,
            "definition": f"over workers' {how} of {column}; negative values counted as 0"}


def panel_regression(panel: pd.DataFrame, y: str, x: str, lag: int = 0) -> dict[str, Any]:
    """y_it = a_i + b x_i,t-lag + e_it, worker fixed effects, standard errors clustered by worker."""
    import statsmodels.api as sm

    frame = panel.sort_values(["worker_id", "platform", "period_start"])[
        ["worker_id", "platform", "period_start", y, x]].copy()
    regressor = f"{x}(t-{lag})" if lag else x
    frame[regressor] = frame.groupby(["worker_id", "platform"])[x].shift(lag) if lag else frame[x]
    used = frame.dropna(subset=[y, regressor])
    used = used[used.groupby("worker_id")["worker_id"].transform("size") >= 2]  # within needs two periods
    n = _enough(used, len(frame))
    demeaned_y = used[y] - used.groupby("worker_id")[y].transform("mean")
    demeaned_x = used[regressor] - used.groupby("worker_id")[regressor].transform("mean")
    fit = sm.OLS(demeaned_y.to_numpy(), demeaned_x.to_numpy().reshape(-1, 1)).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(used["worker_id"])[0]})
    se = float(fit.bse[0])  # fixed effects nested in the clusters: no further correction (Cameron-Miller)
    coef = float(fit.params[0])
    return {"statistic": "panel_regression", "y": y, "x": regressor, **n, "coefficient": coef,
            "std_error": se, "ci95": [coef - 1.96 * se, coef + 1.96 * se],
            "p_value": float(2 * _normal_sf(abs(coef / se))) if se > 0 else None,
            "definition": "within (worker fixed effects) OLS, standard errors clustered by worker "
                          "(statsmodels, small-sample factor G/(G-1)·(N-1)/(N-K))"}


def event_study(panel: pd.DataFrame, column: str, day: date, window: int = 4,
                seed: int = 0) -> dict[str, Any]:
    """Each worker's mean `column` over the `window` periods from `day` minus over the `window` before;
    the mean change, its 95 % confidence interval and a sign-flip permutation p-value."""
    from scipy import stats

    frame = panel.dropna(subset=[column]).copy()
    starts = pd.to_datetime(frame["period_start"]).dt.date
    before = frame[(starts < day)].sort_values("period_start").groupby("worker_id").tail(window)
    after = frame[(starts >= day)].sort_values("period_start").groupby("worker_id").head(window)
    change = (after.groupby("worker_id")[column].mean() - before.groupby("worker_id")[column].mean()).dropna()
    used = frame[frame["worker_id"].isin(change.index)]
    n = _enough(used.assign(worker_id=used["worker_id"]), len(panel), workers=len(change))
    d = change.to_numpy(dtype=float)
    mean, se = float(d.mean()), float(d.std(ddof=1) / np.sqrt(len(d)))
    t = float(stats.t.ppf(0.975, len(d) - 1))
    rng = np.random.default_rng(seed)
    flips = rng.choice([-1.0, 1.0], size=(PERMUTATIONS, len(d)))
    null = np.abs((flips * d).mean(axis=1))
    p = float((1 + np.sum(null >= abs(mean))) / (PERMUTATIONS + 1))
    reference = float(before[before["worker_id"].isin(change.index)][column].mean())
    return {"statistic": "event_study", "column": column, "date": str(day), "window": window, **n,
            "change": mean, "ci95": [mean - t * se, mean + t * se], "relative": mean / reference if reference
            else None, "permutation_p": p, "permutations": PERMUTATIONS,
            "definition": f"per worker: mean of the {window} periods from the date minus the {window} "
                          "before; "
                          "mean over workers, t interval, p from random sign flips of the workers' changes"}


def below_minimum_share(panel: pd.DataFrame) -> dict[str, Any]:
    """The pooled share of logged-in hours in worker-periods paid (net) below the minimum wage."""
    cols = ["time.logged_in_h", "pay.net_per_hour_logged_in", "pay.minimum_wage_per_hour"]
    used = panel.dropna(subset=cols)
    used = used[used["time.logged_in_h"] > 0]
    n = _enough(used, len(panel))
    below = used["pay.net_per_hour_logged_in"] < used["pay.minimum_wage_per_hour"]
    hours = used["time.logged_in_h"]
    return {"statistic": "below_minimum_share", **n,
            "share_of_hours": float(hours[below].sum() / hours.sum()),
            "share_of_worker_periods": float(below.mean()),
            "definition": "logged-in hours of worker-periods whose net pay per logged-in hour is under the "
                          "minimum wage of the period, over all logged-in hours (known net pay only)"}


def _per_worker(panel: pd.DataFrame, column: str, how: str) -> tuple[pd.Series, dict[str, int]]:
    if column not in panel:
        raise ValueError(f"{column}: not a column of the panel")
    used = panel.dropna(subset=[column])
    n = _enough(used, len(panel))
    grouped = used.groupby("worker_id")[column]
    return (grouped.mean() if how == "mean" else grouped.sum()).astype(float), n


def _enough(used: pd.DataFrame, rows: int, workers: int | None = None) -> dict[str, int]:
    count = int(used["worker_id"].nunique()) if workers is None else workers
    if count < MIN_WORKERS:
        raise TooFew(f"{count} worker(s) with the figures needed: comparisons need at least {MIN_WORKERS}")
    return {"workers": count, "worker_periods": int(len(used)), "left_out": int(rows - len(used))}


def _normal_sf(z: float) -> float:
    from scipy import stats

    return float(stats.norm.sf(z))
