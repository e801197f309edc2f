"""Comparisons across drivers on panels with planted effects: the fixed-effects regression and the event
study find a planted effect within their intervals, report none on a null panel at their stated error
rate, and every result states its n and refuses under the minimum."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from toolkit import compare as cmp
from toolkit.cli import app


def _monthly(rng: np.random.Generator, workers: int = 40, months: int = 12,
             effect: float = 0.0) -> pd.DataFrame:
    """offers per logged-in hour = the worker's own level + effect × last month's acceptance rate + noise."""
    rows = []
    for w in range(workers):
        level = rng.normal(3.0, 0.8)
        rates = rng.uniform(0.4, 1.0, months)
        for m in range(months):
            previous = rates[m - 1] if m else np.nan
            y = level + (effect * previous if m else 0.0) + rng.normal(0, 0.3)
            rows.append({"worker_id": f"w{w:03d}", "platform": "uber", "period_start": date(2025, 1 + m, 1),
                         "offers.per_logged_in_h": y, "offers.acceptance_rate": rates[m]})
    return pd.DataFrame(rows)


def _weekly(rng: np.random.Generator, cut_on: date, cut: float, workers: int = 30) -> pd.DataFrame:
    rows = []
    first = cut_on - timedelta(weeks=8)
    for w in range(workers):
        level = rng.normal(20.0, 3.0)
        for k in range(16):
            start = first + timedelta(weeks=k)
            y = level * (1 + (cut if start >= cut_on else 0.0)) + rng.normal(0, 1.0)
            rows.append({"worker_id": f"w{w:03d}", "platform": "uber", "period_start": start,
                         "pay.per_hour_logged_in": y})
    return pd.DataFrame(rows)


def test_gini_and_the_top_share_of_known_values() -> None:
    ids = [f"w{i}" for i in range(10)]
    assert cmp.inequality(pd.DataFrame({"worker_id": ids, "x": [5.0] * 10}), "x")["gini"] == \
        pytest.approx(0.0)
    assert cmp.inequality(pd.DataFrame({"worker_id": ids, "x": [0.0] * 9 + [10.0]}), "x")["gini"] == \
        pytest.approx(0.9)
    # 30 workers: the top 10 % is 3 of them (30 × 0.1 is 3.0000000000000004 in floating point)
    spread = pd.DataFrame({"worker_id": [f"w{i}" for i in range(30)], "x": [float(i) for i in range(30)]})
    top = cmp.inequality(spread, "x")
    assert top["top10_workers"] == 3 and top["top10_share"] == pytest.approx((27 + 28 + 29) / sum(range(30)))
    panel = pd.DataFrame({"worker_id": [f"w{i}" for i in range(10)], "x": [1.0] * 9 + [11.0]})
    found = cmp.inequality(panel, "x")
    assert found["top10_share"] == pytest.approx(11 / 20) and found["workers"] == 10


def test_the_regression_recovers_a_planted_effect_and_its_interval_covers_as_stated() -> None:
    rng = np.random.default_rng(11)
    found = cmp.panel_regression(_monthly(rng, effect=-1.5), "offers.per_logged_in_h",
                                 "offers.acceptance_rate", lag=1)
    assert found["ci95"][0] <= -1.5 <= found["ci95"][1] and found["ci95"][1] < 0
    assert found["workers"] == 40 and found["worker_periods"] == 40 * 11 and found["left_out"] == 40
    covered = 0
    for _ in range(200):  # on null panels the 95 % interval holds 0 about 95 times in 100
        null = cmp.panel_regression(_monthly(rng, workers=30, months=8), "offers.per_logged_in_h",
                                    "offers.acceptance_rate", lag=1)
        covered += null["ci95"][0] <= 0 <= null["ci95"][1]
    assert 0.90 <= covered / 200 <= 0.99


def test_the_event_study_finds_the_fee_cut_on_its_day_and_nothing_on_a_null_panel() -> None:
    rng = np.random.default_rng(12)
    day = date(2025, 3, 3)
    found = cmp.event_study(_weekly(rng, day, -0.15), "pay.per_hour_logged_in", day)
    assert found["ci95"][1] < 0 and found["permutation_p"] < 0.01
    assert found["relative"] == pytest.approx(-0.15, abs=0.03) and found["workers"] == 30
    rejected = sum(
        cmp.event_study(_weekly(rng, day, 0.0), "pay.per_hour_logged_in", day)["permutation_p"] < 0.05
        for _ in range(100))
    assert rejected <= 12  # a 5 % test: about 5 in 100 by chance


def test_the_share_of_hours_below_the_minimum_wage_is_pooled_over_hours() -> None:
    panel = pd.DataFrame({"worker_id": [f"w{i}" for i in range(10)],
                          "time.logged_in_h": [10.0] * 5 + [30.0] * 5,
                          "pay.net_per_hour_logged_in": [8.0] * 5 + [12.0] * 5,
                          "pay.minimum_wage_per_hour": [9.0] * 10})
    found = cmp.below_minimum_share(panel)
    assert found["share_of_hours"] == pytest.approx(50 / 200) and found["share_of_worker_periods"] == 0.5


def test_under_ten_workers_nothing_is_compared(tmp_path: Path) -> None:
    panel = _monthly(np.random.default_rng(3), workers=9)
    with pytest.raises(cmp.TooFew, match="at least 10"):
        cmp.distribution(panel, "offers.per_logged_in_h")
    store = tmp_path / "store"
    (store / "_panel").mkdir(parents=True)
    _monthly(np.random.default_rng(4), workers=12).to_parquet(store / "_panel" / "panel_month.parquet")
    done = CliRunner().invoke(app, ["compare", "distribution", "--store", str(store), "--column",
                                    "offers.per_logged_in_h"])
    assert done.exit_code == 0, done.output
    assert '"workers": 12' in done.output and '"median"' in done.output
    small = tmp_path / "small"
    (small / "_panel").mkdir(parents=True)
    panel.to_parquet(small / "_panel" / "panel_month.parquet")
    refused = CliRunner(env={"COLUMNS": "200"}).invoke(
        app, ["compare", "regression", "--store", str(small), "--column", "offers.per_logged_in_h"])
    assert refused.exit_code == 2 and "at least 10" in refused.output


@pytest.mark.slow
def test_a_fee_cut_planted_in_simulated_drivers_is_found_from_their_exports(tmp_path: Path) -> None:
    """Simulated drivers' exports, ingested, panelled by week: the event study finds the platform-wide cut
    of 20 % on its day; the same drivers without the cut show none."""
    from parsers.ingest import ingest_export
    from toolkit.panel import build_panel
    from toolkit.samples import layout_params, write_sample

    day = date(2021, 3, 1)  # a Monday, four weeks after the first simulated day
    store = tmp_path / "store"
    for i in range(24):
        cut = (day, 0.2) if i < 12 else None
        export = tmp_path / f"d{i}"
        write_sample("uber", export, layout="sar-fr-2021",
                     params=layout_params("uber", "sar-fr-2021", days=56, seed=900 + i % 12, fee_cut=cut,
                                          gps_every_s=0.0))
        name = f"{'cut' if cut else 'null'}-{i % 12:02d}"
        assert ingest_export(export, store, worker=name).status == "ingested"
    panel = build_panel(store, "week")
    cut_panel = panel[panel["worker_id"].str.startswith("cut")]
    null_panel = panel[panel["worker_id"].str.startswith("null")]
    found = cmp.event_study(cut_panel, "pay.per_hour_engaged", day)
    assert found["workers"] == 12 and found["ci95"][1] < 0 and found["permutation_p"] < 0.01
    assert -0.3 < found["relative"] < -0.1, found
    none = cmp.event_study(null_panel, "pay.per_hour_engaged", day)
    assert none["ci95"][0] <= 0 <= none["ci95"][1] and none["permutation_p"] > 0.05, none


def _streak_pool(store: Path) -> list[dict]:
    """20 simulated drivers over 8 whole months (2024-01 to 2024-08) whose rejection probability changes
    month by month (3 % or 25 %, so some months hold a 3-rejection streak and its block, others do not);
    the first 10 get the planted effect: 30 % fewer offers per logged-in hour in the month after a block."""
    from concurrent.futures import ProcessPoolExecutor

    rng = np.random.default_rng(2024)
    jobs = []
    for i in range(20):
        months = tuple(float(r) for r in rng.choice([0.03, 0.25], size=8))
        jobs.append((store, i, months, 0.3 if i < 10 else 0.0))
    with ProcessPoolExecutor(max_workers=2) as pool:
        return list(pool.map(_file_streak_worker, jobs))


def _file_streak_worker(job: tuple[Path, int, tuple[float, ...], float]) -> dict:
    from toolkit.samples import file_simulated, layout_params

    store, i, months, effect = job
    params = layout_params("uber", "sar-fr-2021", days=244, seed=7000 + i, start=date(2024, 1, 1),
                           gps_every_s=0.0, reject_prob_months=months, streak_effect=effect)
    name = f"{'streak' if effect else 'null'}-{i:02d}"
    return {"worker": name, **file_simulated(store, params, name, f"{7000 + i:016x}").truth["streak_effect"]}


@pytest.mark.slow
def test_a_rejection_streak_effect_planted_in_a_third_is_found_by_the_fixed_effects_regression(
        tmp_path: Path) -> None:
    """Offers per logged-in hour regressed on whether the month before held a block (the streak's
    sanction), worker fixed effects, clustered errors: the planted 30 % fall is inside the interval for the
    drivers who have it; the others (a null pool) show no effect; the pool of all finds a diluted one."""
    from toolkit.panel import build_panel

    store = tmp_path / "store"
    truths = _streak_pool(store)
    assert all(t["months_with_block"] and len(t["months_with_block"]) < 8 for t in truths)  # x varies
    panel = build_panel(store, "month")
    panel = panel[pd.to_datetime(panel["period_start"]) < "2024-09-01"]  # a last session may end in September
    assert len(panel) == 20 * 8  # (a first month may be partial: a driver who did not work on 1 January)
    assert panel["sanctions.blocks"].notna().all()  # months without a block say 0, not unknown
    y, x = "offers.per_logged_in_h", "sanctions.blocks"
    hit = cmp.panel_regression(panel[panel["worker_id"].str.startswith("streak")], y, x, lag=1,
                               indicator=True)
    assert hit["workers"] == 10 and hit["worker_periods"] == 10 * 7 and hit["x"] == f"1[{x}(t-1) > 0]"
    low, high = hit["relative_ci95"]
    assert low <= -0.3 <= high and high < 0, hit
    none = cmp.panel_regression(panel[panel["worker_id"].str.startswith("null")], y, x, lag=1,
                                indicator=True)
    assert none["ci95"][0] <= 0 <= none["ci95"][1], none
    pooled = cmp.panel_regression(panel, y, x, lag=1, indicator=True)
    assert pooled["workers"] == 20 and hit["relative"] < pooled["relative"] < 0, pooled
