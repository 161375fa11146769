# Two commands for a newcomer: `make run` and `make test`. See README.md.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install install-dev messages migrate demo run web worker beat test lint format bench loadtest clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

install: $(PY)
	$(PIP) install -q -r requirements.txt

install-dev: $(PY)
	$(PIP) install -q -r requirements-dev.txt

# Chinese is the source language; compiled catalogues are only needed for English.
messages: $(PY)
	@if command -v msgfmt >/dev/null 2>&1; then $(MANAGE) compilemessages -v0 --ignore=.venv; \
	else echo "msgfmt not found (apt-get install gettext): English translations not compiled"; fi

migrate: install
	$(MANAGE) migrate --noinput -v0

demo: migrate
	$(MANAGE) seed_demo

# Sets everything up, then runs the web server, a Celery worker and Celery beat together.
run: install messages demo
	@echo "Serving http://$(HOST):$(PORT)  (worker and beat alongside; Ctrl-C stops all three)"
	@trap 'kill 0' INT TERM EXIT; \
	$(VENV)/bin/celery -A huaxi_renda worker -l info --concurrency 2 & \
	$(VENV)/bin/celery -A huaxi_renda beat -l info & \
	$(MANAGE) runserver $(HOST):$(PORT)

# The tests run in pytest-xdist workers, one per core and at most two (the machine has two; each worker has its
# own test database, Redis database and media folder): TEST_WORKERS=0 runs them in this one process.
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); echo $$(( n < 2 ? n : 2 )))
test: install-dev messages
	$(VENV)/bin/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install-dev
	$(PY) -m bench.run $(BENCH_ARGS)

# The session-week load test (Locust against gunicorn with the production settings); not part of `make test`.
loadtest: install-dev
	$(PY) -m loadtest.run $(LOADTEST_ARGS)

clean:
	rm -rf var/broker var/celerybeat-schedule* var/test-media
