# Formhook: `make run` serves it, `make test` proves it.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 5000
export PORT

.PHONY: run test test-fast lint bench browser wrk translations

$(PY):
	python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.requirements: requirements.txt | $(PY)
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.requirements-dev: requirements.txt requirements-dev.txt $(VENV)/.requirements
	$(PIP) install --quiet -r requirements.txt -r requirements-dev.txt
	touch $@

## Start web + worker + scheduler (embedded SQLite and Valkey unless configured).
run: $(VENV)/.requirements
	$(PY) -m app.runtime.launcher

## Chromium for the browser tests (Debian's package; Playwright drives it).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

## The whole suite: unit, integration (real Redis/DB/HTTP) and browser tests.
test: $(VENV)/.requirements-dev browser
	$(PY) -m pytest

## The suite without the browser and slow (fault, burst) tests: the quick loop while working.
test-fast: $(VENV)/.requirements-dev
	$(PY) -m pytest -m "not browser and not slow"

## Refresh the en/id catalogues from the source, then list what still needs an Indonesian text.
translations: $(VENV)/.requirements-dev
	$(PY) -m app.runtime.catalogues update

lint: $(VENV)/.requirements-dev
	$(VENV)/bin/ruff check .

## wrk for the intake benchmark (Debian's package).
wrk:
	@command -v wrk >/dev/null 2>&1 || { \
	  echo "installing Debian's wrk for the benchmark"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

## B1–B7 on SQLite and PostgreSQL (BENCH_POSTGRES_URL); BENCH_ARGS="--workers 1,2,4" adds scale-out rows.
bench: $(VENV)/.requirements-dev wrk
	$(PY) -m bench.run $(BENCH_ARGS)
