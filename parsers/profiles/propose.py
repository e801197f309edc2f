"""A first draft of a profile from an unknown export's headers, for a person to correct.

Each file's column names are compared with the schema's columns and a small table of synonyms (English,
French, German, Spanish, Italian, Dutch), after folding case, accents and punctuation, with
`difflib.SequenceMatcher`; units are read from the names (`Distance (km)`, `duration_min`). The table of
a file is the one whose columns its header matches best. Sample values, when given, add what headers
cannot say: the decimal separator, the date format when exactly one candidate reads every value
(a day-first/month-first ambiguity proposes nothing: never guessed), and what the labels of states,
statuses and categories mean (from a second synonym table).

The draft is only a proposal: its `source` is left empty (the person who checks it says where the layout
comes from), and required columns that no header names are left for that person to give.

Example:
    >>> draft = propose_mapping({"export/orders.csv": ["Order ID", "Delivered at", "Distance (km)", "Tip"]})
    >>> draft.files[0].table, draft.files[0].columns, draft.files[0].units
    ('jobs', {'Order ID': 'job_id', 'Delivered at': 'dropped_off_at', 'Distance (km)': 'job_distance_m'}, \
{'job_distance_m': 'km'})
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping

import pandas as pd

from parsers.profiles.mapping import resolve_columns
from parsers.profiles.model import FileEntry, Ignore, Profile, column_type, unit_factors
from toolkit.schema import REQUIRED, TABLES, VOCABULARIES, body_columns

THRESHOLD = 0.8
"""Similarity (0..1) below which a column is not proposed."""
SYNONYMS: dict[str, tuple[str, ...]] = {
    "job_id": ("job id", "trip id", "order id", "trip uuid", "ride id", "delivery id", "order number",
               "order reference", "order ref", "reference", "commande", "numero de commande", "bestellnummer",
               "pedido", "ordine", "bestelling"),
    "product": ("product", "vehicle", "vehicle type", "service", "vehicule", "type de vehicule", "fahrzeug"),
    "status": ("status", "order status", "trip status", "statut", "etat", "estado", "stato"),
    "requested_at": ("requested at", "request time", "created at", "order time", "ordered at", "order date",
                     "date de commande", "heure de commande", "bestellzeit"),
    "accepted_at": ("accepted at", "accept time", "assigned at", "heure d acceptation"),
    "arrived_pickup_at": ("arrived at pickup", "arrived at restaurant", "arrivee au restaurant"),
    "picked_up_at": ("picked up at", "pickup time", "picked up", "collected at", "heure de retrait",
                     "recupere"),
    "arrived_dropoff_at": ("arrived at customer", "arrived at dropoff", "arrivee chez le client"),
    "dropped_off_at": ("delivered at", "dropoff time", "dropped off at", "delivery time", "completed at",
                       "heure de livraison", "livre a", "zugestellt"),
    "pickup_lat": ("pickup latitude", "pickup lat", "restaurant latitude"),
    "pickup_lon": ("pickup longitude", "pickup lng", "pickup lon", "restaurant longitude"),
    "dropoff_lat": ("dropoff latitude", "dropoff lat", "customer latitude"),
    "dropoff_lon": ("dropoff longitude", "dropoff lng", "dropoff lon", "customer longitude"),
    "job_distance_m": ("distance", "trip distance", "delivery distance", "kilometrage", "entfernung",
                       "distancia", "afstand"),
    "job_duration_s": ("duration", "trip duration", "delivery duration", "duree", "dauer", "duracion"),
    "to_pickup_distance_m": ("pickup distance", "distance to pickup", "distance to restaurant"),
    "to_pickup_duration_s": ("pickup duration", "time to pickup"),
    "surge_multiplier": ("surge", "surge multiplier", "multiplier"),
    "fare": ("fare", "price", "pay", "trip earnings", "earnings", "delivery fee", "remuneration", "gain",
             "prix", "tarif", "verdienst", "importe", "compenso"),
    "currency": ("currency", "currency code", "devise", "wahrung", "moneda", "valuta"),
    "state": ("state", "status", "driver status", "courier status", "availability", "etat", "statut"),
    "start_at": ("start", "start time", "started at", "begin", "debut", "heure de debut", "beginn",
                 "shift start", "login time"),
    "end_at": ("end", "end time", "ended at", "fin", "heure de fin", "ende", "shift end", "logout time"),
    "start_lat": ("start latitude", "latitude", "lat"),
    "start_lon": ("start longitude", "longitude", "lng", "lon"),
    "end_lat": ("end latitude",),
    "end_lon": ("end longitude",),
    "offered_at": ("offered at", "offer time", "dispatched at", "proposed at", "sent at"),
    "ended_at": ("ended at", "responded at", "response time", "expired at"),
    "outcome": ("outcome", "response", "result", "decision", "reponse", "resultat"),
    "earned_at": ("date", "paid at", "payment date", "earned at", "transaction date", "date de paiement",
                  "datum", "fecha"),
    "amount": ("amount", "value", "total", "net", "payout", "montant", "betrag", "importe", "importo",
               "bedrag"),
    "category": ("type", "category", "payment type", "transaction type", "categorie", "typ", "tipo"),
    "classification": ("description", "label", "details", "libelle", "beschreibung"),
    "ts": ("timestamp", "time", "date time", "datetime", "recorded at", "gps time", "horodatage",
           "zeitstempel"),
    "lat": ("latitude", "lat"),
    "lon": ("longitude", "lng", "lon", "long"),
    "accuracy_m": ("accuracy", "horizontal accuracy", "precision"),
    "altitude_m": ("altitude", "elevation"),
    "speed_mps": ("speed", "vitesse", "geschwindigkeit"),
    "online": ("online", "is online", "en ligne"),
    "event": ("event", "event type", "evenement"),
    "rated_at": ("rated at", "rating date", "date"),
    "rating": ("rating", "stars", "score", "note", "bewertung", "valoracion"),
    "scale": ("scale", "max rating"),
    "rater": ("rater", "rated by"),
    "at": ("date", "time", "timestamp", "created at"),
    "kind": ("sanction type", "type", "kind"),
    "rule": ("rule", "reason", "motif", "violation", "policy"),
    "duration_s": ("duration", "length", "duree"),
    "window_start": ("window start", "hour start", "period start"),
    "window_end": ("window end", "hour end", "period end"),
    "offers": ("offers", "dispatches", "requests"),
    "accepted": ("accepted", "accepts"),
    "rejected": ("rejected", "rejections", "declined"),
    "expired": ("expired", "expireds", "missed"),
    "completed": ("completed", "completed trips"),
    "minutes_online": ("minutes online", "online minutes", "time online"),
    "period_start": ("period start", "from"),
    "period_end": ("period end", "to"),
    "issuer": ("issuer", "company", "emetteur"),
    "total": ("total", "total amount"),
}
"""Column names (folded) that mean a schema column, beyond the column's own name."""
FILE_HINTS: dict[str, tuple[str, ...]] = {
    "jobs": ("trip", "ride", "order", "deliver", "job", "course", "livraison", "commande"),
    "earnings": ("earning", "payment", "payout", "pay", "invoice", "paiement", "remuneration"),
    "status_segments": ("status", "session", "shift", "online", "availability", "state"),
    "locations": ("location", "gps", "position", "geo"),
    "ratings": ("rating", "feedback", "note"),
    "offers": ("offer", "dispatch", "proposal"),
    "sanctions": ("sanction", "restriction", "block", "warning", "deactivation"),
}
"""Words of a file's name that say which table it fills."""
UNKNOWN_CONSTANTS = {"rater": "unknown", "status": "other", "kind": "other", "category": "other"}
"""Required columns given a value that means 'not said' when no header names them (sanctions' `kind`
and jobs' `status` among them); jobs' `kind` (ride or delivery) is left for the person to give."""
LABELS: dict[tuple[str, str], dict[str, tuple[str, ...]]] = {
    ("jobs", "status"): {
        "completed": ("completed", "complete", "delivered", "done", "finished", "livree", "terminee",
                      "geliefert", "entregado", "consegnato", "bezorgd"),
        "cancelled_by_customer": ("cancelled by customer", "canceled by customer", "customer cancelled",
                                  "cancelled by client", "annulee par le client", "annulee client"),
        "cancelled_by_worker": ("cancelled by driver", "cancelled by courier", "cancelled by rider",
                                "driver cancelled", "courier cancelled", "annulee par le livreur"),
        "failed": ("failed", "echec", "undeliverable", "not delivered"),
    },
    ("status_segments", "state"): {
        "waiting": ("available", "online", "idle", "waiting", "open", "disponible", "en attente"),
        "to_pickup": ("to pickup", "en route", "enroute", "to restaurant", "accepted"),
        "at_pickup": ("at pickup", "at restaurant", "arrived at restaurant"),
        "on_job": ("on trip", "ontrip", "delivering", "on delivery", "in delivery", "en livraison", "on job"),
        "break": ("break", "pause", "paused", "on break"),
        "offline": ("offline", "logged out", "hors ligne", "deconnecte"),
    },
    ("earnings", "category"): {
        "fare": ("fare", "delivery fee", "trip fare", "ride fare", "course"),
        "tip": ("tip", "tips", "pourboire", "trinkgeld", "propina", "mancia", "fooi"),
        "incentive": ("bonus", "incentive", "quest", "boost", "promotion", "prime"),
        "commission": ("commission", "service fee", "platform fee"),
        "fee": ("fee", "fees", "frais"),
        "tax": ("tax", "vat", "tva"),
        "toll": ("toll", "tolls", "peage"),
        "adjustment": ("adjustment", "correction", "regularisation"),
    },
    ("offers", "outcome"): {
        "accepted": ("accepted", "accept"), "rejected": ("rejected", "declined", "refused", "refuse"),
        "expired": ("expired", "timeout", "timed out", "missed", "ignored"), "cancelled": ("cancelled",),
    },
    ("ratings", "rater"): {"customer": ("customer", "client", "eater", "rider", "passenger"),
                           "merchant": ("restaurant", "merchant", "store", "shop")},
    ("sanctions", "kind"): {
        "block": ("block", "blocked", "suspension", "suspended"), "warning": ("warning", "avertissement"),
        "deactivation": ("deactivation", "deactivated", "ban", "banned"),
        "fine": ("fine", "penalty", "amende"),
        "notification": ("notification", "notice"),
    },
}
"""Source labels (folded) that mean a vocabulary word, for the value maps of a draft."""
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y",
                "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M",
                "%d.%m.%Y", "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%Y/%m/%d %H:%M:%S",
                "%d/%m/%Y %H:%M:%S.%f")
"""Date formats a sample is tried against (ISO with `T`, a zone or a fraction needs no format)."""
_UNIT_WORDS = {"km": "km", "kilometres": "km", "kilometers": "km", "miles": "mi", "mi": "mi", "m": "m",
               "metres": "m", "meters": "m", "min": "min", "mins": "min", "minutes": "min", "sec": "s",
               "secs": "s", "seconds": "s", "s": "s", "ms": "ms", "milliseconds": "ms", "h": "h",
               "hours": "h", "hrs": "h", "cents": "cents", "kmh": "km/h", "km h": "km/h", "mph": "mph",
               "ft": "ft", "feet": "ft"}
_TABLE_EXTENSIONS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".json": "json"}


def propose_mapping(headers: Mapping[str, list[str]],
                    samples: Mapping[str, pd.DataFrame] | None = None) -> Profile:
    """A draft profile: one entry per table file (CSV, XLSX, JSON; files whose names differ only by
    numbers share one), an ignore rule for the others.

    `samples` (path -> first rows as read) adds decimal separators and date formats.

    Example:
        >>> propose_mapping({"a/contract.pdf": []}).ignore[0].path
        'contract.pdf'
    """
    files: list[FileEntry] = []
    ignore: list[Ignore] = []
    for path, header in headers.items():
        name = path.rsplit("/", 1)[-1]
        fmt = _TABLE_EXTENSIONS.get(("." + name.rsplit(".", 1)[-1].lower()) if "." in name else "")
        entry = _propose_entry(name, header, fmt) if fmt else None
        if entry is None:
            ignore.append(Ignore(reason="draft: no column of this file was recognised; map it or say why "
                                        "it is left out", path=re.sub(r"\d+", "*", name)))
            continue
        if any(e.path == entry.path for e in files):
            continue  # another part of the same file (rides-0.csv, rides-1.csv): one entry reads them all
        sample = (samples or {}).get(path)
        if sample is not None:
            _from_sample(entry, sample)
        files.append(entry)
    return Profile(name="draft", platform="unknown", source="", files=files, ignore=ignore)


def column_scores(header: list[str], table: str) -> dict[str, tuple[str, float]]:
    """For each source column, the schema column of `table` it most looks like and how much (0..1);
    each schema column is given to one source column at most.

    Example:
        >>> column_scores(["Latitude", "Lng", "Recorded at"], "locations")
        {'Latitude': ('lat', 1.0), 'Lng': ('lon', 1.0), 'Recorded at': ('ts', 1.0)}
    """
    pairs = sorted(((similarity(name, target), name, target) for name in header
                    for target in body_columns(table)), key=lambda t: -t[0])
    out: dict[str, tuple[str, float]] = {}
    taken: set[str] = set()
    for score, name, target in pairs:
        if score >= THRESHOLD and name not in out and target not in taken:
            out[name] = (target, round(score, 3))
            taken.add(target)
    return {name: out[name] for name in header if name in out}


def similarity(name: str, target: str) -> float:
    """How much a source column name looks like a schema column (its own name or a synonym), 0..1.

    Example:
        >>> similarity("Heure de livraison", "dropped_off_at"), similarity("Vehicle", "dropped_off_at") < 0.5
        (1.0, True)
    """
    if "." in name.strip("."):  # a nested JSON key (`position.lat`): its last part may say it all
        return max(similarity(name.replace(".", " "), target),
                   0.95 * similarity(name.rsplit(".", 1)[-1], target))
    folded = fold(_without_unit(name))
    if not folded:
        return 0.0
    own = re.sub(r"_(at|m|s|mps)$", "", target).replace("_", " ")
    best = 0.0
    for phrase in (own, *SYNONYMS.get(target, ())):
        if folded == phrase:
            return 1.0
        best = max(best, difflib.SequenceMatcher(None, folded, phrase).ratio())
    return best


def fold(name: str) -> str:
    """A name folded for comparison: no accents, lower case, words split on punctuation and camelCase.

    Example:
        >>> fold("Heure_de_Livraison (Réelle)"), fold("pickupLat")
        ('heure de livraison reelle', 'pickup lat')
    """
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", name)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return " ".join(re.split(r"[^a-z0-9]+", text)).strip()


def guess_unit(name: str, table: str, target: str) -> str:
    """The unit a column's name states, when the schema column accepts it ('' otherwise).

    Example:
        >>> guess_unit("Distance (km)", "jobs", "job_distance_m"), guess_unit("duration_min", "jobs", "fare")
        ('km', '')
    """
    accepted = unit_factors(table, target)
    words = fold(name).split()
    if column_type(table, target) == "timestamp":
        if {"epoch", "unix"} & set(words):
            return "epoch_ms" if {"ms", "millis", "milliseconds"} & set(words) else "epoch_s"
        return ""
    for word in reversed(words):
        unit = _UNIT_WORDS.get(word, "")
        if unit in accepted:
            return unit
    joined = " ".join(words)
    return "km/h" if "km h" in joined and "km/h" in accepted else ""


def propose_label(table: str, target: str, label: str) -> str:
    """The vocabulary word a source label most likely means ('' when nothing is close enough).

    Example:
        >>> propose_label("jobs", "status", "Livrée"), propose_label("earnings", "category", "Tips")
        ('completed', 'tip')
    """
    folded = fold(label)
    allowed = VOCABULARIES.get((table, target), ())
    if folded.replace(" ", "_") in allowed:
        return folded.replace(" ", "_")
    best, word = 0.0, ""
    for value, phrases in LABELS.get((table, target), {}).items():
        for phrase in phrases:
            score = 1.0 if folded == phrase else difflib.SequenceMatcher(None, folded, phrase).ratio()
            if score > best:
                best, word = score, value
    return word if best >= 0.85 else ""


def guess_time_format(values: list[str]) -> str:
    """The one format of `TIME_FORMATS` that reads every value, or '' (none, ISO, or ambiguous).

    Example:
        >>> guess_time_format(["24/03/2024 18:05", "01/04/2024 09:00"]), guess_time_format(["01/04/2024"])
        ('%d/%m/%Y %H:%M', '')
    """
    present = [v.strip() for v in values if isinstance(v, str) and v.strip()]
    if not present:
        return ""
    iso = pd.to_datetime(pd.Series(present), format="ISO8601", errors="coerce")
    if iso.notna().all():
        return ""
    fits = [fmt for fmt in TIME_FORMATS
            if pd.to_datetime(pd.Series(present), format=fmt, errors="coerce").notna().all()]
    return fits[0] if len(fits) == 1 else ""


# ---------------------------------------------------------------------------------------------- private


def _propose_entry(name: str, header: list[str], fmt: str) -> FileEntry | None:
    best: tuple[float, str, dict[str, tuple[str, float]]] | None = None
    folded_name = fold(name)
    for table in TABLES:
        scores = column_scores(header, table)
        hint = 0.5 if any(word in folded_name for word in FILE_HINTS.get(table, ())) else 0.0
        total = sum(score for _, score in scores.values()) + hint
        if scores and (best is None or total > best[0]):
            best = (total, table, scores)
    if best is None:
        return None
    _, table, scores = best
    entry = FileEntry(table=table, path=re.sub(r"\d+", "*", name), format=fmt,
                      columns={source: target for source, (target, _) in scores.items()})
    entry.units = {t: u for s, t in entry.columns.items() if (u := guess_unit(s, table, t))}
    entry.constants = {t: v for t, v in UNKNOWN_CONSTANTS.items()
                       if t in REQUIRED[table] and t not in entry.columns.values()
                       and (table, t) != ("jobs", "kind")}
    return entry


def _without_unit(name: str) -> str:
    """The name without a unit in brackets or a trailing unit word (`Distance (km)`, `duration_min`)."""
    words = fold(re.sub(r"[(\[][^)\]]*[)\]]", " ", name)).split()
    while len(words) > 1 and words[-1] in _UNIT_WORDS:
        words.pop()
    return " ".join(words)


def _from_sample(entry: FileEntry, sample: pd.DataFrame) -> None:
    sources = resolve_columns(sample.columns, entry.columns)
    numbers = [sample[s] for t, s in sources.items() if column_type(entry.table, t) == "float"]
    text = pd.concat(numbers).dropna().astype(str) if numbers else pd.Series(dtype=str)
    if len(text) and text.str.fullmatch(r"-?[\d .\u00a0]*\d,\d+").any():
        entry.decimal = ","
        if text.str.contains(r"\d\.\d{3},", regex=True).any():
            entry.thousands = "."
    for source, target in entry.columns.items():
        if (entry.table, target) in VOCABULARIES and source in sample:
            labels = sorted({str(v) for v in sample[source].dropna()})[:40]
            entry.values[target] = {v: w for v in labels if (w := propose_label(entry.table, target, v))}
    formats = {t: guess_time_format(sample[s].dropna().astype(str).tolist()) for t, s in sources.items()
               if column_type(entry.table, t) == "timestamp" and t not in entry.units}
    found = {f for f in formats.values() if f}
    if len(found) == 1:
        entry.timestamp_format = [found.pop()]
    else:
        entry.formats = {t: [f] for t, f in formats.items() if f}
