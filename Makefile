# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: install bytecode run test test-fast test-browser test-timing lint bench bench-quick loadtest loadtest-quick snapshot docs clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]' --config-settings editable_mode=compat
	touch $(STAMP)

install: $(STAMP)

# The project's own modules as bytecode, as pip does for installed packages. Where PYTHONDONTWRITEBYTECODE is set
# (this machine, most container images) Python never writes them itself and every server start compiled ~50
# modules from source (~0.1 s of the first 200). Only changed files are compiled again.
PYSRC := app.py cli.py dorpenmonitor etl geodata indicators dashboard pages
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q $(PYSRC)

## Start the dashboard (production server, gunicorn) on the bundled snapshot at http://127.0.0.1:8050
run: bytecode
	$(BIN)/dorpenmonitor etl load-snapshot --if-needed
	$(BIN)/dorpenmonitor serve

## The whole suite: unit + integration (SQLite and PostgreSQL) in parallel, then the browser tests.
test: bytecode
	$(BIN)/pytest -m "not browser" -n $(JOBS) -q
	$(BIN)/pytest -m browser -q

test-fast: bytecode
	$(BIN)/pytest -m "not browser and not postgres" -n $(JOBS) -q

test-browser: bytecode
	$(BIN)/pytest -m browser -q

## Issue 7: the non-browser suite of main as of 2026-11-25 (29db6ed, in a temporary worktree with its own venv)
## and of this checkout, one after the other; prints both wall times and the ratio. BASE_DIR=... reuses a checkout.
test-timing: $(STAMP)
	$(BIN)/python bench/test_timing.py $(if $(BASE_DIR),--base-dir $(BASE_DIR))

lint: $(STAMP)
	$(BIN)/ruff check .

## What a user feels (issue 11), each figure beside a baseline from the same run; < 10 minutes on 2 cores.
bench: bytecode
	$(BIN)/dorpenmonitor etl load-snapshot --if-needed
	$(BIN)/python bench/bench.py

## The same with fewer repeats and without the synthetic national scale (about 2 minutes).
bench-quick: bytecode
	$(BIN)/dorpenmonitor etl load-snapshot --if-needed
	$(BIN)/python bench/bench.py --quick

## Production server vs dev server under load on loopback (SQLite and PostgreSQL), reload under load; < 10 min.
loadtest: bytecode
	$(BIN)/dorpenmonitor etl load-snapshot --if-needed
	$(BIN)/python bench/loadtest.py

## A short loadtest (1 s per cell, 3 reloads): shows every part works; figures indicative only.
loadtest-quick: bytecode
	$(BIN)/dorpenmonitor etl load-snapshot --if-needed
	$(BIN)/python bench/loadtest.py --quick

## Rebuild data/snapshot from ../shared/data (only needed when the extracts change).
snapshot: $(STAMP)
	$(BIN)/dorpenmonitor etl build-snapshot --from ../shared/data

docs: $(STAMP)
	$(BIN)/python -m indicators.catalogue docs/indicatoren.md

clean:
	rm -rf $(VENV) data/dorpenmonitor.sqlite* .pytest_cache
