"""Due dates of access requests as calendar events (.ics, RFC 5545, with icalendar).

One all-day event per open request on the day after its due day (the first day the reminder letter can
be sent), with an alarm in the morning: a phone's calendar then reminds the worker to send it if nothing
came. Events carry the request id in their UID, so
importing the file again updates them instead of adding copies.

Example:
    >>> from toolkit.access.tracker import Request
    >>> r = Request(id="ab12cd34", platform="wolt", ground="art15", sent=date(2026, 1, 31), via="email")
    >>> b"DTSTART;VALUE=DATE:20260303" in calendar_bytes([r], "en", today=date(2026, 2, 1))  # due Mon 2 March
    True
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from icalendar import Alarm, Calendar, Event

from toolkit import __version__
from toolkit.access.reference import platform
from toolkit.access.tracker import Request, status
from toolkit.i18n import Translator

OPEN = ("waiting", "extended", "overdue")
"""The states whose due day still calls for an action."""


def calendar_bytes(requests: list[Request], lang: str, today: date | None = None) -> bytes:
    """An iCalendar file with the due day of every request still open on `today`."""
    tr = Translator(lang)
    today = today or date.today()
    cal = Calendar()
    cal.add("prodid", f"-//gigdata {__version__}//access requests//{lang.upper()}")
    cal.add("version", "2.0")
    for request in requests:
        if status(request, today) not in OPEN:
            continue
        name = platform(request.platform).shown(lang)
        event = Event()
        event.add("uid", f"gigdata-request-{request.id}-due@gigdata.invalid")
        event.add("dtstamp", datetime(today.year, today.month, today.day, tzinfo=UTC))
        summary = tr("request.track.event_due", platform=name, sent=tr.date(request.sent),
                     due=tr.date(request.due))
        event.add("dtstart", request.due + timedelta(days=1))
        event.add("dtend", request.due + timedelta(days=2))
        event.add("summary", summary)
        event.add("description", tr("request.track.event_description", platform_key=request.platform,
                                    id=request.id))
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary)
        alarm.add("trigger", timedelta(hours=9))
        event.add_component(alarm)
        cal.add_component(event)
    return bytes(cal.to_ical())
