"""The report's charts as PNG (matplotlib, object API: no global state, safe in a server).

Example:
    >>> import pandas as pd
    >>> weekly = pd.DataFrame({"P1": [1.0], "P2": [0.5], "P3": [2.0]}, index=pd.to_datetime(["2026-01-05"]))
    >>> time_chart(weekly, Translator("en"))[:4]
    b'\\x89PNG'
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from toolkit.i18n import Translator

COLOURS = {
    "P1": "#E69F00",
    "P2": "#56B4E9",
    "P3": "#0072B2",
    "gross": "#0072B2",
    "net": "#009E73",
    "minimum": "#D55E00",
}
"""Okabe-Ito colours (colour-blind safe), the same as the app's."""


def time_chart(weekly: pd.DataFrame, tr: Translator) -> bytes:
    """Stacked bars of P1, P2 and P3 hours per week (index: week starts), as PNG bytes.

    Example:
        >>> weekly = pd.DataFrame({"P1": [1.0], "P2": [0.5], "P3": [2.0]},
        ...                       index=pd.to_datetime(["2026-01-05"]))
        >>> time_chart(weekly, Translator("fr")).startswith(b"\\x89PNG")
        True
    """
    fig = Figure(figsize=(8, 3.2), dpi=150)
    ax = fig.subplots()
    labels = [tr.date(d) for d in weekly.index]
    bottom = pd.Series(0.0, index=weekly.index)
    for period in ("P1", "P2", "P3"):
        ax.bar(
            range(len(weekly)),
            weekly[period],
            bottom=bottom,
            color=COLOURS[period],
            width=0.85,
            label=tr(f"time.legend.{period}"),
        )
        bottom = bottom + weekly[period]
    _axes(ax, labels, tr, tr("time.axis_hours"))
    return _png(fig)


def pay_chart(monthly: pd.DataFrame, tr: Translator, currency: str | None) -> bytes:
    """Gross and net pay per logged-in hour against the minimum wage, per month, as PNG bytes.

    Example:
        >>> monthly = pd.DataFrame({"per_hour_logged_in": [14.0], "net_per_hour_logged_in": [9.0],
        ...     "minimum_wage_per_hour": [11.88]}, index=pd.to_datetime(["2026-01-01"]))
        >>> pay_chart(monthly, Translator("en"), "EUR").startswith(b"\\x89PNG")
        True
    """
    fig = Figure(figsize=(8, 3.2), dpi=150)
    ax = fig.subplots()
    x = range(len(monthly))
    for column, colour, key in (
        ("per_hour_logged_in", COLOURS["gross"], "gross"),
        ("net_per_hour_logged_in", COLOURS["net"], "net"),
        ("minimum_wage_per_hour", COLOURS["minimum"], "minimum"),
    ):
        if column in monthly.columns:
            values = pd.to_numeric(monthly[column], errors="coerce")
            ax.plot(
                x,
                values,
                marker="o",
                markersize=3,
                color=colour,
                label=tr(f"pay.legend.{key}"),
                linestyle="--" if key == "minimum" else "-",
            )
    _axes(ax, [tr.month(d) for d in monthly.index], tr, tr("pay.axis_per_hour", currency=currency or ""))
    return _png(fig)


def _axes(ax: Any, labels: list[str], tr: Translator, ylabel: str) -> None:
    step = max(1, len(labels) // 12)
    ax.set_xticks(range(0, len(labels), step))
    ax.set_xticklabels(labels[::step], rotation=30, ha="right", fontsize=7)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: tr.number(v, 0)))
    ax.set_ylabel(ylabel, fontsize=8)
    ax.tick_params(axis="y", labelsize=7)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(fontsize=7, frameon=False, ncols=3, loc="upper left", bbox_to_anchor=(0, 1.15))


def _png(fig: Figure) -> bytes:
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()
