# Percorsi: `make run` and `make test` do their own set-up (Python deps, Kafka, PostgreSQL).
SHELL := /bin/bash
PY := .venv/bin/python
UV_VERSION := 0.13.9
export PYTHONPATH := $(CURDIR):$(CURDIR)/services

.PHONY: install run up down token test unit integration e2e lint bench fuzz clean

install: .venv/.installed
	@deploy/infra.sh install

.venv/.installed: requirements.lock
	@deploy/infra.sh venv
	@.venv/bin/pip install -q --disable-pip-version-check uv==$(UV_VERSION)
	@# Bytecode compiled once here: uv leaves it out by default, and where PYTHONDONTWRITEBYTECODE is
	@# set no process ever caches it, so every start (and every lazy import) would compile again.
	@.venv/bin/uv pip install -q --compile-bytecode --python $(PY) -r requirements.lock
	@touch $@

run: install
	@deploy/run.sh run

up: install
	@deploy/run.sh up

down:
	@deploy/run.sh down

ONLY ?=
ROLE ?= operator
ORG ?= org-demo
SUB ?= $(ROLE)-user

token: .venv/.installed
	@$(PY) -m shared.token --role $(ROLE) --org $(ORG) --sub $(SUB)

# The whole suite; the test session starts its own Kafka and PostgreSQL on other ports.
test: install lint
	@$(PY) -m pytest -q

unit: .venv/.installed
	@$(PY) -m pytest -q -m unit

integration: install
	@$(PY) -m pytest -q -m integration

e2e: install
	@$(PY) -m pytest -q -m e2e

# The suite's fuzz stage, longer: schemathesis on every operation of every service (its own servers).
FUZZ_EXAMPLES ?= 100
fuzz: install
	@PERCORSI_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest -q -s --timeout 1800 tests/e2e/test_fuzz.py

lint: .venv/.installed
	@.venv/bin/ruff check --quiet .
	@.venv/bin/lint-imports --no-cache
	@.venv/bin/mypy shared services bench deploy

bench: install
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
	@ONLY=$(ONLY) $(PY) -m bench

# Also the clusters' folders kept outside the project when running as root (deploy/infra.sh).
clean: down
	@PERCORSI_STATE=.data deploy/infra.sh clean
	@PERCORSI_STATE=.test-data deploy/infra.sh clean
