"""The configuration: methods.md §8 defaults, user files merged over them, clear errors on unknown keys."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from toolkit.config import ConfigError, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "my.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_are_those_of_methods_md() -> None:
    cfg = load_config()
    assert cfg.get("time.reconnect_gap_s") == 120
    assert cfg.get("time.pseudo_session_band_min") == [15, 30, 60]
    smic = "wages.fr_smic_gross_hourly"
    assert cfg.rate_on(smic, date(2025, 12, 31)).value == 11.88  # type: ignore[union-attr]
    assert cfg.rate_on(smic, date(2026, 1, 1)).value == 12.02  # type: ignore[union-attr]
    assert cfg.rate_on(smic, date(2024, 10, 31)).value == 11.65  # type: ignore[union-attr]
    assert cfg.rate_on(smic, date(2024, 11, 1)).value == 11.88  # type: ignore[union-attr]
    assert cfg.rate_on("wages.uk_nlw_hourly", date(2026, 3, 31)).value == 12.21  # type: ignore[union-attr]
    assert cfg.rate_on("wages.uk_nlw_hourly", date(2026, 4, 1)).value == 12.71  # type: ignore[union-attr]
    assert cfg.rate_on("sector.fr_vtc_min_per_ride_net", date(2023, 6, 1)).value == 7.65  # type: ignore[union-attr]
    assert cfg.rate_on("sector.fr_vtc_min_per_ride_net", date(2024, 6, 1)).value == 9.00  # type: ignore[union-attr]
    delivery = cfg.rate_on("sector.fr_delivery_min_per_activity_hour", date(2025, 1, 1))
    assert delivery is not None and delivery.value == 11.75 and delivery.status == "V"
    assert cfg.rate_on("contributions.fr_micro_bic_services", date(2026, 1, 1)).value == 0.212  # type: ignore[union-attr]
    irs = cfg.get("costs.profiles.us_irs")
    assert [r["value"] for r in irs["rates"] if r["status"] == "V"] == [0.70, 0.725]
    car = cfg.get("costs.profiles.car_5cv")["brackets"]
    assert [(b["rate"], b["fixed"]) for b in car] == [(0.636, 0.0), (0.357, 1395.0), (0.427, 0.0)]


def test_before_the_first_entry_a_rate_is_unknown() -> None:
    cfg = load_config()
    assert cfg.rate_on("wages.fr_smic_gross_hourly", date(2014, 12, 31)) is None
    assert cfg.rate_over("wages.fr_smic_gross_hourly", date(2014, 12, 31), date(2015, 1, 1)) is None
    assert cfg.rate_over("wages.fr_smic_gross_hourly", date(2025, 12, 1), date(2026, 1, 31)) == pytest.approx(
        (31 * 11.88 + 31 * 12.02) / 62
    )


def test_a_user_file_merges_over_the_defaults(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
[costs]
profile = "scooter"
monthly_fixed = 45.5

[wages.ch_geneva_minimum]
currency = "CHF"
source = "a union's own table"
rates = [{ from = 2025-01-01, value = 24.32, status = "?" }]

[minimum_wage.by_currency]
CHF = "ch_geneva_minimum"
""",
    )
    cfg = load_config(path)
    assert cfg.get("costs.profile") == "scooter" and cfg.get("costs.monthly_fixed") == 45.5
    assert cfg.get("costs.mode") == "profile"  # untouched default
    assert cfg.get("minimum_wage.by_currency") == {
        "EUR": "fr_smic_gross_hourly",
        "GBP": "uk_nlw_hourly",
        "CHF": "ch_geneva_minimum",
    }
    assert cfg.rate_on("wages.ch_geneva_minimum", date(2026, 1, 1)).value == 24.32  # type: ignore[union-attr]
    assert cfg.origin == str(path)


def test_overrides_win_over_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, '[costs]\nprofile = "scooter"\n')
    cfg = load_config(path, {"costs.profile": "bike", "time": {"reconnect_gap_s": 300}})
    assert cfg.get("costs.profile") == "bike" and cfg.get("time.reconnect_gap_s") == 300


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("[costs]\nprofil = 'bike'\n", "'costs.profil'"),
        ("[cost]\nprofile = 'bike'\n", "'cost'"),
        ("[costs.profiles.car_5cv]\ncolour = 'red'\n", "'costs.profiles.car_5cv.colour'"),
        ("[time]\nreconnect_gap_s = 'two minutes'\n", "'time.reconnect_gap_s' must be a number"),
        ("[costs]\nprofile = 'spaceship'\n", "'costs.profile'"),
        ("[costs]\nmode = 'guess'\n", "'costs.mode'"),
        ("[minimum_wage.by_currency]\nUSD = 'us_federal'\n", "'minimum_wage.by_currency.USD'"),
        (
            "[wages.fr_smic_gross_hourly]\nrates = [{from = 2026-01-01, value = 12.02}, "
            "{from = 2025-01-01, value = 11.88}]\n",
            "dates must be increasing",
        ),
        (
            "[wages.fr_smic_gross_hourly]\nrates = [{from = 2026-01-01, value = 'x'}]\n",
            "value must be a number",
        ),
        ("[wages.us_federal]\ncurrency = 'USD'\n", "'wages.us_federal' needs currency and rates"),
        (
            "[costs.profiles.cargo_bike]\nkind = 'per_km'\ncurrency = 'EUR'\n",
            "'costs.profiles.cargo_bike' needs",
        ),
    ],
)
def test_errors_name_the_key(tmp_path: Path, text: str, named: str) -> None:
    with pytest.raises(ConfigError, match=named.replace("[", r"\[").replace(".", r"\.")):
        load_config(write(tmp_path, text))


def test_unreadable_files_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(write(tmp_path, "[costs\n"))
    with pytest.raises(ConfigError, match="cannot be read"):
        load_config(tmp_path / "missing.toml")


def test_values_returned_are_copies() -> None:
    cfg = load_config()
    band = cfg.get("time.pseudo_session_band_min")
    band.append(999)
    assert cfg.get("time.pseudo_session_band_min") == [15, 30, 60]


def test_country_defaults_lie_under_the_users_file_and_overrides(tmp_path: Path) -> None:
    base = {"costs.mode": "ask", "contributions.scheme": "own", "minimum_wage.by_currency.EUR": ""}
    assert load_config(base=base).get("costs.mode") == "ask"
    mine = write(tmp_path, "[costs]\nmode = 'custom'\ncustom_per_km = 0.4\n")
    cfg = load_config(mine, overrides={"contributions.own_rate": 0.12}, base=base)
    assert (cfg.get("costs.mode"), cfg.get("costs.custom_per_km")) == ("custom", 0.4)
    assert (cfg.get("contributions.scheme"), cfg.get("contributions.own_rate")) == ("own", 0.12)
    assert cfg.get("minimum_wage.by_currency")["EUR"] == ""  # no table: unknown, with the reason
    assert cfg.get("costs.custom_currency") == ""  # your own rate is in the earnings' currency
    with pytest.raises(ConfigError, match="country defaults: unknown key 'costs.colour'"):
        load_config(base={"costs.colour": "red"})
