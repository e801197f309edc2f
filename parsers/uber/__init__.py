"""Uber and Uber Eats exports: EU access-request (SAR) responses 2015–2025 and the download portal.

Layouts (docs/uber-mapping.md, from ../shared/reference/export-formats.md §1–3):
- `sar-fr-2021`: French response, `FR-Paris/NN - Title.csv`, `;`, CRLF, `*_local` times with a bogus `Z`;
- `sar-geneva-2022`: Geneva responses 2017–2022, `,`, `\\N`, naive UTC times, `Online OffLine`,
  `Driver Trip Status` (per-offer log);
- `portal-2022`: `driver_lifetime_trips-0.csv` with Title-Case headers and local times only;
- `portal-2025`: `Uber Data/Driver/*-N.csv` (trips, payments, app analytics in parts, ratings);
- `sar-2016`: Geneva 2015–16 (`Trip details (Driver).csv`, device GPS data);
- `sar-eats-2025` (platform `ubereats`): Lausanne courier response (Online Offline, Payments, Courier
  Lifetime Trip Data).
SAR files are matched on their title, never on their number, which changes between responses; a file
whose name fits no pattern is recognised by its header (`patterns.SIGNATURES`).

Example:
    >>> detect(["FR-Paris/02 - Driver Lifetime Trips.csv", "FR-Paris/11 - Driver App Restrictions.csv"])
    Detection(platform='uber', layout='sar-fr-2021', evidence=('FR-Paris/02 - Driver Lifetime Trips.csv', \
'FR-Paris/11 - Driver App Restrictions.csv'))
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from parsers.base import Detection, Member, ParseContext, Rule
from parsers.uber import patterns as p
from parsers.uber.account import parse_ratings, parse_restrictions
from parsers.uber.locations import parse_app_analytics, parse_device_data
from parsers.uber.offers import parse_dispatches
from parsers.uber.payments import parse_payments
from parsers.uber.status import parse_online_offline, parse_trip_status
from parsers.uber.trips import parse_courier_trips, parse_lifetime_trips, parse_trip_details
from parsers.uber.zones import state_facts

PLATFORM = "uber"
PLATFORMS = ("uber", "ubereats")
"""Platforms this module parses (`ubereats` when the export holds an Eats courier's deliveries)."""
SIGNATURES = p.SIGNATURES
WORK_DATA = (
    "Ask Uber for your data as a driver or courier: in an access request (GDPR Art. 15), name the driver "
    "files (Driver Lifetime Trips or Courier Lifetime Trip Data, Driver Online Offline, Driver Dispatches "
    "Offered and Accepted, Driver Trip Status, Driver Payments, Driver App Restrictions); from the "
    "download portal, choose the Driver folder (trips, payments, ratings, app analytics)."
)
"""What to request when an export holds only rider, Eats-customer or account files."""

_SAR_DRIVER = (p.TRIPS, p.ONLINE, p.DISPATCHES, p.TRIP_STATUS, p.PAYMENTS, p.RESTRICTIONS)
_PORTAL_2025 = (p.PORTAL_PAYMENTS, p.ANALYTICS, p.RATINGS)
LAYOUTS: tuple[tuple[str, tuple[str, ...], Callable[[list[str]], bool]], ...] = (
    # (layout, patterns of its files, whether the export's paths fit it), tried in this order
    ("sar-fr-2021", _SAR_DRIVER, lambda paths: not any(_geneva_only(x) for x in paths)),
    ("sar-geneva-2022", _SAR_DRIVER, lambda paths: True),
    ("portal-2022", (p.PORTAL_TRIPS,),
     lambda paths: not any(_any(_PORTAL_2025, x) or "Uber Data/" in x for x in paths)),
    ("portal-2025", (p.PORTAL_TRIPS, *_PORTAL_2025), lambda paths: True),
    ("sar-2016", (p.TRIP_DETAILS, p.DEVICE), lambda paths: True),
)


def detect(paths: list[str]) -> Detection | None:
    """Which Uber export this is, from the known files it holds (None when it holds none).

    An Eats courier's `Courier Lifetime Trip Data` makes it `ubereats`; otherwise the first layout of
    `LAYOUTS` whose files are present (and that the paths fit) names it.

    Example:
        >>> detect(["Uber Data/Driver/driver_payments-0.csv"]).layout
        'portal-2025'
        >>> detect(["Uber Data/Rider/trips_data.csv"]) is None
        True
    """
    known = [path for path in paths if any(r.handler is not None and r.matches(path) for r in RULES)]
    courier = [path for path in known if p.matches(p.COURIER, path)]
    if courier:
        evidence = [x for x in known if _any((p.COURIER, p.ONLINE, p.PAYMENTS), x)]
        return Detection("ubereats", "sar-eats-2025", tuple(evidence))
    for layout, files, fits in LAYOUTS:
        evidence = [x for x in known if _any(files, x)]
        if evidence and fits(paths):
            return Detection(PLATFORM, layout, tuple(evidence))
    return None


def prepare(export: Any, ctx: ParseContext) -> None:
    """Read the facts the export states about itself: its time zone and its trips' currency.

    `export` is a `toolkit.archive.Export` (or any object with `members`, or an iterable of members).

    Example:
        >>> ctx = ParseContext("uber", "portal-2022")
        >>> prepare([], ctx); (ctx.export_tz, ctx.facts)
        (None, {})
    """
    members = [_ReadAs(m, ctx.by_header[m.path]) if m.path in ctx.by_header else m
               for m in getattr(export, "members", export)]
    state_facts(members, ctx)
    for member in members:  # the evidence names the real files, not the names they were read as
        if isinstance(member, _ReadAs):
            ctx.export_tz_evidence = ctx.export_tz_evidence.replace(member.path, member.member.path)


class _ReadAs:
    """A member recognised by its header, shown to `state_facts` under the name it is read as."""

    def __init__(self, member: Member, path: str) -> None:
        self.member, self.path, self.size = member, path, member.size

    def open(self) -> Any:
        return self.member.open()

    def read_bytes(self) -> bytes:
        return self.member.read_bytes()


def _any(patterns: Iterable[str], path: str) -> bool:
    return any(p.matches(pattern, path) for pattern in patterns)


def _geneva_only(path: str) -> bool:
    # Only the Geneva responses hold the per-offer trip status log and spell "Online OffLine".
    return p.matches(p.TRIP_STATUS, path) or "Online OffLine.csv" in path


_NOT_WORK = "the worker's own use of Uber as a customer, not work data"
_ACCOUNT = "account and identity data, not work data"

RULES: list[Rule] = [  # operating-system clutter is ruled on before these, for every platform (CLUTTER_RULES)
    Rule(p.TRIPS, parse_lifetime_trips, "trips (access request)", ("jobs",)),
    Rule(p.PORTAL_TRIPS, parse_lifetime_trips, "trips (download portal)", ("jobs",)),
    Rule(p.TRIP_DETAILS, parse_trip_details, "trips (2015–16 access request)", ("jobs",)),
    Rule(p.COURIER, parse_courier_trips, "Uber Eats deliveries", ("jobs",)),
    Rule(p.ONLINE, parse_online_offline, "online, offline, en-route and on-trip periods",
         ("status_segments",)),
    Rule(p.TRIP_STATUS, parse_trip_status, "offers and trip stages, one row per stage",
         ("offers", "status_segments")),
    Rule(p.DISPATCHES, parse_dispatches, "offers and outcomes counted per hour", ("offer_windows",)),
    Rule(p.PAYMENTS, parse_payments, "pay lines (access request)", ("earnings",)),
    Rule(p.PORTAL_PAYMENTS, parse_payments, "pay lines (download portal)", ("earnings",)),
    Rule(p.RESTRICTIONS, parse_restrictions, "app restrictions (penalty box)", ("sanctions",)),
    Rule(p.RATINGS, parse_ratings, "ratings received (undated)", ("ratings",)),
    Rule(p.DEVICE, parse_device_data, "GPS positions of the driver app", ("locations",)),
    Rule(p.ANALYTICS, parse_app_analytics, "positions of driver-app events", ("locations",)),
    Rule(p.BADGES, None, "performance badges: the data model has no table for them yet "
         "(the file is empty in the known responses)"),
    Rule(p.sar("Rider Detailed Device Data"), None, _NOT_WORK, side="customer"),
    Rule(r"(^|/)Rider/", None, _NOT_WORK, side="customer"),
    Rule(r"(^|/)Eats/", None, _NOT_WORK, side="customer"),
    Rule(r"(^|/)trips_data\.csv$", None, _NOT_WORK, side="customer"),
    Rule(r"(^|/)rider_app_analytics(-\d+)?\.csv$", None, _NOT_WORK, side="customer"),
    Rule(r"(^|/)eats_[^/]*$", None, _NOT_WORK, side="customer"),
    Rule(r"(^|/)Account and Profile/", None, _ACCOUNT, side="account"),
    Rule(r"(^|/)(\d+[a-z]? - )?Driver[ _]Profile[ _]Data[^/]*$", None, _ACCOUNT, side="account"),
    Rule(r"(^|/)(\d+[a-z]? - )?Driver[ _]Documents[^/]*$", None, _ACCOUNT, side="account"),
    Rule(r"(^|/)Lost Time details \(Driver\)\.csv$", None,
         "computed by an analyst from the trips file (it pairs consecutive trips), not a platform file"),
]
"""The handler table: the first rule whose pattern matches a file decides what becomes of it."""
