# The README's two commands: `make run` and `make test`.  Both create the
# virtual environment and install into it themselves.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# `make run` installs what serving needs (the package's own dependencies);
# `make install`, `make test` and `make lint` add the dev extra
# (pyproject.toml; README "Installing" lists what each brings).
SERVE_STAMP := $(VENV)/.installed-serve
DEV_STAMP := $(VENV)/.installed-dev
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

.PHONY: run test install lint bench browser services containers clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip

$(SERVE_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -e .
	touch $(SERVE_STAMP)

$(DEV_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -e '.[dev]'
	touch $(DEV_STAMP)

install: $(DEV_STAMP)

run: $(SERVE_STAMP)
	$(VENV)/bin/playground $(RUN_ARGS)

browser:
	bash scripts/ensure-chromium.sh

services:
	bash scripts/ensure-services.sh

# The Dockerfile built and run, and the compose file brought up, with podman
# (installed with apt when root; skipped otherwise, or failed where
# PLAYGROUND_REQUIRE_SERVICES=1).  Before pytest, whose summary ends the run.
containers: $(DEV_STAMP)
	bash scripts/container-test.sh
	bash scripts/compose-test.sh

lint: $(DEV_STAMP)
	$(PY) -m ruff check core app playground tests benchmarks scripts
	$(PY) -m ruff format --check core app playground tests benchmarks scripts
	$(PY) -m mypy core app playground

test: $(DEV_STAMP) browser services lint containers
	$(PY) -m pytest

bench: $(DEV_STAMP)
	$(PY) benchmarks/bench_core.py

clean:
	rm -rf $(VENV) test-output .pytest_cache .mypy_cache .ruff_cache
