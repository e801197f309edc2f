"""App benchmark: how long the Overview of a five-year worker takes to appear after ingest.

Simulates a driver over 1,800 days (`gigdata sample uber --days 1800`, the default layout), ingests the
export, then runs the real app script (Streamlit's AppTest, as the browser's session would) on that store:
the Start page first, then the Overview, which is timed, then every other page on its first visit.
Goals: Overview ≤ 1 s, every page ≤ 2 s on first visit. Prints `overview_s=… start_s=… ingest_s=… days=…`,
one `page=… first_visit_s=…` line per page, and `slowest_page=… slowest_page_s=…`.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from parsers.ingest import ingest_export
from toolkit.samples import write_sample

APP = Path(__file__).resolve().parent.parent / "app.py"
DAYS = 1800
OVERVIEW_GOAL_S = 1.0
PAGE_GOAL_S = 2.0
PAGES = ("time_use", "pay", "dispatch", "ratings", "trips_map", "my_data", "pdf_report", "mapping")
"""Every page after the Overview, in the sidebar's order."""


def main() -> None:
    """Simulate, ingest, open the Overview; print the timings."""
    _navigation_as_the_server_runs_it()
    with tempfile.TemporaryDirectory(prefix="gigdata-bench-app-") as tmp:
        export, store = Path(tmp) / "five-years.zip", Path(tmp) / "store"
        write_sample("uber", export, days=DAYS, seed=3)
        t0 = time.perf_counter()
        report = ingest_export(export, store, worker="me")
        ingest_s = time.perf_counter() - t0
        if report.status != "ingested":
            raise SystemExit(f"bench_app: ingest failed: {report.error}")
        at = AppTest.from_file(str(APP), default_timeout=600)
        at.session_state["_gigdata_store"] = str(store)
        t0 = time.perf_counter()
        at.run()
        start_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        at.switch_page("pages/overview.py").run()
        overview_s = time.perf_counter() - t0
        if at.exception:
            raise SystemExit(f"bench_app: the Overview raised {at.exception}")
        metrics = [m.label for m in at.metric]
        print(f"jobs={report.rows.get('jobs', 0)} overview_metrics={len(metrics)}")
        print(f"overview_s={overview_s:.2f} start_s={start_s:.2f} ingest_s={ingest_s:.2f} days={DAYS} "
              f"goal_overview_s={OVERVIEW_GOAL_S} {'ok' if overview_s <= OVERVIEW_GOAL_S else 'OVER GOAL'}")
        visits = {"overview": overview_s}
        for page in PAGES:
            t0 = time.perf_counter()
            at.switch_page(f"pages/{page}.py").run()
            visits[page] = time.perf_counter() - t0
            if at.exception:
                raise SystemExit(f"bench_app: page {page} raised {at.exception}")
            print(f"page={page} first_visit_s={visits[page]:.2f}")
        slowest = max(visits, key=visits.__getitem__)
        print(f"slowest_page={slowest} slowest_page_s={visits[slowest]:.2f} goal_page_s={PAGE_GOAL_S} "
              f"{'ok' if visits[slowest] <= PAGE_GOAL_S else 'OVER GOAL'}")


def _navigation_as_the_server_runs_it() -> None:
    """AppTest resets Streamlit's "pages/ folder" mode before each run; the real server keeps
    `st.navigation` in charge once app.py has run (see tests/app/conftest.py)."""
    original = PagesManager.__init__

    def init(self: PagesManager, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init  # type: ignore[method-assign]


if __name__ == "__main__":
    main()
