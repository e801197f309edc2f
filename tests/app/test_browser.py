"""The real app in headless Chromium: upload an export, check the Overview against `gigdata metrics`,
switch language, download the report, and keep two concurrent sessions apart. Makes the README's
screenshots (docs/screenshots/*.png).

Loopback only: every request to another address is aborted and fails the test. Needs Debian's chromium
(`make browser-deps`); skipped with that reason when it is not installed.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pdfplumber
import pytest

from tests.app.displayed import decimals, displayed_number
from tests.app.words import CUT_TEXT_JS, VISIBLE_TEXT_JS, english_words
from toolkit.samples import SAMPLE_ZONES, write_sample

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
# The README's screenshots are rewritten only on request (`make screenshots`); a plain test run keeps its
# screenshots in a temporary folder so that it never changes tracked files.
SHOTS = (ROOT / "docs" / "screenshots" if os.environ.get("GIGDATA_SCREENSHOTS") == "1"
         else Path(tempfile.gettempdir()) / "gigdata-screenshots")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
GIGDATA = Path(sys.executable).parent / "gigdata"
WAIT_MS = 180_000  # a page under the load of the other test worker on 2 cores can take over a minute
FIGURES = {
    "logged_in_h": ("time", "logged_in_h"),
    "waiting_h": ("time", "waiting_h"),
    "unpaid_share": ("time", "unpaid_share"),
    "per_hour_logged_in": ("pay", "per_hour_logged_in"),
    "net_per_hour_logged_in": ("pay", "net_per_hour_logged_in"),
    "minimum_wage_per_hour": ("pay", "minimum_wage_per_hour"),
    "per_hour_engaged": ("pay", "per_hour_engaged"),
    "earnings_total": ("pay", "earnings_total"),
    "tips": ("pay", "tips"),
    "jobs": ("jobs", "total"),
    "accepted": ("offers", "accepted"),
    "rejected": ("offers", "rejected"),
    "expired": ("offers", "expired"),
    "sanctions": ("sanctions", "total"),
    "blocked_h": ("sanctions", "blocked_h"),
    "ratings": ("ratings", "mean"),
}

if CHROMIUM is None:
    pytest.skip("Debian's chromium is not installed (make browser-deps)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The app served by `streamlit run` on a free loopback port (it ingests the bundled samples itself)."""
    yield from _serve({})


@pytest.fixture(scope="module")
def sessions_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sessions")


@pytest.fixture(scope="module")
def quick_server(sessions_dir: Path) -> Iterator[str]:
    """The app with windows' stores in `sessions_dir`, removed 15 s after their window closes (a reload
    under the load of the other test worker can take several seconds to reconnect)."""
    yield from _serve({"GIGDATA_SESSIONS_DIR": str(sessions_dir), "GIGDATA_CLOSED_GRACE_S": "15",
                       "GIGDATA_IDLE_MINUTES": "2"})


def _serve(extra: dict[str, str]) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k != "GIGDATA_SAMPLE_STORE"} | extra
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
    ]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the app server did not start") from None
                time.sleep(0.25)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def outside() -> list[str]:
    """Requests the pages tried to send anywhere but this computer (each one is aborted)."""
    return []


def _page(browser: object, server: str, outside: list[str], path: str = "") -> object:
    context = browser.new_context(
        viewport={"width": 1280, "height": 1500},
        locale="en-GB",  # type: ignore[attr-defined]
        accept_downloads=True,
        timezone_id="Europe/Paris",
    )
    context.set_default_timeout(WAIT_MS)

    def guard(route: object) -> None:
        request_url = route.request.url  # type: ignore[attr-defined]
        if request_url.startswith((server, "data:", "blob:")):
            route.continue_()  # type: ignore[attr-defined]
        else:
            outside.append(request_url)
            route.abort()  # type: ignore[attr-defined]

    context.route("**/*", guard)
    page = context.new_page()
    page.goto(server + path)
    _settled(page)
    return page


def _settled(page: object) -> None:
    """Wait until the script run is over, no element is stale, every chart is drawn and every uploader
    speaks the reader's language."""
    page.wait_for_selector("[data-testid='stAppViewContainer'] h1")  # type: ignore[attr-defined]
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => !document.querySelector('[data-stale=\"true\"]') && [...document.querySelectorAll("
        "'[data-testid=\"stVegaLiteChart\"]')].every(c => c.querySelector('canvas, svg'))"
    )
    page.wait_for_function(  # type: ignore[attr-defined]
        # the uploaders' own English is replaced by style.uploader_css, which may apply after they are drawn
        "() => [...document.querySelectorAll(\"[data-testid='stFileUploaderDropzone'] "
        "[data-testid='stBaseButton-secondary'] [data-testid='stMarkdownContainer'] p\")]"
        ".every(p => getComputedStyle(p).fontSize === '0px')"
    )


def _go(page: object, label: str, title: str) -> None:
    page.locator("[data-testid='stSidebarNav'] a", has_text=label).first.click()  # type: ignore[attr-defined]
    page.wait_for_selector(f"h1:has-text({json.dumps(title, ensure_ascii=False)})")  # type: ignore[attr-defined]
    _settled(page)


def _upload(page: object, export: Path) -> None:
    page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(str(export))  # type: ignore[attr-defined]
    page.wait_for_selector(f"text={export.name}")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Read my export").click()  # type: ignore[attr-defined]
    page.wait_for_selector("text=What was understood")  # type: ignore[attr-defined]
    _settled(page)


def _shown(page: object, key: str) -> str:
    return str(page.locator(f".st-key-fig-{key} [data-testid='stMetricValue']").inner_text())  # type: ignore[attr-defined]


def _cli_metrics(export: Path, store: Path) -> dict[str, dict[str, float | None]]:
    subprocess.run(
        [str(GIGDATA), "ingest", str(export), "--store", str(store), "--worker", "me"],
        check=True,
        capture_output=True,
    )
    done = subprocess.run(
        [str(GIGDATA), "metrics", "--store", str(store), "--worker", "me", "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def _assert_overview_equals(page: object, expected: dict[str, dict[str, float | None]], lang: str) -> None:
    for key, (section, name) in FIGURES.items():
        shown, value = _shown(page, key), expected[section][name]
        if value is None:
            assert shown == "—", key
            continue
        number = displayed_number(shown, lang)
        assert number is not None, key
        if key == "unpaid_share":
            number /= 100
        step = 10 ** -decimals(shown) / (100 if key == "unpaid_share" else 1)
        assert abs(number - value) <= step / 2 + 1e-9, (key, shown, value)


def _shoot(page: object, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    png = page.screenshot(type="png")  # type: ignore[attr-defined]
    from PIL import Image

    image = Image.open(io.BytesIO(png))
    if len(png) > 300_000:  # a palette keeps text and charts sharp and the file small
        image = image.convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT)
    image.save(SHOTS / f"{name}.png", optimize=True)
    assert (SHOTS / f"{name}.png").stat().st_size <= 300_000


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two workers' synthetic exports (different seeds and lengths)."""
    root = tmp_path_factory.mktemp("browser-exports")
    out = {"a": root / "driver-a.zip", "b": root / "driver-b.zip"}
    write_sample("uber", out["a"], days=45, seed=11)
    write_sample("uber", out["b"], days=20, seed=12)
    return out


def test_upload_overview_language_report(
    browser: object, server: str, exports: dict[str, Path], tmp_path: Path, outside: list[str]
) -> None:
    export = exports["a"]
    page = _page(browser, server, outside)
    _upload(page, export)
    assert page.locator("text=read as an export of Uber").count() == 1  # type: ignore[attr-defined]
    _shoot(page, "start")

    expected = _cli_metrics(export, tmp_path / "cli-store")
    _go(page, "Overview", "Overview")
    _assert_overview_equals(page, expected, "en")
    _shoot(page, "overview")
    for label, title, shot in (
        ("Time", "Time", "time"),
        ("Pay", "Pay", "pay"),
        ("Dispatch", "Dispatch", "dispatch"),
        ("Ratings & sanctions", "Ratings & sanctions", "ratings"),
        ("My data", "My data", "my-data"),
    ):
        _go(page, label, title)
        page.wait_for_function("() => document.querySelectorAll('.stException').length === 0")  # type: ignore[attr-defined]
        _shoot(page, shot)

    page.locator("[data-testid='stSidebar'] label", has_text="Français").click()  # type: ignore[attr-defined]
    page.wait_for_selector("h1:has-text('Mes données')")  # type: ignore[attr-defined]
    _go(page, "Synthèse", "Synthèse")
    assert page.locator("text=Heures d'attente non payées").count() == 1  # type: ignore[attr-defined]
    _assert_overview_equals(page, expected, "fr")

    _go(page, "Rapport", "Rapport")
    page.get_by_role("textbox", name="Votre nom ou un pseudonyme").fill("Awa D.")  # type: ignore[attr-defined]
    page.keyboard.press("Enter")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Préparer le rapport", exact=True).click()  # type: ignore[attr-defined]
    page.wait_for_selector("text=Le rapport est prêt.")  # type: ignore[attr-defined]
    _shoot(page, "report")
    with page.expect_download() as download:  # type: ignore[attr-defined]
        page.get_by_role("button", name="Télécharger le rapport").click()  # type: ignore[attr-defined]
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF-")
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        text = "\n".join(p.extract_text() or "" for p in document.pages)
    assert "7. Les fichiers analysés" in text
    assert "Travailleur ou travailleuse : Awa D." in text
    assert f"Export « {export.name} »" in text  # the uploaded file's name, not the temporary one
    assert hashlib.sha256(export.read_bytes()).hexdigest() in text
    assert outside == []


def test_two_sessions_see_only_their_own_data(
    browser: object, server: str, exports: dict[str, Path], tmp_path: Path, outside: list[str]
) -> None:
    pages = {name: _page(browser, server, outside) for name in ("a", "b")}
    for name, page in pages.items():  # both uploads are in flight at once
        page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(str(exports[name]))  # type: ignore[attr-defined]
    for page in pages.values():
        page.get_by_role("button", name="Read my export").click()  # type: ignore[attr-defined]
    expected = {}
    results: dict[str, dict[str, dict[str, float | None]]] = {}
    threads = [
        threading.Thread(target=lambda n=n: results.__setitem__(n, _cli_metrics(exports[n], tmp_path / n)))
        for n in pages
    ]
    for thread in threads:
        thread.start()
    for name, page in pages.items():
        page.wait_for_selector("text=What was understood")  # type: ignore[attr-defined]
        _settled(page)
        other = exports["b" if name == "a" else "a"].name
        assert page.locator(f"text={exports[name].name}").count() >= 1  # type: ignore[attr-defined]
        assert page.locator(f"text={other}").count() == 0  # type: ignore[attr-defined]
    for thread in threads:
        thread.join(timeout=120)
    for name, page in pages.items():
        expected[name] = results[name]
        _go(page, "Overview", "Overview")
        _assert_overview_equals(page, expected[name], "en")
    assert expected["a"]["time"]["logged_in_h"] != expected["b"]["time"]["logged_in_h"]
    assert _shown(pages["a"], "logged_in_h") != _shown(pages["b"], "logged_in_h")
    assert outside == []


def test_sample_data_fills_every_page(browser: object, server: str, outside: list[str]) -> None:
    if not any(p.is_dir() for p in (ROOT / "sample_exports").iterdir()):
        pytest.skip("sample_exports/ holds no sample yet (make samples)")
    page = _page(browser, server, outside)
    page.get_by_role("button", name="Try it with sample data").first.click()  # type: ignore[attr-defined]
    page.wait_for_selector("text=What this window holds")  # type: ignore[attr-defined]
    _settled(page)
    sidebar = page.locator("[data-testid='stSidebar']")  # type: ignore[attr-defined]
    sidebar.locator("[data-testid='stSelectbox']").first.click()
    page.get_by_role("option", name="uber-portal-2025").click()  # type: ignore[attr-defined]
    _settled(page)
    for label in ("Overview", "Time", "Pay", "Dispatch", "Ratings & sanctions", "Map", "My data", "Report"):
        _go(page, label, label)
        assert page.locator("text=No data yet").count() == 0, label  # type: ignore[attr-defined]
        assert page.locator(".stException").count() == 0, label  # type: ignore[attr-defined]
    _go(page, "Map", "Map")
    page.wait_for_selector("[data-testid='stDeckGlJsonChart'] canvas")  # type: ignore[attr-defined]
    _shoot(page, "map")
    assert outside == []


def test_folder_upload_asks_for_the_time_zone(browser: object, server: str, outside: list[str]) -> None:
    folder = ROOT / "sample_exports" / "uber-sar-2016"  # local times with no zone in the export
    if not folder.is_dir():
        pytest.skip("sample_exports/uber-sar-2016 is not there yet (make samples)")
    page = _page(browser, server, outside)
    page.locator("[data-testid='stFileUploaderDropzoneInput']").nth(1).set_input_files(str(folder))  # type: ignore[attr-defined]
    page.get_by_role("button", name="Read my export").click()  # type: ignore[attr-defined]
    page.wait_for_selector("text=Which time zone?")  # type: ignore[attr-defined]
    _settled(page)
    assert page.locator("text=was not read").count() == 1  # type: ignore[attr-defined]
    page.get_by_role("button", name="Read it again with this zone").click()  # type: ignore[attr-defined]
    page.wait_for_selector("text=read as an export of Uber")  # type: ignore[attr-defined]
    _settled(page)
    assert page.locator("text=Which time zone?").count() == 0  # type: ignore[attr-defined]
    sidebar = page.locator("[data-testid='stSidebar']")  # type: ignore[attr-defined]
    # the zone proposed and chosen: the one the export's coordinates and currency (Geneva, CHF) point to
    assert sidebar.locator("text=Local time: Europe/Zurich").count() == 1
    assert outside == []


def test_a_reload_keeps_the_windows_data_and_a_closed_window_leaves_nothing_on_disk(
    browser: object, quick_server: str, sessions_dir: Path, outside: list[str]
) -> None:
    page = _page(browser, quick_server, outside)
    page.get_by_role("button", name="Try it with sample data").click()  # type: ignore[attr-defined]
    page.wait_for_selector("text=What this window holds")  # type: ignore[attr-defined]
    _settled(page)
    token = parse_qs(urlparse(page.url).query)["s"][0]  # type: ignore[attr-defined]
    folder = sessions_dir / token
    assert list((folder / "_exports").glob("*.json")), "the samples are in this window's own store"
    assert [p.name for p in sessions_dir.iterdir()] == [token]

    page.reload()  # type: ignore[attr-defined]
    page.wait_for_selector("text=What this window holds")  # type: ignore[attr-defined]
    _settled(page)
    assert parse_qs(urlparse(page.url).query)["s"][0] == token  # type: ignore[attr-defined]
    _go(page, "Overview", "Overview")
    page.wait_for_selector("[data-testid='stMetricValue']")  # type: ignore[attr-defined]
    assert page.locator("[data-testid='stMetricValue']").count() > 3  # type: ignore[attr-defined]

    other = _page(browser, quick_server, outside)  # another window: its own, empty store
    _settled(other)
    assert other.locator("text=What this window holds").count() == 0  # type: ignore[attr-defined]
    other.context.close()  # type: ignore[attr-defined]

    page.context.close()  # type: ignore[attr-defined]
    deadline = time.monotonic() + 60
    while folder.exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not folder.exists(), "the closed window's store is still on disk"

    again = _page(browser, quick_server, outside, path=f"/?s={token}")
    again.wait_for_selector("text=The data of this window was deleted")  # type: ignore[attr-defined]
    again.context.close()  # type: ignore[attr-defined]
    assert outside == []


FRENCH_WALKS = [
    ("uber-sar-fr-2021", 1400, 1000),  # offers, sanctions, pay, a status log
    ("uber-sar-fr-2021", 390, 844),
    ("deliveroo-invoices-fr-FR", 1400, 1000),  # invoices: sessions without job times
    ("wolt-courier-tasks-2021", 390, 844),  # estimated time
    ("uber-portal-2025", 1400, 1000),  # undated ratings, hourly offers
]


@pytest.fixture
def french_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The app opened on a store holding one bundled sample (`request.param`)."""
    name = request.param
    store = tmp_path / "store"
    zone = ["--tz", SAMPLE_ZONES[name]] if name in SAMPLE_ZONES else []  # an export that states no zone
    subprocess.run([str(GIGDATA), "ingest", str(ROOT / "sample_exports" / name), "--store", str(store),
                    "--worker", "me", *zone], check=True, capture_output=True)
    yield from _serve({"GIGDATA_APP_STORE": str(store)})


WALK = ("", "overview", "time", "pay", "dispatch", "ratings", "map", "data", "report", "ask", "mapping",
        "share", "union")


@pytest.mark.parametrize(("french_server", "width", "height"), FRENCH_WALKS, indirect=["french_server"])
def test_every_page_in_french_shows_no_english_and_cuts_no_figure(
    browser: object, french_server: str, outside: list[str], width: int, height: int,
    request: pytest.FixtureRequest,
) -> None:
    sample = request.node.callspec.params["french_server"]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR",  # type: ignore[attr-defined]
                                  timezone_id="Europe/Paris")
    context.set_default_timeout(WAIT_MS)
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
        (french_server, "data:", "blob:")) else (outside.append(route.request.url), route.abort()))
    page = context.new_page()
    page.goto(french_server)
    _settled(page)
    token = parse_qs(urlparse(page.url).query)["s"][0]
    found: dict[str, object] = {}
    for path in WALK:
        page.goto(f"{french_server}/{path}?s={token}")
        _settled(page)
        page.wait_for_timeout(500)  # charts and maps settle their size
        _settled(page)
        english = english_words(page.evaluate(VISIBLE_TEXT_JS))
        layout = page.evaluate(CUT_TEXT_JS)
        _shoot(page, f"fr-{sample}-{path or 'start'}-{width}")
        if english or layout["cut"] or layout["sideways"]:
            found[path or "start"] = {"english": english, **layout}
    context.close()
    assert found == {}, found
    assert outside == []


def _chosen(page: object, name: str) -> None:
    """Wait until the uploader lists the file (its chip shortens a long name in the middle)."""
    page.wait_for_function(  # type: ignore[attr-defined]
        "prefix => document.querySelector(\"[data-testid='stFileUploader']\").innerText.includes(prefix)",
        arg=name[:7])


def test_hostile_uploads_are_refused_in_words_and_the_window_stays_usable(
    browser: object, server: str, outside: list[str], tmp_path: Path
) -> None:
    """Cases of the hostile corpus (tests/hostile/corpus.py) uploaded through the real page: each is
    refused, or read with its bad file named, in one message; then a good export is still read."""
    from tests.hostile.corpus import _archive_cases, _Corpus, _csv_cases

    corpus = _Corpus(tmp_path)
    _archive_cases(corpus)
    _csv_cases(corpus)
    by_name = {case.name: case.export for case in corpus.cases}
    page = _page(browser, server, outside)
    uploader = page.locator("[data-testid='stFileUploaderDropzoneInput']").first  # type: ignore[attr-defined]
    for name in ("zip-slip-dotdot", "zip-ratio-bomb", "zip-truncated-half", "zip-encrypted-flag",
                 "zip-name-markup", "csv-100k-columns", "csv-nul-bytes"):
        export = by_name[name]
        uploader.set_input_files(str(export))
        _chosen(page, export.name)
        page.get_by_role("button", name="Read my export").click()  # type: ignore[attr-defined]
        read = name in ("zip-name-markup", "csv-nul-bytes")  # read, with the bad file listed as not read
        said = f"{export.name}: read as an export of" if read else f"{export.name} was not read"
        page.wait_for_selector(f"text={said}")  # type: ignore[attr-defined]
        _settled(page)
        shown = page.locator("[data-testid='stMain']").inner_text()  # type: ignore[attr-defined]
        assert "Traceback" not in shown and "Error:" not in shown, name
        if name == "zip-name-markup":  # a name holding rich markup is shown as it is, never interpreted
            cell = page.locator("td", has_text="FR-Paris/[bold red]boom[/].csv").first  # type: ignore[attr-defined]
            cell.wait_for(state="attached")  # the files table is a canvas grid; its cells are in the DOM
    good = tmp_path / "good.zip"
    write_sample("uber", good, days=10, seed=5)
    uploader.set_input_files(str(good))
    _chosen(page, good.name)
    page.get_by_role("button", name="Read my export").click()  # type: ignore[attr-defined]
    page.wait_for_selector(f"text={good.name}: read as an export of Uber")  # type: ignore[attr-defined]
    _settled(page)
    _go(page, "Overview", "Overview")
    assert _shown(page, "logged_in_h") != "—"
    assert outside == []
