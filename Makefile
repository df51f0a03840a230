# Two commands do all set-up on a fresh machine:
#   make run    creates .venv, installs, migrates, loads the Mali demo, serves http://127.0.0.1:8000
#   make test   creates .venv, installs with dev extras, runs the whole suite on SQLite and PostgreSQL
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
export ICSPLAN_DATA_DIR ?= $(CURDIR)/data

.PHONY: run test install system-deps bench clean

$(STAMP): pyproject.toml
	@bash scripts/system-deps
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip==25.3
	# torch first, alone: pip takes the CPU wheel on disk, and nothing later pulls a CUDA build.
	$(VENV)/bin/pip install --quiet torch==2.13.0
	$(VENV)/bin/pip install --quiet -e '.[dev,embeddings]'
	@touch $(STAMP)

install: $(STAMP)

system-deps:
	@bash scripts/system-deps

run: $(STAMP)
	$(VENV)/bin/icsplan demo
	@echo "icsplan: open http://$(HOST):$(PORT)/"
	$(VENV)/bin/icsplan serve --host $(HOST) --port $(PORT)

test: $(STAMP)
	@bash scripts/test

bench: $(STAMP)
	@for b in bench/[!_]*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) build dist src/*.egg-info
