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
    assert cmp.gini([5.0] * 10) == pytest.approx(0.0)
    assert cmp.gini([0.0] * 9 + [10.0]) == pytest.approx(0.9)
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
