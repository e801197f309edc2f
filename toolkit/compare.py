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

The pooled statistics (distribution, inequality, below-minimum share) are each one SQL text over a view
named `panel`: DuckDB runs it on a pandas panel, Spark SQL runs the same text when the panel is a Spark
DataFrame (`toolkit.spark`). The regression and the event study run in Python on the panel (a Spark
panel is collected first: it holds one row per worker-period, not the raw data).

The Gini coefficient of n sorted values x_1 <= … <= x_n is sum((2i - n - 1) x_i) / (n sum x): 0 when all
are equal, (n - 1)/n when one holds everything.

Example:
    >>> frame = pd.DataFrame({"worker_id": [f"w{i}" for i in range(10)], "x": [0.0] * 9 + [4.0]})
    >>> inequality(frame, "x")["gini"]
    0.9
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


def distribution(panel: Any, column: str) -> dict[str, Any]:
    """Quantiles across workers of each worker's mean `column` over their periods.

    Example (on a panel of 10 workers whose means are 1..10):
        >>> frame = pd.DataFrame({"worker_id": [f"w{i}" for i in range(10)],
        ...                       "x": [float(i + 1) for i in range(10)]})
        >>> found = distribution(frame, "x")
        >>> found["median"], found["p90"], found["workers"]
        (5.5, 9.1, 10)
    """
    found = _pooled(panel, DISTRIBUTION_SQL, column, "AVG")
    n = _counted(found)
    return {"statistic": "distribution", "column": column, **n, "mean": found["mean"],
            "p10": found["p10"], "q1": found["q1"], "median": found["median"], "q3": found["q3"],
            "p90": found["p90"],
            "definition": "quantiles over workers of each worker's mean over their periods "
                          "(linear interpolation, percentile_cont)"}


def inequality(panel: Any, column: str, how: str = "mean") -> dict[str, Any]:
    """Gini and top-10 % share across workers of `column` (`how`: "mean" for a rate, "sum" for a total).

    Example:
        >>> frame = pd.DataFrame({"worker_id": [f"w{i}" for i in range(10)], "x": [1.0] * 9 + [11.0]})
        >>> found = inequality(frame, "x")
        >>> round(found["gini"], 2), found["top10_share"], found["top10_workers"]
        (0.45, 0.55, 1)
    """
    if how not in ("mean", "sum"):
        raise ValueError(f"{how}: mean (a rate) or sum (a total)")
    found = _pooled(panel, INEQUALITY_SQL, column, "AVG" if how == "mean" else "SUM")
    n = _counted(found)
    return {"statistic": "inequality", "column": column, "of": how, **n, "gini": found["gini"],
            "top10_share": found["top10_share"], "top10_workers": int(found["top10_workers"]),
            "definition": f"over workers' {how} of {column}; negative values counted as 0"}


def panel_regression(panel: Any, y: str, x: str, lag: int = 0, indicator: bool = False) -> dict[str, Any]:
    """y_it = a_i + b x_i,t-lag + e_it, worker fixed effects, standard errors clustered by worker.

    With `indicator`, the regressor is whether x was above 0 (e.g. any block in the month before), and
    the result also gives b relative to the mean of y when it was not (`relative`, `relative_ci95`).
    """
    import statsmodels.api as sm

    panel = as_pandas(panel)
    for name in (y, x):
        if name not in panel.columns:
            raise ValueError(f"{name}: not a column of the panel")
    frame = panel.sort_values(["worker_id", "platform", "period_start"])[
        ["worker_id", "platform", "period_start", y, x]].copy()
    regressor = f"{x}(t-{lag})" if lag else x
    frame[regressor] = frame.groupby(["worker_id", "platform"])[x].shift(lag) if lag else frame[x]
    if indicator:
        regressor, known = f"1[{regressor} > 0]", frame[regressor]
        frame[regressor] = (known > 0).astype(float).where(known.notna())
    used = frame.dropna(subset=[y, regressor])
    used = used[used.groupby("worker_id")["worker_id"].transform("size") >= 2]  # within needs two periods
    n = _enough(used, len(frame))
    demeaned_y = used[y] - used.groupby("worker_id")[y].transform("mean")
    demeaned_x = used[regressor] - used.groupby("worker_id")[regressor].transform("mean")
    fit = sm.OLS(demeaned_y.to_numpy(), demeaned_x.to_numpy().reshape(-1, 1)).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(used["worker_id"])[0]})
    se = float(fit.bse[0])  # fixed effects nested in the clusters: no further correction (Cameron-Miller)
    coef = float(fit.params[0])
    ci = [coef - 1.96 * se, coef + 1.96 * se]
    relative: dict[str, Any] = {}
    if indicator:
        base = float(used.loc[used[regressor] == 0, y].mean())
        relative = {"baseline_mean": base, "relative": coef / base if base else None,
                    "relative_ci95": [c / base for c in ci] if base else None}
    return {"statistic": "panel_regression", "y": y, "x": regressor, **n, "coefficient": coef,
            "std_error": se, "ci95": ci, **relative,
            "p_value": float(2 * _normal_sf(abs(coef / se))) if se > 0 else None,
            "definition": "within (worker fixed effects) OLS, standard errors clustered by worker "
                          "(statsmodels, small-sample factor G/(G-1)·(N-1)/(N-K))"}


def event_study(panel: Any, column: str, day: date, window: int = 4,
                seed: int = 0) -> dict[str, Any]:
    """Each worker's mean `column` over the `window` periods from `day` minus over the `window` before;
    the mean change, its 95 % confidence interval and a sign-flip permutation p-value."""
    from scipy import stats

    panel = as_pandas(panel)
    if column not in panel.columns:
        raise ValueError(f"{column}: not a column of the panel")
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


def below_minimum_share(panel: Any) -> dict[str, Any]:
    """The pooled share of logged-in hours in worker-periods paid (net) below the minimum wage."""
    found = _pooled(panel, BELOW_MINIMUM_SQL)
    n = _counted(found)
    return {"statistic": "below_minimum_share", **n,
            "share_of_hours": found["share_of_hours"],
            "share_of_worker_periods": found["share_of_worker_periods"],
            "definition": "logged-in hours of worker-periods whose net pay per logged-in hour is under the "
                          "minimum wage of the period, over all logged-in hours (known net pay only)"}


# The pooled SQL: one text for DuckDB and Spark SQL. {v} is the quoted column, {agg} AVG or SUM.
# Unknown values are NULL (from Parquet) or NaN (from pandas); Spark's isnan(NULL) is false, so both tests.
_TOTAL = "(SELECT COUNT(*) AS all_rows FROM panel) AS total"
DISTRIBUTION_SQL = f"""
WITH per_worker AS (
  SELECT worker_id, {{agg}}(v) AS v, COUNT(*) AS n
  FROM (SELECT worker_id, CAST({{v}} AS DOUBLE) AS v FROM panel) AS t
  WHERE v IS NOT NULL AND NOT isnan(v) GROUP BY worker_id)
SELECT COUNT(*) AS workers, SUM(n) AS worker_periods, MAX(all_rows) AS all_rows, AVG(v) AS mean,
  percentile_cont(0.1) WITHIN GROUP (ORDER BY v) AS p10,
  percentile_cont(0.25) WITHIN GROUP (ORDER BY v) AS q1,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY v) AS median,
  percentile_cont(0.75) WITHIN GROUP (ORDER BY v) AS q3,
  percentile_cont(0.9) WITHIN GROUP (ORDER BY v) AS p90
FROM per_worker CROSS JOIN {_TOTAL}
"""
INEQUALITY_SQL = f"""
WITH per_worker AS (
  SELECT worker_id, GREATEST({{agg}}(v), CAST(0 AS DOUBLE)) AS v, COUNT(*) AS n
  FROM (SELECT worker_id, CAST({{v}} AS DOUBLE) AS v FROM panel) AS t
  WHERE v IS NOT NULL AND NOT isnan(v) GROUP BY worker_id),
ranked AS (
  SELECT v, n, ROW_NUMBER() OVER (ORDER BY v) AS i, COUNT(*) OVER () AS workers, SUM(v) OVER () AS total_v
  FROM per_worker)
SELECT COUNT(*) AS workers, SUM(n) AS worker_periods, MAX(all_rows) AS all_rows,
  CASE WHEN MAX(total_v) > 0 THEN SUM((2 * i - workers - 1) * v) / (MAX(workers) * MAX(total_v)) END AS gini,
  CASE WHEN MAX(total_v) > 0 THEN
    SUM(CASE WHEN i > workers - CEIL(workers / 10.0) THEN v ELSE CAST(0 AS DOUBLE) END) / MAX(total_v)
  END AS top10_share,
  CAST(CEIL(COUNT(*) / 10.0) AS BIGINT) AS top10_workers
FROM ranked CROSS JOIN {_TOTAL}
"""
BELOW_MINIMUM_SQL = f"""
WITH used AS (
  SELECT worker_id, h, net, floor_h FROM (
    SELECT worker_id, CAST("time.logged_in_h" AS DOUBLE) AS h,
      CAST("pay.net_per_hour_logged_in" AS DOUBLE) AS net,
      CAST("pay.minimum_wage_per_hour" AS DOUBLE) AS floor_h FROM panel) AS t
  WHERE h IS NOT NULL AND net IS NOT NULL AND floor_h IS NOT NULL
    AND NOT isnan(h) AND NOT isnan(net) AND NOT isnan(floor_h) AND h > 0)
SELECT COUNT(DISTINCT worker_id) AS workers, COUNT(*) AS worker_periods, MAX(all_rows) AS all_rows,
  CASE WHEN SUM(h) > 0 THEN SUM(CASE WHEN net < floor_h THEN h ELSE CAST(0 AS DOUBLE) END) / SUM(h)
  END AS share_of_hours,
  AVG(CASE WHEN net < floor_h THEN CAST(1 AS DOUBLE) ELSE CAST(0 AS DOUBLE) END) AS share_of_worker_periods
FROM used CROSS JOIN {_TOTAL}
"""


def pooled_sql(template: str, column: str | None = None, agg: str = "AVG") -> str:
    """The SQL text both engines run for a pooled statistic, with the column quoted.

    Example:
        >>> 'CAST("pay.gross" AS DOUBLE)' in pooled_sql(DISTRIBUTION_SQL, "pay.gross")
        True
    """
    quoted = '"' + column.replace('"', '""') + '"' if column is not None else ""
    return template.replace("{v}", quoted).replace("{agg}", agg)


def _pooled(panel: Any, template: str, column: str | None = None, agg: str = "AVG") -> dict[str, Any]:
    if column is not None and column not in panel.columns:
        raise ValueError(f"{column}: not a column of the panel")
    sql = pooled_sql(template, column, agg)
    if isinstance(panel, pd.DataFrame):
        import duckdb

        con = duckdb.connect()
        try:
            con.register("panel", panel)
            frame = con.sql(sql).df()
        finally:
            con.close()
    else:  # a Spark DataFrame: the same text in Spark SQL
        panel.createOrReplaceTempView("panel")
        frame = panel.sparkSession.sql(sql).toPandas()
    row = frame.iloc[0].to_dict()
    return {k: (None if v is None or (isinstance(v, float) and np.isnan(v)) else
                int(v) if k in ("workers", "worker_periods", "all_rows") else float(v))
            for k, v in row.items()}


def _counted(found: dict[str, Any]) -> dict[str, int]:
    count = int(found["workers"] or 0)
    if count < MIN_WORKERS:
        raise TooFew(f"{count} worker(s) with the figures needed: comparisons need at least {MIN_WORKERS}")
    used = int(found["worker_periods"] or 0)
    return {"workers": count, "worker_periods": used, "left_out": int(found["all_rows"] or 0) - used}


def as_pandas(panel: Any) -> pd.DataFrame:
    """The panel as a pandas frame (a Spark DataFrame is collected: one row per worker-period)."""
    return panel if isinstance(panel, pd.DataFrame) else panel.toPandas()


def _enough(used: pd.DataFrame, rows: int, workers: int | None = None) -> dict[str, int]:
    count = int(used["worker_id"].nunique()) if workers is None else workers
    if count < MIN_WORKERS:
        raise TooFew(f"{count} worker(s) with the figures needed: comparisons need at least {MIN_WORKERS}")
    return {"workers": count, "worker_periods": int(len(used)), "left_out": int(rows - len(used))}


def _normal_sf(z: float) -> float:
    from scipy import stats

    return float(stats.norm.sf(z))
