# Quick start: `make demo` (set up and run the main job), `make test` (set up and run every test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
OUT ?= out

.PHONY: setup demo test bench clean

$(BIN)/mrv: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(BIN)/mrv

setup: $(BIN)/mrv

demo: setup
	$(BIN)/mrv demo --out $(OUT)/demo

test: setup
	$(BIN)/pytest -q

bench: setup
	$(BIN)/python tests/benchmarks/bench_engine.py
	$(BIN)/python tests/benchmarks/bench_uncertainty.py
	$(BIN)/python tests/benchmarks/load_server.py --workers 2

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .hypothesis mrv.sqlite mrv.sqlite-wal mrv.sqlite-shm
