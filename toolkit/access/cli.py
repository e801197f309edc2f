"""`gigdata request`: the worker's details, the letters, the completeness check and the tracker.

Everything is kept in the worker's store (`<store>/_requests/`); nothing is sent anywhere: the worker sends
the letter themselves and records it with `gigdata request track add`.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from toolkit.access.reference import GROUNDS, ROUTES

request_app = typer.Typer(no_args_is_help=True,
                          help="Access requests: the letters to the platforms, what an export left out, and "
                               "the deadlines of every request sent.")
track_app = typer.Typer(no_args_is_help=True,
                        help="The requests you sent, their due dates and what came back.")
request_app.add_typer(track_app, name="track")

StoreOpt = Annotated[Path | None, typer.Option("--store", help="Your store folder (default: $GIGDATA_STORE "
                                                               "or ./gigdata_store).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
LangOpt = Annotated[str, typer.Option("--lang", help="Language: en or fr.")]
WorkerOpt = Annotated[str, typer.Option("--worker", help="Whose requests (the name used at ingest).")]


def _console(stderr: bool = False) -> Console:
    width = os.environ.get("COLUMNS", "")
    return Console(stderr=stderr, highlight=False, width=int(width) if width.isdigit() else None)


def _fail(command: str, exc: Exception | str, code: int = 2) -> typer.Exit:
    _console(stderr=True).print(f"[bold red]gigdata request {command}:[/] {escape(str(exc))}")
    return typer.Exit(code=code)


def _store(store: Path | None) -> Path:
    from toolkit import store as store_mod

    return store or store_mod.default_store()


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"{value!r} is not a day as YYYY-MM-DD", param_hint=option) from exc


def _lang(lang: str) -> str:
    from toolkit.i18n import LANGUAGES

    if lang not in LANGUAGES:
        raise typer.BadParameter(f"{lang!r}: one of {', '.join(LANGUAGES)}", param_hint="--lang")
    return lang


@request_app.command("me")
def me(
    name: Annotated[str | None, typer.Option(help="Your full name, as the platform knows it.")] = None,
    email: Annotated[str | None, typer.Option(help="Your e-mail, where the answer should go.")] = None,
    account: Annotated[str | None, typer.Option(help="Your account e-mail or id at the platform.")] = None,
    city: Annotated[str | None, typer.Option(help="Your city (printed next to the date).")] = None,
    country: Annotated[str | None, typer.Option(help="Your country, two letters (FR, GB…): which "
                                                     "authority a complaint goes to.")] = None,
    address: Annotated[str | None, typer.Option(help="Your postal address (optional; \\n between lines).")]
    = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Set the details letters are filled with (kept only in your store); with no option, show them."""
    from toolkit.access.tracker import TrackerError, load_me, save_me

    folder = _store(store)
    given = {"name": name, "email": email, "account": account, "city": city, "country": country,
             "address": address.replace("\\n", "\n") if address else address}
    try:
        details = save_me(folder, **given) if any(v is not None for v in given.values()) else load_me(folder)
    except TrackerError as exc:
        raise _fail("me", exc) from exc
    if as_json:
        typer.echo(json.dumps(details, indent=2, ensure_ascii=False))
        return
    for key, value in details.items():
        typer.echo(f"{key}: {value}")
    if not details:
        typer.echo("No details kept yet: give at least --name and --email.")


@request_app.command("letter")
def letter(
    platform: Annotated[str, typer.Option("--platform", help="uber, ubereats, deliveroo, wolt, glovo, bolt, "
                                                             "justeat, stuart, amazonflex or lyft.")],
    out: Annotated[Path, typer.Option("--out", help="Where to write it: a .pdf or a .txt file.")],
    ground: Annotated[str, typer.Option("--ground", help="art15 (access), art20 (portability), art22 "
                                                         "(automated decisions) or pwd9 (Platform Work "
                                                         "Directive Art. 9).")] = "art15",
    lang: LangOpt = "en",
    follow_up: Annotated[bool, typer.Option("--follow-up", help="Ask for exactly what the export left out, "
                                                                "citing your first request.")] = False,
    reminder: Annotated[bool, typer.Option("--reminder", help="Remind the platform of an unanswered "
                                                              "request.")] = False,
    complaint: Annotated[bool, typer.Option("--complaint", help="A complaint draft to the data-protection "
                                                                "authority.")] = False,
    period_from: Annotated[str | None, typer.Option("--from", help="First day asked for (YYYY-MM-DD).")]
    = None,
    period_to: Annotated[str | None, typer.Option("--to", help="Last day asked for (YYYY-MM-DD).")] = None,
    request_id: Annotated[str | None, typer.Option("--request", help="Follow-up, reminder, complaint: which "
                                                                    "request (default: the first sent to "
                                                                    "the platform).")] = None,
    worker: WorkerOpt = "me",
    store: StoreOpt = None,
) -> None:
    """Write a letter from the details kept in the store (`gigdata request me`)."""
    from toolkit.access import letters
    from toolkit.access.check import check
    from toolkit.access.tracker import TrackerError, find_request, first_request, load_me, load_requests

    folder = _store(store)
    lang = _lang(lang)
    if sum((follow_up, reminder, complaint)) > 1:
        raise typer.BadParameter("one of --follow-up, --reminder, --complaint at most")
    if out.suffix.lower() not in (".pdf", ".txt"):
        raise typer.BadParameter(f"{out.name}: the letter is written as .pdf or .txt", param_hint="--out")
    start, end = _date(period_from, "--from"), _date(period_to, "--to")
    if (start is None) != (end is None) or (start and end and end < start):
        raise typer.BadParameter("the period needs --from and --to, in that order")
    try:
        details = load_me(folder)
        letters.check_me(details)
        if not (follow_up or reminder or complaint):
            made = letters.request_letter(platform, ground, lang, details,
                                          period=(start, end) if start and end else None)
        else:
            first = first_request(folder, platform, worker)
            if request_id is not None:
                first = find_request(load_requests(folder), request_id, platform, worker)
            if first is None:
                raise letters.LetterError(f"no request to {platform} is recorded: record the one you sent "
                                          f"with `gigdata request track add --platform {platform} …`")
            if reminder:
                made = letters.reminder_letter(first, lang, details)
            else:
                gaps = [g for g in check(folder, worker=worker, lang=lang) if g.platform == platform]
                made = (letters.follow_up_letter(first, gaps, lang, details) if follow_up else
                        letters.complaint_letter(first, lang, details, gaps=gaps if first.answered else None))
    except (letters.LetterError, TrackerError) as exc:
        raise _fail("letter", exc) from exc
    content = made.pdf() if out.suffix.lower() == ".pdf" else made.text().encode("utf-8")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(content)
    typer.echo(f"Letter written to {out} ({made.kind}, {made.platform}, {made.ground}, {made.lang}); "
               f"items: {', '.join(made.items) or 'none'}.")


@request_app.command("check")
def check_command(
    store: StoreOpt = None,
    worker: Annotated[str | None, typer.Option("--worker", help="Only this worker.")] = None,
    lang: LangOpt = "en",
    as_json: JsonOpt = False,
) -> None:
    """What the exports in the store leave out, each gap with the analysis it blocks."""
    from toolkit.access.check import check
    from toolkit.i18n import text

    folder = _store(store)
    gaps = check(folder, worker=worker, lang=_lang(lang))
    if as_json:
        typer.echo(json.dumps([g.to_json() for g in gaps], indent=2, ensure_ascii=False))
        return
    if not gaps:
        typer.echo("Nothing the analyses need is missing from the exports in the store.")
        return
    table = Table("worker", "platform", "missing", "what is wrong", "what it blocks",
                  title="What the exports left out")
    for g in gaps:
        table.add_row(escape(g.worker), escape(g.platform), escape(text(f"request.item.{g.item}.name", lang)),
                      escape(g.detail), escape(g.blocks))
    _console().print(table)
    typer.echo("The follow-up letter asks for exactly these: gigdata request letter --platform P --follow-up "
               "--out letter.pdf")


@track_app.command("add")
def track_add(
    platform: Annotated[str, typer.Option("--platform", help="The platform the request went to.")],
    sent: Annotated[str, typer.Option("--sent", help="The day you sent it (YYYY-MM-DD).")],
    via: Annotated[str, typer.Option("--via", help=f"How: {', '.join(ROUTES)}.")],
    ground: Annotated[str, typer.Option("--ground", help=f"{', '.join(GROUNDS)}.")] = "art15",
    received: Annotated[str | None, typer.Option("--received", help="The day the platform received it, when "
                                                                    "later (post).")] = None,
    proof: Annotated[str, typer.Option("--proof", help="Proof of sending: a receipt number, a file name.")]
    = "",
    period_from: Annotated[str | None, typer.Option("--from", help="First day asked for.")] = None,
    period_to: Annotated[str | None, typer.Option("--to", help="Last day asked for.")] = None,
    worker: WorkerOpt = "me",
    store: StoreOpt = None,
    lang: LangOpt = "en",
) -> None:
    """Record a request you sent; prints its due date."""
    from toolkit.access.tracker import TrackerError, add_request
    from toolkit.i18n import Translator

    tr = Translator(_lang(lang))
    try:
        request = add_request(_store(store), platform=platform, ground=ground,
                              sent=_date(sent, "--sent") or date.today(), via=via, worker=worker,
                              received=_date(received, "--received"), proof=proof,
                              period_from=_date(period_from, "--from"), period_to=_date(period_to, "--to"))
    except TrackerError as exc:
        raise _fail("track add", exc) from exc
    typer.echo(tr("request.track.saved", id=request.id, platform=platform, ground=ground,
                  sent=request.sent.isoformat(), due=request.due.isoformat()))


@track_app.command("list")
def track_list(store: StoreOpt = None, as_json: JsonOpt = False, lang: LangOpt = "en") -> None:
    """Every request recorded, with its due date and state today."""
    from toolkit.access.tracker import TrackerError, load_requests, request_row

    tr_lang = _lang(lang)
    try:
        rows = [request_row(r, date.today()) for r in load_requests(_store(store))]
    except TrackerError as exc:
        raise _fail("track list", exc) from exc
    if as_json:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not rows:
        from toolkit.i18n import text

        typer.echo(text("request.track.none", tr_lang))
        return
    table = Table("id", "worker", "platform", "ground", "sent", "due", "status", "answered",
                  title="Access requests")
    for row in rows:
        table.add_row(*(escape(str(row[k] or "")) for k in ("id", "worker", "platform", "ground", "sent",
                                                              "due", "status", "answered")))
    _console().print(table)


def _update(command: str, store: Path | None, request_id: str, **changes: Any) -> None:
    from toolkit.access.tracker import TrackerError, status, update_request

    try:
        request = update_request(_store(store), request_id, **changes)
    except TrackerError as exc:
        raise _fail(f"track {command}", exc) from exc
    typer.echo(f"Request {request.id} updated: {status(request, date.today())}, due {request.due}.")


IdArg = Annotated[str, typer.Argument(help="The request id (as `track list` shows it; a prefix is enough).")]
OnOpt = Annotated[str, typer.Option("--on", help="The day (YYYY-MM-DD).")]


@track_app.command("answered")
def track_answered(
    request_id: IdArg,
    on: OnOpt,
    language: Annotated[str, typer.Option("--language", help="The language the answer came in (en, fr…).")]
    = "",
    files: Annotated[list[Path] | None, typer.Option("--file", help="A file received (its SHA-256 is kept "
                                                                    "as proof); repeat for several.")] = None,
    store: StoreOpt = None,
) -> None:
    """Record the platform's answer."""
    from toolkit.access.tracker import file_record

    records = []
    for path in files or []:
        try:
            records.append(file_record(path))
        except OSError as exc:
            raise _fail("track answered", f"{path}: cannot be read ({exc.strerror or exc})") from exc
    _update("answered", store, request_id, answered=_date(on, "--on"), answer_language=language or None,
            files=records or None)


@track_app.command("extended")
def track_extended(
    request_id: IdArg,
    on: OnOpt,
    reason: Annotated[str, typer.Option("--reason", help="The reason the platform gave.")] = "",
    store: StoreOpt = None,
) -> None:
    """Record an extension the platform notified (it counts only if told within the first month)."""
    _update("extended", store, request_id, extension_notice=_date(on, "--on"),
            extension_reason=reason or None)


@track_app.command("reminded")
def track_reminded(request_id: IdArg, on: OnOpt, store: StoreOpt = None) -> None:
    """Record the day you sent the reminder."""
    _update("reminded", store, request_id, reminder_sent=_date(on, "--on"))


@track_app.command("complaint")
def track_complaint(request_id: IdArg, on: OnOpt, store: StoreOpt = None) -> None:
    """Record the day you lodged the complaint."""
    _update("complaint", store, request_id, complaint_filed=_date(on, "--on"))


@track_app.command("remind")
def track_remind(
    out: Annotated[Path, typer.Option("--out", help="The calendar file to write (.ics).")],
    store: StoreOpt = None,
    lang: LangOpt = "en",
) -> None:
    """The due days of the open requests as a calendar file, to import into a phone's calendar."""
    from toolkit.access.ics import calendar_bytes
    from toolkit.access.tracker import TrackerError, load_requests

    try:
        requests = load_requests(_store(store))
    except TrackerError as exc:
        raise _fail("track remind", exc) from exc
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(calendar_bytes(requests, _lang(lang)))
    typer.echo(f"Calendar written to {out}.")
