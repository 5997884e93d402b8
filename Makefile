# SCT Negozio Elettronico – two commands: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export DJANGO_SETTINGS_MODULE ?= sct_site.settings.dev

.PHONY: install run test test-browser screenshots lint check-migrations ci clean demo worker

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

## make run: set up everything (venv, database, demo data) and serve http://127.0.0.1:8000/
## with a real Celery worker. Ctrl-C stops everything it started.
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	bash scripts/run-dev.sh

## make test: the whole suite (SQLite and the Celery filesystem broker unless DATABASE_URL /
## CELERY_BROKER_URL say otherwise).
test: install
	@[ -x "$${SCT_CHROMIUM:-/usr/bin/chromium}" ] || echo "== Chromium non trovato ($${SCT_CHROMIUM:-/usr/bin/chromium}): i test nel browser (tests/browser) saranno SALTATI. Installa con: apt-get install -y chromium"
	DJANGO_SETTINGS_MODULE=sct_site.settings.test $(BIN)/pytest -rs

test-browser: install
	DJANGO_SETTINGS_MODULE=sct_site.settings.test $(BIN)/pytest -rs tests/browser

screenshots: install
	SCT_AGGIORNA_SCREENSHOT=1 DJANGO_SETTINGS_MODULE=sct_site.settings.test $(BIN)/pytest tests/browser

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-logo
	$(BIN)/mypy
	DJANGO_SETTINGS_MODULE=sct_site.settings.test $(BIN)/python manage.py check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=sct_site.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

ci:
	bash .ci/run

clean:
	rm -rf var/celery var/mail

## make bench: the site under gunicorn with production-like settings against the framework's floor,
## on PostgreSQL + Redis where they answer (else SQLite); writes docs/benchmarks.md. 10,000 esiti by
## default (a few minutes on 2 cores); SCT_BENCH_ESITI=100000 for the issue's size.
.PHONY: bench run-prod
bench: install
	$(BIN)/python scripts/bench.py

## make run-prod: gunicorn (several workers) + Celery worker + beat with the production settings on
## PostgreSQL + Redis on loopback (http://127.0.0.1:8280/). Ctrl-C stops everything.
run-prod: install
	bash scripts/run-prod.sh
