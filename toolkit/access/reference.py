"""What an access request asks for, where it goes, and what each platform is known to keep.

`ITEMS` is the fixed vocabulary of what an export can lack (the `item` of `gigdata request check --json`),
each with the analysis it blocks; `platforms.toml` (next to this file) holds, per platform, the controller,
its privacy contact and route, the lead authority, the known gaps of past answers and the items the platform
is known to keep, every fact with its source and the date it was read.

Example:
    >>> ref = platform("uber")
    >>> ref.controller.startswith("Uber B.V."), "status_log" in ref.keeps
    (True, True)
    >>> authority("fr").name.split(" (")[0]
    "Commission nationale de l'informatique et des libertés"
    >>> platform("wolt").shown("fr"), authority("nl").shown("en")
    ('Wolt (coursier partenaire)', 'Autoriteit Persoonsgegevens (Dutch Data Protection Authority)')
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

ITEMS = ("status_log", "per_offer_dispatch", "dated_ratings", "trips", "payments", "restrictions", "gps",
         "data_dictionary", "period")
"""What an export can lack, in the order letters list them (`request.item.<item>` in the locales)."""

TABLES_OF_ITEM: dict[str, tuple[str, ...]] = {
    "status_log": ("status_segments",),
    "per_offer_dispatch": ("offers",),
    "dated_ratings": ("ratings",),
    "trips": ("jobs",),
    "payments": ("earnings", "statements"),
    "restrictions": ("sanctions",),
    "gps": ("locations",),
}
"""The store tables whose presence in an export answers each item (the others are checked otherwise)."""

GROUNDS = ("art15", "art20", "art22", "pwd9")
"""The legal grounds a letter can rest on: GDPR Art. 15, 20 and 22, Platform Work Directive Art. 9."""

ROUTES = ("email", "webform", "post", "portal", "app", "other")
"""How a request was sent (the tracker's `via`)."""

_DATA = Path(__file__).resolve().parent / "platforms.toml"


@dataclass(frozen=True)
class Platform:
    """One platform's record in `platforms.toml` (empty strings where no checked source gave a value)."""

    key: str
    name: str
    controller: str = ""
    address: str = ""
    email: str = ""
    webform: str = ""
    route: str = "unknown"
    lead_authority: str = ""
    sources: tuple[str, ...] = ()
    checked: str = ""
    known_gaps: tuple[str, ...] = ()
    keeps: dict[str, str] = field(default_factory=dict)
    name_fr: str = ""
    keeps_fr: dict[str, str] = field(default_factory=dict)

    def shown(self, lang: str) -> str:
        """The platform's name as a page or letter in `lang` writes it."""
        return self.name_fr if lang == "fr" and self.name_fr else self.name

    def kept(self, item: str, lang: str) -> str:
        """What shows the platform keeps `item`, in `lang` ("" when no source does)."""
        if lang == "fr" and item in self.keeps_fr:
            return self.keeps_fr[item]
        return self.keeps.get(item, "")

    @property
    def contact_known(self) -> bool:
        """Whether a checked source gives somewhere to send the request."""
        return bool(self.email or self.webform)


@dataclass(frozen=True)
class Authority:
    """A data-protection authority: where a complaint goes."""

    key: str
    name: str
    address: str = ""
    email: str = ""
    webform: str = ""
    source: str = ""
    gloss: dict[str, str] = field(default_factory=dict)

    def shown(self, lang: str) -> str:
        """The authority's own name, with what it is in `lang` when that name is in another language."""
        return f"{self.name} ({self.gloss[lang]})" if lang in self.gloss else self.name


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    with open(_DATA, "rb") as handle:
        return tomllib.load(handle)


def platforms() -> list[str]:
    """The platforms letters exist for, in the data file's order."""
    return list(_data()["platforms"])


def platform(key: str) -> Platform:
    """The record of platform `key` (ValueError naming the known ones when it has none)."""
    records = _data()["platforms"]
    if key not in records:
        raise ValueError(f"no access-request record for platform {key!r}; known: {', '.join(records)}")
    raw = dict(records[key])
    return Platform(key=key, name=raw.pop("name"), sources=tuple(raw.pop("sources", ())),
                    known_gaps=tuple(raw.pop("known_gaps", ())), keeps=dict(raw.pop("keeps", {})),
                    keeps_fr=dict(raw.pop("keeps_fr", {})), **raw)


def authority(key: str) -> Authority:
    """The authority of country code `key` (ISO 3166 alpha-2, lower case)."""
    records = _data()["authorities"]
    if key not in records:
        raise ValueError(f"no data-protection authority on record for country {key!r}; known: "
                         f"{', '.join(sorted(records))}")
    raw = dict(records[key])
    return Authority(key=key, gloss=dict(raw.pop("gloss", {})), **raw)


def authorities() -> list[str]:
    """The countries whose authority is on record."""
    return sorted(_data()["authorities"])
