# UTOPIA portal. `make run` and `make test` are all a new machine needs (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
# The first interpreter that is Python 3.12 or newer; .python-version lets pyenv answer for python3.13.
PYTHON ?= $(shell for p in python3.13 python3.12 python3.14 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 \
	&& { echo $$p; break; }; done)
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes run in parallel (pytest-xdist), one per core by default.
TEST_WORKERS ?= auto

.PHONY: help python install run test lint format bench loadtest clean messages

help:
	@echo "make run    install, migrate, load the 2009 charter and demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test   run the whole test suite (SQLite, or PostgreSQL with DATABASE_URL)"
	@echo "make lint   ruff check and format check"
	@echo "make messages  rewrite the French catalogue of plural messages (locale/fr, needs msgfmt)"
	@echo "make bench  performance benchmark (PostgreSQL, gunicorn, production settings)"
	@echo "make loadtest  load and fault test (PostgreSQL and Redis restarted, Redis stopped, SQLite writers)"

python:
	@if [ -z "$(PYTHON)" ] || ! $(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
		echo "Error: UTOPIA needs Python 3.12 or newer and none was found on PATH." >&2; \
		echo "Install one (for example 'pyenv install 3.13', which .python-version selects)" >&2; \
		echo "or point to it: make run PYTHON=/path/to/python3.13" >&2; \
		exit 1; \
	fi

$(VENV)/.installed: pyproject.toml package.json package-lock.json | python
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(VENV)/.installed

# Development settings for the two commands of the README (production sets DEBUG=0).
run test: export DEBUG ?= 1
# Links in the emails that `make run` prints point to the port it serves on.
run: export SITE_URL ?= http://$(HOST):$(PORT)

run: install
	@mkdir -p var
	$(MANAGE) migrate --noinput
	$(MANAGE) import_charter
	$(MANAGE) load_demo
	$(MANAGE) runserver $(HOST):$(PORT)

test: install
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)
ifeq ($(DATABASE_URL),)
	@# SQLite in memory cannot serve threads that each hold a connection: the concurrency tests
	@# (skipped above) run again on a file database, which the test run deletes afterwards.
	@mkdir -p var
	TEST_DATABASE_NAME=var/test-concurrency.sqlite3 $(PY) -m pytest -n 0 -m concurrency
endif

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install
	$(PY) -m tests.perf.bench $(BENCH_ARGS)

loadtest: install
	$(PY) -m tests.perf.loadtest $(LOADTEST_ARGS)

clean:
	rm -rf $(VENV) node_modules staticfiles var/*.sqlite3*

# French plurals ("0 partenaire trouvé"): the catalogue of every ngettext and {% plural %}.
messages: install
	DEBUG=1 $(PY) -m tests.plurals
