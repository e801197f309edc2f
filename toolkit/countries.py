"""The worker's country, from the zone of their exports, and the cost, contribution and minimum-wage
defaults it gets (issue 8; methods.md §2.3-§2.4).

- France keeps the barème kilométrique, the URSSAF micro-entrepreneur rate, the SMIC and the French
  sector minimums of `defaults.toml`;
- the United States get the IRS standard mileage rate; the United Kingdom the HMRC mileage allowance and
  the National Living Wage; in both no social contribution is assumed (the worker gives their own rate);
- elsewhere (Switzerland, Mexico…) no published rate is assumed: the worker's own vehicle cost per km and
  contribution rate are asked for, and net pay stays unknown until given; the minimum wage is unknown,
  with the reason, unless the worker gives the one that applies to them.

These values are laid UNDER the user's own settings: `load_config(path, overrides,
base=country_defaults(country_of(zone, currency)))`; the user's choices always win.

Example:
    >>> country_of("Europe/Zurich", "CHF"), country_defaults("CH")["costs.mode"]
    ('CH', 'ask')
"""

from __future__ import annotations

from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from babel.numbers import get_territory_currencies

FRANCE = ("FR", "GP", "MQ", "GF", "RE", "BL", "MF", "PM")
"""France and the overseas departments and collectivities where the SMIC, the barème and the URSSAF
rates of `defaults.toml` apply (Mayotte, with its own SMIC, is left out)."""

NAMES = {"US": "the United States", "GB": "the United Kingdom", "CH": "Switzerland", "MX": "Mexico"}

OWN_COSTS = "enter your own vehicle cost per km and contribution rate"
"""What a worker outside the countries with published defaults is asked for (never the export's fault)."""


def country_of(zone: str | None, currency: str | None = None) -> str | None:
    """The ISO 3166 country of an IANA zone (tzdata's zone.tab, old aliases such as US/Pacific
    resolved), None when unknown or UTC; with `currency`, None when that is not a currency of the
    zone's country (a contradiction the worker must settle).

    Example:
        >>> country_of("America/Los_Angeles"), country_of("US/Pacific", "USD"), country_of("UTC")
        ('US', 'US', None)
        >>> country_of("Europe/Paris", "CHF") is None  # paid in francs, living on French time
        True
    """
    if zone is None:
        return None
    country = _zone_countries().get(_aliases().get(zone, zone))
    if country is None or currency is None:
        return country
    return country if currency in _currencies(country) else None


def country_note(zone: str | None, currency: str | None = None) -> str | None:
    """Why no country could be told from `zone` and `currency`, in words; None when one could.

    Example:
        >>> country_note("Europe/Paris", "CHF")
        'the zone Europe/Paris is in FR, but the earnings are in CHF: choose your costs and contributions'
    """
    if country_of(zone, currency) is not None:
        return None
    country = country_of(zone)
    if country is None:
        return f"the country of the zone {zone or '(none)'} is not known: choose your costs and contributions"
    return (f"the zone {zone} is in {country}, but the earnings are in {currency}: choose your costs and "
            "contributions")


def country_defaults(country: str | None) -> dict[str, Any]:
    """Config values (dotted keys) for `country`, to lay under the user's own settings.

    Example:
        >>> country_defaults("US")["costs.profile"], country_defaults("US")["contributions.scheme"]
        ('us_irs', 'own')
        >>> country_defaults("FR")
        {}
    """
    if country in FRANCE:
        return {}
    out: dict[str, Any] = {
        "minimum_wage.by_currency.EUR": "", "sector.currency": "", "contributions.scheme": "own",
        "minimum_wage.unknown_reason": f"country:{country or ''}",  # said by minimums.unknown_reason
    }
    if country != "GB":
        out["minimum_wage.by_currency.GBP"] = ""
    if country == "US":
        out.update({"costs.mode": "profile", "costs.profile": "us_irs"})
    elif country == "GB":
        out.update({"costs.mode": "profile", "costs.profile": "uk_hmrc"})
    elif country == "CH":
        out.update({"costs.mode": "ask"})
    else:
        out["costs.mode"] = "ask"
    return out


@cache
def _zone_countries() -> dict[str, str]:
    text = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]
    return {row[2]: row[0] for row in rows if len(row) >= 3}


@cache
def _aliases() -> dict[str, str]:
    """Old zone names -> the zone they link to (tzdata.zi's `L target alias` lines)."""
    text = resources.files("tzdata").joinpath("zoneinfo", "tzdata.zi").read_text(encoding="utf-8")
    links = [line.split() for line in text.splitlines() if line.startswith("L ")]
    return {parts[2]: parts[1] for parts in links if len(parts) == 3}


@cache
def _currencies(country: str) -> frozenset[str]:
    """The legal tenders of `country` since 2009, the year the oldest platform served began (CLDR)."""
    return frozenset(get_territory_currencies(country, date(2009, 1, 1), date.today()))
