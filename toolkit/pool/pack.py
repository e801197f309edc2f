"""The union's evidence pack: the collective figures (export rules), the method, the chain of custody and
the members by pseudonym, as a PDF in French or English (`toolkit.report.pdf`, the same renderer as a
worker's report) or as an XLSX workbook (strings never become formulas); and two annex templates, a
complaint to a data-protection authority and a labour-court filing, for the union to complete.

Every figure comes from `toolkit.pool.figures.collective` with the export rules (k = 10, dominance,
differencing, a pool of at least 20): the pack shows nothing the rules withhold.

Example:
    >>> from toolkit.i18n import Translator
    >>> _cells({"totals": {"jobs": None}, "pooled": {}, "spread": {}}, Translator("en"))[2]
    '—'
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from toolkit import __version__
from toolkit.access import union_log
from toolkit.i18n import Translator
from toolkit.pool.figures import Kept, collective, kept_figures
from toolkit.pool.folder import Pool

Format = Literal["pdf", "xlsx"]
DEFINITION_KEYS = ("def_logged", "def_engaged", "def_net", "def_unpaid", "def_below", "def_coarse")


def evidence_pack(pool: Pool, lang: str = "en", fmt: Format = "pdf", k: int | None = None,
                  config_file: Path | None = None,
                  published: dict[str, dict[str, float]] | None = None,
                  deactivations: dict[str, date] | None = None, until: date | None = None,
                  dp: float | None = None, dp_scale: str = "year") -> bytes:
    """The pack's bytes (PDF or XLSX). Refused (ValueError) for a pool under the export minimum.
    `published`: the platform's LOM indicators per year (`toolkit.pool.figures.read_published`);
    `deactivations` and `until`: for the lost-earnings estimate (`toolkit.pool.figures.lost_earnings`);
    `dp`: also a differentially private release spending this ε of the pool's budget
    (`toolkit.pool.private.dp_release`)."""
    from toolkit.pool.figures import deactivation_days
    from toolkit.pool.private import dp_release

    kept = kept_figures(pool, config_file)  # read (or computed) once for every part of the pack
    result = collective(pool, internal=False, k=k, config_file=config_file, published=published,
                        deactivations=deactivations, until=until, kept=kept)
    if dp is not None:
        result["dp"] = dp_release(pool, dp, kept.months, result["k"], dp_scale, config_file)
    deactivated = bool(deactivation_days(pool, deactivations, kept))
    register = pool.register()
    sources = rate_sources(pool, config_file, kept)
    tr = Translator(lang)
    requests = union_log.log(pool.store, datetime.now(UTC).date(), pool.member_ids())
    if fmt == "xlsx":
        return _workbook(result, register, sources, tr, requests)
    from toolkit.report.pdf import render_pdf

    return render_pdf(_document(result, register, sources, tr, deactivated, requests))


def rate_sources(pool: Pool, config_file: Path | None = None, kept: Kept | None = None) -> list[str]:
    """Every distinct source of a rate the members' figures used (costs, contributions, minimum wages),
    from each member's pay parameters (`toolkit.figures.pay`, kept with the member's months)."""
    found: dict[str, None] = {}
    for facts in (kept or kept_figures(pool, config_file)).facts.values():
        for text in facts.get("rate_sources", []):
            found[str(text)] = None
    return list(found)


def pack_digest(data: bytes) -> str:
    """The SHA-256 of a pack, written next to it as `FILE.sha256` (a file cannot hold its own hash)."""
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------------------------------------- private


def _header(tr: Translator) -> tuple[str, ...]:
    columns = ("period", "currency", "members", "jobs", "logged", "unpaid", "gross_logged", "gross_engaged",
               "net_logged", "below", "weeks")
    return tuple(tr(f"pool.pack.col_{c}") for c in columns)


def _cells(cell: dict[str, Any], tr: Translator) -> tuple[str, ...]:
    totals, pooled, spread = cell.get("totals", {}), cell.get("pooled", {}), cell.get("spread", {})
    dash = "—"
    currency = cell.get("currency")

    def money(value: Any) -> str:
        return dash if value is None else tr.money(value, currency)

    below, weeks = cell.get("members_below_minimum_wage"), cell.get("weeks_below_minimum_wage")
    unpaid = (spread.get("unpaid_share") or {}).get("median")
    return (str(cell.get("period", "")), str(currency or dash),
            dash if cell.get("members") is None else tr.integer(cell["members"]),
            dash if totals.get("jobs") is None else tr.integer(totals["jobs"]),
            dash if totals.get("logged_in_h") is None else tr.number(totals["logged_in_h"], 0),
            dash if unpaid is None else tr.percent(unpaid),
            money(pooled.get("per_hour_logged_in")), money(pooled.get("per_hour_engaged")),
            money(pooled.get("net_per_hour_logged_in")),
            dash if not below else tr.percent(below["share"]),
            dash if not weeks else tr.percent(weeks["share"]))


def _document(result: dict[str, Any], register: dict[str, Any], sources: list[str], tr: Translator,
              deactivated: bool = True, requests: list[dict[str, Any]] | None = None) -> Any:
    from toolkit.report.document import Document, Heading, Paragraph, Table

    generated = tr.date(datetime.now(UTC).date().isoformat())
    doc = Document(tr.lang, tr("pool.pack.title", name=register.get("name", "")),
                   tr("pool.pack.footer", version=__version__, generated=generated))
    doc.add(Heading(doc.title, 0), Paragraph(tr("pool.pack.intro", members=result["members"])),
            Paragraph(tr("pool.pack.rules", k=result["k"], minimum=result["pool_minimum"])),
            Paragraph(tr("pool.pack.zone", zone=result["zone"]), small=True))
    widths = (0.09, 0.07, 0.07, 0.07, 0.09, 0.1, 0.1, 0.1, 0.1, 0.105, 0.105)
    for scale in ("years", "months"):
        doc.add(Heading(tr(f"pool.pack.{scale}"), 1, keep=True),
                Table(_header(tr), tuple(_cells(c, tr) for c in result[scale]), widths))
    doc.add(Heading(tr("pool.pack.changes"), 1, keep=True), Paragraph(tr("pool.pack.changes_intro")))
    changes = result["pay_changes"]
    if changes["status"] != "released":
        doc.add(Paragraph(tr("pool.pack.changes_withheld", reason=changes["reason"])))
    elif not changes["changes"]:
        doc.add(Paragraph(tr("pool.pack.changes_none")))
    for change in changes.get("changes") or []:
        doc.add(Paragraph(tr("pool.pack.change_row", date=tr.date(change["date"]),
                             low=tr.date(change["date_low"]), high=tr.date(change["date_high"]),
                             before=tr.number(change["before"], 2), after=tr.number(change["after"], 2),
                             relative=tr.percent(change["relative"], 0))))
    doc.add(Heading(tr("pool.pack.lom"), 1, keep=True), Paragraph(tr("pool.pack.lom_intro")))
    for cell in result["years"]:
        rows = _lom_rows(cell, tr)
        if rows:
            doc.add(Heading(tr("pool.pack.lom_year", year=cell["period"], currency=cell["currency"]), 2),
                    Table((tr("pool.pack.lom_col_indicator"), tr("pool.pack.lom_col_pool"),
                           tr("pool.pack.lom_col_published")), rows, (0.6, 0.2, 0.2)))
    lost = result["lost_earnings"]
    doc.add(Heading(tr("pool.pack.lost"), 1, keep=True),
            Paragraph(tr("pool.pack.lost_method", until=tr.date(lost["until"]))))
    if lost["status"] == "released":
        doc.add(Paragraph(tr("pool.pack.lost_released", members=tr.integer(lost["members"]),
                             total=tr.money(lost["total"], lost["currency"]), until=tr.date(lost["until"]),
                             weekly=tr.money(lost["median_weekly"], lost["currency"]))))
    elif lost["status"] == "withheld" and deactivated:
        doc.add(Paragraph(tr("pool.pack.lost_withheld", k=result["k"])))
    else:
        doc.add(Paragraph(tr("pool.pack.lost_none")))
    invoices = result["invoice_years"]
    doc.add(Heading(tr("pool.pack.invoices"), 1, keep=True), Paragraph(tr("pool.pack.invoices_intro")))
    if invoices["status"] == "released":
        doc.add(Table(tuple(tr(f"pool.pack.inv_{c}") for c in INVOICE_COLUMNS),
                      tuple(_invoice_cells(c, tr) for c in invoices["years"]),
                      (0.08, 0.06, 0.06, 0.07, 0.07, 0.08, 0.09, 0.09, 0.08, 0.08, 0.08, 0.08, 0.08)))
    else:
        doc.add(Paragraph(tr("pool.pack.invoices_none")))
    if result.get("dp"):
        release = result["dp"]
        doc.add(Heading(tr("pool.pack.dp"), 1, keep=True),
                Paragraph(tr("pool.pack.dp_intro", epsilon=tr.number(release["epsilon"], 2),
                             delta=f"{release['delta']:.1e}", spent=tr.number(release["budget"]["spent"], 2),
                             total=tr.number(release["budget"]["total"], 2))))
        if release["cells"]:
            columns = ("period", "currency", "members", "hours", "gross", "unpaid", "per_hour")
            doc.add(Table(tuple(tr(f"pool.pack.dp_col_{c}") for c in columns),
                          tuple(_private_cells(c, tr) for c in release["cells"]),
                          (0.1, 0.1, 0.16, 0.18, 0.2, 0.12, 0.14)))
        else:
            doc.add(Paragraph(tr("pool.pack.dp_none")))
    doc.add(Heading(tr("pool.pack.method"), 1, keep=True))
    for key in DEFINITION_KEYS:
        doc.add(Paragraph(tr(f"pool.pack.{key}")))
    doc.add(Heading(tr("pool.pack.sources"), 2), *[Paragraph(s, small=True) for s in sources])
    bundles, files = _custody(register)
    doc.add(Heading(tr("pool.pack.custody"), 1, keep=True), Paragraph(tr("pool.pack.custody_intro")),
            Table((tr("pool.pack.col_bundle"), tr("pool.pack.col_member"), tr("pool.pack.col_added"),
                   tr("pool.pack.col_sha")), tuple(tuple(r) for r in bundles.itertuples(index=False)),
                  (0.2, 0.25, 0.13, 0.42), mono=(0, 1, 3)),
            Table((tr("pool.pack.col_member"), tr("pool.pack.col_export"), tr("pool.pack.col_file")),
                  tuple(tuple(r) for r in files.itertuples(index=False)), (0.26, 0.22, 0.52), mono=(0, 1, 2)))
    members = _members(register)
    doc.add(Heading(tr("pool.pack.members_title"), 1, keep=True), Paragraph(tr("pool.pack.members_intro")),
            Table((tr("pool.pack.col_member"), tr("pool.pack.col_joined"), tr("pool.pack.col_platforms"),
                   tr("pool.pack.col_shared")), tuple(tuple(r) for r in members.itertuples(index=False)),
                  (0.3, 0.14, 0.16, 0.4), mono=(0,)))
    if requests:  # the request log, when members shared their requests
        header, logged = union_log.shown(requests, tr)
        doc.add(Heading(tr("pool.pack.requests_title"), 1, keep=True), Paragraph(tr("request.log.intro")),
                Paragraph(union_log.summary_text(requests, tr)),
                Table(header, tuple(logged), (0.15, 0.1, 0.1, 0.08, 0.08, 0.1, 0.08, 0.05, 0.06, 0.2),
                      mono=(0,)))
    for key in ("cnil", "court"):
        doc.add(Heading(tr(f"pool.pack.annex_{key}"), 1, keep=True))
        for part in tr(f"pool.pack.annex_{key}_text").strip().split("\n\n"):
            doc.add(Paragraph(part.strip()))
    return doc


def _lom_rows(cell: dict[str, Any], tr: Translator) -> tuple[tuple[str, str, str], ...]:
    """The year's seven indicators: the pool's (a dash when withheld) and the platform's published one."""
    from toolkit.pool.figures import LOM_POOLED

    ours, theirs = cell.get("lom") or {}, cell.get("lom_published") or {}
    if cell.get("status") != "released":
        return ()
    money = {"mean_income_per_prestation", "mean_weekly_income", "mean_monthly_income"}

    def shown(name: str, value: float | None) -> str:
        if value is None:
            return "—"
        return tr.money(value, cell.get("currency")) if name in money else tr.number(value, 1)

    return tuple((tr(f"pool.pack.lom_{n}"), shown(n, ours.get(n)), shown(n, theirs.get(n)))
                 for n in LOM_POOLED)


INVOICE_COLUMNS = ("year", "currency", "riders", "shifts", "orders", "hours", "pay", "basic_pay",
                   "hourly_pay", "hourly_basic_pay", "orders_per_hour", "below_ten", "below_minimum")
"""The Bureau Local yearly table's columns (`toolkit.pool.invoices`)."""


def _invoice_cells(cell: dict[str, Any], tr: Translator) -> tuple[str, ...]:
    totals, ratios, currency, dash = cell.get("totals", {}), cell.get("ratios", {}), cell.get("currency"), "—"

    def num(value: Any, digits: int = 0) -> str:
        return dash if value is None else tr.number(value, digits)

    def money(value: Any) -> str:
        return dash if value is None else tr.money(value, currency)

    def share(value: Any) -> str:
        return dash if value is None else tr.percent(value)

    riders = dash if cell.get("riders") is None else tr.integer(cell["riders"])
    return (str(cell["year"]), str(currency), riders,
            num(totals.get("shifts")), num(totals.get("orders")), num(totals.get("hours")),
            money(totals.get("pay")), money(totals.get("basic_pay")), money(ratios.get("hourly_pay")),
            money(ratios.get("hourly_basic_pay")), num(ratios.get("orders_per_hour"), 2),
            share(ratios.get("shifts_below_ten_share")), share(ratios.get("shifts_below_minimum_share")))


def _private_cells(cell: dict[str, Any], tr: Translator) -> tuple[str, ...]:
    """One cell of a private release: each noisy figure with its 95 % accuracy."""
    currency, totals, ratios = cell["currency"], cell["totals"], cell["ratios"]

    def noisy(entry: dict[str, float], money: bool = False) -> str:
        shown = (lambda v: tr.money(v, currency)) if money else (lambda v: tr.number(v, 0))
        return f"{shown(entry['value'])} ± {shown(entry['accuracy'])}"

    return (str(cell["period"]), str(currency), noisy(cell["members"]), noisy(totals["logged_in_h"]),
            noisy(totals["gross"], money=True),
            "—" if ratios["unpaid_share"] is None else tr.percent(ratios["unpaid_share"]),
            "—" if ratios["per_hour_logged_in"] is None else tr.money(ratios["per_hour_logged_in"], currency))


def _custody(register: dict[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(bundles: id, member, added, SHA-256; source files: member, export, file SHA-256), current members."""
    bundles, files = [], []
    for bundle_id, entry in register["bundles"].items():
        if entry.get("status") != "added":
            continue
        bundles.append((bundle_id, entry["member"], entry["added_at"][:10], entry["sha256"]))
        for export in entry.get("exports", []):
            for digest in export.get("files", []):
                files.append((entry["member"], export["export_id"], digest))
    return (pd.DataFrame(bundles, columns=["bundle", "member", "added", "sha256"]),
            pd.DataFrame(files, columns=["member", "export", "file_sha256"]).drop_duplicates())


def _members(register: dict[str, Any]) -> pd.DataFrame:
    rows = []
    for pid, entry in register["members"].items():
        shared: dict[str, int] = {}
        for bundle in entry["bundles"]:
            for table, n in register["bundles"][bundle]["tables"].items():
                shared[table] = shared.get(table, 0) + int(n)
        rows.append((pid, entry["joined_at"][:10], ", ".join(entry["platforms"]),
                     ", ".join(f"{t} {n}" for t, n in shared.items())))
    return pd.DataFrame(rows, columns=["member", "joined", "platforms", "shared"])


def _workbook(result: dict[str, Any], register: dict[str, Any], sources: list[str], tr: Translator,
              requests: list[dict[str, Any]] | None = None) -> bytes:
    from toolkit.exporting import to_xlsx_sheets

    def flat(cells: list[dict[str, Any]]) -> pd.DataFrame:
        rows = []
        for c in cells:
            row: dict[str, Any] = {"period": c["period"], "currency": c["currency"], "members": c["members"],
                                   "status": c["status"]}
            row.update({f"total_{k}": v for k, v in c.get("totals", {}).items()})
            row.update({f"pooled_{k}": v for k, v in (c.get("pooled") or {}).items()})
            for name, spread in (c.get("spread") or {}).items():
                for q in ("q1", "median", "q3"):
                    row[f"{name}_{q}"] = None if spread is None else spread[q]
            below, weeks = c.get("members_below_minimum_wage"), c.get("weeks_below_minimum_wage")
            row["members_below_minimum_wage_share"] = below and below["share"]
            row["weeks_below_minimum_wage_share"] = weeks and weeks["share"]
            row["withheld"] = "; ".join(f"{k}: {v}" for k, v in c.get("withheld", {}).items())
            rows.append(row)
        return pd.DataFrame(rows)

    bundles, files = _custody(register)
    about = pd.DataFrame({"about": [tr("pool.pack.title", name=register.get("name", "")),
                                    tr("pool.pack.intro", members=result["members"]),
                                    tr("pool.pack.rules", k=result["k"], minimum=result["pool_minimum"]),
                                    tr("pool.pack.zone", zone=result["zone"]),
                                    *[tr(f"pool.pack.{k}") for k in DEFINITION_KEYS],
                                    *sources]})
    columns = ["date", "date_low", "date_high", "before", "after", "relative", "p_value"]
    changes = pd.DataFrame(result["pay_changes"].get("changes") or [], columns=columns)
    lom = pd.DataFrame([{"year": c["period"], "currency": c["currency"], "indicator": name,
                         "pool": (c.get("lom") or {}).get(name),
                         "published": (c.get("lom_published") or {}).get(name)}
                        for c in result["years"] for name in (c.get("lom") or {})])
    invoices = pd.DataFrame([{"year": c["year"], "currency": c["currency"], "riders": c["riders"],
                              "status": c["status"], **{k: v for k, v in c.get("totals", {}).items()},
                              **c.get("ratios", {}),
                              "withheld": "; ".join(f"{k}: {v}" for k, v in c.get("withheld", {}).items())}
                             for c in result["invoice_years"]["years"]])
    private = pd.DataFrame([{"period": c["period"], "currency": c["currency"],
                             "members": c["members"]["value"],
                             "members_accuracy_95": c["members"]["accuracy"],
                             **{f"{name}{part}": e[key] for name, e in c["totals"].items()
                                for part, key in (("", "value"), ("_accuracy_95", "accuracy"))},
                             **c["ratios"]} for c in (result.get("dp") or {}).get("cells", [])])
    sheets = {"dp_release": private} if result.get("dp") else {}
    if requests:
        sheets["requests"] = pd.DataFrame([{**r, "missing": ", ".join(r["missing"])} for r in requests])
    return to_xlsx_sheets({"about": about, "invoice_years": invoices, **sheets,
                           "years": flat(result["years"]),
                           "months": flat(result["months"]),
                           "lom": lom,
                           "pay_changes": changes, "members": _members(register), "bundles": bundles,
                           "source_files": files})
