# Two commands for a fresh machine: `make serve` (run the service) and `make test` (pass the tests).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve test lint validate bench vendor clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

serve: $(STAMP)
	$(BIN)/kg serve

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy src

validate: $(STAMP)
	$(BIN)/kg validate

bench: $(STAMP)
	$(BIN)/python bench/run.py

vendor:
	bash frontend/build.sh

clean:
	rm -rf $(VENV) build dist src/*.egg-info
