"""The platforms' codes said in words, in the reader's language: sanction rules and kinds, offer outcomes,
job statuses and kinds. Every surface (pages, report, CLI) says a code through these functions, so a
courier reads "consecutive refusals of offers" / "refus consécutifs de propositions", never
`consecutiveReject`; the raw code stays available to a "details" expander.

A rule no catalogue names is split into words ("nightShiftLimit" -> "night shift limit") and said as a
rule named by the platform, so nothing is hidden and nothing is invented.

Example:
    >>> from toolkit.i18n import Translator
    >>> rule_words("consecutiveReject", Translator("fr"))
    'refus consécutifs de propositions'
    >>> rule_words("nightShiftLimit", Translator("en"))
    'rule named by the platform: night shift limit'
    >>> kind_words(None, Translator("en"))
    'kind not given'
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from toolkit.i18n import Translator

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|[_\-.]+")


def _blank(value: Any) -> bool:
    if value is None:
        return True
    try:
        if pd.isna(value):
            return True
    except (TypeError, ValueError):
        pass
    return not str(value).strip()


def code_words(code: str) -> str:
    """A code split into lower-case words: "highCancellationRate" -> "high cancellation rate".

    Example:
        >>> code_words("drivingHourLimits")
        'driving hour limits'
    """
    return " ".join(part.lower() for part in _CAMEL.split(str(code).strip()) if part)


def _said(group: str, value: Any, tr: Translator) -> str:
    if _blank(value):
        return tr(f"words.{group}.unknown")
    code = str(value).strip()
    if tr.has(f"words.{group}.{code}"):
        return tr(f"words.{group}.{code}")
    if tr.has(f"words.{group}.other") and group == "rule":
        return tr(f"words.{group}.other", words=code_words(code))
    return code_words(code)


def rule_words(rule: Any, tr: Translator) -> str:
    """A sanction's rule (`sanctions.rule`) in words."""
    return _said("rule", rule, tr)


def kind_words(kind: Any, tr: Translator) -> str:
    """A sanction's kind (`sanctions.kind`: notification, block, ...) in words."""
    return _said("kind", kind, tr)


def outcome_words(outcome: Any, tr: Translator) -> str:
    """An offer's outcome (`offers.outcome`) in words."""
    return _said("outcome", outcome, tr)


def status_words(status: Any, tr: Translator) -> str:
    """A job's status (`jobs.status`) in words."""
    return _said("status", status, tr)


def zone_source_words(source: Any, tr: Translator) -> str:
    """How a file's time zone was chosen (`TzDecision.source`) in words."""
    if _blank(source) or not tr.has(f"words.zone_source.{source}"):
        return tr("words.zone_source.unknown")
    return tr(f"words.zone_source.{source}")


def platform_words(platform: Any, tr: Translator) -> str:
    """A platform's name as people write it ("ubereats" -> "Uber Eats"); an unknown one as it is.

    Example:
        >>> platform_words("ubereats", Translator("fr")), platform_words("acme", Translator("en"))
        ('Uber Eats', 'acme')
    """
    if _blank(platform):
        return "—"
    return tr(f"words.platform.{platform}") if tr.has(f"words.platform.{platform}") else str(platform)


def issue_words(kind: Any, tr: Translator) -> str:
    """What a kind of malformed row or value is, in words ("bad_timestamp" -> "dates or times that could
    not be read").

    Example:
        >>> issue_words("bad_timestamp", Translator("fr"))
        'dates ou heures illisibles'
    """
    if _blank(kind) or not tr.has(f"words.issue.{kind}"):
        return tr("words.issue.unknown")
    return tr(f"words.issue.{kind}")


def offer_source_words(source: Any, tr: Translator) -> str:
    """Where the offer figures come from, in words (`offers.source` of the metrics).

    Example:
        >>> offer_source_words("offer_windows", Translator("en"))
        "the platform's counts of offers per hour (no record of each offer)"
        >>> offer_source_words("offers (per-offer rows)", Translator("fr"))
        "l'enregistrement de chaque proposition par la plateforme"
    """
    code = "" if _blank(source) else str(source).split(" ", 1)[0]  # "offer_windows (hourly counts)"
    if not code or not tr.has(f"words.offer_source.{code}"):
        return tr("words.offer_source.unknown")
    return tr(f"words.offer_source.{code}")


def zone_lines(decisions: list[dict[str, Any]], tr: Translator) -> list[str]:
    """One plain line per file and time-zone decision (the manifests' `tz_decisions`), naming the columns
    it placed, the zone and how it was chosen: the CLI, the start page, "My data" and the report say it so.

    Example:
        >>> zone_lines([{"file": "trips.csv", "column": "begin", "zone": "Europe/Paris", "source": "export"},
        ...             {"file": "trips.csv", "column": "end", "zone": "Europe/Paris", "source": "export"}],
        ...            Translator("en"))
        ['trips.csv (begin, end): Europe/Paris — the export itself states this zone']
    """
    grouped: dict[tuple[str, str, str], list[str]] = {}
    for d in decisions:
        source = str(d.get("source") or "")
        zone = d.get("zone") or ("UTC" if source == "utc_column" else tr("words.zone.own_offset"))
        grouped.setdefault((str(d.get("file", "")), str(zone), source), []).append(str(d.get("column", "")))
    return [tr("words.zone.line", file=file, columns=", ".join(dict.fromkeys(columns)), zone=zone,
               how=zone_source_words(source, tr))
            for (file, zone, source), columns in grouped.items()]


def job_kind_words(kind: Any, tr: Translator) -> str:
    """A job's kind (`jobs.kind`: ride, delivery) in words."""
    return _said("job_kind", kind, tr)
