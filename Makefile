# Two commands for a fresh machine: `make serve` (run the service) and `make test` (pass the tests).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve test test-deps test-backends lint validate bench fuzz soak vendor clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

serve: $(STAMP)
	$(BIN)/kg serve

# What the tests need besides the venv: Debian's Chromium (browser tests), axe-core and the Nu Html
# Checker (page gates), OpenRefine (the real reconciliation client), an Oxigraph server and
# Virtuoso 7 (remote-store tests). Idempotent: quick once installed.
test-deps: $(STAMP)
	bash .ci/install-browser
	bash .ci/install-checkers
	bash .ci/install-openrefine
	bash .ci/stores/install

# Two workers (pytest-xdist; CI has 2 cores): about 5.5 minutes. `--dist load`, not `loadfile`,
# which would drop the schemathesis cases that share one test id.
test: test-deps
	$(BIN)/python -m pytest -q -n 2 --dist load --durations=25

# The endpoint, linked-data and competency suites again, on real remote stores (Oxigraph server,
# Virtuoso 7), each loaded with `kg load --to`. Installs the servers on first use (Debian packages).
BACKEND_SUITES := tests/test_sparql_protocol.py tests/test_sparql_http.py tests/test_formats.py \
	tests/test_linked_data.py tests/test_pages.py tests/test_void.py tests/test_dumps.py \
	tests/test_competency.py
test-backends: test-deps
	KG_TEST_BACKEND=oxigraph $(BIN)/python -m pytest -q $(BACKEND_SUITES) tests/test_sparql_safety.py \
		tests/test_sparql_clients.py
	KG_TEST_BACKEND=virtuoso $(BIN)/python -m pytest -q $(BACKEND_SUITES)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy src
	$(BIN)/kg fmt --check

validate: $(STAMP)
	$(BIN)/kg validate

bench: $(STAMP)
	$(BIN)/python bench/run.py

# Property-based fuzz of every route: 2 x 5,000 cases with a fresh random seed (CI runs a
# fixed-seed subset of 2 x 1,000 within `make test`).
fuzz: $(STAMP)
	KG_FUZZ_EXAMPLES=5000 KG_FUZZ_RANDOM=1 $(BIN)/python -m pytest -q tests/test_fuzz.py

# 10 minutes of the benchmark mix at saturation with query bombs, slow clients and a killed
# worker mixed in; prints errors, probe latency and memory (see docs/benchmarks.md).
soak: $(STAMP)
	$(BIN)/python bench/soak.py --minutes 10

vendor:
	bash frontend/build.sh

clean:
	rm -rf $(VENV) build dist src/*.egg-info
