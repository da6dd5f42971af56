# Statecraft's two commands:
#   make run   set everything up, then serve the studio on http://$(HOST):$(PORT)/
#   make test  set everything up, then ruff, import contracts, tsc, vitest and pytest (architecture,
#              engine, designer, e2e in chromium)
# Each setup step runs only when its inputs changed: the venv when requirements.txt changed,
# `npm ci` when package.json or package-lock.json changed, `vite build` when the front end's
# files changed (by content hash). Migrations, the admin user and the examples are idempotent.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := run

HOST ?= 127.0.0.1
PORT ?= 8000
# settings.py adds HOST to the default ALLOWED_HOSTS, so `make run HOST=<address>` just works.
export HOST PORT

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
FRONTEND := designer/frontend
CHROMIUM := /usr/bin/chromium
PYTEST_ARGS ?=

.PHONY: run test setup python frontend database chromium check-port clean

run: setup check-port
	@shown=$(HOST); case "$$shown" in 0.0.0.0|::|"[::]") shown=127.0.0.1;; esac; \
	echo; \
	echo "  Statecraft studio:  http://$$shown:$(PORT)/"; \
	echo "  Log in as:          admin / admin   (local setup only)"; \
	echo "  AWS API endpoint:   http://$$shown:$(PORT)/   access key test / secret test"; \
	echo "  Stop with Ctrl+C."; \
	echo
	@exec $(VENV)/bin/daphne -b $(HOST) -p $(PORT) designer.asgi:application

# Every check runs even when an earlier one fails, so one run shows everything that is wrong.
test: setup chromium
	@failed=""; \
	echo "--- ruff"; $(VENV)/bin/ruff check . || failed="$$failed ruff"; \
	echo "--- import contracts"; $(VENV)/bin/lint-imports || failed="$$failed lint-imports"; \
	echo "--- tsc"; (cd $(FRONTEND) && npm run --silent typecheck) || failed="$$failed tsc"; \
	echo "--- vitest"; (cd $(FRONTEND) && npm test -- --passWithNoTests) || failed="$$failed vitest"; \
	echo "--- pytest"; rc=0; $(PY) -m pytest tests/test_architecture.py tests/engine tests/designer tests/e2e $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest: no tests were collected"; elif [ $$rc -ne 0 ]; then failed="$$failed pytest"; fi; \
	if [ -n "$$failed" ]; then echo "make test: failed:$$failed" >&2; exit 1; fi

setup: python frontend database

# --- Python ----------------------------------------------------------------------------------

python: $(VENV)/.requirements.stamp

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "error: Statecraft needs Python 3.11 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>&1)." >&2; \
	    echo "       Run with another interpreter: make PYTHON=python3.11 ..." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.requirements.stamp: requirements.txt | $(PY)
	$(PY) -m pip install --disable-pip-version-check --progress-bar off -q -r requirements.txt
	touch $@

# --- Front end -------------------------------------------------------------------------------

$(FRONTEND)/node_modules/.statecraft-npm-ci: $(FRONTEND)/package.json $(FRONTEND)/package-lock.json
	@command -v npm >/dev/null || { echo "error: npm not found; install Node.js 20 and npm (apt-get install -y nodejs npm)." >&2; exit 1; }
	cd $(FRONTEND) && npm ci --no-audit --no-fund
	touch $@

# Rebuild when the content of the front end's sources, configs or package files differs from the
# last build, or when the build output is missing. The hash is kept in .frontend-stamp.
FRONTEND_INPUTS := src public index.html package.json package-lock.json tsconfig*.json vite.config.*

frontend: $(FRONTEND)/node_modules/.statecraft-npm-ci
	@hash=$$(cd $(FRONTEND) && { find $(FRONTEND_INPUTS) -type f 2>/dev/null || true; } | LC_ALL=C sort \
	  | xargs -d '\n' sha256sum | sha256sum | cut -d' ' -f1); \
	if [ -f static/designer/app.js ] && [ "$$hash" = "$$(cat .frontend-stamp 2>/dev/null)" ]; then \
	  echo "front end: up to date"; \
	else \
	  echo "front end: building"; \
	  (cd $(FRONTEND) && npm run build) && echo "$$hash" > .frontend-stamp; \
	fi

# --- Database, local admin, examples ---------------------------------------------------------

database: python
	$(MANAGE) migrate --noinput
	$(MANAGE) ensure_local_admin
	$(MANAGE) load_examples

# --- Browser for the end-to-end tests --------------------------------------------------------

chromium:
	@if [ -x $(CHROMIUM) ]; then exit 0; fi; \
	echo "chromium: $(CHROMIUM) is missing; installing Debian's chromium package for the browser tests"; \
	if [ "$$(id -u)" -ne 0 ]; then \
	  echo "error: installing chromium needs root. Run as root:  apt-get update && apt-get install -y chromium" >&2; \
	  exit 1; \
	fi; \
	if ! command -v apt-get >/dev/null; then \
	  echo "error: no apt-get on this machine; install Chromium so that $(CHROMIUM) exists, then re-run." >&2; \
	  exit 1; \
	fi; \
	export DEBIAN_FRONTEND=noninteractive; \
	if ! { apt-get update -qq && apt-get install -y -qq chromium; }; then \
	  echo "error: 'apt-get install chromium' failed (see above); the browser tests need $(CHROMIUM)." >&2; \
	  exit 1; \
	fi; \
	[ -x $(CHROMIUM) ] || { echo "error: chromium installed but $(CHROMIUM) is still missing." >&2; exit 1; }

check-port: python
	@$(PY) -c 'import socket, sys; host = sys.argv[1].strip("[]"); \
	family = socket.getaddrinfo(host, None)[0][0]; socket.create_server((host, int(sys.argv[2])), family=family).close()' \
	  $(HOST) $(PORT) 2>/dev/null || \
	  { echo "error: cannot listen on $(HOST):$(PORT) (in use?). Choose another port: make run PORT=8001" >&2; exit 1; }

clean:
	rm -rf $(VENV) $(FRONTEND)/node_modules static/designer .frontend-stamp
