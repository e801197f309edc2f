"""What a Deliveroo rider invoice says, in each market and language, as far as it is known.

Sources (`../shared/reference/export-formats.md` §4.1, which read the market files and the en-GB test
fixture of `iwgb/roo-invoice-parser` "ROO", and `workers-observatory-edi/RooParse`). Documented:
- issuers: Roofoods Limited (GB), Deliveroo Ireland Limited, Deliveroo Australia Pty Ltd, Deliveroo
  Belgium sprl, Deliveroo France SAS, Deliveroo Netherlands BV;
- period lines: `Payment for Services Rendered: d - d` (GB; `Services Rendered` for IE), `Bill for
  services supplied during:` with the dates on the next line (AU), `Services provided - d - d` (BE),
  `Prestations du d au d` (FR), `Diensten gelevered in de periode: d - d` (NL, spelling as in ROO);
- summary headings `Summary`, `Résumé`, `Samenvatting`; drop fees `Drop Fees`, `Commandes livrées`,
  `Betaling per bestelling`; totals `Total`, `Total TTC`, `Totaal`, `Totaal excl. BTW`;
- `Fee Adjustments` (English, also on Dutch invoices), and, in English only, `Tips`, `Adjustments`,
  `Transaction fee`, `Total Adjustments`, `Invoice Date`, `extra fees`.
**Guessed, not seen in any source** (accepted so that a real invoice using them is read; never claimed
real): French `Pourboires`, `Ajustements`, `Frais de transaction`, `Total des ajustements`, `Date de
facture`; Dutch `Fooien`, `Aanpassingen`, `Transactiekosten`, `Totaal aanpassingen`, `Factuurdatum`;
VAT lines `TVA`/`BTW`/`VAT`. The table per language is in `docs/deliveroo-wolt-mapping.md`.
Dates are `dd MMMM yyyy` (English month names in English and, per ROO, Dutch invoices; French names
in French ones), times `HH:mm` in the market's local time.

Example:
    >>> market_of("Roofoods Limited, 1 Cousin Lane").zone
    'Europe/London'
    >>> summary_key("Commandes livrées")
    'drop_fees'
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Market:
    """A Deliveroo market: who issues its invoices, in which currency and local time."""

    code: str
    issuer: str
    pattern: str
    currency: str
    zone: str
    zone_note: str = ""


MARKETS: tuple[Market, ...] = (
    Market("GB", "Roofoods Limited", r"\bRoofoods\s+(Limited|Ltd)\b", "GBP", "Europe/London"),
    Market("IE", "Deliveroo Ireland Limited", r"\bDeliveroo\s+Ireland\s+(Limited|Ltd)\b", "EUR",
           "Europe/Dublin"),
    Market("AU", "Deliveroo Australia Pty Ltd", r"\bDeliveroo\s+Australia\s+Pty\.?\s+Ltd\b", "AUD",
           "Australia/Sydney",
           "Deliveroo Australia worked in several time zones (Perth, Brisbane, Adelaide…); Sydney is "
           "assumed unless --tz is given"),
    Market("BE", "Deliveroo Belgium sprl", r"\bDeliveroo\s+Belgium(\s+(sprl|srl|bv))?\b", "EUR",
           "Europe/Brussels"),
    Market("FR", "Deliveroo France SAS", r"\bDeliveroo\s+France(\s+SAS)?\b", "EUR", "Europe/Paris"),
    Market("NL", "Deliveroo Netherlands BV", r"\bDeliveroo\s+Netherlands(\s+B\.?V\.?)?\b", "EUR",
           "Europe/Amsterdam"),
)
"""Markets whose invoice issuer the reference names (§4.1)."""

CURRENCY_SYMBOLS = {"£": "GBP", "€": "EUR", "EUR": "EUR", "GBP": "GBP", "AUD": "AUD", "$": "AUD"}
"""Currency symbols on amounts. `$` is read as AUD: Australia is the only dollar market here."""

PERIOD_LABEL = re.compile(
    r"Services\s+Rendered|Services\s+provided|Bill\s+for\s+services\s+supplied\s+during|"
    r"Prestations\s+du|Diensten\s+gelever(e)?d\s+in\s+de\s+periode", re.IGNORECASE)
"""A line that states the invoice's period (the dates are on it, or on the next line for en-AU)."""

INVOICE_DATE_LABEL = re.compile(r"Invoice\s+Date|Date\s+de\s+(la\s+)?facture|Factuurdatum", re.IGNORECASE)
"""`Invoice Date` (en-GB fixture); the French and Dutch forms are guesses."""

ADJUSTMENTS_HEADING = re.compile(
    r"^(Fee\s+Adjustments|Ajustements(\s+de\s+r[ée]mun[ée]ration)?|Aanpassingen(\s+vergoeding)?)\s*:?$",
    re.IGNORECASE)
"""The fee-adjustments table heading: `Fee Adjustments` (en, and nl per ROO); French/Dutch forms guessed."""

ADJUSTMENTS_COLUMNS = re.compile(r"^(Category|Cat[ée]gorie)\b", re.IGNORECASE)
"""The column header line of the fee-adjustments table (`Category Note Amount`)."""

ADJUSTMENTS_TOTAL = re.compile(r"^(Total\s+Adjustments|Total\s+des\s+ajustements|Totaal\s+aanpassingen)\b",
                               re.IGNORECASE)
"""The table's own total line (`Total Adjustments`); not a line of pay."""

SUMMARY_HEADING = re.compile(r"^(Summary|R[ée]sum[ée]|Samenvatting)\s*:?$", re.IGNORECASE)
"""The summary heading (`Summary`, `Résumé`, `Samenvatting`)."""

_SUMMARY_LABELS: tuple[tuple[str, str], ...] = (
    ("subtotal", r"Totaal\s+excl\.?\s+BTW|Total\s+HT|Total\s+excl\.?\s+VAT"),
    ("total", r"Total(\s+TTC)?|Totaal"),
    ("drop_fees", r"Drop\s+Fees|Commandes\s+livr[ée]es|Betaling\s+per\s+bestelling"),
    ("tips", r"Tips|Pourboires?|Fooi(en)?"),
    ("adjustments", r"Adjustments|Ajustements|Aanpassingen"),
    ("transaction_fee", r"Transaction\s+fees?|Frais\s+de\s+transaction|Transactiekosten"),
    ("tax", r"VAT|TVA|BTW"),
)

INCENTIVE_WORDS = re.compile(r"BONUS|INCENTIVE|BOOST|PRIME|PROMO", re.IGNORECASE)
"""Fee-adjustment categories that are incentives (`BONUS INCENTIVE` in the en-GB fixture)."""

MONTHS: dict[str, int] = {
    **{m: i for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july", "august",
                                   "september", "october", "november", "december"], start=1)},
    **{m: i for i, m in enumerate(["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                                   "septembre", "octobre", "novembre", "décembre"], start=1)},
    **{m: i for i, m in enumerate(["januari", "februari", "maart", "april", "mei", "juni", "juli",
                                   "augustus", "september", "oktober", "november", "december"], start=1)},
    "fevrier": 2, "aout": 8, "decembre": 12, "sept": 9,
    **{m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                   "nov", "dec"], start=1)},
}
"""Month names in English, French (with and without accents) and Dutch, and English abbreviations."""


def market_of(text: str) -> Market | None:
    """The market whose issuer `text` names, or None.

    Example:
        >>> market_of("Deliveroo Belgium sprl").code
        'BE'
    """
    for market in MARKETS:
        if re.search(market.pattern, text, flags=re.IGNORECASE):
            return market
    return None


def summary_key(label: str) -> str | None:
    """What a summary line is (`drop_fees`, `tips`, `adjustments`, `transaction_fee`, `tax`, `total`,
    `subtotal`), from its label in any of the languages; None when the label is not known.

    Example:
        >>> summary_key("Transaction fee"), summary_key("Totaal excl. BTW"), summary_key("Bonus")
        ('transaction_fee', 'subtotal', None)
    """
    clean = label.strip().rstrip(":").strip()
    for key, pattern in _SUMMARY_LABELS:
        if re.fullmatch(pattern, clean, flags=re.IGNORECASE):
            return key
    return None


def language_of(text: str) -> str:
    """The invoice's language from its labels: `fr`, `nl` or `en`.

    Example:
        >>> language_of("Prestations du 06 janvier 2020 au 19 janvier 2020")
        'fr'
    """
    if re.search(r"Prestations\s+du|R[ée]sum[ée]\b|Commandes\s+livr", text, flags=re.IGNORECASE):
        return "fr"
    if re.search(r"Samenvatting|Te\s+betalen\s+aan|Diensten\s+gelever|Betaling\s+per\s+bestelling", text,
                 flags=re.IGNORECASE):
        return "nl"
    return "en"
