"""File-path patterns of Uber exports, shared by detection, `prepare` and the handler table.

Access-request (SAR) files are named `NN - Title.csv` where `NN` (`\\d+[a-z]?`, e.g. `19a`) changes
between responses, so only the title is matched (export-formats.md §1.1); matching ignores case, so the
Geneva spelling `Driver Online OffLine` is the same title. Portal files are `snake_name-N.csv` parts.

Example:
    >>> import re
    >>> bool(re.search(ONLINE, "x/02 - Driver Online OffLine.csv", re.IGNORECASE))
    True
"""

from __future__ import annotations

import re


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

def matches(pattern: str, path: str) -> bool:
    """Whether `path` matches `pattern` (case-insensitive, as `Rule.matches`).

    Example:
        >>> matches(TRIPS, "FR-Paris/02 - driver lifetime trips.csv")
        True
    """
    return re.search(pattern, path, flags=re.IGNORECASE) is not None
