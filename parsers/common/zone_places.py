"""Where zones, countries and currencies meet: tzdata's zone.tab, CLDR's currencies, zone aliases.

Example:
    >>> currency_zones(["MXN"])[0]
    'America/Mexico_City'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources


def same_zones(zone: str) -> frozenset[str]:
    """The zone.tab names that `zone` is (itself, or those an older alias such as US/Pacific points to).

    Example:
        >>> sorted(same_zones("US/Pacific"))
        ['America/Los_Angeles']
    """
    if zone in zone_countries():
        return frozenset({zone})
    data = _tzif(zone)
    same = frozenset(z for z in zone_countries() if data is not None and _tzif(z) == data)
    return same or frozenset({zone})


def place_zones(zones: Iterable[str]) -> tuple[str, ...]:
    """Zones as zone.tab names, in the given order without repeats.

    Example:
        >>> place_zones(["US/Pacific", "America/Los_Angeles", "Europe/Zurich"])
        ('America/Los_Angeles', 'Europe/Zurich')
    """
    out: list[str] = []
    for zone in zones:
        out += [z for z in sorted(same_zones(zone)) if z not in out]
    return tuple(out)


@cache
def zone_countries() -> dict[str, tuple[str, ...]]:
    """IANA zone -> the ISO countries it serves (tzdata's zone.tab).

    Example:
        >>> zone_countries()["Europe/Zurich"]
        ('CH',)
    """
    out: dict[str, list[str]] = {}
    for code, zones in country_zones().items():
        for zone in zones:
            out.setdefault(zone, []).append(code)
    return {zone: tuple(codes) for zone, codes in out.items()}


@cache
def country_zones() -> dict[str, tuple[str, ...]]:
    """ISO country code -> its IANA zones (tzdata's zone.tab; empty without the tzdata package).

    Example:
        >>> country_zones()["CH"]
        ('Europe/Zurich',)
    """
    try:
        text = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return {}
    out: dict[str, list[str]] = {}
    for line in text.splitlines():
        fields = line.split("\t")
        if len(fields) >= 3 and not line.startswith("#"):
            out.setdefault(fields[0], []).append(fields[2])
    return {code: tuple(zones) for code, zones in out.items()}


@cache
def currency_countries() -> dict[str, tuple[str, ...]]:
    """ISO 4217 code -> the countries where it is legal tender today (CLDR).

    Example:
        >>> currency_countries()["CHF"]
        ('CH', 'LI')
    """
    from babel.core import get_global

    out: dict[str, list[str]] = {}
    for country, currencies in get_global("territory_currencies").items():
        for code, _start, end, tender in currencies:
            if end is None and tender and country in country_zones():
                out.setdefault(code, []).append(country)
    return {code: tuple(sorted(countries)) for code, countries in out.items()}


def currency_zones(codes: Sequence[str]) -> tuple[str, ...]:
    """The zones of the countries where these currencies are tender.

    Example:
        >>> currency_zones(["CHF"])
        ('Europe/Zurich', 'Europe/Vaduz')
    """
    countries = [c for code in codes for c in issuer_first(code, currency_countries().get(code, ()))]
    return tuple(dict.fromkeys(z for c in countries for z in country_zones().get(c, ())))


def issuer_first(code: str, countries: Sequence[str]) -> list[str]:
    """`countries` with the currency's own country first (ISO 4217: USD starts with US, CHF with CH).

    Example:
        >>> issuer_first("USD", ["EC", "US"])
        ['US', 'EC']
    """
    return sorted(countries, key=lambda c: (c != code[:2], c))


@cache
def _tzif(zone: str) -> bytes | None:
    try:
        return resources.files("tzdata").joinpath("zoneinfo", *zone.split("/")).read_bytes()
    except (ModuleNotFoundError, FileNotFoundError, IsADirectoryError, NotADirectoryError, ValueError):
        return None
