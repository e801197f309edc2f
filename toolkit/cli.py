"""The `gigdata` command line: ingest exports, list tables, compute metrics, make samples, open the app.

The only toolkit module that imports `parsers` (DESIGN.md, dependency direction).

Example:
    $ gigdata sample uber --out /tmp/uber.zip --days 14
    $ gigdata ingest /tmp/uber.zip --store /tmp/store
    $ gigdata metrics --store /tmp/store --json
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from toolkit import store as store_mod
from toolkit.access.cli import request_app
from toolkit.exporting import write_whole
from toolkit.pool.cli import pool_app
from toolkit.pool.cli import share as share_command

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="gigdata reads gig platforms' personal-data exports into one Parquet schema and "
                       "shows what algorithmic management did. Data never leaves this computer.")


def _console(stderr: bool = False) -> Console:
    """A console sized from $COLUMNS when set (rich falls back to 80 columns when output is piped)."""
    width = os.environ.get("COLUMNS", "")
    return Console(stderr=stderr, highlight=False, width=int(width) if width.isdigit() else None)


StoreOpt = Annotated[Path | None, typer.Option("--store", help="Store folder (default: $GIGDATA_STORE "
                                               "or ./gigdata-store).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]


def main() -> None:
    """Entry point of the `gigdata` command. A store that cannot be written (read-only, a file where the
    folder should be, a full disk) ends with one sentence, never a traceback: every write is atomic, so
    what the store held before is unchanged."""
    try:
        app()
    except OSError as exc:
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        _console(stderr=True).print(
            f"[bold red]gigdata:[/] {escape(where)}{escape(exc.strerror or type(exc).__name__)}. "
            "Nothing already in the store was changed; free space or choose a folder you can write "
            "(--store), then run the command again.")
        raise SystemExit(2) from None


@app.command()
def ingest(
    exports: Annotated[list[Path], typer.Argument(help="Export zips or unpacked export folders.")],
    store: StoreOpt = None,
    worker: Annotated[str, typer.Option(help="Name under which to file this worker's data "
                                             "(use the same name for every export of one worker).")] = "me",
    tz: Annotated[str | None, typer.Option(help="IANA time zone of local times the export does not "
                                                "place itself, e.g. Europe/Paris; refused when the "
                                                "export's coordinates, city names or currency "
                                                "contradict it.")] = None,
    received: Annotated[str | None, typer.Option(help="The day the platform's answer arrived "
                                                      "(YYYY-MM-DD), printed in the report next to the "
                                                      "files' fingerprints.")] = None,
    as_json: JsonOpt = False,
    strict: Annotated[bool, typer.Option(hidden=True, help="Stop at the first malformed row.")] = False,
) -> None:
    """Read exports into the store and say what became of every file.

    Exits with status 1 when an export is refused, or when a file of a recognised export is left unread
    (not recognised, or failed): the rest of that export is stored all the same."""
    from parsers.ingest import ingest as run_ingest
    from parsers.ingest import report_json

    if not store_mod.is_valid_name(worker):
        raise typer.BadParameter("a worker name is 1 to 64 plain letters, digits, '-', '_' or '.' "
                                 "(for example member-017), since it names a folder", param_hint="--worker")
    target = store or store_mod.default_store()
    arrived = _day(received, "--received")
    if arrived is not None and arrived > date.today():
        raise typer.BadParameter(f"{arrived} is after today", param_hint="--received")
    reports = run_ingest(list(exports), target, worker=worker, tz=tz, strict=strict,
                         received=arrived)
    if as_json:
        typer.echo(report_json(reports))
    else:
        for report in reports:
            _print_report(report.to_dict())
        _print_gaps(target, {(str(r.worker_id), r.platform) for r in reports if r.status == "ingested"})
    unread = {r.source: r.unread() for r in reports if r.unread()}
    for source, files in unread.items():  # stored, but part of the export is missing: say it and fail
        _console(stderr=True).print(f"[bold red]{escape(source)}:[/] {len(files)} file(s) of this export "
                                    "were not read (listed above with the reason); the rest was stored.")
    if any(r.status == "refused" for r in reports) or unread:
        raise typer.Exit(code=1)


@app.command()
def tables(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Rows per table, per platform and worker."""
    _warn_if_empty(store or store_mod.default_store())
    counts = store_mod.table_counts(store or store_mod.default_store())
    if as_json:
        typer.echo(counts.to_json(orient="records"))
        return
    out = Table("table", "platform", "worker", "rows", title="gigdata store")
    for row in counts.to_dict("records"):
        out.add_row(str(row["table"]), str(row["platform"]), str(row["worker_id"]), f"{int(row['rows']):,}")
    _console().print(out)


@app.command()
def metrics(
    store: StoreOpt = None,
    worker: Annotated[str | None, typer.Option(help="Only this worker.")] = None,
    platform: Annotated[str | None, typer.Option(help="Only this platform (uber, ubereats, …).")] = None,
    start: Annotated[str | None, typer.Option("--from", help="First day, YYYY-MM-DD.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day, YYYY-MM-DD.")] = None,
    config: Annotated[Path | None, typer.Option(help="TOML file overriding the default costs, "
                                                     "contribution rates and wage tables.")] = None,
    zone: Annotated[str | None, typer.Option(help="Cut days in this zone (e.g. Europe/Paris) instead of "
                                                  "the zone of the worker's exports.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Headline figures: time logged in and waiting unpaid, pay per hour, offers, ratings, sanctions.

    Days, weeks, hours and --from/--to are local to the zone of the worker's exports (or --zone); the
    output says which."""
    from toolkit.config import ConfigError, load_config
    from toolkit.metrics import metrics as compute
    from toolkit.metrics import render_metrics

    try:
        load_config(config)  # read here, so a bad file is a clear error before any figure
    except ConfigError as exc:
        _console(stderr=True).print(f"[bold red]gigdata metrics:[/] {exc}")
        raise typer.Exit(code=2) from exc
    _warn_if_empty(store or store_mod.default_store())
    try:
        result = compute(store or store_mod.default_store(), worker=worker, platform=platform,
                         start=_day(start, "--from"), end=_day(end, "--to"), config_file=config, zone=zone)
    except ValueError as exc:
        _console(stderr=True).print(f"[bold red]gigdata metrics:[/] {exc}")
        raise typer.Exit(code=2) from exc
    typer.echo(json.dumps(result, indent=2, default=str) if as_json else render_metrics(result))


@app.command()
def report(
    out: Annotated[Path, typer.Option(help="The file to write: FILE.pdf, FILE.docx or FILE.odt.")],
    store: StoreOpt = None,
    worker: Annotated[str | None, typer.Option(help="Only this worker.")] = None,
    platform: Annotated[str | None, typer.Option(help="Only this platform (uber, ubereats, …).")] = None,
    start: Annotated[str | None, typer.Option("--from", help="First day, YYYY-MM-DD.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day, YYYY-MM-DD.")] = None,
    lang: Annotated[str, typer.Option(help="Language of the report: fr or en.")] = "en",
    fmt: Annotated[str | None, typer.Option("--format", help="pdf, docx or odt (default: from the "
                                                             "--out file's ending, else pdf).")] = None,
    name: Annotated[str | None, typer.Option(help="The worker's name or chosen pseudonym, printed on "
                                                  "the report (default: the name the data is filed "
                                                  "under).")] = None,
    config: Annotated[Path | None, typer.Option(help="TOML file overriding the default costs, "
                                                     "contribution rates and wage tables.")] = None,
    zone: Annotated[str | None, typer.Option(help="Cut days in this zone instead of the zone of the "
                                                  "worker's exports.")] = None,
) -> None:
    """The report a union or a lawyer reads: every figure with its definition and parameters, the
    sanctions, the method and the files' SHA-256, as PDF, DOCX or ODT (the app's Report page makes the
    same file)."""
    from toolkit.config import ConfigError
    from toolkit.i18n import LANGUAGES
    from toolkit.metrics import select
    from toolkit.report import FORMATS, gather, render_report

    chosen = (fmt or out.suffix.lstrip(".") or "pdf").lower()
    if chosen not in FORMATS:
        raise typer.BadParameter(f"{chosen!r} is not one of {', '.join(FORMATS)}", param_hint="--format")
    if lang not in LANGUAGES:
        raise typer.BadParameter(f"{lang!r} is not one of {', '.join(LANGUAGES)}", param_hint="--lang")
    target = store or store_mod.default_store()
    _warn_if_empty(target)
    try:
        sel = select(target, worker, platform, _day(start, "--from"), _day(end, "--to"), zone=zone,
                     config_file=config)
        data = render_report(gather(sel, name=name), lang, chosen)  # type: ignore[arg-type]
    except (ConfigError, ValueError) as exc:
        _console(stderr=True).print(f"[bold red]gigdata report:[/] {escape(str(exc))}")
        raise typer.Exit(code=2) from exc
    try:
        write_whole(out, data)
    except OSError as exc:
        _console(stderr=True).print(f"[bold red]gigdata report:[/] cannot write {escape(str(out))}: "
                                    f"{exc.strerror or exc}")
        raise typer.Exit(code=2) from exc
    typer.echo(f"{out}: {chosen} report in {lang}, {len(data):,} bytes ({sel.span_note()})")


@app.command()
def sample(
    platform: Annotated[str, typer.Argument(help="uber, ubereats, wolt or deliveroo.")],
    out: Annotated[Path, typer.Option(help="Where to write: FILE.zip, or a folder.")],
    layout: Annotated[str | None, typer.Option(help="Which real layout to imitate (see README).")] = None,
    days: Annotated[int, typer.Option(min=1, max=3650, help="Days to simulate.")] = 14,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same export).")] = 1,
) -> None:
    """Write a synthetic export of a simulated worker, shaped like a real one.

    uber and ubereats: one of the layouts in the README (--layout); wolt: `courier_tasks.csv`, local times
    of Europe/Helsinki (ingest with --tz Europe/Helsinki); deliveroo: invoice PDFs, --layout is the
    invoice language (en-GB, en-IE, en-AU, en-BE, fr-FR, nl-NL), one invoice per 14 days.
    """
    try:
        written = _write_sample(platform, out, layout, days, seed)
    except ValueError as exc:
        _console(stderr=True).print(f"[bold red]gigdata sample:[/] {exc}")
        raise typer.Exit(code=2) from exc
    _console().print(f"Wrote {out} ({written}, synthetic data only).")


EngineOpt = Annotated[str, typer.Option(help="duckdb (this computer, the default) or spark (PySpark: "
                                             "pip install 'gigdata[spark]'; see the README).")]
MasterOpt = Annotated[str | None, typer.Option(help="spark: the master URL (default local[2], or the "
                                                    "cluster's under spark-submit or SPARK_REMOTE).")]


@app.command()
def panel(
    store: StoreOpt = None,
    freq: Annotated[str, typer.Option(help="month or week.")] = "month",
    engine: EngineOpt = "duckdb",
    master: MasterOpt = None,
    config: Annotated[Path | None, typer.Option(help="TOML file overriding the default costs, "
                                                     "contribution rates and wage tables.")] = None,
) -> None:
    """The researchers' panel: one row per worker × platform × month (or week) with every headline
    figure of `gigdata metrics` for that period, written to STORE/_panel/ with its data dictionary."""
    from toolkit.config import ConfigError, load_config
    from toolkit.panel import build_panel, write_panel

    folder = store or store_mod.default_store()
    try:
        _check_engine(engine)
        if freq not in ("month", "week"):
            raise ValueError(f"--freq {freq}: month or week")
        load_config(config)
    except (ValueError, ConfigError) as exc:
        _console(stderr=True).print(f"[bold red]gigdata panel:[/] {exc}")
        raise typer.Exit(code=2) from exc
    _warn_if_empty(folder)
    if engine == "spark":
        from toolkit import spark as spark_mod

        try:
            frame = spark_mod.build_panel(folder, freq, config, spark_mod.session(master))
        except spark_mod.SparkUnavailable as exc:
            _console(stderr=True).print(f"[bold red]gigdata panel:[/] {exc}")
            raise typer.Exit(code=2) from exc
    else:
        frame = build_panel(folder, freq, config)  # type: ignore[arg-type]
    path = write_panel(folder, frame, freq)  # type: ignore[arg-type]
    workers = frame["worker_id"].nunique() if len(frame) else 0
    _console().print(f"Wrote {path} ({len(frame):,} rows: {workers} worker(s) × {freq}s, engine {engine}; "
                     f"data dictionary {path.with_name(path.stem + '.dictionary.json')})")


def _check_engine(engine: str) -> None:
    if engine not in ("duckdb", "spark"):
        raise ValueError(f"--engine {engine}: duckdb or spark")


@app.command()
def compare(
    statistic: Annotated[str, typer.Argument(help="distribution, inequality, regression, event or "
                                                  "below-minimum.")],
    store: StoreOpt = None,
    freq: Annotated[str, typer.Option(help="The panel to read: month or week.")] = "month",
    column: Annotated[str, typer.Option(help="The panel column (e.g. pay.per_hour_logged_in).")] =
        "pay.per_hour_logged_in",
    x: Annotated[str, typer.Option(help="regression: the explanatory column.")] = "offers.acceptance_rate",
    lag: Annotated[int, typer.Option(help="regression: take x this many periods before.")] = 1,
    indicator: Annotated[bool, typer.Option("--indicator", help="regression: regress on whether x was "
                                                                "above 0 (e.g. any block).")] = False,
    day: Annotated[str | None, typer.Option("--date", help="event: the day of the change, "
                                                           "YYYY-MM-DD.")] = None,
    window: Annotated[int, typer.Option(help="event: periods on each side.")] = 4,
    how: Annotated[str, typer.Option(help="inequality: mean (a rate) or sum (a total) per worker.")] = "mean",
    engine: EngineOpt = "duckdb",
    master: MasterOpt = None,
) -> None:
    """Compare drivers on the panel (`gigdata panel` first): each result states its n and refuses to run
    on fewer than 10 workers. On --engine spark the pooled statistics run as the same SQL in Spark SQL."""
    import pandas as pd

    from toolkit import compare as cmp

    folder = store or store_mod.default_store()
    path = folder / "_panel" / f"panel_{freq}.parquet"
    try:
        _check_engine(engine)
        if not path.is_file():
            raise ValueError(f"{path}: no panel yet; run `gigdata panel --freq {freq}` first")
        if engine == "spark":
            from toolkit import spark as spark_mod

            frame = spark_mod.read_panel(spark_mod.session(master), path)
        else:
            frame = pd.read_parquet(path)
        if statistic == "distribution":
            result = cmp.distribution(frame, column)
        elif statistic == "inequality":
            result = cmp.inequality(frame, column, how)
        elif statistic == "regression":
            result = cmp.panel_regression(frame, column, x, lag, indicator)
        elif statistic == "event":
            if day is None:
                raise ValueError("event: say the day with --date YYYY-MM-DD")
            result = cmp.event_study(frame, column, _day(day, "--date") or date.today(), window)
        elif statistic == "below-minimum":
            result = cmp.below_minimum_share(frame)
        else:
            raise ValueError(f"{statistic}: one of distribution, inequality, regression, event, "
                             "below-minimum")
    except (ValueError, RuntimeError) as exc:
        _console(stderr=True).print(f"[bold red]gigdata compare:[/] {exc}")
        raise typer.Exit(code=2) from exc
    result["engine"] = engine
    typer.echo(json.dumps(result, indent=2, default=str))


@app.command()
def verify(store: StoreOpt = None) -> None:
    """Check every stored file against its manifest (checksums, row counts, leftovers).

    The temporary files of a write that was killed are removed first (under the store's lock), and said."""
    target = store or store_mod.default_store()
    if target.is_dir():
        left = [p for p in target.rglob("*.tmp")]
        try:
            with store_mod.store_lock(target):  # taking the lock sweeps what a killed writer left
                pass
        except OSError:  # a read-only store (a mounted copy, a CD): checked as it is
            if left:
                _console().print(f"{len(left)} temporary file(s) left by an interrupted write could not "
                                 "be removed: the store cannot be written here.")
            left = []
        if left:
            _console().print(f"Removed {len(left)} temporary file(s) left by an interrupted write; the "
                             "data stored before it is untouched.")
    problems = store_mod.verify(target)
    for problem in problems:
        _console().print(f"- {problem}")
    if problems:
        raise typer.Exit(code=1)
    _console().print("The store is consistent.")


@app.command(name="app")
def run_app(store: StoreOpt = None,
            port: Annotated[int, typer.Option(help="Port on this computer.")] = 8501) -> None:
    """Open the gigdata app in the browser (served on this computer only).

    With --store, every browser window starts with a copy of that store's data (the store itself is only
    read); without it, windows start empty and offer the sample data.
    """
    script = Path(__file__).resolve().parent.parent / "app.py"
    if not script.exists():
        _console(stderr=True).print("gigdata app: app.py was not found next to the toolkit package")
        raise typer.Exit(code=2)
    env = dict(os.environ)
    if store is not None:
        env["GIGDATA_APP_STORE"] = str(store.resolve())
    command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.address", "127.0.0.1",
               "--server.port", str(port)]
    raise typer.Exit(code=subprocess.call(command, env=env, cwd=script.parent))


def _warn_if_empty(store: Path) -> None:
    """Say on stderr (so JSON output stays clean) when the store holds no export yet."""
    if not store_mod.list_manifests(store):
        _console(stderr=True).print(f"No export in the store {escape(str(store))} yet: run "
                                    "`gigdata ingest EXPORT` first (or pass --store).")


def _write_sample(platform: str, out: Path, layout: str | None, days: int, seed: int) -> str:
    if platform == "wolt":
        from toolkit.samples.wolt import write_wolt_sample

        if layout not in (None, "courier-tasks-2021"):
            raise ValueError(f"wolt has one layout, courier-tasks-2021, not {layout!r}")
        jobs = write_wolt_sample(out, days=days, seed=seed)["jobs"]
        return f"{len(jobs)} deliveries"
    if platform == "deliveroo":
        from toolkit.samples.deliveroo import write_deliveroo_sample

        invoices = max(1, days // 14)
        write_deliveroo_sample(out, language=layout or "en-GB", invoices=invoices, seed=seed)
        return f"{invoices} invoice(s)"
    from toolkit.samples import write_sample

    truth = write_sample(platform, out, layout=layout, days=days, seed=seed)
    return f"{len(truth.files)} files, layout {truth.layout}"


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"{option} takes a date as YYYY-MM-DD") from exc


STATUS_STYLE = {"parsed": "green", "ignored": "yellow", "failed": "red", "unknown": "magenta"}


def _print_report(report: dict[str, Any]) -> None:
    console, err = _console(), _console(stderr=True)
    source = report["source"]
    if report["status"] == "refused":
        error = report.get("error") or {}
        err.print(f"[bold red]{escape(source)}: not ingested.[/] "
                  f"{escape(str(error.get('member', '')))}: {escape(str(error.get('detail', '')))}")
        _print_files(report)
        err.print("Nothing was written to the store.")
        return
    if report["status"] == "already_ingested":
        console.print(f"[bold]{source}[/]: already in the store (export {report['export_id']}, worker "
                      f"{report['worker_id']}); nothing added.")
        return
    console.print(f"[bold]{source}[/]: {report['platform']} export, layout [bold]{report['layout']}[/], "
                  f"export id {report['export_id']}, filed under worker {report['worker_id']}.")
    _print_files(report)
    rows = Table("table", "rows read", "rows added", "already in store", title="Rows per table")
    for table, n in sorted(report["rows"].items()):
        stored = report["stored"].get(table, {})
        rows.add_row(table, f"{n:,}", f"{stored.get('rows', 0):,}",
                     f"{stored.get('duplicates_dropped', 0):,}")
    console.print(rows)
    for line in _zone_lines(report["tz_decisions"]):
        console.print(line, markup=False)
    for kind, n in sorted(report["issues"].items()):
        console.print(f"[yellow]{n} malformed value(s) or row(s) of kind {kind}[/] "
                      "(left out; see the manifest)")


ZONE_SOURCES = {
    "utc_column": "the file gives UTC times",
    "row_timezone_column": "each row's own time-zone column",
    "row_offset": "each row's own UTC offset",
    "export": "the zone the export itself states",
    "user": "the zone given with --tz",
    "profile": "the zone the mapping profile states",
}


def _zone_lines(decisions: list[dict[str, Any]]) -> list[str]:
    """One line per file and decision, listing the columns it placed (plain text, no markup)."""
    grouped: dict[tuple[str, str, str, str], list[str]] = {}
    for d in decisions:
        zone = d["zone"] or ("UTC" if d["source"] == "utc_column" else "own offset")
        key = (d["file"], zone, d["source"], d["detail"] or "")
        grouped.setdefault(key, []).append(d["column"])
    return [f"Time zone: {file} ({', '.join(columns)}) -> {zone}, from "
            f"{ZONE_SOURCES.get(source, source)}{': ' + detail if detail else ''}"
            for (file, zone, source, detail), columns in grouped.items()]


def _print_gaps(store: Path, ingested: set[tuple[str, str | None]]) -> None:
    """The completeness check of what was just read: what the exports of that worker and platform lack."""
    from toolkit.access.check import check

    console = _console()
    by_worker = {worker: check(store, worker=worker) for worker in {w for w, _ in ingested}}
    for worker, platform in sorted(ingested, key=str):
        gaps = [g for g in by_worker[worker] if g.platform == platform]
        if gaps:
            console.print(f"What the {escape(str(platform))} exports of {escape(worker)} leave out "
                          f"(gigdata request check):")
            for g in gaps:
                console.print(f"  - {escape(g.item)}: {escape(g.detail)}; {escape(g.blocks)}")


def _print_files(report: dict[str, Any]) -> None:
    console = _console()
    if not report["files"]:
        return
    files = Table("file", "what became of it", "why / into", title="Files of the export")
    for f in report["files"]:
        into = ", ".join(f"{t} ({n:,} rows)" for t, n in f["tables"].items())
        style = STATUS_STYLE.get(f["status"], "")
        files.add_row(escape(f["path"]), f"[{style}]{f['status']}[/]", escape(into or f["reason"]))
    console.print(files)


app.command(name="share")(share_command)
app.add_typer(pool_app, name="pool")
app.add_typer(request_app, name="request")

profile_app = typer.Typer(no_args_is_help=True, help="Mapping profiles: read exports whose layout no "
                          "built-in parser knows (docs/profiles.md).")
app.add_typer(profile_app, name="profile")


@profile_app.command("check")
def profile_check(
    profile: Annotated[Path, typer.Argument(help="The profile (.toml).")],
    export: Annotated[Path, typer.Argument(help="An export zip or unpacked folder to try it on.")],
    tz: Annotated[str | None, typer.Option(help="IANA time zone of local times that neither the export "
                                                "nor the profile places, e.g. Europe/Paris.")] = None,
    rows: Annotated[int, typer.Option(help="Rows shown per table and file.")] = 3,
    as_json: JsonOpt = False,
) -> None:
    """Show what a profile makes of an export, file by file, and what it misses; nothing is written."""
    from parsers.profiles import ProfileError, check_profile, load_profile

    try:
        loaded = load_profile(profile)
    except ProfileError as exc:
        _console(stderr=True).print(f"[bold red]The profile cannot be used:[/]\n{escape(str(exc))}")
        raise typer.Exit(code=2) from exc
    except OSError as exc:
        _console(stderr=True).print(f"[bold red]{escape(profile.name)} cannot be read "
                                    f"({type(exc).__name__}).[/]")
        raise typer.Exit(code=2) from exc
    result = check_profile(loaded, export, tz=tz, preview_rows=rows)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2, default=str))
    else:
        _print_check(result, rows)
    if result.error is not None or any(f.status == "failed" for f in result.files):
        raise typer.Exit(code=1)


@profile_app.command("list")
def profile_list(as_json: JsonOpt = False) -> None:
    """The profiles found (the package's synthetic examples, then your folder), and the broken ones."""
    from parsers.profiles import scan_profiles, user_profile_dir

    found, problems = scan_profiles()
    if as_json:
        listed = [{"name": p.name, "platform": p.platform, "version": p.version, "example": p.example,
                   "origin": p.origin, "source": p.source} for p in found]
        typer.echo(json.dumps({"profiles": listed, "problems": problems}, indent=2))
        return
    console = _console()
    table = Table("name", "platform", "version", "from", "layout source", title="Mapping profiles")
    for p in found:
        note = " [dim](example: never used to recognise an export)[/]" if p.example else ""
        table.add_row(escape(p.name), escape(p.platform), str(p.version), escape(p.origin),
                      escape(p.source) + note)
    console.print(table)
    console.print(f"Your profile folder: {escape(str(user_profile_dir()))} (GIGDATA_PROFILES changes it)")
    for origin, problem in problems.items():
        console.print(f"[yellow]{escape(origin)} is not used:[/] {escape(problem)}")


def _print_check(result: Any, rows: int) -> None:
    console = _console()
    if result.error is not None:
        error = result.error
        _console(stderr=True).print(f"[bold red]The export cannot be read:[/] "
                                    f"{escape(str(error['member']))}: {escape(error['detail'])}")
        return
    files = Table("file", "outcome", "entry", "rows", "why / issues",
                  title=f"Profile {escape(result.profile)}")
    for f in result.files:
        style = {"parsed": "green", "ignored": "dim", "failed": "red", "missed": "yellow"}[f.status]
        issues = f"; {len(f.issues)} issue(s)" if f.issues else ""
        files.add_row(escape(f.path), f"[{style}]{f.status}[/]", escape(f.entry or ""),
                      ", ".join(f"{t} {n:,}" for t, n in f.rows.items()), escape(f.reason) + issues)
    console.print(files)
    for f in result.files:
        for table, frame in f.preview.items():
            console.print(f"[bold]{escape(f.path)} -> {table}[/] (first rows)")
            console.print(frame.head(rows).T.to_string(), markup=False)
    for line in _zone_lines(result.tz_decisions):
        console.print(line, markup=False)
    if result.missed_files:
        console.print(f"[yellow]Files no rule reads:[/] {escape(', '.join(result.missed_files))}")
    if result.unmatched_entries:
        console.print(f"[yellow]Entries with no file:[/] {escape(', '.join(result.unmatched_entries))}")


if __name__ == "__main__":
    main()
