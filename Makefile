# Jemput Bola — the two commands: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
export FLASK_APP := server:create_app

.PHONY: setup run test lint format bench clean

$(STAMP): setup.cfg pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

## setup: create .venv and install everything (both commands start with this)
setup: $(STAMP)

## run: migrate the SQLite database, load areas and the demo when empty, start gunicorn
run: setup
	$(FLASK) db upgrade
	$(FLASK) seed-areas --if-empty
	$(FLASK) seed-demo --if-empty
	@$(PY) -m server.banner http://$(HOST):$(PORT)
	exec $(VENV)/bin/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile - 'server:create_app()'

## lint: ruff check and format check
lint: setup
	$(VENV)/bin/ruff check server tests bench migrations
	$(VENV)/bin/ruff format --check server tests bench

## format: apply ruff formatting and safe fixes
format: setup
	$(VENV)/bin/ruff check --fix server tests bench migrations
	$(VENV)/bin/ruff format server tests bench

## test: lint, then every test on SQLite and PostgreSQL (PostgreSQL required when CI=true)
test: setup lint
	$(PY) -m pytest

## bench: the speed benchmarks on PostgreSQL (see docs/benchmarks.md)
bench: setup
	$(PY) -m bench.push

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
