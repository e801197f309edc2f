"""The analyses' technical notes are `toolkit.i18n.Note`s said in French on French pages: every `notes.` key
exists in both languages with the same placeholders, and the notes the analyses write come out in French,
their numbers formatted for French, with no placeholder left."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from toolkit.analytics._earnings import currency_lines, dominant_currency
from toolkit.analytics.changepoints import change_points, job_pay
from toolkit.analytics.coverage import pay_coverage
from toolkit.analytics.dispatch import (
    after_decisions,
    blocks_after_rejections,
    offer_rates,
    online_hours,
    repositioning,
    surge_share,
)
from toolkit.analytics.legal import lom_indicators, subordination_signs
from toolkit.analytics.plausibility import date_notes, km_in_span, trip_km
from toolkit.analytics.quest import quest_feasibility
from toolkit.analytics.ratings import low_rating_effects, rating_summary
from toolkit.analytics.sanctions import sanctions_timeline
from toolkit.analytics.time import job_intervals, time_accounting
from toolkit.config import load_config
from toolkit.i18n import LANGUAGES, Note, Translator, catalogue, say

CFG = load_config()
FR, EN = Translator("fr"), Translator("en")


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", text))


def _utc(*times: str | None) -> pd.Series:
    return pd.Series(pd.to_datetime(list(times), utc=True))


def test_every_note_key_is_in_both_languages_with_the_same_placeholders() -> None:
    keys = {lang: {k for k in catalogue(lang) if k.startswith("notes.")} for lang in LANGUAGES}
    assert keys["en"] == keys["fr"]
    for key in sorted(keys["en"]):
        assert _placeholders(catalogue("en")[key]) == _placeholders(catalogue("fr")[key]), key


def _frenched(notes: list[str]) -> list[str]:
    """Each note in French, checked: a Note, French differs from English, no placeholder left."""
    assert notes, "the analysis wrote no note"
    out = []
    for note in notes:
        assert isinstance(note, Note), f"a plain English note: {note!r}"
        french = say(note, FR)
        assert french != str(note) and french != say(note, EN), note
        assert "{" not in french and "}" not in french, french
        out.append(french)
    return out


def test_absent_tables_are_said_in_french() -> None:
    notes = (time_accounting(None, None).notes + offer_rates(None, None)["notes"]
             + online_hours(None, None)["notes"] + after_decisions(None)["notes"]
             + blocks_after_rejections(None)["notes"] + sanctions_timeline(None)["notes"]
             + rating_summary(pd.DataFrame({"rating": [], "scale": [], "rated_at": []}))["notes"]
             + subordination_signs()["notes"])
    french = _frenched(notes)
    assert "ni journal des états ni courses datées : le temps ne peut pas être mesuré" in french
    assert "aucune note" in french


def test_counts_and_names_keep_their_values_in_french() -> None:
    jobs = pd.DataFrame({"platform": ["uber"] * 1200, "requested_at": _utc(*["2026-01-05 09:00"] * 1200),
                         "picked_up_at": _utc(*["2026-01-05 09:10"] * 1200),
                         "dropped_off_at": _utc(*["2026-01-05 09:30"] * 1200)})
    notes: list[str] = []
    job_intervals(jobs, notes)
    assert notes == ["1200 job(s) without an acceptance time: P2 starts at the request"]
    assert _frenched(notes) == ["courses sans heure d'acceptation : 1\u202f200 ; l'approche (P2) commence à "
                                "la demande"]
    currencies: list[str] = []
    dominant_currency(pd.DataFrame({"currency": ["EUR", "EUR", "CHF"]}), currencies)
    assert _frenched(currencies) == ["revenus en plusieurs devises (CHF, EUR) : chiffres en EUR ; lignes "
                                     "dans d'autres devises écartées : 1"]


def test_an_amount_is_said_with_the_french_decimal_comma() -> None:
    e = pd.DataFrame({"earned_at": _utc("2021-03-01 12:00", "2024-01-08 12:00"), "amount": [1234.5, 200.0],
                      "category": ["fare", "fare"], "job_id": [None, None]})
    day = (pd.Timestamp("2024-01-08", tz="UTC"), pd.Timestamp("2024-01-09", tz="UTC"))
    notes: list[str] = []
    pay_coverage(e, None, "status_log", day, "UTC", CFG, notes)
    assert notes[0].startswith("1234.50 of the period's earnings (1 line(s), 2021-03-01 to 2021-03-01)")
    assert say(notes[0], EN).startswith("1,234.50 of the period's earnings")
    assert _frenched(notes)[0].startswith("un montant de 1\u202f234,50 des revenus de la période")


def test_nested_notes_are_said_in_french_too() -> None:
    jobs = pd.DataFrame({"job_id": ["a", "b"], "source_file": ["t.csv"] * 2, "source_row": [2, 3],
                         "to_pickup_distance_m": [21.0, 30.0], "to_pickup_duration_s": [318.0, 400.0],
                         "accept_lat": [None, 48.85], "accept_lon": [None, 2.35],
                         "pickup_lat": [None, 48.86], "pickup_lon": [None, 2.35],
                         "dropped_off_at": _utc("2026-01-05 10:00", "2026-01-05 11:00")})
    trips = trip_km(jobs, CFG)
    english = trips.notes[0]
    assert english.startswith("2 distance(s) to the pickup (to_pickup_distance_m) imply an impossible speed "
                              "and were replaced: 1 by ")
    assert "great-circle distance between the job's positions x 1.4" in english
    assert "1 by travel time x 15 km/h" in english and english.endswith("(estimates)")
    french = _frenched(trips.notes)[0]
    assert french.startswith("distances d'approche (to_pickup_distance_m) impliquant une vitesse impossible")
    assert "× 1,4" in french and "× 15 km/h" in french
    notes: list[str] = []
    day = (pd.Timestamp("2026-01-05", tz="UTC"), pd.Timestamp("2026-01-06", tz="UTC"))
    km_in_span(trips, day, "job", notes)
    assert notes == ["no job distance in the export: vehicle costs unknown"]
    _frenched(notes)


def test_the_other_analyses_say_their_notes_in_french() -> None:
    jobs = pd.DataFrame({"status": ["completed"] * 2, "fare": [5.0, None], "job_id": ["j1", "j2"],
                         "job_duration_s": [None, None],
                         "picked_up_at": _utc("2026-01-05 10:00", None),
                         "dropped_off_at": _utc("2026-01-05 10:20", None)})
    notes = (lom_indicators(jobs)["notes"] + job_pay(jobs)["notes"]
             + change_points(pd.Series([1.0, 2.0]))["notes"]
             + quest_feasibility(jobs, jobs_needed=5, start="19:00", end="22:00", day="2026-01-12",
                                 bonus=40.0)["notes"]
             + surge_share(jobs)["notes"] + repositioning(jobs)["notes"]
             + low_rating_effects(pd.DataFrame({"rating": [1.0], "scale": [5.0], "rated_at": [pd.NaT]}))
             ["notes"])
    _frenched(notes)
    lines: list[str] = []
    e = pd.DataFrame({"earned_at": _utc("2026-01-05", None), "amount": [30.0, 2.0], "currency": ["EUR"] * 2,
                      "category": ["fare"] * 2})
    january = (pd.Timestamp("2026-01-01", tz="UTC"), pd.Timestamp("2026-02-01", tz="UTC"))
    currency_lines(e, "EUR", january, lines)
    odd = date_notes(pd.DataFrame({"earned_at": _utc("1970-01-01")}), None, CFG)
    assert _frenched(lines + odd)[1].startswith("lignes de paiement datées d'avant le 2009-03-01")


@pytest.mark.parametrize("hours", [12.0, 7.5])
def test_a_threshold_reads_as_before_in_english_and_with_a_comma_in_french(hours: float) -> None:
    seg = pd.DataFrame({"platform": ["uber"], "state": ["waiting"], "start_at": _utc("2026-01-05 00:00"),
                        "end_at": _utc("2026-01-06 00:00")})
    notes = time_accounting(seg, None, config=load_config(overrides={"time.long_segment_h": hours})).notes
    shown = f"{hours:g}"
    assert notes == [f"1 logged-in segment(s) longer than {shown} h (check them)"]
    french = shown.replace(".", ",")
    assert _frenched(notes) == [f"périodes de connexion de plus de {french} h : 1 (à vérifier)"]
