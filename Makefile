# Plansign: `make run` serves the app with demo data, `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Reinstalled whenever the dependencies or their pinned versions change.
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml uv.lock 2>/dev/null | cksum | cut -d' ' -f1)
# uv reads and writes uv.lock, the pinned version (and hashes) of every dependency.
UV_VERSION := 0.13.8
# Where `make run` and `make serve` listen.
ADDR ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format migrations-check lock lock-check serve worker install clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' || { \
	  echo "Plansign needs Python 3.12 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>&1)."; \
	  echo "Install Python 3.12+ (with pyenv, the .python-version file selects it) or run: make PYTHON=python3.12 …"; \
	  exit 1; }
	$(PYTHON) -m venv $(VENV)

$(BIN)/uv: $(BIN)/python
	$(BIN)/python -m pip install --quiet "uv==$(UV_VERSION)"

# What CI tested: the versions pinned in uv.lock, checked against its hashes. A dependency added
# to pyproject.toml is pinned first (`uv lock` keeps every pin that still fits).
$(STAMP): $(BIN)/python $(BIN)/uv pyproject.toml $(wildcard uv.lock)
	$(BIN)/uv lock --quiet
	$(BIN)/uv export --quiet --frozen --group dev --no-emit-project --format requirements-txt \
	  --output-file $(VENV)/requirements.txt
	$(BIN)/uv pip install --quiet --python $(BIN)/python --require-hashes \
	  --requirement $(VENV)/requirements.txt
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps --editable .
	rm -f $(VENV)/.installed-* && touch $(VENV)/.installed-$$(cat pyproject.toml uv.lock | cksum | cut -d' ' -f1)

install: $(STAMP)

# Newer versions of every dependency, within pyproject.toml's bounds: then run the tests.
lock: $(BIN)/uv
	$(BIN)/uv lock --upgrade

# CI: uv.lock pins what pyproject.toml asks for (fails if someone forgot to commit it).
lock-check: $(BIN)/uv
	$(BIN)/uv lock --check

run: install
	$(BIN)/python manage.py migrate --no-input
	DEBUG=true $(BIN)/python manage.py load_demo
	DEBUG=true $(BIN)/python manage.py runserver $(ADDR):$(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	$(BIN)/python manage.py makemigrations --check --dry-run

# Each request is logged once, by the app (operations/requestlog.py; LOG_FORMAT=json for JSON),
# so gunicorn's own access log stays off.
serve: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py collectstatic --no-input
	$(BIN)/gunicorn config.wsgi --bind $(ADDR):$(PORT) --workers $${WORKERS:-2} --no-control-socket

# The background worker: sends notification mails (TASKS_BACKEND=database, production's default).
worker: install
	$(BIN)/python manage.py db_worker --no-reload

clean:
	rm -rf $(VENV) staticfiles
