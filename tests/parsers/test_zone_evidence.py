"""`--tz` checked against what the export says: coordinates, city names, currency (synthetic exports only).

Expected zones are where the synthetic places really are (Los Angeles: America/Los_Angeles; Lausanne and
Geneva: Europe/Zurich), and expected UTC instants are worked out by hand from the local times written.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from parsers.common.zone_clues import read_zone_evidence, sample_rows
from parsers.common.zone_evidence import Clue, ZoneEvidence
from parsers.ingest import ingest_export
from toolkit.samples import layout_params, write_sample

PAYMENTS = "Uber Data/Driver/driver_payments-0.csv"
HEADER = "City Name,Trip UUID,Local Amount,Currency Code,Classification,Category,Local Timestamp\n"


def _la_payments(root: Path) -> Path:
    """A download-portal export holding only a payments file: local times, no zone stated."""
    path = root / "la-export" / PAYMENTS
    path.parent.mkdir(parents=True)
    fare = "transport.fare.base,driver_payment_fares"
    tip = "transport.fare.tip,driver_payment_fares"
    path.write_text(HEADER + f"Los Angeles,t-1,12.5,USD,{fare},2025-03-03 07:15:49\n"
                    f"Los Angeles,t-2,3.0,USD,{tip},2025-07-04 18:00:00\n")
    return root / "la-export"


def _manifests(store: Path) -> list[Path]:
    return sorted((store / "_exports").glob("*.json")) if (store / "_exports").exists() else []


def test_a_wrong_tz_for_a_los_angeles_export_is_refused_naming_the_payments(tmp_path: Path) -> None:
    store = tmp_path / "store"
    report = ingest_export(_la_payments(tmp_path), store, tz="Europe/Paris")
    assert report.status == "refused"
    assert report.error is not None and report.error["kind"] == "needs_timezone"
    detail = report.error["detail"]
    assert f"the payments ({PAYMENTS}) name Los Angeles" in detail
    assert "Europe/Paris does not fit" in detail
    assert detail.endswith("run again with --tz America/Los_Angeles")
    assert _manifests(store) == []  # nothing written


@pytest.mark.parametrize("zone", ["America/Los_Angeles", "US/Pacific"])  # an old alias of the same zone
def test_the_right_tz_is_accepted_and_the_manifest_records_its_support(tmp_path: Path, zone: str) -> None:
    store = tmp_path / "store"
    report = ingest_export(_la_payments(tmp_path), store, tz=zone)
    assert report.status == "ingested", report.error
    decisions = {d["source"] for d in report.tz_decisions}
    assert decisions == {"user"}
    assert all("fits what the export says" in d["detail"] and "Los Angeles" in d["detail"]
               for d in report.tz_decisions)
    manifest = json.loads(_manifests(store)[0].read_text())
    kinds = {(c["kind"], c["role"]) for c in manifest["zone_evidence"]["clues"]}
    assert kinds == {("city_names", "payments"), ("currency", "payments")}
    assert manifest["zone_evidence"]["proposal"] == "America/Los_Angeles"
    # 07:15:49 PST (UTC-8) on 3 March; 18:00 PDT (UTC-7) on 4 July
    earned = duckdb.sql(f"select earned_at from read_parquet('{store}/earnings/**/*.parquet') "
                        "order by earned_at").fetchall()
    assert [r[0] for r in earned] == [datetime(2025, 3, 3, 15, 15, 49, tzinfo=UTC),
                                      datetime(2025, 7, 5, 1, 0, tzinfo=UTC)]


def test_without_tz_the_message_names_the_zone_the_export_points_to(tmp_path: Path) -> None:
    report = ingest_export(_la_payments(tmp_path), tmp_path / "store")
    assert report.status == "refused" and report.error is not None
    assert report.error["member"] == PAYMENTS
    assert report.error["zone"] == "America/Los_Angeles"  # Los Angeles (US, Chile, Spain) paid in USD
    assert "the export points to America/Los_Angeles" in report.error["detail"]
    assert report.error["detail"].endswith("run again with --tz America/Los_Angeles")


def test_a_currency_that_contradicts_the_zone_is_refused(tmp_path: Path) -> None:
    export = tmp_path / "portal-2022"
    write_sample("uber", export, layout="portal-2022", days=3)  # Los Angeles driver, trips in USD only
    report = ingest_export(export, tmp_path / "store", tz="Europe/Paris")
    assert report.status == "refused" and report.error is not None
    assert "are paid in USD, the currency of US" in report.error["detail"]
    assert "Europe/Paris does not fit" in report.error["detail"]
    assert ingest_export(export, tmp_path / "store", tz="America/New_York").status == "ingested"  # USD fits


def test_usd_alone_points_to_no_single_zone(tmp_path: Path) -> None:
    export = tmp_path / "portal-2022"
    write_sample("uber", export, layout="portal-2022", days=3)
    report = ingest_export(export, tmp_path / "store")
    assert report.error is not None and "zone" not in report.error
    assert report.error["detail"].endswith("run again with --tz ZONE (for example --tz Europe/Paris)")


def test_a_wolt_export_without_evidence_still_asks_for_tz(tmp_path: Path) -> None:
    export = tmp_path / "wolt"
    _wolt(export)
    report = ingest_export(export, tmp_path / "store")
    assert report.status == "refused" and report.error is not None
    assert report.error["kind"] == "needs_timezone" and "zone" not in report.error
    assert report.error["detail"].endswith("run again with --tz ZONE (for example --tz Europe/Paris)")
    accepted = ingest_export(export, tmp_path / "store", tz="Europe/Helsinki")
    assert accepted.status == "ingested"
    assert all("holds no place or currency to check it against" in d["detail"] for d in accepted.tz_decisions)


def _wolt(export: Path) -> None:
    from toolkit.samples.wolt import write_wolt_sample

    write_wolt_sample(export, days=3, seed=1)


def test_coordinates_in_lausanne_propose_europe_zurich(tmp_path: Path) -> None:
    export = tmp_path / "lausanne-2016"
    params = layout_params("uber", "sar-2016", days=3, centre_lat=46.5197, centre_lon=6.6323)
    write_sample("uber", export, layout="sar-2016", params=params)
    report = ingest_export(export, tmp_path / "store")
    assert report.error is not None and report.error["zone"] == "Europe/Zurich"
    assert report.error["detail"].endswith("run again with --tz Europe/Zurich")
    refused = ingest_export(export, tmp_path / "store", tz="Europe/Amsterdam")
    assert refused.status == "refused" and refused.error is not None
    assert "Europe/Amsterdam does not fit" in refused.error["detail"]


def test_lausanne_offsets_resolve_to_zurich_not_the_first_zone_of_the_family(tmp_path: Path) -> None:
    export = tmp_path / "eats"
    write_sample("ubereats", export, days=3)
    (export / "CH-Lausanne").rename(export / "courier")  # no country in the folder name to hint
    report = ingest_export(export, tmp_path / "store")
    assert report.status == "ingested", report.error
    zones = {d["zone"] for d in report.tz_decisions if d["source"] == "export"}
    assert zones == {"Europe/Zurich"}


def test_an_export_that_states_its_zone_keeps_it_whatever_tz_says(tmp_path: Path) -> None:
    export = tmp_path / "portal-2025"
    write_sample("uber", export, layout="portal-2025", days=3)  # trips hold a timezone column
    report = ingest_export(export, tmp_path / "store", tz="Europe/Paris")
    assert report.status == "ingested", report.error
    exported = [d for d in report.tz_decisions if d["source"] == "export"]
    assert exported and {d["zone"] for d in exported} == {"America/Los_Angeles"}
    assert all("--tz Europe/Paris was not used" in d["detail"] for d in exported)


@pytest.mark.parametrize("given, hint", [("Europe/Pariss", "did you mean Europe/Paris?"),
                                         ("europe/zurich", "did you mean Europe/Zurich?"),
                                         ("Mars/Olympus", "for example Europe/Paris")])
def test_a_zone_that_is_no_iana_name_is_a_clear_error(tmp_path: Path, given: str, hint: str) -> None:
    report = ingest_export(_la_payments(tmp_path), tmp_path / "store", tz=given)
    assert report.status == "refused" and report.error is not None
    assert report.error["detail"] == f"the time zone given is not an IANA zone name ({hint})"


def test_a_clue_that_contradicts_stronger_ones_is_set_aside() -> None:
    names = Clue("city_names", "payments", ("p.csv",), ("Europe/Zurich",), ("Lausanne",))
    currency = Clue("currency", "payments", ("p.csv",), ("America/New_York", "America/Los_Angeles"), ("USD",))
    evidence = ZoneEvidence((currency, names))
    assert evidence.set_aside() == (currency,)
    assert evidence.proposal() == "Europe/Zurich"
    assert evidence.refusal("Europe/Zurich") is None


class _Member:
    def __init__(self, path: str, data: bytes) -> None:
        self.path, self.size, self._data = path, len(data), data

    def open(self) -> io.BytesIO:
        return io.BytesIO(self._data)

    def read_bytes(self) -> bytes:
        return self._data


def test_positions_are_sampled_over_the_whole_file_and_null_island_is_ignored() -> None:
    # 40,000 rows at 0/0 (a missing fix), then 40,000 in Los Angeles, then 40,000 in Paris
    rows = ["0,0"] * 40_000 + ["34.05,-118.24"] * 40_000 + ["48.86,2.35"] * 40_000
    member = _Member("gps.csv", ("lat,lng\n" + "\n".join(rows) + "\n").encode())
    sample = sample_rows(member)
    assert sample is not None and 0 < len(sample) <= 2_000
    [clue] = read_zone_evidence([member], lambda path: "positions").clues
    assert clue.kind == "coordinates"
    assert set(clue.zones) == {"America/Los_Angeles", "Europe/Paris"}


def test_files_no_parser_reads_say_nothing(tmp_path: Path) -> None:
    rider = _Member("Uber Data/Rider/trips_data.csv", b"City,Begin Trip Lat,Begin Trip Lng\n3,48.86,2.35\n")
    assert read_zone_evidence([rider], lambda path: None).clues == ()


def test_the_command_line_refuses_a_wrong_tz_and_names_the_evidence(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from toolkit.cli import app

    export, store = _la_payments(tmp_path), tmp_path / "store"
    wrong = CliRunner().invoke(app, ["ingest", str(export), "--store", str(store), "--tz", "Europe/Paris"],
                               env={"COLUMNS": "400"})
    assert wrong.exit_code == 1
    said = " ".join(wrong.output.split())
    assert "name Los Angeles" in said and "Europe/Paris does not fit" in said
    asked = CliRunner().invoke(app, ["ingest", str(export), "--store", str(store)], env={"COLUMNS": "400"})
    assert asked.exit_code == 1
    assert "run again with --tz America/Los_Angeles" in " ".join(asked.output.split())
    base = ["ingest", str(export), "--store", str(store)]
    right = CliRunner().invoke(app, [*base, "--tz", "America/Los_Angeles"])
    assert right.exit_code == 0, right.output
    assert _manifests(store)
