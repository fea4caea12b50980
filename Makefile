# The two entry points a newcomer needs: `make run` and `make test`.
# Both create .venv with the system's python3 (3.11+) when it is missing and install the project.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --quiet --disable-pip-version-check

.PHONY: run test test-fast bench

run: $(VENV)/.installed
	@$(BIN)/newsdesk run

test: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

# The same checks without the slow and end-to-end tests, for running often while working.
test-fast: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest -m "not slow and not e2e"

# The scale benchmark, Tantivy and SQLite FTS5 beside our index, at each size in ARTICLES
# (100,000 takes about 20 minutes): `make bench ARTICLES=1000,10000`.
ARTICLES ?= 1000,10000,100000
bench: $(VENV)/.installed-bench
	$(BIN)/python -m bench.run --articles $(ARTICLES)

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "newsdesk needs Python 3.11 or newer")'
	@$(PYTHON) -m venv $(VENV)

# Stamps tie each install to pyproject.toml, so a changed dependency list reinstalls once.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	@$(PIP) install -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	@$(PIP) install -e '.[test]'
	@touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	@$(PIP) install -e '.[test,bench]'
	@touch $@ $(VENV)/.installed $(VENV)/.installed-test
