# Two commands for a new user: `make demo` and `make test`. Both create or update .venv first.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# Extra pip flags, e.g. an index that serves CPU builds of torch on machines without a local wheel.
PIP_FLAGS ?=

.PHONY: demo test bench install dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Re-install only when a requirements file changes.
$(VENV)/.installed: requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet $(PIP_FLAGS) -r requirements.txt
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet $(PIP_FLAGS) -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

dev: $(VENV)/.installed-dev

demo: install
	$(BIN)/clinicwatch demo --db data/demo.db

test: dev
	$(BIN)/python -m pytest

bench: dev
	$(BIN)/pip install --quiet $(PIP_FLAGS) -r bench/requirements.txt
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) data/demo.db* test-artifacts
