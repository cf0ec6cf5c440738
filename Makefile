# Krisrum. `make run` serves the app with Marks kommun demo data; `make test` runs the suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PYTEST := $(PY) -m pytest

.PHONY: setup run lint test test-e2e test-all bench translations clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is required"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Compiled only when the catalogue changed (CI runs make test while other passes read the .mo).
MO := crisis/translations/en/LC_MESSAGES/messages.mo
translations: $(MO)
$(MO): crisis/translations/en/LC_MESSAGES/messages.po $(VENV)/.installed
	$(VENV)/bin/pybabel compile -d crisis/translations -D messages

setup: $(VENV)/.installed translations

# Migrates (CRISIS_DATABASE_URL or instance/krisrum.sqlite3), seeds the demo once,
# prints the URL and demo logins, serves in the foreground until Ctrl-C.
# (Production: `python -m crisis.server` without --demo, or deploy/.)
run: setup
	$(PY) -m crisis.server --demo

# The gate every change passes: ruff's rule set (pyproject.toml) with zero
# findings, the tree formatted by ruff format, and mypy --strict on the
# modules listed in pyproject.toml.
lint: setup
	$(VENV)/bin/ruff check crisis tests bench migrations wsgi.py
	$(VENV)/bin/ruff format --check crisis tests bench migrations wsgi.py
	$(VENV)/bin/mypy

# The lint gate, then the suite without the browser tests (which need Chromium:
# make test-e2e). PostgreSQL/Redis tests run when CRISIS_TEST_DATABASE_URL /
# CRISIS_TEST_REDIS_URL are set.
test: lint
	$(PYTEST) -m "not e2e"

test-e2e: setup
	$(PYTEST) -m e2e

test-all: test test-e2e

bench: setup
	$(PY) bench/fanout.py
	$(PY) bench/inject_timing.py
	$(PY) bench/growth.py
	$(PY) bench/writes.py
	$(PY) bench/replay.py

clean:
	rm -rf $(VENV) .pytest_cache
