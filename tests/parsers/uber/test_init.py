"""Uber detection, the handler table, and the facts `prepare` reads from the export itself."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from parsers import uber
from parsers.base import first_rule
from parsers.registry import COMMON_RULES
from tests.parsers.conftest import BytesMember, csv_bytes, row_of, strict_ctx
from tests.parsers.uber import headers as h

LAYOUT_FILES = {
    "sar-fr-2021": [
        "FR-Paris/02 - Driver Lifetime Trips.csv",
        "FR-Paris/05 - Driver Online Offline.csv",
        "FR-Paris/08 - Driver Dispatches Offered and Accepted.csv",
        "FR-Paris/19a - Driver Payments.csv",
        "FR-Paris/11 - Driver App Restrictions.csv",
        "FR-Paris/05 - Driver Performance Badges.csv",
    ],
    "sar-geneva-2022": [
        "01 - Driver Lifetime Trips.csv",
        "02 - Driver Online OffLine.csv",
        "03 - Driver Dispatches Offered and Accepted.csv",
        "04 - Driver Trip Status.csv",
        "19a - Driver Payments.csv",
    ],
    "portal-2022": ["driver_lifetime_trips-0.csv"],
    "portal-2025": [
        "Uber Data/Driver/driver_lifetime_trips-0.csv",
        "Uber Data/Driver/driver_payments-0.csv",
        "Uber Data/Driver/driver_app_analytics-0.csv",
        "Uber Data/Driver/driver_app_analytics-1.csv",
        "Uber Data/Driver/driver_lifetime_ratings_received-0.csv",
        "Uber Data/Rider/trips_data.csv",
        "Uber Data/Account and Profile/profile_data.csv",
    ],
    "sar-2016": [
        "Trip details (Driver).csv",
        "1 - Driver Detailed Device Data.csv",
        "2 - Rider Detailed Device Data.csv",
        "Lost Time details (Driver).csv",
    ],
    "sar-eats-2025": [
        "RelevantFiles/11 - Driver Online Offline.csv",
        "RelevantFiles/23a - Driver Payments.csv",
        "RelevantFiles/31 - Courier Lifetime Trip Data.csv",
    ],
}
OTHER_PATHS = [  # files every rule of the table must meet at least once (with LAYOUT_FILES)
    "__MACOSX/FR-Paris/._02 - Driver Lifetime Trips.csv",
    "FR-Paris/._05 - Driver Online Offline.csv",
    ".DS_Store",
    "Uber Data/Eats/eats_order_details.csv",
    "Uber Data/Rider/rider_app_analytics-0.csv",
    "eats_app_analytics-0.csv",
    "rider_app_analytics-0.csv",
    "03 - Driver Profile Data.csv",
    "07 - Driver Documents.csv",
    "Uber Data/Driver/driver_documents-0.csv",
    "trips_data.csv",
]


@pytest.mark.parametrize("layout", list(LAYOUT_FILES))
def test_detect_names_each_layout(layout: str) -> None:
    found = uber.detect(LAYOUT_FILES[layout])
    assert found is not None and found.layout == layout
    assert found.platform == ("ubereats" if layout == "sar-eats-2025" else "uber")
    assert found.evidence and set(found.evidence) <= set(LAYOUT_FILES[layout])


def test_detect_ignores_rider_only_exports() -> None:
    assert (
        uber.detect(["Uber Data/Rider/trips_data.csv", "Uber Data/Account and Profile/profile_data.csv"])
        is None
    )


def test_every_rule_is_exercised_and_every_layout_file_is_known() -> None:
    paths = [p for files in LAYOUT_FILES.values() for p in files] + OTHER_PATHS
    unused = [rule.pattern for rule in uber.RULES if not any(rule.matches(p) for p in paths)]
    every = COMMON_RULES + uber.RULES  # the clutter rules (macOS metadata…) are shared by every platform
    assert unused == []
    assert [p for p in paths if first_rule(every, p) is None] == []
    assert all(rule.reason for rule in uber.RULES)
    assert all(rule.tables for rule in uber.RULES if rule.handler is not None)


@pytest.mark.parametrize(
    ("path", "handled"),
    [
        ("__MACOSX/FR-Paris/._02 - Driver Lifetime Trips.csv", False),  # macOS junk before any handler
        ("X/02 - Driver Online OffLine.csv", True),  # Geneva spelling
        ("X/10 - driver online offline.csv", True),
        ("05 - Driver Performance Badges.csv", False),
        ("2 - Rider Detailed Device Data.csv", False),
        ("Uber Data/Driver/driver_app_analytics-12.csv", True),
        ("Lost Time details (Driver).csv", False),
    ],
)
def test_rules_decide_by_title(path: str, handled: bool) -> None:
    rule = first_rule(COMMON_RULES + uber.RULES, path)
    assert rule is not None and (rule.handler is not None) == handled


def test_unknown_file_meets_no_rule() -> None:
    assert first_rule(uber.RULES, "FR-Paris/99 - Driver Mystery Data.csv") is None


def test_prepare_reads_the_zone_and_currency_of_the_trips_file() -> None:
    row = row_of(
        h.FR_TRIPS,
        ";",
        currency_code="EUR",
        timezone="Europe/Paris",
        status="completed",
        request_timestamp_utc="2021-02-28T23:16:48.000Z",
    )
    trips = BytesMember(
        "FR-Paris/02 - Driver Lifetime Trips.csv", csv_bytes(h.FR_TRIPS, [row, row], ";", "\r\n")
    )
    ctx = strict_ctx("sar-fr-2021")
    uber.prepare([trips], ctx)
    assert ctx.export_tz == "Europe/Paris" and ctx.facts["currency"] == "EUR"
    assert trips.path in ctx.export_tz_evidence


def _eats_online(path: str, zone: str) -> BytesMember:
    """Online Offline rows every ten days over a year, their local times written in `zone`."""
    rows = []
    start = datetime(2023, 11, 10, 11, 36, 35, tzinfo=ZoneInfo("UTC"))
    for day in range(0, 365, 10):
        begin = start + timedelta(days=day)
        local = begin.astimezone(ZoneInfo(zone))
        rows.append(
            row_of(
                h.EATS_ONLINE,
                earner_state="open",
                city_id="1366",
                begin_timestamp_utc=f"{begin:%Y-%m-%d %H:%M:%S}",
                duration_ms="60000",
                begin_timestamp_local=f"{local:%Y-%m-%d %H:%M:%S}",
            )
        )
    return BytesMember(path, csv_bytes(h.EATS_ONLINE, rows))


def test_prepare_infers_the_zone_from_utc_local_pairs_across_dst() -> None:
    ctx = strict_ctx("sar-eats-2025", "ubereats")
    uber.prepare([_eats_online("RelevantFiles/11 - Driver Online Offline.csv", "Europe/Zurich")], ctx)
    assert ctx.export_tz is not None and ctx.export_tz.startswith("Europe/")
    # Whatever zone was picked, it places Zurich's local times of the period exactly as Zurich does.
    for month in (1, 4, 7, 10):
        moment = datetime(2024, month, 15, 12, tzinfo=ZoneInfo("UTC"))
        assert (
            moment.astimezone(ZoneInfo(ctx.export_tz)).utcoffset()
            == moment.astimezone(ZoneInfo("Europe/Zurich")).utcoffset()
        )
    assert "identically" in ctx.export_tz_evidence and "+01:00, +02:00" in ctx.export_tz_evidence
    assert "currency" not in ctx.facts


@pytest.mark.parametrize(
    ("folder", "zone"),
    [("CH-Zurich", "Europe/Zurich"), ("CH-Lausanne", "Europe/Zurich"), ("FR-Paris", "Europe/Paris")],
)
def test_prepare_prefers_a_zone_named_in_the_export_paths(folder: str, zone: str) -> None:
    # Paris and Zurich share their rules over the period: the folder's city or country picks the name.
    ctx = strict_ctx("sar-eats-2025", "ubereats")
    uber.prepare([_eats_online(f"{folder}/11 - Driver Online Offline.csv", "Europe/Zurich")], ctx)
    assert ctx.export_tz == zone


def test_prepare_leaves_the_zone_unset_when_no_zone_fits() -> None:
    rows = [
        row_of(
            h.EATS_ONLINE,
            earner_state="open",
            begin_timestamp_utc="2024-01-15 12:00:00",
            begin_timestamp_local="2024-01-15 13:00:00",
        ),
        row_of(
            h.EATS_ONLINE,
            earner_state="open",
            begin_timestamp_utc="2024-01-16 12:00:00",
            begin_timestamp_local="2024-01-16 17:00:00",
        ),
    ]
    ctx = strict_ctx("sar-eats-2025", "ubereats")
    uber.prepare([BytesMember("11 - Driver Online Offline.csv", csv_bytes(h.EATS_ONLINE, rows))], ctx)
    assert ctx.export_tz is None and ctx.export_tz_evidence == ""
