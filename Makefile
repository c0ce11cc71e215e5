# The README's two commands: `make run` and `make test`.  Both create the
# virtual environment and install into it themselves.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
# `make run HOST=0.0.0.0 PORT=8080` passes them on; otherwise the server
# reads PLAYGROUND_HOST / PLAYGROUND_PORT (default 127.0.0.1:8000). No
# default here: it would override the environment.
RUN_ARGS :=
ifeq ($(origin HOST),command line)
RUN_ARGS += --host $(HOST)
endif
ifeq ($(origin PORT),command line)
RUN_ARGS += --port $(PORT)
endif

.PHONY: run test install lint bench browser services clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/playground $(RUN_ARGS)

browser:
	bash scripts/ensure-chromium.sh

services:
	bash scripts/ensure-services.sh

lint: $(STAMP)
	$(PY) -m ruff check core app playground tests benchmarks
	$(PY) -m mypy core app playground

test: $(STAMP) browser services lint
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) benchmarks/bench_core.py

clean:
	rm -rf $(VENV) test-output .pytest_cache .mypy_cache .ruff_cache
