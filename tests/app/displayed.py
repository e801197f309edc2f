"""Read back a figure as the app shows it ("€1,234.50", "1 234,5 h", "40 %") as a number, by hand."""

from __future__ import annotations

import re

DASH = "—"


def displayed_number(text: str, lang: str) -> float | None:
    """The number in a displayed figure (None for the unknown dash); percentages stay in percent."""
    if text.strip() == DASH:
        return None
    kept = re.sub(r"[^0-9,.\-]", "", text.replace("\u2212", "-"))
    kept = kept.replace(".", "").replace(",", ".") if lang == "fr" else kept.replace(",", "")
    return float(kept)


def decimals(text: str) -> int:
    """How many decimals a displayed figure has (its rounding step)."""
    digits = re.sub(r"[^0-9,.]", "", text)
    match = re.search(r"[.,](\d+)$", digits)
    return len(match.group(1)) if match else 0
