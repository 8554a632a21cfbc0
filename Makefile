# Formhook: `make run` serves it, `make test` proves it.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 5000
export PORT

.PHONY: run test test-fast lint bench browser

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
	$(PY) -m app.launcher

## Chromium for the browser tests (Debian's package; Playwright drives it).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

## The whole suite: unit, integration (real Redis/DB/HTTP) and browser tests.
test: $(VENV)/.requirements-dev browser
	$(PY) -m pytest

lint: $(VENV)/.requirements-dev
	$(VENV)/bin/ruff check .

bench: $(VENV)/.requirements-dev
	$(PY) -m bench.run
