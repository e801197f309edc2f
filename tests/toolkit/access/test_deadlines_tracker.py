"""Deadline arithmetic (GDPR Art. 12(3)) and the tracker kept in the store."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest

from toolkit.access import tracker
from toolkit.access.deadlines import add_months, due_date, extension_valid, is_overdue, late
from toolkit.access.ics import calendar_bytes
from toolkit.access.tracker import (
    TrackerError,
    add_request,
    load_me,
    load_requests,
    save_me,
    status,
    update_request,
)


@pytest.mark.parametrize(("received", "due"), [
    (date(2023, 1, 31), date(2023, 2, 28)),   # a shorter month: its last day
    (date(2024, 1, 31), date(2024, 2, 29)),   # leap year
    (date(2024, 2, 29), date(2024, 3, 29)),
    (date(2023, 3, 31), date(2023, 5, 1)),    # 30 April 2023, a Sunday: the Monday
    (date(2023, 12, 15), date(2024, 1, 15)),  # across the year
    (date(2026, 12, 2), date(2027, 1, 4)),    # 2 January 2027, a Saturday: the Monday
    (date(2026, 10, 1), date(2026, 11, 2)),   # 1 November 2026, a Sunday
])
def test_one_month_from_receipt(received: date, due: date) -> None:
    assert due_date(received) == due


def test_extension_counts_only_when_notified_within_the_first_month() -> None:
    received = date(2024, 1, 31)
    assert extension_valid(received, date(2024, 2, 29))          # on the due day: in time
    assert not extension_valid(received, date(2024, 3, 1))       # the day after: too late
    assert not extension_valid(received, date(2024, 1, 30))      # before receipt: not an extension of it
    assert due_date(received, date(2024, 2, 10)) == date(2024, 4, 30)   # 31 Jan + 3 months
    assert due_date(received, date(2024, 3, 1)) == date(2024, 2, 29)    # told too late: no extension
    assert due_date(date(2023, 11, 30), date(2023, 12, 1)) == date(2024, 2, 29)
    assert add_months(date(2023, 12, 31), 2) == date(2024, 2, 29)


def test_overdue_from_the_day_after_the_due_day() -> None:
    received = date(2025, 1, 31)  # due Friday 28 February 2025
    assert not is_overdue(received, date(2025, 2, 28))
    assert is_overdue(received, date(2025, 3, 1))
    assert not is_overdue(received, date(2025, 3, 1), answered=date(2025, 2, 20))
    assert late(received, date(2025, 3, 1)) and not late(received, date(2025, 2, 28))
    weekend = date(2026, 1, 31)  # 28 February 2026 is a Saturday: an answer on Monday 2 March is in time
    assert not late(weekend, date(2026, 3, 2)) and late(weekend, date(2026, 3, 3))


def test_tracker_round_trip_and_states(tmp_path: Path) -> None:
    today = date(2026, 6, 1)
    r = add_request(tmp_path, platform="glovo", ground="art15", sent=date(2026, 1, 31), via="email",
                    period_from=date(2025, 1, 1), period_to=date(2025, 12, 31), today=today)
    assert status(r, date(2026, 3, 2)) == "waiting" and status(r, date(2026, 3, 3)) == "overdue"
    update_request(tmp_path, r.id[:4], today=today, extension_notice=date(2026, 2, 20),
                   extension_reason="volume")
    again = load_requests(tmp_path)[0]  # as a restarted process reads it
    assert again.due == date(2026, 4, 30) and status(again, date(2026, 3, 3)) == "extended"
    update_request(tmp_path, r.id, today=today, answered=date(2026, 5, 2), answer_language="es")
    done = load_requests(tmp_path)[0]
    assert status(done, today) == "answered_late" and done.answer_language == "es"
    assert done.period_from == date(2025, 1, 1) and done.extension_reason == "volume"


@pytest.mark.parametrize(("changes", "message"), [
    ({"platform": "doordash"}, "known"),
    ({"ground": "art16"}, "ground"),
    ({"via": "pigeon"}, "via"),
    ({"sent": date(2027, 1, 1)}, "future"),
    ({"period_from": date(2025, 1, 1)}, "period"),
    ({"worker": "../x"}, "worker"),
])
def test_tracker_refuses_bad_entries_and_keeps_the_file(tmp_path: Path, changes: dict, message: str) -> None:
    add_request(tmp_path, platform="uber", ground="art15", sent=date(2026, 1, 2), via="webform",
                today=date(2026, 2, 1))
    before = (tmp_path / "_requests" / "requests.json").read_bytes()
    args = {"platform": "uber", "ground": "art15", "sent": date(2026, 1, 5), "via": "email",
            "today": date(2026, 2, 1), **changes}
    with pytest.raises(TrackerError, match=message):
        add_request(tmp_path, **args)
    assert (tmp_path / "_requests" / "requests.json").read_bytes() == before


def test_answer_before_sending_is_refused(tmp_path: Path) -> None:
    r = add_request(tmp_path, platform="uber", ground="art15", sent=date(2026, 1, 2), via="webform",
                    today=date(2026, 2, 1))
    with pytest.raises(TrackerError, match="before the request was sent"):
        update_request(tmp_path, r.id, today=date(2026, 2, 1), answered=date(2026, 1, 1))


def test_interrupted_write_leaves_the_previous_version(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    add_request(tmp_path, platform="uber", ground="art15", sent=date(2026, 1, 2), via="webform",
                today=date(2026, 2, 1))
    before = (tmp_path / "_requests" / "requests.json").read_bytes()

    def crash(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        add_request(tmp_path, platform="wolt", ground="art20", sent=date(2026, 1, 3), via="email",
                    today=date(2026, 2, 1))
    monkeypatch.undo()
    assert (tmp_path / "_requests" / "requests.json").read_bytes() == before
    assert [r.platform for r in load_requests(tmp_path)] == ["uber"]
    add_request(tmp_path, platform="wolt", ground="art20", sent=date(2026, 1, 3), via="email",
                today=date(2026, 2, 1))  # and the next write works
    assert [r.platform for r in load_requests(tmp_path)] == ["uber", "wolt"]


def test_corrupt_tracker_file_is_named_and_not_overwritten(tmp_path: Path) -> None:
    folder = tmp_path / "_requests"
    folder.mkdir()
    (folder / "requests.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(TrackerError, match="requests.json"):
        add_request(tmp_path, platform="uber", ground="art15", sent=date(2026, 1, 2), via="webform",
                    today=date(2026, 2, 1))
    assert (folder / "requests.json").read_text(encoding="utf-8") == "{not json"


def test_details_are_checked_and_kept(tmp_path: Path) -> None:
    save_me(tmp_path, name="Alex Martin", email="alex@example.org", country="fr")
    assert load_me(tmp_path)["country"] == "fr"
    with pytest.raises(TrackerError, match="e-mail"):
        save_me(tmp_path, email="not-an-address")
    with pytest.raises(TrackerError, match="country"):
        save_me(tmp_path, country="France")
    assert load_me(tmp_path)["email"] == "alex@example.org"
    kept = json.loads((tmp_path / "_requests" / "me.json").read_text(encoding="utf-8"))
    assert kept["name"] == "Alex Martin"


def test_worker_erasure_forgets_their_requests(tmp_path: Path) -> None:
    from toolkit.store import delete_worker, store_lock

    add_request(tmp_path, platform="uber", ground="art15", sent=date(2026, 1, 2), via="webform", worker="w1",
                today=date(2026, 2, 1))
    add_request(tmp_path, platform="uber", ground="art15", sent=date(2026, 1, 2), via="webform", worker="w2",
                today=date(2026, 2, 1))
    with store_lock(tmp_path):
        delete_worker(tmp_path, "w1")
    assert [r.worker for r in load_requests(tmp_path)] == ["w2"]


def test_calendar_has_one_event_per_open_request() -> None:
    from icalendar import Calendar

    open_one = tracker.Request(id="aa", platform="uber", ground="art15", sent=date(2025, 1, 31),
                               via="webform")
    answered = tracker.Request(id="bb", platform="wolt", ground="art15", sent=date(2025, 1, 2), via="email",
                               answered=date(2025, 1, 20))
    cal = Calendar.from_ical(calendar_bytes([open_one, answered], "fr", today=date(2025, 2, 1)))
    events = list(cal.walk("VEVENT"))
    assert len(events) == 1
    assert events[0].decoded("dtstart") == date(2025, 3, 1)  # the day after the due day: remind
    assert "Uber" in str(events[0]["summary"]) and "28 févr. 2025" in str(events[0]["summary"])
    assert str(events[0]["uid"]).startswith("gigdata-request-aa-")


@pytest.mark.parametrize("content", ["[]", "null", '{"requests": {}}', '{"requests": [{"id": "x1"}]}',
                                     '{"requests": [{"id": "x1", "platform": "uber", "ground": "art15", '
                                     '"sent": null, "via": "email"}]}',
                                     '{"requests": [{"id": "x1", "platform": "uber", "ground": "art15", '
                                     '"sent": "2026-01-02", "via": "email", "answered": 3}]}'])
def test_a_malformed_tracker_file_is_named_and_the_check_still_runs(tmp_path: Path, content: str) -> None:
    from toolkit.access.check import check

    folder = tmp_path / "_requests"
    folder.mkdir()
    (folder / "requests.json").write_text(content, encoding="utf-8")
    with pytest.raises(TrackerError, match="requests.json"):
        load_requests(tmp_path)
    with pytest.raises(TrackerError, match="requests.json"):
        add_request(tmp_path, platform="uber", ground="art15", sent=date(2026, 1, 2), via="webform",
                    today=date(2026, 2, 1))
    assert (folder / "requests.json").read_text(encoding="utf-8") == content
    from parsers.ingest import ingest_export

    samples = Path(__file__).resolve().parents[3] / "sample_exports"
    ingest_export(samples / "uber-sar-fr-2021", tmp_path, worker="me")
    assert "per_offer_dispatch" in {g.item for g in check(tmp_path)}  # a damaged tracker never stops it


def test_the_answer_language_is_a_code(tmp_path: Path) -> None:
    r = add_request(tmp_path, platform="uber", ground="art15", sent=date(2026, 1, 2), via="webform",
                    today=date(2026, 2, 1))
    with pytest.raises(TrackerError, match="language code"):
        update_request(tmp_path, r.id, today=date(2026, 2, 1), answered=date(2026, 1, 20),
                       answer_language="English, from Jean")
    assert load_requests(tmp_path)[0].answered is None  # nothing was recorded
    update_request(tmp_path, r.id, today=date(2026, 2, 1), answered=date(2026, 1, 20),
                   answer_language="pt-BR")
    assert load_requests(tmp_path)[0].answer_language == "pt-BR"
