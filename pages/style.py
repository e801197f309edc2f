"""The app's layout rules for a 390 px phone and a 1400 px desktop, and tables that a phone reads without
scrolling sideways.

- Headline figures and their labels wrap instead of being cut with an ellipsis (Streamlit's default for
  `st.metric` is one line, cut).
- Columns stack on a phone (Streamlit does it below 640 px); chart legends go under the chart there.
- `table(frame, key)` draws a table twice: the full grid for a wide screen and stacked cards (one per row,
  "column: value" lines) for a phone; a CSS media query shows one of them. The cards are Markdown text,
  every value escaped, so a value from an export cannot inject markup.

Example:
    >>> import pandas as pd
    >>> cards_markdown(pd.DataFrame({"day": ["1 Mar"], "hours": ["2.5 h"]}))
    '**1 Mar**  \\nhours: 2.5 h'
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import streamlit as st

from toolkit.i18n import Translator

PHONE_PX = 640
"""Below this width (Streamlit's own breakpoint, where columns stack), tables are shown as cards."""

CARDS_MAX = 40
"""At most this many cards on a phone; the rest is said in words (the download has every row)."""

CSS = f"""
<style>
/* headline figures and labels wrap, never cut with an ellipsis */
[data-testid="stMetricValue"], [data-testid="stMetricValue"] > div,
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {{
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  overflow-wrap: anywhere; word-break: normal;
}}
[data-testid="stMetricValue"] {{ font-size: clamp(1.3rem, 2.2vw, 2rem); line-height: 1.2; }}
[data-testid="stMetricLabel"] p {{ font-size: 0.95rem; }}
/* a table is drawn twice: grid on a wide screen, cards on a phone */
[class*="st-key-cards-"] {{ display: none; }}
@media (max-width: {PHONE_PX - 0.02}px) {{
  [class*="st-key-grid-"] {{ display: none; }}
  [class*="st-key-cards-"] {{ display: block; }}
  [data-testid="stMetricValue"] {{ font-size: 1.5rem; }}
}}
</style>
"""


def apply(tr: Translator | None = None) -> None:
    """Add the layout rules to this page (call once per run, from app.py); with `tr`, the file
    uploaders' own English (button, size limit) is replaced by the reader's language."""
    st.html(CSS + (uploader_css(tr) if tr is not None else ""))


UPLOAD_LIMIT_MB = 200
"""`server.maxUploadSize` of .streamlit/config.toml, said under every uploader."""


def uploader_css(tr: Translator) -> str:
    """CSS that hides the words Streamlit's file uploader prints in English ("Upload", "200MB per file •
    ZIP") and shows the translator's instead (Streamlit gives no option to set them).

    Example:
        >>> "Choisir des fichiers" in uploader_css(Translator("fr"))
        True
    """
    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    button = "[data-testid='stFileUploaderDropzone'] [data-testid='stBaseButton-secondary']"
    limit = "[data-testid='stFileUploaderDropzoneInstructions'] span"
    folder = ".st-key-upload-folder"
    return f"""<style>
{button} [data-testid='stMarkdownContainer'] p {{ font-size: 0; }}
{button} [data-testid='stMarkdownContainer'] p::after {{ content: {quoted(tr("common.uploader_button"))};
  font-size: 0.875rem; }}
{folder} {button} [data-testid='stMarkdownContainer'] p::after {{
  content: {quoted(tr("common.uploader_folder_button"))}; }}
{limit} {{ font-size: 0; }}
{limit}::after {{ content: {quoted(tr("common.uploader_limit", mb=tr.integer(UPLOAD_LIMIT_MB)))};
  font-size: 0.8rem; }}
</style>"""


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]#|<>~$:])")
"""Characters that could start markup inside a line (a value never starts a line: lists cannot form)."""


def gap_lines(gaps: list[Any], tr: Translator) -> dict[str, list[str]]:
    """Per platform, one line per gap of the completeness check ("item: what is wrong; what it blocks."),
    as the Start page and "Ask for my data" both write them."""
    lines: dict[str, list[str]] = {}
    for gap in gaps:
        lines.setdefault(gap.platform, []).append(
            tr("start.gap_line", item=tr(f"request.item.{gap.item}.name"), detail=gap.detail,
               blocks=gap.blocks))
    return lines


def escape(value: object) -> str:
    r"""A value as literal Markdown text (no markup, no link, no HTML can come from it).

    Example:
        >>> escape("<b>*x*</b> http://a")
        '\\<b\\>\\*x\\*\\</b\\> http\\://a'
    """
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text.replace("\n", " "))


def cards_markdown(frame: pd.DataFrame, limit: int = CARDS_MAX) -> str:
    """The rows of `frame` as Markdown cards: the first column in bold, then one "column: value" line per
    other column, cards separated by a rule."""
    columns = list(frame.columns)
    cards = []
    for row in frame.head(limit).itertuples(index=False):
        values = list(row)
        lines = [f"**{escape(values[0])}**"] + [f"{escape(c)}: {escape(v)}" for c, v in
                                                 zip(columns[1:], values[1:], strict=True)]
        cards.append("  \n".join(lines))
    return "\n\n---\n\n".join(cards)


def table(frame: pd.DataFrame, key: str, *, more: str | None = None, **grid: object) -> None:
    """Show `frame` as a grid on a wide screen and as cards on a phone.

    `more` is the sentence shown under the cards when the table has more than `CARDS_MAX` rows (e.g.
    "1,204 rows: the full table is in the download"); `grid` goes to `st.dataframe` (column_config, ...).
    The frame should be shown as the user reads it (translated column names, formatted values).
    """
    with st.container(key=f"grid-{key}"):
        st.dataframe(frame, hide_index=True, width="stretch", **grid)  # type: ignore[call-overload]
    with st.container(key=f"cards-{key}"):
        if frame.empty:
            return
        st.markdown(cards_markdown(frame))
        if len(frame) > CARDS_MAX and more:
            st.caption(more)
