"""The completeness check on every sample layout, on a month missing, and on the period asked for."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parsers.ingest import ingest_export
from toolkit.access.check import check
from toolkit.access.reference import ITEMS
from toolkit.access.tracker import add_request
from toolkit.samples import SAMPLE_ZONES

SAMPLES = Path(__file__).resolve().parents[3] / "sample_exports"
EVERYTHING_BUT_TRIPS = {"status_log", "per_offer_dispatch", "dated_ratings", "payments", "restrictions",
                        "gps", "data_dictionary"}
LACKS: dict[str, tuple[str, set[str]]] = {
    # sample -> (platform, what its layout lacks), from the layouts in sample_exports/README.md
    "uber-portal-2022": ("uber", EVERYTHING_BUT_TRIPS),                 # one trips file
    "uber-portal-2025": ("uber", {"status_log", "per_offer_dispatch", "dated_ratings", "restrictions",
                                  "data_dictionary"}),                  # ratings without dates
    "uber-sar-2016": ("uber", {"status_log", "per_offer_dispatch", "dated_ratings", "payments",
                               "restrictions", "data_dictionary"}),  # trips and device GPS only
    "uber-sar-fr-2021": ("uber", {"per_offer_dispatch", "dated_ratings", "gps", "data_dictionary"}),  # totals
    "uber-sar-geneva-2022": ("uber", {"per_offer_dispatch", "dated_ratings", "restrictions", "gps",
                                      "data_dictionary"}),              # Trip Status has no trip key
    "ubereats-sar-eats-2025": ("ubereats", {"per_offer_dispatch", "dated_ratings", "restrictions", "gps",
                                            "data_dictionary"}),
    "wolt-courier-tasks-2021": ("wolt", EVERYTHING_BUT_TRIPS),          # one tasks file
    # PDF invoices: pay and sessions, but only inside PDF pages (not machine-readable: Art. 20)
    "deliveroo-invoices-en-GB": ("deliveroo", EVERYTHING_BUT_TRIPS | {"trips"}),
    "deliveroo-invoices-fr-FR": ("deliveroo", EVERYTHING_BUT_TRIPS | {"trips"}),
    "deliveroo-invoices-nl-NL": ("deliveroo", EVERYTHING_BUT_TRIPS | {"trips"}),
}


def _ingest(source: Path, store: Path, tz: str | None) -> None:
    report = ingest_export(source, store, worker="me", tz=tz)
    assert report.status != "refused", report.to_dict()


def test_every_sample_is_covered() -> None:
    assert set(LACKS) == {p.name for p in SAMPLES.iterdir() if p.is_dir()}


@pytest.mark.parametrize("name", sorted(LACKS))
def test_check_lists_exactly_what_the_sample_lacks(name: str, tmp_path: Path) -> None:
    _ingest(SAMPLES / name, tmp_path, SAMPLE_ZONES.get(name))
    platform, lacks = LACKS[name]
    gaps = check(tmp_path)
    assert {g.item for g in gaps} == lacks
    assert all(g.platform == platform and g.worker == "me" and g.item in ITEMS for g in gaps)
    assert [g.item for g in gaps] == [i for i in ITEMS if i in lacks]  # the letters' order
    assert all(g.blocks and g.detail and g.source for g in gaps)


def test_what_is_wrong_is_said_precisely(tmp_path: Path) -> None:
    for name in ("uber-portal-2025", "uber-sar-fr-2021", "uber-sar-geneva-2022"):
        _ingest(SAMPLES / name, tmp_path / name, SAMPLE_ZONES.get(name))
    details = {(name, g.item): g.detail for name in ("uber-portal-2025", "uber-sar-fr-2021",
                                                     "uber-sar-geneva-2022") for g in check(tmp_path / name)}
    assert details[("uber-portal-2025", "dated_ratings")] == "the ratings carry no date"
    assert details[("uber-portal-2025", "status_log")] == "the export holds no such file"
    assert "totals per period" in details[("uber-sar-fr-2021", "per_offer_dispatch")]
    assert details[("uber-sar-geneva-2022", "per_offer_dispatch")] == "the offers carry no trip identifier"
    _ingest(SAMPLES / "deliveroo-invoices-en-GB", tmp_path / "roo", None)
    roo = {g.item: g.detail for g in check(tmp_path / "roo")}
    assert "only inside PDF files" in roo["payments"] and "only inside PDF files" in roo["status_log"]
    assert roo["trips"] == "the export holds no such file"
    gap = next(g for g in check(tmp_path / "uber-portal-2025") if g.item == "status_log")
    assert gap.known_kept and "Driver Online Offline" in gap.source and "export-formats" not in gap.source
    assert "unpaid waiting" in gap.blocks


def test_a_month_without_any_row_is_a_period_gap(tmp_path: Path) -> None:
    source = SAMPLES / "wolt-courier-tasks-2021" / "courier_tasks.csv"
    lines = source.read_text(encoding="utf-8").split("\n")
    half = len(lines) // 2
    moved = lines[:half] + [line.replace('"2021-02-', '"2021-04-') for line in lines[half:]]
    export = tmp_path / "wolt"
    export.mkdir()
    (export / "courier_tasks.csv").write_text("\n".join(moved), encoding="utf-8")
    _ingest(export, tmp_path / "store", "Europe/Helsinki")
    period = [g for g in check(tmp_path / "store") if g.item == "period"]
    assert len(period) == 1 and period[0].detail == "no row at all for Mar 2021"
    fr = [g for g in check(tmp_path / "store", lang="fr") if g.item == "period"]
    assert fr[0].detail == "aucune ligne pour mars 2021"


def test_the_period_asked_for_is_held_against_the_data(tmp_path: Path) -> None:
    _ingest(SAMPLES / "uber-sar-fr-2021", tmp_path, None)
    assert "period" not in {g.item for g in check(tmp_path)}
    add_request(tmp_path, platform="uber", ground="art15", sent=date(2026, 1, 5), via="webform",
                period_from=date(2020, 1, 1), period_to=date(2021, 12, 31), today=date(2026, 2, 1))
    period = next(g for g in check(tmp_path) if g.item == "period")
    assert "the request asked from 1 Jan 2020" in period.detail
    assert "the request asked up to 31 Dec 2021" in period.detail


def test_cli_check_json_and_follow_up_letter(tmp_path: Path) -> None:
    from toolkit.cli import app

    store = tmp_path / "store"
    _ingest(SAMPLES / "uber-portal-2025", store, None)
    runner = CliRunner()
    env = {"COLUMNS": "200"}
    result = runner.invoke(app, ["request", "check", "--store", str(store), "--json"], env=env)
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    assert [g["item"] for g in listed] == [g.item for g in check(store)]
    assert {"item", "platform", "blocks"} <= set(listed[0])
    letter = tmp_path / "follow-up.txt"
    args = ["request", "letter", "--platform", "uber", "--follow-up", "--out", str(letter),
            "--store", str(store)]
    refused = runner.invoke(app, args, env=env)
    assert refused.exit_code == 2 and "name and e-mail" in refused.output
    assert runner.invoke(app, ["request", "me", "--name", "Alex Martin", "--email", "alex@example.org",
                               "--store", str(store)], env=env).exit_code == 0
    refused = runner.invoke(app, args, env=env)
    assert refused.exit_code == 2 and "track add" in refused.output  # no first request to cite
    added = runner.invoke(app, ["request", "track", "add", "--platform", "uber", "--sent", "2025-01-31",
                                "--via", "webform", "--store", str(store)], env=env)
    assert added.exit_code == 0 and "due by 2025-02-28" in added.output
    done = runner.invoke(app, args, env=env)
    assert done.exit_code == 0, done.output
    body = letter.read_text(encoding="utf-8")
    assert "On 31 January 2025" in body and "the ratings carry no date" in body
    assert "every trip or delivery" not in body  # the trips came: not asked again
    listed_tracker = runner.invoke(app, ["request", "track", "list", "--json", "--store", str(store)],
                                   env=env)
    row = json.loads(listed_tracker.output)[0]
    assert row["due"] == "2025-02-28" and row["platform"] == "uber"


def test_report_cli_and_check_list_the_same_gaps(tmp_path: Path) -> None:
    import io

    import pdfplumber

    from toolkit.cli import app
    from toolkit.i18n import Translator
    from toolkit.report import render_report
    from toolkit.report.content import gather
    from toolkit.words import platform_words

    _ingest(SAMPLES / "uber-sar-fr-2021", tmp_path, None)
    listed = json.loads(CliRunner().invoke(app, ["request", "check", "--store", str(tmp_path), "--json",
                                                 "--lang", "fr"], env={"COLUMNS": "200"}).output)
    content = gather(tmp_path, worker="me")
    assert [g.to_json() for g in content.gaps["fr"]] == listed
    assert listed == [g.to_json() for g in check(tmp_path, lang="fr")]
    with pdfplumber.open(io.BytesIO(render_report(content, "fr"))) as pdf:
        read = " ".join(" ".join((p.extract_text() or "").split()) for p in pdf.pages)
    tr = Translator("fr")
    for gap in content.gaps["fr"]:
        line = tr("report.pdf.gap", platform=platform_words(gap.platform, tr),
                  item=tr(f"request.item.{gap.item}.name"), detail=gap.detail, blocks=gap.blocks)
        assert " ".join(line.split()) in read
