# The two commands: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_VERSION := $(shell cat .python-version)
# The pinned pyenv interpreter (found even when pyenv is not on PATH),
# otherwise python3.13 from PATH.
PYENV_PYTHON := $(or $(PYENV_ROOT),$(HOME)/.pyenv)/versions/$(PYTHON_VERSION)/bin/python
PYTHON ?= $(shell (test -x $(PYENV_PYTHON) && echo $(PYENV_PYTHON)) || command -v python$(basename $(PYTHON_VERSION)) || command -v python3.13)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

# Test environment: DEBUG off like production, plain http for the test client.
TEST_ENV := SECRET_KEY=test-only-insecure-key HTTPS=false DEBUG=false \
	STATIC_ROOT=$(CURDIR)/.test-staticfiles MEDIA_ROOT=$(CURDIR)/.test-media

.PHONY: help run test lint migrate seed worker collectstatic messages clean \
	system-packages-run system-packages-test

help:
	@echo "make run    – install, migrate SQLite, load demo content, serve on http://127.0.0.1:8000"
	@echo "make test   – lint, migration check and the whole test suite (unit, integration, browser)"
	@echo "make worker – run the background task worker (newsletter sending)"
	@echo "make bench  – time the pages on gunicorn beside a bare Django project (README, Benchmark)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime.stamp: requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements.lock
	touch $@

$(VENV)/.dev.stamp: requirements-dev.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements-dev.lock
	touch $@ $(VENV)/.runtime.stamp

# Debian packages: installed when make runs as root, otherwise named with the
# exact apt-get line (scripts/system-packages.sh).
system-packages-run:
	scripts/system-packages.sh run

system-packages-test:
	scripts/system-packages.sh test

# --ignore-scripts: vnu-jar's install script would download a Java runtime;
# the tests use Debian's (scripts/system-packages.sh).
node_modules/.stamp: package-lock.json | system-packages-test
	npm ci --no-audit --no-fund --silent --ignore-scripts
	touch $@

run: system-packages-run $(VENV)/.runtime.stamp
	DEBUG=true $(MANAGE) migrate --no-input
	DEBUG=true $(MANAGE) seed_demo
	DEBUG=true $(MANAGE) runserver 127.0.0.1:8000

worker: $(VENV)/.runtime.stamp
	DEBUG=true $(MANAGE) db_worker

lint: $(VENV)/.dev.stamp
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	PYTHONPATH=. $(BIN)/python scripts/check_import_cycles.py

test: system-packages-test $(VENV)/.dev.stamp node_modules/.stamp lint
	$(TEST_ENV) $(MANAGE) makemigrations --check --dry-run
	$(TEST_ENV) $(MANAGE) collectstatic --no-input --verbosity 0
	$(TEST_ENV) $(BIN)/pytest -n 2 --dist loadgroup

messages: $(VENV)/.runtime.stamp
	DEBUG=true $(MANAGE) makemessages -l en --no-obsolete --ignore=.venv --ignore=node_modules
	DEBUG=true $(MANAGE) compilemessages -l en -l sv --ignore=.venv

clean:
	rm -rf .test-staticfiles .test-media staticfiles .bench

# The benchmark (bench/run.py, README "Benchmark"): the portal and the bare
# project in bench/baseline on gunicorn, in .bench/. BENCH_ARGS are passed
# on, e.g. BENCH_ARGS="--rounds 80" or BENCH_ARGS="--grow '--size large'".
.PHONY: bench
bench: $(VENV)/.runtime.stamp
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# --- The production stack on this machine (deploy/, README "Deploying") -----
# nginx with TLS in front of two gunicorn app servers, the task worker, on
# PostgreSQL (database portal_stack) and Redis; state in .stack/.
.PHONY: prod-up prod-down prod-status prod-smoke

prod-up: $(VENV)/.runtime.stamp
	deploy/local/stack.sh up

prod-down:
	deploy/local/stack.sh down

prod-status:
	deploy/local/stack.sh status

# Starts the stack, runs the smoke and fault checks, stops the stack.
# SMOKE_ARGS=--no-faults leaves PostgreSQL running; --faults runs only the outage.
prod-smoke: $(VENV)/.runtime.stamp
	deploy/local/smoke.sh $(SMOKE_ARGS)
