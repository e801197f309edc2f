"""When a platform must answer an access request (GDPR Art. 12(3), collective.md §6.1).

The answer is due at the latest one month from the day the platform received the request; the platform may
extend that by two further months only if it told the person so, with reasons, within the first month.
A period of months ends on the same date of the later month, or on its last day when that month is shorter
(31 January + 1 month = 28 or 29 February): pandas' `DateOffset` does exactly that. A period ending on a
Saturday or a Sunday ends on the following Monday (Regulation (EEC, Euratom) No 1182/71 on the periods of
EU acts, Art. 3(4); its use for Art. 12(3) is to be confirmed against the EDPB guidelines 01/2022 on the
right of access); public holidays, which differ by country, are not moved, so a due day may come a day
early, never late: an answer is never called late when it was not. The due day counts in full: a
request is overdue from the day after.

Example:
    >>> due_date(date(2024, 1, 31))
    datetime.date(2024, 2, 29)
    >>> due_date(date(2026, 10, 1))  # 1 November 2026 is a Sunday
    datetime.date(2026, 11, 2)
    >>> due_date(date(2023, 1, 31), extension_notice=date(2023, 2, 20))  # 30 April 2023: a Sunday
    datetime.date(2023, 5, 1)
    >>> due_date(date(2023, 1, 31), extension_notice=date(2023, 3, 1))  # told too late: no extension
    datetime.date(2023, 2, 28)
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd


def add_months(day: date, months: int) -> date:
    """`day` plus whole months, clamped to the last day of a shorter month.

    Example:
        >>> add_months(date(2024, 3, 31), 1), add_months(date(2023, 12, 31), 2)
        (datetime.date(2024, 4, 30), datetime.date(2024, 2, 29))
    """
    return (pd.Timestamp(day) + pd.DateOffset(months=months)).date()


def working_day(day: date) -> date:
    """`day`, or the Monday after when it is a Saturday or a Sunday (Reg. 1182/71 Art. 3(4)).

    Example:
        >>> working_day(date(2026, 11, 1)), working_day(date(2026, 11, 2))
        (datetime.date(2026, 11, 2), datetime.date(2026, 11, 2))
    """
    return day + timedelta(days=7 - day.weekday()) if day.weekday() >= 5 else day


def extension_valid(received: date, extension_notice: date | None) -> bool:
    """Whether an extension notice came within the first month (on or before the one-month due day)."""
    return extension_notice is not None and received <= extension_notice <= due_date(received)


def due_date(received: date, extension_notice: date | None = None) -> date:
    """The last day the platform may answer: receipt + 1 month, or + 3 months after a valid extension
    notice (Art. 12(3): "extended by two further months", counted from receipt); a weekend end moves to
    the Monday."""
    months = 3 if extension_notice is not None and extension_valid(received, extension_notice) else 1
    return working_day(add_months(received, months))


def is_overdue(received: date, today: date, extension_notice: date | None = None,
               answered: date | None = None) -> bool:
    """Whether the due day has passed with no answer yet (an answer after the due day was late: `late`)."""
    return answered is None and today > due_date(received, extension_notice)


def late(received: date, answered: date, extension_notice: date | None = None) -> bool:
    """Whether an answer came after the due day."""
    return answered > due_date(received, extension_notice)
