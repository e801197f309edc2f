"""The "Ask for my data" page: the same gaps as `gigdata request check`, the same letter as
`gigdata request letter`, and a tracker that keeps what is recorded; the Start page lists the same gaps."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from streamlit.testing.v1 import AppTest

from pages.style import gap_lines
from toolkit.access.check import check
from toolkit.access.letters import request_letter
from toolkit.access.tracker import load_me, load_requests
from toolkit.i18n import Translator, text


def _clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def test_ask_page_shows_the_gaps_of_the_check(app_on: Callable[..., AppTest], session_store: Path) -> None:
    for lang in ("en", "fr"):
        at = app_on("ask", lang)
        _clean(at)
        shown = [m.value.replace("\\", "") for m in at.markdown if m.value.startswith("- ")]
        gaps = check(session_store, worker="me", lang=lang)
        assert gaps, "the synthetic export lacks at least its data dictionary"
        assert shown == [f"- {line}" for line in gap_lines(gaps, Translator(lang))["uber"]]
        for gap, line in zip(gaps, shown, strict=True):
            assert text(f"request.item.{gap.item}.name", lang) in line and gap.detail in line
            assert gap.blocks in line
        assert [c.value.replace("\\", "") for c in at.caption if c.value.replace("\\", "") in
                {g.source for g in gaps}] == [g.source for g in gaps]


def test_details_letter_and_tracker(app_on: Callable[..., AppTest], session_store: Path) -> None:
    at = app_on("ask", "en")
    assert text("request.error.need_details", "en") in at.warning[0].value  # what to give first
    at.text_input(key="ask-name").input("Alex Martin")
    at.text_input(key="ask-email").input("alex@example.org")
    at.text_input(key="ask-city").input("Lyon")
    at.text_input(key="ask-country").input("fr")
    at.button[[b.label for b in at.button].index(text("request.me.save", "en"))].click().run()
    _clean(at)
    me = load_me(session_store)
    assert me["name"] == "Alex Martin" and me["country"] == "fr"
    at.selectbox(key="ask-platform").set_value("wolt")
    at.selectbox(key="ask-ground").set_value("art20").run()
    _clean(at)
    expected = request_letter("wolt", "art20", "en", me, today=date.today()).text()
    assert at.code[0].value == expected.rstrip("\n")  # st.code drops the last line end
    at.selectbox(key="ask-via").set_value("email")
    at.button[[b.label for b in at.button].index(text("request.page.record", "en"))].click().run()
    _clean(at)
    recorded = load_requests(session_store)
    assert [(r.platform, r.ground, r.via, r.sent) for r in recorded] == \
        [("wolt", "art20", "email", date.today())]
    table = at.dataframe[-1].value
    assert list(table[text("request.track.col_status", "en")]) == [text("request.track.status_waiting", "en")]
    at.radio(key="ask-kind").set_value("reminder").run()
    _clean(at)  # sent today: the reminder is refused until the due day has passed, in the reader's words
    assert not at.code and "the reminder is for the day after" in at.warning[0].value
    at.radio(key="ask-kind").set_value("complaint").run()
    _clean(at)
    assert "Commission nationale" in at.code[0].value


def test_start_page_lists_the_same_gaps(app_on: Callable[..., AppTest], session_store: Path) -> None:
    at = app_on("start", "fr")
    _clean(at)
    shown = " ".join(m.value for m in at.markdown)
    for gap in check(session_store, worker="me", lang="fr"):
        assert gap.detail in shown.replace("\\", "")
