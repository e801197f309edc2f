"""The report's charts as PNG (matplotlib, object API: no global state, safe in a server), and the words
that go under a chart of periods: which periods are partial, and how many full ones fell below the minimum
wage (the app's Pay page says the same sentences).

A period the data covers only in part (the `partial` column of `toolkit.figures.time_by_period` and
`pay_by_period`) is drawn apart: lighter, hatched bars and hollow points, and left out of "N of M" counts.

Example:
    >>> import pandas as pd
    >>> weekly = pd.DataFrame({"P1": [1.0], "P2": [0.5], "P3": [2.0]}, index=pd.to_datetime(["2026-01-05"]))
    >>> time_chart(weekly, Translator("en"))[:4]
    b'\\x89PNG'
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

import pandas as pd

from toolkit.analytics.coverage import full_periods
from toolkit.i18n import Translator

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# matplotlib is imported by the functions that draw, so that a page needing only this module's sentences
# (partial periods, minimum-wage counts) does not pay for it on its first visit.

COLOURS = {
    "P1": "#E69F00",
    "P2": "#56B4E9",
    "P3": "#0072B2",
    "gross": "#0072B2",
    "net": "#009E73",
    "minimum": "#D55E00",
}
"""Okabe-Ito colours (colour-blind safe), the same as the app's."""
PARTIAL_ALPHA = 0.4
"""How opaque a partial period is drawn (the app's charts use the same)."""


def time_chart(weekly: pd.DataFrame, tr: Translator) -> bytes:
    """Stacked bars of P1, P2 and P3 hours per week (index: week starts), as PNG bytes; weeks marked in a
    `partial` column are drawn lighter and hatched, with a legend entry saying why.

    Example:
        >>> weekly = pd.DataFrame({"P1": [1.0, 0.2], "P2": [0.5, 0.1], "P3": [2.0, 0.4],
        ...     "partial": [False, True]}, index=pd.to_datetime(["2026-01-05", "2026-01-12"]))
        >>> time_chart(weekly, Translator("fr")).startswith(b"\\x89PNG")
        True
    """
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    fig = Figure(figsize=(8, 3.2), dpi=150)
    ax = fig.subplots()
    labels = [tr.date(d) for d in weekly.index]
    partial = _partial(weekly)
    bottom = pd.Series(0.0, index=weekly.index)
    for period in ("P1", "P2", "P3"):
        values = weekly[period].fillna(0.0)
        bars = ax.bar(range(len(weekly)), values, bottom=bottom, color=COLOURS[period], width=0.85,
                      label=tr(f"time.legend.{period}"))
        for bar, part in zip(bars, partial, strict=True):
            if part:
                bar.set_alpha(PARTIAL_ALPHA)
                bar.set_hatch("///")
        bottom = bottom + values
    extra = [Patch(facecolor="white", edgecolor="0.4", hatch="///", label=tr("time.partial.legend_partial"))]
    _axes(ax, labels, tr, tr("time.axis_hours"), extra if partial.any() else [])
    return _png(fig)


def pay_chart(monthly: pd.DataFrame, tr: Translator, currency: str | None, estimated: bool = False) -> bytes:
    """Gross and net pay per logged-in hour against the minimum wage, per month, as PNG bytes; months marked
    in a `partial` column get hollow points (`estimated`: the hours are estimates, said in the legend).

    Example:
        >>> monthly = pd.DataFrame({"per_hour_logged_in": [14.0, 9.0], "net_per_hour_logged_in": [9.0, 5.0],
        ...     "minimum_wage_per_hour": [11.88, 11.88], "partial": [False, True]},
        ...     index=pd.to_datetime(["2026-01-01", "2026-02-01"]))
        >>> pay_chart(monthly, Translator("en"), "EUR").startswith(b"\\x89PNG")
        True
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 3.2), dpi=150)
    ax = fig.subplots()
    x = list(range(len(monthly)))
    partial = _partial(monthly)
    suffix = "_estimated" if estimated else ""
    for column, colour, key in (
        ("per_hour_logged_in", COLOURS["gross"], f"gross{suffix}"),
        ("net_per_hour_logged_in", COLOURS["net"], f"net{suffix}"),
        ("minimum_wage_per_hour", COLOURS["minimum"], "minimum"),
    ):
        if column not in monthly.columns:
            continue
        values = pd.to_numeric(monthly[column], errors="coerce")
        style = "--" if key == "minimum" else "-"
        ax.plot(x, values, color=colour, linestyle=style, label=tr(f"pay.legend.{key}"))
        for part, fill in ((False, colour), (True, "white")):
            kept = [i for i in x if bool(partial.iloc[i]) == part]
            ax.plot(kept, values.iloc[kept], linestyle="none", marker="o", markersize=4,
                    color=colour, markerfacecolor=fill)
    extra = [ax.plot([], [], linestyle="none", marker="o", markersize=4, color="0.3", markerfacecolor="white",
                     label=tr("time.partial.legend_partial"))[0]] if partial.any() else []
    ylabel = tr("pay.axis_per_hour", currency=currency or "")
    _axes(ax, [tr.month(d) for d in monthly.index], tr, ylabel, extra)
    return _png(fig)


def partial_note(table: pd.DataFrame, freq: str, tr: Translator) -> str | None:
    """The sentence naming the table's partial periods (None when every period is whole).

    Example:
        >>> t = pd.DataFrame({"partial": [False, True]}, index=pd.to_datetime(["2026-01-01", "2026-02-01"]))
        >>> partial_note(t, "month", Translator("en"))
        'Partial months, drawn lighter or hollow: Feb 2026. The data covers only part of these months.'
    """
    named = _partial_names(table, freq, tr)
    return tr(f"time.partial.{freq}", periods=", ".join(named)) if named else None


def minimum_wage_count(table: pd.DataFrame, freq: str, tr: Translator) -> list[str]:
    """How many whole weeks or months had net pay per logged-in hour below the minimum wage, and how many
    partial ones were left out of that count (`table`: `toolkit.figures.pay_by_period`).

    Example:
        >>> t = pd.DataFrame({"below_minimum_wage": [True, False, True], "partial": [False, False, True]},
        ...                  index=pd.to_datetime(["2026-01-01", "2026-02-01", "2026-03-01"]))
        >>> minimum_wage_count(t, "month", Translator("en"))[0]
        'Full months with net pay per hour logged in below the minimum wage: 1 of 2.'
    """
    if table.empty or "below_minimum_wage" not in table.columns:
        return []
    known = full_periods(table)["below_minimum_wage"].dropna()
    lines = [tr(f"pay.below_full_{freq}", below=tr.integer(int(known.astype(bool).sum())),
                total=tr.integer(len(known))) if len(known) else tr(f"pay.below_unknown_{freq}")]
    named = _partial_names(table, freq, tr)
    if named:
        lines.append(tr(f"pay.partial_out_{freq}", count=tr.integer(len(named)), periods=", ".join(named)))
    return lines


def _partial(table: pd.DataFrame) -> pd.Series:
    if "partial" not in table.columns:
        return pd.Series(False, index=table.index)
    return table["partial"].fillna(False).astype(bool)


def _partial_names(table: pd.DataFrame, freq: str, tr: Translator) -> list[str]:
    starts = table.index[_partial(table).to_numpy()]
    return [tr.month(d) if freq == "month" else tr.date(d) for d in starts]


def _axes(ax: Any, labels: list[str], tr: Translator, ylabel: str, extra: list[Any]) -> None:
    from matplotlib.ticker import FuncFormatter

    step = max(1, len(labels) // 12)
    ax.set_xticks(range(0, len(labels), step))
    ax.set_xticklabels(labels[::step], rotation=30, ha="right", fontsize=7)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: tick_label(v, tr)))
    ax.set_ylabel(ylabel, fontsize=8)
    ax.tick_params(axis="y", labelsize=7)
    ax.spines[["top", "right"]].set_visible(False)
    handles, names = ax.get_legend_handles_labels()
    shown = [(h, n) for h, n in zip(handles, names, strict=True) if not n.startswith("_")]
    shown = [p for p in shown if p[0] not in extra] + [(h, h.get_label()) for h in extra]
    rows = 1 if len(shown) <= 3 else 2  # a partial period's entry goes on a second row
    ax.legend([h for h, _ in shown], [n for _, n in shown], fontsize=7, frameon=False, ncols=3,
              loc="lower left", bbox_to_anchor=(0, 1.0 + 0.01 * rows))


def tick_label(value: float, tr: Translator) -> str:
    """An axis tick with as many decimals as it needs (up to 2), never rounded to a wrong whole number.

    Example:
        >>> [tick_label(v, Translator("fr")) for v in (12.5, -2.5, 10.0, 0.25)]
        ['12,5', '-2,5', '10', '0,25']
    """
    digits = next((d for d in (0, 1, 2) if abs(round(value, d) - value) < 1e-9), 2)
    return tr.number(value, digits)


def _png(fig: Figure) -> bytes:
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def reconnect_note(gap_s: float, hours: float | None, tr: Translator, where: str = "time") -> str:
    """The reconnection rule in words with the waiting hours it adds (`where`: "time" for the Time page,
    "report.method" for the report's annex).

    Example:
        >>> reconnect_note(120, 0.4, Translator("en")).replace("\xa0", " ")
        'Gaps of up to 2 min between online periods count as waiting: 0.4 h of the waiting comes from them.'
    """
    gap = tr("time.minutes", n=tr.number(gap_s / 60, 0)) if gap_s % 60 == 0 else f"{tr.integer(gap_s)} s"
    if hours is None:
        return tr(f"{where}.reconnect_unknown", gap=gap)
    return tr(f"{where}.reconnect", gap=gap, hours=tr.hours(hours))


def zone_note(period: dict[str, Any], tr: Translator) -> str:
    """The zone days are cut in and why, from the metrics' `period` ("Europe/Paris (zone of your exports)").

    Example:
        >>> zone_note({"zone": "Europe/Paris", "zone_source": "given"}, Translator("fr"))
        'Europe/Paris (fuseau que vous avez choisi)'
    """
    why = tr(f"overview.zone_source.{period.get('zone_source') or 'none'}")
    return f"{period.get('zone') or 'UTC'} ({why})"
