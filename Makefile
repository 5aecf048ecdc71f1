# Two commands for a newcomer: `make run` (demo on SQLite) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test test-anydate lint format bench clean

$(STAMP): requirements.txt requirements-dev.txt package.json package-lock.json
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	npm ci --no-audit --no-fund --loglevel=error
	touch $(STAMP)

install: $(STAMP)

# Demo values, not the office's account: a published example IBAN, so that SEPA batches
# work out of the box (the same values as DEMO_DEBTOR in workflows/.../demo_setup.py).
DEMO_ENV := SEPA_DEBTOR_NAME="Geschäftsstelle Zukunftsraum Demografie (Demo)" \
	SEPA_DEBTOR_IBAN=DE02100500000054540402 SEPA_DEBTOR_STREET=Demostraße SEPA_DEBTOR_BUILDING_NUMBER=1 \
	SEPA_DEBTOR_POSTCODE=10117 SEPA_DEBTOR_TOWN=Berlin

run: install
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(DEMO_ENV) DEMO_URL=http://$(HOST):$(PORT)/ $(PY) manage.py demo_setup
	DEBUG=1 $(DEMO_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -n 2

# The non-browser tests once more with the machine's clock moved by libfaketime (Debian
# package faketime): more than a year ahead, at 22:30 UTC on 31 December (23:30 in Berlin),
# so that any test or code path that reads the real clock instead of tests/clock.py shows.
# FAKETIME_AT overrides the instant, e.g. FAKETIME_AT="2028-02-29 12:00:00".
FAKETIME_AT ?= $(shell echo $$(( $$(date -u +%Y) + 2 ))-12-31 22:30:00)
test-anydate: install
	@command -v faketime >/dev/null || { echo "faketime is missing: apt-get install faketime"; exit 1; }
	TZ=UTC faketime "$(FAKETIME_AT)" $(PY) -m pytest --ignore=tests/e2e -p no:cacheprovider -n 2

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: install
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

bench: install
	$(PY) -m bench

clean:
	rm -rf $(VENV) node_modules var/db.sqlite3
