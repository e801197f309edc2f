"""File-path patterns and header signatures of Uber exports, shared by detection, `prepare` and the
handler table.

Access-request (SAR) files are named `NN - Title.csv` where `NN` (`\\d+[a-z]?`, e.g. `19a`) changes
between responses, so only the title is matched (export-formats.md §1.1); matching ignores case, so the
Geneva spelling `Driver Online OffLine` is the same title. Portal files are `snake_name-N.csv` parts.

A file whose name no pattern knows (a spreadsheet re-export saved as `Trip details (Driver)-Table 1.csv`,
a file renamed by hand) is recognised by its header: `SIGNATURES` gives, per known file, the columns that
name it and a file name the patterns know, under which it is then detected and read.

Example:
    >>> import re
    >>> bool(re.search(ONLINE, "x/02 - Driver Online OffLine.csv", re.IGNORECASE))
    True
    >>> from parsers.base import first_signature
    >>> first_signature(SIGNATURES, ["request_time", "begintrip_time", "dropoff_time", "status"]).name
    'Trip details (Driver).csv'
"""

from __future__ import annotations

import re

from parsers.base import Signature, path_matches


def sar(title: str) -> str:
    """The pattern of an access-request file with this title, whatever its number.

    Example:
        >>> sar("Driver Payments")
        '(^|/)\\\\d+[a-z]? - Driver\\\\ Payments\\\\.csv$'
    """
    return rf"(^|/)\d+[a-z]? - {re.escape(title)}\.csv$"


TRIPS = sar("Driver Lifetime Trips")
PORTAL_TRIPS = r"(^|/)driver_lifetime_trips(-\d+)?\.csv$"
TRIP_DETAILS = r"(^|/)Trip details \(Driver\)\.csv$"
ONLINE = sar("Driver Online Offline")
TRIP_STATUS = sar("Driver Trip Status")
DISPATCHES = sar("Driver Dispatches Offered and Accepted")
PAYMENTS = sar("Driver Payments")
PORTAL_PAYMENTS = r"(^|/)driver_payments-\d+\.csv$"
RESTRICTIONS = sar("Driver App Restrictions")
BADGES = sar("Driver Performance Badges")
RATINGS = r"(^|/)driver_lifetime_ratings_received-\d+\.csv$"
DEVICE = sar("Driver Detailed Device Data")
ANALYTICS = r"(^|/)driver_app_analytics-\d+\.csv$"
COURIER = sar("Courier Lifetime Trip Data")


def _titled(title: str) -> str:
    return f"00 - {title}.csv"  # "00": a number no real response uses, so the name shows it was given


SIGNATURES: tuple[Signature, ...] = (
    # Tried in order: the more specific header first (Trip Status holds the Geneva Online columns too).
    # Columns: those the parser needs for that variant (parsers.uber.*_VARIANTS), plus one that tells the
    # file apart where those are generic. Headers: export-formats.md §2-3.
    Signature(("delivery_status", "courier_accept_timestamp_local"),
              _titled("Courier Lifetime Trip Data")),
    Signature(("status", "request_time", "begintrip_time", "dropoff_time"), "Trip details (Driver).csv"),
    Signature(("status", "request_timestamp_utc", "city_name", "flow_type"), "driver_lifetime_trips-0.csv"),
    Signature(("status", "request_timestamp_utc", "trip_distance_miles"), _titled("Driver Lifetime Trips")),
    Signature(("status", "request_timestamp_local", "trip_distance_miles"), _titled("Driver Lifetime Trips")),
    Signature(("Status", "Local Request Timestamp"), "driver_lifetime_trips-0.csv"),
    Signature(("status", "end_reason", "begin_timestamp_utc"), _titled("Driver Trip Status")),
    Signature(("status", "end_reason", "begin_timestamp"), _titled("Driver Trip Status")),
    Signature(("status", "end_reason", "begin_timestamp_local"), _titled("Driver Trip Status")),
    Signature(("earner_state", "begin_timestamp_utc"), _titled("Driver Online Offline")),
    Signature(("earner_state", "begin_timestamp_local"), _titled("Driver Online Offline")),
    # Geneva's spelling: the name keeps the capital L that tells its layout apart (§2.4c)
    Signature(("status", "begin_timestamp", "end_timestamp"), _titled("Driver Online OffLine")),
    Signature(("status", "begin_timestamp_local", "end_timestamp_local"), _titled("Driver Online OffLine")),
    Signature(("start_timestamp_utc", "end_timestamp_utc", "dispatches"),
              _titled("Driver Dispatches Offered and Accepted")),
    Signature(("start_timestamp_local", "end_timestamp_local", "dispatches"),
              _titled("Driver Dispatches Offered and Accepted")),
    Signature(("amount_local", "currency_code", "classification", "recognize_timestamp_local"),
              _titled("Driver Payments")),
    Signature(("Local Amount", "Currency Code", "Classification", "Local Timestamp"),
              "driver_payments-0.csv"),
    Signature(("msg.penaltyboxdurationms", "msg.rule", "Time"), _titled("Driver App Restrictions")),
    Signature(("five_star_rating",), "driver_lifetime_ratings_received-0.csv"),
    Signature(("lat", "lng", "gps_time_ms", "driver_status"), _titled("Driver Detailed Device Data")),
    Signature(("Event Time (UTC)", "Latitude", "Longitude", "Is Driver Online?"),
              "driver_app_analytics-0.csv"),
    # files ignored on purpose: a renamed one is still ignored for the right reason (§2.10, 2.12, 2.14)
    Signature(("lat", "lng", "occurred_at", "rider_status"), _titled("Rider Detailed Device Data")),
    Signature(("Trip or Order Status", "Request Time", "Begin Trip Time", "Fare Amount"), "trips_data.csv"),
    Signature(("Order ID", "Order Time", "Item Name", "Order Price"), "eats_order_details.csv"),
    Signature(("previous_dropoff_time", "next_request_time", "notask_minutes"),
              "Lost Time details (Driver).csv"),
)
"""Header signatures of the known Uber files, first fit wins (see the module docstring)."""


def matches(pattern: str, path: str) -> bool:
    """Whether `path` matches `pattern` (case-insensitive, as `Rule.matches`).

    Example:
        >>> matches(TRIPS, "FR-Paris/02 - driver lifetime trips.csv")
        True
    """
    return path_matches(pattern, path)
