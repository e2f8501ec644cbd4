# Two commands for a new user: `make demo` and `make test`. Both create or update .venv first.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# Extra pip flags, e.g. an index that serves CPU builds of torch on machines without a local wheel.
PIP_FLAGS ?=

.PHONY: demo test bench install dev clean browser redis audit

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

test: dev browser redis
	$(BIN)/python -m pytest

# Debian's chromium, for tests/test_browse.py and --render-js (tests/test_render_js.py). Where it cannot be
# installed, those tests are skipped and say why.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium (apt-get) for the browser test"; \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
	      || echo "could not install chromium: the browser test will be skipped"; \
	  else \
	    echo "chromium is missing and cannot be installed here (needs root and apt-get): the browser test will be skipped"; \
	  fi; }

# Debian's redis-server, for tests/test_distributed.py (which starts its own). Where it cannot be installed, that test is skipped.
redis:
	@command -v redis-server >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing redis-server (apt-get) for the distributed crawl test"; \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; } \
	      || echo "could not install redis-server: the distributed crawl test will be skipped"; \
	  else \
	    echo "redis-server is missing and cannot be installed here (needs root and apt-get): the distributed crawl test will be skipped"; \
	  fi; }

bench: dev
	$(BIN)/pip install --quiet $(PIP_FLAGS) -r bench/requirements.txt
	$(BIN)/python -m bench

$(VENV)/.installed-audit: requirements-audit.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet $(PIP_FLAGS) -r requirements-audit.txt
	touch $@

# Known vulnerabilities of every pin of requirements.txt, from PyPI's advisory data. The pins are
# exact, so nothing needs resolving (--no-deps --disable-pip); --strict fails if a package could not
# be checked, so a pass means all were.
audit: $(VENV)/.installed-audit
	$(BIN)/pip-audit --requirement requirements.txt --no-deps --disable-pip --strict --progress-spinner off

clean:
	rm -rf $(VENV) data/demo.db* test-artifacts
