# Jemput Bola — the two commands: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
export FLASK_APP := server:create_app

NPM_STAMP := pwa/node_modules/.installed
PWA_SOURCES := $(shell find pwa/src pwa/public -type f 2>/dev/null) pwa/index.html pwa/vite.config.js

.PHONY: setup run test test-fast test-slow lint format bench bench-burst clean pwa fuzz

# Two workers (this machine has two cores); tests of one file stay on one worker (their fixtures are shared).
PYTEST_PARALLEL := -n 2 --dist loadfile
# The heavy tests (real gunicorn fleets, fuzzing, 100,000-row exports) run in CI; `make test-slow` runs them here.
PYTEST_SLOW := $(if $(filter true,$(CI)),,-m "not slow")
COVERAGE := --cov=server --cov-branch --cov-report=term:skip-covered

$(STAMP): setup.cfg pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

# `npm ci` fails on this registry mirror; install exactly what the committed lock says.
$(NPM_STAMP): pwa/package.json pwa/package-lock.json
	cd pwa && npm install --no-audit --no-fund --loglevel=error
	touch $(NPM_STAMP)

pwa/dist/index.html: $(NPM_STAMP) $(PWA_SOURCES)
	cd pwa && npm run --silent build

## pwa: build the PWA into pwa/dist (served by the Flask app)
pwa: pwa/dist/index.html

## setup: create .venv, install Python and npm packages, build the PWA (both commands start with this)
setup: $(STAMP) pwa

## run: migrate the SQLite database, load areas and the demo when empty, start gunicorn
# Explicit development mode: a random key kept in instance/, plain-http cookies, links from the request's host.
run: export JB_ENV ?= development
run: setup
	$(FLASK) db upgrade
	$(FLASK) seed-areas --if-empty
	$(FLASK) seed-demo --if-empty
	@$(PY) -m server.banner http://$(HOST):$(PORT)
	@# The job queue's worker (background exports, the file sweep) runs beside the web server and stops with it.
	trap 'kill 0' EXIT; $(FLASK) jobs worker & \
	$(VENV)/bin/gunicorn --workers $(WORKERS) --threads 4 --bind $(HOST):$(PORT) --access-logfile - 'server:create_app()'

## lint: ruff (Python) and prettier (JavaScript)
lint: setup
	$(VENV)/bin/ruff check server tests bench migrations
	$(VENV)/bin/ruff format --check server tests bench
	cd pwa && npm run --silent lint

## format: apply ruff formatting and safe fixes
format: setup
	$(VENV)/bin/ruff check --fix server tests bench migrations
	$(VENV)/bin/ruff format server tests bench
	cd pwa && npm run --silent format

## test: lint, the JS unit tests, the Python tests (with coverage; the slow ones only when CI=true), the browser tests
test: setup lint
	cd pwa && npm test --silent
	$(PY) -m pytest $(PYTEST_PARALLEL) $(PYTEST_SLOW) $(COVERAGE) --ignore=tests/browser
	$(PY) -m pytest tests/browser

## test-fast: the edit loop: SQLite only, no browser, no slow tests
test-fast: setup
	$(PY) -m pytest $(PYTEST_PARALLEL) -m "not slow" -k "not postgresql" --ignore=tests/browser

## test-slow: only the heavy tests (what `make test` leaves to CI)
test-slow: setup
	$(PY) -m pytest $(PYTEST_PARALLEL) -m slow

## fuzz: the schemathesis run of `make test`, longer (every operation, every role, 200 examples each)
fuzz: setup
	FUZZ_REPEATABLE=0 FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-200} FUZZ_PHASES=$${FUZZ_PHASES:-examples,coverage,fuzzing,stateful} \
		FUZZ_TIMEOUT_S=3600 $(PY) -m pytest -p no:cacheprovider tests/test_fuzz.py tests/test_openapi.py -v

## bench: the speed benchmarks on PostgreSQL (see docs/benchmarks.md)
bench: setup
	$(PY) -m bench.push
	$(PY) -m bench.tallies
	$(PY) -m bench.exports
	$(PY) -m bench.pwa

## bench-burst: the end-of-day burst (500 phones, 10 kabupaten) through HAProxy, two app servers vs one (needs haproxy, pgbouncer)
# Each app server on a budget of a quarter core (a cgroup, needs root), as if on a machine of its own, so that a
# second server adds CPU and the two together leave most of this machine to PostgreSQL and the phones. Four days
# of uploads, each to both layouts at the same moment, compared side by side (about 10 minutes). Without
# --together the layouts take turns (noisier: this machine's speed drifts between minutes); BURST_ARGS="--rounds 2"
# lets the servers use the whole machine; BURST_ARGS="--phones 50" is a quick look.
BURST_ARGS ?= --server-cores 0.25 --together --rounds 4
bench-burst: setup
	$(PY) -m bench.burst $(BURST_ARGS)

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache pwa/node_modules pwa/dist
