"""Costs and contributions follow the worker's country; own costs always give a net pay."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.toolkit.analytics.test_pay import earnings, jobs, segments, utc
from toolkit.analytics.pay import cost_per_km, pay_summary
from toolkit.analytics.time import time_accounting
from toolkit.config import load_config
from toolkit.countries import country_defaults, country_of

DAY = (utc("2025-03-02 23:00"), utc("2025-03-03 23:00"))  # Monday 3 March 2025 in Zurich


def _swiss_day(cfg_base: dict[str, Any], overrides: dict[str, Any] | None = None) -> dict[str, Any]:
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
    assert any("enter your own vehicle cost" in n for n in asked["notes"])
    assert not any("export" in n for n in asked["notes"])
    own = _swiss_day(base, {"costs.mode": "custom", "costs.custom_per_km": 0.5,
                            "contributions.own_rate": 0.1})
    # by hand: 250 CHF - 100 km x 0.50 - 10 % of 250 = 175 CHF over 10 h logged in
    assert own["net_per_hour_logged_in"] == pytest.approx(17.5)
    assert own["per_hour_logged_in"] == pytest.approx(25.0)


def test_a_swiss_courier_minimum_wage_is_unknown_with_the_reason_until_given() -> None:
    asked = _swiss_day(country_defaults("CH"))
    assert asked["minimum_wage_per_hour"] is None
    assert any("Switzerland has no national minimum wage" in n for n in asked["notes"])
    own = _swiss_day(country_defaults("CH"), {"minimum_wage.own_hourly": 24.0})
    assert own["minimum_wage_per_hour"] == pytest.approx(24.0)


def test_a_us_driver_gets_the_irs_rate_and_is_asked_only_for_a_contribution_rate() -> None:
    day = (utc("2025-03-03 08:00"), utc("2025-03-04 08:00"))  # Monday 3 March 2025 in Los Angeles (PST)
    seg = segments([("waiting", "2025-03-03 16:00", "2025-03-03 18:00"),
                    ("on_job", "2025-03-03 18:00", "2025-03-04 02:00")])
    trips = jobs([{"accepted": "2025-03-03 18:00", "picked": "2025-03-03 18:10",
                   "dropped": "2025-03-04 02:00", "km": 80.0, "pickup_km": 20.0}])
    lines = earnings([("2025-03-04 02:00", 300.0, "fare")], currency="USD")

    def summary(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
        base = country_defaults(country_of("America/Los_Angeles", "USD"))
        cfg = load_config(overrides=overrides, base=base)
        time = time_accounting(seg, trips, day, "America/Los_Angeles", config=cfg)
        return pay_summary(lines, trips, time, day, cfg)

    asked = summary()
    # by hand: 100 km at the IRS 2025 rate of 0.70 USD a mile
    assert asked["vehicle_cost"] == pytest.approx(100 * 0.70 / 1.609344)
    assert asked["net"] is None and asked["minimum_wage_per_hour"] is None
    assert any("enter your own contribution rate" in n for n in asked["notes"])
    none = summary({"contributions.own_rate": 0.0})
    assert none["net_per_hour_logged_in"] == pytest.approx((300 - 100 * 0.70 / 1.609344) / 10)


def test_a_uk_driver_gets_the_hmrc_scale_and_the_national_living_wage() -> None:
    cfg = load_config(base=country_defaults("GB"))
    per_km, currency, how = cost_per_km(cfg, 20000 * 1.609344, date(2025, 5, 1), date(2025, 5, 31))
    # by hand: 10,000 miles at 45p + 10,000 at 25p = 7,000 GBP over 20,000 miles = 35p a mile
    assert (per_km, currency) == (pytest.approx(0.35 / 1.609344, rel=1e-5), "GBP")
    assert "secondary source" in how
    assert cfg.get("minimum_wage.by_currency")["GBP"] == "uk_nlw_hourly"


def test_the_currency_checks_the_zone_and_user_choices_win_over_country_defaults() -> None:
    assert country_of("Europe/Zurich", "CHF") == "CH"
    assert country_of("Europe/Paris", "CHF") is None  # francs on French time: the worker must say
    assert country_of("US/Pacific") == "US"  # an old alias
    cfg = load_config(base=country_defaults("CH"), overrides={"costs.mode": "custom"})
    assert (cfg.get("costs.mode"), cfg.get("contributions.scheme")) == ("custom", "own")
    outside = load_config(base=country_defaults("DE"))
    assert outside.get("minimum_wage.by_currency")["EUR"] == ""  # no French SMIC for a German courier
    assert outside.get("sector.currency") == ""
