"""Checks shared by the browser tests of the French pages and of the layout.

- `english_words(text)`: words of a French page that only the app's English strings use (built from the
  catalogues: a word of four letters or more found in some English string and in no French one), plus
  the English that Streamlit's own widgets print ("Drag and drop", "Browse files", "None"...);
- `CUT_TEXT_JS`: a script returning the figures, labels and headings whose text is cut (scrollWidth >
  clientWidth), and whether the page scrolls sideways.

Proper names and units both languages share (Uber, Deliveroo, SHA-256, km, UTC) are in no such list,
since the French catalogue uses them too.
"""

from __future__ import annotations

import re
from functools import lru_cache

from toolkit.i18n import catalogue

_WORD = re.compile(r"[A-Za-zÀ-ÿ']{4,}")
_PLACEHOLDER = re.compile(r"\{[^}]*\}")

STREAMLIT_ENGLISH = ("Drag and drop", "Browse files", "Upload", "per file", "None", "Press Enter",
                     "Choose an option", "No results", "Select all")
"""English that Streamlit's widgets print by themselves (hidden or replaced on French pages)."""


def _words(strings: list[str]) -> set[str]:
    found: set[str] = set()
    for s in strings:
        found.update(w.lower().strip("'") for w in _WORD.findall(_PLACEHOLDER.sub(" ", s)))
    return found


@lru_cache(maxsize=1)
def english_only() -> frozenset[str]:
    """Words of the English catalogue that no French string uses."""
    return frozenset(_words(list(catalogue("en").values())) - _words(list(catalogue("fr").values())))


SHARED_NAMES = ("English", "Just Eat", "Uber Eats", "Amazon Flex", "Deliveroo", "Wolt", "Glovo", "Stuart",
                "Driver Online Offline", "Driver Trip Status", "Driver Lifetime Trips", "Driver Payments",
                "Driver App Restrictions", "Driver Dispatches Offered and Accepted",
                "Courier Lifetime Trip Data")
"""Names a French page rightly shows as they are: the language switch's "English", platforms' names, and
the names of the platforms' own files (cited as the source of what a platform keeps)."""


def english_words(text: str) -> list[str]:
    """The English words (app strings and Streamlit's own) in a page's visible text, in order, once each.
    Identifiers of the data's columns (`source_file`, `platform`), shown as such by the data dictionary
    and the filters of "My data", and the `SHARED_NAMES` are not counted."""
    from toolkit.schema import TABLES

    identifiers = {f.name for schema in TABLES.values() for f in schema}
    for name in SHARED_NAMES:
        text = text.replace(name, " ")
    text = " ".join(t for t in re.split(r"(\s+)", text) if t.strip(" ,.;:()«»") not in identifiers)
    hits = [w for w in _WORD.findall(text) if w.lower().strip("'") in english_only()]
    hits += [phrase for phrase in STREAMLIT_ENGLISH if re.search(rf"\b{re.escape(phrase)}\b", text)]
    return list(dict.fromkeys(hits))


CUT_TEXT_JS = """() => {
  const cut = [];
  const sel = "[data-testid='stMetricValue'], [data-testid='stMetricLabel'], h1, h2, h3, "
            + "[data-testid='stMarkdownContainer'] p";
  for (const el of document.querySelectorAll(sel)) {
    if (el.offsetParent === null) continue;  // hidden (e.g. the desktop grid on a phone)
    if (el.scrollWidth > el.clientWidth + 1) cut.push(el.innerText.slice(0, 80));
  }
  const root = document.scrollingElement;
  const main = document.querySelector("[data-testid='stMain']") || root;
  return {cut, sideways: root.scrollWidth > root.clientWidth + 1 || main.scrollWidth > main.clientWidth + 1};
}"""
"""Run with `page.evaluate(CUT_TEXT_JS)`: {"cut": [texts cut], "sideways": page scrolls sideways}."""


VISIBLE_TEXT_JS = """() => {
  const root = document.querySelector("[data-testid='stApp']") || document.body;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const parts = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest("[data-testid='stIconMaterial'], script, style")) continue;  // icon ligatures
    const css = getComputedStyle(el);
    if (css.fontSize === "0px" || css.visibility === "hidden" || css.display === "none") continue;
    if (el.getClientRects().length === 0) continue;  // not laid out: hidden
    const box = el.getBoundingClientRect();  // moved off the page until focused (Streamlit's own "Skip to
    if (box.bottom <= 0 || box.right <= 0 || (box.width <= 1 && box.height <= 1)) continue;  // main content")
    parts.push(node.textContent);
  }
  return parts.join("\\n");
}"""
"""Run with `page.evaluate(VISIBLE_TEXT_JS)`: the text a reader sees (no icon names, nothing hidden or
replaced by CSS, such as the uploaders' own English)."""
