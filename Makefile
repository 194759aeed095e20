# Tandem: `make run` to try it, `make test` to test it. Needs only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# `make run` is for trying Tandem on your own machine: DEBUG on (from .env unless you set it), SQLite and the
# embedded broker unless DATABASE_URL and REDIS_URL say otherwise. The demo data (demo/, seed_demo) goes into an
# empty database only.
RUN_ENV := PORT=$(PORT)

.PHONY: run test lint check clean venv bench lock

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Tandem needs Python 3.11 or newer; $(PYTHON) is older. Try: make PYTHON=python3.12 ..."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installs come from the lock files (every package, transitive ones too, pinned with its hashes); `make lock`
# writes them again from requirements*.txt.
$(VENV)/.runtime: requirements.lock | $(BIN)/python .env
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	@touch $@

# A developer's own settings, so `python manage.py ...` works without exporting anything. Never committed;
# real environment variables win over it. Production sets its variables instead (see README).
.env: | $(BIN)/python
	@printf '# Written by make for this machine only (git-ignored). Real environment variables win.\nDEBUG=1\nSECRET_KEY=%s\nTANDEM_NOTE_KEYS=%s\n' \
		"$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
		"$$($(BIN)/python -c 'import base64, secrets; print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())')" > $@
	@echo "Wrote .env (DEBUG=1, a random SECRET_KEY and a key for private notes) for development on this machine."

$(VENV)/.dev: requirements.lock requirements-dev.lock $(VENV)/.runtime
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	@touch $@

venv: $(VENV)/.dev

run: $(VENV)/.runtime
	@mkdir -p var
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py seed_demo --if-empty
	$(RUN_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo ""
	@echo "  Tandem is starting on http://127.0.0.1:$(PORT)  (web, Celery worker and beat; Ctrl-C stops all three)"
	@echo ""
	$(RUN_ENV) $(BIN)/honcho start -f Procfile 2>&1 || true

# The suite runs on TEST_WORKERS processes (pytest-xdist), each with its own test database; TEST_WORKERS=0 runs
# it in this one process. Two workers suit the two cores CI has. TEST_ARGS passes options on.
TEST_WORKERS ?= 2
TEST_ARGS ?=
test: $(VENV)/.dev
	$(BIN)/pytest -n $(TEST_WORKERS) $(TEST_ARGS)

# `make bench`: every performance figure, built and measured in a throwaway database that is dropped after
# (perf/; README, Performance). PostgreSQL when DATABASE_URL names one (the targets are set for it), else SQLite.
# BENCH_ARGS passes options on, e.g. BENCH_ARGS="--scale 0.1 --runs 3".
BENCH_JSON ?= var/bench.json
bench: $(VENV)/.runtime
	@mkdir -p var
	$(BIN)/python manage.py bench --json $(BENCH_JSON) $(BENCH_ARGS)

# lint-imports: the layers in pyproject.toml ([tool.importlinter]); a lower app importing a higher one fails.
lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

check: $(VENV)/.dev
	$(BIN)/python manage.py makemigrations --check --dry-run

# `make lock`: requirements.lock and requirements-dev.lock again from requirements.txt and requirements-dev.txt,
# every package pinned with its hashes, by pip-tools (pinned here) in a venv of its own. Run it after changing
# either requirements file; commit all four.
PIP_TOOLS_VERSION := 7.6.2
LOCK_VENV := .venv-lock
LOCK := $(LOCK_VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	--no-emit-find-links

$(LOCK_VENV)/.installed-$(PIP_TOOLS_VERSION):
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LOCK_VENV)/bin/pip install --quiet pip-tools==$(PIP_TOOLS_VERSION)
	@touch $@

lock: $(LOCK_VENV)/.installed-$(PIP_TOOLS_VERSION)
	$(LOCK) --output-file requirements.lock requirements.txt
	$(LOCK) --output-file requirements-dev.lock requirements-dev.txt

clean:
	rm -rf var/celery var/staticfiles var/mail .pytest_cache

# Load test
# `make loadtest`: Tandem under gunicorn (from .venv) with PostgreSQL and Redis, driven by locust for 60 s with
# 20 users; prints requests/s, p50/p95/p99 and errors, and fails when a target is missed. Needs PostgreSQL on
# 127.0.0.1:5432 (user postgres) and Redis on 127.0.0.1:6379 running already: loadtest/run.py says so if not.
# locust lives in its own venv: it pulls in gevent, Flask and a pytest plugin that must stay out of `make test`.
# Options go in LOADTEST_ARGS, e.g. `make loadtest LOADTEST_ARGS="--users 40 --json var/loadtest.json"`.
LOAD_VENV := .venv-load
LOADTEST_ARGS ?=
.PHONY: loadtest

$(LOAD_VENV)/.installed: requirements-bench.txt
	$(PYTHON) -m venv $(LOAD_VENV)
	$(LOAD_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LOAD_VENV)/bin/pip install --quiet -r requirements-bench.txt
	@touch $@

loadtest: $(VENV)/.runtime $(LOAD_VENV)/.installed
	$(LOAD_VENV)/bin/python loadtest/run.py $(LOADTEST_ARGS)

# Nu HTML Checker
# `make vnu`: the W3C's HTML checker (npm package vnu-jar, pinned here) into .vnu/ (git-ignored), for the test that
# checks every page of the permission matrix (config/tests/test_html_checker.py). Installing needs npm; running
# needs Java (Debian: apt-get install default-jre-headless). Without them that test is skipped, except in CI.
# --ignore-scripts: the package's postinstall would fetch a Java runtime from GitHub; Debian's Java is used instead.
VNU_VERSION := 26.9.27
.PHONY: vnu

.vnu/.installed-$(VNU_VERSION):
	npm install --prefix .vnu --ignore-scripts --no-audit --no-fund --no-save --loglevel=error vnu-jar@$(VNU_VERSION)
	@touch $@

vnu: .vnu/.installed-$(VNU_VERSION)
