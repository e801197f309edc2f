"""The worker's country, from the zone of their exports, and the cost and contribution defaults it gets.

Defaults follow the country (issue 8; methods.md §2.3): France keeps the barème kilométrique and the
URSSAF micro-entrepreneur rate of `defaults.toml`; the United States get the IRS mileage rate; the United
Kingdom the HMRC mileage allowance; elsewhere (Switzerland, Mexico…) no published rate is assumed: the
worker's own vehicle cost and contribution rate are asked for, and net pay stays unknown until given. The
user's own settings always win over these defaults.

Example:
    >>> country_of("Europe/Zurich"), country_defaults("CH")["costs.mode"]
    ('CH', 'ask')
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

FRANCE = ("FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF")
"""France and the overseas departments and collectivities where the barème and URSSAF rates apply."""


@cache
def _zone_countries() -> dict[str, str]:
    text = resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]
    return {row[2]: row[0] for row in rows if len(row) >= 3}


def country_of(zone: str | None) -> str | None:
    """The ISO 3166 country of an IANA zone (tzdata's zone.tab), None when unknown or UTC.

    Example:
        >>> country_of("America/Los_Angeles"), country_of("UTC")
        ('US', None)
    """
    return None if zone is None else _zone_countries().get(zone)


def country_defaults(country: str | None) -> dict[str, Any]:
    """Config values (dotted keys) for `country`, laid under the user's own settings.

    Example:
        >>> country_defaults("US")
        {'costs.profile': 'us_irs', 'contributions.scheme': 'own'}
        >>> country_defaults("FR")
        {}
    """
    if country in FRANCE:
        return {}
    if country == "US":
        return {"costs.profile": "us_irs", "contributions.scheme": "own"}
    if country == "GB":
        return {"costs.profile": "uk_hmrc", "contributions.scheme": "own"}
    return {"costs.mode": "ask", "contributions.scheme": "own"}
