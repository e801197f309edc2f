"""The Bureau Local yearly table over a pool of riders paid by Deliveroo invoices: each member's invoices
are simulated (the PDFs a rider downloads), ingested on their own computer, shared and pooled; the table
is checked against the simulator's own sessions by the study's rules (IWGB / Bureau Local 2021)."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from typer.testing import CliRunner

from parsers.ingest import ingest_export
from tests.toolkit.pool.members import PASSPHRASE, share_file
from toolkit.cli import app
from toolkit.pool import Pool
from toolkit.pool.figures import Rules
from toolkit.pool.invoices import financial_year, invoice_years
from toolkit.pool.keys import unlock
from toolkit.samples.deliveroo import write_deliveroo_sample

MEMBERS = 6
NLW = {"2020-21": 8.72, "2021-22": 8.91, "2022-23": 9.50}  # the UK minimum wage of each financial year


@pytest.fixture(scope="module")
def riders(tmp_path_factory: pytest.TempPathFactory) -> tuple[Pool, list[dict[str, pd.DataFrame]]]:
    folder = tmp_path_factory.mktemp("riders")
    pool, _ = Pool.init(folder / "pool", PASSPHRASE)
    truths, bundles = [], []
    for i in range(MEMBERS):
        name = f"rider-{i}"
        export = folder / f"{name}.zip"
        truths.append(write_deliveroo_sample(export, "en-GB", invoices=6, seed=300 + i))
        store = folder / f"{name}-store"
        assert ingest_export(export, store, worker=name).status == "ingested"
        bundles.append(share_file(store, name, pool.folder / "union.pub", folder / f"{name}.gdb"))
    results = pool.add(bundles, keys=unlock(pool.folder, PASSPHRASE))
    assert [r.status for r in results] == ["added"] * MEMBERS
    return pool, truths


def _expected(truths: list[dict[str, pd.DataFrame]]) -> pd.DataFrame:
    """The study's per-year sums, from the simulator's sessions (not from the pool)."""
    london = ZoneInfo("Europe/London")
    rows = []
    for member, truth in enumerate(truths):
        for _, invoice in truth["statements"].iterrows():
            file = invoice["source_file"]
            year = financial_year(invoice["period_start"].tz_convert(london).date(), "GBP")
            sessions = truth["status_segments"][truth["status_segments"]["source_file"] == file]
            lines = truth["earnings"][truth["earnings"]["source_file"] == file]
            fees = lines[lines["category"] == "fare"].set_index("source_row")["amount"]
            for _, s in sessions.iterrows():
                hours = (s["end_at"] - s["start_at"]).total_seconds() / 3600
                pay = float(fees.get(s["source_row"], 0.0))
                rows.append({"member": member, "year": year, "orders": s["jobs_reported"], "hours": hours,
                             "basic_pay": pay, "below_ten": pay / hours < 10,
                             "below_min": pay / hours < NLW[year]})
            rows.append({"member": member, "year": year, "orders": 0, "hours": 0.0, "basic_pay": 0.0,
                         "below_ten": False, "below_min": False, "other_pay": float(
                             lines[lines["category"].isin(["incentive", "adjustment"])]["amount"].sum())})
    frame = pd.DataFrame(rows).fillna({"other_pay": 0.0})
    shifts = frame[frame["hours"] > 0].groupby("year").size()
    out = frame.groupby("year").agg(riders=("member", "nunique"), orders=("orders", "sum"),
                                    hours=("hours", "sum"),
                                    basic_pay=("basic_pay", "sum"), other=("other_pay", "sum"),
                                    below_ten=("below_ten", "sum"), below_min=("below_min", "sum"))
    out["shifts"] = shifts
    out["pay"] = out["basic_pay"] + out["other"]
    return out


def test_the_yearly_table_is_the_studys_over_the_members_invoices(
        riders: tuple[Pool, list[dict[str, pd.DataFrame]]]) -> None:
    pool, truths = riders
    expected = _expected(truths)
    table = invoice_years(pool, Rules.of(internal=True))
    assert table["status"] == "released" and table["members_with_invoices"] == MEMBERS
    released = [c for c in table["years"] if c["status"] == "released"]
    assert released, table
    for cell in table["years"]:
        want = expected.loc[cell["year"]]
        if want["riders"] < 5:
            assert cell["status"] == "too_few" and cell["riders"] is None
            continue
        totals, ratios = cell["totals"], cell["ratios"]
        assert cell["riders"] == want["riders"] and cell["currency"] == "GBP"
        for name, column in (("shifts", "shifts"), ("orders", "orders"), ("hours", "hours"),
                             ("basic_pay", "basic_pay"), ("pay", "pay"), ("shifts_below_ten", "below_ten"),
                             ("shifts_below_minimum", "below_min")):
            if totals[name] is not None:  # else withheld by the dominance rule, said
                assert totals[name] == pytest.approx(want[column]), name
            else:
                assert cell["withheld"][name] == "one member makes over half of it"
        if totals["hours"] and totals["orders"] is not None:
            assert ratios["orders_per_hour"] == pytest.approx(want["orders"] / want["hours"])
        if totals["shifts"] and totals["shifts_below_minimum"] is not None:
            assert ratios["shifts_below_minimum_share"] == pytest.approx(want["below_min"] / want["shifts"])


def test_the_financial_year_of_the_study() -> None:
    assert financial_year(date(2021, 1, 15), "GBP") == "2020-21"  # January to March: the year before
    assert financial_year(date(2021, 4, 1), "GBP") == "2021-22"
    assert financial_year(date(2021, 1, 15), "EUR") == "2021"


def test_the_table_is_in_pool_metrics_and_withheld_under_k(
        riders: tuple[Pool, list[dict[str, pd.DataFrame]]]) -> None:
    pool, _ = riders
    runner = CliRunner(env={"COLUMNS": "220", "GIGDATA_POOL_PASSPHRASE": PASSPHRASE})
    done = runner.invoke(app, ["pool", "metrics", str(pool.folder), "--internal"])
    assert done.exit_code == 0, done.output
    assert "Bureau Local yearly table" in done.output
    strict = invoice_years(pool, Rules.of(internal=True, k=MEMBERS + 1))  # k above the pool: nothing shows
    assert all(c["status"] == "too_few" and c["totals"]["pay"] is None for c in strict["years"])
