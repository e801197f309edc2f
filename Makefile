# gigdata: `make app` opens the app on the bundled samples, `make test` runs every check, `make bench` measures.
# Both set everything up themselves (a .venv in this folder); nothing else to install by hand.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SAMPLE_STORE := .sample-store

.PHONY: setup app test lint typecheck unit bench fuzz samples goldens screenshots clean browser-deps spark-deps

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Chromium for the browser tests of the app (Debian's package; Playwright drives it).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  { (apt-get update -qq || sudo apt-get update -qq) && \
	    (apt-get install -y -qq chromium >/dev/null || sudo apt-get install -y -qq chromium >/dev/null); }

# The Spark engine's tests: PySpark (the optional extra gigdata[spark]) and Java 17 (Debian's package).
SPARK_STAMP := $(VENV)/.spark-installed
spark-deps: $(SPARK_STAMP)
	@command -v java >/dev/null 2>&1 || \
	  { (apt-get update -qq || sudo apt-get update -qq) && \
	    (apt-get install -y -qq openjdk-17-jre-headless >/dev/null || \
	     sudo apt-get install -y -qq openjdk-17-jre-headless >/dev/null); }

$(SPARK_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,spark]'
	touch $(SPARK_STAMP)

app: setup
	rm -rf $(SAMPLE_STORE)
	$(BIN)/python scripts/load_samples.py --store $(SAMPLE_STORE)
	GIGDATA_SAMPLE_STORE=$(SAMPLE_STORE) $(BIN)/gigdata app

lint: setup
	$(BIN)/ruff check toolkit parsers tests scripts bench app.py pages

typecheck: setup
	$(BIN)/mypy toolkit parsers

unit: setup browser-deps spark-deps
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup

test: lint typecheck unit

bench: setup
	$(BIN)/python bench/bench_app.py
	$(BIN)/python bench/bench_ingest.py
	$(BIN)/python bench/bench_pool.py
	$(BIN)/python bench/bench_panel.py

# Every case of the hostile corpus (tests/hostile/), ingested into a store holding a good export; ends
# with the line cases=N clean_refusals=A accepted=B unhandled=C hangs=D over_1GiB=E outside_writes=F
# store_damaged=G. `make test` runs its fast subset. The kill loop runs 200 kills here.
fuzz: setup
	$(BIN)/python -m tests.hostile.run
	GIGDATA_KILLS=200 $(BIN)/python -m pytest -q -s tests/hostile/test_faults.py

samples: setup
	$(BIN)/python scripts/make_samples.py

# Rewrite the README's screenshots (docs/screenshots/) from the browser tests.
screenshots: setup browser-deps
	GIGDATA_SCREENSHOTS=1 $(BIN)/python -m pytest -q tests/app/test_browser.py

# After a deliberate parser change: rewrite tests/golden/ from the sample exports, then review the diff.
goldens: setup
	GIGDATA_UPDATE_GOLDENS=1 $(BIN)/python -m pytest -q tests/parsers/test_goldens.py tests/toolkit/access/test_letters.py

clean:
	rm -rf $(VENV) $(SAMPLE_STORE) .pytest_cache .mypy_cache .ruff_cache
