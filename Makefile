# Two commands do all set-up on a fresh machine:
#   make run    creates .venv, installs, migrates, loads the Mali demo, serves http://127.0.0.1:8000
#   make test   creates .venv, installs with dev and embeddings extras, runs the whole suite on SQLite and PostgreSQL
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
HOST ?= 127.0.0.1
PORT ?= 8000
export ICSPLAN_DATA_DIR ?= $(CURDIR)/data

.PHONY: run test install system-deps bench clean

$(STAMP): pyproject.toml
	@bash scripts/system-deps
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip==25.3
	$(VENV)/bin/pip install --quiet -e .
	@touch $(STAMP)

# The tests and benches also need the optional sentence-embedding extra (similar objectives).
# torch first, alone: pip takes the pinned CPU wheel, and nothing later pulls a CUDA build.
$(DEV_STAMP): $(STAMP)
	$(VENV)/bin/pip install --quiet torch==2.13.0
	$(VENV)/bin/pip install --quiet -e '.[dev,embeddings]'
	@touch $(DEV_STAMP)

install: $(DEV_STAMP)

system-deps:
	@bash scripts/system-deps

run: $(STAMP)
	$(VENV)/bin/icsplan demo
	@echo "icsplan: open http://$(HOST):$(PORT)/"
	$(VENV)/bin/icsplan serve --host $(HOST) --port $(PORT)

test: $(DEV_STAMP)
	@bash scripts/test

bench: $(DEV_STAMP)
	@for b in bench/[!_]*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) build dist src/*.egg-info
