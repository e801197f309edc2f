"""Costs and contributions follow the worker's country; own costs always give a net pay."""

from __future__ import annotations

import pytest

from tests.toolkit.analytics.test_pay import earnings, jobs, segments, utc
from toolkit.analytics.pay import pay_summary
from toolkit.analytics.time import time_accounting
from toolkit.config import load_config
from toolkit.countries import country_defaults, country_of

DAY = (utc("2025-03-02 23:00"), utc("2025-03-03 23:00"))  # Monday 3 March 2025 in Zurich


def _swiss_day(cfg_base: dict[str, object], overrides: dict[str, object] | None = None) -> dict[str, object]:
    cfg = load_config(overrides=overrides, base=cfg_base)
    seg = segments([("waiting", "2025-03-03 08:00", "2025-03-03 10:00"),
                    ("on_job", "2025-03-03 10:00", "2025-03-03 18:00")])
    trips = jobs([{"accepted": "2025-03-03 10:00", "picked": "2025-03-03 10:10",
                   "dropped": "2025-03-03 18:00", "km": 80.0, "pickup_km": 20.0}])
    time = time_accounting(seg, trips, DAY, "Europe/Zurich", config=cfg)
    return pay_summary(earnings([("2025-03-03 18:00", 250.0, "fare")], currency="CHF"), trips, time, DAY, cfg)


def test_countries_come_from_the_zone() -> None:
    assert [country_of(z) for z in ("Europe/Paris", "Europe/Zurich", "America/Los_Angeles", "UTC")] == [
        "FR", "CH", "US", None]
    assert load_config(base=country_defaults("US")).get("costs.profile") == "us_irs"
    assert load_config(base=country_defaults("GB")).get("costs.profile") == "uk_hmrc"
    assert load_config(base=country_defaults("FR")).get("contributions.scheme") == "fr_micro_bic_services"


def test_a_swiss_courier_is_asked_for_own_costs_and_then_gets_a_net_pay() -> None:
    base = country_defaults("CH")
    asked = _swiss_day(base)
    assert asked["net_per_hour_logged_in"] is None
    assert any("enter your own vehicle cost" in n for n in asked["notes"])  # type: ignore[union-attr]
    assert not any("export" in n for n in asked["notes"])  # type: ignore[union-attr]
    own = _swiss_day(base, {"costs.mode": "custom", "costs.custom_per_km": 0.5,
                            "contributions.own_rate": 0.1})
    # by hand: 250 CHF - 100 km x 0.50 - 10 % of 250 = 175 CHF over 10 h logged in
    assert own["net_per_hour_logged_in"] == pytest.approx(17.5)
    assert own["per_hour_logged_in"] == pytest.approx(25.0)
