# Interlocal — set-up and everyday commands. `make demo` and `make test` are all a fresh
# machine needs; both are idempotent.
SHELL := /bin/bash
PYTHON_VERSION := $(shell cat .python-version)
VENV := .venv
PY := $(VENV)/bin/python
# pyenv's interpreter for .python-version when present, else any python3.13 / python3 >= 3.12.
BASE_PYTHON ?= $(shell for p in "$$HOME/.pyenv/versions/$(PYTHON_VERSION)/bin/python3" \
	"$$(command -v python$(basename $(PYTHON_VERSION)) 2>/dev/null)" "$$(command -v python3.13 2>/dev/null)" \
	"$$(command -v python3.12 2>/dev/null)" "$$(command -v python3 2>/dev/null)"; do \
	[ -x "$$p" ] && "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo "$$p"; break; }; done)
DEMO_SCALE ?= national
DEMO_SEED ?= 2026
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: demo test check format serve seed reseed deps chromium e2e benchmark clean

$(VENV)/.installed: requirements.lock
	@test -n "$(BASE_PYTHON)" || { echo "Python >= 3.12 not found (wanted $(PYTHON_VERSION) via pyenv)"; exit 1; }
	test -x $(PY) || $(BASE_PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

deps: $(VENV)/.installed node_modules/.installed

# Debian's Chromium for the browser tests (never `playwright install`).
# Debian's chromium drives the browser tests; poppler-utils' pdftotext reads back the PDFs the
# program writes.
chromium:
	@{ command -v chromium && command -v pdftotext; } >/dev/null || { \
		echo "Installing Debian's chromium and poppler-utils for the tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null) \
		|| { echo "Could not install them: run 'apt-get install chromium poppler-utils' as root"; exit 1; }; }

demo: deps
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py seed_demo --scale $(DEMO_SCALE) --seed $(DEMO_SEED) --history later
	$(PY) manage.py demo_logins --url http://$(HOST):$(PORT)/
	@# Beside the web server: the sales history, written a quarter at a time (a few minutes at
	@# national scale; resumed by the next `make demo` if stopped), and the task worker that
	@# processes large sales-report uploads.
	@mkdir -p var; echo "Writing the sales history in the background: tail -f var/sales-history.log"
	$(PY) manage.py seed_demo --history only > var/sales-history.log 2>&1 & history=$$!; \
	DEBUG=1 $(PY) manage.py db_worker --queue-name '*' -v0 & worker=$$!; \
	trap 'kill $$history $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT) --noreload

# Start the demo over: deletes the embedded demo database (never a DATABASE_URL one).
reseed: deps
	@test -z "$$DATABASE_URL" || { echo "reseed only resets the embedded SQLite demo database"; exit 1; }
	rm -f var/interlocal.sqlite3 var/interlocal.sqlite3-wal var/interlocal.sqlite3-shm
	$(MAKE) demo

test: deps chromium
	$(PY) -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; exit 1; fi; exit $$rc

check: deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .

format: deps
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

benchmark: deps
	$(PY) benchmarks/seed_and_pages.py

clean:
	rm -rf $(VENV) node_modules var
