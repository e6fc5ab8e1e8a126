# Yishi: two commands. `make run` serves the demo; `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | md5sum | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install system-deps migrate demo messages lint typecheck bench district clean test-js worker beat

## axe-core for the browser tests' accessibility checks, pinned in tests/package-lock.json.
AXE := tests/node_modules/axe-core/axe.min.js

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP) messages

$(AXE): tests/package.json tests/package-lock.json
	npm ci --prefix tests --no-audit --no-fund
	touch $(AXE)

test-js: $(AXE)

messages: $(STAMP)
	$(BIN)/python scripts/messages.py compile

system-deps:
	./scripts/system-deps.sh

migrate: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput

demo: migrate
	DEBUG=1 $(BIN)/python manage.py seed_demo

## Serve the demo on http://127.0.0.1:8000 (Daphne, SQLite, in-memory channel layer).
## Demo only: owners'-meeting notices need 2 minutes instead of 15 days (pages say so).
YISHI_DEMO_NOTICE_MINUTES ?= 2

run: demo
	DEBUG=1 YISHI_INPROCESS_JOBS=1 YISHI_DEMO_NOTICE_MINUTES=$(YISHI_DEMO_NOTICE_MINUTES) \
		$(BIN)/python manage.py runserver $(HOST):$(PORT)

## The job queue in production (docs/jobs.md): as many workers as wanted, exactly ONE beat,
## all with the web's REDIS_URL and DATABASE_URL. `make run` needs neither (jobs in-process).
worker: install
	$(BIN)/celery -A project worker -l INFO

beat: install
	mkdir -p var
	$(BIN)/celery -A project beat -l INFO -s var/celerybeat-schedule

## The whole suite, against real PostgreSQL, Redis and Chromium that it starts itself, on
## one pytest-xdist worker per core (at most 4; browser tests take turns on one worker).
## One file: `make test PYTEST_ARGS="-n0 tests/live/test_outbox.py"` (-n0: no workers).
TEST_WORKERS ?= auto
test: system-deps install test-js lint typecheck
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --maxprocesses 4 --dist loadgroup --durations=40 $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: install
	DEBUG=1 $(BIN)/mypy project deliberation workflows

## The live-update / HTTP / transitions benchmark (issue 5): appends to docs/benchmarks.md.
bench: install
	$(BIN)/python -m bench --markdown docs/benchmarks.md --json docs/benchmarks/$(shell date +%Y%m%d-%H%M).json

## A district on PostgreSQL and every list page over it (docs/scaling.md); SCALE=1 is 2,000
## compounds and 10 M events (~10-20 min on 2 cores).
SCALE ?= 0.5
district: install
	$(BIN)/python -m bench.district --scale $(SCALE) --json var/bench/district-$(SCALE).json

clean:
	rm -rf $(VENV) var staticfiles
