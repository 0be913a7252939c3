# Two commands on a fresh machine: `make run` (set up, then trade offline) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Test processes in parallel (pytest-xdist); each gets its own test database.
PYTEST_WORKERS ?= auto

.PHONY: setup run webserver worker test lint format bench clean

setup: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	touch $(STAMP)

run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py runbot $(ARGS)

# Webserver mode (backtests from FreqUI) and a Celery worker for its jobs (api_server.redis_url;
# the worker reads the config named by TRADEPLANE_CONFIG).
webserver: setup
	$(PY) manage.py webserver $(ARGS)

worker: setup
	$(PY) -m celery -A controlplane worker --loglevel info $(ARGS)

test: setup lint
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: setup
	$(PY) bench/replay.py
	$(PY) bench/api.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles
