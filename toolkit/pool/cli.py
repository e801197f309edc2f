"""The union commands: `gigdata share` (worker side) and `gigdata pool init|add|members|withdraw|metrics`.

The pool's passphrase comes from `GIGDATA_POOL_PASSPHRASE` or a prompt; it is never an option (it would
stay in the shell's history).

Example:
    $ gigdata pool init union-pool
    $ gigdata share --store my-store --to union-pool/union.pub --out me.gdb
    $ gigdata pool add union-pool me.gdb
    $ gigdata pool metrics union-pool --internal
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from toolkit.errors import PoolError
from toolkit.exporting import write_whole

pool_app = typer.Typer(no_args_is_help=True,
                       help="The union's pool: members' shared data under pseudonyms, and collective "
                            "figures that single no one out.")
PASS_ENV = "GIGDATA_POOL_PASSPHRASE"


def _console(stderr: bool = False) -> Console:
    width = os.environ.get("COLUMNS", "")
    return Console(stderr=stderr, highlight=False, width=int(width) if width.isdigit() else None)


def _fail(command: str, exc: Exception, code: int = 2) -> typer.Exit:
    _console(stderr=True).print(f"[bold red]gigdata {command}:[/] {escape(str(exc))}")
    return typer.Exit(code=code)


def _passphrase(confirm: bool = False) -> str:
    given = os.environ.get(PASS_ENV)
    if given:
        return given
    return str(typer.prompt("Pool passphrase", hide_input=True, confirmation_prompt=confirm))


def share(
    to: Annotated[str, typer.Option("--to", help="The union's public key: its union.pub file, or the "
                                                 "GDU1-… code it gave you.")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the encrypted bundle.")],
    store: Annotated[Path | None, typer.Option("--store", help="Your store folder.")] = None,
    worker: Annotated[str | None, typer.Option(help="Whose data (the name used at ingest; needed only when "
                                                    "the store holds several workers).")] = None,
    platform: Annotated[str | None, typer.Option(help="Only this platform.")] = None,
    tables: Annotated[str | None, typer.Option(help="Only these tables, comma-separated "
                                                    "(e.g. jobs,earnings,status_segments).")] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Share every listed table without the preview "
                                                    "and the questions.")] = False,
) -> None:
    """Share your data with your union: minimised, previewed, then encrypted to the union's key.

    Only allow-listed columns leave; trip ids are replaced, times cut to the minute, places only as
    H3 cells with the area around your home and usual start points left out. You get a receipt."""
    from toolkit import store as store_mod
    from toolkit.pool.bundle import build
    from toolkit.pool.keys import public_code, read_public
    from toolkit.pool.minimise import minimise
    from toolkit.selection import export_zone

    folder = store or store_mod.default_store()
    try:
        public = read_public(to)
        who = worker or _only_worker(folder)
        chosen = [t.strip() for t in tables.split(",") if t.strip()] if tables else None
        done = minimise(folder, who, platform=platform, tables=chosen,
                        zone=export_zone(folder, who, platform).zone)
    except (PoolError, ValueError) as exc:
        raise _fail("share", exc) from exc
    if not done.tables:
        raise _fail("share", ValueError(f"{who} has no rows to share in {folder}"))
    console = _console()
    console.print(f"To the union key {public_code(public)}")
    if not yes:
        kept = {}
        for name, table in done.tables.items():
            _print_preview(console, name, table, done.removed.get(name, {}), done.preview(name))
            if typer.confirm(f"Share the table {name} ({table.num_rows:,} rows)?", default=False):
                kept[name] = table
        if not kept:
            console.print("Nothing shared: no table was chosen.")
            raise typer.Exit(code=1)
        done.tables = kept
        if done.requests:
            console.print(f"Your access requests: {len(done.requests)} (platform, legal ground, how and when "
                          "sent, when answered, the answer's language and what it lacked; no notes, no "
                          "proofs).")
            if not typer.confirm("Share your access requests too (the union's request log)?", default=False):
                done.requests = []
    from toolkit import __version__

    data, receipt = build(done, public, __version__)
    write_whole(out, data)
    receipt_path = out.with_name(out.name + ".receipt.json")
    write_whole(receipt_path, json.dumps(receipt, indent=2, ensure_ascii=False).encode("utf-8"))
    console.print(f"Wrote {escape(str(out))} ({len(data):,} bytes, SHA-256 {receipt['bundle_sha256']})")
    for name, entry in receipt["tables"].items():
        console.print(f"  {name}: {entry['rows']:,} rows, columns {', '.join(entry['columns'])}")
    if receipt["requests"]:
        console.print(f"  access requests: {receipt['requests']}")
    console.print(f"Your receipt: {escape(str(receipt_path))} (bundle id {receipt['bundle_id']}: "
                  "quote it to ask the union to withdraw your data)")


@pool_app.command("init")
def pool_init(
    pool: Annotated[Path, typer.Argument(help="A new or empty folder for the pool.")],
    name: Annotated[str | None, typer.Option(help="The pool's name (printed in the key file).")] = None,
) -> None:
    """Make a pool: the keypair members encrypt to, the pool key for pseudonyms, POOL/union.pub."""
    from toolkit.pool.folder import Pool

    try:
        _, code = Pool.init(pool, _passphrase(confirm=True), name)
    except PoolError as exc:
        raise _fail("pool init", exc) from exc
    console = _console()
    console.print(f"Pool made in {escape(str(pool))}.")
    console.print(f"Give members {escape(str(pool / 'union.pub'))}, or this code to print:\n{code}")
    console.print("Keep the passphrase safe: without it no bundle can be opened.")


@pool_app.command("add")
def pool_add(
    pool: Annotated[Path, typer.Argument(help="The pool folder.")],
    files: Annotated[list[Path], typer.Argument(help="Members' bundles.")],
) -> None:
    """Add members' bundles: decrypt, check, file under a pseudonym (one person once)."""
    from toolkit.pool.folder import Pool

    try:
        results = Pool(pool).add(files, _passphrase())
    except PoolError as exc:
        raise _fail("pool add", exc) from exc
    console = _console()
    for result in results:
        style = "red" if result.status == "refused" else "green"
        console.print(f"[{style}]{result.status}[/] {escape(result.message)}")
    if any(r.status != "refused" for r in results):
        from toolkit.pool.figures import refresh

        with console.status("Computing the new members' figures…"):
            computed = refresh(Pool(pool))
        console.print(f"Figures computed for {computed} member(s); kept in {escape(str(pool / 'figures'))} "
                      "until their data or the software changes.")
    if any(r.status == "refused" for r in results):
        raise typer.Exit(code=1)


@pool_app.command("members")
def pool_members(
    pool: Annotated[Path, typer.Argument(help="The pool folder.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """The members by pseudonym: platforms, when they joined, bundles, rows per table."""
    from toolkit.pool.folder import Pool

    try:
        folder = Pool(pool)
        folder.check()
        members = folder.members()
    except PoolError as exc:
        raise _fail("pool members", exc) from exc
    if as_json:
        typer.echo(json.dumps(members, indent=2))
        return
    table = Table("member", "platforms", "joined", "bundles", "rows", title=f"{len(members)} member(s)")
    for m in members:
        table.add_row(m["member"], ", ".join(m["platforms"]), m["joined_at"][:10], str(len(m["bundles"])),
                      ", ".join(f"{t} {n:,}" for t, n in m["rows"].items()))
    _console().print(table)


@pool_app.command("requests")
def pool_requests(
    pool: Annotated[Path, typer.Argument(help="The pool folder.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    lang: Annotated[str, typer.Option("--lang", help="Language of the table: en or fr.")] = "en",
) -> None:
    """The members' access requests, by pseudonym: sent, due, answered, late, incomplete, language."""
    from datetime import date

    from toolkit.access import union_log
    from toolkit.i18n import LANGUAGES, Translator
    from toolkit.pool.folder import Pool

    if lang not in LANGUAGES:
        raise typer.BadParameter(f"{lang!r}: one of {', '.join(LANGUAGES)}", param_hint="--lang")
    try:
        folder = Pool(pool)
        folder.check()
        rows = union_log.log(folder.store, date.today(), folder.member_ids())
    except PoolError as exc:
        raise _fail("pool requests", exc) from exc
    if as_json:
        typer.echo(json.dumps({"summary": union_log.summary(rows), "requests": rows}, indent=2,
                              ensure_ascii=False))
        return
    tr = Translator(lang)
    header, shown = union_log.shown(rows, tr)
    table = Table(*header, title=tr("request.log.title"))
    for row in shown:
        table.add_row(*(escape(cell) for cell in row))
    console = _console()
    console.print(table)
    console.print(union_log.summary_text(rows, tr))


@pool_app.command("withdraw")
def pool_withdraw(
    pool: Annotated[Path, typer.Argument(help="The pool folder.")],
    member: Annotated[str, typer.Argument(help="The member's pseudonym (see `gigdata pool members`), "
                                                    "or the bundle id on their receipt.")],
) -> None:
    """Remove a member's data from the pool and say what was removed."""
    from toolkit.pool.folder import Pool

    try:
        done = Pool(pool).withdraw(member)
    except PoolError as exc:
        raise _fail("pool withdraw", exc) from exc
    rows = ", ".join(f"{n:,} {t}" for t, n in done["rows"].items()) or "no rows"
    _console().print(f"Withdrawn: member {done['member']}: {rows} ({done['files']} files, "
                     f"{len(done['bundles'])} bundle(s)). Their bundles will be refused if sent again.")


@pool_app.command("metrics")
def pool_metrics(
    pool: Annotated[Path, typer.Argument(help="The pool folder.")],
    internal: Annotated[bool, typer.Option("--internal", help="The union's own view (k = 5, each member "
                                                              "by pseudonym); never for export.")] = False,
    k: Annotated[int | None, typer.Option(help="Members needed per cell (only higher than the "
                                               "default: 10, or 5 with --internal).")] = None,
    config: Annotated[Path | None, typer.Option(help="TOML file overriding the default costs, "
                                                     "contribution rates and wage tables.")] = None,
    published: Annotated[Path | None, typer.Option(help="TOML file of the LOM indicators the platform "
                                                       "published, one table per year ([2025] …), shown "
                                                       "next to the pool's.")] = None,
    deactivations: Annotated[Path | None, typer.Option(help="TOML file of members' deactivation days "
                                                           "(\"pseudonym\" = 2025-03-02), beside those "
                                                           "in their sanctions.")] = None,
    until: Annotated[str | None, typer.Option(help="End of the lost-earnings estimate, YYYY-MM-DD "
                                                  "(default: today).")] = None,
    dp: Annotated[float | None, typer.Option(
        "--dp", help="Also a differentially private release spending this ε of the pool's budget (export "
                     "only).")] = None,
    dp_scale: Annotated[str, typer.Option("--dp-scale", help="Cells of the private release: year or "
                                                             "month.")] = "year",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """Collective figures per month and per year; cells under k members or dominated by one are withheld."""
    from datetime import date

    from toolkit.pool.figures import collective, kept_figures, read_deactivations, read_published
    from toolkit.pool.folder import Pool

    try:
        folder = Pool(pool)
        folder.check()
        platform = read_published(published) if published else None
        days = read_deactivations(deactivations) if deactivations else None
        end = date.fromisoformat(until) if until else None
        if dp is not None and internal:
            raise ValueError("--dp is a release that leaves the union: use it without --internal")
        kept = kept_figures(folder, config)
        result = collective(folder, internal=internal, k=k, config_file=config, published=platform,
                            deactivations=days, until=end, kept=kept)
        if dp is not None:
            from toolkit.pool.private import dp_release

            result["dp"] = dp_release(folder, dp, kept.months, result["k"], dp_scale, config)
    except (PoolError, ValueError) as exc:
        raise _fail("pool metrics", exc) from exc
    if as_json:
        typer.echo(json.dumps(result, indent=2, default=str))
        return
    _print_collective(result)


@pool_app.command("report")
def pool_report(
    pool: Annotated[Path, typer.Argument(help="The pool folder.")],
    out: Annotated[Path, typer.Option("--out", help="FILE.pdf or FILE.xlsx.")],
    lang: Annotated[str, typer.Option(help="fr or en.")] = "en",
    k: Annotated[int | None, typer.Option(help="Members needed per cell (only higher than 10).")] = None,
    config: Annotated[Path | None, typer.Option(help="TOML file overriding the default costs, "
                                                     "contribution rates and wage tables.")] = None,
    published: Annotated[Path | None, typer.Option(help="TOML file of the LOM indicators the platform "
                                                       "published, one table per year.")] = None,
    deactivations: Annotated[Path | None, typer.Option(help="TOML file of members' deactivation "
                                                           "days.")] = None,
    until: Annotated[str | None, typer.Option(help="End of the lost-earnings estimate, YYYY-MM-DD.")] = None,
    dp: Annotated[float | None, typer.Option(
        "--dp", help="Add a differentially private release spending this ε of the pool's budget.")] = None,
    dp_scale: Annotated[str, typer.Option("--dp-scale", help="Cells of the private release: year or "
                                                             "month.")] = "year",
) -> None:
    """The evidence pack: collective figures (export rules), method, chain of custody, members by
    pseudonym, and templates for a complaint and a labour-court filing; its SHA-256 goes in FILE.sha256."""
    from datetime import date

    from toolkit.i18n import LANGUAGES
    from toolkit.pool.figures import read_deactivations, read_published
    from toolkit.pool.folder import Pool
    from toolkit.pool.pack import evidence_pack, pack_digest

    fmt = out.suffix.lower().lstrip(".")
    if fmt not in ("pdf", "xlsx"):
        raise _fail("pool report", ValueError(f"{out.name}: the pack is a .pdf or an .xlsx file"))
    if lang not in LANGUAGES:
        raise _fail("pool report", ValueError(f"--lang {lang}: choose one of {', '.join(LANGUAGES)}"))
    try:
        folder = Pool(pool)
        folder.check()
        platform = read_published(published) if published else None
        days = read_deactivations(deactivations) if deactivations else None
        data = evidence_pack(folder, lang, fmt, k=k, config_file=config,  # type: ignore[arg-type]
                             published=platform, deactivations=days,
                             until=date.fromisoformat(until) if until else None, dp=dp, dp_scale=dp_scale)
    except (PoolError, ValueError) as exc:
        raise _fail("pool report", exc) from exc
    digest = pack_digest(data)
    write_whole(out, data)
    write_whole(out.with_name(out.name + ".sha256"), f"{digest}  {out.name}\n".encode())
    folder.log("pack", file_name=out.name, sha256=digest, lang=lang)
    _console().print(f"Wrote {escape(str(out))} ({len(data):,} bytes), SHA-256 {digest}")


# ---------------------------------------------------------------------------------------------- private


def _only_worker(store: Path) -> str:
    from toolkit.store import workers

    found = workers(store)
    if len(found) == 1:
        return found[0]
    if not found:
        raise ValueError(f"{store}: no data to share (ingest your export first)")
    raise ValueError(f"{store} holds several workers ({', '.join(found)}): say whose with --worker")


def _print_preview(console: Console, name: str, table: Any, removed: dict[str, int], head: Any) -> None:
    console.print(f"\n[bold]{name}[/]: {table.num_rows:,} rows would leave, with these columns:")
    console.print("  " + ", ".join(table.schema.names))
    left_out = {k: v for k, v in removed.items() if k != "rows" and v}
    if left_out:
        console.print("  left out or masked: " + ", ".join(f"{k} {v:,}" for k, v in left_out.items()))
    shown = Table(*[str(c) for c in head.columns], show_lines=False)
    for row in head.itertuples(index=False):
        shown.add_row(*["" if v is None or (isinstance(v, float) and v != v) else escape(str(v))
                        for v in row])
    console.print(shown)


def _print_collective(result: dict[str, Any]) -> None:
    console = _console()
    console.print(f"{result['members']} members; view: {result['view']} (k = {result['k']}, a total "
                  f"withheld where one member makes over {result['dominance']:.0%} of it); "
                  f"zone {result['zone']}")
    for scale in ("years", "months"):
        table = Table(scale[:-1], "currency", "members", "jobs", "logged-in h", "unpaid share",
                      "gross/logged-in h", "net/logged-in h", "members < min. wage", "weeks < min. wage",
                      title=f"per {scale[:-1]}")
        for cell in result[scale]:
            totals, pooled = cell["totals"], cell.get("pooled", {})
            below, weeks = cell.get("members_below_minimum_wage"), cell.get("weeks_below_minimum_wage")
            table.add_row(
                cell["period"], str(cell["currency"]), _or(cell["members"], "{:,}", "< k"),
                _or(totals.get("jobs"), "{:,.0f}"), _or(totals.get("logged_in_h"), "{:,.1f}"),
                _or(pooled.get("unpaid_share"), "{:.0%}"), _or(pooled.get("per_hour_logged_in"), "{:.2f}"),
                _or(pooled.get("net_per_hour_logged_in"), "{:.2f}"),
                _or(below and below["share"], "{:.0%}"), _or(weeks and weeks["share"], "{:.0%}"))
        console.print(table)
    lom = Table("year", "currency", "duration/prestation min", "income/prestation", "wait/offer min",
                "weekly h", "weekly income", "monthly h", "monthly income", title="LOM indicators (pool; "
                "platform's published figure in brackets)")
    for cell in result["years"]:
        ours, theirs = cell.get("lom") or {}, cell.get("lom_published") or {}
        lom.add_row(cell["period"], str(cell["currency"]), *[
            _or(ours.get(name), "{:,.2f}") + (f" [{theirs[name]:,.2f}]" if name in theirs else "")
            for name in ("mean_duration_min", "mean_income_per_prestation", "mean_wait_before_offer_min",
                         "mean_weekly_duration_h", "mean_weekly_income", "mean_monthly_duration_h",
                         "mean_monthly_income")])
    console.print(lom)
    invoices = result["invoice_years"]
    if invoices["status"] == "released":
        table = Table("year", "currency", "members", "shifts", "orders", "hours", "pay", "basic pay", "pay/h",
                      "basic/h", "orders/h", "shifts < £10/h", "shifts < min. wage",
                      title="invoices: the IWGB / Bureau Local yearly table")
        for cell in invoices["years"]:
            totals, ratios = cell["totals"], cell.get("ratios", {})
            table.add_row(str(cell["year"]), str(cell["currency"]), _or(cell["riders"], "{:,}", "< k"),
                          _or(totals.get("shifts"), "{:,.0f}"), _or(totals.get("orders"), "{:,.0f}"),
                          _or(totals.get("hours"), "{:,.1f}"), _or(totals.get("pay"), "{:,.2f}"),
                          _or(totals.get("basic_pay"), "{:,.2f}"), _or(ratios.get("hourly_pay"), "{:.2f}"),
                          _or(ratios.get("hourly_basic_pay"), "{:.2f}"),
                          _or(ratios.get("orders_per_hour"), "{:.2f}"),
                          _or(ratios.get("shifts_below_ten_share"), "{:.0%}"),
                          _or(ratios.get("shifts_below_minimum_share"), "{:.0%}"))
        console.print(table)
    if result.get("dp"):
        _print_private(console, result["dp"])
    lost = result["lost_earnings"]
    if lost["status"] == "released":
        console.print(f"Lost earnings of {lost['members']} deactivated members until {lost['until']} "
                      f"(estimate: {lost['method']}): {lost['total']:,.2f} {lost['currency']}, median "
                      f"{lost['median_weekly']:,.2f} a week")
    elif lost.get("reason"):
        console.print(f"Lost earnings of deactivated members: not shown ({lost['reason']})")
    for m in lost.get("per_member", []):
        console.print(f"  {m['member']}: deactivated on {m['deactivated_on']}, "
                      f"{_or(m['weekly_gross'], '{:,.2f}')} a week over {m['weeks_before']:.1f} weeks, "
                      f"{_or(m['lost'], '{:,.2f}')} over {m['weeks_out']:.1f} weeks")
    if result.get("per_member"):
        table = Table("member", "months", "jobs", "logged-in h", "gross/h", "unpaid share",
                      "offers/logged-in h", title="per member (internal view only)")
        for m in result["per_member"]:
            table.add_row(m["member"], str(m["months"]), f"{m['jobs']:,}", _or(m["logged_in_h"], "{:,.1f}"),
                          _or(m["per_hour_logged_in"], "{:.2f}"), _or(m["unpaid_share"], "{:.0%}"),
                          _or(m["offers_per_logged_in_h"], "{:.2f}"))
        console.print(table)
    console.print("— withheld (too few members, or one member over half the total)")


def _print_private(console: Console, release: dict[str, Any]) -> None:
    budget = release["budget"]
    table = Table(release["scale"], "currency", "members", "logged-in h", "unpaid share", "gross",
                  "gross/logged-in h", "net/logged-in h",
                  title=f"differentially private release: ε = {release['epsilon']:g}, "
                        f"δ = {release['delta']:.1e}"
                        " (± the 95 % accuracy of each figure)")
    for cell in release["cells"]:
        totals, ratios = cell["totals"], cell["ratios"]

        def noisy(entry: dict[str, float], fmt: str = "{:,.0f}") -> str:
            return f"{fmt.format(entry['value'])} ± {fmt.format(entry['accuracy'])}"

        table.add_row(str(cell["period"]), str(cell["currency"]), noisy(cell["members"]),
                      noisy(totals["logged_in_h"]), _or(ratios["unpaid_share"], "{:.0%}"),
                      noisy(totals["gross"]), _or(ratios["per_hour_logged_in"], "{:.2f}"),
                      _or(ratios["net_per_hour_logged_in"], "{:.2f}"))
    console.print(table)
    if not release["cells"]:
        console.print("No cell of the private release reached k members after noise.")
    console.print(f"Privacy budget of the pool: ε {budget['spent']:g} spent of {budget['total']:g} "
                  f"({budget['left']:g} left, {len(budget['releases'])} release(s)); a figure whose ± is "
                  "larger than itself says nothing: the pool is too small for this ε.")


def _or(value: Any, fmt: str, missing: str = "—") -> str:
    return missing if value is None else fmt.format(value)

