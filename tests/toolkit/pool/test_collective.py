"""Collective figures: 30 simulated members, a platform-wide fee cut on one day and one member planted with
far fewer offers per hour online; and the disclosure rules on any pool (a property test)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tests.toolkit.pool.members import CANARIES, PASSPHRASE, member_store, plant_canaries, share_file
from toolkit.access import union_log
from toolkit.access.tracker import add_request, update_request
from toolkit.cli import app
from toolkit.pool import Pool
from toolkit.pool.figures import DOMINANCE, TOTALS, Rules, collective, member_months
from toolkit.pool.keys import unlock
from toolkit.selection import Selection
from toolkit.store import load_table

FEE_CUT = date(2021, 2, 22)
PLANTED = "member-07"


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Pool:
    folder = tmp_path_factory.mktemp("collective")
    made, _ = Pool.init(folder / "pool", PASSPHRASE)
    bundles = []
    for i in range(30):
        name = f"member-{i:02d}"
        waiting = 0.75 if name == PLANTED else 0.35 + 0.1 * (i % 3) / 2
        store = member_store(folder, name, days=42, seed=100 + i, fee_cut=(FEE_CUT, 0.2),
                             waiting_share=waiting, plant=plant_canaries if i == 0 else None)
        if i == 1:  # two members shared their access requests: the pack's request log
            add_request(store, platform="uber", ground="art15", sent=date(2026, 1, 31), via="webform",
                        worker=name, today=date(2026, 12, 1))
        if i == 2:
            asked = add_request(store, platform="uber", ground="art20", sent=date(2026, 2, 2), via="email",
                                worker=name, today=date(2026, 12, 1))
            update_request(store, asked.id, today=date(2026, 12, 1), answered=date(2026, 2, 27),
                           answer_language="fr")
        bundles.append(share_file(store, name, made.folder / "union.pub", folder / f"{name}.gdb"))
    results = made.add(bundles, keys=unlock(made.folder, PASSPHRASE))
    assert [r.status for r in results] == ["added"] * 30, [r.message for r in results]
    made.planted = results[int(PLANTED[-2:])].member  # type: ignore[attr-defined]
    return made


@pytest.mark.slow
@pytest.mark.xdist_group("pool-of-30")  # one worker builds the 30 members
def test_the_fee_cut_shows_on_its_day_and_the_planted_member_only_internally(pool: Pool) -> None:
    months = member_months(pool)
    released = collective(pool, table=months)
    internal = collective(pool, internal=True, table=months)
    assert released["view"] == "export" and released["k"] == 10 and "per_member" not in released
    text = json.dumps(released, default=str)
    assert not any(pid in text for pid in pool.member_ids())  # nobody by pseudonym in an export
    february = next(c for c in released["months"] if c["period"] == "2021-02")
    assert february["status"] == "released" and february["members"] == 30
    assert february["totals"]["jobs"] == months[months["month"] == "2021-02"]["jobs"].sum()
    spread = february["spread"]["unpaid_share"]
    assert spread["q1"] <= spread["median"] <= spread["q3"] < 0.75
    # the cut, pooled over every member's jobs, is found on its day
    cut = released["pay_changes"]
    assert cut["status"] == "released" and cut["members"] == 30
    assert any(date.fromisoformat(c["date_low"]) <= FEE_CUT <= date.fromisoformat(c["date_high"])
               and c["relative"] < -0.1 for c in cut["changes"]), cut
    # the planted member stands out in the internal view only
    rates = {m["member"]: m["offers_per_logged_in_h"] for m in internal["per_member"]}
    planted = rates.pop(pool.planted)  # type: ignore[attr-defined]
    assert planted < 0.75 * min(rates.values())
    # a year's totals are the sum of its released months
    year = next(c for c in released["years"] if c["period"] == "2021")
    assert year["totals"]["logged_in_h"] == pytest.approx(months["logged_in_h"].sum())
    # the LOM indicators 1 and 2 of the year, recomputed from the pool's rows by their legal definitions
    jobs = load_table(pool.store, "jobs")
    done = jobs[(jobs["status"] == "completed") & jobs["picked_up_at"].notna()]
    minutes = (done["dropped_off_at"] - done["picked_up_at"]).dt.total_seconds() / 60
    assert year["lom"]["mean_duration_min"] == pytest.approx(minutes.mean())
    pay = load_table(pool.store, "earnings")
    legal = ["fare", "incentive", "commission", "adjustment", "fee"]  # décret 2021-501: tips left out
    income = pay[pay["category"].isin(legal)]["amount"].sum()
    assert year["lom"]["mean_income_per_prestation"] == pytest.approx(income / len(done))


@pytest.mark.slow
@pytest.mark.xdist_group("pool-of-30")  # one worker builds the 30 members
def test_a_members_month_is_what_gigdata_metrics_says_for_that_member_and_month(pool: Pool) -> None:
    months = member_months(pool)
    for pid in pool.member_ids()[:3]:
        for month, first, last in (("2021-02", date(2021, 2, 1), date(2021, 2, 28)),
                                   ("2021-03", date(2021, 3, 1), date(2021, 3, 31))):
            row = months[(months["member"] == pid) & (months["month"] == month)].iloc[0]
            own = Selection(pool.store, worker=pid, start=first, end=last).metrics()
            assert row["jobs"] == own["jobs"]["total"]
            assert row["logged_in_h"] == pytest.approx(own["time"]["logged_in_h"], rel=1e-9)
            assert row["waiting_h"] == pytest.approx(own["time"]["waiting_h"], rel=1e-9)
            assert row["per_hour_logged_in"] == pytest.approx(own["pay"]["per_hour_logged_in"], rel=1e-9)
            assert row["net_per_hour_logged_in"] == pytest.approx(own["pay"]["net_per_hour_logged_in"],
                                                                  rel=1e-9)


def _months(draw: st.DrawFn) -> pd.DataFrame:
    rows = []
    members = draw(st.integers(min_value=1, max_value=40))
    for m in range(members):
        for month in draw(st.sets(st.sampled_from(["2025-01", "2025-02", "2025-03"]), min_size=1)):
            hours = draw(st.floats(min_value=0.5, max_value=300))
            big = draw(st.booleans()) and m == 0
            rows.append({"member": f"m{m}", "month": month, "year": 2025, "currency": "EUR", "partial": False,
                         "jobs": draw(st.integers(0, 400)) * (50 if big else 1), "logged_in_h": hours,
                         "waiting_h": hours * draw(st.floats(0, 0.9)), "engaged_h": hours * 0.5,
                         "gross": hours * draw(st.floats(5, 30)) * (50 if big else 1), "net": hours * 5,
                         "refusal_sanctions": 0, "refusal_blocked_h": 0.0, "blocked_h": 0.0,
                         "unpaid_share": 0.3, "per_hour_logged_in": 12.0, "per_hour_engaged": 20.0,
                         "net_per_hour_logged_in": 5.0, "net_per_hour_engaged": 10.0,
                         "minimum_wage_per_hour": 11.65, "below_minimum_wage": True, "weeks": 4,
                         "weeks_below_minimum": draw(st.integers(0, 4))})
    return pd.DataFrame(rows)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), k=st.integers(min_value=5, max_value=15))
def test_no_released_cell_has_fewer_than_k_members_or_a_dominant_one(tmp_path_factory: pytest.TempPathFactory,
                                                                     data: st.DataObject, k: int) -> None:
    table = data.draw(st.composite(_months)())
    empty = Pool(tmp_path_factory.getbasetemp() / "empty-pool")
    result = collective(empty, internal=True, k=k, table=table)
    for scale in ("months", "years"):
        for cell in result[scale]:
            inside = table[table["month"] == cell["period"]] if scale == "months" else table
            count = inside["member"].nunique()
            if cell["status"] == "released":
                assert count >= k and cell["members"] == count
                per_member = inside.groupby("member")[list(TOTALS)].sum()
                for name, value in cell["totals"].items():
                    if value is not None:
                        column = per_member[name].abs()
                        assert column.max() <= DOMINANCE * column.sum() + 1e-9
            else:
                assert count < k and cell["members"] is None
                assert all(v is None for v in cell["totals"].values())
            for bin_ in cell.get("unpaid_share_histogram", []):
                assert bin_["members"] is None or bin_["members"] == 0 or bin_["members"] >= k
    withheld = {c["period"] for c in result["months"] if c["status"] != "released"}
    for year in result["years"]:
        if withheld and year["status"] == "released":  # else the year minus the released months gives them
            assert all(year["totals"][name] is None for name in TOTALS)


def test_k_cannot_be_lowered(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="can only be raised"):
        collective(Pool(tmp_path), internal=False, k=9, table=pd.DataFrame())


@pytest.mark.slow
@pytest.mark.xdist_group("pool-of-30")  # one worker builds the 30 members
def test_the_evidence_pack_reads_back_with_the_figures_and_the_chain_of_custody(pool: Pool,
                                                                                tmp_path: Path) -> None:
    import hashlib
    import io

    import openpyxl
    import pdfplumber
    from typer.testing import CliRunner

    from toolkit.cli import app
    from toolkit.i18n import Translator

    runner = CliRunner(env={"COLUMNS": "200"})
    released = collective(pool)
    february = next(c for c in released["months"] if c["period"] == "2021-02")
    published = tmp_path / "uber-2021.toml"
    published.write_text("[2021]\nmean_duration_min = 37.25\n")  # what the platform said, as entered
    for lang, word in (("fr", "Chaîne de conservation"), ("en", "Chain of custody")):
        out = tmp_path / f"pack-{lang}.pdf"
        made = runner.invoke(app, ["pool", "report", str(pool.folder), "--out", str(out), "--lang", lang,
                                   "--published", str(published)])
        assert made.exit_code == 0, made.output
        digest = hashlib.sha256(out.read_bytes()).hexdigest()
        assert (tmp_path / f"pack-{lang}.pdf.sha256").read_text().split()[0] == digest
        with pdfplumber.open(out) as pdf:
            text = "\n".join(page.extract_text() or "" for page in pdf.pages)
        text = " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())
        flat = text
        assert word in flat and ("Annexe A" if lang == "fr" else "Annex A") in flat
        def said(value: str) -> str:  # as the pack writes it, spaces as pdfplumber reads them
            return value.replace("\u202f", " ").replace("\xa0", " ")

        tr = Translator(lang)
        assert not [c for c in CANARIES if c.lower() in text.lower()]  # member-00's planted identifiers
        assert said(tr.integer(february["totals"]["jobs"])) in text
        assert said(tr.integer(february["members"])) in text
        assert said(tr.number(37.25, 1)) in text  # the platform's figure beside the pool's
        year = next(c for c in released["years"] if c["period"] == "2021")
        assert said(tr.number(year["lom"]["mean_duration_min"], 1)) in text
        for bundle in pool.register()["bundles"].values():  # every bundle's fingerprint, whole
            assert bundle["sha256"] in flat.replace(" ", "")
    asked = union_log.log(pool.store, date.today(), pool.member_ids())
    assert [r["ground"] for r in asked] == ["art15", "art20"]
    assert "7. Members' access requests" in flat and asked[0]["worker"] in flat.replace(" ", "")
    assert union_log.summary_text(asked, Translator("en")) in flat
    book_path = tmp_path / "pack.xlsx"
    assert runner.invoke(app, ["pool", "report", str(pool.folder), "--out", str(book_path)]).exit_code == 0
    book = openpyxl.load_workbook(io.BytesIO(book_path.read_bytes()))
    sheets = {"about", "years", "months", "pay_changes", "members", "bundles", "source_files", "requests"}
    assert sheets <= set(book.sheetnames)
    months = book["months"]
    header = [c.value for c in months[1]]
    row = next(r for r in months.iter_rows(min_row=2, values_only=True) if r[0] == "2021-02")
    assert row[header.index("total_jobs")] == february["totals"]["jobs"]
    assert all(c.data_type != "f" for sheet in book for r in sheet.iter_rows() for c in r)
    cells = " ".join(str(c.value) for sheet in book for r in sheet.iter_rows() for c in r).lower()
    assert not [c for c in CANARIES if c.lower() in cells]
    assert book["members"].max_row == 31


@pytest.mark.slow
@pytest.mark.xdist_group("pool-of-30")  # one worker builds the 30 members
def test_lost_earnings_of_deactivated_members_by_the_12_week_method(pool: Pool) -> None:
    from toolkit.pool.figures import lost_earnings

    members = pool.member_ids()
    day, until = date(2021, 3, 8), date(2021, 4, 5)
    given = dict.fromkeys(members[:10], day)
    internal = collective(pool, internal=True, table=member_months(pool), deactivations=given, until=until)
    lost = internal["lost_earnings"]
    assert lost["status"] == "released" and lost["members"] == 10
    pay = load_table(pool.store, "earnings")
    end = pd.Timestamp(str(day), tz="Europe/Paris")
    expected = {}
    for pid in members[:10]:
        first = Selection(pool.store, worker=pid).data_days[0]  # data start: later than 12 weeks before
        start = pd.Timestamp(str(first), tz="Europe/Paris")
        rows = pay[(pay["worker_id"] == pid) & (pay["earned_at"] >= start) & (pay["earned_at"] < end)]
        gross = rows["amount"].sum() - rows.loc[rows["category"] == "tip", "amount"].sum() \
            - rows.loc[(rows["category"] == "tax") & (rows["amount"] > 0), "amount"].sum()
        weekly = gross / ((end - start).days / 7)
        expected[pid] = weekly * (until - day).days / 7
    shown = {m["member"]: m["lost"] for m in lost["per_member"]}
    assert shown == pytest.approx(expected)
    assert lost["total"] == pytest.approx(sum(expected.values()))
    # for export, only the pooled figure; with fewer than k deactivated members, nothing
    export = lost_earnings(pool, Rules.of(False), given, until)
    assert "per_member" not in export and export["total"] == pytest.approx(lost["total"])
    few = lost_earnings(pool, Rules.of(False), dict.fromkeys(members[:3], day), until)
    assert few["status"] == "withheld" and "total" not in few


@pytest.mark.slow
@pytest.mark.xdist_group("pool-of-30")  # one worker builds the 30 members
def test_a_private_release_is_near_the_truth_and_spends_the_pools_budget(pool: Pool) -> None:
    from toolkit.errors import PoolError
    from toolkit.pool.private import budget, dp_release

    months = member_months(pool)
    before = budget(pool)["spent"]
    # ε = 2: at 1, a 30-member year's noisy count fell under k = 10 about 3 times in 100 (seen in CI)
    release = dp_release(pool, 2.0, months, k=10, scale="year")
    assert release["budget"]["spent"] == pytest.approx(before + 2.0)
    assert release["per_query_epsilon"] * release["cells"].__len__() * 7 <= 2.0 + 1e-9
    truth = months.groupby(["year", "member"])[["logged_in_h", "gross"]].sum()
    for cell in release["cells"]:
        year = truth.loc[int(cell["period"])]
        assert abs(cell["members"]["value"] - len(year)) <= 4 * cell["members"]["accuracy"]
        for name in ("logged_in_h", "gross"):
            bound = release["bounds"][name]
            clipped = float(year[name].clip(upper=bound).sum())
            noisy = cell["totals"][name]
            assert abs(noisy["value"] - clipped) <= 4 * noisy["accuracy"], name
    assert release["cells"], release
    # the budget is kept: a release past it is refused and spends nothing
    left = budget(pool)["left"]
    with pytest.raises(PoolError, match="budget has left"):
        dp_release(pool, left + 0.5, months, k=10)
    assert budget(pool)["left"] == pytest.approx(left)
    ledger = pool.folder / "dp_budget.json"
    saved = ledger.read_bytes()
    ledger.write_text("{broken", encoding="utf-8")  # never guess what was spent
    with pytest.raises(PoolError, match="unreadable"):
        dp_release(pool, 0.1, months, k=10)
    ledger.write_bytes(saved)
    done = CliRunner(env={"COLUMNS": "200", "GIGDATA_POOL_PASSPHRASE": PASSPHRASE}).invoke(
        app, ["pool", "metrics", str(pool.folder), "--dp", "0.5"])
    assert done.exit_code == 0, done.output
    assert "differentially private release: ε = 0.5" in done.output
    assert "Privacy budget of the pool" in done.output
    assert budget(pool)["spent"] == pytest.approx(before + 2.5)
    # the pack carries a private release when asked, and the budget counts it
    import io

    import pdfplumber

    from toolkit.pool.pack import evidence_pack

    data = evidence_pack(pool, "fr", "pdf", dp=0.5)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    assert "Publication en confidentialité différentielle" in text and " ± " in text
    assert budget(pool)["spent"] == pytest.approx(before + 3.0) and len(budget(pool)["releases"]) >= 3


@pytest.mark.slow
@pytest.mark.xdist_group("pool-of-30")  # one worker builds the 30 members
def test_the_union_page_makes_the_pack_with_a_private_release(pool: Pool, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import AppTest

    from toolkit.pool.private import budget

    original = PagesManager.__init__

    def init(self: PagesManager, *args: object, **kwargs: object) -> None:  # as tests/app/conftest.py
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)
    app = Path(__file__).resolve().parents[3] / "app.py"
    monkeypatch.setenv("GIGDATA_POOL", str(pool.folder))
    at = AppTest.from_file(str(app), default_timeout=300)
    at.session_state["_gigdata_store"] = str(tmp_path / "store")
    at.session_state["lang"] = "fr"
    at.run()
    at.switch_page("pages/union.py").run()
    at.text_input(key="union-pass").input(PASSPHRASE).run()
    assert not at.exception, [e.value for e in at.exception]
    left = budget(pool)["left"]
    assert any("Budget de confidentialité" in c.value for c in at.caption)
    at.number_input(key="union-dp").set_value(0.5).run()
    at.button(key="union-pack").click().run()
    assert not at.exception and not at.error, ([e.value for e in at.error], [e.value for e in at.exception])
    assert at.success, [i.value for i in at.info]
    fmt, data = at.session_state["_gigdata_pack"]
    assert fmt == "pdf" and data.startswith(b"%PDF")
    assert budget(pool)["left"] == pytest.approx(left - 0.5)
